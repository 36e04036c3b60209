"""The one place that decides what a member may do at a screening stage, and which records
have a full text. Pages, the API and the services all go through here (on top of
`reviews.access.review_for_user`), so each rule lives once.

Outsiders get 404 for everything; an unknown stage is 404 too; a member whose role is too low
for the action gets 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from reviews.access import review_for_user
from reviews.models import Membership, Record, Review
from screening import selectors
from screening.models import Stage, StageSettings


@dataclass(frozen=True)
class StageAccess:
    """A member at one stage of one review: the stage's settings (read once per request) and
    what the member may do there."""

    review: Review
    stage: str
    settings: StageSettings

    @property
    def membership(self) -> Membership:
        return self.review.membership

    @property
    def label(self) -> str:
        return str(Stage(self.stage).label)

    @property
    def can_decide(self) -> bool:
        return self.membership.can_write

    @property
    def can_resolve(self) -> bool:
        """Leads resolve conflicts; so does the reviewer a lead made the stage's arbiter."""
        return self.membership.is_lead or (
            self.membership.can_write and self.settings.arbiter_id == self.membership.user_id
        )

    @property
    def can_configure(self) -> bool:
        return self.membership.is_lead


def stage_access(review: Review, stage: str) -> StageAccess:
    """The stage of a review already checked for its member (`review.membership`)."""
    if stage not in Stage.values:
        raise Http404(
            _("“%(stage)s” is not a screening stage; use title_abstract or full_text.")
            % {"stage": stage}
        )
    return StageAccess(review, stage, selectors.stage_settings(review, stage))


def stage_for_user(
    user: User | AnonymousUser,
    review_id: int | str,
    stage: str,
    *,
    write: bool = False,
    resolve: bool = False,
    lead: bool = False,
) -> StageAccess:
    """The user's access to a stage of a review. ``write``: deciding records (reviewers and
    leads); ``resolve``: resolving conflicts (leads and the stage's arbiter); ``lead``:
    changing the stage's settings."""
    access = stage_access(review_for_user(user, review_id, write=write, lead=lead), stage)
    if resolve and not access.can_resolve:
        raise PermissionDenied(
            _("Only a lead or the stage's designated arbiter resolves conflicts.")
        )
    return access


def access_of(user: User, review: Review, stage: str) -> StageAccess:
    """A service's check of who acts, for callers that hold the review without a membership
    (the command line, tests): the same rules as `stage_for_user`. A service names a wrong
    stage as a field error; a page or endpoint answers 404 for it."""
    if stage not in Stage.values:
        raise ValidationError(
            {
                "stage": _("“%(stage)s” is not a stage; use one of %(stages)s.")
                % {"stage": stage, "stages": Stage.values}
            }
        )
    if getattr(review, "membership", None) is None or review.membership.user_id != user.pk:
        review = review_for_user(user, review.pk)
    return stage_access(review, stage)


def report_for_user(
    user: User | AnonymousUser,
    review_id: int | str,
    record_id: int | str,
    *,
    write: bool = False,
) -> Record:
    """A report sought at full text (a record included at title/abstract) of a review the user
    belongs to; its review, with the membership, is `record.review`."""
    review = review_for_user(user, review_id, write=write)
    return report_of(review, record_id)


def report_of(review: Review, record_id: int | str) -> Record:
    try:
        record = selectors.reports_sought(review).filter(pk=int(record_id)).first()
    except (TypeError, ValueError):
        record = None
    if record is None:
        raise Http404(
            _(
                "Record %(id)s is not a report sought in this review: only records included "
                "at title/abstract have a full text."
            )
            % {"id": record_id}
        )
    record.review = review
    return record
