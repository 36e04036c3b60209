"""The script catalogue: each page asks for the file of its own language, at a URL the
browser keeps until the catalogues change."""

import re

import pytest
from django.test import Client

from config.javascript_catalogue import catalogue_version
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SCRIPT = re.compile(r'<script src="(/jsi18n/[^"]+)" defer>')


def _catalogue_of(page) -> str:
    return SCRIPT.search(page.content.decode()).group(1)


def test_each_page_asks_for_the_catalogue_of_its_language():
    client = Client()
    version = catalogue_version()
    english = _catalogue_of(client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en"))
    chinese = _catalogue_of(client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-CN"))
    assert english == f"/jsi18n/en-gb/{version}/"
    assert chinese == f"/jsi18n/zh-hans/{version}/"

    client.force_login(UserFactory())
    client.post("/accounts/language/", {"language": "zh-hans", "next": "/reviews/"})
    assert _catalogue_of(client.get("/reviews/", HTTP_ACCEPT_LANGUAGE="en")) == chinese


def test_the_catalogue_is_in_the_language_its_address_names_whatever_the_browser_asks():
    client = Client()
    version = catalogue_version()
    chinese = client.get(f"/jsi18n/zh-hans/{version}/", HTTP_ACCEPT_LANGUAGE="en")
    assert chinese.status_code == 200
    assert chinese["Content-Type"].startswith("text/javascript")
    assert chinese["Content-Language"] == "zh-hans"
    assert '"no connection": "\\u65e0\\u7f51\\u7edc\\u8fde\\u63a5"' in chinese.content.decode()
    english = client.get(f"/jsi18n/en-gb/{version}/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert english["Content-Language"] == "en-gb"
    assert "no connection" not in english.content.decode()  # English needs no entry


def test_the_browser_keeps_the_current_version_and_not_an_old_one():
    client = Client()
    current = client.get(f"/jsi18n/zh-hans/{catalogue_version()}/")
    assert "immutable" in current["Cache-Control"]
    assert "max-age=31536000" in current["Cache-Control"]
    old = client.get("/jsi18n/zh-hans/000000000000/")
    assert old.status_code == 200  # a page from before an upgrade still gets its strings
    assert "no-cache" in old["Cache-Control"] and "immutable" not in old["Cache-Control"]


def test_a_language_the_app_does_not_offer_is_not_found():
    response = Client().get(f"/jsi18n/fr/{catalogue_version()}/")
    assert response.status_code == 404
    assert Client().post(f"/jsi18n/zh-hans/{catalogue_version()}/").status_code == 405


def test_the_version_changes_when_a_script_catalogue_does(settings, tmp_path):
    compiled = tmp_path / "xx" / "LC_MESSAGES" / "djangojs.mo"
    compiled.parent.mkdir(parents=True)
    settings.LOCALE_PATHS = [tmp_path]
    try:
        compiled.write_bytes(b"first")
        catalogue_version.cache_clear()
        first = catalogue_version()
        compiled.write_bytes(b"second")
        catalogue_version.cache_clear()
        assert catalogue_version() != first
    finally:
        catalogue_version.cache_clear()
