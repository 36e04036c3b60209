"""Dual extraction: the comparison marks every differing value; consensus is built item by
item (accepted from one side, typed, or agreed), recording who and when."""

import pytest
from django.core.exceptions import ValidationError

from extraction import consensus, services
from extraction.models import ConsensusDecision, OutcomeValue, StudyFieldValue
from tests.extraction.conftest import extract


def test_consensus_waits_for_every_required_extraction(lead, reviewer, reviewer2, study):
    extract(reviewer, study)
    extract(reviewer2, study, done=False)
    with pytest.raises(ValidationError, match="once its 2 extraction"):
        consensus.consensus_accept_agreeing(user=lead, study=study)


def test_the_comparison_marks_exactly_the_values_that_differ(lead, reviewer, reviewer2, study):
    extract(reviewer, study, country="China", sd_3m="0.9")
    extract(reviewer2, study, country="China", sd_3m="0.90")  # the same number
    assert consensus.comparison(study).differing == 0
    services.extraction_reopen(
        user=reviewer2, extraction=study.extractions.get(extractor=reviewer2)
    )
    extraction = study.extractions.get(extractor=reviewer2)
    services.field_save(user=reviewer2, extraction=extraction, key="country", value="Korea")
    services.outcome_row_save(
        user=reviewer2,
        extraction=extraction,
        outcome="scar_score",
        timepoint="3 months",
        cells=[{"arm": 1, "format": "mean_sd", "values": {"n": "30", "mean": "2.1", "sd": "1.9"}}],
    )
    services.extraction_done(user=reviewer2, extraction=extraction)
    found = consensus.comparison(study)
    differing = [(item.key, item.shown) for item in found.items if item.differs]
    assert differing == [
        ("field:country", ["China", "Korea"]),
        (
            "outcome:scar_score|3 months|1",
            ["Mean, SD: n 30 · Mean 2.1 · SD 0.9", "Mean, SD: n 30 · Mean 2.1 · SD 1.9"],
        ),
    ]


def test_consensus_accepts_one_side_types_another_and_agrees_on_the_rest(
    lead, reviewer, reviewer2, study
):
    first = extract(reviewer, study, country="China", sd_3m="0.9")
    extract(reviewer2, study, country="Korea", sd_3m="1.9")
    assert consensus.consensus_accept_agreeing(user=lead, study=study) == 5
    with pytest.raises(ValidationError) as caught:
        consensus.consensus_complete(user=lead, study=study)
    assert caught.value.messages == [
        "Wang 2020 · Country: the extractors differ; accept one side or type a value",
        "Wang 2020 · Acne scar score at 3 months · arm 1: the extractors differ; accept one side "
        "or type a value",
    ]
    consensus.consensus_accept(
        user=lead, study=study, item="outcome:scar_score|3 months|1", extraction_id=first.pk
    )
    agreed = services.consensus_of(study)
    services.field_save(user=lead, extraction=agreed, key="country", value="China (Seoul site)")
    done = consensus.consensus_complete(user=lead, study=study)
    assert done.status == "done" and done.done_by == lead
    assert StudyFieldValue.objects.get(extraction=agreed, key="country").value == (
        "China (Seoul site)"
    )
    assert (
        OutcomeValue.objects.get(
            extraction=agreed, outcome="scar_score", timepoint="3 months", arm__position=1
        ).sd
        == 0.9
    )
    decisions = {d.item: (d.choice, d.decided_by.username) for d in ConsensusDecision.objects.all()}
    assert decisions["field:country"] == ("typed", "lead")
    assert decisions["outcome:scar_score|3 months|1"] == ("accepted", "lead")
    assert decisions["arm:1"] == ("agreed", "lead")
    accepted = ConsensusDecision.objects.get(item="outcome:scar_score|3 months|1")
    assert accepted.accepted_from == first and accepted.decided_at is not None


def test_accepting_a_side_without_the_value_leaves_it_out(lead, reviewer, reviewer2, study):
    first = extract(reviewer, study)
    second = extract(reviewer2, study, done=False)
    services.outcome_row_save(
        user=reviewer2,
        extraction=second,
        outcome="response",
        timepoint="6 months",
        cells=[{"arm": 1, "values": {}}, {"arm": 2, "values": {}}],
    )
    services.extraction_done(user=reviewer2, extraction=second)
    consensus.consensus_accept_agreeing(user=lead, study=study)
    for arm in (1, 2):
        consensus.consensus_accept(
            user=lead,
            study=study,
            item=f"outcome:response|6 months|{arm}",
            extraction_id=second.pk,
        )
    consensus.consensus_complete(user=lead, study=study)
    agreed = services.consensus_of(study)
    assert not OutcomeValue.objects.filter(extraction=agreed, outcome="response").exists()
    assert OutcomeValue.objects.filter(extraction=first, outcome="response").count() == 2


def test_an_extraction_cannot_reopen_once_consensus_is_complete(lead, reviewer, reviewer2, study):
    first = extract(reviewer, study)
    extract(reviewer2, study)
    consensus.consensus_accept_agreeing(user=lead, study=study)
    consensus.consensus_complete(user=lead, study=study)
    with pytest.raises(ValidationError, match="consensus of Wang 2020 is complete"):
        services.extraction_reopen(user=reviewer, extraction=first)
    consensus.consensus_reopen(user=lead, study=study)
    assert services.extraction_reopen(user=reviewer, extraction=first).status == "in_progress"


def test_with_one_extractor_consensus_takes_the_one_extraction(review, lead, reviewer, study):
    services.settings_update(lead=lead, review=review, data={"extractors_required": 1})
    extract(reviewer, study)
    assert consensus.comparison(study).differing == 0
    consensus.consensus_accept_agreeing(user=lead, study=study)
    assert consensus.consensus_complete(user=lead, study=study).status == "done"
