"""The stopping panel of the screening page: a lead sees the estimate (in random order, by the
random-sampling test over the sample), records the stop (confirming, as the target is not
reached), and the PRISMA page and diagram report it."""

import pytest
from playwright.sync_api import expect

from reviews import services as review_services
from screening.models import StageSettings
from screening.services import decision_record
from screening.stopping_review import random_order_set
from tests.browser.conftest import ARTIFACTS
from tests.factories import UserFactory
from tests.reviews.dedup_data import make_import

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Synthetic titles.
TITLES = [f"Synthetic trial {n} of fat grafting for acne scars" for n in range(1, 41)]


def test_lead_sees_the_estimate_and_records_the_stop(page, log_in):
    lead = UserFactory(username="lead")
    review = review_services.review_create(user=lead, data={"title": "Fat grafting (synthetic)"})
    records = make_import(
        review, lead, "pubmed", [(t, f"10.5555/st.{i}") for i, t in enumerate(TITLES)]
    )
    StageSettings.objects.create(review=review, stage="title_abstract", reviewers_required=1)
    for i, record in enumerate(records[:35]):
        if i == 30:  # the last 5 are a random sample
            random_order_set(lead=lead, review=review, stage="title_abstract", on=True)
        decision_record(
            reviewer=lead,
            review=review,
            record_id=record.pk,
            stage="title_abstract",
            decision="include" if i in (0, 3) else "exclude",
        )

    log_in("lead")
    page.goto(f"/reviews/{review.pk}/screening/title_abstract/")
    panel = page.locator("#stopping")
    expect(panel).to_contain_text("May screening stop?")
    expect(panel).to_contain_text("35 of 40")
    expect(panel).to_contain_text("Callaghan")
    expect(panel).to_contain_text("random-sampling stopping criterion")
    expect(panel).to_contain_text("over the 5 records screened in random order")
    page.screenshot(path=str(ARTIFACTS / "stopping_panel.png"), full_page=True)

    page.once("dialog", lambda dialog: dialog.accept())
    panel.get_by_role("button", name="Record that screening stops here").click()
    expect(page.locator("#stopping")).to_contain_text("Stopped after 35 of 40 records")

    page.goto(f"/reviews/{review.pk}/prisma/")
    expect(page.locator(".stopping-methods")).to_contain_text(
        "Title/abstract screening stopped after 35 of 40 records"
    )
    expect(page.locator(".stopping-methods")).to_contain_text("random-sampling")
    expect(page.locator(".records-screened")).to_contain_text("stopped early")
    expect(page.get_by_role("status").filter(has_text="stopped early")).to_have_count(1)
    page.screenshot(path=str(ARTIFACTS / "stopping_prisma.png"), full_page=True)

    page.goto(f"/reviews/{review.pk}/")
    expect(page.locator("#stages")).to_contain_text("after 35 of 40")
    page.screenshot(path=str(ARTIFACTS / "stopping_dashboard.png"), full_page=True)
