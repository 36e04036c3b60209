"""The PRISMA diagram page and downloads, included under reviews/<int:review_id>/prisma/."""

from django.urls import path

from screening import views_prisma

app_name = "screening_prisma"  # mounted by lifecycle.urls as "prisma"

urlpatterns = [
    path("", views_prisma.prisma_page, name="page"),
    path("prisma.svg", views_prisma.prisma_svg_download, name="svg"),
    path("prisma.png", views_prisma.prisma_png_download, name="png"),
    path("prisma.json", views_prisma.prisma_json_download, name="json"),
]
