"""Playwright driving Debian's Chromium against pytest-django's live server.

Playwright cannot download a browser here, so we launch /usr/bin/chromium (`make test`
installs it when missing). Any request that leaves the live server is recorded: the app
must work offline, so tests assert there were none. Anything the Content-Security-Policy
refuses (an inline script or style, eval, another site) fails the test that caused it.
"""

import os
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import sync_playwright

from tests.factories import PASSWORD

CHROMIUM = os.environ.get("EVIDENT_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between page actions are ordinary synchronous calls, which Django would otherwise refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make test does it).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server, request):
    context = chromium.new_context(
        viewport={"width": 1280, "height": 800}, base_url=live_server.url
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.external_requests = []
    own_host = urlparse(live_server.url).netloc

    def record(req):
        host = urlparse(req.url).netloc
        if host and host != own_host:
            page.external_requests.append(req.url)

    page.on("request", record)
    page.csp_violations = []

    def refused(report: str) -> None:
        page.csp_violations.append(report)

    def console(message) -> None:
        if "Content Security Policy" in message.text:
            refused(f"console: {message.text}")

    # Reported from every document the page loads, by a binding the policy cannot block.
    context.expose_function("reportCspViolation", refused)
    context.add_init_script(CSP_LISTENER)
    page.on("console", console)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not page.csp_violations, "The Content-Security-Policy refused:\n" + "\n".join(
        page.csp_violations
    )


CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.violatedDirective} refused ${event.blockedURI || "an inline resource"} ` +
    `in ${event.documentURI} (${event.sourceFile || "?"}:${event.lineNumber})`
  );
});
"""


@pytest.fixture
def log_in(page):
    def do(username: str, password: str = PASSWORD):
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url("**/reviews/")

    return do
