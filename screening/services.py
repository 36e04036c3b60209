"""Every change in screening: decisions, conflict resolutions, stage settings. Atomic and
audited."""

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reviews.audit import audit_record, field_changes
from reviews.models import Membership, Record, Review
from screening import prioritisation, selectors, tallies
from screening.access import StageAccess, access_of
from screening.models import Choice, Claim, Decision, Resolution, Stage, StageSettings, Tally

SETTINGS_FIELDS = (
    "reviewers_required",
    "blinded",
    "recall_target",
    "stopping_confidence",
    "exclusion_reasons",
    "include_terms",
    "exclude_terms",
    "arbiter",
    "prioritise",
)


def _check_reason(settings: StageSettings, stage: str, decision: str, reason: str) -> None:
    if (
        stage == Stage.FULL_TEXT
        and decision == Choice.EXCLUDE
        and reason not in settings.exclusion_reasons
    ):
        raise ValidationError(
            {
                "reason": _("A full-text exclusion needs one of the review's reasons: %(reasons)s")
                % {"reasons": "; ".join(settings.exclusion_reasons)}
            }
        )


# How long a record handed out as someone's next stays theirs (see `Claim`).
CLAIM_FOR = timedelta(minutes=15)


def next_record(*, reviewer: User, review: Review, stage: str) -> Record | None:
    """The reviewer's next record (`selectors.next_for`), claimed for them for a while so it
    goes to no more reviewers than it needs. A reviewer holds one claim per stage."""
    found = next_records(reviewer=reviewer, review=review, stage=stage)
    return found[0] if found else None


def _deciding(user: User, review: Review, stage: str) -> StageAccess:
    access = access_of(user, review, stage)
    if not access.can_decide:
        raise PermissionDenied(_("Viewers of a review cannot screen it."))
    return access


def next_records(*, reviewer: User, review: Review, stage: str, n: int = 1) -> list[Record]:
    """`next_record`, and with `n=2` the record after it too (not claimed: the page shows it
    ahead of time and claims it when it becomes the next one)."""
    _deciding(reviewer, review, stage)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A claim is a hint that lapses on its own; losing the last few in a crash costs
            # nothing, so this commit need not wait for the disk.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        found = selectors.next_records(reviewer, review, stage, n=n, lock=True)
        Claim.objects.filter(review=review, stage=stage, reviewer=reviewer).delete()
        if found:
            Claim.objects.create(
                review=review,
                record=found[0],
                stage=stage,
                reviewer=reviewer,
                until=timezone.now() + CLAIM_FOR,
            )
    return found


def decision_record(
    *,
    reviewer: User,
    review: Review,
    record_id: int,
    stage: str,
    decision: str,
    reason: str = "",
    note: str = "",
) -> Decision:
    """Record (or change) a reviewer's decision. The same input twice changes nothing."""
    settings = _deciding(reviewer, review, stage).settings
    if decision not in Choice.values:
        raise ValidationError(
            {
                "decision": _("“%(decision)s” is not include, exclude or maybe.")
                % {"decision": decision}
            }
        )
    reason = reason.strip()
    _check_reason(settings, stage, decision, reason)
    with transaction.atomic():
        # Lock the record itself (its decisions may not exist yet), so two reviewers deciding
        # at once are counted in turn and never exceed the required number. Under that lock
        # the record's decisions and tally are read without locks of their own.
        units = selectors.screening_units(review, stage).filter(pk=record_id)
        if not units.select_for_update(of=("self",)).values_list("pk", flat=True):
            raise ValidationError(
                {
                    "record": _("Record %(id)s is not screened at this stage of this review.")
                    % {"id": record_id}
                }
            )
        decisions = list(Decision.objects.filter(record_id=record_id, stage=stage))
        tally = Tally.objects.filter(record_id=record_id, stage=stage).first()
        mine = next((d for d in decisions if d.reviewer_id == reviewer.pk), None)
        values = {"decision": decision, "reason": reason, "note": note}
        if mine is not None and all(getattr(mine, k) == v for k, v in values.items()):
            return mine
        if tally is not None and not tally.open:
            if mine is None:
                raise ValidationError(_("This record already has all its decisions."))
            raise ValidationError(
                _(
                    "Every required reviewer has decided this record, so decisions can no "
                    "longer be changed; a lead resolves any conflict."
                )
            )
        saved = _save(reviewer, review, record_id, stage, mine, values)
        others = [d.decision for d in decisions if d is not mine]
        tally = tally or Tally(review=review, record_id=record_id, stage=stage)
        tally = tallies.tally_set(tally, [*others, decision], "", settings.reviewers_required)
        # The decision now counts where the claim did.
        Claim.objects.filter(record_id=record_id, stage=stage, reviewer=reviewer).delete()
    if not tally.open:
        # Only a record that settles adds to what the relevance model learns from.
        prioritisation.ranking_maybe_start(review, stage, settings)
    return saved


def _save(reviewer, review, record_id, stage, mine, values) -> Decision:
    if mine is None:
        try:
            mine = Decision.objects.create(
                review=review, record_id=record_id, stage=stage, reviewer=reviewer, **values
            )
        except IntegrityError:
            # The same reviewer's other request won the race (the record lock makes this rare:
            # SQLite takes its write lock only here): one decision, not two.
            raise ValidationError(
                _("This decision was just recorded; reload and try again.")
            ) from None
        changes = {k: [None, v] for k, v in values.items() if v}
    else:
        before = {k: getattr(mine, k) for k in values}
        for key, value in values.items():
            setattr(mine, key, value)
        mine.save(update_fields=[*values, "updated_at"])
        changes = field_changes(before, values)
    audit_record(
        actor=reviewer,
        review=review,
        action="screening.decided",
        obj=mine,
        changes={"stage": [None, stage], "record": [None, record_id], **changes},
    )
    return mine


@transaction.atomic
def conflict_resolve(
    *,
    resolver: User,
    review: Review,
    record_id: int,
    stage: str,
    decision: str,
    reason: str = "",
) -> Resolution:
    """The final decision, by a lead or the stage's arbiter, on a record whose reviewers did
    not agree."""
    access = access_of(resolver, review, stage)
    if not access.can_resolve:
        raise PermissionDenied(
            _("Only a lead or the stage's designated arbiter resolves conflicts.")
        )
    settings = access.settings
    if decision not in (Choice.INCLUDE, Choice.EXCLUDE):
        raise ValidationError({"decision": _("A conflict is resolved with include or exclude.")})
    _check_reason(settings, stage, decision, reason)
    record = selectors.conflicts(review, stage).filter(pk=record_id).first()
    if record is None:
        raise ValidationError(
            {
                "record": _("Record %(id)s is not a conflict at this stage of this review.")
                % {"id": record_id}
            }
        )
    resolution = Resolution.objects.create(
        review=review,
        record=record,
        stage=stage,
        decision=decision,
        reason=reason,
        resolved_by=resolver,
    )
    tallies.tally_recount(review, record.pk, stage, settings.reviewers_required)
    audit_record(
        actor=resolver,
        review=review,
        action="screening.resolved",
        obj=resolution,
        changes={"stage": [None, stage], "record": [None, record.pk], "decision": [None, decision]},
    )
    prioritisation.ranking_maybe_start(review, stage, settings)
    return resolution


@transaction.atomic
def stage_settings_update(
    *, lead: User, review: Review, stage: str, data: dict[str, Any]
) -> StageSettings:
    if not access_of(lead, review, stage).can_configure:
        raise PermissionDenied(_("Only a lead of this review can change its screening settings."))
    current, _created = StageSettings.objects.select_for_update().get_or_create(
        review=review, stage=stage
    )
    if data.get("arbiter") is not None:
        _check_arbiter(review, data["arbiter"])
    before = _settings_values(current)
    for field in SETTINGS_FIELDS:
        if field in data:
            setattr(current, field, data[field])
    current.full_clean()
    current.save()
    selectors.stage_settings_forget(review)
    if before["reviewers_required"] != current.reviewers_required:
        tallies.tallies_reopen(review, stage, current.reviewers_required)
    changes = field_changes(before, _settings_values(current))
    if changes:
        audit_record(
            actor=lead,
            review=review,
            action="screening.settings_changed",
            obj=current,
            changes=changes,
        )
    return current


def _settings_values(current: StageSettings) -> dict[str, Any]:
    # The audit log stores JSON: the arbiter by username.
    values = {f: getattr(current, f) for f in SETTINGS_FIELDS}
    values["arbiter"] = current.arbiter.get_username() if current.arbiter else None
    return values


def _check_arbiter(review: Review, user: User) -> None:
    membership = Membership.objects.filter(review=review, user=user).first()
    if membership is None or not membership.can_write:
        raise ValidationError(
            {
                "arbiter": _("%(user)s is not a reviewer or lead of this review.")
                % {"user": user.get_username()}
            }
        )


def decision_withdraw(*, reviewer: User, review: Review, record_id: int, stage: str) -> None:
    """Take back one's decision (the screening page's "undo"), while the record is unsettled."""
    settings = _deciding(reviewer, review, stage).settings
    with transaction.atomic():
        Record.objects.select_for_update().filter(pk=record_id, review=review).first()
        decisions = list(
            Decision.objects.select_for_update().filter(record_id=record_id, stage=stage)
        )
        mine = next((d for d in decisions if d.reviewer_id == reviewer.pk), None)
        if mine is None:
            raise ValidationError(_("You have no decision on this record to undo."))
        settled = selectors.is_settled(record_id, stage)
        if settled:
            raise ValidationError(
                _("Every required reviewer has decided this record; it can no longer be undone.")
            )
        audit_record(
            actor=reviewer,
            review=review,
            action="screening.withdrawn",
            obj=mine,
            changes={
                "stage": [stage, None],
                "decision": [mine.decision, None],
                "record": [record_id, None],
            },
        )
        mine.delete()
        tallies.tally_recount(review, record_id, stage, settings.reviewers_required)
