"""Import services: staging, confirmation, the all-or-nothing run and PRISMA provenance."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from reviews.importers.limits import FIELD_LIMITS, LIST_LIMITS
from reviews.imports import ImportRefused, import_file, import_job, import_stage, import_start
from reviews.jobs import job_execute
from reviews.models import AuditEvent, Job, Record, SearchImport
from reviews.selectors import imported_counts, review_records

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
NBIB = FIXTURES / "pubmed_medline" / "mrhelper_demo_pubmed_202101.nbib"
EMBASE = FIXTURES / "ris" / "asreview_embase.ris"


def upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes())


def text_file(name: str, text: str, encoding: str = "utf-8") -> ContentFile:
    return ContentFile(text.encode(encoding), name=name)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_stage_detects_format_and_previews_without_adding_records(review, lead):
    staged = import_stage(user=lead, review=review, upload=upload(NBIB), database="pubmed")
    assert staged.status == "staged"
    assert (staged.format, staged.encoding) == ("medline", "utf-8")
    assert staged.file_size == NBIB.stat().st_size
    assert len(staged.file_sha256) == 64
    first = staged.preview["records"][0]
    assert first["title"] == "Switching of Hormone Therapies in Breast Cancer Women."
    assert first["year"] == 2021
    assert first["line"] == 1
    assert len(staged.preview["records"]) == 5
    assert not Record.objects.exists()


def test_import_file_adds_every_record_with_provenance(review, lead):
    done = import_file(
        user=lead,
        review=review,
        upload=upload(EMBASE),
        database="embase",
        interface="Embase.com",
        search_string="'acne scar'/exp AND 'fat graft'",
    )
    assert done.status == "complete"
    assert (done.record_count, done.format, done.encoding) == (6, "ris", "utf-8-sig")
    records = list(review_records(review))
    assert [r.source_index for r in records] == [1, 2, 3, 4, 5, 6]
    first = records[0]
    assert first.title.startswith("Duplication cysts: Diagnosis, management")
    assert first.authors == ["Liu R.", "Adler D.G."]
    assert first.doi == "10.4103/2303-9027.138783"
    assert first.other_ids["embase"] == "L373791783"
    assert first.raw.splitlines()[0] == "TY  - JOUR"  # the BOM is the encoding's, not the record's
    assert first.raw.splitlines()[-1].startswith("ER  -")
    assert imported_counts(review) == {"Embase": 6}
    event = AuditEvent.objects.get(action="import.completed")
    assert event.changes["records"] == [None, 6]
    assert event.actor == lead


def test_records_with_minor_gaps_import_with_warning_count(review, lead):
    text = (
        "TY  - JOUR\nTI  - A trial with everything\nAU  - Doe, J\nPY  - 2020\n"
        "AB  - Abstract.\nDO  - 10.1000/full\nER  - \n"
        "TY  - JOUR\nTI  - A trial with no abstract and no DOI\nAU  - Roe, R\nPY  - 2019\nER  - \n"
    )
    done = import_file(
        user=lead, review=review, upload=text_file("gaps.ris", text), database="other"
    )
    assert done.record_count == 2
    assert done.warning_count == 1
    assert done.warnings == {"no abstract": 1, "no DOI": 1}


def test_record_without_title_fails_whole_import_naming_record_and_line(review, lead):
    text = (
        "TY  - JOUR\nTI  - Fine\nER  - \n"
        "TY  - JOUR\nAU  - Nobody, N\nPY  - 2020\nER  - \n"
        "TY  - JOUR\nTI  - Never reached\nER  - \n"
    )
    with pytest.raises(ImportRefused) as excinfo:
        import_file(user=lead, review=review, upload=text_file("bad.ris", text), database="other")
    assert excinfo.value.message.startswith("bad.ris: record 2 (line 4): no title. ")
    assert not Record.objects.exists()
    failed = SearchImport.objects.get()
    assert failed.status == "failed"
    assert failed.error == excinfo.value.message
    assert imported_counts(review) == {}


def test_failure_late_in_a_large_file_rolls_back_earlier_batches(review, lead, monkeypatch):
    import reviews.imports

    monkeypatch.setattr(reviews.imports, "BATCH_SIZE", 10)
    good = "".join(f"TY  - JOUR\nTI  - Record {i}\nER  - \n" for i in range(1, 36))
    text = good + "TY  - JOUR\nPY  - 2001\nER  - \n"
    with pytest.raises(ImportRefused, match=r"record 36 \(line 106\): no title"):
        import_file(user=lead, review=review, upload=text_file("big.ris", text), database="other")
    assert Record.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.ris", b"", "empty.ris: the file is empty"),
        ("blank.ris", b"\n\n  \n", "blank.ris: the file is empty"),
        (
            "paper.pdf",
            b"%PDF-1.7\n%\xe2\xe3",
            "paper.pdf: this is a PDF document, not a search export",
        ),
        ("zipped.ris", b"PK\x03\x04\x14\x00", "zipped.ris: this is a ZIP archive"),
        (
            "data.bin",
            b"\x00\x01\x02\x03" * 300 + b"\xff" * 10,
            "data.bin: this looks like a binary",
        ),
        (
            "notes.txt",
            b"Dear colleague,\nhere are the results.\n",
            "notes.txt: the format was not recognised",
        ),
    ],
)
def test_unusable_files_are_refused_before_anything_is_saved(review, lead, name, content, message):
    with pytest.raises(ImportRefused) as excinfo:
        import_stage(
            user=lead, review=review, upload=ContentFile(content, name=name), database="other"
        )
    assert excinfo.value.message.startswith(message)
    assert not SearchImport.objects.exists()


def test_wrong_encoding_chosen_by_hand_is_accepted_naming_the_line(review, lead):
    # The user's choice stands (issue #19); every line it does not decode is named.
    text = "TY  - JOUR\nTI  - 针刺治疗痤疮瘢痕\nER  - \n"
    done = import_file(
        user=lead,
        review=review,
        upload=text_file("cnki.ris", text, "gb18030"),
        database="cnki",
        encoding="utf-8",
    )
    assert done.encoding == "utf-8"
    assert done.preview["decoding"]["note"] == (
        "1 line not valid utf-8 (line 2), read as Windows-1252."
    )


def test_gb18030_file_is_detected_and_read(review, lead):
    text = (
        "TY  - JOUR\nTI  - 自体脂肪移植治疗萎缩性痤疮瘢痕的临床研究\n"  # synthetic test record
        "AU  - 王伟\nPY  - 2019\nER  - \n"
    ) * 3
    done = import_file(
        user=lead, review=review, upload=text_file("wf.ris", text, "gb18030"), database="wanfang"
    )
    assert done.encoding == "gb18030"
    assert Record.objects.first().title == "自体脂肪移植治疗萎缩性痤疮瘢痕的临床研究"


def test_unknown_forced_format_or_encoding_is_refused(review, lead):
    with pytest.raises(ImportRefused, match="not a format Evident knows"):
        import_stage(
            user=lead, review=review, upload=upload(NBIB), database="pubmed", format_name="bibtex"
        )
    with pytest.raises(ImportRefused, match="not an encoding Python knows"):
        import_stage(
            user=lead, review=review, upload=upload(NBIB), database="pubmed", encoding="klingon"
        )


def test_same_file_twice_is_refused_unless_confirmed(review, lead):
    import_file(user=lead, review=review, upload=upload(NBIB), database="pubmed")
    with pytest.raises(ValidationError, match="same file") as excinfo:
        import_file(user=lead, review=review, upload=upload(NBIB), database="pubmed")
    assert "import #" in str(excinfo.value)
    assert Record.objects.count() == 10
    assert SearchImport.objects.count() == 1
    import_file(
        user=lead, review=review, upload=upload(NBIB), database="pubmed", confirm_duplicate=True
    )
    assert Record.objects.count() == 20


def test_upload_over_the_limit_is_refused(review, lead, settings):
    settings.MAX_UPLOAD_SIZE = 1000
    with pytest.raises(ImportRefused, match="the limit is 0 MB"):
        import_stage(user=lead, review=review, upload=upload(NBIB), database="pubmed")
    assert not SearchImport.objects.exists()


def test_start_queues_a_job_and_the_task_imports(review, lead, django_capture_on_commit_callbacks):
    staged = import_stage(user=lead, review=review, upload=upload(NBIB), database="pubmed")
    with django_capture_on_commit_callbacks(execute=True):
        job = import_start(user=lead, search_import=staged)
    job.refresh_from_db()
    staged.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.result == {"import": staged.pk, "records": 10}
    assert staged.status == "complete"


def test_failed_task_marks_job_failed_with_the_message(
    review, lead, django_capture_on_commit_callbacks
):
    text = "TY  - JOUR\nTI  - Fine\nER  - \nTY  - JOUR\nPY  - 2020\nER  - \n"
    staged = import_stage(
        user=lead, review=review, upload=text_file("x.ris", text), database="other"
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = import_start(user=lead, search_import=staged)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.message.startswith("x.ris: record 2 (line 4): no title. ")


def test_starting_twice_is_refused(review, lead, django_capture_on_commit_callbacks):
    staged = import_stage(user=lead, review=review, upload=upload(NBIB), database="pubmed")
    with django_capture_on_commit_callbacks(execute=True):
        import_start(user=lead, search_import=staged)
    with pytest.raises(ValidationError, match="not waiting for confirmation"):
        import_start(user=lead, search_import=staged)


def test_running_a_finished_import_again_changes_nothing(review, lead):
    done = import_file(user=lead, review=review, upload=upload(NBIB), database="pubmed")
    assert job_execute(done.job_id) is None  # a redelivered message: not queued any more
    # The sweeper runs an import again when its worker died; if the first run had committed
    # after all, the second finds the records there and writes nothing.
    assert import_job(done.job) == {"import": done.pk, "records": 10}
    assert Record.objects.count() == 10


def test_progress_is_reported_while_importing(review, lead, monkeypatch):
    import reviews.imports

    monkeypatch.setattr(reviews.imports, "BATCH_SIZE", 2)
    seen = []
    real_progress = reviews.imports.job_progress

    def progress(job_id, percent):
        seen.append(percent)
        real_progress(job_id, percent)

    monkeypatch.setattr(reviews.imports, "job_progress", progress)
    import_file(user=lead, review=review, upload=upload(NBIB), database="pubmed")
    assert seen == sorted(seen)
    assert 0 < seen[0] < seen[-1] < 100
    assert len(seen) == 5


def test_a_reader_bug_marks_the_import_failed_and_saves_nothing(review, lead, monkeypatch):
    from reviews.importers import medline

    staged = import_stage(user=lead, review=review, upload=upload(NBIB), database="pubmed")

    def broken(lines):
        yield from ()
        raise RuntimeError("reader bug")

    monkeypatch.setattr(medline, "parse", broken)
    with pytest.raises(RuntimeError):
        import_start(user=lead, search_import=staged)
        job_execute(SearchImport.objects.get(pk=staged.pk).job_id)
    staged = SearchImport.objects.select_related("job").get(pk=staged.pk)
    assert staged.status == "failed"
    assert staged.error.startswith("An internal error stopped this job")
    assert not Record.objects.exists()


def test_every_completed_import_starts_deduplication(
    review, lead, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        import_file(user=lead, review=review, upload=upload(NBIB), database="pubmed")
    run = review.dedup_runs.get()
    assert run.status == "complete"
    assert run.counts["records"] == 10


# --- nothing lost: records read despite damage, and what was skipped, said where -------------

BETWEEN = {"kind": "text", "message": "text between records", "line": 4, "end_line": 6}


def import_text(review, user, name: str, text: str) -> SearchImport:
    return import_file(user=user, review=review, upload=text_file(name, text), database="other")


def test_a_ris_record_without_its_ty_line_is_imported_with_a_warning(review, lead):
    text = (
        "TY  - JOUR\nTI  - first\nER  - \nTI  - second\nER  - \nTY  - JOUR\nTI  - third\nER  - \n"
    )
    done = import_text(review, lead, "noty.ris", text)

    assert done.record_count == 3
    assert [r.title for r in review_records(review)] == ["first", "second", "third"]
    assert done.warnings["no TY line (record type unknown)"] == 1
    assert (done.skipped_count, done.skipped) == (0, [])


def test_text_between_records_is_kept_on_the_import_as_skipped(review, lead):
    text = (
        "TY  - JOUR\nTI  - first\nER  - \n"
        "Notes someone typed\n\ninto the export\n"
        "TY  - JOUR\nTI  - second\nER  - \n"
    )
    done = import_text(review, lead, "notes.ris", text)

    assert done.record_count == 2
    assert done.skipped_count == 1
    assert done.skipped == [{**BETWEEN, "after_record": 1}]


def test_the_preview_lists_what_was_skipped_among_the_first_records(review, lead):
    text = (
        "TY  - JOUR\nTI  - first\nER  - \n"
        "Notes someone typed\n\ninto the export\n"
        "TI  - second\nER  - \n"
    )
    staged = import_stage(
        user=lead, review=review, upload=text_file("n.ris", text), database="other"
    )

    assert staged.preview["skipped"] == [{**BETWEEN, "after_record": 1}]
    assert [r["warnings"] for r in staged.preview["records"]] == [
        [],
        ["no TY line (record type unknown)"],
    ]


def test_only_the_first_skipped_items_are_listed_but_all_are_counted(review, lead, monkeypatch):
    import reviews.imports

    monkeypatch.setattr(reviews.imports, "SKIPPED_LISTED", 2)
    text = "".join(f"TY  - JOUR\nTI  - Record {i}\nER  - \nstray {i}\n" for i in range(1, 5))
    done = import_text(review, lead, "s.ris", text)

    assert done.record_count == 4
    assert done.skipped_count == 4
    assert [item["line"] for item in done.skipped] == [4, 8]


# --- nothing too long: every field is capped, the source keeps the whole --------------------


def test_a_1mb_title_is_shortened_with_a_warning_and_kept_whole_in_the_source(review, lead):
    title = " ".join(["Long"] * 200_000)
    text = f"TY  - JOUR\nTI  - {title}\nAU  - Doe, J\nER  - \n"

    done = import_text(review, lead, "long.ris", text)

    record = Record.objects.get()
    assert len(title) > 999_000
    assert record.title == title[: FIELD_LIMITS["title"]]
    assert done.warnings["title shortened"] == 1
    assert record.raw == text.removesuffix("\n")


def test_the_preview_shows_long_fields_as_they_will_be_imported(review, lead):
    title = "x" * 50_000
    staged = import_stage(
        user=lead,
        review=review,
        upload=text_file("long.ris", f"TY  - JOUR\nTI  - {title}\nER  - \n"),
        database="other",
    )

    [shown] = staged.preview["records"]
    assert shown["title"] == title[: FIELD_LIMITS["title"]]
    assert shown["warnings"] == ["title shortened"]


def test_long_author_lists_and_names_are_capped_with_one_warning(review, lead):
    most, longest = LIST_LIMITS["authors"]
    names = "".join(f"AU  - Author{i}, A\n" for i in range(most + 50))
    text = f"TY  - JOUR\nTI  - Consortium paper\nAU  - {'N' * (longest + 1)}\n{names}ER  - \n"

    done = import_text(review, lead, "many.ris", text)

    record = Record.objects.get()
    assert len(record.authors) == most
    assert record.authors[0] == "N" * longest
    assert record.authors[-1] == f"Author{most - 2}, A"
    assert done.warnings["authors shortened"] == 1
    assert f"AU  - Author{most + 49}, A" in record.raw
