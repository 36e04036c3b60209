from django.urls import path, re_path

from reviews import views, views_dedup, views_imports, views_invitations

app_name = "reviews"

urlpatterns = [
    path("", views.review_list, name="list"),
    path("new/", views.review_create, name="create"),
    path("<int:review_id>/edit/", views.review_edit, name="edit"),
    path("<int:review_id>/delete/", views.review_delete, name="delete"),
    path("<int:review_id>/members/", views.member_list, name="members"),
    path("invitations/<str:token>/", views_invitations.invitation_page, name="invitation"),
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
    path("<int:review_id>/imports/", views_imports.import_page, name="imports"),
    path("<int:review_id>/imports/stage/", views_imports.import_stage_view, name="import_stage"),
    path(
        "<int:review_id>/imports/<int:import_id>/",
        views_imports.import_status,
        name="import_status",
    ),
    path(
        "<int:review_id>/imports/<int:import_id>/start/",
        views_imports.import_start_view,
        name="import_start",
    ),
    path(
        "<int:review_id>/imports/<int:import_id>/mapping/",
        views_imports.import_mapping,
        name="import_mapping",
    ),
    path(
        "<int:review_id>/imports/<int:import_id>/discard/",
        views_imports.import_discard_view,
        name="import_discard",
    ),
    path(
        "<int:review_id>/imports/<int:import_id>/skip-invalid/",
        views_imports.import_skip_invalid_view,
        name="import_skip_invalid",
    ),
    path("<int:review_id>/records/", views_imports.record_list, name="records"),
    path("<int:review_id>/dedup/", views_dedup.dedup_page, name="dedup"),
    path("<int:review_id>/dedup/run/", views_dedup.dedup_run_view, name="dedup_run"),
    path("<int:review_id>/dedup/queue/", views_dedup.dedup_queue, name="dedup_queue"),
    path(
        "<int:review_id>/dedup/pairs/<int:pair_id>/decide/",
        views_dedup.dedup_decide,
        name="dedup_decide",
    ),
    path(
        "<int:review_id>/dedup/clusters/<int:cluster_id>/undo/",
        views_dedup.dedup_undo,
        name="dedup_undo",
    ),
    re_path(
        r"^(?P<review_id>\d+)/records/export\.(?P<format_name>ris|csv|json)$",
        views_imports.record_export,
        name="record_export",
    ),
]
