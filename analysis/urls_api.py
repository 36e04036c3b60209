from django.urls import path

from analysis import api

A = "reviews/<int:review_id>/analysis/"
RUN = A + "runs/<int:run_id>/"

urlpatterns = [
    path(A + "plans/", api.PlanListView.as_view(), name="analysis-plans"),
    path(A + "plans/<int:plan_id>/", api.PlanDetailView.as_view(), name="analysis-plan"),
    path(A + "plans/<int:plan_id>/grade/", api.GradeView.as_view(), name="analysis-grade"),
    path(A + "runs/", api.RunListView.as_view(), name="analysis-runs"),
    path(RUN, api.RunDetailView.as_view(), name="analysis-run"),
    path(RUN + "results/", api.RunResultsView.as_view(), name="analysis-run-results"),
    path(RUN + "plots/<str:name>/", api.RunPlotView.as_view(), name="analysis-run-plot"),
]
