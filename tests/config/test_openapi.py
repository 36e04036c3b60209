"""What /api/schema/ says about the shapes a generated client relies on: list wrappers,
nullable fields, error responses and parameters. tests/config/test_api_contract.py checks the
live API against all of it."""

import pytest

LISTS = [
    ("/api/v1/reviews/", "PaginatedReviewList", "Review"),
    ("/api/v1/reviews/{review_id}/audit/", "PaginatedAuditEventList", "AuditEvent"),
    ("/api/v1/reviews/{review_id}/dedup/candidates/", "PaginatedPairList", "Pair"),
    ("/api/v1/reviews/{review_id}/imports/", "PaginatedSearchImportList", "SearchImport"),
    ("/api/v1/reviews/{review_id}/records/", "PaginatedRecordList", "Record"),
    (
        "/api/v1/reviews/{review_id}/screening/{stage}/conflicts/",
        "PaginatedConflictList",
        "Conflict",
    ),
    (
        "/api/v1/reviews/{review_id}/screening/{stage}/decisions/",
        "PaginatedDecisionList",
        "Decision",
    ),
]


@pytest.fixture(scope="module")
def schema():
    from django.test import Client

    return Client().get("/api/schema/", {"format": "json"}).json()


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def body_schema(response: dict) -> dict:
    return response["content"]["application/json"]["schema"]


@pytest.mark.parametrize(("path", "page", "item"), LISTS)
def test_lists_are_documented_with_their_pagination_wrapper(schema, path, page, item):
    ok = schema["paths"][path]["get"]["responses"]["200"]
    assert body_schema(ok) == ref(page)
    wrapper = schema["components"]["schemas"][page]
    assert wrapper["properties"]["results"] == {"type": "array", "items": ref(item)}
    assert {"count", "next", "previous"} <= set(wrapper["properties"])
    page_parameter = next(
        p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == "page"
    )
    assert page_parameter["schema"] == {"type": "integer", "minimum": 1}


def test_members_are_documented_as_an_array(schema):
    ok = schema["paths"]["/api/v1/reviews/{review_id}/members/"]["get"]["responses"]["200"]
    assert body_schema(ok) == {"type": "array", "items": ref("Membership")}


@pytest.mark.parametrize(("component", "field"), [("SearchImport", "job"), ("AuditEvent", "actor")])
def test_fields_that_can_be_null_are_documented_as_nullable(schema, component, field):
    assert schema["components"]["schemas"][component]["properties"][field]["nullable"] is True


def test_creating_answers_201(schema):
    for path in ("/api/v1/reviews/", "/api/v1/reviews/{review_id}/members/"):
        assert set(schema["paths"][path]["post"]["responses"]) & {"200", "201"} == {"201"}


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def test_every_operation_documents_the_errors_it_can_give(schema):
    shared = schema["components"]["responses"]
    for name in ("BadRequest", "NotAuthenticated", "PermissionDenied", "NotFound"):
        assert body_schema(shared[name]) == ref("Error")
    for label, operation in operations(schema):
        responses = operation["responses"]
        if operation.get("security"):
            assert {"401", "403"} <= set(responses), label
        if any(p["in"] == "path" for p in operation.get("parameters", [])):
            assert "404" in responses, label
        if "requestBody" in operation:
            assert {"400", "415"} <= set(responses), label
        for code, response in responses.items():
            if code.startswith("4"):
                if "$ref" in response:
                    response = shared[response["$ref"].rsplit("/", 1)[1]]
                assert body_schema(response) == ref("Error"), f"{label} {code}"
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]


def test_token_documents_the_login_lockout(schema):
    responses = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    assert "429" in responses
    assert "security" not in schema["paths"]["/api/v1/auth/token/"]["post"]


def test_json_bodies_are_documented_as_json_only(schema):
    """Form encodings cannot carry a body's lists, nulls and types; uploads stay multipart."""
    for label, operation in operations(schema):
        if "requestBody" not in operation:
            continue
        content = set(operation["requestBody"]["content"])
        if label.endswith(("/imports/", "/fulltext/", "/extraction/import/")):
            assert content == {"multipart/form-data"}, label
        else:
            assert content == {"application/json"}, label


def test_stage_is_an_enum(schema):
    for label, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["name"] == "stage":
                assert set(parameter["schema"]["enum"]) == {"title_abstract", "full_text"}, label


def test_resolving_answers_the_resolution(schema):
    path = "/api/v1/reviews/{review_id}/screening/{stage}/conflicts/{record_id}/resolve/"
    ok = schema["paths"][path]["post"]["responses"]["200"]
    assert body_schema(ok) == ref("Resolution")
    assert set(schema["components"]["schemas"]["Resolution"]["required"]) == {
        "record",
        "stage",
        "decision",
        "reason",
        "resolved_by",
    }


def test_record_filters_are_documented(schema):
    parameters = {
        p["name"]: p["schema"]
        for p in schema["paths"]["/api/v1/reviews/{review_id}/records/"]["get"]["parameters"]
    }
    assert parameters["database"]["enum"][:2] == ["pubmed", "embase"]
    assert parameters["year"]["type"] == "integer"
    assert parameters["search_import"]["type"] == "integer"
