"""Risk of bias in the browser: a reviewer assesses one RoB 2 result of a study entirely by
keyboard (every domain, then marks it done), a second assessment differs on domain 2, the
lead compares, records the consensus by keyboard, and the traffic-light plot shows on the
plots page. Screenshots of every risk-of-bias page go to test-artifacts/rob-*.png.

The study is synthetic (a made-up label and citation)."""

import pytest
from playwright.sync_api import expect

from extraction import services as extraction_services
from reviews import services as review_services
from rob import selectors, services
from rob.models import Answer, Assessment
from rob.views_assess import KEYS
from tests.browser.conftest import ARTIFACTS
from tests.factories import UserFactory
from tests.rob.conftest import ALL_LOW, answers_for, assess

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOOL = "rob2-parallel-assignment"


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"rob-{name}.png"), full_page=True)


@pytest.fixture
def assignment():
    lead = UserFactory(username="lead")
    review = review_services.review_create(user=lead, data={"title": "Fat grafting (synthetic)"})
    for name in ("rita", "sam"):
        UserFactory(username=name)
        review_services.member_add(actor=lead, review=review, identifier=name, role="reviewer")
    study = extraction_services.study_create(
        lead=lead,
        review=review,
        label="Wang 2020",
        citation="Wang 2020. Synthetic.",
        design="parallel",
    )
    return services.assignment_create(lead=lead, study=study, result="Acne scar score, 3 months")


def current_question(page):
    return page.evaluate("document.querySelector('fieldset.rob-question.current').dataset.question")


def settled(page):
    """The form is back from the server and the next question is current (rob.js marks it
    on DOMContentLoaded, so the page's scripts, key handlers included, have all run)."""
    expect(page.locator("#domain-form:not([aria-busy])")).to_have_count(1)
    expect(page.locator("fieldset.rob-question.current")).to_have_count(1)


def answer_domain_by_keyboard(page, domain, judgement):
    """For each question on the path to ``judgement``: move to it with j/k (the screen moves
    on to the next unanswered question by itself), press the answer's key."""
    form = page.locator("#domain-form")
    expect(form).to_have_attribute("data-domain", domain)
    settled(page)
    for question, answer in answers_for(TOOL, domain, judgement).items():
        order = page.evaluate(
            "Array.from(document.querySelectorAll('fieldset.rob-question'))"
            ".map(q => q.dataset.question)"
        )
        while (shown := current_question(page)) != question:
            page.keyboard.press("j" if order.index(shown) < order.index(question) else "k")
        page.keyboard.press(KEYS[answer])
        settled(page)
        box = form.locator(f'fieldset.rob-question[data-question="{question}"]')
        expect(box.locator(f'input[value="{answer}"]')).to_be_checked()
    expect(page.locator("#proposed")).to_have_attribute("data-proposed", judgement)


def test_a_rob2_assessment_by_keyboard_consensus_and_the_traffic_light_plot(
    page, log_in, assignment
):
    review = assignment.review
    log_in("rita")
    page.goto(f"/reviews/{review.pk}/rob/")
    page.get_by_role("button", name="Assess").click()
    for domain in ("D1", "D2", "D3", "D4", "D5"):
        answer_domain_by_keyboard(page, domain, "low")
        if domain == "D3":
            # 3.2 is not asked once 3.1 is yes: it shows as NA, with no answers to give.
            expect(page.locator('.rob-not-asked[data-question="3.2"]')).to_contain_text("NA")
        if domain == "D1":
            shot(page, "domain")
        page.keyboard.press("]")
    expect(page.locator("#overall-proposed")).to_have_attribute("data-proposed", "low")
    shot(page, "overall")
    page.keyboard.press("d")
    page.wait_for_url(f"**/reviews/{review.pk}/rob/")
    rita = Assessment.objects.get(assessor__username="rita")
    assert (rita.status, rita.overall_judgement) == ("done", "low")

    # Sam's assessment, made through the services, judges domain 2 high.
    sam = services.assessment_start(
        assessor=UserFactory._meta.model.objects.get(username="sam"), assignment=assignment
    )
    assess(sam.assessor, sam, {**ALL_LOW, "D2": "high"})

    page.get_by_role("button", name="Log out").click()
    log_in("lead")
    page.goto(f"/reviews/{review.pk}/rob/")
    shot(page, "assignments")
    page.get_by_role("link", name="Compare").click()
    expect(page.locator("#differences-count")).not_to_have_text("0 differ")
    expect(page.locator("h2.rob-compare-domain").filter(has_text="D2")).to_contain_text("differ")
    expect(page.locator("h2.rob-compare-domain").filter(has_text="D1")).to_contain_text("agree")
    shot(page, "compare")
    page.get_by_role("button", name="Start the consensus").click()
    expect(page.locator("#domain-form")).to_have_attribute("data-domain", "D1")
    settled(page)  # the page's scripts have run: "]" has a listener
    page.keyboard.press("]")
    # Domain 2 differed: the consensus takes sam's high, typed again by keyboard.
    answer_domain_by_keyboard(page, "D2", "high")
    for domain in ("D3", "D4", "D5"):
        page.keyboard.press("]")
        expect(page.locator("#domain-form")).to_have_attribute("data-domain", domain)
        settled(page)
    page.keyboard.press("]")
    expect(page.locator("#overall-proposed")).to_have_attribute("data-proposed", "high")
    page.keyboard.press("d")
    page.wait_for_url("**/compare/")
    assert selectors.study_judgements(review) == {
        assignment.study_id: {"tool": TOOL, "overall": "high", "domains": {**ALL_LOW, "D2": "high"}}
    }

    page.get_by_role("link", name="Plots").click()
    plot = page.locator("img.rob-traffic-light")
    expect(plot).to_be_visible()
    # Drawn: the image has loaded and has a size (a broken image has none).
    widths = page.locator("img.rob-figure-img").evaluate_all(
        "imgs => Promise.all(imgs.map(img => img.decode().then(() => img.naturalWidth)))"
    )
    assert len(widths) == 2 and min(widths) > 100, widths
    expect(page.locator("img.rob-summary")).to_be_visible()
    shot(page, "plots")
    with page.expect_download() as download:
        page.locator(".rob-figure").first.get_by_role("link", name="PNG").click()
    assert download.value.suggested_filename.endswith(".png")
    assert page.external_requests == [] and page.csp_violations == []


NOS_KEYS = {
    # Newcastle-Ottawa cohort items answered by option number: the n-th option is key n.
    "selection": [("S1", "1", "a"), ("S2", "1", "a"), ("S3", "3", "c"), ("S4", "1", "a")],
    "comparability": [("C1a", "1", "yes"), ("C1b", "2", "no")],
    "outcome": [("O1", "2", "b"), ("O2", "1", "a"), ("O3", "4", "d")],
}


def test_a_newcastle_ottawa_assessment_by_number_keys(page, log_in, assignment):
    """A cohort study scored with NOS by number keys: stars per category as the proposal,
    then good/fair/poor overall (3, 1 and 2 stars: good by the AHRQ thresholds)."""
    review = assignment.review
    lead = UserFactory._meta.model.objects.get(username="lead")
    study = extraction_services.study_create(
        lead=lead, review=review, label="Cho 2019", citation="Cho 2019. Synthetic.", design="cohort"
    )
    nos = services.assignment_create(lead=lead, study=study, tool="nos-cohort")
    log_in("rita")
    page.goto(f"/reviews/{review.pk}/rob/")
    page.locator("tr", has_text="Cho 2019").get_by_role("button", name="Assess").click()
    for category, items in NOS_KEYS.items():
        form = page.locator("#domain-form")
        expect(form).to_have_attribute("data-domain", category)
        settled(page)
        for item, key, option in items:
            # The screen has moved on to the next item by itself.
            expect(
                form.locator(f'fieldset.rob-question.current[data-question="{item}"]')
            ).to_have_count(1)
            page.keyboard.press(key)
            settled(page)
            box = form.locator(f'fieldset.rob-question[data-question="{item}"]')
            expect(box.locator(f'input[value="{option}"]')).to_be_checked()
        stars = {"selection": "3", "comparability": "1", "outcome": "2"}[category]
        expect(page.locator("#proposed")).to_have_attribute("data-proposed", stars)
        if category == "selection":
            shot(page, "nos-domain")
        page.keyboard.press("]")
    expect(page.locator("#overall-proposed")).to_have_attribute("data-proposed", "good")
    shot(page, "nos-overall")
    page.keyboard.press("d")
    page.wait_for_url(f"**/reviews/{review.pk}/rob/")
    rita = Assessment.objects.get(assessor__username="rita", assignment=nos)
    assert (rita.status, rita.overall_judgement) == ("done", "good")
    assert page.external_requests == [] and page.csp_violations == []


def test_robins_i_asks_the_effect_of_interest_once(page, log_in, assignment):
    """The effect of interest is answered on the first screen (key 2: starting and adhering);
    domain 4 then shows it, without asking again, and asks 4.3 rather than 4.1."""
    review = assignment.review
    lead = UserFactory._meta.model.objects.get(username="lead")
    study = extraction_services.study_create(
        lead=lead, review=review, label="Cho 2019", citation="Cho 2019. Synthetic.", design="cohort"
    )
    services.assignment_create(lead=lead, study=study, tool="robins-i-2016")
    log_in("rita")
    page.goto(f"/reviews/{review.pk}/rob/")
    page.locator("tr", has_text="Cho 2019").get_by_role("button", name="Assess").click()
    expect(page.locator("#domain-form")).to_have_attribute("data-domain", "D1")
    settled(page)
    expect(page.locator('fieldset.rob-question.current[data-question="effect"]')).to_have_count(1)
    page.keyboard.press("2")
    settled(page)
    expect(page.locator('input[name="q-effect"][value="adhering"]')).to_be_checked()
    for domain in ("D2", "D3", "D4"):
        page.keyboard.press("]")
        expect(page.locator("#domain-form")).to_have_attribute("data-domain", domain)
        settled(page)
    expect(page.locator('input[name="q-effect"]')).to_have_count(0)
    expect(page.locator('.rob-preliminary[data-question="effect"]')).to_contain_text(
        "Effect of starting and adhering to intervention"
    )
    expect(page.locator('fieldset.rob-question[data-question="4.3"]')).to_have_count(1)
    expect(page.locator('fieldset.rob-question[data-question="4.1"]')).to_have_count(0)
    shot(page, "robins-preliminary")
    assert page.external_requests == [] and page.csp_violations == []


def test_an_answer_clicked_before_the_page_scripts_are_ready_is_saved_once_they_are(
    page, log_in, assignment
):
    """A slow link: the question is on screen while the scripts still load, and the change
    of an answer clicked then has nobody listening. It must still be saved, not just shown."""
    rita = UserFactory._meta.model.objects.get(username="rita")
    assessment = services.assessment_start(assessor=rita, assignment=assignment)
    log_in("rita")
    held = []
    # The JS catalogue is the last deferred script: until it arrives, htmx has not started.
    page.route("**/jsi18n/**", lambda route: held.append(route))
    page.goto(
        f"/reviews/{assignment.review.pk}/rob/assessments/{assessment.pk}/D1/", wait_until="commit"
    )
    question = page.locator('fieldset.rob-question[data-question="1.1"]')
    question.locator('input[value="Y"]').check()
    assert held and not Answer.objects.exists()
    held[0].continue_()
    expect(question).to_have_attribute("data-answered", "")  # as the server sent it back
    saved = Answer.objects.get(assessment=assessment)
    assert (saved.domain, saved.question, saved.answer) == ("D1", "1.1", "Y")
