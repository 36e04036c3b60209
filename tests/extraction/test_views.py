"""The extraction pages: studies, a study, the form builder, entry with saves as you go,
comparison and consensus, the lock page."""

import re

import pytest

from extraction import consensus, locking, services
from extraction.models import Extraction, ExtractionSettings, OutcomeValue, StudyFieldValue
from tests.extraction.conftest import agree, extract


def url(review, path=""):
    return f"/reviews/{review.pk}/extraction/{path}"


def test_the_studies_page_syncs_and_shows_status_per_extractor(
    client, review, lead, reviewer, reviewer2, studies
):
    extract(reviewer, studies["Wang 2020"], done=True)
    extract(reviewer2, studies["Wang 2020"], done=False)
    client.force_login(lead)
    html = client.get(url(review)).content.decode()
    assert "Lee 2020a" in html
    assert "reviewer: done" in html and "reviewer2: in progress" in html


def test_a_reviewer_starts_an_extraction_and_lands_on_the_entry_page(
    client, review, reviewer, studies
):
    study = studies["Wang 2020"]
    client.force_login(reviewer)
    response = client.post(url(review, f"studies/{study.pk}/start/"))
    extraction = Extraction.objects.get(study=study, extractor=reviewer)
    assert response["Location"] == url(review, f"entry/{extraction.pk}/")
    html = client.get(response["Location"]).content.decode()
    assert "Acne scar score" in html and 'name="format"' in html


@pytest.fixture
def mine(review, reviewer, study):
    extraction = services.extraction_start(extractor=reviewer, study=study)
    services.arm_save(user=reviewer, extraction=extraction, position=1, label="SVF gel", n=30)
    services.arm_save(
        user=reviewer, extraction=extraction, position=2, label="Control", n=30, role="control"
    )
    return extraction


def test_a_field_saves_as_you_go_and_answers_with_its_state_only(client, review, reviewer, mine):
    client.force_login(reviewer)
    response = client.post(
        url(review, f"entry/{mine.pk}/field/sessions/"),
        {"value": "3", "source": "p. 4"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Saved" in response.content.decode() and "<input" not in response.content.decode()
    saved = StudyFieldValue.objects.get(extraction=mine, key="sessions")
    assert (saved.value, saved.source) == (3, "p. 4")


def test_a_refused_value_answers_400_naming_it_and_saves_nothing(client, review, reviewer, mine):
    client.force_login(reviewer)
    response = client.post(
        url(review, f"entry/{mine.pk}/field/sessions/"),
        {"value": "three"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400
    assert "Wang 2020 · Sessions: “three” is not a number" in response.content.decode()
    assert not StudyFieldValue.objects.exists()


def row(**numbers):
    data = {"outcome": "scar_score", "timepoint": "3 months", "format": "median_iqr"}
    data.update(numbers)
    return data


def test_an_outcome_row_saves_every_arm_and_shows_the_conversion(client, review, reviewer, mine):
    client.force_login(reviewer)
    response = client.post(
        url(review, f"entry/{mine.pk}/row/"),
        row(
            **{
                "a1-n": "30",
                "a1-median": "2",
                "a1-q1": "1",
                "a1-q3": "3",
                "a2-n": "30",
                "a2-median": "3",
                "a2-q1": "2",
                "a2-q3": "4",
                # typed earlier under another format: not sent on
                "a1-mean": "9",
                "source": "Table 2",
            }
        ),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200, response.content
    html = response.content.decode()
    assert "SVF gel: mean 2" in html and "Luo 2018 (mean), Wan 2014 (SD)" in html
    values = OutcomeValue.objects.filter(extraction=mine).order_by("arm__position")
    assert [v.reported for v in values] == [
        {"n": "30", "median": "2", "q1": "1", "q3": "3"},
        {"n": "30", "median": "3", "q1": "2", "q3": "4"},
    ]
    assert {v.source for v in values} == {"Table 2"}


def test_an_incomplete_row_is_saved_and_says_what_is_missing(client, review, reviewer, mine):
    client.force_login(reviewer)
    response = client.post(
        url(review, f"entry/{mine.pk}/row/"),
        row(format="mean_sd", **{"a1-n": "30", "a1-mean": "2.1"}),
        headers={"HX-Request": "true"},
    )
    assert "Incomplete — SVF gel: SD missing" in response.content.decode()
    assert OutcomeValue.objects.get(extraction=mine).reported == {"n": "30", "mean": "2.1"}


def test_another_extractor_cannot_see_or_write_my_extraction(client, review, reviewer2, mine):
    client.force_login(reviewer2)
    assert client.get(url(review, f"entry/{mine.pk}/")).status_code == 404
    response = client.post(url(review, f"entry/{mine.pk}/field/country/"), {"value": "X"})
    assert response.status_code == 403
    assert not StudyFieldValue.objects.exists()


def test_the_comparison_is_blinded_until_every_extraction_is_done(
    client, review, lead, reviewer, reviewer2, study
):
    extract(reviewer, study)
    extract(reviewer2, study, done=False)
    client.force_login(lead)
    response = client.get(url(review, f"studies/{study.pk}/compare/"))
    assert response.status_code == 403 and "blinded" in response.content.decode()
    assert "China" not in response.content.decode()


def test_the_lead_resolves_a_difference_on_the_comparison_page(
    client, review, lead, reviewer, reviewer2, study
):
    first = extract(reviewer, study, country="China")
    extract(reviewer2, study, country="Korea")
    client.force_login(lead)
    html = client.get(url(review, f"studies/{study.pk}/compare/")).content.decode()
    assert re.search(r'class="differs undecided">\s*<th scope="row">Country', html)
    client.post(url(review, f"studies/{study.pk}/consensus/agreeing/"))
    client.post(
        url(review, f"studies/{study.pk}/consensus/accept/"),
        {"item": "field:country", "extraction": first.pk},
    )
    client.post(url(review, f"studies/{study.pk}/consensus/complete/"))
    assert services.consensus_of(study).status == "done"


def test_the_form_builder_saves_a_new_version_once_extraction_started(client, review, lead, mine):
    client.force_login(lead)
    page = client.get(url(review, "form/"))
    assert page.status_code == 200
    form = page.context["fields"]
    data = {
        "settings-extractors_required": "2",
        "settings-assumed_r": "0.6",
        "settings-arbiter": "",
        "fields-TOTAL_FORMS": "1",
        "fields-INITIAL_FORMS": "0",
        "fields-0-label": "Country",
        "fields-0-key": "country",
        "fields-0-type": "text",
        "outcomes-TOTAL_FORMS": "1",
        "outcomes-INITIAL_FORMS": "0",
        "outcomes-0-name": "Pain",
        "outcomes-0-type": "continuous",
        "outcomes-0-direction": "lower_better",
        "outcomes-0-timepoints": "1 week; 4 weeks",
    }
    assert form is not None
    response = client.post(url(review, "form/"), data)
    assert response.status_code == 302
    current = review.form_versions.order_by("-number").first()
    assert current.number == 2
    assert current.definition["outcomes"][0]["key"] == "pain"
    assert current.definition["outcomes"][0]["timepoints"] == ["1 week", "4 weeks"]
    assert ExtractionSettings.objects.get(review=review).assumed_r == 0.6


def test_the_lock_page_lists_what_is_missing_then_locks(client, review, lead, ready_to_lock):
    client.force_login(lead)
    study = ready_to_lock["Wang 2020"]
    consensus.consensus_reopen(user=lead, study=study)
    html = client.get(url(review, "lock/")).content.decode()
    assert "Wang 2020: consensus not complete." in html
    consensus.consensus_complete(user=lead, study=study)
    response = client.post(url(review, "lock/lock/"), {"reason": "Primary analysis"})
    assert response.status_code == 302
    html = client.get(url(review, "lock/")).content.decode()
    assert "Locked at snapshot v1" in html and "Primary analysis" in html
    assert "metaanalyze" in html


def test_the_entry_page_is_read_only_while_locked(client, review, lead, reviewer, ready_to_lock):
    locking.extraction_lock(lead=lead, review=review)
    extraction = Extraction.objects.filter(extractor=reviewer).first()
    client.force_login(reviewer)
    html = client.get(url(review, f"entry/{extraction.pk}/")).content.decode()
    assert "Extraction is locked" in html and '<fieldset class="entry-block" disabled>' in html


def test_agree_needs_both_done(lead, reviewer, reviewer2, study):
    extract(reviewer, study)
    extract(reviewer2, study)
    assert agree(lead, study).status == "done"


def test_the_consensus_entry_page_shows_what_each_extractor_entered_where_they_differ(
    client, review, lead, reviewer, reviewer2, study
):
    extract(reviewer, study, country="China")
    extract(reviewer2, study, country="Korea")
    client.force_login(lead)
    response = client.post(url(review, f"studies/{study.pk}/consensus/entry/"))
    agreed = Extraction.objects.get(study=study, extractor__isnull=True)
    assert response["Location"] == url(review, f"entry/{agreed.pk}/")
    html = client.get(response["Location"]).content.decode()
    assert "consensus" in html
    assert "Country: reviewer: China | reviewer2: Korea" in html
    assert "reviewer: Mean, SD: n 30 · Mean 2.1 · SD 0.9" not in html  # they agree there


def test_a_several_choices_field_saves_every_ticked_choice(client, review, reviewer, mine):
    client.force_login(reviewer)
    services.form_save(
        lead=review.created_by,
        review=review,
        definition={
            "fields": [
                {
                    "key": "types",
                    "label": "Types",
                    "type": "multi_choice",
                    "choices": ["SVF", "ReCell", "Fat grafting"],
                }
            ],
            "outcomes": [],
        },
    )
    client.post(url(review, f"entry/{mine.pk}/field/types/"), {"multi": "1", "value": ["SVF"]})
    assert StudyFieldValue.objects.get(extraction=mine, key="types").value == ["SVF"]
    client.post(
        url(review, f"entry/{mine.pk}/field/types/"), {"multi": "1", "value": ["SVF", "ReCell"]}
    )
    assert StudyFieldValue.objects.get(extraction=mine, key="types").value == ["SVF", "ReCell"]
