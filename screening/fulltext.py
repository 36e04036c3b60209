"""Full texts for full-text screening: a PDF per report sought, or a mark that it could not be
retrieved (PRISMA's "reports not retrieved"). Every change is atomic and audited.

Files in storage follow the database: a stored PDF whose row is not saved is deleted at once,
and a replaced or removed one only after the change commits, so a rollback never leaves a row
pointing at a missing file.
"""

import hashlib
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError

from reviews.audit import audit_record, field_changes
from reviews.models import Record, Review
from screening.access import report_of
from screening.models import Decision, FullText, Stage

PDF_SIGNATURE = b"%PDF-"
STATE_FIELDS = ("original_name", "size", "sha256", "pages", "not_retrieved", "note")


def _megabytes(size: int) -> str:
    return _("%(size)s MB") % {"size": f"{size / 1048576:.1f}"}


def _page_count(upload: UploadedFile) -> int:
    """Check the upload is a readable PDF, and count its pages."""
    name = upload.name
    limit = settings.FULLTEXT_MAX_SIZE
    if upload.size > limit:
        raise ValidationError(
            {
                "file": _(
                    "%(name)s: %(size)s is over the %(limit)s MB limit for a full text "
                    "(setting FULLTEXT_MAX_MB)."
                )
                % {"name": name, "size": _megabytes(upload.size), "limit": f"{limit / 1048576:g}"}
            }
        )
    upload.seek(0)
    head = upload.read(8)
    if not head:
        raise ValidationError({"file": _("%(name)s: the file is empty.") % {"name": name}})
    if not head.startswith(PDF_SIGNATURE):
        shown = "".join(chr(byte) if 32 <= byte < 127 else f"\\x{byte:02x}" for byte in head)
        raise ValidationError(
            {
                "file": _(
                    "%(name)s: not a PDF (it starts with “%(start)s”; a PDF starts with “%%PDF-”)."
                )
                % {"name": name, "start": shown}
            }
        )
    upload.seek(0)
    try:
        # An encrypted PDF with an empty user password (publishers' copy protection) opens.
        pages = len(PdfReader(upload).pages)
    except (FileNotDecryptedError, DependencyError):
        raise ValidationError(
            {
                "file": _(
                    "%(name)s: the PDF is encrypted and its pages cannot be read without the "
                    "password; upload a copy without password protection."
                )
                % {"name": name}
            }
        ) from None
    except Exception:
        # pypdf's lenient parser fails in many different ways on a damaged file; whichever it
        # is, the reviewers could not read it either.
        raise ValidationError(
            {
                "file": _("%(name)s: the PDF is damaged or incomplete and cannot be read.")
                % {"name": name}
            }
        ) from None
    if pages == 0:
        raise ValidationError({"file": _("%(name)s: the PDF has no pages.") % {"name": name}})
    return pages


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def _locked(review: Review, record: Record) -> FullText:
    # Lock the record itself (its full text may not exist yet), so two requests for the same
    # report take turns, and a decision (which locks it too) cannot slip in between the check
    # for decisions and the "not retrieved" mark.
    Record.objects.select_for_update().filter(pk=record.pk).first()
    found = FullText.objects.filter(record=record).first()
    return found or FullText(review=review, record=record)


def _state(full_text: FullText) -> dict[str, Any]:
    return {field: getattr(full_text, field) for field in STATE_FIELDS}


def _delete_after_commit(full_text: FullText, name: str) -> None:
    if name:
        transaction.on_commit(partial(full_text.file.storage.delete, name))


def _audit(user: User, review: Review, full_text: FullText, action: str, before: dict) -> None:
    audit_record(
        actor=user,
        review=review,
        action=action,
        obj=full_text,
        changes={"record": [None, full_text.record_id], **field_changes(before, _state(full_text))},
    )


def fulltext_upload(
    *, user: User, review: Review, record_id: int, upload: UploadedFile
) -> FullText:
    """Store a report's PDF, replacing any earlier one and clearing a "not retrieved" mark."""
    record = report_of(review, record_id)
    pages = _page_count(upload)
    sha256 = _sha256(upload)
    # Stored before the transaction so the database lock is not held while a large file is
    # written; the storage picks a fresh name when a previous PDF still has the usual one.
    field = FullText._meta.get_field("file")
    stored = field.storage.save(
        field.generate_filename(FullText(review=review, record=record), upload.name),
        upload,
        max_length=field.max_length,
    )
    try:
        with transaction.atomic():
            full_text = _locked(review, record)
            before, replaced = _state(full_text), full_text.file.name
            full_text.file = stored
            full_text.original_name = upload.name[:255]
            full_text.size = upload.size
            full_text.sha256 = sha256
            full_text.pages = pages
            full_text.not_retrieved = False
            full_text.note = ""
            full_text.updated_by = user
            full_text.save()
            _audit(user, review, full_text, "screening.fulltext_uploaded", before)
            _delete_after_commit(full_text, replaced)
    except Exception:
        field.storage.delete(stored)
        raise
    return full_text


def fulltext_mark_not_retrieved(
    *, user: User, review: Review, record_id: int, note: str = ""
) -> FullText:
    """Mark a report as not retrieved: it leaves full-text screening and counts in PRISMA.

    Refused once reviewers have made full-text decisions on it (the report was assessed).
    """
    record = report_of(review, record_id)
    note = note.strip()
    with transaction.atomic():
        full_text = _locked(review, record)
        if Decision.objects.filter(record=record, stage=Stage.FULL_TEXT).exists():
            raise ValidationError(
                {
                    "record": _(
                        "Record %(id)s already has full-text decisions, so its report was "
                        "assessed: withdraw the decisions first to mark it not retrieved."
                    )
                    % {"id": record.pk}
                }
            )
        if full_text.not_retrieved and full_text.note == note:
            return full_text
        before, removed = _state(full_text), full_text.file.name
        full_text.file = ""
        full_text.original_name = ""
        full_text.size = 0
        full_text.sha256 = ""
        full_text.pages = None
        full_text.not_retrieved = True
        full_text.note = note
        full_text.updated_by = user
        full_text.save()
        _audit(user, review, full_text, "screening.fulltext_not_retrieved", before)
        _delete_after_commit(full_text, removed)
    return full_text


def fulltext_remove(*, user: User, review: Review, record_id: int) -> None:
    """Back to "no full text yet": remove the PDF or the "not retrieved" mark."""
    with transaction.atomic():
        Record.objects.select_for_update().filter(pk=record_id, review=review).first()
        full_text = FullText.objects.filter(review=review, record_id=record_id).first()
        if full_text is None:
            return
        audit_record(
            actor=user,
            review=review,
            action="screening.fulltext_removed",
            obj=full_text,
            changes={
                "record": [record_id, None],
                **{field: [value, None] for field, value in _state(full_text).items() if value},
            },
        )
        full_text.delete()  # its PDF goes when this commits (receivers.delete_the_pdf)
