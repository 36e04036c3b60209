"""Issue #16: the Records page shows each record's screening status with a filter on it; its
exports carry the decisions, reasons and notes ("the included studies as RIS" is one click);
the full screening history downloads as CSV. Synthetic records (test DOIs under 10.5555)."""

import csv
import io

import pytest

from screening.models import StageSettings
from screening.services import decision_record
from tests.reviews.dedup_data import make_import
from tests.screening.data import FT, TA, TITLES


@pytest.fixture
def screened(review, lead, reviewer):
    """0 included at both stages, 1 excluded at title/abstract with a note, 2 excluded at
    full text with a reason, 3 decided by the reviewer only."""
    StageSettings.objects.create(review=review, stage=FT, exclusion_reasons=["Wrong population"])
    recs = make_import(review, lead, "pubmed", [(TITLES[i], f"10.5555/st.{i}") for i in range(4)])

    def both(record, stage, decision, reason="", note=""):
        for person in (lead, reviewer):
            decision_record(
                reviewer=person,
                review=review,
                record_id=record.pk,
                stage=stage,
                decision=decision,
                reason=reason,
                note=note if person == reviewer else "",
            )

    both(recs[0], TA, "include")
    both(recs[0], FT, "include")
    both(recs[1], TA, "exclude", note="a rat model")
    both(recs[2], TA, "include")
    both(recs[2], FT, "exclude", reason="Wrong population")
    decision_record(
        reviewer=reviewer, review=review, record_id=recs[3].pk, stage=TA, decision="include"
    )
    return recs


def test_records_page_shows_each_records_screening_status(web_as, lead, review, screened):
    html = web_as(lead).get(f"/reviews/{review.pk}/records/").content.decode()
    assert "<strong>Screening:</strong> Included" in html
    assert "<strong>Screening:</strong> Excluded at title/abstract" in html
    assert "reviewer: exclude — a rat model" in html
    assert "<strong>Screening:</strong> Excluded at full text" in html
    assert "reviewer: exclude (Wrong population)" in html
    assert "<strong>Screening:</strong> Awaiting title/abstract" in html


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("included", [0]),
        ("ta_excluded", [1]),
        ("ft_excluded", [2]),
        ("excluded", [1, 2]),
        ("awaiting", [3]),
    ],
)
def test_records_page_filters_on_screening_status(web_as, lead, review, screened, value, expected):
    html = web_as(lead).get(f"/reviews/{review.pk}/records/", {"screening": value}).content.decode()
    shown = [i for i in range(4) if TITLES[i] in html]
    assert shown == expected


def test_included_studies_as_ris_in_one_click(web_as, lead, review, screened):
    html = web_as(lead).get(f"/reviews/{review.pk}/records/").content.decode()
    assert f'href="/reviews/{review.pk}/records/export.ris?screening=included"' in html
    ris = b"".join(
        web_as(lead)
        .get(f"/reviews/{review.pk}/records/export.ris?screening=included")
        .streaming_content
    ).decode()
    assert TITLES[0] in ris
    assert all(TITLES[i] not in ris for i in (1, 2, 3))
    assert "N1  - screening_status: Included" in ris


def test_csv_export_carries_decisions_reasons_and_notes(web_as, lead, review, screened):
    body = b"".join(web_as(lead).get(f"/reviews/{review.pk}/records/export.csv").streaming_content)
    rows = {row["title"]: row for row in csv.DictReader(io.StringIO(body.decode()))}
    assert rows[TITLES[1]]["screening_status"] == "Excluded at title/abstract"
    assert "reviewer: exclude — a rat model" in rows[TITLES[1]]["ta_decisions"]
    assert rows[TITLES[2]]["ft_status"] == "excluded"
    assert "reviewer: exclude (Wrong population)" in rows[TITLES[2]]["ft_decisions"]


def test_exports_keep_blinding(web_as, lead, reviewer, review, screened):
    """Record 3 has the reviewer's decision only: the lead, who has not decided it, must not
    read it in an export."""
    body = b"".join(web_as(lead).get(f"/reviews/{review.pk}/records/export.csv").streaming_content)
    rows = {row["title"]: row for row in csv.DictReader(io.StringIO(body.decode()))}
    assert rows[TITLES[3]]["ta_decisions"] == ""
    assert rows[TITLES[3]]["ta_status"] == "awaiting (1 of 2 decisions)"
    body = b"".join(
        web_as(reviewer).get(f"/reviews/{review.pk}/records/export.csv").streaming_content
    )
    rows = {row["title"]: row for row in csv.DictReader(io.StringIO(body.decode()))}
    assert rows[TITLES[3]]["ta_decisions"] == "reviewer: include"


def test_screening_history_csv_says_who_did_what_when(web_as, viewer, review, screened):
    response = web_as(viewer).get(f"/reviews/{review.pk}/screening/history.csv")
    assert response.status_code == 200
    assert "screening-history.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0].keys() >= {"when", "who", "what", "stage", "record", "title", "decision"}
    excluded = [r for r in rows if r["title"] == TITLES[1]]
    assert {(r["who"], r["what"], r["stage"], r["decision"]) for r in excluded} == {
        ("lead", "decided", "Title/abstract", "Exclude"),
        ("reviewer", "decided", "Title/abstract", "Exclude"),
    }
    assert any(r["note"] == "a rat model" for r in excluded)
    assert all(r["when"][:4].isdigit() for r in rows)
    # Blinding: record 3's lone decision is hidden from a viewer until it settles.
    assert not [r for r in rows if r["title"] == TITLES[3]]


def test_outsider_gets_404_for_the_history(web_as, outsider, review, screened):
    assert web_as(outsider).get(f"/reviews/{review.pk}/screening/history.csv").status_code == 404
