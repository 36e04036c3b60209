"""Every change to reviews, memberships and jobs. Each service is atomic and audited."""

import os
import socket
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from reviews.audit import audit_record, field_changes
from reviews.jobs import job_start
from reviews.models import REVIEW_DETAILS, REVIEW_SETTINGS, Job, Membership, Review, Role

REVIEW_FIELDS = (*REVIEW_DETAILS, *REVIEW_SETTINGS)


def _review_values(review: Review) -> dict[str, Any]:
    return {field: getattr(review, field) for field in REVIEW_FIELDS}


@transaction.atomic
def review_create(*, user: User, data: dict[str, Any]) -> Review:
    """Create a review; its creator becomes its first lead."""
    review = Review(created_by=user, **{f: data[f] for f in REVIEW_FIELDS if f in data})
    review.full_clean()
    review.save()
    membership = Membership.objects.create(review=review, user=user, role=Role.LEAD, added_by=user)
    audit_record(
        actor=user,
        review=review,
        action="review.created",
        obj=review,
        changes={f: [None, v] for f, v in _review_values(review).items() if v},
    )
    audit_record(
        actor=user,
        review=review,
        action="member.added",
        obj=membership,
        changes={"role": [None, Role.LEAD]},
    )
    return review


@transaction.atomic
def review_update(*, user: User, review: Review, data: dict[str, Any]) -> Review:
    before = _review_values(review)
    for field in REVIEW_FIELDS:
        if field in data:
            setattr(review, field, data[field])
    changes = field_changes(before, _review_values(review))
    if not changes:
        return review
    review.full_clean()
    review.save(update_fields=[*changes, "updated_at"])
    audit_record(actor=user, review=review, action="review.updated", obj=review, changes=changes)
    return review


@transaction.atomic
def review_delete(*, user: User, review: Review) -> None:
    audit_record(
        actor=user,
        review=review,
        action="review.deleted",
        obj=review,
        changes={"title": [review.title, None]},
    )
    # Files kept by later stages go when their rows do (their apps' post_delete receivers).
    review.delete()


def account_exists(identifier: str) -> bool:
    """Whether an active account has this username or email."""
    identifier = identifier.strip()
    return (
        get_user_model()
        .objects.filter(
            Q(username__iexact=identifier) | Q(email__iexact=identifier), is_active=True
        )
        .exists()
    )


def _find_user(identifier: str) -> User:
    identifier = identifier.strip()
    if not identifier:
        raise ValidationError({"username": _("Give the username or email address of the person.")})
    users = get_user_model().objects.filter(
        Q(username__iexact=identifier) | Q(email__iexact=identifier), is_active=True
    )
    matches = list(users[:2])
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise ValidationError(
            {
                "username": _(
                    "No active account has the username or email “%(identifier)s”. "
                    "To invite someone without an account, enter their email address."
                )
                % {"identifier": identifier}
            }
        )
    raise ValidationError(
        {
            "username": _("Several accounts share the email “%(identifier)s”: use the username.")
            % {"identifier": identifier}
        }
    )


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise ValidationError(
            {
                "role": _("“%(role)s” is not a role; choose one of %(roles)s.")
                % {"role": role, "roles": ", ".join(Role.values)}
            }
        )


@transaction.atomic
def member_add(*, actor: User, review: Review, identifier: str, role: str) -> Membership:
    """Invite an existing account, found by username or email, into the review."""
    _check_role(role)
    user = _find_user(identifier)
    if Membership.objects.filter(review=review, user=user).exists():
        raise ValidationError(
            {
                "username": _("%(username)s is already a member of this review.")
                % {"username": user.get_username()}
            }
        )
    membership = Membership.objects.create(review=review, user=user, role=role, added_by=actor)
    audit_record(
        actor=actor,
        review=review,
        action="member.added",
        obj=membership,
        changes={"role": [None, role]},
    )
    return membership


def _lock_leads(review: Review) -> list[int]:
    # Lock the lead rows in primary-key order so two leads demoting each other at the same
    # moment cannot both succeed and leave the review without a lead.
    return list(
        Membership.objects.select_for_update()
        .filter(review=review, role=Role.LEAD)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _refuse_if_last_lead(membership: Membership, lead_ids: list[int], removing: bool) -> None:
    if lead_ids != [membership.pk]:
        return
    username = membership.user.get_username()
    if removing:
        message = _(
            "%(username)s is the only lead: make someone else a lead before you remove them."
        )
    else:
        message = _(
            "%(username)s is the only lead: make someone else a lead before you change this role."
        )
    raise ValidationError(message % {"username": username})


@transaction.atomic
def member_change_role(*, actor: User, membership: Membership, role: str) -> Membership:
    _check_role(role)
    if role == membership.role:
        return membership
    lead_ids = _lock_leads(membership.review)
    if membership.role == Role.LEAD:
        _refuse_if_last_lead(membership, lead_ids, removing=False)
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        actor=actor,
        review=membership.review,
        action="member.role_changed",
        obj=membership,
        changes={"role": [old, role]},
    )
    return membership


@transaction.atomic
def member_remove(*, actor: User, membership: Membership) -> None:
    lead_ids = _lock_leads(membership.review)
    if membership.role == Role.LEAD:
        _refuse_if_last_lead(membership, lead_ids, removing=True)
    audit_record(
        actor=actor,
        review=membership.review,
        action="member.removed",
        obj=membership,
        changes={"role": [membership.role, None]},
    )
    membership.delete()


def worker_check_start(*, user: User, review: Review) -> Job:
    """Queue a job that proves a Celery worker is alive and can write to the database."""
    return job_start(kind="worker_check", review=review, user=user)


def worker_check(job: Job) -> dict[str, Any]:
    """The "worker_check" job: which worker ran it."""
    return {"hostname": socket.gethostname(), "pid": os.getpid()}
