"""Which language a person gets: their account's choice, else the header switch's cookie,
else the browser's Accept-Language; API callers choose with Accept-Language."""

import re

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from reviews.models import AccountSettings

CJK = re.compile(r"[\u4e00-\u9fff]")


def _lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


@pytest.mark.django_db
def test_the_browser_language_is_followed_before_anyone_chooses():
    client = Client()
    assert _lang(client.get("/accounts/login/")) == "en-gb"
    chinese = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.5")
    assert _lang(chinese) == "zh-hans"
    assert "跳到正文" in chinese.content.decode()
    assert chinese["Content-Language"] == "zh-hans"


@pytest.mark.django_db
def test_the_switch_before_signing_in_sets_the_cookie():
    client = Client()
    response = client.post(
        "/accounts/language/", {"language": "zh-hans", "next": "/accounts/login/"}
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    assert _lang(client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")) == "zh-hans"


def test_the_choice_is_stored_on_the_account_and_follows_the_person(web_as, lead):
    client = web_as(lead)
    client.post("/accounts/language/", {"language": "zh-hans", "next": "/reviews/"})
    assert AccountSettings.objects.get(user=lead).language == "zh-hans"

    elsewhere = Client()  # another browser: no cookie, and it asks for English
    elsewhere.force_login(lead)
    page = elsewhere.get("/reviews/", HTTP_ACCEPT_LANGUAGE="en-GB")
    assert _lang(page) == "zh-hans"

    elsewhere.post("/accounts/", {"language": ""})
    assert AccountSettings.objects.get(user=lead).language == ""
    assert _lang(elsewhere.get("/reviews/", HTTP_ACCEPT_LANGUAGE="en-GB")) == "en-gb"
    assert _lang(elsewhere.get("/reviews/", HTTP_ACCEPT_LANGUAGE="zh-CN")) == "zh-hans"


def test_one_persons_choice_is_not_anothers(web_as, lead, reviewer):
    web_as(lead).post("/accounts/", {"language": "zh-hans"})
    other = Client()
    other.force_login(reviewer)
    assert _lang(other.get("/reviews/")) == "en-gb"


def test_the_account_page_shows_and_saves_the_choice(web_as, lead):
    client = web_as(lead)
    page = client.get("/accounts/")
    assert page.status_code == 200
    assert '<option value="" selected>' in page.content.decode()
    saved = client.post("/accounts/", {"language": "zh-hans"}, follow=True)
    assert _lang(saved) == "zh-hans"
    assert '<option value="zh-hans" selected>' in saved.content.decode()
    assert "语言已保存" in saved.content.decode()


@pytest.mark.django_db
def test_the_account_page_needs_a_signed_in_person():
    response = Client().get("/accounts/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("language", ["fr", "zh-hant", "<script>"])
def test_an_unknown_language_is_refused_and_nothing_is_stored(web_as, lead, language):
    client = web_as(lead)
    response = client.post("/accounts/language/", {"language": language, "next": "/"})
    assert response.status_code == 400
    assert "listed languages" in response.content.decode()
    assert not AccountSettings.objects.filter(user=lead).exists()
    page = client.post("/accounts/", {"language": language})
    assert page.status_code == 200 and "field-error" in page.content.decode()
    assert not AccountSettings.objects.filter(user=lead).exists()


@pytest.mark.django_db
def test_the_switch_sends_nobody_to_another_site():
    response = Client().post(
        "/accounts/language/", {"language": "zh-hans", "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.django_db
def test_the_switch_is_a_post():
    assert Client().get("/accounts/language/?language=zh-hans").status_code == 405


def test_api_errors_follow_accept_language(lead):
    anonymous = APIClient()
    english = anonymous.get("/api/v1/reviews/", HTTP_ACCEPT_LANGUAGE="en")
    chinese = anonymous.get("/api/v1/reviews/", HTTP_ACCEPT_LANGUAGE="zh-Hans")
    assert english.status_code == chinese.status_code == 401
    assert not CJK.search(english.json()["detail"])
    assert CJK.search(chinese.json()["detail"])
    assert chinese["Content-Language"] == "zh-hans"


def test_api_callers_header_wins_over_the_account_choice(lead):
    AccountSettings.objects.create(user=lead, language="zh-hans")
    client = APIClient()
    client.force_login(lead)
    asked_english = client.get("/api/v1/reviews/999999/", HTTP_ACCEPT_LANGUAGE="en")
    assert asked_english.status_code == 404
    assert not CJK.search(str(asked_english.json()))
    no_header = client.get("/api/v1/reviews/999999/")
    assert CJK.search(str(no_header.json()))
