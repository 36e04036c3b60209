from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config import errors
from config.javascript_catalogue import javascript_catalogue
from reviews import views_account, views_language

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="reviews:list", permanent=False)),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views_account.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views_account.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/", views_language.account_settings, name="account_settings"),
    path("accounts/language/", views_language.language_switch, name="language_switch"),
    # The few strings page scripts show, in the page's language (a file, not inline script).
    path(
        "jsi18n/<str:language>/<str:version>/",
        javascript_catalogue,
        name="javascript-catalog",
    ),
    path("accounts/tokens/revoke/", views_account.api_tokens_revoke, name="api_tokens_revoke"),
    path("reviews/", include("reviews.urls")),
    path("reviews/", include("lifecycle.urls")),
    path("reviews/<int:review_id>/screening/", include("screening.urls")),
    path("reviews/<int:review_id>/extraction/", include("extraction.urls")),
    path("reviews/<int:review_id>/rob/", include("rob.urls")),
    path("reviews/<int:review_id>/analysis/", include("analysis.urls")),
    path("api/v1/", include(("config.api_urls", "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file (?script), not inline.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("admin/", admin.site.urls),
    # Unknown API paths answer in JSON even with DEBUG on, and 404 for every method: without
    # csrf_exempt a POST or DELETE would get the CSRF check's 403 instead.
    re_path(r"^api/", csrf_exempt(errors.not_found)),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"
