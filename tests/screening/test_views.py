"""The screening pages: what a reviewer sees, blinding, keyboard-driven decisions."""

import pytest

from screening.models import Decision, StageSettings
from screening.services import decision_record
from tests.factories import MembershipFactory, UserFactory
from tests.reviews.dedup_data import make_import


@pytest.fixture
def records(review, lead):
    return make_import(
        review,
        lead,
        "pubmed",
        [
            ("Fat grafting for atrophic acne scars (synthetic)", ""),
            ("Platelet-rich plasma split-face study (synthetic)", ""),
        ],
    )


@pytest.fixture
def second(review):
    user = UserFactory(username="reviewer2")
    MembershipFactory(review=review, user=user, role="reviewer")
    return user


def test_screen_shows_the_next_record_with_terms_highlighted(client, review, lead, records):
    StageSettings.objects.create(
        review=review, stage="title_abstract", include_terms=["acne"], exclude_terms=["split-face"]
    )
    client.force_login(lead)
    html = client.get(f"/reviews/{review.pk}/screening/title_abstract/").content.decode()
    assert '<mark class="inc">acne</mark>' in html
    assert 'data-key="i"' in html and 'data-key="e"' in html and 'data-key="m"' in html


def test_deciding_shows_the_next_record(client, review, lead, records):
    client.force_login(lead)
    html = client.post(
        f"/reviews/{review.pk}/screening/title_abstract/decide/",
        {"record": records[0].pk, "decision": "include"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert html.lstrip().startswith('<section id="screen"')
    assert "Platelet-rich plasma split-face study" in html
    assert Decision.objects.get().decision == "include"


def test_the_page_shows_progress_and_a_decision_asks_the_bar_to_count_again(
    client, review, lead, records
):
    client.force_login(lead)
    base = f"/reviews/{review.pk}/screening/title_abstract/"
    html = client.get(base).content.decode()
    assert "you decided <span data-decided>0</span> of 2" in html
    # Polled every 5 s; screen.js lets a poll through only after a decision (no inline
    # condition: the Content-Security-Policy forbids the eval htmx would need).
    assert 'id="progress"' in html and 'hx-trigger="every 5s"' in html

    response = client.post(
        base + "decide/",
        {"record": records[0].pk, "decision": "include"},
        headers={"HX-Request": "true"},
    )
    # The swapped-in section leaves the bar (outside it) alone and tells it, through the
    # HX-Trigger event it listens to, to count again.
    html = response.content.decode()
    assert "you decided" not in html
    # `delta`: the bar moves by one at once (a new decision), before its recount.
    assert response.headers["HX-Trigger"] == '{"screening-decided": {"delta": 1}}'

    assert (
        "you decided <span data-decided>1</span> of 2"
        in client.get(base + "progress/").content.decode()
    )

    undone = client.post(
        base + "withdraw/", {"record": records[0].pk}, headers={"HX-Request": "true"}
    )
    assert undone.headers["HX-Trigger"] == '{"screening-decided": {"delta": -1}}'
    assert (
        "you decided <span data-decided>0</span> of 2"
        in client.get(base + "progress/").content.decode()
    )


def test_a_refused_decision_does_not_ask_the_bar_to_count(client, review, lead, records):
    StageSettings.objects.create(review=review, stage="full_text")
    client.force_login(lead)
    response = client.post(
        f"/reviews/{review.pk}/screening/title_abstract/decide/",
        {"record": records[0].pk, "decision": "sideways"},
        headers={"HX-Request": "true"},
    )
    assert 'class="error"' in response.content.decode()
    assert "HX-Trigger" not in response.headers


def test_other_decisions_are_hidden_until_the_record_is_settled(
    client, review, lead, second, records
):
    decision_record(
        reviewer=lead,
        review=review,
        record_id=records[0].pk,
        stage="title_abstract",
        decision="exclude",
        note="lead's secret note",
    )
    client.force_login(second)
    url = f"/reviews/{review.pk}/screening/title_abstract/?record={records[0].pk}"
    html = client.get(url).content.decode()
    assert "lead's secret note" not in html
    assert "Other decisions" not in html
    decision_record(
        reviewer=second,
        review=review,
        record_id=records[0].pk,
        stage="title_abstract",
        decision="include",
    )
    html = client.get(url).content.decode()
    assert "Other decisions: lead: Exclude" in html


def test_full_text_exclusion_without_reason_is_refused_in_place(client, review, lead, records):
    StageSettings.objects.create(review=review, stage="title_abstract", reviewers_required=1)
    decision_record(
        reviewer=lead,
        review=review,
        record_id=records[0].pk,
        stage="title_abstract",
        decision="include",
    )
    client.force_login(lead)
    html = client.post(
        f"/reviews/{review.pk}/screening/full_text/decide/",
        {"record": records[0].pk, "decision": "exclude"},
    ).content.decode()
    assert "A full-text exclusion needs one of the review&#x27;s reasons" in html
    assert not Decision.objects.filter(stage="full_text").exists()


def test_unknown_stage_is_404(client, review, lead):
    client.force_login(lead)
    assert client.get(f"/reviews/{review.pk}/screening/abstracts/").status_code == 404


def test_lead_changes_stage_settings_and_it_is_audited(client, review, lead):
    from reviews.models import AuditEvent

    client.force_login(lead)
    response = client.post(
        f"/reviews/{review.pk}/screening/full_text/settings/",
        {
            "reviewers_required": "3",
            "blinded": "on",
            "exclusion_reasons": "Wrong population\nNot randomised",
            "include_terms": "acne\nscar*",
            "exclude_terms": "",
        },
    )
    assert response.status_code == 302
    settings = StageSettings.objects.get(review=review, stage="full_text")
    assert (settings.reviewers_required, settings.blinded) == (3, True)
    assert settings.exclusion_reasons == ["Wrong population", "Not randomised"]
    assert settings.include_terms == ["acne", "scar*"]
    event = AuditEvent.objects.get(action="screening.settings_changed")
    assert event.changes["reviewers_required"] == [2, 3]


def test_reviewer_cannot_change_stage_settings(client, review, reviewer):
    client.force_login(reviewer)
    assert client.get(f"/reviews/{review.pk}/screening/full_text/settings/").status_code == 403


def test_agreement_csv_and_dashboard_kappa(client, review, lead, second, records):
    import csv
    import io

    from screening.agreement import cohen_kappa

    for record, (a, b) in zip(
        records, [("include", "include"), ("exclude", "include")], strict=True
    ):
        decision_record(
            reviewer=lead, review=review, record_id=record.pk, stage="title_abstract", decision=a
        )
        decision_record(
            reviewer=second, review=review, record_id=record.pk, stage="title_abstract", decision=b
        )
    expected = cohen_kappa(["include", "exclude"], ["include", "include"])  # lead, reviewer2
    client.force_login(lead)
    response = client.get(f"/reviews/{review.pk}/screening/title_abstract/agreement.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["scope"] == "all" and rows[0]["records"] == "2"
    assert float(rows[0]["percent_agreement"]) == expected.percent_agreement == 50.0
    assert rows[1]["reviewers"] == "lead & reviewer2"
    html = client.get(f"/reviews/{review.pk}/").content.decode()
    assert "<dt>Conflicts</dt><dd>1</dd>" in html
    assert expected.kappa == 0.0  # p_o = p_e = 1/2
    assert "<dt>Kappa</dt><dd>0.00</dd>" in html


def test_the_conflicts_page_shows_25_at_a_time_with_their_decisions(
    client, review, lead, second, django_assert_max_num_queries
):
    recs = make_import(review, lead, "pubmed", [(f"Synthetic conflict {i}", "") for i in range(30)])
    for record in recs:
        decision_record(
            reviewer=lead,
            review=review,
            record_id=record.pk,
            stage="title_abstract",
            decision="include",
        )
        decision_record(
            reviewer=second,
            review=review,
            record_id=record.pk,
            stage="title_abstract",
            decision="exclude",
        )
    client.force_login(lead)
    url = f"/reviews/{review.pk}/screening/title_abstract/conflicts/"
    # A fixed number of queries, however many conflicts there are (no query per record).
    with django_assert_max_num_queries(12):
        first = client.get(url).content.decode()
    assert first.count("<h3>") == 25 and "(30)" in first and "Page 1 of 2" in first
    assert first.count("<td>reviewer2</td>") == 25
    second_page = client.get(url, {"page": 2}).content.decode()
    assert second_page.count("<h3>") == 5
