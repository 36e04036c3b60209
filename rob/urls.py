from django.urls import path

from rob import views, views_assess

app_name = "rob"

A = "assignments/<int:assignment_id>/"
S = "assessments/<int:assessment_id>/"

urlpatterns = [
    path("", views.assignments, name="assignments"),
    path("assign/", views.assign, name="assign"),
    path("settings/", views.settings_save, name="settings"),
    path(A + "remove/", views.unassign, name="unassign"),
    path(A + "start/", views.start, name="start"),
    path(A + "compare/", views.compare, name="compare"),
    path(A + "consensus/", views.consensus_start, name="consensus_start"),
    path(S + "overall/", views_assess.overall, name="overall"),
    path(S + "reopen/", views_assess.reopen, name="reopen"),
    path(S + "<str:domain_id>/", views_assess.assess, name="assess"),
    path("plots/", views.plots_page, name="plots"),
    path("plots/<str:kind>.<str:fmt>", views.plot, name="plot"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
]
