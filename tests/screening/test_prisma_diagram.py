"""The PRISMA 2020 flow diagram drawn from a counts dict (pure: no database)."""

import warnings
import xml.etree.ElementTree as ET

from screening.prisma_diagram import prisma_png, prisma_svg

SVG = "{http://www.w3.org/2000/svg}"

COUNTS = {
    "identified": {"PubMed / MEDLINE": 120, "Embase": 95, "CNKI": 41, "total": 256},
    "duplicates_removed": 56,
    "records_screened": 200,
    "records_excluded": 170,
    "reports_sought": 30,
    "reports_not_retrieved": 3,
    "reports_assessed": 27,
    "reports_excluded": {
        "total": 19,
        "reasons": {"Wrong population": 7, "Wrong study design": 11, "No full text": 1},
    },
    "studies_included": 8,
    "reports_included": 9,
}


def boxes(svg: str) -> dict[str, list[str]]:
    """Each box's lines of text, by the box's class name."""
    root = ET.fromstring(svg)
    found = {}
    for group in root.iter(f"{SVG}g"):
        classes = group.get("class", "").split()
        if "prisma-box" in classes:
            name = next(c for c in classes if c != "prisma-box")
            found[name] = [t.text for t in group.iter(f"{SVG}text")]
    return found


def labels(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [
        t.text
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "prisma-label"
        for t in g.iter(f"{SVG}text")
    ]


def test_the_svg_parses_and_is_accessible():
    root = ET.fromstring(prisma_svg(COUNTS))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text.startswith("PRISMA 2020 flow diagram")
    description = root.find(f"{SVG}desc").text
    assert "Records screened (n = 200)" in description
    assert "Studies included in review (n = 8)" in description
    assert "Reports of included studies (n = 9)" in description


def test_every_count_appears_in_its_box():
    assert boxes(prisma_svg(COUNTS)) == {
        "records-identified": [
            "Records identified from:",
            "Databases (n = 256)",
            "PubMed / MEDLINE (n = 120)",
            "Embase (n = 95)",
            "CNKI (n = 41)",
        ],
        "records-removed": [
            "Records removed before screening:",
            "Duplicate records removed (n = 56)",
        ],
        "records-screened": ["Records screened (n = 200)"],
        "records-excluded": ["Records excluded (n = 170)"],
        "reports-sought": ["Reports sought for retrieval (n = 30)"],
        "reports-not-retrieved": ["Reports not retrieved (n = 3)"],
        "reports-assessed": ["Reports assessed for eligibility (n = 27)"],
        "reports-excluded": [
            "Reports excluded:",
            "Wrong study design (n = 11)",
            "Wrong population (n = 7)",
            "No full text (n = 1)",
        ],
        "studies-included": [
            "Studies included in review (n = 8)",
            "Reports of included studies (n = 9)",
        ],
    }


def test_the_side_labels_and_header_are_the_templates():
    assert labels(prisma_svg(COUNTS)) == [
        "Identification of studies via databases and registers",
        "Identification",
        "Screening",
        "Included",
    ]


def test_arrows_join_the_boxes():
    root = ET.fromstring(prisma_svg(COUNTS))
    arrows = [line for line in root.iter(f"{SVG}line") if line.get("marker-end")]
    assert len(arrows) == 8  # four down the main column, four to the side boxes


def geometry(svg: str) -> dict[str, tuple[float, float, float, float]]:
    root = ET.fromstring(svg)
    found = {}
    for group in root.iter(f"{SVG}g"):
        classes = group.get("class", "").split()
        if "prisma-box" in classes:
            rect = group.find(f"{SVG}rect")
            name = next(c for c in classes if c != "prisma-box")
            found[name] = tuple(float(rect.get(k)) for k in ("x", "y", "width", "height"))
    return found


def test_boxes_grow_with_databases_and_reasons():
    small = geometry(prisma_svg(COUNTS))
    more = {
        **COUNTS,
        "identified": {**{f"Database {i}": 1 for i in range(12)}, "total": 12},
        "reports_excluded": {"total": 10, "reasons": {f"Reason {i}": 1 for i in range(10)}},
    }
    big = geometry(prisma_svg(more))
    assert big["records-identified"][3] > small["records-identified"][3]
    assert big["reports-excluded"][3] > small["reports-excluded"][3]
    # Boxes of one row stay aligned, and the column below moves down instead of overlapping.
    for svg_boxes in (small, big):
        assert svg_boxes["records-identified"][1] == svg_boxes["records-removed"][1]
        assert svg_boxes["records-identified"][3] == svg_boxes["records-removed"][3]
        _, y, _, h = svg_boxes["reports-excluded"]
        assert svg_boxes["studies-included"][1] > y + h


def test_long_names_wrap_inside_their_box():
    counts = {
        **COUNTS,
        "reports_excluded": {
            "total": 1,
            "reasons": {"Wrong comparator: usual care was not described in any detail at all": 1},
        },
    }
    lines = boxes(prisma_svg(counts))["reports-excluded"]
    assert len(lines) > 2
    assert " ".join(lines[1:]) == (
        "Wrong comparator: usual care was not described in any detail at all (n = 1)"
    )
    assert lines[-1].endswith("(n = 1)")


def test_names_are_escaped():
    counts = {
        **COUNTS,
        "identified": {"<script>alert(1)</script> & Co": 3, "total": 3},
        "reports_excluded": {"total": 1, "reasons": {'Dose < 5 mg & "other"': 1}},
    }
    svg = prisma_svg(counts)
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in svg
    found = boxes(svg)
    assert "<script>alert(1)</script> & Co (n = 3)" in found["records-identified"]
    assert 'Dose < 5 mg & "other" (n = 1)' in found["reports-excluded"]


def test_an_empty_review_draws_zeros():
    empty = {
        "identified": {"total": 0},
        "duplicates_removed": 0,
        "records_screened": 0,
        "records_excluded": 0,
        "reports_sought": 0,
        "reports_not_retrieved": 0,
        "reports_assessed": 0,
        "reports_excluded": {"total": 0, "reasons": {}},
        "studies_included": 0,
        "reports_included": 0,
    }
    found = boxes(prisma_svg(empty))
    assert found["records-identified"] == ["Records identified from:", "Databases (n = 0)"]
    assert found["reports-excluded"] == ["Reports excluded (n = 0)"]


def test_the_png_is_a_png():
    png = prisma_png(COUNTS)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) > 10_000


def test_the_png_draws_chinese_and_dollar_signs_as_plain_text():
    counts = {
        **COUNTS,
        "identified": {"中国知网 CNKI": 41, "total": 41},
        "reports_excluded": {"total": 1, "reasons": {"Costs $5 to $10 per dose": 1}},
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = prisma_png(counts)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    # matplotlib warns for every character no font in the list can draw (drawn as a box).
    # `make fonts` installs a CJK font.
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []


def test_a_stop_shows_records_screened_before_it_and_those_left_unscreened():
    progress = {"status": "in_progress", "screened": 120, "awaiting": 80, "conflicts": 0}
    counts = {
        **COUNTS,
        "progress": {"title_abstract": progress},
        "stopped": {"title_abstract": {"screened": 120, "not_screened": 80}},
    }
    found = boxes(prisma_svg(counts))
    assert " ".join(found["records-screened"]) == (
        "Records screened (n = 120) Not screened: stopped early (n = 80)"
    )
    # The stage counts as finished: no "so far", and the full-text boxes follow.
    assert found["records-excluded"] == ["Records excluded (n = 170)"]
    assert "reports-sought" in found
