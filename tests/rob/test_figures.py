"""The plot groups: consensus judgements per tool and result, and the weighted summary's
weights (participants from the consensus extraction)."""

from extraction import services as extraction_services
from rob import figures, services
from tests.extraction.conftest import FORM, agree, extract
from tests.rob.conftest import ALL_LOW, assess


def _finished(lead, study, result):
    assignment = services.assignment_create(lead=lead, study=study, result=result)
    assess(lead, services.assessment_start(assessor=lead, assignment=assignment), ALL_LOW)
    consensus = services.consensus_start(user=lead, assignment=assignment)
    services.assessment_done(user=lead, assessment=consensus)


def test_weighted_by_the_participants_of_the_consensus_extraction(review, lead):
    services.settings_update(lead=lead, review=review, assessors_required=1)
    extraction_services.form_save(lead=lead, review=review, definition=FORM)
    extraction_services.settings_update(lead=lead, review=review, data={"extractors_required": 1})
    study = extraction_services.study_create(
        lead=lead, review=review, label="Kim 2018", citation="Synthetic.", design="parallel"
    )
    extract(lead, study)  # two arms of 30
    agree(lead, study)
    _finished(lead, study, "Scar score, 3 months")
    (group,) = figures.groups(review)
    assert group.key == "rob2-parallel-assignment|Scar score, 3 months"
    assert group.studies == [
        {"label": "Kim 2018", "judgements": ALL_LOW, "overall": "low", "weight": 60.0}
    ]
    assert group.weighted
    other = extraction_services.study_create(
        lead=lead, review=review, label="Oh 2016", citation="Synthetic.", design="parallel"
    )
    _finished(lead, other, "Scar score, 3 months")
    (group,) = figures.groups(review)
    assert not group.weighted  # Oh 2016 has no participants extracted
    assert figures.figure(group, "summary") is not None
