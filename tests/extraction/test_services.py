"""Studies from included reports, the versioned form, and saving extracted values."""

import pytest
from django.core.exceptions import ValidationError

from extraction import selectors, services
from extraction.models import (
    Arm,
    Extraction,
    FormVersion,
    OutcomeValue,
    Provenance,
    Study,
    StudyFieldValue,
    StudyReport,
)
from reviews.models import AuditEvent
from tests.extraction.conftest import FORM


def test_every_report_included_at_full_text_becomes_a_study(review, included, form):
    assert services.studies_sync(review=review) == 3
    labels = sorted(Study.objects.filter(review=review).values_list("label", flat=True))
    # Two studies of Lee 2020: the second gets a letter.
    assert labels == ["Lee 2020", "Lee 2020a", "Wang 2020"]
    assert StudyReport.objects.filter(review=review).count() == 3
    assert set(Study.objects.values_list("provenance", flat=True)) == {Provenance.SCREENING}
    assert services.studies_sync(review=review) == 0  # idempotent
    assert AuditEvent.objects.filter(action="extraction.studies_synced").count() == 1


def test_a_lead_links_a_follow_up_report_to_its_study_and_unlinks_it(
    review, lead, studies, included
):
    main, follow_up = studies["Lee 2020"], studies["Lee 2020a"]
    services.report_link(lead=lead, study=main, record_id=included[2].pk)
    assert sorted(main.reports.values_list("record_id", flat=True)) == [
        included[0].pk,
        included[2].pk,
    ]
    # The study the report came from had nothing else: it goes.
    assert not Study.objects.filter(pk=follow_up.pk).exists()
    own = services.report_unlink(lead=lead, study=main, record_id=included[2].pk)
    assert list(own.reports.values_list("record_id", flat=True)) == [included[2].pk]
    assert list(main.reports.values_list("record_id", flat=True)) == [included[0].pk]
    with pytest.raises(ValidationError, match="only report of Lee 2020"):
        services.report_unlink(lead=lead, study=main, record_id=included[0].pk)


def test_only_reports_included_at_full_text_can_be_linked(review, lead, studies):
    from tests.reviews.dedup_data import make_import

    (other,) = make_import(review, lead, "embase", [("Unrelated synthetic record", "")])
    with pytest.raises(ValidationError, match="not a report included at full text"):
        services.report_link(lead=lead, study=studies["Wang 2020"], record_id=other.pk)


def test_a_study_added_by_hand_needs_its_citation_and_a_free_label(review, lead, studies):
    with pytest.raises(ValidationError, match="citation"):
        services.study_create(lead=lead, review=review, label="Kim 2018")
    with pytest.raises(ValidationError, match="Another study of this review is labelled"):
        services.study_create(lead=lead, review=review, label="Wang 2020", citation="x")
    study = services.study_create(
        lead=lead, review=review, label="Kim 2018", citation="Kim S. Fat grafting. 2018."
    )
    assert study.provenance == Provenance.OTHER_METHODS


def test_the_form_changes_in_place_until_extraction_starts_then_gets_versions(
    review, lead, reviewer, study
):
    first = selectors.form_current(review)
    relabelled = {**FORM, "fields": [{**FORM["fields"][0], "label": "Country of study"}]}
    assert services.form_save(lead=lead, review=review, definition=relabelled).pk == first.pk
    services.extraction_start(extractor=reviewer, study=study)
    services.form_save(lead=lead, review=review, definition=FORM)
    assert list(FormVersion.objects.filter(review=review).values_list("number", flat=True)) == [
        2,
        1,
    ]


def test_an_answer_keeps_the_form_version_it_was_entered_under(review, lead, reviewer, study):
    extraction = services.extraction_start(extractor=reviewer, study=study)
    services.field_save(user=reviewer, extraction=extraction, key="country", value="China")
    services.form_save(
        lead=lead,
        review=review,
        definition={**FORM, "fields": [*FORM["fields"], {"key": "funding", "label": "Funding"}]},
    )
    services.field_save(user=reviewer, extraction=extraction, key="funding", value="None")
    versions = dict(
        StudyFieldValue.objects.filter(extraction=extraction).values_list(
            "key", "form_version__number"
        )
    )
    assert versions == {"country": 1, "funding": 2}


def test_a_study_takes_as_many_extractors_as_the_review_asks(
    review, lead, reviewer, reviewer2, study
):
    services.extraction_start(extractor=reviewer, study=study)
    services.extraction_start(extractor=reviewer2, study=study)
    with pytest.raises(ValidationError, match="already has its 2 extractors"):
        services.extraction_start(extractor=lead, study=study)


def test_an_outcome_row_saves_every_arm_at_once_or_none(review, reviewer, study):
    extraction = services.extraction_start(extractor=reviewer, study=study)
    services.arm_save(user=reviewer, extraction=extraction, position=1, label="SVF gel", n=30)
    services.arm_save(
        user=reviewer, extraction=extraction, position=2, label="Control", n=30, role="control"
    )
    good = {"arm": 1, "format": "mean_sd", "values": {"n": "30", "mean": "2.1", "sd": "0.9"}}
    bad = {"arm": 2, "format": "mean_sd", "values": {"n": "30", "mean": "2.9", "sd": "0"}}
    with pytest.raises(ValidationError, match="Wang 2020 · Acne scar score at 3 months · Control"):
        services.outcome_row_save(
            user=reviewer,
            extraction=extraction,
            outcome="scar_score",
            timepoint="3 months",
            cells=[good, bad],
        )
    assert not OutcomeValue.objects.exists()
    bad["values"]["sd"] = "1.1"
    services.outcome_row_save(
        user=reviewer,
        extraction=extraction,
        outcome="scar_score",
        timepoint="3 months",
        cells=[good, bad],
    )
    values = OutcomeValue.objects.order_by("arm__position")
    assert [(v.n, v.mean, v.sd, v.method) for v in values] == [
        (30, 2.1, 0.9, "as reported"),
        (30, 2.9, 1.1, "as reported"),
    ]


def test_an_unknown_outcome_or_time_point_is_refused(reviewer, study):
    extraction = services.extraction_start(extractor=reviewer, study=study)
    with pytest.raises(ValidationError, match="no time point “12 months”"):
        services.outcome_row_save(
            user=reviewer,
            extraction=extraction,
            outcome="scar_score",
            timepoint="12 months",
            cells=[],
        )
    with pytest.raises(ValidationError, match="no outcome “pain”"):
        services.outcome_row_save(
            user=reviewer, extraction=extraction, outcome="pain", timepoint="3 months", cells=[]
        )


def test_an_arm_cannot_shrink_below_the_n_analysed(reviewer, study):
    extraction = services.extraction_start(extractor=reviewer, study=study)
    services.arm_save(user=reviewer, extraction=extraction, position=1, label="SVF", n=30)
    services.outcome_row_save(
        user=reviewer,
        extraction=extraction,
        outcome="response",
        timepoint="6 months",
        cells=[{"arm": 1, "format": "events_total", "values": {"events": "20", "n": "28"}}],
    )
    with pytest.raises(ValidationError, match="fewer than the 28 analysed"):
        services.arm_save(user=reviewer, extraction=extraction, position=1, label="SVF", n=20)


def test_marking_done_lists_every_missing_value(reviewer, study):
    extraction = services.extraction_start(extractor=reviewer, study=study)
    services.arm_save(user=reviewer, extraction=extraction, position=1, label="SVF", n=30)
    services.outcome_row_save(
        user=reviewer,
        extraction=extraction,
        outcome="scar_score",
        timepoint="3 months",
        cells=[{"arm": 1, "format": "mean_sd", "values": {"n": "30", "mean": "2"}}],
    )
    with pytest.raises(ValidationError) as caught:
        services.extraction_done(user=reviewer, extraction=extraction)
    assert caught.value.messages == [
        "Wang 2020 · Country: required",
        "Wang 2020 · Acne scar score at 3 months · SVF · SD: missing",
    ]
    services.field_save(user=reviewer, extraction=extraction, key="country", value="China")
    services.outcome_row_save(
        user=reviewer,
        extraction=extraction,
        outcome="scar_score",
        timepoint="3 months",
        cells=[{"arm": 1, "format": "mean_sd", "values": {"n": "30", "mean": "2", "sd": "1"}}],
    )
    assert services.extraction_done(user=reviewer, extraction=extraction).status == "done"
    with pytest.raises(ValidationError, match="marked done: reopen it"):
        services.field_save(user=reviewer, extraction=extraction, key="country", value="Korea")


def test_the_within_person_row_is_for_paired_designs_only(reviewer, study, studies):
    extraction = services.extraction_start(extractor=reviewer, study=study)
    paired = {"arm": None, "values": {"r": "0.6"}}
    with pytest.raises(ValidationError, match="for paired designs"):
        services.outcome_row_save(
            user=reviewer,
            extraction=extraction,
            outcome="scar_score",
            timepoint="3 months",
            cells=[paired],
        )
    split_face = studies["Lee 2020"]
    split_face.design = "within_person"
    split_face.save()
    mine = services.extraction_start(extractor=reviewer, study=split_face)
    ((value, _),) = services.outcome_row_save(
        user=reviewer,
        extraction=mine,
        outcome="scar_score",
        timepoint="3 months",
        cells=[paired],
    )
    assert (value.format, value.r, value.arm) == ("paired", 0.6, None)


def test_every_change_is_audited(review, reviewer, study):
    extraction = services.extraction_start(extractor=reviewer, study=study)
    services.field_save(user=reviewer, extraction=extraction, key="country", value="China")
    services.arm_save(user=reviewer, extraction=extraction, position=1, label="SVF", n=30)
    actions = list(
        AuditEvent.objects.filter(review_id=review.pk, actor=reviewer)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["extraction.started", "extraction.value_saved", "extraction.arm_saved"]
    assert Arm.objects.get().updated_by == reviewer
    assert Extraction.objects.get().form_version.number == 1


def test_a_study_whose_reports_are_no_longer_included_is_flagged_not_deleted(
    review, lead, reviewer, studies, included
):
    study = studies["Wang 2020"]
    services.extraction_start(extractor=reviewer, study=study)
    # A lead links Wang 2020's only report to Lee 2020: Wang 2020 keeps its extraction.
    services.report_link(lead=lead, study=studies["Lee 2020"], record_id=included[1].pk)
    (row,) = [r for r in selectors.study_rows(review) if r.study.pk == study.pk]
    assert row.no_longer_included and Study.objects.filter(pk=study.pk).exists()
