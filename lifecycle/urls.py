from django.urls import include, path

from lifecycle import views

app_name = "lifecycle"

urlpatterns = [
    path("<int:review_id>/", views.dashboard, name="dashboard"),
    path("<int:review_id>/prisma/", include("screening.urls_prisma", namespace="prisma")),
]
