"""A stage's agreement between reviewers, as the API, the dashboard and the CSV show it."""

from reviews.models import Review
from screening import selectors
from screening.agreement import cohen_kappa, fleiss_kappa, pairwise_agreement
from screening.models import Decision


def stage_agreement(review: Review, stage: str) -> dict:
    """Kappa and percent agreement over the records whose required decisions are all in.

    Only those records count: counting the others would reveal a decision to a reviewer
    still blinded to it. With two reviewers per record the overall figure is Cohen's kappa
    (each record's two decisions in reviewer-name order), with three Fleiss' kappa; the pairs
    give Cohen's kappa for every two reviewers over the records both decided.
    """
    required = selectors.stage_settings(review, stage).reviewers_required
    by_record: dict[int, list[tuple[str, str]]] = {}
    for record_id, username, decision in (
        Decision.objects.filter(review=review, stage=stage)
        .order_by("record_id", "reviewer__username")
        .values_list("record_id", "reviewer__username", "decision")
    ):
        by_record.setdefault(record_id, []).append((username, decision))
    complete = {r: v for r, v in by_record.items() if len(v) >= required >= 2}
    by_reviewer: dict[str, dict[int, str]] = {}
    for record_id, decisions in complete.items():
        for username, decision in decisions:
            by_reviewer.setdefault(username, {})[record_id] = decision
    rows = list(complete.values())
    overall = None
    if rows and required == 2:
        overall = cohen_kappa([v[0][1] for v in rows], [v[1][1] for v in rows])
    elif rows and required == 3:
        overall = fleiss_kappa([[d for _, d in v[:3]] for v in rows])
    return {
        "kappa": getattr(overall, "kappa", None),
        "percent_agreement": getattr(overall, "percent_agreement", None),
        "n_records": len(rows),
        "method": {2: "cohen", 3: "fleiss"}.get(required, "none"),
        "pairs": [
            {
                "reviewers": [p.reviewer_a, p.reviewer_b],
                "n_records": p.n_records,
                "kappa": p.kappa,
                "percent_agreement": p.percent_agreement,
            }
            for p in pairwise_agreement(by_reviewer)
        ],
    }
