"""The pages as a member uses them: forms, messages and what each role sees."""

import pytest

from reviews.models import AuditEvent, Membership, Review
from tests.factories import PASSWORD


def edit_form(review, **changes):
    """What the settings form posts: every field, with some changed."""
    data = {
        "title": review.title,
        "dedup_auto_threshold": review.dedup_auto_threshold,
        "dedup_review_threshold": review.dedup_review_threshold,
    }
    return {**data, **changes}


def test_login_page_logs_in_and_lands_on_review_list(client, review, lead):
    assert client.get("/accounts/login/").status_code == 200
    response = client.post(
        "/accounts/login/", {"username": "lead", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/reviews/"
    assert review.title in response.content.decode()


def test_wrong_password_shows_error_and_stays_logged_out(client, lead):
    response = client.post("/accounts/login/", {"username": "lead", "password": "wrong"})
    assert response.status_code == 200
    assert "didn't match" in response.content.decode()
    assert client.get("/reviews/").status_code == 302


def test_logout_needs_post(client, lead):
    client.force_login(lead)
    # A GET shows the button (tests/reviews/test_first_hour.py) and logs nobody out.
    client.get("/accounts/logout/")
    assert client.get("/reviews/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/reviews/").status_code == 302


def test_password_change(client, lead):
    client.force_login(lead)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a much longer passphrase 42",
            "new_password2": "a much longer passphrase 42",
        },
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.check_password("a much longer passphrase 42")


def test_password_change_with_wrong_old_password_changes_nothing(client, lead):
    client.force_login(lead)
    response = client.post(
        "/accounts/password/",
        {"old_password": "wrong", "new_password1": "x" * 20, "new_password2": "x" * 20},
    )
    assert response.status_code == 200
    assert "incorrectly" in response.content.decode()
    lead.refresh_from_db()
    assert lead.check_password(PASSWORD)


def test_create_review_page(client, lead):
    client.force_login(lead)
    response = client.post(
        "/reviews/new/",
        {
            "title": "Fibroblasts for acne scars",
            "inclusion_criteria": "RCTs\n\n  Split-face trials  \n",
            "exclusion_criteria": "",
        },
    )
    review = Review.objects.get(title="Fibroblasts for acne scars")
    assert response["Location"] == f"/reviews/{review.pk}/"
    assert review.inclusion_criteria == ["RCTs", "Split-face trials"]
    assert review.exclusion_criteria == []


def test_create_review_without_title_shows_field_error(client, lead):
    client.force_login(lead)
    response = client.post("/reviews/new/", {"title": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Review.objects.exists()


def test_invite_member_page_shows_error_for_unknown_user(client, review, lead):
    client.force_login(lead)
    response = client.post(
        f"/reviews/{review.pk}/members/", {"username": "ghost", "role": "viewer"}
    )
    assert response.status_code == 200
    assert "No active account" in response.content.decode()


def test_invite_then_change_role_then_remove(client, review, lead, outsider):
    client.force_login(lead)
    client.post(f"/reviews/{review.pk}/members/", {"username": "outsider", "role": "viewer"})
    membership = Membership.objects.get(review=review, user=outsider)
    client.post(f"/reviews/{review.pk}/members/{membership.pk}/role/", {"role": "reviewer"})
    membership.refresh_from_db()
    assert membership.role == "reviewer"
    response = client.post(f"/reviews/{review.pk}/members/{membership.pk}/remove/", follow=True)
    assert "outsider left the review." in response.content.decode()
    assert not Membership.objects.filter(pk=membership.pk).exists()
    actions = list(
        AuditEvent.objects.filter(object_id=str(membership.pk)).values_list("action", flat=True)
    )
    assert sorted(actions) == ["member.added", "member.removed", "member.role_changed"]


def test_removing_the_only_lead_shows_message(client, review, lead):
    client.force_login(lead)
    own = Membership.objects.get(review=review, user=lead)
    response = client.post(f"/reviews/{review.pk}/members/{own.pk}/remove/", follow=True)
    assert "only lead" in response.content.decode()
    assert Membership.objects.filter(pk=own.pk).exists()


def test_viewer_sees_members_without_controls(client, review, viewer):
    client.force_login(viewer)
    html = client.get(f"/reviews/{review.pk}/members/").content.decode()
    assert "reviewer" in html
    assert "Invite a member" not in html
    assert "Remove" not in html


@pytest.mark.parametrize(("typed", "deleted"), [("wrong title", False), (None, True)])
def test_delete_needs_the_title_typed(client, review, lead, typed, deleted):
    client.force_login(lead)
    client.post(f"/reviews/{review.pk}/delete/", {"confirm_title": typed or review.title})
    assert Review.objects.filter(pk=review.pk).exists() is not deleted


def test_audit_log_page_lists_events(client, review, lead):
    client.force_login(lead)
    client.post(f"/reviews/{review.pk}/edit/", edit_form(review, title="Renamed review"))
    html = client.get(f"/reviews/{review.pk}/audit/").content.decode()
    assert "changed the review&#x27;s title" in html
    assert "Renamed review" in html


def test_worker_check_partial_polls_until_finished(
    client, review, lead, django_capture_on_commit_callbacks
):
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        html = client.post(f"/reviews/{review.pk}/worker-check/").content.decode()
    assert "hx-get" in html  # still queued when the response was rendered
    job_id = review.jobs.get().pk
    html = client.get(f"/reviews/jobs/{job_id}/").content.decode()
    assert "The background worker is running" in html
    assert "hx-get" not in html


def test_csrf_missing_on_form_post_is_refused(review, lead):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(lead)
    response = strict.post(f"/reviews/{review.pk}/edit/", edit_form(review, title="Changed"))
    assert response.status_code == 403
    assert "security token" in response.content.decode()
    review.refresh_from_db()
    assert review.title != "Changed"


def test_settings_refuse_review_threshold_above_automatic(client, review, lead):
    client.force_login(lead)
    response = client.post(
        f"/reviews/{review.pk}/edit/",
        edit_form(review, dedup_auto_threshold=0.9, dedup_review_threshold=0.95),
    )
    assert response.status_code == 200
    assert "must be below the automatic-merge threshold" in response.content.decode()
    review.refresh_from_db()
    assert review.dedup_review_threshold == 0.5
