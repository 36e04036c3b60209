"""A designated arbiter resolves conflicts beside the leads; the decisions list shows another
reviewer's decision only once blinding lifts (or never hides it on an unblinded stage).

Every record here is synthetic (made-up titles, test DOIs under 10.5555)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reviews.models import AuditEvent
from screening.models import Resolution, StageSettings
from screening.services import conflict_resolve, decision_record, stage_settings_update
from tests.reviews.dedup_data import make_import
from tests.screening.data import TA, TITLES


@pytest.fixture
def recs(review, lead):
    return make_import(
        review, lead, "pubmed", [(TITLES[i], f"10.5555/arbiter.{i}") for i in range(3)]
    )


def decide(user, review, record, decision):
    return decision_record(
        reviewer=user, review=review, record_id=record.pk, stage=TA, decision=decision
    )


@pytest.fixture
def conflict(review, reviewer, reviewer2, recs):
    decide(reviewer, review, recs[0], "include")
    decide(reviewer2, review, recs[0], "exclude")
    return recs[0]


def test_a_reviewer_cannot_resolve_unless_designated(review, lead, reviewer3, conflict):
    with pytest.raises(PermissionDenied):
        conflict_resolve(
            resolver=reviewer3, review=review, record_id=conflict.pk, stage=TA, decision="include"
        )
    stage_settings_update(lead=lead, review=review, stage=TA, data={"arbiter": reviewer3})
    resolution = conflict_resolve(
        resolver=reviewer3, review=review, record_id=conflict.pk, stage=TA, decision="include"
    )
    assert resolution.resolved_by == reviewer3
    event = AuditEvent.objects.filter(action="screening.settings_changed").latest("pk")
    assert event.changes["arbiter"] == [None, "reviewer3"]


def test_the_arbiter_must_be_a_reviewer_of_the_review(review, lead, viewer):
    with pytest.raises(ValidationError, match="not a reviewer or lead"):
        stage_settings_update(lead=lead, review=review, stage=TA, data={"arbiter": viewer})
    assert not StageSettings.objects.filter(arbiter=viewer).exists()


def test_an_arbiter_of_one_stage_cannot_resolve_the_other(review, lead, reviewer3, conflict):
    stage_settings_update(lead=lead, review=review, stage="full_text", data={"arbiter": reviewer3})
    with pytest.raises(PermissionDenied):
        conflict_resolve(
            resolver=reviewer3, review=review, record_id=conflict.pk, stage=TA, decision="include"
        )
    assert not Resolution.objects.exists()


def test_arbiter_resolves_through_api_and_page(api_as, client, review, lead, reviewer3, conflict):
    base = f"/api/v1/reviews/{review.pk}/screening/{TA}/conflicts/{conflict.pk}/resolve/"
    refused = api_as(reviewer3).post(base, {"decision": "include"}, format="json")
    assert refused.status_code == 403
    stage_settings_update(lead=lead, review=review, stage=TA, data={"arbiter": reviewer3})
    client.force_login(reviewer3)
    page = client.get(f"/reviews/{review.pk}/screening/{TA}/conflicts/").content.decode()
    assert f"/conflicts/{conflict.pk}/resolve/" in page
    ok = api_as(reviewer3).post(base, {"decision": "exclude"}, format="json")
    assert ok.status_code == 200
    assert ok.json()["resolved_by"] == "reviewer3"


def test_settings_page_offers_reviewers_as_arbiter(client, review, lead, reviewer, viewer):
    client.force_login(lead)
    html = client.get(f"/reviews/{review.pk}/screening/{TA}/settings/").content.decode()
    arbiter_select = html[html.index('id="id_arbiter"') :].split("</select>")[0]
    assert f">{reviewer.username}<" in arbiter_select and f">{lead.username}<" in arbiter_select
    assert f">{viewer.username}<" not in arbiter_select
    response = client.post(
        f"/reviews/{review.pk}/screening/{TA}/settings/",
        {
            "reviewers_required": 2,
            "blinded": "on",
            "exclusion_reasons": "Wrong population",
            "arbiter": reviewer.pk,
        },
    )
    assert response.status_code == 302
    assert StageSettings.objects.get(review=review, stage=TA).arbiter == reviewer


# --- the decisions list -------------------------------------------------------------------


def listed(api_as, user, review, **params):
    response = api_as(user).get(f"/api/v1/reviews/{review.pk}/screening/{TA}/decisions/", params)
    assert response.status_code == 200
    return [(d["record"], d["reviewer"], d["decision"]) for d in response.json()["results"]]


def test_list_hides_the_other_reviewers_pending_decision(api_as, review, reviewer, reviewer2, recs):
    decide(reviewer, review, recs[0], "include")
    decide(reviewer2, review, recs[1], "exclude")
    assert listed(api_as, reviewer, review) == [(recs[0].pk, "reviewer", "include")]
    decide(reviewer2, review, recs[0], "exclude")
    assert listed(api_as, reviewer, review) == [
        (recs[0].pk, "reviewer", "include"),
        (recs[0].pk, "reviewer2", "exclude"),
    ]
    assert listed(api_as, reviewer, review, record=recs[1].pk) == []


def test_list_shows_everything_on_an_unblinded_stage(api_as, review, reviewer, reviewer2, recs):
    StageSettings.objects.create(review=review, stage=TA, blinded=False)
    decide(reviewer2, review, recs[1], "exclude")
    assert listed(api_as, reviewer, review) == [(recs[1].pk, "reviewer2", "exclude")]


def test_list_rejects_a_bad_record_filter(api_as, review, reviewer):
    response = api_as(reviewer).get(
        f"/api/v1/reviews/{review.pk}/screening/{TA}/decisions/", {"record": "x"}
    )
    assert response.status_code == 400
    assert "record" in response.json()["errors"]
