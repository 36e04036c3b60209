"""The PRISMA 2020 flow diagram page and its downloads (SVG, PNG, JSON). Thin: every member
of the review may see them; outsiders get 404."""

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from reviews.access import review_for_user
from screening.prisma import prisma_counts, prisma_diagram_counts
from screening.prisma_diagram import prisma_png, prisma_svg
from screening.stopping_review import stopping_sentences


def _download(content: str | bytes, content_type: str, review_id: int, suffix: str):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="review-{review_id}-prisma.{suffix}"'
    return response


@require_GET
@login_required
def prisma_page(request: HttpRequest, review_id: int) -> HttpResponse:
    review = review_for_user(request.user, review_id)
    counts = prisma_diagram_counts(review)
    # prisma_svg escapes every text it draws, so its output is safe to inline.
    context = {
        "review": review,
        "counts": counts,
        "svg": mark_safe(prisma_svg(counts)),
        "stopping": stopping_sentences(review),
    }
    return render(request, "screening/prisma.html", context)


@require_GET
@login_required
def prisma_svg_download(request: HttpRequest, review_id: int) -> HttpResponse:
    review = review_for_user(request.user, review_id)
    svg = prisma_svg(prisma_diagram_counts(review))
    return _download(svg, "image/svg+xml; charset=utf-8", review.pk, "svg")


@require_GET
@login_required
def prisma_png_download(request: HttpRequest, review_id: int) -> HttpResponse:
    review = review_for_user(request.user, review_id)
    return _download(prisma_png(prisma_diagram_counts(review)), "image/png", review.pk, "png")


@require_GET
@login_required
def prisma_json_download(request: HttpRequest, review_id: int) -> HttpResponse:
    review = review_for_user(request.user, review_id)
    body = json.dumps(prisma_counts(review), ensure_ascii=False, indent=2)
    return _download(body, "application/json", review.pk, "json")
