"""Locking a review's extraction (with a snapshot of its consensus data) and unlocking it."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from extraction import selectors, services
from extraction.models import ExtractionLock, Snapshot
from extraction.snapshots import sha256_of, snapshot_build
from reviews.audit import audit_record
from reviews.models import Review


def lock_blockers(review: Review) -> list[str]:
    """What stops a lead from locking, in words: the page lists them."""
    rows = selectors.study_rows(review)
    if not rows:
        return [
            _(
                "There is no study yet: studies come from records included at full text, or a "
                "lead adds them."
            )
        ]
    settings = selectors.extraction_settings(review)
    blockers = []
    waiting = selectors.records_without_study(review).count()
    if waiting:
        blockers.append(
            ngettext(
                "%(n)s report(s) included at full text are not yet studies.",
                "%(n)s report(s) included at full text are not yet studies.",
                waiting,
            )
            % {"n": waiting}
        )
    for row in rows:
        label = row.study.label
        if row.no_longer_included:
            blockers.append(
                _(
                    "%(study)s: none of its reports is included at full text any more; delete "
                    "the study or link an included report."
                )
                % {"study": label}
            )
        if not row.study.design:
            blockers.append(_("%(study)s: the design is not set.") % {"study": label})
        if row.consensus_complete:
            continue
        done = row.done_extractions
        if done < settings.extractors_required:
            blockers.append(
                ngettext(
                    "%(study)s: %(done)s of %(required)s extraction(s) done; consensus not "
                    "complete.",
                    "%(study)s: %(done)s of %(required)s extraction(s) done; consensus not "
                    "complete.",
                    settings.extractors_required,
                )
                % {"study": label, "done": done, "required": settings.extractors_required}
            )
        else:
            blockers.append(_("%(study)s: consensus not complete.") % {"study": label})
    return blockers


@transaction.atomic
def extraction_lock(*, lead: User, review: Review, reason: str = "") -> Snapshot:
    """Lock extraction and write the next snapshot of the consensus data. Refused, with the
    list of what is missing, until every study's consensus is complete."""
    services.studies_sync(review=review)
    services.extraction_guard(review)
    blockers = lock_blockers(review)
    if blockers:
        raise ValidationError(blockers)
    version = services.form_current_or_create(review)
    data, index = snapshot_build(review, version)
    last = selectors.snapshots(review).first()
    snapshot = Snapshot.objects.create(
        review=review,
        version=last.version + 1 if last is not None else 1,
        data=data,
        index=index,
        sha256=sha256_of(data),
        reason=reason.strip(),
        created_by=lead,
    )
    lock = ExtractionLock.objects.create(review=review, snapshot=snapshot, locked_by=lead)
    audit_record(
        actor=lead,
        review=review,
        action="extraction.locked",
        obj=lock,
        changes={
            "snapshot": [None, snapshot.version],
            "sha256": [None, snapshot.sha256],
            "studies": [None, len(data["studies"])],
            **({"reason": [None, snapshot.reason]} if snapshot.reason else {}),
        },
    )
    return snapshot


@transaction.atomic
def extraction_unlock(*, lead: User, review: Review, reason: str) -> None:
    """Unlock extraction, for a reason the audit log keeps. Snapshots stay as they are; the
    next lock writes a new version."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Say why extraction is unlocked (the audit log keeps it).")}
        )
    lock = (
        ExtractionLock.objects.select_for_update()
        .select_related("snapshot")
        .filter(review=review)
        .first()
    )
    if lock is None:
        raise services.ExtractionNotLocked(_("Extraction of this review is not locked."))
    audit_record(
        actor=lead,
        review=review,
        action="extraction.unlocked",
        obj=lock,
        changes={"snapshot": [lock.snapshot.version, None], "reason": [None, reason]},
    )
    lock.delete()
