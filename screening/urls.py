from django.urls import path

from screening import views, views_fulltext, views_history, views_stopping

app_name = "screening"

urlpatterns = [
    # Before "<stage>/": no trailing slash, so it could never be a stage anyway.
    path("history.csv", views_history.history_csv, name="history"),
    path("<str:stage>/", views.screen, name="screen"),
    path("<str:stage>/records/", views.record_list, name="records"),
    path("<str:stage>/decide/", views.decide, name="decide"),
    path("<str:stage>/progress/", views.progress, name="progress"),
    path("<str:stage>/withdraw/", views.withdraw, name="withdraw"),
    path("<str:stage>/conflicts/", views.conflict_list, name="conflicts"),
    path("<str:stage>/settings/", views.stage_settings, name="settings"),
    path("<str:stage>/agreement.csv", views.agreement_csv, name="agreement_csv"),
    path("<str:stage>/conflicts/<int:record_id>/resolve/", views.resolve, name="resolve"),
    path("<str:stage>/stopping/", views_stopping.panel, name="stopping"),
    path("<str:stage>/stopping/stop/", views_stopping.stop, name="stop"),
    path("<str:stage>/stopping/resume/", views_stopping.resume, name="resume"),
    path("<str:stage>/stopping/order/", views_stopping.order, name="stopping_order"),
    path("fulltext/<int:record_id>/upload/", views_fulltext.upload, name="fulltext_upload"),
    path(
        "fulltext/<int:record_id>/not-retrieved/",
        views_fulltext.not_retrieved,
        name="fulltext_not_retrieved",
    ),
    path("fulltext/<int:record_id>/remove/", views_fulltext.remove, name="fulltext_remove"),
    path("fulltext/<int:record_id>/pdf/", views_fulltext.pdf, name="fulltext_pdf"),
]
