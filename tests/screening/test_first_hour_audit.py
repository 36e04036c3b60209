"""Issue #16: the audit log and the dashboard's activity feed speak in sentences with names
and titles, and dates."""

from html import unescape

from screening.services import decision_record
from tests.reviews.dedup_data import make_import

TITLE = "Migraine: a woman's disease? (synthetic)"


def test_audit_log_says_who_excluded_which_title_at_which_stage(client, review, lead, reviewer):
    [record] = make_import(review, lead, "pubmed", [(TITLE, "")])
    # Two exclusions settle the record, so blinding no longer hides the decisions from the lead.
    for person in (reviewer, lead):
        decision_record(
            reviewer=person,
            review=review,
            record_id=record.pk,
            stage="title_abstract",
            decision="exclude",
        )
    client.force_login(lead)
    html = unescape(client.get(f"/reviews/{review.pk}/audit/").content.decode())
    assert f"<strong>reviewer</strong> excluded “{TITLE}” at title/abstract" in html
    assert "screening.decided" not in html
    assert f"record {record.pk}" not in html
    dashboard = client.get(f"/reviews/{review.pk}/").content.decode()
    assert "excluded “Migraine" in dashboard
    assert "ago" not in dashboard
