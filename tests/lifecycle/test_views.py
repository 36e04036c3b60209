"""The review dashboard: the stage cards every app registers, in lifecycle order."""

import re

from reviews import hooks
from tests.reviews.test_views import edit_form

STAGE_HEADING = re.compile(r'<h3>(?:<a href="([^"]+)"[^>]*>)?([^<]+)')


def test_dashboard_shows_lifecycle_in_order(client, review, reviewer):
    client.force_login(reviewer)
    html = client.get(f"/reviews/{review.pk}/").content.decode()
    stages = [label for _url, label in STAGE_HEADING.findall(html)][:7]
    assert stages == [
        "Import",
        "Deduplicate",
        "Title/abstract",
        "Full text",
        "Extraction",
        "Risk of bias",
        "Analysis",
    ]
    assert html.count("Not started") == 7
    # Reviewers see neither the audit log nor the worker check; leads do.
    assert "Full audit log" not in html
    assert "Check the worker" not in html


def test_each_built_stage_card_links_to_its_page(client, review, reviewer):
    client.force_login(reviewer)
    html = client.get(f"/reviews/{review.pk}/").content.decode()
    links = {label: url for url, label in STAGE_HEADING.findall(html) if url}
    assert links == {
        "Import": f"/reviews/{review.pk}/imports/",
        "Deduplicate": f"/reviews/{review.pk}/dedup/",
        "Title/abstract": f"/reviews/{review.pk}/screening/title_abstract/",
        "Full text": f"/reviews/{review.pk}/screening/full_text/",
        "Extraction": f"/reviews/{review.pk}/extraction/",
        "Risk of bias": f"/reviews/{review.pk}/rob/",
        "Analysis": f"/reviews/{review.pk}/analysis/",
    }
    for url in links.values():
        assert client.get(url).status_code == 200


def test_a_stage_app_adds_its_card_through_the_registration_point(
    client, review, reviewer, monkeypatch
):
    card = hooks.StageCard(
        key="appraisal", label="Appraisal", description="Synthetic stage.", status="done"
    )
    monkeypatch.setitem(
        hooks._STAGES, "appraisal", hooks.StageHook("appraisal", 25, lambda r: card)
    )
    client.force_login(reviewer)
    html = client.get(f"/reviews/{review.pk}/").content.decode()
    stages = [label for _url, label in STAGE_HEADING.findall(html)]
    assert stages.index("Deduplicate") < stages.index("Appraisal") < stages.index("Title/abstract")


def test_dashboard_htmx_refresh_returns_only_the_stage_panel(client, review, lead):
    client.force_login(lead)
    html = client.get(f"/reviews/{review.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert html.lstrip().startswith('<section id="stages"')
    assert "<html" not in html


def test_lead_sees_recent_activity_on_dashboard(client, review, lead):
    client.force_login(lead)
    client.post(f"/reviews/{review.pk}/edit/", edit_form(review, outcomes="ECCA"))
    html = client.get(f"/reviews/{review.pk}/").content.decode()
    assert "<strong>lead</strong> changed the review&#x27;s" in html
    assert "review.updated" not in html
    assert "Check the worker" in html


def review_nav(html: str) -> str:
    start = html.index('<nav class="review-nav"')
    return html[start : html.index("</nav>", start)]


def test_review_nav_shows_tabs_by_role(client, review, lead, viewer):
    client.force_login(viewer)
    html = client.get(f"/reviews/{review.pk}/").content.decode()
    nav = review_nav(html)
    assert "Dashboard" in nav and "PRISMA" in nav and "Records" in nav
    assert "Audit log" not in nav and "Settings" not in nav
    assert ">Screen<" not in nav  # a viewer cannot screen
    client.force_login(lead)
    html = client.get(f"/reviews/{review.pk}/").content.decode()
    nav = review_nav(html)
    labels = re.findall(r">([^<]+)</a></li>", nav)
    assert labels == [
        "Dashboard",
        "Import",
        "Duplicates",
        "Screen",
        "Full text",
        "Extraction",
        "Risk of bias",
        "Records",
        "Analysis",
        "PRISMA",
        "Members",
        "Audit log",
        "Settings",
    ]
