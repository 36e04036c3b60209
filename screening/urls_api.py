from django.urls import path

from screening import api, api_fulltext

urlpatterns = [
    path(
        "reviews/<int:review_id>/screening/<str:stage>/next/",
        api.NextRecordView.as_view(),
        name="screening-next",
    ),
    path(
        "reviews/<int:review_id>/screening/<str:stage>/decisions/",
        api.DecisionView.as_view(),
        name="screening-decisions",
    ),
    path(
        "reviews/<int:review_id>/screening/<str:stage>/conflicts/",
        api.ConflictListView.as_view(),
        name="screening-conflicts",
    ),
    path(
        "reviews/<int:review_id>/screening/<str:stage>/conflicts/<int:record_id>/resolve/",
        api.ResolveView.as_view(),
        name="screening-resolve",
    ),
    path(
        "reviews/<int:review_id>/screening/<str:stage>/agreement/",
        api.AgreementView.as_view(),
        name="screening-agreement",
    ),
    path("reviews/<int:review_id>/prisma/", api.PrismaView.as_view(), name="prisma"),
    path(
        "reviews/<int:review_id>/records/<int:record_id>/fulltext/",
        api_fulltext.FullTextView.as_view(),
        name="fulltext",
    ),
    path(
        "reviews/<int:review_id>/records/<int:record_id>/fulltext/not-retrieved/",
        api_fulltext.NotRetrievedView.as_view(),
        name="fulltext-not-retrieved",
    ),
    path(
        "reviews/<int:review_id>/records/<int:record_id>/fulltext/pdf/",
        api_fulltext.FullTextPdfView.as_view(),
        name="fulltext-pdf",
    ),
    path(
        "reviews/<int:review_id>/screening/<str:stage>/ranking/",
        api.RankingView.as_view(),
        name="screening-ranking",
    ),
]
