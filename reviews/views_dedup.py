"""Pages for deduplication: status and groups, the review queue, undo. Thin."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from reviews import selectors
from reviews.access import cluster_for_user, pair_for_user, review_for_user
from reviews.deduplication import cluster_undo, dedup_start, pair_decide
from reviews.fields import CITATION_FIELDS, FIELD_LABELS

# Rows of the side-by-side comparison: the citation fields, then the abstract.
COMPARED = (*CITATION_FIELDS, "abstract")

# How a candidate pair was found (DuplicatePair.rule, a code), in words for the queue.
RULE_LABELS = {
    "doi": pgettext_lazy("dedup rule", "doi"),
    "pmid": pgettext_lazy("dedup rule", "pmid"),
    "source_id": pgettext_lazy("dedup rule", "source_id"),
    "fuzzy": pgettext_lazy("dedup rule", "fuzzy"),
    "manual": pgettext_lazy("dedup rule", "manual"),
    "kept": pgettext_lazy("dedup rule", "kept"),
}


# Each group lists its records and an undo button: ten make a page one can scan.
GROUPS_PER_PAGE = 10


@require_GET
@login_required
def dedup_page(request: HttpRequest, review_id: int) -> HttpResponse:
    review = review_for_user(request.user, review_id)
    context = {
        "review": review,
        "run": selectors.latest_dedup_run(review),
        "queue_count": selectors.review_queue(review).count(),
        "removed": selectors.duplicates_removed_by_database(review),
        "page": Paginator(selectors.active_clusters(review), GROUPS_PER_PAGE).get_page(
            request.GET.get("page")
        ),
        "in_use": selectors.clusters_in_use(review),
    }
    return render(request, "reviews/dedup.html", context)


@require_POST
@login_required
def dedup_run_view(request: HttpRequest, review_id: int) -> HttpResponse:
    review = review_for_user(request.user, review_id, write=True)
    dedup_start(review=review, user=request.user)
    messages.success(request, _("Deduplication started; this page shows its progress."))
    return redirect("reviews:dedup", review_id=review.pk)


def _comparison(pair) -> list[dict]:
    rows = []
    for field in COMPARED:
        a, b = getattr(pair.record_a, field), getattr(pair.record_b, field)
        similarity = pair.fields.get(field)
        rows.append(
            {
                "label": FIELD_LABELS[field],
                "a": "; ".join(a) if isinstance(a, list) else a,
                "b": "; ".join(b) if isinstance(b, list) else b,
                "differs": (similarity is not None and similarity < 1.0) or (bool(a) != bool(b)),
            }
        )
    return rows


@require_GET
@login_required
def dedup_queue(request: HttpRequest, review_id: int) -> HttpResponse:
    return _queue(request, review_for_user(request.user, review_id), request.GET)


def _queue(request: HttpRequest, review, params) -> HttpResponse:
    queue = selectors.review_queue(review)
    skip = [int(pk) for pk in params.getlist("skip") if pk.isdecimal()]
    pair = queue.exclude(pk__in=skip).first()
    context = {
        "review": review,
        "pair": pair,
        "rows": _comparison(pair) if pair else [],
        "rule_label": RULE_LABELS.get(pair.rule, pair.rule) if pair else "",
        "left": queue.count(),
        "skip": skip,
    }
    if request.htmx:
        return render(request, "reviews/dedup_queue.html#pair", context)
    return render(request, "reviews/dedup_queue.html", context)


@require_POST
@login_required
def dedup_decide(request: HttpRequest, review_id: int, pair_id: int) -> HttpResponse:
    pair = pair_for_user(request.user, review_id, pair_id, write=True)
    choice = request.POST.get("decision")
    if choice not in ("duplicate", "not_duplicate"):
        messages.error(request, _("Choose duplicate or not duplicate."))
    else:
        try:
            pair_decide(user=request.user, pair=pair, duplicate=choice == "duplicate")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return _queue(request, pair.review, request.POST)


@require_POST
@login_required
def dedup_undo(request: HttpRequest, review_id: int, cluster_id: int) -> HttpResponse:
    cluster = cluster_for_user(request.user, review_id, cluster_id, write=True)
    try:
        cluster_undo(
            user=request.user, cluster=cluster, confirm=request.POST.get("confirm") == "on"
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Duplicate group #%(pk)s undone; its pairs are back in the queue.")
            % {"pk": cluster.pk},
        )
    return redirect("reviews:dedup", review_id=cluster.review.pk)
