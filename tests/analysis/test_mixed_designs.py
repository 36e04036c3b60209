"""A plan pooling a parallel trial and a within-person (split-face) trial on one SMD scale
(Cochrane Handbook ch. 23): Hedges' g beside SMCRH, with the correlation used shown. Data: the
synthetic rows of the extraction import tests."""

import json

from analysis import services
from analysis.demo_bcg import bcg_run_here
from extraction import locking
from extraction import services as extraction_services
from extraction.importer import extraction_import
from tests.extraction.conftest import FORM
from tests.extraction.test_importer import csv_bytes


def test_parallel_and_within_person_studies_pool_together(review, lead):
    extraction_services.form_save(lead=lead, review=review, definition=FORM)
    extraction_import(lead=lead, review=review, file_name="x.csv", content=csv_bytes())
    locking.extraction_lock(lead=lead, review=review)
    outcome = next(o for o in services.selectors.outcomes(review) if o.type == "continuous")
    plan = services.plan_create(
        lead=lead,
        review=review,
        data={"outcome": outcome.key, "timepoint": "3 months", "measure": "SMD", "r_values": [0.2]},
    )
    run = bcg_run_here(lead=lead, plan=plan)
    assert run.job.status == "succeeded", run.job.message
    results = json.loads(run.results)
    designs = {s["study"]: (s["design"], s["measure"], s["r"]) for s in results["studies"]}
    assert designs == {"Ito 2021": ("within", "SMCRH", 0.6), "Kim 2018": ("parallel", "SMD", None)}
    assert results["k"] == 2


def test_an_assumed_correlation_is_stated_and_varied(review, lead):
    extraction_services.form_save(lead=lead, review=review, definition=FORM)
    # Ito 2021 reports no r: the review's assumption (0.5) is used, and varied.
    content = csv_bytes().replace(b",0.6,Japan", b",,Japan")
    extraction_import(lead=lead, review=review, file_name="x.csv", content=content)
    locking.extraction_lock(lead=lead, review=review)
    outcome = next(o for o in services.selectors.outcomes(review) if o.type == "continuous")
    plan = services.plan_create(
        lead=lead,
        review=review,
        data={"outcome": outcome.key, "timepoint": "3 months", "measure": "SMD", "r_values": [0.2]},
    )
    results = json.loads(bcg_run_here(lead=lead, plan=plan).results)
    ito = next(s for s in results["studies"] if s["study"] == "Ito 2021")
    assert (ito["r"], ito["r_source"]) == (0.5, "assumed")
    assert results["r_sensitivity"]["assumed_for"] == ["Ito 2021"]
    assert [fit["r"] for fit in results["r_sensitivity"]["fits"]] == [0.2]


def test_other_correlations_with_every_r_reported_say_nothing_was_varied(review, lead, client):
    extraction_services.form_save(lead=lead, review=review, definition=FORM)
    # Ito 2021, the one within-person study, reports r = 0.6: nothing is assumed.
    extraction_import(lead=lead, review=review, file_name="x.csv", content=csv_bytes())
    locking.extraction_lock(lead=lead, review=review)
    outcome = next(o for o in services.selectors.outcomes(review) if o.type == "continuous")
    plan = services.plan_create(
        lead=lead,
        review=review,
        data={
            "outcome": outcome.key,
            "timepoint": "3 months",
            "measure": "SMD",
            "r_values": [0.2, 0.8],
        },
    )
    run = bcg_run_here(lead=lead, plan=plan)
    results = json.loads(run.results)
    assert "r_sensitivity" not in results
    note = results["sensitivity"]["correlations"]
    assert note["varied"] == []
    assert "every within-person study reports its own correlation" in note["note"]
    client.force_login(lead)
    page = client.get(f"/reviews/{review.pk}/analysis/runs/{run.pk}/").content.decode()
    assert "Other within-person correlations: nothing was varied" in page
