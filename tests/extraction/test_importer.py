"""Importing extraction data from a spreadsheet: all rows or none, every problem naming its row
and column, studies new to the review added with provenance "imported extraction"."""

import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from extraction import exports, locking, services
from extraction.importer import extraction_import
from extraction.models import (
    Extraction,
    FormVersion,
    OutcomeValue,
    Provenance,
    Study,
    StudyFieldValue,
)
from extraction.services import ExtractionLocked
from reviews.models import AuditEvent

HEADER = (
    "study,design,outcome,outcome_type,timepoint,arm,n,mean,sd,se,ci_low,ci_high,median,q1,q3,"
    "min,max,events,r,field:country\n"
)
ROWS = [
    "Kim 2018,parallel,Acne scar score,continuous,3 months,Fat graft,20,2.5,1.1,,,,,,,,,,,Korea",
    "Kim 2018,parallel,Acne scar score,continuous,3 months,Control,20,,,,,,3,2,4,,,,,Korea",
    "Kim 2018,parallel,Good response,dichotomous,6 months,Fat graft,20,,,,,,,,,,,12,,Korea",
    "Kim 2018,parallel,Good response,dichotomous,6 months,Control,20,,,,,,,,,,,5,,Korea",
    "Ito 2021,within_person,Acne scar score,continuous,3 months,Treated side,15,1.8,0.7,,,,,,,,,,"
    "0.6,Japan",
    "Ito 2021,within_person,Acne scar score,continuous,3 months,Control side,15,2.6,0.8,,,,,,,,,,"
    "0.6,Japan",
]


def csv_bytes(rows=ROWS, header=HEADER) -> bytes:
    return (header + "\n".join(rows) + "\n").encode()


def run(review, lead, content=None, name="extraction.csv", replace=False):
    return extraction_import(
        lead=lead,
        review=review,
        file_name=name,
        content=content or csv_bytes(),
        replace=replace,
    )


def state():
    return (
        Study.objects.count(),
        FormVersion.objects.count(),
        list(FormVersion.objects.values_list("definition", flat=True)),
        OutcomeValue.objects.count(),
        StudyFieldValue.objects.count(),
        AuditEvent.objects.count(),
    )


def test_the_import_adds_studies_to_the_consensus_with_their_conversions(review, lead, form):
    summary = run(review, lead)
    assert summary.studies_added == ["Kim 2018", "Ito 2021"] and summary.incomplete == {}
    kim = Study.objects.get(label="Kim 2018")
    assert (kim.provenance, kim.design) == (Provenance.IMPORTED, "parallel")
    agreed = Extraction.objects.get(study=kim, extractor__isnull=True)
    assert agreed.status == "done"
    control = OutcomeValue.objects.get(
        extraction=agreed, arm__label="Control", outcome="scar_score"
    )
    assert control.format == "median_iqr" and control.reported == {
        "n": "20",
        "median": "3",
        "q1": "2",
        "q3": "4",
    }
    assert control.mean is not None and "Luo 2018" in control.method
    ito = Extraction.objects.get(study__label="Ito 2021", extractor__isnull=True)
    paired = OutcomeValue.objects.get(extraction=ito, arm__isnull=True)
    assert paired.r == 0.6
    assert StudyFieldValue.objects.get(extraction=ito, key="country").value == "Japan"
    arms = list(ito.arms.values_list("label", "n", "role"))
    assert arms == [("Treated side", 15, "intervention"), ("Control side", 15, "control")]


def test_unknown_outcomes_time_points_and_fields_join_the_form(review, lead, form):
    rows = [*ROWS, "Kim 2018,parallel,Pain,continuous,1 week,Fat graft,20,3,1,,,,,,,,,,,Korea"]
    header = HEADER.replace("field:country\n", "field:country,field:Funding\n")
    rows = [row + ",None" for row in rows]
    summary = run(review, lead, csv_bytes(rows, header))
    definition = FormVersion.objects.get(number=summary.form_version).definition
    assert [o["key"] for o in definition["outcomes"]] == ["scar_score", "response", "pain"]
    assert definition["fields"][-1] == {
        "key": "funding",
        "label": "Funding",
        "type": "text",
        "required": False,
        "help": "",
        "choices": [],
    }


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "Lee 2022,parallel,Acne scar score,continuous,3 months,A,20,2.5,0,,,,,,,,,,,Korea",
            "Row 8 (study “Lee 2022”), column “sd”: must be greater than 0 (got 0)",
        ),
        (
            "Lee 2022,parallel,Good response,dichotomous,6 months,A,20,,,,,,,,,,,25,,Korea",
            "Row 8 (study “Lee 2022”), column “events”: 25 events exceed the total of 20",
        ),
        (
            "Lee 2022,,Acne scar score,continuous,3 months,A,20,2.5,1,,,,,,,,,,,Korea",
            "Row 8 (study “Lee 2022”), column “design”: a study new to the review needs its design",
        ),
        (
            "Lee 2022,parallel,Acne scar score,continuous,3 months,A,twenty,2.5,1,,,,,,,,,,,Korea",
            "Row 8 (study “Lee 2022”), column “n”: “twenty” is not a number",
        ),
        (
            "Lee 2022,parallel,Acne scar score,continuous,3 months,A,20,,,,,,3,4,2,,,,,Korea",
            "Row 8 (study “Lee 2022”), column “median”: 3 is below Q1 4",
        ),
        (
            "Kim 2018,parallel,Acne scar score,continuous,6 months,Fat graft,20,2,1,,,,,,,,,,,"
            "China",
            "Row 8 (study “Kim 2018”), column “field:country”: “China” differs from an earlier",
        ),
        (
            "Lee 2022,parallel,Acne scar score,continuous,3 months,A,20,2,1,,,,,,,,,,0.5,Korea",
            "Row 8 (study “Lee 2022”), column “r”: r is for paired designs",
        ),
        (
            "Lee 2022,cluster,Acne scar score,continuous,3 months,A,20,2,1,,,,,,,,,,,Korea",
            "Row 8 (study “Lee 2022”), column “design”: “cluster” is not one of",
        ),
    ],
)
def test_a_bad_row_names_its_row_and_column_and_nothing_is_imported(
    review, lead, form, row, message
):
    before = state()
    with pytest.raises(ValidationError) as caught:
        run(review, lead, csv_bytes([*ROWS, row]))
    assert message in caught.value.messages[0]
    assert state() == before


def test_an_unknown_column_is_refused(review, lead, form):
    with pytest.raises(ValidationError, match="Row 1, column “meen”: not a column of the import"):
        run(review, lead, csv_bytes(ROWS, HEADER.replace(",mean,", ",meen,")))


def test_import_into_a_locked_review_is_refused_and_changes_nothing(review, lead, ready_to_lock):
    locking.extraction_lock(lead=lead, review=review)
    before = state()
    with pytest.raises(ExtractionLocked):
        run(review, lead)
    assert state() == before


def test_a_study_with_consensus_data_is_replaced_only_when_asked(review, lead, form):
    run(review, lead)
    changed = [ROWS[0].replace(",2.5,", ",2.4,"), *ROWS[1:]]
    with pytest.raises(ValidationError, match="already has consensus data"):
        run(review, lead, csv_bytes(changed))
    summary = run(review, lead, csv_bytes(changed), replace=True)
    assert summary.studies_replaced == ["Kim 2018", "Ito 2021"]
    assert (
        OutcomeValue.objects.filter(arm__label="Fat graft", outcome="scar_score").get().mean == 2.4
    )
    assert Study.objects.count() == 2


def test_an_xlsx_file_imports_the_same_as_its_csv(review, lead, form):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    for row in ROWS:
        sheet.append([float(c) if c.replace(".", "").isdigit() else c for c in row.split(",")])
    out = io.BytesIO()
    book.save(out)
    summary = run(review, lead, out.getvalue(), name="extraction.xlsx")
    assert summary.studies_added == ["Kim 2018", "Ito 2021"]
    value = OutcomeValue.objects.get(arm__label="Fat graft", outcome="scar_score")
    assert value.reported == {"n": "20", "mean": "2.5", "sd": "1.1"}


def test_an_export_imports_back_into_another_review_with_the_same_data(review, lead, ready_to_lock):
    from tests.factories import ReviewFactory

    snapshot = locking.extraction_lock(lead=lead, review=review)
    other = ReviewFactory(created_by=lead)
    form = snapshot.data["form"]
    services.form_save(
        lead=lead, review=other, definition={"fields": form["fields"], "outcomes": form["outcomes"]}
    )
    summary = extraction_import(
        lead=lead,
        review=other,
        file_name="export.csv",
        content=exports.snapshot_csv(snapshot).encode(),
    )
    assert summary.incomplete == {} and len(summary.studies_added) == 3
    again = locking.extraction_lock(lead=lead, review=other)
    for first, second in zip(snapshot.data["studies"], again.data["studies"], strict=True):
        assert first["outcomes"] == second["outcomes"]
        assert (first["fields"], first["arms"]) == (second["fields"], second["arms"])
