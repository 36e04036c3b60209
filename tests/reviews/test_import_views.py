from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reviews.imports import import_file
from reviews.models import Record, SearchImport

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
NBIB = FIXTURES / "pubmed_medline" / "mrhelper_demo_pubmed_202101.nbib"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def nbib():
    return SimpleUploadedFile(NBIB.name, NBIB.read_bytes())


def test_import_page_lists_history_and_offers_upload_to_writers(client, review, lead, viewer):
    import_file(user=lead, review=review, upload=nbib(), database="pubmed", interface="PubMed")
    client.force_login(lead)
    html = client.get(f"/reviews/{review.pk}/imports/").content.decode()
    assert "Drop export files here" in html
    assert "mrhelper_demo_pubmed_202101.nbib" in html
    assert "1 no abstract" in html
    client.force_login(viewer)
    html = client.get(f"/reviews/{review.pk}/imports/").content.decode()
    assert "Drop export files here" not in html
    assert "mrhelper_demo_pubmed_202101.nbib" in html


def test_stage_shows_preview_with_detected_format(client, review, lead):
    client.force_login(lead)
    html = client.post(
        f"/reviews/{review.pk}/imports/stage/", {"file": nbib(), "database": "pubmed"}
    ).content.decode()
    assert "medline · utf-8" in html
    assert "Switching of Hormone Therapies in Breast Cancer Women." in html
    assert "Import all records" in html
    assert SearchImport.objects.get().status == "staged"


def test_stage_error_is_shown_in_place_and_keeps_nothing(client, review, lead):
    client.force_login(lead)
    empty = SimpleUploadedFile("empty.ris", b"")
    response = client.post(
        f"/reviews/{review.pk}/imports/stage/", {"file": empty, "database": "pubmed"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    # The upload row names the file already; the message does not repeat it.
    assert "<p>The file is empty</p>" in html
    assert not SearchImport.objects.exists()


def test_stage_without_database_says_so(client, review, lead):
    client.force_login(lead)
    response = client.post(f"/reviews/{review.pk}/imports/stage/", {"file": nbib()})
    assert response.status_code == 400
    assert "database: This field is required." in response.content.decode()


def test_start_imports_and_status_reports_counts(
    client, review, lead, django_capture_on_commit_callbacks
):
    client.force_login(lead)
    client.post(f"/reviews/{review.pk}/imports/stage/", {"file": nbib(), "database": "pubmed"})
    staged = SearchImport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/reviews/{review.pk}/imports/{staged.pk}/start/")
    assert "Queued" in response.content.decode()
    status = client.get(f"/reviews/{review.pk}/imports/{staged.pk}/")
    assert "imported 10 records" in status.content.decode()
    assert status["HX-Trigger"] == "import-finished"


def test_start_of_duplicate_asks_for_confirmation(client, review, lead):
    import_file(user=lead, review=review, upload=nbib(), database="pubmed")
    client.force_login(lead)
    html = client.post(
        f"/reviews/{review.pk}/imports/stage/", {"file": nbib(), "database": "pubmed"}
    ).content.decode()
    assert "Import it again anyway" in html
    staged = SearchImport.objects.get(job__isnull=True)
    response = client.post(f"/reviews/{review.pk}/imports/{staged.pk}/start/")
    assert response.status_code == 400
    assert "confirm if you really mean to" in response.content.decode()
    staged.refresh_from_db()
    assert staged.status == "staged"


def test_discard_removes_staged_import(client, review, lead):
    client.force_login(lead)
    client.post(f"/reviews/{review.pk}/imports/stage/", {"file": nbib(), "database": "pubmed"})
    staged = SearchImport.objects.get()
    client.post(f"/reviews/{review.pk}/imports/{staged.pk}/discard/")
    assert not SearchImport.objects.exists()


def test_records_page_filters_and_shows_source(client, review, lead):
    import_file(user=lead, review=review, upload=nbib(), database="pubmed")
    client.force_login(lead)
    html = client.get(f"/reviews/{review.pk}/records/", {"q": "hormone"}).content.decode()
    assert "Switching of Hormone Therapies in Breast Cancer Women." in html
    assert "mrhelper_demo_pubmed_202101.nbib line 1" in html
    assert "PMID- 33465792" in html  # the source record, verbatim
    html = client.get(f"/reviews/{review.pk}/records/", {"q": "no such words"}).content.decode()
    assert "No records match these filters" in html


def test_export_downloads_filtered_records(client, review, lead):
    import_file(user=lead, review=review, upload=nbib(), database="pubmed")
    client.force_login(lead)
    response = client.get(f"/reviews/{review.pk}/records/export.ris", {"q": "hormone"})
    body = b"".join(response.streaming_content).decode()
    assert (
        response["Content-Disposition"] == f'attachment; filename="review-{review.pk}-records.ris"'
    )
    assert body.count("TY  - JOUR") == Record.objects.filter(title__icontains="hormone").count()
    assert client.get(f"/reviews/{review.pk}/records/export.docx").status_code == 404


STRAY = b"TY  - JOUR\nTI  - first\nER  - \nstray words\nTY  - JOUR\nTI  - second\nER  - \n"


def test_preview_and_result_say_what_was_skipped_and_where(
    client, review, lead, django_capture_on_commit_callbacks
):
    client.force_login(lead)
    html = client.post(
        f"/reviews/{review.pk}/imports/stage/",
        {"file": SimpleUploadedFile("stray.ris", STRAY), "database": "other"},
    ).content.decode()
    assert "Skipped so far" in html
    assert "text between records (line 4)" in html
    staged = SearchImport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/reviews/{review.pk}/imports/{staged.pk}/start/")
    status = client.get(f"/reviews/{review.pk}/imports/{staged.pk}/").content.decode()
    assert "imported 2 records" in status
    assert "1 part of the file skipped" in status
    assert "text between records (line 4)" in status
    history = client.get(f"/reviews/{review.pk}/imports/").content.decode()
    assert "1 skipped" in history


def test_records_page_stays_small_with_a_huge_source_record(client, review, lead):
    title = " ".join(["Long"] * 200_000)
    upload = SimpleUploadedFile("long.ris", f"TY  - JOUR\nTI  - {title}\nER  - \n".encode())
    import_file(user=lead, review=review, upload=upload, database="other")
    client.force_login(lead)

    html = client.get(f"/reviews/{review.pk}/records/").content.decode()

    assert len(html) < 100_000
    assert "the JSON export holds it whole" in html


def test_a_mapping_for_an_import_already_started_is_refused_with_400(
    client, review, lead, django_capture_on_commit_callbacks
):
    csv = FIXTURES / "generic_csv" / "pubmed_layout_synthetic.csv"
    client.force_login(lead)
    client.post(
        f"/reviews/{review.pk}/imports/stage/",
        {"file": SimpleUploadedFile(csv.name, csv.read_bytes()), "database": "other"},
    )
    staged = SearchImport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/reviews/{review.pk}/imports/{staged.pk}/start/")
    response = client.post(
        f"/reviews/{review.pk}/imports/{staged.pk}/mapping/", {"map_title": "citation"}
    )
    assert response.status_code == 400
    assert "is no longer waiting for confirmation" in response.content.decode()
    staged.refresh_from_db()
    assert staged.column_mapping["title"] == "title"
