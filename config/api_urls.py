from django.urls import include, path

from reviews import api as reviews_api
from reviews import api_dedup, api_imports

urlpatterns = [
    path("auth/token/", reviews_api.TokenView.as_view(), name="token"),
    path("reviews/", reviews_api.ReviewListView.as_view(), name="review-list"),
    path("reviews/<int:review_id>/", reviews_api.ReviewDetailView.as_view(), name="review-detail"),
    path(
        "reviews/<int:review_id>/members/",
        reviews_api.MemberListView.as_view(),
        name="member-list",
    ),
    path(
        "reviews/<int:review_id>/members/<int:membership_id>/",
        reviews_api.MemberDetailView.as_view(),
        name="member-detail",
    ),
    path("reviews/<int:review_id>/audit/", reviews_api.AuditLogView.as_view(), name="audit-log"),
    path(
        "reviews/<int:review_id>/worker-check/",
        reviews_api.WorkerCheckView.as_view(),
        name="worker-check",
    ),
    path(
        "reviews/<int:review_id>/imports/", api_imports.ImportListView.as_view(), name="import-list"
    ),
    path(
        "reviews/<int:review_id>/imports/<int:import_id>/",
        api_imports.ImportDetailView.as_view(),
        name="import-detail",
    ),
    path(
        "reviews/<int:review_id>/imports/<int:import_id>/skip-invalid/",
        api_imports.ImportSkipInvalidView.as_view(),
        name="import-skip-invalid",
    ),
    path(
        "reviews/<int:review_id>/records/", api_imports.RecordListView.as_view(), name="record-list"
    ),
    path("reviews/<int:review_id>/dedup/", api_dedup.DedupView.as_view(), name="dedup"),
    path(
        "reviews/<int:review_id>/dedup/candidates/",
        api_dedup.CandidateListView.as_view(),
        name="dedup-candidates",
    ),
    path(
        "reviews/<int:review_id>/dedup/candidates/<int:pair_id>/",
        api_dedup.CandidateDecisionView.as_view(),
        name="dedup-decision",
    ),
    path(
        "reviews/<int:review_id>/dedup/clusters/<int:cluster_id>/undo/",
        api_dedup.ClusterUndoView.as_view(),
        name="dedup-undo",
    ),
    path("", include("screening.urls_api")),
    path("", include("extraction.urls_api")),
    path("", include("rob.urls_api")),
    path("", include("analysis.urls_api")),
    path("jobs/<int:job_id>/", reviews_api.JobDetailView.as_view(), name="job-detail"),
]
