"""Reads for pages and the API; each query fetches what its page shows in one go."""

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, OuterRef, QuerySet, Subquery

from reviews.models import AuditEvent, Job, Membership, Review


def reviews_for_user(user: AbstractBaseUser) -> QuerySet[Review]:
    """The reviews the user belongs to, each annotated with the user's role and team size."""
    role = Membership.objects.filter(review=OuterRef("pk"), user=user).values("role")[:1]
    return (
        Review.objects.filter(memberships__user=user)
        .annotate(my_role=Subquery(role), member_count=Count("memberships", distinct=True))
        .order_by("-updated_at", "-pk")
    )


def review_members(review: Review) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(review=review)
        .select_related("user", "added_by")
        .order_by("role", "user__username")
    )


def review_audit_events(review: Review) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(review_id=review.pk).select_related("actor")


def review_jobs(review: Review) -> QuerySet[Job]:
    return Job.objects.filter(review=review).select_related("created_by")


@dataclass(frozen=True)
class Stage:
    """One step of the review lifecycle as the dashboard shows it."""

    key: str
    label: str
    description: str
    status: str = "not_started"  # not_started, in_progress or done
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def status_label(self) -> str:
        return self.status.replace("_", " ").capitalize()


# The lifecycle in order. Each later feature replaces its stage's defaults with live counts
# from its own selector; a stage whose feature is not built yet shows as not started.
LIFECYCLE = (
    ("import", "Import", "Search results from each database, with provenance."),
    ("dedup", "Deduplicate", "Duplicates across databases found and merged."),
    ("title_abstract", "Title/abstract", "Dual, blinded screening of titles and abstracts."),
    ("full_text", "Full text", "Full-text screening with exclusion reasons."),
    ("risk_of_bias", "Risk of bias", "RoB 2, ROBINS-I, RoB 1 or NOS, dual with consensus."),
    ("extraction", "Extraction", "Study and outcome data, dual with consensus, then locked."),
    ("analysis", "Analysis", "Meta-analyses, plots and the summary of findings."),
)


def review_stages(review: Review) -> list[Stage]:
    return [Stage(key=key, label=label, description=text) for key, label, text in LIFECYCLE]
