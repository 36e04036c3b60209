"""Every review endpoint and page, for every persona: outsiders get 404, members below the
role an action needs get 403, and nothing changes when a request is refused."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from analysis.models import AnalysisPlan
from extraction import locking
from extraction import services as extraction_services
from extraction.models import (
    Arm,
    ConsensusDecision,
    Extraction,
    ExtractionLock,
    FormVersion,
    OutcomeValue,
    Snapshot,
    Study,
    StudyFieldValue,
    StudyReport,
)
from reviews.import_rejects import RecordsRefused
from reviews.imports import import_file, import_stage
from reviews.models import (
    AuditEvent,
    DedupRun,
    DuplicateCluster,
    DuplicatePair,
    Job,
    Membership,
    Record,
    SearchImport,
)
from rob import services as rob_services
from rob.models import Answer as RobAnswer
from rob.models import Assessment as RobAssessment
from rob.models import Assignment as RobAssignment
from rob.models import DomainJudgement as RobDomainJudgement
from screening.fulltext import fulltext_upload
from screening.models import Decision, FullText, Resolution
from screening.services import decision_record
from tests.extraction.conftest import FORM, agree, extract
from tests.extraction.test_importer import csv_bytes
from tests.factories import UserFactory
from tests.reviews.dedup_data import make_import, pending_pair
from tests.rob.conftest import ALL_LOW, assess
from tests.screening.fulltext_data import pdf_upload

NBIB = (
    Path(__file__).resolve().parents[1]
    / "fixtures/imports/pubmed_medline/biopython_pubmed_result2.txt"
)
RIS = Path(__file__).resolve().parents[1] / "fixtures/imports/ris/synthesisr_Ovid_ris_example.ris"


def nbib_upload():
    return SimpleUploadedFile(NBIB.name, NBIB.read_bytes())


def state():
    """What a refused request must leave unchanged."""
    return (
        AuditEvent.objects.count(),
        SearchImport.objects.count(),
        list(SearchImport.objects.order_by("pk").values_list("column_mapping", flat=True)),
        Record.objects.count(),
        list(Record.objects.order_by("pk").values_list("cluster_id", flat=True)),
        list(DuplicateCluster.objects.order_by("pk").values_list("undone_at", flat=True)),
        list(DuplicatePair.objects.order_by("pk").values_list("status", flat=True)),
        DedupRun.objects.count(),
        Decision.objects.count(),
        Resolution.objects.count(),
        FullText.objects.count(),
        list(FullText.objects.order_by("pk").values_list("not_retrieved", "sha256", "file")),
        *(
            model.objects.count()
            for model in (
                Study,
                StudyReport,
                FormVersion,
                Extraction,
                StudyFieldValue,
                Arm,
                OutcomeValue,
                ConsensusDecision,
                Snapshot,
                ExtractionLock,
                RobAssignment,
                RobAssessment,
                RobAnswer,
                RobDomainJudgement,
            )
        ),
        list(RobAssessment.objects.order_by("pk").values_list("status", flat=True)),
        list(Study.objects.order_by("pk").values_list("label", "design")),
        list(Extraction.objects.order_by("pk").values_list("status", flat=True)),
    )


RANK = {"viewer": 0, "reviewer": 1, "lead": 2}


def expected_status(persona: str, needs: str, success: int) -> int:
    if persona == "outsider":
        return 404
    return success if RANK[persona] >= RANK[needs] else 403


@pytest.fixture
def targets(review, viewer, reviewer, lead, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    UserFactory(username="newbie")
    job = Job.objects.create(review=review, kind="worker_check")
    done = import_file(
        user=lead,
        review=review,
        upload=SimpleUploadedFile(RIS.name, RIS.read_bytes()),
        database="other",
    )
    staged = import_stage(user=lead, review=review, upload=nbib_upload(), database="pubmed")
    staged_csv = import_stage(
        user=lead,
        review=review,
        upload=SimpleUploadedFile("sheet.csv", b"heading,yr\nSynthetic CSV title,2020\n"),
        database="other",
        format_name="generic_csv",
    )
    try:  # refused for one record without a title: the skip choice is offered on it
        import_file(
            user=lead,
            review=review,
            upload=SimpleUploadedFile(
                "refused.ris", b"TY  - JOUR\nTI  - Kept\nER  - \nTY  - JOUR\nER  - \n"
            ),
            database="other",
        )
    except RecordsRefused:
        refused = SearchImport.objects.get(file_name="refused.ris")
    a, b, c, d = make_import(
        review,
        lead,
        "embase",
        [
            ("Synthetic A", "10.5555/p.1"),
            ("Synthetic A.", "10.5555/p.1"),
            ("Synthetic B", ""),
            ("Synthetic B (abstract)", ""),
        ],
    )
    cluster = DuplicateCluster.objects.create(
        review=review, primary=a, merged={"title": "Synthetic A"}, field_sources={}, automatic=True
    )
    Record.objects.filter(pk__in=[a.pk, b.pk]).update(cluster=cluster)
    # Two reports sought at full text (included at title/abstract), the first with its PDF.
    reports = make_import(review, lead, "pubmed", [("Synthetic C", ""), ("Synthetic D", "")])
    for report in reports:
        for user in (lead, reviewer):
            decision_record(
                reviewer=user,
                review=review,
                record_id=report.pk,
                stage="title_abstract",
                decision="include",
            )
    fulltext_upload(user=lead, review=review, record_id=reports[0].pk, upload=pdf_upload())
    return {
        "ft_record": reports[0].pk,
        "ft_other": reports[1].pk,
        "first_record": Record.objects.filter(search_import=done).order_by("source_index")[0].pk,
        "pair": pending_pair(review, c, d).pk,
        "cluster": cluster.pk,
        "review": review.pk,
        "membership": Membership.objects.get(review=review, user=viewer).pk,
        "job": job.pk,
        "import": done.pk,
        "staged": staged.pk,
        "staged_csv": staged_csv.pk,
        "refused": refused.pk,
        # A plan (not checked against a form): the API's plan paths need an id that exists.
        "analysis_plan": AnalysisPlan.objects.create(
            review=review, outcome="scar_score", measure="SMD"
        ).pk,
    }


API = [
    # (method, path, payload, role needed, success status)
    ("get", "/api/v1/reviews/{review}/", None, "viewer", 200),
    ("patch", "/api/v1/reviews/{review}/", {"population": "Adults"}, "lead", 200),
    ("delete", "/api/v1/reviews/{review}/", None, "lead", 204),
    ("get", "/api/v1/reviews/{review}/members/", None, "viewer", 200),
    (
        "post",
        "/api/v1/reviews/{review}/members/",
        {"username": "newbie", "role": "viewer"},
        "lead",
        201,
    ),
    ("patch", "/api/v1/reviews/{review}/members/{membership}/", {"role": "reviewer"}, "lead", 200),
    ("delete", "/api/v1/reviews/{review}/members/{membership}/", None, "lead", 204),
    ("get", "/api/v1/reviews/{review}/audit/", None, "lead", 200),
    ("post", "/api/v1/reviews/{review}/worker-check/", None, "lead", 202),
    ("get", "/api/v1/jobs/{job}/", None, "viewer", 200),
    ("get", "/api/v1/reviews/{review}/imports/", None, "viewer", 200),
    ("get", "/api/v1/reviews/{review}/imports/{import}/", None, "viewer", 200),
    (
        "post",
        "/api/v1/reviews/{review}/imports/{refused}/skip-invalid/",
        {"skip": 1},
        "reviewer",
        202,
    ),
    ("get", "/api/v1/reviews/{review}/records/", None, "viewer", 200),
    ("get", "/api/v1/reviews/{review}/screening/title_abstract/next/", None, "reviewer", 200),
    (
        "post",
        "/api/v1/reviews/{review}/screening/title_abstract/decisions/",
        {"record": "{first_record}", "decision": "include"},
        "reviewer",
        200,
    ),
    ("get", "/api/v1/reviews/{review}/screening/title_abstract/decisions/", None, "viewer", 200),
    ("get", "/api/v1/reviews/{review}/screening/title_abstract/conflicts/", None, "viewer", 200),
    ("get", "/api/v1/reviews/{review}/screening/title_abstract/agreement/", None, "viewer", 200),
    ("get", "/api/v1/reviews/{review}/screening/title_abstract/ranking/", None, "viewer", 200),
    (
        "post",
        "/api/v1/reviews/{review}/screening/title_abstract/conflicts/{first_record}/resolve/",
        {"decision": "include"},
        "lead",
        400,
    ),
    ("get", "/api/v1/reviews/{review}/prisma/", None, "viewer", 200),
    ("get", "/api/v1/reviews/{review}/records/{ft_record}/fulltext/", None, "viewer", 200),
    (
        "post",
        "/api/v1/reviews/{review}/records/{ft_record}/fulltext/",
        lambda: {"file": pdf_upload()},
        "reviewer",
        201,
    ),
    ("delete", "/api/v1/reviews/{review}/records/{ft_record}/fulltext/", None, "reviewer", 204),
    (
        "post",
        "/api/v1/reviews/{review}/records/{ft_other}/fulltext/not-retrieved/",
        {"note": "No access"},
        "reviewer",
        200,
    ),
    ("get", "/api/v1/reviews/{review}/records/{ft_record}/fulltext/pdf/", None, "viewer", 200),
    ("get", "/api/v1/reviews/{review}/dedup/", None, "viewer", 200),
    ("post", "/api/v1/reviews/{review}/dedup/", {}, "reviewer", 202),
    ("get", "/api/v1/reviews/{review}/dedup/candidates/", None, "viewer", 200),
    (
        "post",
        "/api/v1/reviews/{review}/dedup/candidates/{pair}/",
        {"duplicate": False},
        "reviewer",
        200,
    ),
    ("post", "/api/v1/reviews/{review}/dedup/clusters/{cluster}/undo/", {}, "reviewer", 200),
    (
        "post",
        "/api/v1/reviews/{review}/imports/",
        lambda: {"file": nbib_upload(), "database": "pubmed"},
        "reviewer",
        201,
    ),
]


@pytest.mark.parametrize("persona", ["outsider", "viewer", "reviewer", "lead"])
@pytest.mark.parametrize(("method", "path", "payload", "needs", "success"), API)
def test_api_endpoint_enforces_roles(
    api_as, personas, targets, persona, method, path, payload, needs, success
):
    before = state()
    client = api_as(personas[persona])
    if callable(payload):
        response = getattr(client, method)(path.format(**targets), payload(), format="multipart")
    else:
        if isinstance(payload, dict):
            payload = {
                k: int(v.format(**targets)) if v == "{first_record}" else v
                for k, v in payload.items()
            }
        response = getattr(client, method)(path.format(**targets), payload, format="json")
    expected = expected_status(persona, needs, success)
    assert response.status_code == expected, response.content
    if expected in (403, 404):
        assert response.json()["detail"]
        assert state() == before


@pytest.mark.parametrize("persona", ["outsider", "viewer", "reviewer", "lead"])
def test_review_list_shows_only_own_reviews(api_as, personas, review, persona):
    titles = [
        r["title"] for r in api_as(personas[persona]).get("/api/v1/reviews/").json()["results"]
    ]
    assert titles == ([] if persona == "outsider" else [review.title])


PAGES = [
    ("get", "/reviews/{review}/", None, "viewer", 200),
    ("get", "/reviews/{review}/members/", None, "viewer", 200),
    ("post", "/reviews/{review}/members/", {"username": "newbie", "role": "viewer"}, "lead", 302),
    ("post", "/reviews/{review}/members/{membership}/role/", {"role": "reviewer"}, "lead", 302),
    ("post", "/reviews/{review}/members/{membership}/remove/", {}, "lead", 302),
    ("get", "/reviews/{review}/audit/", None, "lead", 200),
    ("get", "/reviews/{review}/edit/", None, "lead", 200),
    (
        "post",
        "/reviews/{review}/edit/",
        {"title": "Renamed", "dedup_auto_threshold": 0.99, "dedup_review_threshold": 0.5},
        "lead",
        302,
    ),
    ("get", "/reviews/{review}/delete/", None, "lead", 200),
    ("post", "/reviews/{review}/worker-check/", {}, "lead", 200),
    ("get", "/reviews/jobs/{job}/", None, "viewer", 200),
    ("get", "/reviews/{review}/imports/", None, "viewer", 200),
    ("get", "/reviews/{review}/imports/{import}/", None, "viewer", 200),
    ("get", "/reviews/{review}/records/", None, "viewer", 200),
    ("get", "/reviews/{review}/records/export.ris", None, "viewer", 200),
    ("get", "/reviews/{review}/records/export.csv", None, "viewer", 200),
    ("get", "/reviews/{review}/records/export.json", None, "viewer", 200),
    (
        "post",
        "/reviews/{review}/imports/{staged_csv}/mapping/",
        {"map_title": "heading", "map_year": "yr"},
        "reviewer",
        200,
    ),
    ("post", "/reviews/{review}/imports/{staged_csv}/discard/", {}, "reviewer", 200),
    ("post", "/reviews/{review}/imports/{refused}/skip-invalid/", {"skip": "1"}, "reviewer", 200),
    (
        "post",
        "/reviews/{review}/imports/stage/",
        lambda: {"file": nbib_upload(), "database": "pubmed"},
        "reviewer",
        200,
    ),
    ("post", "/reviews/{review}/imports/{staged}/start/", {}, "reviewer", 200),
    ("get", "/reviews/{review}/screening/title_abstract/", None, "reviewer", 200),
    ("get", "/reviews/{review}/screening/title_abstract/progress/", None, "reviewer", 200),
    (
        "post",
        "/reviews/{review}/screening/title_abstract/decide/",
        {"record": "{first_record}", "decision": "include"},
        "reviewer",
        200,
    ),
    (
        "post",
        "/reviews/{review}/screening/title_abstract/withdraw/",
        {"record": "{first_record}"},
        "reviewer",
        200,
    ),
    ("get", "/reviews/{review}/screening/title_abstract/records/", None, "viewer", 200),
    ("get", "/reviews/{review}/screening/title_abstract/conflicts/", None, "viewer", 200),
    ("get", "/reviews/{review}/screening/full_text/?record={ft_record}", None, "reviewer", 200),
    (
        "post",
        "/reviews/{review}/screening/fulltext/{ft_record}/upload/",
        lambda: {"file": pdf_upload()},
        "reviewer",
        302,
    ),
    (
        "post",
        "/reviews/{review}/screening/fulltext/{ft_other}/not-retrieved/",
        {"note": "No access"},
        "reviewer",
        302,
    ),
    ("post", "/reviews/{review}/screening/fulltext/{ft_record}/remove/", {}, "reviewer", 302),
    ("get", "/reviews/{review}/screening/fulltext/{ft_record}/pdf/", None, "viewer", 200),
    ("get", "/reviews/{review}/screening/title_abstract/settings/", None, "lead", 200),
    ("get", "/reviews/{review}/screening/title_abstract/agreement.csv", None, "viewer", 200),
    (
        "post",
        "/reviews/{review}/screening/title_abstract/settings/",
        {"reviewers_required": "1", "exclusion_reasons": "Wrong population"},
        "lead",
        302,
    ),
    (
        "post",
        "/reviews/{review}/screening/title_abstract/conflicts/{first_record}/resolve/",
        {"decision": "include"},
        "lead",
        302,
    ),
    ("get", "/reviews/{review}/dedup/", None, "viewer", 200),
    ("get", "/reviews/{review}/dedup/queue/", None, "viewer", 200),
    ("post", "/reviews/{review}/dedup/run/", {}, "reviewer", 302),
    (
        "post",
        "/reviews/{review}/dedup/pairs/{pair}/decide/",
        {"decision": "not_duplicate"},
        "reviewer",
        200,
    ),
    ("post", "/reviews/{review}/dedup/clusters/{cluster}/undo/", {}, "reviewer", 302),
    ("post", "/reviews/{review}/imports/{staged}/discard/", {}, "reviewer", 200),
]


@pytest.mark.parametrize("persona", ["outsider", "viewer", "reviewer", "lead"])
@pytest.mark.parametrize(("method", "path", "payload", "needs", "success"), PAGES)
def test_page_enforces_roles(
    client, personas, targets, persona, method, path, payload, needs, success
):
    before = state()
    client.force_login(personas[persona])
    data = payload() if callable(payload) else payload or {}
    data = {k: v.format(**targets) if isinstance(v, str) else v for k, v in data.items()}
    response = getattr(client, method)(path.format(**targets), data)
    assert response.status_code == expected_status(persona, needs, success)
    if response.status_code in (403, 404):
        assert state() == before


@pytest.mark.parametrize(
    "path", ["/reviews/", "/reviews/new/", "/reviews/{review}/", "/accounts/password/"]
)
def test_anonymous_page_request_redirects_to_login(client, targets, path):
    response = client.get(path.format(**targets))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_job_of_someone_elses_review_looks_like_no_job_at_all(api_as, outsider, targets, lead):
    other_users_job = Job.objects.create(review=None, kind="worker_check", created_by=lead)
    client = api_as(outsider)
    missing = client.get("/api/v1/jobs/999999/")
    assert missing.status_code == 404
    for job_id in (targets["job"], other_users_job.pk):
        response = client.get(f"/api/v1/jobs/{job_id}/")
        assert (response.status_code, response.json()) == (missing.status_code, missing.json())


# Extraction --------------------------------------------------------------------------------
# Viewers read, reviewers extract (their own extraction: `{mine}` is each persona's own, the
# lead's for those who have none), leads build the form, manage studies and reports, build
# consensus, lock, unlock and import. Who may see another extractor's values is tested in
# tests/extraction/test_access.py.


@pytest.fixture
def extraction_targets(review, lead, reviewer):
    extraction_services.form_save(lead=lead, review=review, definition=FORM)
    extraction_services.settings_update(lead=lead, review=review, data={"extractors_required": 1})

    def hand_added(label):
        return extraction_services.study_create(
            lead=lead,
            review=review,
            label=label,
            citation=f"{label}. Synthetic.",
            design="parallel",
        )

    done = hand_added("Kim 2018")
    extract(lead, done)
    agree(lead, done)
    # A snapshot exists (v1) and the review is unlocked again.
    locking.extraction_lock(lead=lead, review=review)
    locking.extraction_unlock(lead=lead, review=review, reason="Permission matrix")
    extraction_services.settings_update(lead=lead, review=review, data={"extractors_required": 2})
    compared = hand_added("Park 2020")
    compared_extraction = extract(lead, compared)
    extract(reviewer, compared)
    in_progress = hand_added("Ito 2019")
    lead_own = extraction_services.extraction_start(extractor=lead, study=in_progress)
    reviewer_own = extraction_services.extraction_start(extractor=reviewer, study=in_progress)
    (record,) = make_import(review, lead, "other", [("Synthetic record not included", "")])
    return {
        "review": review.pk,
        "study_done": done.pk,
        "consensus_done": Extraction.objects.get(study=done, extractor__isnull=True).pk,
        "study_compared": compared.pk,
        "compared_extraction": compared_extraction.pk,
        "study_open": in_progress.pk,
        "study_new": hand_added("Oh 2016").pk,
        "record": record.pk,
        "mine": {
            "lead": lead_own.pk,
            "reviewer": reviewer_own.pk,
            "viewer": lead_own.pk,
            "outsider": lead_own.pk,
        },
    }


@pytest.fixture
def rob_assignment_target(extraction_targets, review, lead, reviewer):
    """A RoB 2 assessment both members have done, its consensus started: made after
    `extraction_targets`, whose lock wants every study of the review to have its consensus."""
    rob_study = extraction_services.study_create(
        lead=lead, review=review, label="Rob 2019", citation="Synthetic.", design="parallel"
    )
    rob_assignment = rob_services.assignment_create(lead=lead, study=rob_study, result="Pain")
    for user in (lead, reviewer):
        assess(
            user, rob_services.assessment_start(assessor=user, assignment=rob_assignment), ALL_LOW
        )
    rob_services.consensus_start(user=lead, assignment=rob_assignment)
    return rob_assignment.pk


def _resolved(targets: dict, persona: str) -> dict:
    return {**targets, "mine": targets["mine"][persona]}


def extraction_upload():
    # Studies new to the review (Kim 2018 has consensus data already).
    content = csv_bytes().replace(b"Kim 2018", b"Yoo 2015")
    return SimpleUploadedFile("extraction.csv", content)


X = "/api/v1/reviews/{review}/extraction/"
EXTRACTION_API = [
    ("get", X + "settings/", None, "viewer", 200),
    ("patch", X + "settings/", {"assumed_r": 0.4}, "lead", 200),
    ("get", X + "form/", None, "viewer", 200),
    ("put", X + "form/", {"definition": {"fields": [], "outcomes": []}}, "lead", 200),
    ("get", X + "form/versions/", None, "viewer", 200),
    ("get", X + "studies/", None, "viewer", 200),
    ("post", X + "studies/", {"label": "Lim 2017", "citation": "Lim. 2017."}, "lead", 201),
    ("get", X + "studies/{study_done}/", None, "viewer", 200),
    ("patch", X + "studies/{study_open}/", {"design": "cohort"}, "lead", 200),
    ("delete", X + "studies/{study_open}/", None, "lead", 204),
    ("post", X + "studies/{study_open}/reports/", {"record": "{record}"}, "lead", 400),
    ("delete", X + "studies/{study_open}/reports/{record}/", None, "lead", 400),
    ("post", X + "studies/{study_new}/extractions/", None, "reviewer", 201),
    ("get", X + "extractions/{consensus_done}/", None, "viewer", 200),
    ("put", X + "extractions/{mine}/fields/country/", {"value": "China"}, "reviewer", 200),
    ("put", X + "extractions/{mine}/arms/1/", {"label": "SVF", "n": 10}, "reviewer", 200),
    ("delete", X + "extractions/{mine}/arms/1/", None, "reviewer", 400),
    (
        "put",
        X + "extractions/{mine}/outcomes/",
        {"outcome": "scar_score", "timepoint": "3 months", "cells": []},
        "reviewer",
        200,
    ),
    ("post", X + "extractions/{mine}/done/", None, "reviewer", 400),
    ("post", X + "extractions/{mine}/reopen/", None, "reviewer", 200),
    ("get", X + "studies/{study_done}/comparison/", None, "viewer", 200),
    (
        "post",
        X + "studies/{study_compared}/consensus/accept/",
        {"item": "field:country", "extraction": "{compared_extraction}"},
        "lead",
        200,
    ),
    ("post", X + "studies/{study_compared}/consensus/agreeing/", None, "lead", 200),
    ("post", X + "studies/{study_compared}/consensus/complete/", None, "lead", 400),
    ("post", X + "studies/{study_done}/consensus/reopen/", None, "lead", 200),
    ("get", X + "lock/", None, "viewer", 200),
    ("post", X + "lock/", {}, "lead", 400),
    ("post", X + "unlock/", {"reason": "Not locked"}, "lead", 409),
    ("get", X + "snapshots/", None, "viewer", 200),
    ("get", X + "snapshots/1/", None, "viewer", 200),
    ("get", X + "snapshots/1/export.csv", None, "viewer", 200),
    ("get", X + "snapshots/1/export.xlsx", None, "viewer", 200),
    (
        "get",
        X + "snapshots/1/metaanalyze.csv?outcome=scar_score&timepoint=3+months",
        None,
        "viewer",
        200,
    ),
    ("post", X + "import/", lambda: {"file": extraction_upload()}, "lead", 201),
]


@pytest.mark.parametrize("persona", ["outsider", "viewer", "reviewer", "lead"])
@pytest.mark.parametrize(("method", "path", "payload", "needs", "success"), EXTRACTION_API)
def test_extraction_api_endpoint_enforces_roles(
    api_as, personas, extraction_targets, persona, method, path, payload, needs, success
):
    targets = _resolved(extraction_targets, persona)
    before = state()
    client = api_as(personas[persona])
    if callable(payload):
        response = getattr(client, method)(path.format(**targets), payload(), format="multipart")
    else:
        if isinstance(payload, dict):
            payload = {
                k: int(v.format(**targets)) if isinstance(v, str) and v.startswith("{") else v
                for k, v in payload.items()
            }
        response = getattr(client, method)(path.format(**targets), payload, format="json")
    expected = expected_status(persona, needs, success)
    assert response.status_code == expected, response.content
    if expected in (403, 404):
        assert response.json()["detail"]
        assert state() == before


P = "/reviews/{review}/extraction/"
FORM_POST = {
    "settings-extractors_required": "2",
    "settings-assumed_r": "0.5",
    "fields-TOTAL_FORMS": "0",
    "fields-INITIAL_FORMS": "0",
    "outcomes-TOTAL_FORMS": "0",
    "outcomes-INITIAL_FORMS": "0",
}
EXTRACTION_PAGES = [
    ("get", P, None, "viewer", 200),
    ("get", P + "studies/{study_done}/", None, "viewer", 200),
    ("get", P + "studies/new/", None, "lead", 200),
    ("post", P + "studies/new/", {"label": "Lim 2017", "citation": "Lim. 2017."}, "lead", 302),
    (
        "post",
        P + "studies/{study_open}/edit/",
        {"label": "Ito 2019", "design": "cohort", "citation": "Ito."},
        "lead",
        302,
    ),
    ("post", P + "studies/{study_open}/delete/", {}, "lead", 302),
    ("post", P + "studies/{study_open}/link/", {"record": "{record}"}, "lead", 302),
    ("post", P + "studies/{study_open}/unlink/", {"record": "{record}"}, "lead", 302),
    ("post", P + "studies/{study_new}/start/", {}, "reviewer", 302),
    ("get", P + "form/", None, "lead", 200),
    ("post", P + "form/", FORM_POST, "lead", 302),
    ("get", P + "entry/{consensus_done}/", None, "viewer", 200),
    ("post", P + "entry/{mine}/field/country/", {"value": "China"}, "reviewer", 200),
    ("post", P + "entry/{mine}/arms/new/", {"label": "SVF"}, "reviewer", 302),
    ("post", P + "entry/{mine}/arms/1/", {"label": "SVF", "n": "10"}, "reviewer", 200),
    ("post", P + "entry/{mine}/arms/1/delete/", {}, "reviewer", 302),
    (
        "post",
        P + "entry/{mine}/row/",
        {"outcome": "scar_score", "timepoint": "3 months", "format": "mean_sd"},
        "reviewer",
        200,
    ),
    ("post", P + "entry/{mine}/done/", {}, "reviewer", 302),
    ("post", P + "entry/{mine}/reopen/", {}, "reviewer", 302),
    ("get", P + "studies/{study_done}/compare/", None, "viewer", 200),
    (
        "post",
        P + "studies/{study_compared}/consensus/accept/",
        {"item": "field:country", "extraction": "{compared_extraction}"},
        "lead",
        302,
    ),
    ("post", P + "studies/{study_compared}/consensus/agreeing/", {}, "lead", 302),
    ("post", P + "studies/{study_compared}/consensus/complete/", {}, "lead", 302),
    ("post", P + "studies/{study_compared}/consensus/entry/", {}, "lead", 302),
    ("post", P + "studies/{study_done}/consensus/reopen/", {}, "lead", 302),
    ("get", P + "lock/", None, "viewer", 200),
    ("post", P + "lock/lock/", {}, "lead", 302),
    ("post", P + "lock/unlock/", {"reason": "Not locked"}, "lead", 302),
    ("post", P + "import/", lambda: {"file": extraction_upload()}, "lead", 302),
    ("get", P + "snapshots/1/export.csv", None, "viewer", 200),
    ("get", P + "snapshots/1/export.xlsx", None, "viewer", 200),
    (
        "get",
        P + "snapshots/1/metaanalyze.csv?outcome=scar_score&timepoint=3+months",
        None,
        "viewer",
        200,
    ),
]


@pytest.mark.parametrize("persona", ["outsider", "viewer", "reviewer", "lead"])
@pytest.mark.parametrize(("method", "path", "payload", "needs", "success"), EXTRACTION_PAGES)
def test_extraction_page_enforces_roles(
    client, personas, extraction_targets, persona, method, path, payload, needs, success
):
    targets = _resolved(extraction_targets, persona)
    before = state()
    client.force_login(personas[persona])
    data = payload() if callable(payload) else payload or {}
    data = {k: v.format(**targets) if isinstance(v, str) else v for k, v in data.items()}
    response = getattr(client, method)(path.format(**targets), data)
    assert response.status_code == expected_status(persona, needs, success)
    if response.status_code in (403, 404):
        assert state() == before


# Risk of bias --------------------------------------------------------------------------------
# Viewers read tools, assignments, plots, exports and finished consensus; reviewers assess
# (their own assessment: `{rob_mine}` is each persona's own, the lead's for those who have
# none); leads assign tools and, with the arbiter, compare and build the consensus. Who sees
# another assessor's answers is tested in tests/rob/.


@pytest.fixture
def rob_targets(review, lead, reviewer):
    def study(label):
        return extraction_services.study_create(
            lead=lead,
            review=review,
            label=label,
            citation=f"{label}. Synthetic.",
            design="parallel",
        )

    def assigned(label, tool="rob2-parallel-assignment"):
        return rob_services.assignment_create(
            lead=lead, study=study(label), tool=tool, result="" if tool == "rob1" else "Pain"
        )

    def both(assignment, second):
        for user, judgements in ((lead, ALL_LOW), (reviewer, second)):
            assess(
                user,
                rob_services.assessment_start(assessor=user, assignment=assignment),
                judgements,
            )

    open_ = assigned("Kim 2018")
    lead_own = rob_services.assessment_start(assessor=lead, assignment=open_)
    reviewer_own = rob_services.assessment_start(assessor=reviewer, assignment=open_)
    done = assigned("Park 2020")
    both(done, ALL_LOW)
    started = assigned("Ito 2019")
    both(started, {**ALL_LOW, "D2": "high"})
    rob_services.consensus_start(user=lead, assignment=started)
    final = assigned("Oh 2016", tool="rob1")
    rob1 = {f"D{i}": "low" for i in range(1, 8)}
    for user in (lead, reviewer):
        mine = rob_services.assessment_start(assessor=user, assignment=final)
        for domain, judgement in rob1.items():
            rob_services.domain_save(
                user=user, assessment=mine, domain_id=domain, answers={}, judgement=judgement
            )
        rob_services.assessment_done(user=user, assessment=mine)
    consensus = rob_services.consensus_start(user=lead, assignment=final)
    rob_services.assessment_done(user=lead, assessment=consensus)
    return {
        "review": review.pk,
        "rob_study": study("Yoo 2015").pk,
        "rob_new": assigned("Lim 2017").pk,
        "rob_open": open_.pk,
        "rob_done": done.pk,
        "rob_started": started.pk,
        "rob_final": final.pk,
        "rob_mine": {
            "lead": lead_own.pk,
            "reviewer": reviewer_own.pk,
            "viewer": lead_own.pk,
            "outsider": lead_own.pk,
        },
        "rob_mine_done": {
            persona: RobAssessment.objects.get(
                assignment=done, assessor=reviewer if persona == "reviewer" else lead
            ).pk
            for persona in ("lead", "reviewer", "viewer", "outsider")
        },
    }


def _rob_resolved(targets: dict, persona: str) -> dict:
    return {
        **targets,
        "rob_mine": targets["rob_mine"][persona],
        "rob_mine_done": targets["rob_mine_done"][persona],
    }


RB = "/api/v1/reviews/{review}/rob/"
RA = RB + "assignments/"
ROB_API = [
    ("get", RB + "tools/", None, "viewer", 200),
    ("get", RB + "tools/rob1/", None, "viewer", 200),
    ("get", RB + "settings/", None, "viewer", 200),
    ("patch", RB + "settings/", {"assessors_required": 2}, "lead", 200),
    ("get", RA, None, "viewer", 200),
    ("post", RA, {"study": "{rob_study}", "tool": "rob1"}, "lead", 201),
    ("get", RA + "{rob_open}/", None, "viewer", 200),
    ("delete", RA + "{rob_new}/", None, "lead", 204),
    ("get", RA + "{rob_open}/mine/", None, "reviewer", 200),
    ("post", RA + "{rob_new}/mine/", None, "reviewer", 201),
    (
        "put",
        RA + "{rob_open}/mine/",
        {"domain": "D1", "answers": {"1.1": {"answer": "Y"}}},
        "reviewer",
        200,
    ),
    ("put", RA + "{rob_open}/mine/overall/", {"judgement": ""}, "reviewer", 200),
    ("post", RA + "{rob_open}/mine/done/", None, "reviewer", 400),
    ("post", RA + "{rob_done}/mine/reopen/", None, "reviewer", 200),
    ("get", RA + "{rob_done}/comparison/", None, "lead", 200),
    ("post", RA + "{rob_done}/consensus/", None, "lead", 201),
    ("get", RA + "{rob_final}/consensus/", None, "viewer", 200),
    ("put", RA + "{rob_started}/consensus/", {"domain": "D1", "answers": {}}, "lead", 200),
    ("put", RA + "{rob_started}/consensus/overall/", {"judgement": ""}, "lead", 200),
    ("post", RA + "{rob_started}/consensus/complete/", None, "lead", 400),
    ("post", RA + "{rob_final}/consensus/reopen/", None, "lead", 200),
]


@pytest.mark.parametrize("persona", ["outsider", "viewer", "reviewer", "lead"])
@pytest.mark.parametrize(("method", "path", "payload", "needs", "success"), ROB_API)
def test_rob_api_endpoint_enforces_roles(
    api_as, personas, rob_targets, persona, method, path, payload, needs, success
):
    targets = _rob_resolved(rob_targets, persona)
    before = state()
    if isinstance(payload, dict):
        payload = {
            k: int(v.format(**targets)) if isinstance(v, str) and v.startswith("{") else v
            for k, v in payload.items()
        }
    response = getattr(api_as(personas[persona]), method)(
        path.format(**targets), payload, format="json"
    )
    expected = expected_status(persona, needs, success)
    assert response.status_code == expected, response.content
    if expected in (403, 404):
        assert response.json()["detail"]
        assert state() == before


RP = "/reviews/{review}/rob/"
ROB_PAGES = [
    ("get", RP, None, "viewer", 200),
    ("post", RP + "assign/", {"study": "{rob_study}", "tool": "rob1"}, "lead", 302),
    ("post", RP + "settings/", {"assessors_required": "2"}, "lead", 302),
    ("post", RP + "assignments/{rob_new}/remove/", {}, "lead", 302),
    ("post", RP + "assignments/{rob_new}/start/", {}, "reviewer", 302),
    ("get", RP + "assignments/{rob_done}/compare/", None, "lead", 200),
    ("post", RP + "assignments/{rob_done}/consensus/", {}, "lead", 302),
    ("post", RP + "assessments/{rob_mine}/D1/", {"q-1.1": "Y"}, "reviewer", 200),
    ("post", RP + "assessments/{rob_mine}/overall/", {"judgement": ""}, "reviewer", 200),
    ("post", RP + "assessments/{rob_mine_done}/reopen/", {}, "reviewer", 302),
    ("get", RP + "plots/", None, "viewer", 200),
    ("get", RP + "plots/traffic.svg?group=rob1", None, "viewer", 200),
    ("get", RP + "plots/summary.png?group=rob1", None, "viewer", 200),
    ("get", RP + "export.csv", None, "viewer", 200),
    ("get", RP + "export.xlsx", None, "viewer", 200),
]


@pytest.mark.parametrize("persona", ["outsider", "viewer", "reviewer", "lead"])
@pytest.mark.parametrize(("method", "path", "payload", "needs", "success"), ROB_PAGES)
def test_rob_page_enforces_roles(
    client, personas, rob_targets, persona, method, path, payload, needs, success
):
    targets = _rob_resolved(rob_targets, persona)
    before = state()
    client.force_login(personas[persona])
    data = {k: v.format(**targets) if isinstance(v, str) else v for k, v in (payload or {}).items()}
    response = getattr(client, method)(path.format(**targets), data)
    assert response.status_code == expected_status(persona, needs, success)
    if response.status_code in (403, 404):
        assert state() == before


# Analysis ----------------------------------------------------------------------------------
# Every member reads plans, runs, results, plots, GRADE and the summary of findings; only
# leads create, change and run (reviewers too get 403). Data: the BCG trials (dat.bcg).


def analysis_state():
    from analysis.models import AnalysisPlan, AnalysisRun, GradeAssessment

    return (
        list(AnalysisPlan.objects.order_by("pk").values()),
        AnalysisRun.objects.count(),
        list(GradeAssessment.objects.values()),
        Job.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def analysis_targets(review, lead):
    from analysis.demo_bcg import bcg_extract_and_lock, bcg_plan, bcg_run_here

    bcg_extract_and_lock(lead=lead, review=review)
    plan = bcg_plan(lead=lead, review=review)
    run = bcg_run_here(lead=lead, plan=plan)
    return {"review": review.pk, "plan": plan.pk, "run": run.pk}


AN = "/api/v1/reviews/{review}/analysis/"
ANALYSIS_API = [
    ("get", AN + "plans/", None, "viewer", 200),
    (
        "post",
        AN + "plans/",
        {
            "outcome": "tuberculosis",
            "timepoint": "end of follow-up",
            "measure": "OR",
            "name": "Odds ratio",
        },
        "lead",
        201,
    ),
    ("get", AN + "plans/{plan}/", None, "viewer", 200),
    ("patch", AN + "plans/{plan}/", {"method": "DL"}, "lead", 200),
    ("get", AN + "plans/{plan}/grade/", None, "viewer", 200),
    ("put", AN + "plans/{plan}/grade/", {"mid": 0.2}, "lead", 200),
    ("get", AN + "runs/", None, "viewer", 200),
    ("post", AN + "runs/", {"plan": "{plan}"}, "lead", 202),
    ("get", AN + "runs/{run}/", None, "viewer", 200),
    ("get", AN + "runs/{run}/results/", None, "viewer", 200),
    ("get", AN + "runs/{run}/plots/forest/", None, "viewer", 200),
    ("get", AN + "runs/{run}/plots/funnel/?type=png", None, "viewer", 200),
]


@pytest.mark.parametrize("persona", ["outsider", "viewer", "reviewer", "lead"])
@pytest.mark.parametrize(("method", "path", "payload", "needs", "success"), ANALYSIS_API)
def test_analysis_api_endpoint_enforces_roles(
    api_as, personas, analysis_targets, persona, method, path, payload, needs, success
):
    before = analysis_state()
    if isinstance(payload, dict):
        payload = {
            k: int(v.format(**analysis_targets)) if isinstance(v, str) and v.startswith("{") else v
            for k, v in payload.items()
        }
    client = api_as(personas[persona])
    response = getattr(client, method)(path.format(**analysis_targets), payload, format="json")
    expected = expected_status(persona, needs, success)
    assert response.status_code == expected, response.content
    if expected in (403, 404):
        assert response.json()["detail"]
        assert analysis_state() == before


AP = "/reviews/{review}/analysis/"
ANALYSIS_PAGES = [
    ("get", AP, None, "viewer", 200),
    ("post", AP + "defaults/", {}, "lead", 302),
    ("post", AP + "seed-style/", {}, "lead", 302),
    ("post", AP + "run-all/", {}, "lead", 302),
    ("get", AP + "plans/new/", None, "lead", 200),
    ("get", AP + "plans/{plan}/", None, "lead", 200),
    ("post", AP + "plans/{plan}/run/", {}, "lead", 302),
    ("get", AP + "plans/{plan}/grade/", None, "viewer", 200),
    ("post", AP + "plans/{plan}/grade/", {"mid": "0.2"}, "lead", 302),
    ("get", AP + "runs/{run}/", None, "viewer", 200),
    ("get", AP + "runs/{run}/plots/forest.svg", None, "viewer", 200),
    ("get", AP + "runs/{run}/plots/forest.png", None, "viewer", 200),
    ("get", AP + "runs/{run}/results.csv", None, "viewer", 200),
    ("get", AP + "runs/{run}/results.json", None, "viewer", 200),
    ("get", AP + "runs/{run}/results.xlsx", None, "viewer", 200),
    ("get", AP + "compare/?a={run}&b={run}", None, "viewer", 200),
    ("get", AP + "summary-of-findings/", None, "viewer", 200),
    ("get", AP + "summary-of-findings/?format=xlsx", None, "viewer", 200),
]


@pytest.mark.parametrize("persona", ["outsider", "viewer", "reviewer", "lead"])
@pytest.mark.parametrize(("method", "path", "payload", "needs", "success"), ANALYSIS_PAGES)
def test_analysis_page_enforces_roles(
    client, personas, analysis_targets, persona, method, path, payload, needs, success
):
    before = analysis_state()
    client.force_login(personas[persona])
    response = getattr(client, method)(path.format(**analysis_targets), payload or {})
    assert response.status_code == expected_status(persona, needs, success)
    if response.status_code in (403, 404):
        assert analysis_state() == before
