"""Full-text pages: the PDF beside the record at full-text screening, the upload and "not
retrieved" forms (with and without htmx), and the PDF served to members only.

Every record and PDF here is synthetic (made-up titles, generated PDFs)."""

import json

import pytest

from screening.fulltext import fulltext_upload
from screening.models import FullText
from screening.services import decision_record
from tests.reviews.dedup_data import make_import
from tests.screening.data import FT
from tests.screening.fulltext_data import blank_pdf, full_text_reports, pdf_upload

HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def reports(review, lead):
    return full_text_reports(review, lead)


@pytest.fixture
def uploaded(review, reviewer, reports):
    return fulltext_upload(
        user=reviewer,
        review=review,
        record_id=reports[0].pk,
        upload=pdf_upload("Smith 2020.pdf", blank_pdf(pages=3)),
    )


def screen_url(review, record=None):
    url = f"/reviews/{review.pk}/screening/full_text/"
    return f"{url}?record={record.pk}" if record else url


def action_url(review, record, action):
    return f"/reviews/{review.pk}/screening/fulltext/{record.pk}/{action}/"


def test_the_full_text_page_shows_the_pdf_beside_the_decision_buttons(
    client, review, reviewer, reports, uploaded
):
    client.force_login(reviewer)
    html = client.get(screen_url(review, reports[0])).content.decode()
    pdf_url = action_url(review, reports[0], "pdf")
    assert f'<iframe class="fulltext-viewer" src="{pdf_url}?v={uploaded.sha256[:12]}"' in html
    assert "Smith 2020.pdf · 3 pages" in html
    assert "uploaded by reviewer" in html
    assert f'href="{pdf_url}" download="Smith 2020.pdf"' in html
    assert "Remove the PDF" in html
    # The panel sits inside the record; the decision buttons keep their place after it.
    assert html.index('id="fulltext"') < html.index('class="decision-bar"')
    assert 'data-key="i"' in html


def test_a_report_without_a_pdf_offers_the_upload_and_not_retrieved_forms(
    client, review, reviewer, reports
):
    client.force_login(reviewer)
    html = client.get(screen_url(review, reports[0])).content.decode()
    assert "<iframe" not in html
    assert "No full text yet." in html
    assert 'enctype="multipart/form-data"' in html
    assert 'accept="application/pdf,.pdf"' in html
    assert f'hx-post="{action_url(review, reports[0], "upload")}"' in html
    assert "Mark not retrieved" in html


def test_title_abstract_screening_has_no_full_text_panel(client, review, reviewer, reports):
    client.force_login(reviewer)
    html = client.get(f"/reviews/{review.pk}/screening/title_abstract/").content.decode()
    assert 'id="fulltext"' not in html


@pytest.mark.parametrize("who", ["viewer", "reviewer", "lead"])
def test_members_get_the_pdf_inline_and_frameable_from_the_same_origin(
    client, personas, review, reports, uploaded, who
):
    client.force_login(personas[who])
    response = client.get(action_url(review, reports[0], "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="Smith 2020.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert b"".join(response.streaming_content) == blank_pdf(pages=3)


def test_outsider_gets_404_for_the_pdf(client, outsider, review, reports, uploaded):
    client.force_login(outsider)
    assert client.get(action_url(review, reports[0], "pdf")).status_code == 404


def test_a_record_without_a_pdf_has_none_to_serve(client, reviewer, review, reports, uploaded):
    client.force_login(reviewer)
    assert client.get(action_url(review, reports[1], "pdf")).status_code == 404


@pytest.mark.parametrize("action", ["upload", "not-retrieved", "remove"])
def test_viewer_cannot_change_a_full_text(client, viewer, review, reports, uploaded, action):
    client.force_login(viewer)
    data = {"file": pdf_upload()} if action == "upload" else {}
    response = client.post(action_url(review, reports[0], action), data)
    assert response.status_code == 403
    assert FullText.objects.get().original_name == "Smith 2020.pdf"


@pytest.mark.parametrize("action", ["upload", "not-retrieved", "remove", "pdf"])
def test_outsider_gets_404(client, outsider, review, reports, action):
    client.force_login(outsider)
    method = client.get if action == "pdf" else client.post
    assert method(action_url(review, reports[0], action)).status_code == 404


def test_a_record_not_sought_at_full_text_gets_404(client, reviewer, review, lead):
    (record,) = make_import(review, lead, "embase", [("Not included (synthetic)", "")])
    client.force_login(reviewer)
    response = client.post(action_url(review, record, "upload"), {"file": pdf_upload()})
    assert response.status_code == 404


# --- without JavaScript: post, then back to the screening page ----------------------------------


def test_uploading_without_htmx_comes_back_to_the_record(client, reviewer, review, reports):
    client.force_login(reviewer)
    response = client.post(
        action_url(review, reports[0], "upload"), {"file": pdf_upload("a.pdf")}, follow=True
    )
    assert response.redirect_chain == [(screen_url(review, reports[0]), 302)]
    html = response.content.decode()
    assert "Uploaded a.pdf (1 page)." in html
    assert '<iframe class="fulltext-viewer"' in html


def test_a_refused_upload_without_htmx_shows_why(client, reviewer, review, reports):
    client.force_login(reviewer)
    response = client.post(
        action_url(review, reports[0], "upload"),
        {"file": pdf_upload("scan.docx", b"PK\x03\x04")},
        follow=True,
    )
    assert "scan.docx: not a PDF" in response.content.decode()
    assert not FullText.objects.exists()


def test_marking_not_retrieved_without_htmx_goes_on_to_the_next_record(
    client, reviewer, review, reports
):
    client.force_login(reviewer)
    response = client.post(
        action_url(review, reports[0], "not-retrieved"), {"note": "No access"}, follow=True
    )
    assert response.redirect_chain == [(screen_url(review), 302)]
    html = response.content.decode()
    assert f"Record {reports[0].pk} marked not retrieved." in html
    assert reports[1].title in html
    assert FullText.objects.get().note == "No access"


# --- with htmx: the panel swaps, or the whole record reloads -----------------------------------


def test_uploading_with_htmx_reloads_the_record(client, reviewer, review, reports):
    client.force_login(reviewer)
    response = client.post(
        action_url(review, reports[0], "upload"), {"file": pdf_upload()}, headers=HTMX
    )
    assert response.status_code == 200
    assert json.loads(response["HX-Location"]) == {
        "path": screen_url(review, reports[0]),
        "target": "#screen",
        "swap": "outerHTML",
    }
    assert FullText.objects.get().pages == 1


def test_a_refused_upload_with_htmx_shows_the_error_in_the_panel(client, reviewer, review, reports):
    client.force_login(reviewer)
    response = client.post(
        action_url(review, reports[0], "upload"),
        {"file": pdf_upload("scan.docx", b"PK\x03\x04")},
        headers=HTMX,
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="fulltext"')
    assert 'role="alert">scan.docx: not a PDF' in html


def test_an_upload_without_a_file_is_refused_in_the_panel(client, reviewer, review, reports):
    client.force_login(reviewer)
    response = client.post(action_url(review, reports[0], "upload"), {}, headers=HTMX)
    assert response.status_code == 400
    assert "Choose a PDF file to upload." in response.content.decode()


def test_marking_not_retrieved_with_htmx_shows_the_state_and_replaces_the_decisions(
    client, reviewer, review, reports
):
    client.force_login(reviewer)
    response = client.post(
        action_url(review, reports[0], "not-retrieved"), {"note": "No access"}, headers=HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>Not retrieved</strong>: No access" in html
    assert "Undo “not retrieved”" in html
    assert 'hx-swap-oob="outerHTML:#screen .decision-bar"' in html
    assert 'data-key="i"' not in html


def test_marking_not_retrieved_with_decisions_is_refused_in_the_panel(
    client, lead, reviewer, review, reports
):
    decision_record(
        reviewer=lead, review=review, record_id=reports[0].pk, stage=FT, decision="include"
    )
    client.force_login(reviewer)
    response = client.post(action_url(review, reports[0], "not-retrieved"), {}, headers=HTMX)
    assert response.status_code == 400
    assert "withdraw the decisions first" in response.content.decode()
    assert not FullText.objects.exists()


def test_undoing_not_retrieved_with_htmx_reloads_the_record(client, reviewer, review, reports):
    client.force_login(reviewer)
    client.post(action_url(review, reports[0], "not-retrieved"), {}, headers=HTMX)
    response = client.post(action_url(review, reports[0], "remove"), {}, headers=HTMX)
    assert json.loads(response["HX-Location"])["path"] == screen_url(review, reports[0])
    assert not FullText.objects.exists()
    html = client.get(screen_url(review, reports[0])).content.decode()
    assert 'data-key="i"' in html
