from rob import services
from tests.rob.conftest import ALL_LOW, answers_for, assess

R = "/api/v1/reviews/{}/rob/"


def test_tools_are_listed_with_their_questions(api_as, review, viewer):
    client = api_as(viewer)
    tools = client.get(R.format(review.pk) + "tools/").json()
    assert "rob2-crossover-assignment" in [t["id"] for t in tools]
    detail = client.get(R.format(review.pk) + "tools/rob2-parallel-assignment/").json()
    d3 = next(d for d in detail["domains"] if d["id"] == "D3")
    assert next(q for q in d3["questions"] if q["id"] == "3.2")["asked_if"]
    assert client.get(R.format(review.pk) + "tools/rob9/").status_code == 404


def test_lead_assigns_a_study_with_the_default_tool(api_as, review, lead, study):
    response = api_as(lead).post(
        R.format(review.pk) + "assignments/",
        {"study": study.pk, "result": "Scar score, 3 months"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["tool"] == "rob2-parallel-assignment"
    again = api_as(lead).post(
        R.format(review.pk) + "assignments/",
        {"study": study.pk, "tool": "rob2-parallel-assignment"},
        format="json",
    )
    assert again.status_code == 400
    assert "result" in again.json()["detail"] or "result" in str(again.json())


def test_an_assessor_writes_a_domain_and_sees_the_proposal(api_as, assignment, reviewer):
    client = api_as(reviewer)
    url = R.format(assignment.review_id) + f"assignments/{assignment.pk}/mine/"
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 201
    answers = {
        q: {"answer": a, "quote": "Sealed envelopes", "page": "3"}
        for q, a in answers_for(assignment.tool, "D1", "low").items()
    }
    data = client.put(url, {"domain": "D1", "answers": answers}, format="json").json()
    d1 = data["domains"][0]
    assert (d1["proposed"], d1["judgement"], d1["overridden"]) == ("low", "low", False)
    assert d1["answers"]["1.2"]["quote"] == "Sealed envelopes"
    refused = client.put(
        url, {"domain": "D1", "answers": answers, "judgement": "high"}, format="json"
    )
    assert refused.status_code == 400
    assert "reason" in str(refused.json())
    unknown = client.put(url, {"domain": "D9", "answers": {}}, format="json")
    assert unknown.status_code == 400 and "D9" in str(unknown.json())


def test_reviewer_cannot_see_the_leads_answers_before_consensus(api_as, assignment, lead, reviewer):
    mine = services.assessment_start(assessor=lead, assignment=assignment)
    assess(lead, mine, ALL_LOW)
    base = R.format(assignment.review_id) + f"assignments/{assignment.pk}/"
    client = api_as(reviewer)
    assert client.get(base + "comparison/").status_code == 403
    assert client.get(base + "consensus/").status_code in (403, 404)
    # Their own is empty: nothing of the lead's leaks into it.
    client.post(base + "mine/")
    own = client.get(base + "mine/").json()
    assert all(not d["judgement"] for d in own["domains"])
    assert "lead" not in str(client.get(base).json().get("answers", ""))


def test_lead_compares_and_completes_the_consensus(api_as, both_done, assignment, lead, viewer):
    base = R.format(assignment.review_id) + f"assignments/{assignment.pk}/"
    client = api_as(lead)
    comparison = client.get(base + "comparison/").json()
    assert {(d["domain"], d["item"]) for d in comparison["differences"]} >= {
        ("D2", "judgement"),
        ("overall", "overall"),
    }
    assert api_as(viewer).get(base + "comparison/").status_code == 403
    assert client.post(base + "consensus/").status_code == 201
    answers = {q: {"answer": a} for q, a in answers_for(assignment.tool, "D2", "high").items()}
    client.put(base + "consensus/", {"domain": "D2", "answers": answers}, format="json")
    done = client.post(base + "consensus/complete/")
    assert done.status_code == 200, done.json()
    assert done.json()["overall_judgement"] == "high"
    # Once complete, every member reads the consensus and the comparison.
    assert api_as(viewer).get(base + "consensus/").json()["overall_judgement"] == "high"
    assert api_as(viewer).get(base + "comparison/").status_code == 200


def test_overall_override_through_the_api(api_as, assignment, lead):
    base = R.format(assignment.review_id) + f"assignments/{assignment.pk}/mine/"
    client = api_as(lead)
    client.post(base)
    for d in ("D1", "D2", "D3", "D4", "D5"):
        answers = {
            q: {"answer": a} for q, a in answers_for(assignment.tool, d, "some_concerns").items()
        }
        client.put(base, {"domain": d, "answers": answers}, format="json")
    assert client.put(base + "overall/", {"judgement": "high"}, format="json").status_code == 400
    data = client.put(
        base + "overall/",
        {"judgement": "high", "justification": "Concerns in every domain."},
        format="json",
    ).json()
    assert (data["overall_proposed"], data["overall_judgement"], data["overall_overridden"]) == (
        "some_concerns",
        "high",
        True,
    )
