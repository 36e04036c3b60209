"""The API does what its OpenAPI schema (/api/schema/) says (issue #15).

Schemathesis sends every operation requests made from the schema, valid and invalid (its
examples, coverage and fuzzing phases), over HTTP to a live server on the test database, as
the lead with a token, and runs its default checks on each answer: no server error, the
status code, content type, headers and body documented, valid data accepted and invalid data
refused, and the right answers to a missing token and an undocumented method.

Each operation is a test of its own with a review of its own, seeded with members, imports,
records, a dedup run, decisions, a conflict, a full-text PDF and a job, and the ids it sends
point into that review: an operation that deletes (the review, a member, a PDF) cannot take
another operation's data away.

Every record here is synthetic (made-up titles, test DOIs under 10.5555)."""

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from extraction.services import study_create
from reviews.deduplication import dedup_now
from reviews.models import DuplicateCluster, Role
from reviews.services import worker_check_start
from rob.services import assessment_start, assignment_create, consensus_start
from screening.fulltext import fulltext_upload
from screening.models import Stage
from screening.services import decision_record
from tests.factories import MembershipFactory, UserFactory
from tests.reviews.dedup_data import make_import, pending_pair
from tests.rob.conftest import ALL_LOW, assess
from tests.screening.data import FT, TA, TITLES
from tests.screening.fulltext_data import pdf_upload

# Fuzzed requests per operation, beside the schema's examples and the coverage phase's
# boundary and invalid values: the whole run takes about three minutes on a 2-core machine,
# and is the same every time (`deterministic`), so a failure is a change, not luck.
MAX_EXAMPLES = 10

# Requests that match the schema but that the API refuses (400, saying why) for a reason no
# schema can state: what a file holds, whether an account exists, how two fields compare, or
# the state an earlier request of the run left behind. Schemathesis would count them as valid
# requests rejected; for these operations a 400 is accepted too.
REFUSED_THOUGH_WELL_FORMED = {
    "POST /api/v1/auth/token/": "a wrong username or password",
    "POST /api/v1/reviews/": "a review-queue threshold not below the automatic-merge one",
    "PATCH /api/v1/reviews/{review_id}/": "the same, after the change",
    "POST /api/v1/reviews/{review_id}/members/": "no such account, or already a member",
    "POST /api/v1/reviews/{review_id}/imports/": "a file that is not a readable export",
    "POST /api/v1/reviews/{review_id}/records/{record_id}/fulltext/": "a file that is not a PDF",
    "POST /api/v1/reviews/{review_id}/dedup/candidates/{pair_id}/": "a pair decided already",
    "POST /api/v1/reviews/{review_id}/dedup/clusters/{cluster_id}/undo/": "a group undone already",
    "POST /api/v1/reviews/{review_id}/rob/assignments/": "no such study, or assigned already",
    "DELETE /api/v1/reviews/{review_id}/rob/assignments/{assignment_id}/": (
        "assessments of it have started"
    ),
    "PATCH /api/v1/reviews/{review_id}/rob/settings/": "an arbiter who is not a member",
    "PUT /api/v1/reviews/{review_id}/rob/assignments/{assignment_id}/mine/": (
        "a domain, question or answer the tool does not have, or an override without reason"
    ),
    "PUT /api/v1/reviews/{review_id}/rob/assignments/{assignment_id}/mine/overall/": (
        "an override without reason"
    ),
    "POST /api/v1/reviews/{review_id}/rob/assignments/{assignment_id}/mine/done/": (
        "an assessment not complete"
    ),
    "PUT /api/v1/reviews/{review_id}/rob/assignments/{assignment_id}/consensus/": (
        "a domain, question or answer the tool does not have, or an override without reason"
    ),
    "PUT /api/v1/reviews/{review_id}/rob/assignments/{assignment_id}/consensus/overall/": (
        "an override without reason"
    ),
    "POST /api/v1/reviews/{review_id}/rob/assignments/{assignment_id}/consensus/complete/": (
        "a consensus not complete"
    ),
    "POST /api/v1/reviews/{review_id}/screening/{stage}/conflicts/{record_id}/resolve/": (
        "a conflict resolved already"
    ),
    "PUT /api/v1/reviews/{review_id}/extraction/form/": "a form definition that is not valid",
    "POST /api/v1/reviews/{review_id}/extraction/import/": "a file that is not a spreadsheet",
    "POST /api/v1/reviews/{review_id}/extraction/lock/": "studies whose consensus is not complete",
    "POST /api/v1/reviews/{review_id}/extraction/studies/{study_id}/consensus/accept/": (
        "a study whose extractions are not all marked done"
    ),
    "POST /api/v1/reviews/{review_id}/extraction/studies/{study_id}/consensus/agreeing/": (
        "the same"
    ),
    "POST /api/v1/reviews/{review_id}/extraction/studies/{study_id}/consensus/complete/": (
        "the same"
    ),
    "POST /api/v1/reviews/{review_id}/extraction/studies/{study_id}/consensus/reopen/": (
        "a consensus not complete"
    ),
    "POST /api/v1/reviews/{review_id}/extraction/studies/": "a label another study already has",
    "POST /api/v1/reviews/{review_id}/analysis/plans/": (
        "an outcome, time point or study field the extraction form does not have"
    ),
    "PATCH /api/v1/reviews/{review_id}/analysis/plans/{plan_id}/": "the same",
    "PUT /api/v1/reviews/{review_id}/analysis/plans/{plan_id}/grade/": (
        "a judgement departing from the proposal without a reason"
    ),
}
SCHEMATHESIS_ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]

# The schema as /api/schema/ serves it; the requests go to the live server.
schema = schemathesis.openapi.from_dict(
    Client().get("/api/schema/", {"format": "json"}).json(),
    config=schemathesis.Config.from_dict(
        {
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
            },
            # A hung request fails the test instead of holding up `make test`.
            "request-timeout": 30,
            "operations": [
                {
                    "include-name": name,
                    "checks": {
                        "positive_data_acceptance": {
                            "expected-statuses": [*SCHEMATHESIS_ACCEPTED, "400"]
                        }
                    },
                }
                for name in REFUSED_THOUGH_WELL_FORMED
            ],
        }
    ),
)


def seed(review, lead, reviewer) -> dict[str, int]:
    """Give the persona review one of everything the API can point at; its ids by the name
    of the path parameter (or body field) that takes them."""
    reviewer2 = UserFactory(username="reviewer2")
    # The member the membership operations change and remove: not the only lead.
    removable = MembershipFactory(review=review, user=reviewer2, role=Role.REVIEWER)
    records = make_import(
        review, lead, "pubmed", [(TITLES[i], f"10.5555/contract.{i}") for i in range(5)]
    )
    make_import(review, lead, "embase", [(TITLES[0], "10.5555/contract.0")])
    dedup_now(review=review, user=lead)
    cluster = DuplicateCluster.objects.get(review=review)
    pair = pending_pair(
        review, *make_import(review, lead, "cnki", [(TITLES[5], ""), (f"{TITLES[5]}.", "")])
    )
    conflict, sought, ft_conflict, undecided = records[1:5]

    def decide(who, record, stage, decision, reason=""):
        decision_record(
            reviewer=who,
            review=review,
            record_id=record.pk,
            stage=stage,
            decision=decision,
            reason=reason,
        )

    decide(lead, conflict, TA, "include")
    decide(reviewer, conflict, TA, "exclude")
    for record in (sought, ft_conflict):
        decide(lead, record, TA, "include")
        decide(reviewer, record, TA, "include")
    decide(lead, ft_conflict, FT, "include")
    decide(reviewer, ft_conflict, FT, "exclude", reason="Wrong population")
    fulltext_upload(user=lead, review=review, record_id=sought.pk, upload=pdf_upload())
    # A RoB 2 assessment both members have done, its consensus started.
    rob_study = study_create(
        lead=lead, review=review, label="Rob 2019", citation="Synthetic.", design="parallel"
    )
    rob_assignment = assignment_create(lead=lead, study=rob_study, result="Pain")
    for user in (lead, reviewer):
        assess(user, assessment_start(assessor=user, assignment=rob_assignment), ALL_LOW)
    consensus_start(user=lead, assignment=rob_assignment)
    return {
        "assignment_id": rob_assignment.pk,
        "review_id": review.pk,
        "membership_id": removable.pk,
        "import_id": records[0].search_import_id,
        "record_id": sought.pk,
        "conflict_id": conflict.pk,
        "undecided_id": undecided.pk,
        "pair_id": pair.pk,
        "cluster_id": cluster.pk,
        "job_id": worker_check_start(user=lead, review=review).pk,
    }


def point_at_seeded_review(case, ids: dict[str, int]) -> None:
    """Aim the case at its operation's review. Only values of the right type (integers; a
    stage) are replaced, by values of the same type, so a request stays valid or invalid as
    generated, and an invalid id still tests the server's refusal."""
    path = case.path_parameters or {}
    for name, value in path.items():
        if type(value) is int and name in ids:
            path[name] = ids[name]
    if case.operation.path.endswith("/resolve/") and type(path.get("record_id")) is int:
        path["record_id"] = ids["conflict_id"]
    if case.operation.path.endswith(("/resolve/", "/decisions/")):
        # At full text an exclusion needs one of the review's reasons, which the schema
        # cannot say (it depends on the decision): decide and resolve at title/abstract.
        if path.get("stage") in Stage.values:
            path["stage"] = TA
        if isinstance(case.body, dict) and type(case.body.get("record")) is int:
            case.body["record"] = ids["undecided_id"]


@pytest.fixture
def seeded(live_server, review, lead, reviewer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ids = seed(review, lead, reviewer)
    ids["token"] = Token.objects.create(user=lead).key
    return ids


@schema.parametrize()
# The review is seeded once per operation, not per generated request: the requests pile up
# in it, as a client's would. How fast requests are made up is no concern here, and depends on
# what else the shared machine is doing.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_api_answers_as_its_schema_says(case, live_server, seeded):
    point_at_seeded_review(case, seeded)
    case.call_and_validate(
        base_url=live_server.url, headers={"Authorization": f"Token {seeded['token']}"}
    )
