"""The screening list page: my undecided, my decided, conflicts, all; search within the
review; per-reviewer progress; and nothing of another reviewer's pending decision.

Every record here is synthetic (made-up titles, test DOIs under 10.5555)."""

import pytest

from screening.fulltext import fulltext_mark_not_retrieved
from screening.services import decision_record
from tests.reviews.dedup_data import make_import
from tests.screening.data import FT, TA, TITLES
from tests.screening.fulltext_data import full_text_reports


@pytest.fixture
def recs(review, lead):
    return make_import(review, lead, "pubmed", [(TITLES[i], f"10.5555/list.{i}") for i in range(4)])


def decide(user, review, record, decision):
    decision_record(reviewer=user, review=review, record_id=record.pk, stage=TA, decision=decision)


def page(client, review, **params):
    response = client.get(f"/reviews/{review.pk}/screening/{TA}/records/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_filters_split_my_records(client, review, reviewer, reviewer2, recs):
    decide(reviewer, review, recs[0], "include")
    decide(reviewer2, review, recs[1], "exclude")
    client.force_login(reviewer)
    decided = page(client, review, show="decided")
    assert TITLES[0] in decided and TITLES[1] not in decided
    undecided = page(client, review, show="undecided")
    assert TITLES[0] not in undecided
    assert all(TITLES[i] in undecided for i in (1, 2, 3))


def test_another_reviewers_pending_decision_stays_hidden(client, review, reviewer, reviewer2, recs):
    decide(reviewer2, review, recs[1], "exclude")
    client.force_login(reviewer)
    html = page(client, review, show="all")
    assert "badge exclude" not in html
    assert "awaiting decisions" in html


def test_settled_records_show_their_outcome_and_conflicts_filter(
    client, review, reviewer, reviewer2, recs
):
    decide(reviewer, review, recs[0], "include")
    decide(reviewer2, review, recs[0], "include")
    decide(reviewer, review, recs[1], "include")
    decide(reviewer2, review, recs[1], "exclude")
    client.force_login(reviewer)
    everything = page(client, review, show="all")
    assert "Included</span>" in everything and "Conflict</span>" in everything
    conflicts = page(client, review, show="conflicts")
    assert TITLES[1] in conflicts and TITLES[0] not in conflicts


def test_search_needs_every_word(client, review, reviewer, recs):
    client.force_login(reviewer)
    html = page(client, review, show="all", q="acne  SCARS")
    assert TITLES[0] in html and TITLES[1] not in html
    assert TITLES[1] in page(client, review, show="all", q="asian laser")
    assert "match “zzz”" in page(client, review, show="all", q="zzz")


def test_progress_counts_decisions_per_reviewer(client, review, lead, reviewer, reviewer2, recs):
    decide(reviewer, review, recs[0], "include")
    decide(reviewer, review, recs[1], "maybe")
    client.force_login(lead)
    html = page(client, review)
    assert "<td>reviewer</td><td>2 of 4</td>" in html
    assert "<td>reviewer2</td><td>0 of 4</td>" in html


def test_an_unknown_filter_falls_back_to_undecided(client, review, reviewer, recs):
    client.force_login(reviewer)
    assert 'value="undecided" checked' in page(client, review, show="bogus")


def test_not_retrieved_reports_are_listed_and_can_be_put_back(
    client, review, lead, reviewer, viewer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    reports = full_text_reports(review, lead)
    fulltext_mark_not_retrieved(
        user=reviewer, review=review, record_id=reports[0].pk, note="Library has no access"
    )
    url = f"/reviews/{review.pk}/screening/{FT}/records/"
    client.force_login(viewer)
    listed = client.get(url, {"show": "not_retrieved"}).content.decode()
    assert TITLES[0] in listed and TITLES[1] not in listed
    assert "Put back for screening" not in listed  # viewers cannot change it
    client.force_login(reviewer)
    assert "Put back for screening" in client.get(url, {"show": "not_retrieved"}).content.decode()
    assert TITLES[0] not in client.get(url, {"show": "undecided"}).content.decode()
    client.post(f"/reviews/{review.pk}/screening/fulltext/{reports[0].pk}/remove/")
    assert TITLES[0] in client.get(url, {"show": "undecided"}).content.decode()
    assert TITLES[0] not in client.get(url, {"show": "not_retrieved"}).content.decode()


def test_title_abstract_has_no_not_retrieved_filter(client, review, reviewer, recs):
    client.force_login(reviewer)
    html = page(client, review, show="not_retrieved")
    assert 'value="not_retrieved"' not in html and 'value="undecided" checked' in html
