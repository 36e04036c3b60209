"""Every page a review team opens reads in Chinese when Chinese is chosen.

Loads both demo reviews (real public data: lifecycle/demo.py), signs in as the lead in
zh-Hans and follows every link and htmx request of the app from the review list, one or two
pages per route. On each page, any run of English words that is not a proper name, a code
or the review's own data is an unmarked (or untranslated) string.
"""

from collections import Counter, deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import Resolver404, resolve
from lxml import html as lxml_html

from extraction.models import Study
from reviews.models import Review
from rob import services as rob_services
from tests.i18n.pages import data_strings, english_runs, readable_text

APPS = ("reviews", "screening", "extraction", "rob", "analysis", "auth")
PAGES_PER_ROUTE = 2
# Links that change state on GET do not exist; these leave the app or end the session.
NOT_FOLLOWED = ("/accounts/logout/", "/admin/", "/api/", "/static/", "/media/", "/jsi18n/")


def _links(page: str, base: str) -> list[str]:
    root = lxml_html.fromstring(page)
    found = root.xpath("//a/@href | //*/@hx-get")
    return [urljoin(base, href) for href in found if not href.startswith(("#", "mailto:"))]


def crawl(client, start: str, limit: int = 400) -> dict[str, str]:
    """Path → HTML of the pages reachable from start, at most PAGES_PER_ROUTE per route."""
    seen: set[str] = set()
    per_route: Counter[str] = Counter()
    pages: dict[str, str] = {}
    queue = deque([start])
    while queue and len(pages) < limit:
        url = queue.popleft()
        parts = urlsplit(url)
        if parts.netloc and parts.netloc != "testserver":
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path in seen or parts.path.startswith(NOT_FOLLOWED):
            continue
        seen.add(path)
        try:
            route = resolve(parts.path).view_name
        except Resolver404:
            continue
        if per_route[route] >= PAGES_PER_ROUTE:
            continue
        response = client.get(path, HTTP_HX_REQUEST="true" if "hx" in route else None)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        per_route[route] += 1
        text = response.content.decode()
        pages[path] = text
        queue.extend(_links(text, "http://testserver" + parts.path))
    return pages


@pytest.fixture
def demo(db):
    call_command("loaddemo", "--allow-production")
    # Risk-of-bias pages exist once studies are assigned: one per kind of tool, started.
    bcg = Review.objects.get(extraction_lock__isnull=False)
    lead = User.objects.get(username="demo-lead")
    tools = [("rob2-parallel-assignment", "Tuberculosis"), ("rob1", ""), ("robins-i-2016", "")]
    for study, (tool, result) in zip(Study.objects.filter(review=bcg), tools, strict=False):
        assignment = rob_services.assignment_create(
            lead=lead, study=study, tool=tool, result=result
        )
        rob_services.assessment_start(assessor=lead, assignment=assignment)


def test_every_page_reads_in_chinese(demo, client):
    client.force_login(User.objects.get(username="demo-lead"))
    client.post("/accounts/language/", {"language": "zh-hans", "next": "/"})
    pages = crawl(client, "/reviews/")
    pages.update(crawl(client, "/accounts/"))
    assert len(pages) > 40, sorted(pages)
    data = data_strings(APPS)
    offenders = {
        path: runs
        for path, page in pages.items()
        if (runs := sorted(set(english_runs(readable_text(page), data))))
    }
    report = "\n".join(f"{path}: {' | '.join(runs)}" for path, runs in sorted(offenders.items()))
    assert not offenders, f"English left on {len(offenders)} of {len(pages)} pages:\n{report}"


def test_the_checker_finds_an_unmarked_string():
    """The check itself: an English sentence on a Chinese page is found, names are not."""
    page = (
        "<html><body><h1>系统评价</h1><p>Save changes</p><p>PRISMA 2020</p>"
        "<code>POST /x</code></body></html>"
    )
    assert english_runs(readable_text(page), data=[]) == ["Save changes"]
    page = '<html><body><button title="Open the record">打开</button></body></html>'
    assert english_runs(readable_text(page), data=[]) == ["Open the record"]
    page = "<html><body><p>纳入 Aronson 1948</p></body></html>"
    assert english_runs(readable_text(page), data=["Aronson 1948"]) == []


@pytest.mark.django_db
def test_pages_before_signing_in_read_in_chinese(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    pages = {
        path: client.get(path).content.decode()
        for path in ("/accounts/login/", "/accounts/logout/", "/reviews/999999/no-such-page/")
    }
    offenders = {
        path: runs
        for path, page in pages.items()
        if (runs := english_runs(readable_text(page), []))
    }
    assert not offenders, offenders
