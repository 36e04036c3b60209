"""Importing search exports: stage (save, detect, preview), start, run (all or nothing).

A file is first *staged*: saved, hashed, its format and encoding detected and its first
records shown for confirmation. Nothing is added to the review until the whole file has
been read without an unusable record; then every record is added in one transaction. A
refusal names every unusable record; the user may choose to skip them (import_rejects).
Nothing of the file is dropped without a word: what the readers skip (text between records,
elements that are not records) is kept on the import, with its lines, and shown.
"""

import dataclasses
import hashlib
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from reviews.audit import audit_record
from reviews.import_rejects import ImportRefused, RecordsRefused
from reviews.importers.base import ImportFailure, ParsedRecord, Rejected, Skipped
from reviews.importers.csv_exports import header_key, header_of
from reviews.importers.decoding import (
    MIXED,
    check_encoding,
    codec_of,
    decoding_note,
    detect_encoding,
    mostly_utf8,
    numbered_lines,
    read_head,
    undecodable_lines,
)
from reviews.importers.formats import detect_format, format_named
from reviews.importers.limits import shorten
from reviews.jobs import job_create, job_execute, job_progress, job_start
from reviews.models import Job, Record, Review, SearchImport
from reviews.record_writer import write_records
from reviews.signals import records_imported

BATCH_SIZE = 2000
PREVIEW_RECORDS = 5
# Skipped parts of a file are all counted, and the first ones listed with their lines.
SKIPPED_LISTED = 1000
# A record's warnings, kept in English as the keys of SearchImport.warnings (the API's too);
# pages translate them (reviews.templatetags.imports_text).
NO_ABSTRACT = gettext_noop("no abstract")
NO_DOI = gettext_noop("no DOI")
NO_AUTHORS = gettext_noop("no authors")
NO_YEAR = gettext_noop("no year")
NUL_REMOVED = gettext_noop("NUL characters removed")
_PARSED_FIELDS = tuple(
    f.name for f in dataclasses.fields(ParsedRecord) if f.name not in ("line", "warnings")
)


def _failure(file_name: str, failure: ImportFailure) -> ImportRefused:
    return ImportRefused(f"{file_name}: {failure}")


def _records(search_import: SearchImport) -> Iterator[ParsedRecord | Skipped]:
    reader = format_named(search_import.format)
    path = Path(search_import.file.path)
    if getattr(reader, "XML", False):
        return reader.parse(path)
    lines = numbered_lines(path, search_import.encoding, lenient=search_import.encoding_forced)
    if search_import.column_mapping:
        return reader.parse(lines, mapping=search_import.column_mapping)
    return reader.parse(lines)


def _detect(path: Path, *, format_name: str, encoding: str) -> tuple[ModuleType, str]:
    head = read_head(path)
    forced = bool(encoding)
    encoding = check_encoding(encoding) if forced else detect_encoding(head)
    if not forced and encoding != "utf-8" and mostly_utf8(head):
        encoding = MIXED  # charset guessers take such a file for a single-byte code page
    if format_name:
        reader = format_named(format_name)
    else:
        try:
            text = head.decode(codec_of(encoding), errors="ignore")
        except LookupError:
            raise ImportFailure(
                _("“%(encoding)s” is not an encoding Python knows") % {"encoding": encoding}
            ) from None
        reader = detect_format(text)
    if encoding == MIXED and getattr(reader, "XML", False):
        encoding = detect_encoding(head)  # an XML file says its own encoding
    return reader, encoding


def _save_upload(upload: File, search_import: SearchImport) -> None:
    digest = hashlib.sha256()
    size = 0
    for chunk in upload.chunks():
        digest.update(chunk)
        size += len(chunk)
    if size > settings.MAX_UPLOAD_SIZE:
        raise ImportFailure(
            _("the file is %(size)s MB; the limit is %(limit)s MB (setting MAX_UPLOAD_MB)")
            % {
                "size": f"{size / 1048576:.1f}",
                "limit": f"{settings.MAX_UPLOAD_SIZE / 1048576:.0f}",
            }
        )
    search_import.file_sha256 = digest.hexdigest()
    search_import.file_size = size
    upload.seek(0)
    search_import.file.save(Path(upload.name).name, upload, save=False)


def _preview(
    search_import: SearchImport, reader: ModuleType, *, guess_rest: bool = False
) -> dict[str, Any]:
    """The first records as they will be imported; for CSV read through a column mapping,
    also the file's columns and the mapping, which the user may correct before importing.
    ``guess_rest``: fields the given mapping leaves out are guessed from the header (a
    script's --map names the columns it knows)."""
    preview: dict[str, Any] = {}
    if hasattr(reader, "guess_mapping"):
        head = read_head(Path(search_import.file.path)).decode(
            codec_of(search_import.encoding), "ignore"
        )
        columns = header_of(head)
        given = search_import.column_mapping
        if not given or guess_rest:
            guessed = reader.guess_mapping(columns)
            used = {header_key(column) for column in given.values()}
            merged = {
                **{f: c for f, c in guessed.items() if f not in given and c not in used},
                **given,
            }
            search_import.column_mapping = {f: merged[f] for f in reader.FIELDS if f in merged}
            search_import.column_mapping.update(merged)  # unknown fields too, to be refused
        preview = {"columns": columns, "mapping": search_import.column_mapping}
    records: list[ParsedRecord] = []
    skipped: list[dict[str, Any]] = []
    try:
        for item in _records(search_import):
            if isinstance(item, Rejected):
                continue  # named, with all the others, if the import is refused
            if not isinstance(item, Skipped):
                records.append(item)
                if len(records) == PREVIEW_RECORDS:
                    break
            elif len(skipped) < SKIPPED_LISTED:
                skipped.append(_skipped_entry(item, after_record=len(records)))
    except ImportFailure as failure:
        if "columns" not in preview:
            raise
        return {**preview, "records": [], "problem": str(failure)}
    if not records:
        raise ImportFailure(_no_records(search_import))
    preview["records"] = [_shown(r) for r in records]
    preview["skipped"] = skipped
    return preview


def _no_records(search_import: SearchImport) -> str:
    return _("no records were found in this %(format)s file") % {"format": search_import.format}


def _shown(record: ParsedRecord) -> dict[str, Any]:
    """A record as the preview shows it: as it will be imported, with what was wrong."""
    warnings = _tidy(record)
    return {
        "title": record.title,
        "authors": record.authors[:6],
        "year": record.year,
        "journal": record.journal,
        "doi": record.doi,
        "line": record.line,
        "warnings": warnings,
    }


def _skipped_entry(item: Skipped, *, after_record: int) -> dict[str, Any]:
    return {**dataclasses.asdict(item), "after_record": after_record}


def import_stage(
    *,
    user: User,
    review: Review,
    upload: File,
    database: str,
    interface: str = "",
    search_date: date | None = None,
    search_string: str = "",
    format_name: str = "",
    encoding: str = "",
    column_mapping: dict[str, str] | None = None,
    skip_invalid: bool = False,
) -> SearchImport:
    """Save an uploaded export and read enough of it to show what it holds.

    Raises ImportRefused (and keeps nothing) for empty, binary, undecodable or unrecognised
    files.
    """
    file_name = Path(upload.name or "upload").name
    search_import = SearchImport(
        review=review,
        database=database,
        interface=interface,
        search_date=search_date,
        search_string=search_string,
        file_name=file_name,
        uploaded_by=user,
        format_forced=bool(format_name),
        encoding_forced=bool(encoding),
        column_mapping=column_mapping or {},
        skip_invalid=skip_invalid,
    )
    try:
        _save_upload(upload, search_import)
        path = Path(search_import.file.path)
        reader, search_import.encoding = _detect(path, format_name=format_name, encoding=encoding)
        search_import.format = reader.NAME
        decoding = None
        if not getattr(reader, "XML", False):
            search_import.encoding, decoding = _line_encoding(
                path, search_import.encoding, forced=bool(encoding)
            )
        search_import.preview = _preview(search_import, reader, guess_rest=True)
        if decoding:
            search_import.preview["decoding"] = decoding
    except ImportFailure as failure:
        if search_import.file:
            search_import.file.delete(save=False)
        raise _failure(file_name, failure) from None
    search_import.duplicate_of = _same_file_before(search_import)
    search_import.full_clean(exclude=["file", "job"])
    search_import.save()
    return search_import


def _line_encoding(path: Path, encoding: str, *, forced: bool) -> tuple[str, dict[str, Any] | None]:
    """The encoding to read the file in, and what to tell the user about lines that do not
    decode in it: a detected UTF-8 file with stray lines is read as MIXED; a chosen encoding
    is kept, its undecodable lines read leniently and listed."""
    if not forced and encoding not in ("utf-8", MIXED):
        return encoding, None
    bad = undecodable_lines(path, encoding)
    if not bad:
        return encoding, None
    if not forced:
        encoding = MIXED
    return encoding, {
        "note": decoding_note(encoding, bad),
        "count": len(bad),
        "lines": bad[:SKIPPED_LISTED],
    }


def import_start(
    *, user: User, search_import: SearchImport, confirm_duplicate: bool = False
) -> Job:
    """Queue a staged import; a file already imported into the review needs confirmation."""
    with transaction.atomic():
        search_import = _confirm(search_import, confirm_duplicate)
        job = job_start(
            kind="import",
            review=search_import.review,
            user=user,
            params={"search_import": search_import.pk, "language": translation.get_language()},
        )
        search_import.job = job
        search_import.save(update_fields=["job"])
    return job


def _confirm(search_import: SearchImport, confirm_duplicate: bool) -> SearchImport:
    """The staged import, locked, once it may be started. The review's imports are locked
    first, so that checking for the same file and claiming this one are one step."""
    _lock_review_imports(search_import.review_id)
    search_import = (
        SearchImport.objects.select_for_update().select_related("review").get(pk=search_import.pk)
    )
    if search_import.job_id is not None:
        raise ValidationError(
            _("%(file)s is %(status)s, not waiting for confirmation.")
            % {
                "file": search_import.file_name,
                "status": search_import.get_status_display().lower(),
            }
        )
    if search_import.preview.get("problem"):
        raise ValidationError(
            _("%(file)s: %(problem)s. Correct the column mapping first.")
            % {"file": search_import.file_name, "problem": search_import.preview["problem"]}
        )
    _refuse_unconfirmed_duplicate(search_import, confirm_duplicate)
    return search_import


def import_discard(*, user: User, search_import: SearchImport) -> None:
    """Throw away a staged upload that was never confirmed (nothing of it was imported)."""
    with transaction.atomic():
        search_import = (
            # of=self: PostgreSQL cannot lock the nullable side of the outer join to the job.
            SearchImport.objects.select_for_update(of=("self",))
            .select_related("job")
            .get(pk=search_import.pk)
        )
        if search_import.job_id is not None:
            raise ValidationError(
                _(
                    "%(file)s is %(status)s; only an upload waiting for confirmation can be "
                    "discarded."
                )
                % {
                    "file": search_import.file_name,
                    "status": search_import.get_status_display().lower(),
                }
            )
        stored = search_import.file.name
        search_import.delete()
        # The file goes only once the row is gone for good.
        transaction.on_commit(lambda: search_import.file.storage.delete(stored))


def import_remap(*, search_import: SearchImport, mapping: dict[str, str]) -> SearchImport:
    """Read a staged CSV again through the columns the user chose."""
    if search_import.job_id is not None:
        raise ValidationError(
            _("%(file)s is no longer waiting for confirmation.") % {"file": search_import.file_name}
        )
    search_import.column_mapping = {field: column for field, column in mapping.items() if column}
    decoding = search_import.preview.get("decoding")
    try:
        search_import.preview = _preview(search_import, format_named(search_import.format))
        if decoding:
            search_import.preview["decoding"] = decoding
    except ImportFailure as failure:
        raise _failure(search_import.file_name, failure) from None
    search_import.save(update_fields=["column_mapping", "preview"])
    return search_import


def _lock_review_imports(review_id: int) -> None:
    """Hold the review's row until the transaction ends, so that checking for the same file
    and claiming an import are one step: of two uploads of one file started together, the
    second is checked only once the first is queued, and so is refused as a duplicate.
    (Staged rows cannot be the check's witness: an upload never confirmed must not block.)"""
    # NO KEY: the lock conflicts with itself, not with rows elsewhere that point at the review.
    Review.objects.select_for_update(no_key=True).filter(pk=review_id).exists()


def _same_file_before(search_import: SearchImport) -> SearchImport | None:
    """An import of the same file into the same review that is done or on its way."""
    return (
        SearchImport.objects.filter(
            review_id=search_import.review_id,
            file_sha256=search_import.file_sha256,
            job__status__in=[Job.Status.QUEUED, Job.Status.RUNNING, Job.Status.SUCCEEDED],
        )
        .exclude(pk=search_import.pk)
        .order_by("pk")
        .first()
    )


def _refuse_unconfirmed_duplicate(search_import: SearchImport, confirmed: bool) -> None:
    # Checked again at confirmation: the same file may have been started meanwhile, by
    # another member or from another row of the same upload.
    earlier = _same_file_before(search_import)
    if earlier is not None and not confirmed:
        raise ValidationError(
            _(
                "%(file)s is the same file (SHA-256 %(sha)s…) as import #%(pk)s, “%(earlier)s”, "
                "imported on %(date)s. Importing it again would add every record twice; "
                "confirm if you really mean to."
            )
            % {
                "file": search_import.file_name,
                "sha": search_import.file_sha256[:12],
                "pk": earlier.pk,
                "earlier": earlier.file_name,
                "date": f"{earlier.created_at:%Y-%m-%d}",
            }
        )


def _tidy(parsed: ParsedRecord) -> list[str]:
    """Make a record storable (no NUL, no field over its limit); what was wrong with it."""
    problems = list(parsed.warnings)
    for name in _PARSED_FIELDS:
        value = getattr(parsed, name)
        if isinstance(value, str) and "\x00" in value:
            # No database stores NUL in text; it is never part of a real field.
            setattr(parsed, name, value.replace("\x00", ""))
            problems.append(NUL_REMOVED)
    return problems + shorten(parsed)


def _unusable(parsed: ParsedRecord | Rejected) -> str:
    """Why a record cannot be imported, or ""."""
    if isinstance(parsed, Rejected):
        return parsed.message
    return "" if parsed.title else _("no title")


def _check(parsed: ParsedRecord) -> list[str]:
    """The minor gaps of a usable record."""
    gaps = []
    if not parsed.abstract:
        gaps.append(NO_ABSTRACT)
    if not parsed.doi:
        gaps.append(NO_DOI)
    if not parsed.authors:
        gaps.append(NO_AUTHORS)
    if parsed.year is None:
        gaps.append(NO_YEAR)
    return gaps + _tidy(parsed)


def _to_model(parsed: ParsedRecord, search_import: SearchImport, index: int) -> Record:
    # The parsed values themselves, not asdict()'s deep copies: the ParsedRecord is dropped
    # right after, and deep-copying every author and keyword list was slow on large files.
    values = {name: getattr(parsed, name) for name in _PARSED_FIELDS}
    return Record(
        review_id=search_import.review_id,
        search_import=search_import,
        source_index=index,
        source_line=parsed.line,
        **values,
    )


def import_job(job: Job) -> dict[str, Any]:
    """The "import" job: read the whole file and add its records in one transaction, all of
    them or none. Raises ImportRefused, naming the file, record and line, on an unusable
    record (the job fails with that message and nothing is added).

    Every unusable record is named at once: they are kept on the import (``rejected``) and
    the refusal lists them; with ``skip_invalid`` the valid records are imported instead.

    Safe to run again after a worker died: the import row is locked and the records are
    written in the transaction that completes it, so a second run finds it complete.
    """
    try:
        # A refusal is stored on the job and read by the member who started it: in their
        # language, noted when they started it (none from the command line: English).
        with translation.override(job.params.get("language")):
            return _import_job(job)
    except RecordsRefused as refusal:
        # Kept outside the rolled-back transaction: the list is what the user acts on.
        SearchImport.objects.filter(pk=job.params["search_import"]).update(
            rejected=refusal.rejected, rejected_count=len(refusal.rejected)
        )
        raise


def _import_job(job: Job) -> dict[str, Any]:
    with transaction.atomic():
        search_import = (
            SearchImport.objects.select_for_update(of=("self",))
            .select_related("review", "uploaded_by")
            .get(pk=job.params["search_import"])
        )
        if not search_import.records.exists():
            try:
                count, kinds = _insert_all(
                    search_import, lambda percent: job_progress(job.pk, percent)
                )
            except ImportFailure as failure:
                raise _failure(search_import.file_name, failure) from None
            _complete(search_import, count, kinds)
    return {"import": search_import.pk, "records": search_import.record_count}


def _insert_all(
    search_import: SearchImport, on_progress: Callable[[int], None]
) -> tuple[int, int, Counter]:
    """Add every record and note on `search_import` what was skipped; return the number of
    records, of records with warnings, and the warnings counted by kind."""
    kinds: Counter[frozenset[str]] = Counter()  # records by the set of their warnings
    batch: list[Record] = []
    count = 0  # records found, usable or not: a record's position in the file
    rejected: list[dict[str, Any]] = []
    search_import.skipped_count, search_import.skipped = 0, []
    total_lines = _count_lines(Path(search_import.file.path))
    for parsed in _records(search_import):
        if isinstance(parsed, Skipped):  # not a record: said where, and read on
            search_import.skipped_count += 1
            if len(search_import.skipped) < SKIPPED_LISTED:
                search_import.skipped.append(_skipped_entry(parsed, after_record=count))
            continue
        count += 1
        problem = _unusable(parsed)
        if problem:
            rejected.append({"record": count, "line": parsed.line, "message": problem})
            continue
        if rejected and not search_import.skip_invalid:
            continue  # refused in the end: only read on, to name every unusable record
        assert isinstance(parsed, ParsedRecord)
        record_gaps = _check(parsed)
        if record_gaps:
            kinds[frozenset(record_gaps)] += 1
        batch.append(_to_model(parsed, search_import, count))
        if len(batch) >= BATCH_SIZE:
            write_records(batch)
            batch.clear()
            on_progress(min(99, 100 * parsed.line // max(total_lines, 1)))
    if count == 0:
        raise ImportFailure(_no_records(search_import))
    if rejected and (not search_import.skip_invalid or len(rejected) == count):
        raise RecordsRefused(search_import.file_name, rejected, count)
    if batch:
        write_records(batch)
    search_import.rejected, search_import.rejected_count = rejected, len(rejected)
    return count - len(rejected), kinds


def _count_lines(path: Path) -> int:
    """Lines in the file, for the progress bar (\r-only files count their \r)."""
    newlines = returns = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            newlines += chunk.count(b"\n")
            returns += chunk.count(b"\r")
    return max(newlines, returns, 1)


def _complete(search_import: SearchImport, count: int, kinds: Counter[frozenset[str]]) -> None:
    """Note the counts. A warning every record has (a file without an abstract column) says
    something about the file, not a record: it is kept in `warnings` but a record is counted
    as warned only for warnings that not every record has."""
    gaps: Counter[str] = Counter()
    for record_kinds, n in kinds.items():
        gaps.update(dict.fromkeys(record_kinds, n))
    everywhere = {kind for kind, n in gaps.items() if n == count}
    search_import.record_count = count
    search_import.warning_count = sum(n for k, n in kinds.items() if k - everywhere)
    # Most frequent first, ties by name: the same file always gives the same order.
    search_import.warnings = dict(sorted(gaps.items(), key=lambda item: (-item[1], item[0])))
    search_import.save(
        update_fields=[
            "record_count",
            "warning_count",
            "warnings",
            "skipped_count",
            "skipped",
            "rejected",
            "rejected_count",
        ]
    )
    audit_record(
        actor=search_import.uploaded_by,
        review=search_import.review,
        action="import.completed",
        obj=search_import,
        changes={
            "records": [None, count],
            "skipped": [None, search_import.skipped_count],
            "records_skipped_as_unusable": [None, search_import.rejected_count],
            "database": [None, search_import.database],
            "format": [None, search_import.format],
            "encoding": [None, search_import.encoding],
            "sha256": [None, search_import.file_sha256],
        },
    )
    records_imported.send(sender=SearchImport, search_import=search_import)


def import_file(
    *, user: User, review: Review, confirm_duplicate: bool = False, **stage_args
) -> SearchImport:
    """Stage and run an import in this process (the CLI, and small uploads through the API)."""
    search_import = import_stage(user=user, review=review, **stage_args)
    try:
        with transaction.atomic():
            search_import = _confirm(search_import, confirm_duplicate)
            search_import.job = job_create(
                kind="import",
                review=review,
                user=user,
                params={"search_import": search_import.pk, "language": translation.get_language()},
            )
            search_import.save(update_fields=["job"])
    except ValidationError:
        search_import.file.delete(save=False)
        search_import.delete()
        raise
    job_execute(search_import.job.pk, reraise=True)
    return SearchImport.objects.select_related("job", "review", "uploaded_by").get(
        pk=search_import.pk
    )
