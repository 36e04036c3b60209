"""ROBINS-I's preliminary consideration, the effect of interest: the guidance specifies it once,
before the domains, so an assessment keeps one answer, asked on the first screen, and every
domain reads it (domain 4 asks 4.1-4.2 or 4.3-4.6 by it)."""

import csv
import io

import pytest

from extraction import services as extraction_services
from rob import selectors, services
from rob.catalogue import asked_questions, get_tool
from rob.definitions import PRELIMINARY
from rob.models import Answer

P = "/reviews/{}/rob/assessments/{}/{}/"


@pytest.fixture
def assessment(review, lead):
    study = extraction_services.study_create(
        lead=lead, review=review, label="Cho 2019", citation="Cho 2019. Synthetic.", design="cohort"
    )
    assignment = services.assignment_create(lead=lead, study=study, tool="robins-i-2016")
    return services.assessment_start(assessor=lead, assignment=assignment)


def every_asked(domain_id: str, effect: str) -> dict[str, str]:
    """The first answer to every question the domain asks for this effect of interest."""
    given = {"effect": effect}
    while open_ := [
        q for q in asked_questions("robins-i-2016", domain_id, given) if q.id not in given
    ]:
        given[open_[0].id] = open_[0].answers[0]
    return given


def effect_rows(assessment):
    return list(Answer.objects.filter(assessment=assessment, question="effect"))


def test_the_effect_is_kept_once_however_many_domains_are_saved(assessment, lead):
    services.domain_save(
        user=lead, assessment=assessment, domain_id="D1", answers={"effect": "adhering"}
    )
    for domain_id in ("D2", "D3", "D4"):
        services.domain_save(user=lead, assessment=assessment, domain_id=domain_id, answers={})
    rows = effect_rows(assessment)
    assert [(r.domain, r.answer) for r in rows] == [(PRELIMINARY, "adhering")]


def test_a_later_domain_reads_the_effect_answered_on_the_first(assessment, lead):
    services.domain_save(
        user=lead, assessment=assessment, domain_id="D1", answers={"effect": "adhering"}
    )
    # 4.3 is asked only for the effect of starting and adhering: accepted without the effect.
    services.domain_save(user=lead, assessment=assessment, domain_id="D4", answers={"4.3": "Y"})
    data = selectors.assessment_data(assessment)
    assert data.answers["D4"]["4.3"].answer == "Y"
    assert data.answers["D4"]["effect"].answer == "adhering"


def test_changing_the_effect_drops_answers_it_no_longer_asks(assessment, lead):
    services.domain_save(
        user=lead, assessment=assessment, domain_id="D1", answers={"effect": "adhering"}
    )
    services.domain_save(
        user=lead, assessment=assessment, domain_id="D4", answers={"4.3": "Y", "4.4": "N"}
    )
    services.domain_save(
        user=lead, assessment=assessment, domain_id="D1", answers={"effect": "assignment"}
    )
    left = set(
        Answer.objects.filter(assessment=assessment, domain="D4").values_list("question", flat=True)
    )
    assert left == set()
    services.domain_save(user=lead, assessment=assessment, domain_id="D4", answers={"4.1": "N"})
    assert effect_rows(assessment)[0].answer == "assignment"


def test_the_first_screen_asks_the_effect_and_the_others_show_it(client, assessment, lead):
    services.domain_save(
        user=lead, assessment=assessment, domain_id="D1", answers={"effect": "adhering"}
    )
    client.force_login(lead)
    first = client.get(P.format(assessment.review_id, assessment.pk, "D1")).content.decode()
    assert 'name="q-effect"' in first
    later = client.get(P.format(assessment.review_id, assessment.pk, "D4")).content.decode()
    assert 'name="q-effect"' not in later
    assert "Effect of starting and adhering to intervention (asked once, on" in later
    # Posting a later screen (no effect in the form) keeps the answer.
    client.post(P.format(assessment.review_id, assessment.pk, "D4"), {"q-4.3": "Y"})
    assert [r.answer for r in effect_rows(assessment)] == ["adhering"]


def test_comparison_lists_a_different_effect_once(review, lead, reviewer, assessment):
    services.settings_update(lead=lead, review=review, assessors_required=2)
    other = services.assessment_start(assessor=reviewer, assignment=assessment.assignment)
    for who, mine, effect in ((lead, assessment, "adhering"), (reviewer, other, "assignment")):
        for domain in get_tool("robins-i-2016").domains:
            services.domain_save(
                user=who,
                assessment=mine,
                domain_id=domain.id,
                answers=every_asked(domain.id, effect),
                judgement="low",
            )
        services.assessment_done(user=who, assessment=mine)
    _, differences, _ = selectors.comparison(assessment.assignment)
    assert [(d.domain, d.values) for d in differences if d.item == "effect"] == [
        ("D1", ["adhering", "assignment"])
    ]


def test_the_export_has_one_row_for_the_effect(client, assessment, lead):
    services.domain_save(
        user=lead, assessment=assessment, domain_id="D1", answers={"effect": "adhering"}
    )
    services.domain_save(user=lead, assessment=assessment, domain_id="D4", answers={"4.3": "Y"})
    client.force_login(lead)
    text = client.get(f"/reviews/{assessment.review_id}/rob/export.csv").content.decode()
    found = list(csv.DictReader(io.StringIO(text)))
    effect = [(r["domain"], r["answer"]) for r in found if r.get("item") == "effect"]
    assert effect == [(PRELIMINARY, "adhering")]
    assert ("D4", "4.3", "Y") in {(r["domain"], r.get("item"), r.get("answer")) for r in found}
