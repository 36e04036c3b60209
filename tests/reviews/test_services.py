import pytest
from django.core.exceptions import ValidationError

from reviews import services
from reviews.models import AuditEvent, Membership, Review, Role
from tests.factories import UserFactory


@pytest.fixture
def acne_review_data():
    return {
        "title": "Autologous cell therapies for atrophic acne scars",
        "question": "Do autologous cell therapies improve atrophic acne scars?",
        "population": "Adults with atrophic acne scars",
        "intervention": "Autologous fat grafting, PRP or fibroblasts",
        "comparator": "Placebo, no treatment or another active treatment",
        "outcomes": "Scar severity scores",
        "inclusion_criteria": ["Randomised or split-face trials"],
        "exclusion_criteria": ["Case reports"],
        "protocol_registration": "CRD42023000000",
    }


def test_review_create_makes_creator_lead_and_audits(lead, acne_review_data):
    review = services.review_create(user=lead, data=acne_review_data)
    assert Membership.objects.get(review=review).role == Role.LEAD
    assert review.inclusion_criteria == ["Randomised or split-face trials"]
    actions = list(AuditEvent.objects.filter(review_id=review.pk).values_list("action", flat=True))
    assert sorted(actions) == ["member.added", "review.created"]
    created = AuditEvent.objects.get(review_id=review.pk, action="review.created")
    assert created.actor == lead
    assert created.changes["title"] == [None, acne_review_data["title"]]


def test_review_create_without_title_saves_nothing(lead):
    with pytest.raises(ValidationError):
        services.review_create(user=lead, data={"title": ""})
    assert not Review.objects.exists()
    assert not AuditEvent.objects.exists()


def test_review_update_records_only_changed_fields(review, lead):
    services.review_update(
        user=lead, review=review, data={"title": review.title, "population": "Adults"}
    )
    event = AuditEvent.objects.get(review_id=review.pk, action="review.updated")
    assert event.changes == {"population": ["", "Adults"]}


def test_review_update_with_no_change_writes_no_event(review, lead):
    services.review_update(user=lead, review=review, data={"title": review.title})
    assert not AuditEvent.objects.filter(action="review.updated").exists()


def test_review_delete_keeps_audit_trail(review, lead):
    review_id = review.pk
    services.review_delete(user=lead, review=review)
    assert not Review.objects.filter(pk=review_id).exists()
    assert not Membership.objects.filter(review_id=review_id).exists()
    event = AuditEvent.objects.get(review_id=review_id, action="review.deleted")
    assert event.changes == {"title": [review.title, None]}


def test_member_add_by_username_or_email(review, lead):
    alice = UserFactory(username="alice", email="Alice@Example.org")
    bob = UserFactory(username="bob")
    services.member_add(actor=lead, review=review, identifier="alice@example.org", role="viewer")
    services.member_add(actor=lead, review=review, identifier="BOB", role="reviewer")
    assert Membership.objects.get(review=review, user=alice).role == "viewer"
    assert Membership.objects.get(review=review, user=bob).role == "reviewer"
    event = AuditEvent.objects.filter(action="member.added", actor=lead).first()
    assert event.changes == {"role": [None, "reviewer"]}


def test_member_add_unknown_account_says_so(review, lead):
    with pytest.raises(ValidationError) as excinfo:
        services.member_add(actor=lead, review=review, identifier="nobody", role="viewer")
    assert "No active account" in excinfo.value.message_dict["username"][0]
    assert "nobody" in excinfo.value.message_dict["username"][0]


def test_member_add_twice_is_refused(review, lead, reviewer):
    with pytest.raises(ValidationError, match="already a member"):
        services.member_add(actor=lead, review=review, identifier="reviewer", role="viewer")
    assert Membership.objects.get(review=review, user=reviewer).role == "reviewer"


def test_member_add_unknown_role_is_refused(review, lead, outsider):
    with pytest.raises(ValidationError, match="not a role"):
        services.member_add(actor=lead, review=review, identifier="outsider", role="owner")
    assert not Membership.objects.filter(user=outsider).exists()


def test_member_add_inactive_account_is_refused(review, lead):
    UserFactory(username="gone", is_active=False)
    with pytest.raises(ValidationError, match="No active account"):
        services.member_add(actor=lead, review=review, identifier="gone", role="viewer")


def test_member_add_ambiguous_email_asks_for_username(review, lead):
    UserFactory(username="twin1", email="twin@example.org")
    UserFactory(username="twin2", email="twin@example.org")
    with pytest.raises(ValidationError, match="use the username"):
        services.member_add(actor=lead, review=review, identifier="twin@example.org", role="viewer")


def test_change_role_audits_old_and_new(review, lead, reviewer):
    membership = Membership.objects.get(review=review, user=reviewer)
    services.member_change_role(actor=lead, membership=membership, role="lead")
    membership.refresh_from_db()
    assert membership.role == "lead"
    event = AuditEvent.objects.get(action="member.role_changed")
    assert event.changes == {"role": ["reviewer", "lead"]}


def test_last_lead_cannot_step_down(review, lead):
    membership = Membership.objects.get(review=review, user=lead)
    with pytest.raises(ValidationError, match="only lead"):
        services.member_change_role(actor=lead, membership=membership, role="viewer")
    membership.refresh_from_db()
    assert membership.role == "lead"


def test_last_lead_cannot_be_removed(review, lead):
    membership = Membership.objects.get(review=review, user=lead)
    with pytest.raises(ValidationError, match="only lead"):
        services.member_remove(actor=lead, membership=membership)
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_a_lead_can_step_down_when_another_lead_exists(review, lead, reviewer):
    services.member_change_role(
        actor=lead, membership=Membership.objects.get(review=review, user=reviewer), role="lead"
    )
    services.member_remove(actor=lead, membership=Membership.objects.get(review=review, user=lead))
    assert list(
        review.memberships.filter(role="lead").values_list("user__username", flat=True)
    ) == ["reviewer"]
    assert AuditEvent.objects.filter(action="member.removed").count() == 1
