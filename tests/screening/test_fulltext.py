"""Full-text services (issue #5): uploading a report's PDF, marking it not retrieved, removing
either; checks on the file, atomicity with storage, and the audit log.

Every record and PDF here is synthetic (made-up titles, generated PDFs)."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404

from reviews.models import AuditEvent
from reviews.services import review_delete
from screening import selectors
from screening.fulltext import fulltext_mark_not_retrieved, fulltext_remove, fulltext_upload
from screening.models import FullText
from screening.services import decision_record
from tests.reviews.dedup_data import make_import
from tests.screening.data import FT
from tests.screening.fulltext_data import blank_pdf, full_text_reports, pdf_upload


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def reports(review, lead):
    return full_text_reports(review, lead)


def stored_files(media):
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def upload(user, review, record, file=None):
    return fulltext_upload(
        user=user, review=review, record_id=record.pk, upload=file or pdf_upload()
    )


def events(review, action):
    return AuditEvent.objects.filter(review_id=review.pk, action=action).order_by("pk")


def refused(call) -> str:
    with pytest.raises(ValidationError) as info:
        call()
    return " ".join(info.value.messages)


# --- uploading -----------------------------------------------------------------------------------


def test_upload_stores_the_pdf_with_its_pages_size_and_checksum(review, reviewer, reports, media):
    content = blank_pdf(pages=3)
    full_text = upload(reviewer, review, reports[0], pdf_upload("Smith 2020.pdf", content))
    full_text.refresh_from_db()
    assert full_text.file.name == f"fulltext/review-{review.pk}/record-{reports[0].pk}.pdf"
    assert (media / full_text.file.name).read_bytes() == content
    assert (full_text.original_name, full_text.pages, full_text.size) == (
        "Smith 2020.pdf",
        3,
        len(content),
    )
    assert full_text.sha256 == hashlib.sha256(content).hexdigest()
    assert (full_text.updated_by, full_text.not_retrieved) == (reviewer, False)


def test_upload_is_audited(review, reviewer, reports):
    full_text = upload(reviewer, review, reports[0], pdf_upload("a.pdf", blank_pdf(pages=2)))
    event = events(review, "screening.fulltext_uploaded").get()
    assert (event.actor, event.object_type, event.object_id) == (
        reviewer,
        "screening.FullText",
        str(full_text.pk),
    )
    assert event.changes["record"] == [None, reports[0].pk]
    assert event.changes["original_name"] == ["", "a.pdf"]
    assert event.changes["pages"] == [None, 2]


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("scan.docx", b"PK\x03\x04\x14\x00\x06\x00rest", "scan.docx: not a PDF (it starts with"),
        ("notes.pdf", b"Dear editor, here is the paper", "notes.pdf: not a PDF"),
        ("empty.pdf", b"", "empty.pdf: the file is empty."),
        ("broken.pdf", blank_pdf(pages=2)[:300], "broken.pdf: the PDF is damaged or incomplete"),
        ("blank.pdf", b"%PDF-1.7\n%%EOF\n", "blank.pdf: the PDF is damaged or incomplete"),
        ("locked.pdf", blank_pdf(password="secret"), "locked.pdf: the PDF is encrypted"),
    ],
)
def test_a_file_that_is_not_a_readable_pdf_is_refused_and_nothing_is_stored(
    review, reviewer, reports, media, name, content, problem
):
    message = refused(lambda: upload(reviewer, review, reports[0], pdf_upload(name, content)))
    assert message.startswith(problem)
    assert not FullText.objects.exists()
    assert stored_files(media) == []
    assert not AuditEvent.objects.filter(action__startswith="screening.fulltext").exists()


def test_the_error_shows_how_a_non_pdf_starts(review, reviewer, reports):
    message = refused(
        lambda: upload(reviewer, review, reports[0], pdf_upload("scan.docx", b"PK\x03\x04\x14\x00"))
    )
    assert message == (
        "scan.docx: not a PDF (it starts with “PK\\x03\\x04\\x14\\x00”; a PDF starts with “%PDF-”)."
    )


def test_a_pdf_without_pages_is_refused(review, reviewer, reports):
    message = refused(
        lambda: upload(reviewer, review, reports[0], pdf_upload("none.pdf", blank_pdf(pages=0)))
    )
    assert message == "none.pdf: the PDF has no pages."


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_an_encrypted_pdf_that_opens_without_a_password_is_accepted(
    review, reviewer, reports, algorithm
):
    # Publishers' copies are often AES-encrypted with an empty user password.
    content = blank_pdf(pages=2, password="", algorithm=algorithm)
    assert b"/Encrypt" in content
    assert upload(reviewer, review, reports[0], pdf_upload("protected.pdf", content)).pages == 2


def test_a_file_over_the_size_limit_is_refused(settings, review, reviewer, reports, media):
    settings.FULLTEXT_MAX_SIZE = 1024 * 1024
    big = pdf_upload("big.pdf", b"%PDF-1.7\n" + b"0" * (1536 * 1024))
    message = refused(lambda: upload(reviewer, review, reports[0], big))
    assert message == (
        "big.pdf: 1.5 MB is over the 1 MB limit for a full text (setting FULLTEXT_MAX_MB)."
    )
    assert stored_files(media) == []


def test_only_reports_sought_take_a_full_text(review, lead, reviewer, media):
    (record,) = make_import(review, lead, "embase", [("Not yet screened (synthetic)", "")])
    with pytest.raises(Http404, match="is not a report sought in this review"):
        upload(reviewer, review, record)
    assert stored_files(media) == []


def test_replacing_a_pdf_deletes_the_old_file_once_the_change_commits(
    review, reviewer, reports, media, django_capture_on_commit_callbacks
):
    first = upload(reviewer, review, reports[0], pdf_upload("v1.pdf", blank_pdf(pages=1)))
    old_name = first.file.name
    with django_capture_on_commit_callbacks() as callbacks:
        second = upload(reviewer, review, reports[0], pdf_upload("v2.pdf", blank_pdf(pages=4)))
        assert second.pk == first.pk
        assert second.file.name != old_name
        assert len(stored_files(media)) == 2  # the old file stays until the commit
    for callback in callbacks:
        callback()
    assert stored_files(media) == [second.file.name]
    stored = FullText.objects.get()
    assert (stored.original_name, stored.pages) == ("v2.pdf", 4)
    event = events(review, "screening.fulltext_uploaded").last()
    assert event.changes["original_name"] == ["v1.pdf", "v2.pdf"]


def test_uploading_clears_a_not_retrieved_mark(review, reviewer, reports):
    fulltext_mark_not_retrieved(
        user=reviewer, review=review, record_id=reports[0].pk, note="asked the authors"
    )
    full_text = upload(reviewer, review, reports[0])
    assert (full_text.not_retrieved, full_text.note) == (False, "")
    assert reports[0] in selectors.screening_units(review, FT)


# --- nothing half-saved ----------------------------------------------------------------------


def test_no_file_is_left_when_the_database_write_fails(
    review, reviewer, reports, media, monkeypatch
):
    def fail(**kwargs):
        raise IntegrityError("synthetic failure")

    monkeypatch.setattr("screening.fulltext.audit_record", fail)
    with pytest.raises(IntegrityError):
        upload(reviewer, review, reports[0])
    assert not FullText.objects.exists()
    assert stored_files(media) == []


def test_a_failed_replacement_keeps_the_old_pdf(review, reviewer, reports, media, monkeypatch):
    first = upload(reviewer, review, reports[0], pdf_upload("v1.pdf"))

    def fail(**kwargs):
        raise IntegrityError("synthetic failure")

    monkeypatch.setattr("screening.fulltext.audit_record", fail)
    with pytest.raises(IntegrityError):
        upload(reviewer, review, reports[0], pdf_upload("v2.pdf"))
    stored = FullText.objects.get()
    assert (stored.file.name, stored.original_name) == (first.file.name, "v1.pdf")
    assert stored_files(media) == [first.file.name]


# --- not retrieved -------------------------------------------------------------------------------


def test_marking_not_retrieved_takes_the_report_out_of_full_text_screening(
    review, reviewer, reports
):
    full_text = fulltext_mark_not_retrieved(
        user=reviewer, review=review, record_id=reports[0].pk, note="  Interlibrary loan failed "
    )
    assert (full_text.not_retrieved, full_text.note, full_text.file.name) == (
        True,
        "Interlibrary loan failed",
        "",
    )
    assert list(selectors.screening_units(review, FT)) == [reports[1]]
    assert list(selectors.reports_sought(review)) == reports
    assert list(selectors.not_retrieved(review)) == [reports[0]]
    message = refused(
        lambda: decision_record(
            reviewer=reviewer, review=review, record_id=reports[0].pk, stage=FT, decision="include"
        )
    )
    assert "is not screened at this stage" in message
    event = events(review, "screening.fulltext_not_retrieved").get()
    assert event.changes == {
        "record": [None, reports[0].pk],
        "not_retrieved": [False, True],
        "note": ["", "Interlibrary loan failed"],
    }


def test_marking_not_retrieved_twice_changes_nothing(review, reviewer, reports):
    for _ in range(2):
        fulltext_mark_not_retrieved(user=reviewer, review=review, record_id=reports[0].pk)
    assert events(review, "screening.fulltext_not_retrieved").count() == 1


def test_marking_not_retrieved_removes_the_pdf_after_commit(
    review, reviewer, reports, media, django_capture_on_commit_callbacks
):
    upload(reviewer, review, reports[0])
    with django_capture_on_commit_callbacks(execute=True):
        full_text = fulltext_mark_not_retrieved(
            user=reviewer, review=review, record_id=reports[0].pk
        )
    assert (full_text.file.name, full_text.original_name, full_text.pages) == ("", "", None)
    assert stored_files(media) == []


def test_a_report_with_full_text_decisions_cannot_be_marked_not_retrieved(
    review, lead, reviewer, reports
):
    upload(reviewer, review, reports[0])
    decision_record(
        reviewer=lead,
        review=review,
        record_id=reports[0].pk,
        stage=FT,
        decision="exclude",
        reason="Wrong population",
    )
    message = refused(
        lambda: fulltext_mark_not_retrieved(user=reviewer, review=review, record_id=reports[0].pk)
    )
    assert message == (
        f"Record {reports[0].pk} already has full-text decisions, so its report was assessed: "
        "withdraw the decisions first to mark it not retrieved."
    )
    stored = FullText.objects.get()
    assert (stored.not_retrieved, bool(stored.file)) == (False, True)
    assert not events(review, "screening.fulltext_not_retrieved").exists()


# --- removing ------------------------------------------------------------------------------------


def test_removing_goes_back_to_nothing_yet(
    review, reviewer, reports, media, django_capture_on_commit_callbacks
):
    upload(reviewer, review, reports[0], pdf_upload("a.pdf"))
    with django_capture_on_commit_callbacks(execute=True):
        fulltext_remove(user=reviewer, review=review, record_id=reports[0].pk)
    assert not FullText.objects.exists()
    assert stored_files(media) == []
    event = events(review, "screening.fulltext_removed").get()
    assert event.changes["record"] == [reports[0].pk, None]
    assert event.changes["original_name"] == ["a.pdf", None]


def test_removing_a_not_retrieved_mark_brings_the_report_back(review, reviewer, reports):
    fulltext_mark_not_retrieved(user=reviewer, review=review, record_id=reports[0].pk)
    fulltext_remove(user=reviewer, review=review, record_id=reports[0].pk)
    assert list(selectors.screening_units(review, FT)) == reports


def test_removing_nothing_changes_nothing(review, reviewer, reports):
    fulltext_remove(user=reviewer, review=review, record_id=reports[0].pk)
    assert not events(review, "screening.fulltext_removed").exists()


def test_deleting_the_review_deletes_its_pdfs(
    review, lead, reviewer, reports, media, django_capture_on_commit_callbacks
):
    upload(reviewer, review, reports[0])
    upload(reviewer, review, reports[1])
    assert len(stored_files(media)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        review_delete(user=lead, review=review)
    assert stored_files(media) == []
