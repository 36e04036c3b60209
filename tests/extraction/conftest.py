"""A review with records included at full text, its form, and a second extractor.

Every record is synthetic (made-up titles and authors, DOIs under the 10.5555 test prefix)."""

import pytest

from extraction import services
from extraction.models import Study
from reviews.models import Record, Role
from screening.models import StageSettings
from screening.services import decision_record
from tests.factories import MembershipFactory, UserFactory
from tests.reviews.dedup_data import make_import

TITLES = [
    ("Autologous fat grafting for atrophic acne scars: a split-face trial", "10.5555/x.1"),
    ("Stromal vascular fraction gel for acne scars: a randomised trial", "10.5555/x.2"),
    ("Fat grafting for acne scars: two-year follow-up", "10.5555/x.3"),
]
AUTHORS = [["Lee, Min"], ["Wang Y", "Chen L"], ["Lee, Min", "Park, J"]]

FORM = {
    "fields": [
        {"key": "country", "label": "Country", "type": "text", "required": True},
        {"key": "sessions", "label": "Sessions", "type": "integer"},
        {
            "key": "intervention_type",
            "label": "Intervention type",
            "type": "choice",
            "choices": ["SVF", "ReCell", "Fat grafting"],
        },
    ],
    "outcomes": [
        {
            "key": "scar_score",
            "name": "Acne scar score",
            "type": "continuous",
            "unit": "points",
            "direction": "lower_better",
            "timepoints": ["3 months", "6 months"],
            "primary": True,
        },
        {
            "key": "response",
            "name": "Good response",
            "type": "dichotomous",
            "direction": "higher_better",
            "timepoints": ["6 months"],
        },
    ],
}


def include_at_full_text(review, lead, titles=TITLES, authors=AUTHORS) -> list[Record]:
    """Records included at title/abstract and full text by one reviewer (one required)."""
    for stage in ("title_abstract", "full_text"):
        StageSettings.objects.update_or_create(
            review=review, stage=stage, defaults={"reviewers_required": 1}
        )
    records = make_import(review, lead, "pubmed", titles)
    for record, names in zip(records, authors, strict=True):
        Record.objects.filter(pk=record.pk).update(authors=names)
        for stage in ("title_abstract", "full_text"):
            decision_record(
                reviewer=lead, review=review, record_id=record.pk, stage=stage, decision="include"
            )
    return records


@pytest.fixture
def included(review, lead):
    return include_at_full_text(review, lead)


@pytest.fixture
def form(review, lead):
    return services.form_save(lead=lead, review=review, definition=FORM)


@pytest.fixture
def reviewer2(review):
    user = UserFactory(username="reviewer2")
    MembershipFactory(review=review, user=user, role=Role.REVIEWER)
    return user


@pytest.fixture
def studies(review, included, form):
    services.studies_sync(review=review)
    return {s.label: s for s in Study.objects.filter(review=review)}


@pytest.fixture
def study(studies):
    """Wang 2020: a parallel-group trial."""
    found = studies["Wang 2020"]
    found.design = "parallel"
    found.save(update_fields=["design"])
    return found


def extract(user, study, *, country="China", sd_3m="0.9", done=True):
    """One extractor's complete extraction of a two-arm study: the country, two arms of 30,
    the scar score at 3 months (mean, SD) and the response at 6 months (events)."""
    extraction = services.extraction_start(extractor=user, study=study)
    services.field_save(user=user, extraction=extraction, key="country", value=country)
    services.arm_save(user=user, extraction=extraction, position=1, label="SVF gel", n=30)
    services.arm_save(
        user=user, extraction=extraction, position=2, label="Control", n=30, role="control"
    )
    services.outcome_row_save(
        user=user,
        extraction=extraction,
        outcome="scar_score",
        timepoint="3 months",
        cells=[
            {"arm": 1, "format": "mean_sd", "values": {"n": "30", "mean": "2.1", "sd": sd_3m}},
            {"arm": 2, "format": "mean_sd", "values": {"n": "29", "mean": "2.9", "sd": "1.1"}},
        ],
    )
    services.outcome_row_save(
        user=user,
        extraction=extraction,
        outcome="response",
        timepoint="6 months",
        cells=[
            {"arm": 1, "format": "events_total", "values": {"events": "18", "n": "30"}},
            {"arm": 2, "format": "events_total", "values": {"events": "9", "n": "29"}},
        ],
    )
    if done:
        services.extraction_done(user=user, extraction=extraction)
    return extraction


def agree(lead, study):
    """The study's consensus, from extractions that agree, completed by the lead."""
    from extraction import consensus

    consensus.consensus_accept_agreeing(user=lead, study=study)
    return consensus.consensus_complete(user=lead, study=study)


@pytest.fixture
def ready_to_lock(review, lead, reviewer, reviewer2, studies):
    """Every study extracted twice, agreeing, with its consensus complete."""
    for study in studies.values():
        study.design = "parallel"
        study.save(update_fields=["design"])
        extract(reviewer, study)
        extract(reviewer2, study)
        agree(lead, study)
    return studies
