from django.urls import path

from extraction import api, api_entry

R = "reviews/<int:review_id>/extraction/"
STUDY = R + "studies/<int:study_id>/"
EXTRACTION = R + "extractions/<int:extraction_id>/"
SNAPSHOT = R + "snapshots/<int:version>/"

urlpatterns = [
    path(R + "settings/", api.SettingsView.as_view(), name="extraction-settings"),
    path(R + "form/", api.FormView.as_view(), name="extraction-form"),
    path(R + "form/versions/", api.FormVersionsView.as_view(), name="extraction-form-versions"),
    path(R + "studies/", api.StudyListView.as_view(), name="extraction-studies"),
    path(STUDY, api.StudyDetailView.as_view(), name="extraction-study"),
    path(STUDY + "reports/", api.ReportLinkView.as_view(), name="extraction-report-link"),
    path(
        STUDY + "reports/<int:record_id>/",
        api.ReportUnlinkView.as_view(),
        name="extraction-report-unlink",
    ),
    path(STUDY + "extractions/", api_entry.ExtractionStartView.as_view(), name="extraction-start"),
    path(STUDY + "comparison/", api_entry.ComparisonView.as_view(), name="extraction-comparison"),
    path(
        STUDY + "consensus/accept/",
        api_entry.ConsensusAcceptView.as_view(),
        name="extraction-consensus-accept",
    ),
    path(
        STUDY + "consensus/agreeing/",
        api_entry.ConsensusAgreeingView.as_view(),
        name="extraction-consensus-agreeing",
    ),
    path(
        STUDY + "consensus/complete/",
        api_entry.ConsensusCompleteView.as_view(),
        name="extraction-consensus-complete",
    ),
    path(
        STUDY + "consensus/reopen/",
        api_entry.ConsensusReopenView.as_view(),
        name="extraction-consensus-reopen",
    ),
    path(EXTRACTION, api_entry.ExtractionDetailView.as_view(), name="extraction-detail"),
    path(
        EXTRACTION + "fields/<str:key>/",
        api_entry.FieldValueView.as_view(),
        name="extraction-field",
    ),
    path(EXTRACTION + "arms/<int:position>/", api_entry.ArmView.as_view(), name="extraction-arm"),
    path(EXTRACTION + "outcomes/", api_entry.OutcomeRowView.as_view(), name="extraction-outcome"),
    path(EXTRACTION + "done/", api_entry.ExtractionDoneView.as_view(), name="extraction-done"),
    path(
        EXTRACTION + "reopen/", api_entry.ExtractionReopenView.as_view(), name="extraction-reopen"
    ),
    path(R + "lock/", api.LockView.as_view(), name="extraction-lock"),
    path(R + "unlock/", api.UnlockView.as_view(), name="extraction-unlock"),
    path(R + "snapshots/", api.SnapshotListView.as_view(), name="extraction-snapshots"),
    path(SNAPSHOT, api.SnapshotDetailView.as_view(), name="extraction-snapshot"),
    path(SNAPSHOT + "export.csv", api.SnapshotCsvView.as_view(), name="extraction-snapshot-csv"),
    path(SNAPSHOT + "export.xlsx", api.SnapshotXlsxView.as_view(), name="extraction-snapshot-xlsx"),
    path(
        SNAPSHOT + "metaanalyze.csv",
        api.SnapshotMetaanalyzeView.as_view(),
        name="extraction-snapshot-metaanalyze",
    ),
    path(R + "import/", api.ImportView.as_view(), name="extraction-import"),
]
