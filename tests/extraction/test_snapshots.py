"""Snapshots: their format (the contract with the analysis app), a hash that is the same run
after run and on SQLite and PostgreSQL, the metaanalyze rows, and the exports."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from extraction import consensus, exports, locking, services
from extraction.snapshots import (
    canonical,
    sha256_of,
    snapshot_latest,
    snapshot_metaanalyze_rows,
    snapshot_verify,
)
from tests.extraction.conftest import agree, extract

# The snapshot of `ready_to_lock` (three parallel trials, agreeing extractions). Pinned: the
# same consensus must give this hash on every run and on SQLite and PostgreSQL alike (CI runs
# the suite on both).
PINNED = "171cf6a849a3e7da9074e5f04928c971d2937820ae1da28cf54f8ddfb79e1b9b"


@pytest.fixture
def snapshot(review, lead, ready_to_lock):
    return locking.extraction_lock(lead=lead, review=review)


def test_the_hash_is_pinned_and_the_same_on_every_database(snapshot):
    assert snapshot.sha256 == PINNED
    assert snapshot_verify(snapshot)


def test_the_hashed_part_holds_no_ids_and_no_timestamps(snapshot):
    text = canonical(snapshot.data).decode()
    assert "created_at" not in text and "_id" not in text
    assert snapshot.index["Wang 2020"]["study"] > 0  # ids live outside the hash


def test_the_canonical_form_sorts_keys_and_fixes_floats():
    assert canonical({"b": 1, "a": 0.1 + 0.2}) == b'{"a":0.3,"b":1}'
    assert sha256_of({"a": 0.30000000000000004}) == sha256_of({"a": 0.3})


def test_a_study_in_the_snapshot_has_the_documented_shape(review, snapshot):
    study = next(s for s in snapshot.data["studies"] if s["label"] == "Wang 2020")
    assert study["design"] == "parallel" and study["fields"] == {"country": "China"}
    assert study["arms"] == [
        {"position": 1, "label": "SVF gel", "n": 30, "role": "intervention"},
        {"position": 2, "label": "Control", "n": 30, "role": "control"},
    ]
    assert study["reports"][0]["doi"] == "10.5555/x.2"
    score, response = study["outcomes"]
    assert (score["outcome"], score["timepoint"], score["type"]) == (
        "scar_score",
        "3 months",
        "continuous",
    )
    assert {k: score["arms"][0][k] for k in ("n", "mean", "sd", "format", "method")} == {
        "n": 30,
        "mean": 2.1,
        "sd": 0.9,
        "format": "mean_sd",
        "method": "as reported",
    }
    assert "paired" not in score
    assert {k: response["arms"][1][k] for k in ("events", "total", "n")} == {
        "events": 9,
        "total": 29,
        "n": None,
    }
    assert snapshot_latest(review) == snapshot


def test_metaanalyze_rows_feed_the_metaanalyze_command(tmp_path, snapshot):
    rows = snapshot_metaanalyze_rows(snapshot, "scar_score", "3 months")
    assert rows.layout == "continuous" and len(rows.rows) == 3 and rows.skipped == []
    assert rows.rows[0] == {
        "study": "Lee 2020",
        "n_t": 30,
        "mean_t": 2.1,
        "sd_t": 0.9,
        "n_c": 29,
        "mean_c": 2.9,
        "sd_c": 1.1,
    }
    path = tmp_path / "scar.csv"
    path.write_text(exports.metaanalyze_csv(snapshot, "scar_score", "3 months", None))
    out = io.StringIO()
    call_command("metaanalyze", str(path), "--measure", "MD", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["k"] == 3
    binary = snapshot_metaanalyze_rows(snapshot, "response", "6 months")
    assert binary.layout == "binary"
    assert binary.rows[0] == {
        "study": "Lee 2020",
        "events_t": 18,
        "n_t": 30,
        "events_c": 9,
        "n_c": 29,
    }


def test_two_intervention_arms_are_combined_and_the_shared_control_counted_once(
    review, lead, reviewer, studies
):
    services.settings_update(lead=lead, review=review, data={"extractors_required": 1})
    for other in ("Lee 2020", "Lee 2020a"):
        studies[other].design = "parallel"
        studies[other].save(update_fields=["design"])
        extract(reviewer, studies[other])
        agree(lead, studies[other])
    study = studies["Wang 2020"]
    study.design = "parallel"
    study.save(update_fields=["design"])
    extraction = extract(reviewer, study, done=False)
    services.arm_save(
        user=reviewer,
        extraction=extraction,
        position=3,
        label="SVF high dose",
        n=30,
        role="intervention",
    )
    services.outcome_row_save(
        user=reviewer,
        extraction=extraction,
        outcome="scar_score",
        timepoint="3 months",
        cells=[{"arm": 3, "format": "mean_sd", "values": {"n": "30", "mean": "1.9", "sd": "1.0"}}],
    )
    services.extraction_done(user=reviewer, extraction=extraction)
    agree(lead, study)
    snapshot = locking.extraction_lock(lead=lead, review=review)
    found = snapshot_metaanalyze_rows(snapshot, "scar_score", "3 months")
    row = found.rows[2]
    assert row["study"] == "Wang 2020"
    # Cochrane Handbook Table 6.5.a: 30 at 2.1 (0.9) with 30 at 1.9 (1.0).
    assert row["n_t"] == 60 and row["mean_t"] == pytest.approx(2.0)
    pooled_var = (29 * 0.9**2 + 29 * 1.0**2 + 30 * 30 / 60 * (2.1 - 1.9) ** 2) / 59
    assert row["sd_t"] == pytest.approx(pooled_var**0.5)
    assert (row["n_c"], row["mean_c"]) == (29, 2.9)
    assert "combined" in found.notes[0][1]


def test_a_split_face_study_gives_a_paired_row_with_its_r_source(
    review, lead, reviewer, reviewer2, studies
):
    services.settings_update(
        lead=lead, review=review, data={"extractors_required": 1, "assumed_r": 0.5}
    )
    for label, study in studies.items():
        study.design = "within_person" if label == "Lee 2020" else "parallel"
        study.save(update_fields=["design"])
        extraction = extract(reviewer, study, done=False)
        if label == "Lee 2020":
            services.outcome_row_save(
                user=reviewer,
                extraction=extraction,
                outcome="scar_score",
                timepoint="3 months",
                cells=[{"arm": None, "values": {"r": "0.7"}}],
            )
        services.extraction_done(user=reviewer, extraction=extraction)
        agree(lead, study)
    snapshot = locking.extraction_lock(lead=lead, review=review)
    lee = next(s for s in snapshot.data["studies"] if s["label"] == "Lee 2020")
    assert lee["outcomes"][0]["paired"] == {
        "n": 29,
        "r": 0.7,
        "r_source": "reported",
        "difference": None,
    }
    paired = snapshot_metaanalyze_rows(snapshot, "scar_score", "3 months", "paired")
    assert paired.rows == [
        {
            "study": "Lee 2020",
            "n": 29,
            "mean_t": 2.1,
            "sd_t": 0.9,
            "mean_c": 2.9,
            "sd_c": 1.1,
            "r": 0.7,
        }
    ]
    parallel = snapshot_metaanalyze_rows(snapshot, "scar_score", "3 months", "continuous")
    assert [r["study"] for r in parallel.rows] == ["Lee 2020a", "Wang 2020"]
    assert parallel.skipped == [("Lee 2020", "its data belong in the paired layout")]


def test_the_csv_and_xlsx_exports_hold_one_row_per_study_outcome_timepoint_arm(snapshot):
    text = exports.snapshot_csv(snapshot)
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 3 * 2 * 2  # studies × (score at 3 months, response at 6 months) × arms
    first = rows[0]
    assert (first["study"], first["outcome"], first["timepoint"], first["arm"]) == (
        "Lee 2020",
        "Acne scar score",
        "3 months",
        "SVF gel",
    )
    assert (first["n"], first["mean"], first["sd"], first["field:country"]) == (
        "30",
        "2.1",
        "0.9",
        "China",
    )
    book = load_workbook(io.BytesIO(exports.snapshot_xlsx(snapshot)))
    sheet = book["data"]
    assert sheet.max_row == len(rows) + 1
    header = [c.value for c in sheet[1]]
    assert [c.value for c in sheet[2]][header.index("sd")] == 0.9
    about = dict(book["snapshot"].iter_rows(values_only=True))
    assert about["sha256"] == snapshot.sha256


def test_a_new_lock_after_a_change_gives_a_new_hash(review, lead, snapshot, ready_to_lock):
    locking.extraction_unlock(lead=lead, review=review, reason="Recheck")
    assert snapshot_latest(review) == snapshot
    again = locking.extraction_lock(lead=lead, review=review)
    assert again.version == 2 and again.sha256 == snapshot.sha256  # nothing changed
    locking.extraction_unlock(lead=lead, review=review, reason="Fix a value")
    consensus.consensus_reopen(user=lead, study=ready_to_lock["Lee 2020"])
    agreed = services.consensus_of(ready_to_lock["Lee 2020"])
    services.field_save(user=lead, extraction=agreed, key="country", value="Korea")
    consensus.consensus_complete(user=lead, study=ready_to_lock["Lee 2020"])
    third = locking.extraction_lock(lead=lead, review=review)
    assert third.sha256 != snapshot.sha256
