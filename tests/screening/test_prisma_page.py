"""The PRISMA 2020 diagram page and its SVG, PNG and JSON downloads, on a small hand-built
review (synthetic records, test DOIs under 10.5555)."""

import xml.etree.ElementTree as ET

import pytest

from reviews.deduplication import dedup_now
from reviews.models import SearchImport
from screening.models import Stage, StageSettings
from screening.services import decision_record
from tests.reviews.dedup_data import make_import

TA, FT = Stage.TITLE_ABSTRACT, Stage.FULL_TEXT


def imported(review, user, database, rows):
    """A completed import, with the record count the import pipeline would set."""
    records = make_import(review, user, database, rows)
    SearchImport.objects.filter(pk=records[0].search_import_id).update(record_count=len(rows))
    return records


@pytest.fixture
def screened(review, lead, reviewer):
    """PubMed 4 records and Embase 2, one publication in both (merged): 5 screened.
    One reviewer per record. Title/abstract: A, B, C included, D, E excluded. Full text:
    A included, B wrong population, C wrong study design."""
    a, b, c, d = imported(
        review,
        lead,
        "pubmed",
        [
            ("Autologous fat grafting for atrophic acne scars", "10.5555/a"),
            ("Fractional laser resurfacing in Asian skin", "10.5555/b"),
            ("Microneedling with platelet-rich plasma for acne scars", "10.5555/c"),
            ("Cognitive behavioural therapy for insomnia", "10.5555/d"),
        ],
    )
    _, e = imported(
        review,
        lead,
        "embase",
        [
            ("Autologous fat grafting for atrophic acne scars", "10.5555/a"),
            ("Vitamin D supplementation and fracture risk", "10.5555/e"),
        ],
    )
    dedup_now(review=review, user=None)
    a.refresh_from_db()
    primary_id = a.cluster.primary_id
    for stage in (TA, FT):
        StageSettings.objects.create(review=review, stage=stage, reviewers_required=1)
    for record_id, decision in [(primary_id, "include"), (b.pk, "include"), (c.pk, "include")]:
        decision_record(
            reviewer=reviewer, review=review, record_id=record_id, stage=TA, decision=decision
        )
    for record in (d, e):
        decision_record(
            reviewer=reviewer, review=review, record_id=record.pk, stage=TA, decision="exclude"
        )
    for record_id, decision, reason in [
        (primary_id, "include", ""),
        (b.pk, "exclude", "Wrong population"),
        (c.pk, "exclude", "Wrong study design"),
    ]:
        decision_record(
            reviewer=reviewer,
            review=review,
            record_id=record_id,
            stage=FT,
            decision=decision,
            reason=reason,
        )
    return review


EXPECTED = {
    "identified": {"PubMed / MEDLINE": 4, "Embase": 2, "total": 6},
    "duplicates_removed": 1,
    "records_screened": 5,
    "records_excluded": 2,
    "reports_sought": 3,
    "reports_not_retrieved": 0,
    "reports_assessed": 3,
    "reports_excluded": {
        "total": 2,
        "reasons": {"Wrong population": 1, "Wrong study design": 1},
    },
    "studies_included": 1,
    "reports_included": 1,
    "progress": {
        stage: {"status": "complete", "screened": n, "awaiting": 0, "conflicts": 0}
        for stage, n in (("title_abstract", 5), ("full_text", 3))
    },
    "notes": [],
}

LINES = [
    "Databases (n = 6)",
    "PubMed / MEDLINE (n = 4)",
    "Embase (n = 2)",
    "Duplicate records removed (n = 1)",
    "Records screened (n = 5)",
    "Records excluded (n = 2)",
    "Reports sought for retrieval (n = 3)",
    "Reports not retrieved (n = 0)",
    "Reports assessed for eligibility (n = 3)",
    "Wrong population (n = 1)",
    "Wrong study design (n = 1)",
    "Studies included in review (n = 1)",
    "Reports of included studies (n = 1)",
]


def url(review, suffix=""):
    return f"/reviews/{review.pk}/prisma/{suffix}"


@pytest.mark.parametrize("who", ["lead", "viewer"])
def test_members_see_the_diagram_with_the_reviews_counts(web_as, personas, screened, who):
    response = web_as(personas[who]).get(url(screened))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and 'role="img"' in html
    for line in LINES:
        assert f">{line}</text>" in html
    for suffix in ("prisma.svg", "prisma.png", "prisma.json"):
        assert f'href="{url(screened, suffix)}"' in html
    assert f'href="{url(screened)}" aria-current="page">PRISMA</a>' in html


@pytest.mark.parametrize("who", ["lead", "viewer"])
def test_members_download_the_svg(web_as, personas, screened, who):
    response = web_as(personas[who]).get(url(screened, "prisma.svg"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="review-{screened.pk}-prisma.svg"'
    )
    root = ET.fromstring(response.content)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    for line in LINES:
        assert line in texts


@pytest.mark.parametrize("who", ["lead", "viewer"])
def test_members_download_the_png(web_as, personas, screened, who):
    response = web_as(personas[who]).get(url(screened, "prisma.png"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize("who", ["lead", "viewer"])
def test_members_download_the_counts_as_json(web_as, personas, screened, who):
    response = web_as(personas[who]).get(url(screened, "prisma.json"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == EXPECTED


def test_the_json_matches_the_api(web_as, api_as, lead, screened):
    page = web_as(lead).get(url(screened, "prisma.json")).json()
    assert page == api_as(lead).get(f"/api/v1/reviews/{screened.pk}/prisma/").json()


@pytest.mark.parametrize("suffix", ["", "prisma.svg", "prisma.png", "prisma.json"])
def test_outsider_gets_404(web_as, outsider, screened, suffix):
    assert web_as(outsider).get(url(screened, suffix)).status_code == 404


@pytest.mark.parametrize("suffix", ["", "prisma.svg", "prisma.png", "prisma.json"])
def test_anonymous_visitors_are_sent_to_log_in(client, screened, suffix):
    response = client.get(url(screened, suffix))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_only_get_is_allowed(web_as, lead, screened):
    assert web_as(lead).post(url(screened)).status_code == 405


def test_an_empty_review_shows_zeros(web_as, lead, review):
    html = web_as(lead).get(url(review)).content.decode()
    assert ">Databases (n = 0)</text>" in html
    assert ">Studies included in review (n = 0)</text>" in html


def test_an_exclusion_reason_cannot_inject_markup(web_as, lead, review):
    """Database labels come from a fixed list, but leads type the exclusion reasons."""
    (a,) = imported(review, lead, "pubmed", [("Vitamin D and fracture risk", "10.5555/v")])
    reason = "<img src=x onerror=alert(1)> & co"
    for stage, decision, reasons in [(TA, "include", []), (FT, "exclude", [reason])]:
        StageSettings.objects.create(
            review=review,
            stage=stage,
            reviewers_required=1,
            **({"exclusion_reasons": reasons} if reasons else {}),
        )
        decision_record(
            reviewer=lead,
            review=review,
            record_id=a.pk,
            stage=stage,
            decision=decision,
            reason=reason if stage == FT else "",
        )
    html = web_as(lead).get(url(review)).content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; co (n = 1)" in html
