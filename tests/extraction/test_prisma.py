"""PRISMA's last box from the studies: several reports of one study count once among the
studies and each among the reports; a study found by other methods counts too; the dashboard
card follows extraction."""

from extraction import locking, services
from screening.prisma import prisma_counts


def test_prisma_counts_studies_and_reports_of_included_studies(review, lead, studies, included):
    assert prisma_counts(review)["studies_included"] == 3
    services.report_link(lead=lead, study=studies["Lee 2020"], record_id=included[2].pk)
    services.study_create(
        lead=lead, review=review, label="Kim 2018", citation="Kim. From a reference list. 2018."
    )
    counts = prisma_counts(review)
    assert (counts["studies_included"], counts["reports_included"]) == (3, 4)
    assert counts["reports_assessed"] == 3  # the records screened at full text


def test_reports_waiting_for_their_study_count_as_studies(review, lead, included, form):
    counts = prisma_counts(review)  # nobody has opened the extraction page yet
    assert (counts["studies_included"], counts["reports_included"]) == (3, 3)


def test_the_diagram_shows_both_lines(client, review, lead, studies):
    client.force_login(lead)
    html = client.get(f"/reviews/{review.pk}/prisma/").content.decode()
    assert ">Studies included in review (n = 3)</text>" in html
    assert ">Reports of included studies (n = 3)</text>" in html


def test_the_dashboard_card_follows_extraction(client, review, lead, ready_to_lock):
    client.force_login(lead)
    html = client.get(f"/reviews/{review.pk}/").content.decode()
    heading = (
        f'<h3><a href="/reviews/{review.pk}/extraction/" class="stage-link">Extraction</a></h3>'
    )
    assert heading in html
    locking.extraction_lock(lead=lead, review=review)
    html = client.get(f"/reviews/{review.pk}/").content.decode()
    card = html[html.index(heading) :][:600]
    assert "Done" in card and "<dt>Snapshot</dt><dd>v1</dd>" in card
