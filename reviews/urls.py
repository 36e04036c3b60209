from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("", views.review_list, name="list"),
    path("new/", views.review_create, name="create"),
    path("<int:review_id>/", views.review_dashboard, name="dashboard"),
    path("<int:review_id>/edit/", views.review_edit, name="edit"),
    path("<int:review_id>/delete/", views.review_delete, name="delete"),
    path("<int:review_id>/members/", views.member_list, name="members"),
    path(
        "<int:review_id>/members/<int:membership_id>/role/",
        views.member_role,
        name="member_role",
    ),
    path(
        "<int:review_id>/members/<int:membership_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("<int:review_id>/audit/", views.audit_log, name="audit"),
    path("<int:review_id>/worker-check/", views.worker_check, name="worker_check"),
    path("jobs/<int:job_id>/", views.job_status, name="job"),
]
