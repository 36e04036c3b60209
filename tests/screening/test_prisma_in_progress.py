"""Issue #16: while a screening stage is in progress, the PRISMA diagram and its downloads say
so and show the settled, awaiting and in-conflict counts; the final boxes appear once the
stage is complete. Synthetic records (test DOIs under 10.5555)."""

import pytest

from screening.prisma import prisma_counts
from screening.prisma_diagram import prisma_svg
from screening.services import decision_record
from tests.reviews.dedup_data import make_import
from tests.screening.data import TA, TITLES
from tests.screening.test_prisma_diagram import COUNTS, boxes, labels


def in_progress(ta=None, ft=None) -> dict:
    done = {"status": "complete", "screened": 0, "awaiting": 0, "conflicts": 0}
    return {"title_abstract": ta or done, "full_text": ft or done}


def test_title_abstract_in_progress_shows_counts_so_far_and_no_final_boxes():
    progress = {"status": "in_progress", "screened": 20, "awaiting": 640, "conflicts": 11}
    svg = prisma_svg({**COUNTS, "progress": in_progress(ta=progress)})
    found = boxes(svg)
    assert found["records-screened"] == [
        "Records screened so far (n = 20)",
        "Awaiting decisions (n = 640)",
        "In conflict (n = 11)",
    ]
    assert found["records-excluded"] == ["Records excluded so far (n = 170)"]
    assert "Title/abstract screening in progress." in found["in-progress"]
    for final in ("reports-sought", "reports-assessed", "studies-included"):
        assert final not in found
    assert "Included" not in labels(svg)


def test_full_text_in_progress_keeps_title_abstract_boxes_final():
    progress = {"status": "in_progress", "screened": 5, "awaiting": 20, "conflicts": 2}
    found = boxes(prisma_svg({**COUNTS, "progress": in_progress(ft=progress)}))
    assert found["records-screened"] == ["Records screened (n = 200)"]
    assert found["reports-assessed"][0] == "Reports assessed so far (n = 5)"
    assert found["reports-excluded"][0] == "Reports excluded so far:"
    assert "Full-text screening in progress." in found["in-progress"]
    assert "studies-included" not in found


def test_complete_stages_draw_the_final_diagram():
    found = boxes(prisma_svg({**COUNTS, "progress": in_progress()}))
    assert found["records-screened"] == ["Records screened (n = 200)"]
    assert "studies-included" in found
    assert "in-progress" not in found


def test_the_page_and_downloads_say_screening_is_in_progress(web_as, review, lead, reviewer):
    records = make_import(
        review, lead, "pubmed", [(t, f"10.5555/p.{i}") for i, t in enumerate(TITLES)]
    )
    for person in (lead, reviewer):
        decision_record(
            reviewer=person, review=review, record_id=records[0].pk, stage=TA, decision="exclude"
        )
    counts = prisma_counts(review)
    assert counts["progress"]["title_abstract"] == {
        "status": "in_progress",
        "screened": 1,
        "awaiting": len(TITLES) - 1,
        "conflicts": 0,
    }
    client = web_as(lead)
    page = client.get(f"/reviews/{review.pk}/prisma/").content.decode()
    assert "Title/abstract screening is in progress" in page
    assert f"Records screened (n = {len(TITLES)})" not in page
    assert "Records screened so far (n = 1)" in page
    svg = client.get(f"/reviews/{review.pk}/prisma/prisma.svg").content.decode()
    assert "Title/abstract screening in progress." in svg
    data = client.get(f"/reviews/{review.pk}/prisma/prisma.json").json()
    assert data["progress"]["title_abstract"]["status"] == "in_progress"


@pytest.mark.parametrize(
    ("database", "label"),
    [
        ("cinahl", "CINAHL"),
        ("psycinfo", "PsycINFO"),
        ("proquest", "ProQuest"),
        ("ebscohost", "EBSCOhost"),
        ("clinicaltrials", "ClinicalTrials.gov"),
        ("ictrp", "WHO ICTRP"),
        ("googlescholar", "Google Scholar"),
        ("cbm", "CBM (SinoMed)"),
        ("vip", "VIP (CQVIP)"),
    ],
)
def test_prisma_names_each_database_rather_than_other_source(review, lead, database, label):
    make_import(review, lead, database, [(TITLES[0], "10.5555/db.1")])
    # make_import leaves record_count at 0: the name is what this test is about.
    assert list(prisma_counts(review)["identified"]) == [label, "total"]
    assert f"{label} (n = 0)" in prisma_svg(prisma_counts(review))
