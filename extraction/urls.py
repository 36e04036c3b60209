from django.urls import path

from extraction import views, views_entry

app_name = "extraction"

urlpatterns = [
    path("", views.study_list, name="studies"),
    path("form/", views.form_builder, name="form"),
    path("lock/", views.lock_page, name="lock"),
    path("lock/lock/", views.lock, name="lock_now"),
    path("lock/unlock/", views.unlock, name="unlock"),
    path("import/", views.import_upload, name="import"),
    path("snapshots/<int:version>/export.csv", views.snapshot_csv, name="snapshot_csv"),
    path("snapshots/<int:version>/export.xlsx", views.snapshot_xlsx, name="snapshot_xlsx"),
    path(
        "snapshots/<int:version>/metaanalyze.csv",
        views.snapshot_metaanalyze,
        name="snapshot_metaanalyze",
    ),
    path("studies/new/", views.study_new, name="study_new"),
    path("studies/<int:study_id>/", views.study_detail, name="study"),
    path("studies/<int:study_id>/edit/", views.study_edit, name="study_edit"),
    path("studies/<int:study_id>/delete/", views.study_delete, name="study_delete"),
    path("studies/<int:study_id>/link/", views.report_link, name="report_link"),
    path("studies/<int:study_id>/unlink/", views.report_unlink, name="report_unlink"),
    path("studies/<int:study_id>/start/", views.extraction_start, name="start"),
    path("studies/<int:study_id>/compare/", views_entry.compare, name="compare"),
    path(
        "studies/<int:study_id>/consensus/accept/",
        views_entry.consensus_accept,
        name="consensus_accept",
    ),
    path(
        "studies/<int:study_id>/consensus/agreeing/",
        views_entry.consensus_agreeing,
        name="consensus_agreeing",
    ),
    path(
        "studies/<int:study_id>/consensus/complete/",
        views_entry.consensus_complete,
        name="consensus_complete",
    ),
    path(
        "studies/<int:study_id>/consensus/reopen/",
        views_entry.consensus_reopen,
        name="consensus_reopen",
    ),
    path(
        "studies/<int:study_id>/consensus/entry/",
        views_entry.consensus_entry,
        name="consensus_entry",
    ),
    path("entry/<int:extraction_id>/", views_entry.entry, name="entry"),
    path("entry/<int:extraction_id>/field/<str:key>/", views_entry.field_save, name="field"),
    path("entry/<int:extraction_id>/arms/new/", views_entry.arm_add, name="arm_add"),
    path("entry/<int:extraction_id>/arms/<int:position>/", views_entry.arm_save, name="arm"),
    path(
        "entry/<int:extraction_id>/arms/<int:position>/delete/",
        views_entry.arm_delete,
        name="arm_delete",
    ),
    path("entry/<int:extraction_id>/row/", views_entry.row_save, name="row"),
    path("entry/<int:extraction_id>/done/", views_entry.done, name="done"),
    path("entry/<int:extraction_id>/reopen/", views_entry.reopen, name="reopen"),
]
