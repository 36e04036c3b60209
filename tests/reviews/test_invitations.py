"""Issue #16: a lead invites someone without an account by email: a single-use link that
expires, emailed when email is configured and always shown to copy, opening a sign-up form."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail

from reviews.models import AuditEvent, Invitation, Membership


def invite(client, review, email="ana@example.org", role="reviewer"):
    return client.post(
        f"/reviews/{review.pk}/members/", {"username": email, "role": role}, follow=True
    )


def link_in(html: str) -> str:
    return re.search(r'id="invitation-url" class="copy-link" value="([^"]+)"', html).group(1)


@pytest.fixture
def email_on(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.EVIDENT_EMAIL_CONFIGURED = True


def test_no_adduser_advice_for_an_unknown_username(client, review, lead):
    client.force_login(lead)
    html = client.post(
        f"/reviews/{review.pk}/members/", {"username": "ghost", "role": "viewer"}
    ).content.decode()
    assert "adduser" not in html
    assert "enter their email address" in html


def test_lead_invites_by_email_and_sees_the_link_to_copy(client, review, lead):
    client.force_login(lead)
    html = invite(client, review).content.decode()
    link = link_in(html)
    assert link.startswith("http://testserver/reviews/invitations/")
    assert "Email is not set up on this server" in html
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.emailed) == (
        "ana@example.org",
        "reviewer",
        False,
    )
    # Only a hash is stored: the link's token is not in the table.
    assert link.rstrip("/").rsplit("/", 1)[1] not in invitation.token_sha256
    assert mail.outbox == []
    # Shown once: the link is not on the page again later.
    assert "invitation-url" not in client.get(f"/reviews/{review.pk}/members/").content.decode()
    assert AuditEvent.objects.filter(action="member.invited").exists()


def test_the_invitation_is_emailed_when_email_is_configured(
    client, review, lead, email_on, django_capture_on_commit_callbacks
):
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        html = invite(client, review).content.decode()
    assert "was emailed to" in html
    [message] = mail.outbox
    assert message.to == ["ana@example.org"]
    assert link_in(html) in message.body


def test_the_link_opens_a_sign_up_form_and_works_once(client, review, lead):
    client.force_login(lead)
    link = link_in(invite(client, review).content.decode())
    client.logout()
    page = client.get(link)
    assert page.status_code == 200
    assert "Create your account" in page.content.decode()
    response = client.post(
        link,
        {
            "username": "ana",
            "password1": "a long passphrase 4242",
            "password2": "a long passphrase 4242",
        },
    )
    assert response.status_code == 302
    ana = User.objects.get(username="ana")
    assert ana.email == "ana@example.org"
    assert Membership.objects.get(review=review, user=ana).role == "reviewer"
    assert client.get(f"/reviews/{review.pk}/").status_code == 200  # logged in
    client.logout()
    again = client.get(link)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()


def test_an_expired_link_says_so(client, review, lead):
    client.force_login(lead)
    link = link_in(invite(client, review).content.decode())
    Invitation.objects.update(expires_at=Invitation.objects.get().created_at - timedelta(seconds=1))
    client.logout()
    response = client.get(link)
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_a_logged_in_person_joins_with_one_button(client, review, lead, outsider):
    client.force_login(lead)
    link = link_in(
        invite(client, review, email="someone-else@example.org", role="viewer").content.decode()
    )
    client.force_login(outsider)
    assert "Join as outsider" in client.get(link).content.decode()
    client.post(link)
    assert Membership.objects.get(review=review, user=outsider).role == "viewer"


def test_a_made_up_link_is_refused(client, db):
    response = client.get("/reviews/invitations/not-a-real-token/")
    assert response.status_code == 410
    assert "not valid" in response.content.decode()


def test_only_leads_invite(client, review, reviewer):
    client.force_login(reviewer)
    assert invite(client, review).status_code == 403
    assert not Invitation.objects.exists()
