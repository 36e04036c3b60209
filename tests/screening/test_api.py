"""Screening API (issue #5): /api/v1/reviews/{id}/screening/{stage}/… — permissions,
decisions, conflicts, blinding and agreement.

Every record here is synthetic (made-up titles, test DOIs under 10.5555)."""

import json
from fractions import Fraction

import pytest

from reviews.deduplication import dedup_now
from reviews.models import AuditEvent, Record, Role
from screening.agreement import cohen_kappa, fleiss_kappa
from screening.models import Decision, Resolution, StageSettings
from screening.services import decision_withdraw
from tests.factories import MembershipFactory, ReviewFactory, UserFactory
from tests.reviews.dedup_data import make_import
from tests.screening.data import FT, TA, TITLES

SECRET_NOTE = "zebra-quartz note only reviewer2 wrote"


def synthetic_records(review, user, n):
    return make_import(
        review, user, "pubmed", [(TITLES[i], f"10.5555/synthetic.{i}") for i in range(n)]
    )


@pytest.fixture
def recs(review, lead):
    return synthetic_records(review, lead, 3)


def url(review, stage, what):
    return f"/api/v1/reviews/{review.pk}/screening/{stage}/{what}/"


def resolve_url(review, stage, record):
    return f"/api/v1/reviews/{review.pk}/screening/{stage}/conflicts/{record.pk}/resolve/"


def post_decision(client, review, record, decision, stage=TA, **extra):
    return client.post(
        url(review, stage, "decisions"),
        {"record": record.pk, "decision": decision, **extra},
        format="json",
    )


def require(review, stage, n):
    StageSettings.objects.update_or_create(
        review=review, stage=stage, defaults={"reviewers_required": n}
    )


# --- permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["lead", "reviewer"])
def test_reviewers_and_leads_get_their_next_record_and_decide(api_as, personas, review, recs, who):
    client = api_as(personas[who])
    response = client.get(url(review, TA, "next"))
    assert response.status_code == 200
    assert response.json()["id"] == recs[0].pk
    assert response.json()["title"] == TITLES[0]
    response = post_decision(client, review, recs[0], "include", note="looks eligible")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["record"], body["decision"], body["reviewer"], body["note"]) == (
        recs[0].pk,
        "include",
        who,
        "looks eligible",
    )
    assert Decision.objects.get().reviewer == personas[who]


def test_viewer_cannot_get_next_or_decide(api_as, viewer, review, recs):
    client = api_as(viewer)
    assert client.get(url(review, TA, "next")).status_code == 403
    assert post_decision(client, review, recs[0], "include").status_code == 403
    assert not Decision.objects.exists()


@pytest.mark.parametrize(
    "what", ["next", "decisions", "conflicts", "agreement", "resolve", "prisma"]
)
def test_outsider_gets_404(api_as, outsider, review, recs, what):
    client = api_as(outsider)
    if what == "decisions":
        response = post_decision(client, review, recs[0], "include")
    elif what == "resolve":
        response = client.post(resolve_url(review, TA, recs[0]), {"decision": "include"})
    elif what == "prisma":
        response = client.get(f"/api/v1/reviews/{review.pk}/prisma/")
    else:
        response = client.get(url(review, TA, what))
    assert response.status_code == 404
    assert not Decision.objects.exists()


def test_anonymous_gets_401(api_as, review, recs):
    assert api_as(None).get(url(review, TA, "next")).status_code == 401


def test_204_when_no_record_is_left(api_as, reviewer, review, recs):
    client = api_as(reviewer)
    for record in recs:
        assert client.get(url(review, TA, "next")).json()["id"] == record.pk
        assert post_decision(client, review, record, "exclude").status_code == 200
    response = client.get(url(review, TA, "next"))
    assert response.status_code == 204
    assert response.content == b""


def test_next_skips_records_with_all_required_decisions_for_a_third_reviewer(
    api_as, reviewer, reviewer2, reviewer3, review, recs
):
    for user in (reviewer, reviewer2):
        post_decision(api_as(user), review, recs[0], "include")
    assert api_as(reviewer3).get(url(review, TA, "next")).json()["id"] == recs[1].pk
    response = post_decision(api_as(reviewer3), review, recs[0], "exclude")
    assert response.status_code == 400
    assert "already has all its decisions" in response.json()["detail"]


# --- decisions --------------------------------------------------------------------------------


def test_posting_the_same_decision_twice_changes_nothing(api_as, reviewer, review, recs):
    client = api_as(reviewer)
    first = post_decision(client, review, recs[0], "maybe", note="n")
    second = post_decision(client, review, recs[0], "maybe", note="n")
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert Decision.objects.count() == 1
    assert AuditEvent.objects.filter(action="screening.decided").count() == 1


def test_posting_again_changes_the_decision_until_settled(
    api_as, reviewer, reviewer2, review, recs
):
    client = api_as(reviewer)
    post_decision(client, review, recs[0], "include")
    response = post_decision(client, review, recs[0], "exclude")
    assert response.status_code == 200 and response.json()["decision"] == "exclude"
    event = AuditEvent.objects.filter(action="screening.decided").order_by("pk").last()
    assert event.changes["decision"] == ["include", "exclude"]
    post_decision(api_as(reviewer2), review, recs[0], "exclude")
    response = post_decision(client, review, recs[0], "include")
    assert response.status_code == 400
    assert "can no longer be changed" in response.json()["detail"]
    assert Decision.objects.get(reviewer=reviewer).decision == "exclude"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "probably"}, "decision"),
        ({"decision": ""}, "decision"),
        ({"record": "abc"}, "record"),
        ({"record": None}, "record"),
        ({"record": 987654}, "record"),
    ],
)
def test_bad_input_gets_400_naming_the_field(api_as, reviewer, review, recs, body, field):
    data = {"record": recs[0].pk, "decision": "include", **body}
    response = api_as(reviewer).post(url(review, TA, "decisions"), data, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert response.json()["detail"].startswith(f"{field}:")
    assert not Decision.objects.exists()


def test_a_record_of_another_review_gets_400(api_as, reviewer, review, recs):
    other_lead = UserFactory(username="otherlead")
    other = ReviewFactory(created_by=other_lead)
    MembershipFactory(review=other, user=reviewer, role=Role.REVIEWER)
    (foreign,) = synthetic_records(other, other_lead, 1)
    response = post_decision(api_as(reviewer), review, foreign, "include")
    assert response.status_code == 400
    assert "record" in response.json()["errors"]
    assert not Decision.objects.exists()


def test_an_unknown_stage_is_not_found_and_named(api_as, reviewer, review, recs):
    client = api_as(reviewer)
    for response in [
        client.get(url(review, "abstracts", "next")),
        post_decision(client, review, recs[0], "include", stage="abstracts"),
        client.get(url(review, "abstracts", "conflicts")),
        client.get(url(review, "abstracts", "agreement")),
    ]:
        assert response.status_code == 404
        assert "abstracts" in response.json()["detail"]
    assert not Decision.objects.exists()


def test_full_text_exclusion_without_a_listed_reason_gets_400_naming_the_reasons(
    api_as, reviewer, reviewer2, review, recs
):
    for user in (reviewer, reviewer2):
        post_decision(api_as(user), review, recs[0], "include")
    client = api_as(reviewer)
    response = post_decision(client, review, recs[0], "exclude", stage=FT)
    assert response.status_code == 400
    assert "Wrong study design" in response.json()["errors"]["reason"][0]
    response = post_decision(client, review, recs[0], "exclude", stage=FT, reason="Duplicate")
    assert response.status_code == 200


def test_full_text_is_refused_for_a_record_not_included_at_title_abstract(
    api_as, reviewer, review, recs
):
    client = api_as(reviewer)
    post_decision(client, review, recs[0], "include")  # one of two decisions
    assert client.get(url(review, FT, "next")).status_code == 204
    response = post_decision(client, review, recs[0], "include", stage=FT)
    assert response.status_code == 400
    assert "record" in response.json()["errors"]


# --- conflicts and resolution -----------------------------------------------------------------


def make_conflict(api_as, review, record, a, b):
    post_decision(api_as(a), review, record, "include", note="population matches")
    post_decision(api_as(b), review, record, "exclude", note=SECRET_NOTE)


def test_conflicts_list_shows_both_decisions_after_settlement(
    api_as, reviewer, reviewer2, viewer, review, recs
):
    make_conflict(api_as, review, recs[0], reviewer, reviewer2)
    for user in (reviewer, viewer):
        response = api_as(user).get(url(review, TA, "conflicts"))
        assert response.status_code == 200
        (conflict,) = response.json()["results"]
        assert conflict["id"] == recs[0].pk
        assert {(d["reviewer"], d["decision"], d["note"]) for d in conflict["decisions"]} == {
            ("reviewer", "include", "population matches"),
            ("reviewer2", "exclude", SECRET_NOTE),
        }


def test_a_lead_resolves_a_conflict(api_as, lead, reviewer, reviewer2, review, recs):
    make_conflict(api_as, review, recs[0], reviewer, reviewer2)
    response = api_as(lead).post(
        resolve_url(review, TA, recs[0]), {"decision": "include"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "record": recs[0].pk,
        "stage": TA,
        "decision": "include",
        "reason": "",
        "resolved_by": "lead",
    }
    assert AuditEvent.objects.filter(action="screening.resolved", actor=lead).count() == 1
    assert api_as(lead).get(url(review, TA, "conflicts")).json()["results"] == []
    # Resolved at title/abstract: on to full text.
    assert api_as(reviewer).get(url(review, FT, "next")).json()["id"] == recs[0].pk


@pytest.mark.parametrize(("who", "status"), [("reviewer", 403), ("viewer", 403), ("outsider", 404)])
def test_only_a_lead_resolves(api_as, personas, reviewer2, review, recs, who, status):
    make_conflict(api_as, review, recs[0], personas["reviewer"], reviewer2)
    response = api_as(personas[who]).post(
        resolve_url(review, TA, recs[0]), {"decision": "include"}, format="json"
    )
    assert response.status_code == status
    assert not Resolution.objects.exists()


def test_only_a_conflict_can_be_resolved(api_as, lead, reviewer, review, recs):
    post_decision(api_as(reviewer), review, recs[0], "include")
    response = api_as(lead).post(
        resolve_url(review, TA, recs[0]), {"decision": "include"}, format="json"
    )
    assert response.status_code == 400
    assert "record" in response.json()["errors"]


def test_a_conflict_is_resolved_with_include_or_exclude_only(
    api_as, lead, reviewer, reviewer2, review, recs
):
    make_conflict(api_as, review, recs[0], reviewer, reviewer2)
    response = api_as(lead).post(
        resolve_url(review, TA, recs[0]), {"decision": "maybe"}, format="json"
    )
    assert response.status_code == 400
    assert "decision" in response.json()["errors"]
    assert not Resolution.objects.exists()


# --- blinding ---------------------------------------------------------------------------------


def raw(response) -> str:
    return response.content.decode()


def assert_blind(text: str) -> None:
    assert "reviewer2" not in text
    assert SECRET_NOTE not in text
    assert "exclude" not in text


def test_reviewer_sees_nothing_of_anothers_decision_before_settlement(
    api_as, reviewer, reviewer2, review, recs
):
    # reviewer2 excludes the first record, with a note; `reviewer` has not decided yet.
    post_decision(api_as(reviewer2), review, recs[0], "exclude", note=SECRET_NOTE)
    client = api_as(reviewer)
    next_record = client.get(url(review, TA, "next"))
    assert next_record.json()["id"] == recs[0].pk
    for response in [
        next_record,
        client.get(url(review, TA, "conflicts")),
        client.get(url(review, TA, "agreement")),
    ]:
        assert response.status_code == 200
        assert_blind(raw(response))


def test_with_three_required_even_a_reviewer_who_decided_sees_nothing_of_the_others(
    api_as, reviewer, reviewer2, reviewer3, review, recs
):
    require(review, TA, 3)
    post_decision(api_as(reviewer2), review, recs[0], "exclude", note=SECRET_NOTE)
    client = api_as(reviewer)
    responses = [
        client.get(url(review, TA, "next")),
        post_decision(client, review, recs[0], "include"),
        post_decision(client, review, recs[0], "maybe"),  # a change, still blinded
        client.get(url(review, TA, "next")),
        client.get(url(review, TA, "conflicts")),
        client.get(url(review, TA, "agreement")),
    ]
    for response in responses:
        assert response.status_code in (200, 204)
        assert_blind(raw(response))
    # The third decision settles it: now the conflict shows everyone.
    post_decision(api_as(reviewer3), review, recs[0], "include")
    text = raw(client.get(url(review, TA, "conflicts")))
    assert "reviewer2" in text and SECRET_NOTE in text and "exclude" in text


def test_agreement_counts_only_settled_records(
    api_as, reviewer, reviewer2, reviewer3, review, recs
):
    require(review, TA, 3)
    for user, decision in [(reviewer, "include"), (reviewer2, "include"), (reviewer3, "exclude")]:
        post_decision(api_as(user), review, recs[0], decision)
    client = api_as(reviewer)
    before = client.get(url(review, TA, "agreement")).json()
    assert before["n_records"] == 1
    # reviewer2 and reviewer3 decide the next record; `reviewer` must not see its trace.
    post_decision(api_as(reviewer2), review, recs[1], "exclude", note=SECRET_NOTE)
    post_decision(api_as(reviewer3), review, recs[1], "include")
    after = client.get(url(review, TA, "agreement"))
    assert after.json() == before
    assert SECRET_NOTE not in raw(after)


def audit_trail(api_as, client, user, review) -> dict[str, str]:
    """What `user` is shown of the audit log: its API, its page and the dashboard's feed."""
    api = api_as(user).get(f"/api/v1/reviews/{review.pk}/audit/")
    client.force_login(user)
    page = client.get(f"/reviews/{review.pk}/audit/")
    dashboard = client.get(f"/reviews/{review.pk}/")
    assert (api.status_code, page.status_code, dashboard.status_code) == (200, 200, 200)
    html = raw(dashboard)
    feed = html[html.index("Recent activity") : html.index("Full audit log")]
    return {"api": raw(api), "page": raw(page), "feed": feed}


def audited(api_as, user, review) -> list[tuple]:
    events = api_as(user).get(f"/api/v1/reviews/{review.pk}/audit/").json()["results"]
    return [(e["actor"], e["action"], e["changes"].get("record")) for e in events]


def test_a_lead_who_screens_sees_no_others_decision_in_the_audit_log_before_settlement(
    api_as, client, lead, reviewer2, review, recs
):
    post_decision(api_as(reviewer2), review, recs[0], "exclude", note=SECRET_NOTE)
    # A decision taken back leaves traces too: its recording, and an undo naming it.
    post_decision(api_as(reviewer2), review, recs[1], "exclude", note=SECRET_NOTE)
    decision_withdraw(reviewer=reviewer2, review=review, record_id=recs[1].pk, stage=TA)
    post_decision(api_as(lead), review, recs[2], "include")  # the lead's own, still open
    for route, text in audit_trail(api_as, client, lead, review).items():
        assert_blind(text)
        # The lead's own decision is there: by name in the API, in a sentence on the pages.
        assert ("screening.decided" if route == "api" else "</strong> included “") in text, route
    assert audited(api_as, lead, review) == [("lead", "screening.decided", [None, recs[2].pk])]

    # The lead's decision completes the first record: blinding lifts for it, not the second.
    post_decision(api_as(lead), review, recs[0], "include")
    trail = audit_trail(api_as, client, lead, review)
    for route, text in trail.items():
        assert "reviewer2" in text and "exclude" in text, route
    assert SECRET_NOTE in trail["api"] and SECRET_NOTE in trail["page"]
    assert audited(api_as, lead, review) == [
        ("lead", "screening.decided", [None, recs[0].pk]),
        ("lead", "screening.decided", [None, recs[2].pk]),
        ("reviewer2", "screening.decided", [None, recs[0].pk]),
    ]


def test_a_lead_sees_the_audit_log_whole_on_an_unblinded_stage(
    api_as, client, lead, reviewer2, review, recs
):
    StageSettings.objects.create(review=review, stage=TA, blinded=False)
    post_decision(api_as(reviewer2), review, recs[0], "exclude", note=SECRET_NOTE)
    decision_withdraw(reviewer=reviewer2, review=review, record_id=recs[0].pk, stage=TA)
    assert audited(api_as, lead, review) == [
        ("reviewer2", "screening.withdrawn", [recs[0].pk, None]),
        ("reviewer2", "screening.decided", [None, recs[0].pk]),
    ]
    for route, text in audit_trail(api_as, client, lead, review).items():
        assert "reviewer2" in text, route


def test_the_decider_sees_their_own_undone_decision_in_the_audit_log(api_as, lead, review, recs):
    post_decision(api_as(lead), review, recs[0], "exclude", note=SECRET_NOTE)
    decision_withdraw(reviewer=lead, review=review, record_id=recs[0].pk, stage=TA)
    assert audited(api_as, lead, review) == [
        ("lead", "screening.withdrawn", [recs[0].pk, None]),
        ("lead", "screening.decided", [None, recs[0].pk]),
    ]


# --- agreement --------------------------------------------------------------------------------


def test_cohens_kappa_for_two_reviewers(api_as, reviewer, reviewer2, review, lead):
    records = synthetic_records(review, lead, 7)
    a = ["include", "include", "exclude", "exclude", "maybe", "exclude"]
    b = ["include", "include", "exclude", "include", "exclude", "exclude"]
    for record, da, db in zip(records, a, b, strict=False):
        post_decision(api_as(reviewer), review, record, da)
        post_decision(api_as(reviewer2), review, record, db)
    post_decision(api_as(reviewer), review, records[6], "exclude")  # half decided: not counted

    # By hand: 4 of 6 agree; margins a = (2 include, 3 exclude, 1 maybe), b = (3, 3, 0), so
    # p_e = (2*3 + 3*3 + 1*0) / 36 = 15/36 and kappa = (24/36 - 15/36) / (21/36) = 3/7.
    by_hand = (Fraction(4, 6) - Fraction(15, 36)) / (1 - Fraction(15, 36))
    assert by_hand == Fraction(3, 7)
    expected = cohen_kappa(a, b)
    assert expected.kappa == pytest.approx(float(by_hand))

    response = api_as(reviewer).get(url(review, TA, "agreement"))
    assert response.status_code == 200
    body = response.json()
    assert body["kappa"] == pytest.approx(expected.kappa)
    assert body["percent_agreement"] == pytest.approx(100 * 4 / 6)
    assert body["n_records"] == 6
    assert body["method"] == "cohen"
    assert body["pairs"] == [
        {
            "reviewers": ["reviewer", "reviewer2"],
            "n_records": 6,
            "kappa": pytest.approx(3 / 7),
            "percent_agreement": pytest.approx(100 * 4 / 6),
        }
    ]


def test_fleiss_kappa_for_three_reviewers(api_as, reviewer, reviewer2, reviewer3, review, lead):
    require(review, TA, 3)
    records = synthetic_records(review, lead, 5)
    table = [
        ("include", "include", "include"),
        ("exclude", "exclude", "exclude"),
        ("include", "include", "exclude"),
        ("include", "exclude", "maybe"),
    ]
    users = (reviewer, reviewer2, reviewer3)
    for record, decisions in zip(records, table, strict=False):
        for user, decision in zip(users, decisions, strict=True):
            post_decision(api_as(user), review, record, decision)
    post_decision(api_as(reviewer2), review, records[4], "include")  # not settled

    # By hand (Fleiss 1971): N = 4, m = 3, T = 12; sum n_ij^2 = 9 + 9 + 5 + 3 = 26,
    # P_bar = (26 - 12) / (12 * 2) = 7/12; totals 6 include, 5 exclude, 1 maybe, so
    # P_e = (36 + 25 + 1) / 144 = 62/144 and kappa = (84 - 62) / (144 - 62) = 11/41.
    expected = fleiss_kappa([list(row) for row in table])
    assert expected.kappa == pytest.approx(11 / 41)

    body = api_as(lead).get(url(review, TA, "agreement")).json()
    assert body["method"] == "fleiss"
    assert body["n_records"] == 4
    assert body["kappa"] == pytest.approx(11 / 41)
    assert body["percent_agreement"] == pytest.approx(100 * 7 / 12)
    pairs = {tuple(p["reviewers"]): p for p in body["pairs"]}
    assert set(pairs) == {
        ("reviewer", "reviewer2"),
        ("reviewer", "reviewer3"),
        ("reviewer2", "reviewer3"),
    }
    assert all(p["n_records"] == 4 for p in pairs.values())
    # reviewer and reviewer2 agree on 3 of 4 records.
    assert pairs[("reviewer", "reviewer2")]["percent_agreement"] == pytest.approx(75.0)
    assert pairs[("reviewer", "reviewer2")]["kappa"] == pytest.approx(
        cohen_kappa([r[0] for r in table], [r[1] for r in table]).kappa
    )


def test_agreement_with_nothing_settled(api_as, reviewer, review, recs):
    post_decision(api_as(reviewer), review, recs[0], "include")
    body = api_as(reviewer).get(url(review, TA, "agreement")).json()
    assert body == {
        "kappa": None,
        "percent_agreement": None,
        "n_records": 0,
        "method": "cohen",
        "pairs": [],
    }
    json.dumps(body)


# --- merged duplicates ------------------------------------------------------------------------


def test_a_merged_publication_is_shown_with_its_merged_values(api_as, reviewer, review, lead):
    (fuller,) = make_import(review, lead, "pubmed", [(TITLES[0], "10.5555/shared")])
    (other,) = make_import(review, lead, "embase", [(TITLES[0], "10.5555/shared")])
    Record.objects.filter(pk=fuller.pk).update(
        abstract="Synthetic abstract.", journal="Synthetic Journal", volume="1", pages="1-9"
    )
    Record.objects.filter(pk=other.pk).update(
        abstract="Synthetic abstract.", keywords=["acne", "fat grafting"]
    )
    dedup_now(review=review, user=None)
    fuller.refresh_from_db()
    assert fuller.cluster is not None and fuller.cluster.primary_id == fuller.pk
    assert fuller.keywords == [] and fuller.cluster.merged["keywords"] == ["acne", "fat grafting"]

    body = api_as(reviewer).get(url(review, TA, "next")).json()
    assert body["id"] == fuller.pk
    assert body["journal"] == "Synthetic Journal"
    assert body["keywords"] == ["acne", "fat grafting"]


def test_a_full_text_conflict_resolved_as_exclude_needs_a_listed_reason(
    api_as, lead, reviewer, reviewer2, review, recs
):
    for user in (reviewer, reviewer2):
        post_decision(api_as(user), review, recs[0], "include")
    post_decision(api_as(reviewer), review, recs[0], "include", stage=FT)
    post_decision(api_as(reviewer2), review, recs[0], "maybe", stage=FT)
    client = api_as(lead)
    response = client.post(resolve_url(review, FT, recs[0]), {"decision": "exclude"}, format="json")
    assert response.status_code == 400
    assert "No full text" in response.json()["errors"]["reason"][0]
    response = client.post(
        resolve_url(review, FT, recs[0]),
        {"decision": "exclude", "reason": "No full text"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["reason"] == "No full text"


def test_conflicts_api_reads_decisions_in_one_query(
    api_as, review, lead, reviewer, reviewer2, django_assert_max_num_queries
):
    recs = make_import(review, lead, "pubmed", [(f"Synthetic clash {i}", "") for i in range(12)])
    for record in recs:
        for who, choice in ((reviewer, "include"), (reviewer2, "maybe")):
            post_decision(api_as(who), review, record, choice)
    with django_assert_max_num_queries(8):
        response = api_as(lead).get(url(review, TA, "conflicts"))
    results = response.json()["results"]
    assert len(results) == 12
    assert all(
        sorted(d["reviewer"] for d in r["decisions"]) == ["reviewer", "reviewer2"] for r in results
    )
