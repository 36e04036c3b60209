"""Inviting people without an account: a lead enters an email address, the app makes a
single-use link valid for INVITATION_VALID_DAYS, emails it when email is configured, and
always shows it to the lead to copy. The link opens a sign-up form; signing up (or a person
already logged in accepting) makes them a member with the invited role."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reviews.audit import audit_record
from reviews.models import Invitation, Membership, Review, Role


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def email_configured() -> bool:
    """Whether invitations can go out by email (settings.EMAIL_BACKEND is set up)."""
    return bool(getattr(settings, "EVIDENT_EMAIL_CONFIGURED", False))


@transaction.atomic
def invitation_create(
    *, actor: User, review: Review, email: str, role: str, link_for
) -> tuple[Invitation, str]:
    """Make an invitation and return it with its link (`link_for(token)` builds the absolute
    URL). The email is sent after the transaction commits; a failure to send leaves the
    invitation valid, since the lead has the link on screen."""
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"username": _("“%(email)s” is not an email address.") % {"email": email}}
        ) from None
    if role not in Role.values:
        raise ValidationError(
            {
                "role": _("“%(role)s” is not a role; choose one of %(roles)s.")
                % {"role": role, "roles": ", ".join(Role.values)}
            }
        )
    token = secrets.token_urlsafe(32)
    days = settings.INVITATION_VALID_DAYS
    invitation = Invitation.objects.create(
        review=review,
        email=email,
        role=role,
        token_sha256=_digest(token),
        created_by=actor,
        expires_at=timezone.now() + timedelta(days=days),
        emailed=email_configured(),
    )
    audit_record(
        actor=actor,
        review=review,
        action="member.invited",
        obj=invitation,
        changes={"email": [None, email], "role": [None, role]},
    )
    link = link_for(token)
    if invitation.emailed:
        # Written in the inviting lead's language: the invitee has no account (nor language) yet.
        values = {
            "inviter": actor.get_username(),
            "title": review.title,
            "role": Role(role).label.lower(),
            "days": days,
            "link": link,
        }
        subject = _("Invitation to the review “%(title)s”") % values
        body = (
            ngettext(
                "%(inviter)s invites you to join the systematic review “%(title)s” on Evident as "
                "%(role)s.\n\nCreate your account here (the link works once, for %(days)s day):"
                "\n%(link)s\n",
                "%(inviter)s invites you to join the systematic review “%(title)s” on Evident as "
                "%(role)s.\n\nCreate your account here (the link works once, for %(days)s days):"
                "\n%(link)s\n",
                days,
            )
            % values
        )
        transaction.on_commit(lambda: send_mail(subject, body, None, [email], fail_silently=True))
    return invitation, link


def invitation_for_token(token: str) -> Invitation:
    """The invitation a link names, if it can still be used; otherwise ValidationError saying
    why (unknown, used or expired)."""
    invitation = (
        Invitation.objects.select_related("review", "created_by")
        .filter(token_sha256=_digest(token))
        .first()
    )
    if invitation is None:
        raise ValidationError(
            _("This invitation link is not valid. Ask the review's lead for a new one.")
        )
    if invitation.accepted_at is not None:
        raise ValidationError(
            _(
                "This invitation link has already been used. Log in, or ask %(inviter)s for a "
                "new one."
            )
            % {"inviter": invitation.created_by.get_username()}
        )
    if invitation.expires_at <= timezone.now():
        raise ValidationError(
            _("This invitation expired on %(date)s. Ask %(inviter)s for a new one.")
            % {
                "date": date_format(timezone.localtime(invitation.expires_at), "DATE_FORMAT"),
                "inviter": invitation.created_by.get_username(),
            }
        )
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    """Use the invitation (once) and make `user` a member with the invited role."""
    invitation = invitation_for_token(token)
    # Locked, so two sign-ups racing on one link cannot both use it.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation link has already been used."))
    membership, created = Membership.objects.get_or_create(
        review=invitation.review,
        user=user,
        defaults={"role": invitation.role, "added_by": invitation.created_by},
    )
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    if created:
        audit_record(
            actor=user,
            review=invitation.review,
            action="member.added",
            obj=membership,
            changes={"role": [None, invitation.role]},
        )
    return membership
