from django.urls import path

from analysis import views, views_grade

app_name = "analysis"

RUN = "runs/<int:run_id>/"

urlpatterns = [
    path("", views.plans, name="plans"),
    path("defaults/", views.plans_defaults, name="plans_defaults"),
    path("seed-style/", views.plans_seed_style, name="plans_seed_style"),
    path("run-all/", views.runs_all, name="runs_all"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:plan_id>/", views.plan_edit, name="plan_edit"),
    path("plans/<int:plan_id>/run/", views.plan_run, name="plan_run"),
    path("plans/<int:plan_id>/grade/", views_grade.grade_page, name="grade"),
    path(RUN, views.run_page, name="run"),
    path(RUN + "plots/<str:name>.<str:fmt>", views.run_plot, name="run_plot"),
    path(RUN + "results.<str:fmt>", views.run_download, name="run_download"),
    path("compare/", views.compare, name="compare"),
    path("summary-of-findings/", views_grade.sof, name="sof"),
]
