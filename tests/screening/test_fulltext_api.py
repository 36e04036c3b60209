"""Full-text API (issue #5): /api/v1/reviews/{id}/records/{record}/fulltext/… — state,
upload, not retrieved, removal, the PDF itself, and who may do what.

Every record and PDF here is synthetic (made-up titles, generated PDFs)."""

import pytest

from reviews.models import AuditEvent
from screening.models import FullText
from screening.services import decision_record
from tests.factories import ReviewFactory
from tests.reviews.dedup_data import make_import
from tests.screening.data import FT
from tests.screening.fulltext_data import blank_pdf, full_text_reports, pdf_upload


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def reports(review, lead):
    return full_text_reports(review, lead)


def url(review, record, suffix=""):
    return f"/api/v1/reviews/{review.pk}/records/{record.pk}/fulltext/{suffix}"


def post_pdf(client, review, record, name="report.pdf", content=None):
    return client.post(url(review, record), {"file": pdf_upload(name, content)}, format="multipart")


def test_a_report_starts_with_no_full_text(api_as, viewer, review, reports):
    response = api_as(viewer).get(url(review, reports[0]))
    assert response.status_code == 200
    assert response.json() == {
        "record": reports[0].pk,
        "status": "none",
        "original_name": "",
        "size": 0,
        "sha256": "",
        "pages": None,
        "note": "",
        "updated_by": None,
        "updated_at": None,
        "download": None,
    }


def test_uploading_a_pdf_gives_its_state_and_a_download_link(api_as, reviewer, review, reports):
    client = api_as(reviewer)
    content = blank_pdf(pages=2)
    response = post_pdf(client, review, reports[0], "Lee 2019.pdf", content)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["original_name"], body["pages"], body["size"]) == (
        "uploaded",
        "Lee 2019.pdf",
        2,
        len(content),
    )
    assert body["updated_by"] == "reviewer"
    assert body["download"] == f"http://testserver{url(review, reports[0], 'pdf/')}"
    assert client.get(url(review, reports[0])).json() == body

    pdf = client.get(body["download"])
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'inline; filename="Lee 2019.pdf"'
    assert b"".join(pdf.streaming_content) == content


def test_a_file_that_is_not_a_pdf_gets_400_naming_it(api_as, reviewer, review, reports):
    response = post_pdf(api_as(reviewer), review, reports[0], "scan.docx", b"PK\x03\x04")
    assert response.status_code == 400
    body = response.json()
    assert body["errors"]["file"][0].startswith("scan.docx: not a PDF (it starts with")
    assert body["detail"].startswith("file: scan.docx: not a PDF")
    assert not FullText.objects.exists()


def test_a_damaged_pdf_gets_400(api_as, reviewer, review, reports):
    response = post_pdf(api_as(reviewer), review, reports[0], "cut.pdf", blank_pdf()[:200])
    assert response.status_code == 400
    assert "cut.pdf: the PDF is damaged or incomplete" in response.json()["detail"]


def test_an_upload_without_a_file_gets_400(api_as, reviewer, review, reports):
    response = api_as(reviewer).post(url(review, reports[0]), {}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["errors"]


def test_a_record_not_included_at_title_abstract_has_no_full_text(api_as, reviewer, review, lead):
    # The same answer as the pages give: only a report sought has a full text.
    (record,) = make_import(review, lead, "embase", [("Unscreened (synthetic)", "")])
    for response in (
        post_pdf(api_as(reviewer), review, record),
        api_as(reviewer).get(url(review, record)),
    ):
        assert response.status_code == 404
        assert "is not a report sought" in response.json()["detail"]


def test_a_record_of_another_review_gets_404(api_as, reviewer, review, lead):
    other = ReviewFactory(created_by=lead)
    (record,) = make_import(other, lead, "pubmed", [("Elsewhere (synthetic)", "")])
    client = api_as(reviewer)
    assert client.get(url(review, record)).status_code == 404
    assert post_pdf(client, review, record).status_code == 404


def test_marking_not_retrieved(api_as, reviewer, review, reports):
    client = api_as(reviewer)
    post_pdf(client, review, reports[0])
    response = client.post(
        url(review, reports[0], "not-retrieved/"), {"note": "Out of print"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["note"], body["download"], body["pages"]) == (
        "not_retrieved",
        "Out of print",
        None,
        None,
    )
    assert client.get(url(review, reports[0], "pdf/")).status_code == 404
    counts = client.get(f"/api/v1/reviews/{review.pk}/prisma/").json()
    assert (counts["reports_sought"], counts["reports_not_retrieved"]) == (2, 1)
    assert counts["reports_assessed"] == 1


def test_marking_not_retrieved_without_a_note(api_as, reviewer, review, reports):
    response = api_as(reviewer).post(url(review, reports[0], "not-retrieved/"), format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["note"]) == ("not_retrieved", "")


def test_marking_not_retrieved_after_decisions_gets_400(api_as, lead, reviewer, review, reports):
    decision_record(
        reviewer=lead, review=review, record_id=reports[0].pk, stage=FT, decision="include"
    )
    response = api_as(reviewer).post(url(review, reports[0], "not-retrieved/"), format="json")
    assert response.status_code == 400
    assert "withdraw the decisions first" in response.json()["detail"]


def test_delete_goes_back_to_nothing(api_as, reviewer, review, reports):
    client = api_as(reviewer)
    post_pdf(client, review, reports[0])
    assert client.delete(url(review, reports[0])).status_code == 204
    assert client.get(url(review, reports[0])).json()["status"] == "none"
    assert AuditEvent.objects.filter(action="screening.fulltext_removed").count() == 1


def test_the_pdf_of_a_record_without_one_is_a_json_404(api_as, viewer, review, reports):
    response = api_as(viewer).get(url(review, reports[0], "pdf/"), HTTP_ACCEPT="application/pdf")
    assert response.status_code == 404
    assert response.json() == {"detail": "This record has no full-text PDF."}


@pytest.mark.parametrize(
    ("method", "suffix", "data", "viewer_status"),
    [
        ("get", "", None, 200),
        ("post", "", "pdf", 403),
        ("delete", "", None, 403),
        ("post", "not-retrieved/", {"note": ""}, 403),
        ("get", "pdf/", None, 404),  # a member may look, but there is no PDF yet
    ],
)
def test_viewers_read_and_outsiders_get_404(
    api_as, viewer, outsider, review, reports, method, suffix, data, viewer_status
):
    for user, expected in ((viewer, viewer_status), (outsider, 404)):
        client = api_as(user)
        if data == "pdf":
            response = post_pdf(client, review, reports[0])
        else:
            response = getattr(client, method)(url(review, reports[0], suffix), data, format="json")
        assert response.status_code == expected
        if expected != 200:
            assert response.json()["detail"]
    assert not FullText.objects.exists()
