"""Issue #18: the reviews pages, their messages and the API's errors in Simplified Chinese.

Needs the compiled zh-Hans catalogue (`make setup`). The English pages are what the other
tests check; here the same answers are asked for in Chinese."""

import pytest
from django.test import override_settings

from reviews import services
from reviews.models import Role

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def zh_client(client, lead):
    client.force_login(lead)
    client.post("/accounts/language/", {"language": "zh-hans", "next": "/"})
    return client


def test_the_members_page_names_roles_in_chinese(zh_client, review):
    html = zh_client.get(f"/reviews/{review.pk}/members/").content.decode()
    assert "邀请成员" in html
    assert ">负责人<" in html and ">评价员<" in html and ">查看者<" in html
    assert "您的角色：负责人" in html


def test_a_message_after_changing_a_role_is_in_chinese(zh_client, review, reviewer):
    membership = review.memberships.get(user=reviewer)
    response = zh_client.post(
        f"/reviews/{review.pk}/members/{membership.pk}/role/", {"role": Role.VIEWER}, follow=True
    )
    assert "reviewer 现在是查看者。" in response.content.decode()


def test_the_audit_log_reads_in_chinese(zh_client, review, lead, outsider):
    services.review_update(user=lead, review=review, data={"question": "Does it work?"})
    services.member_add(actor=lead, review=review, identifier="outsider", role=Role.VIEWER)
    html = zh_client.get(f"/reviews/{review.pk}/audit/").content.decode()
    assert "修改了评价的研究问题" in html
    assert "将 outsider 以查看者身份加入本评价" in html
    assert "<dt>角色</dt><dd>∅ → 查看者</dd>" in html


def test_a_refusal_names_the_role_in_chinese(client, review, viewer):
    client.force_login(viewer)
    response = client.get(f"/reviews/{review.pk}/edit/", **ZH)
    assert response.status_code == 403
    html = response.content.decode()
    assert "此操作需要本评价的负责人角色；您的角色是查看者。" in html
    assert "请联系本评价的负责人（lead）更改您的角色。" in html


def test_api_errors_follow_accept_language(api_as, review, outsider):
    client = api_as(outsider)
    response = client.get(f"/api/v1/reviews/{review.pk}/", **ZH)
    assert response.status_code == 404
    assert response.json()["detail"] == "没有此评价。"
    response = client.get(f"/api/v1/reviews/{review.pk}/")
    assert response.json()["detail"] == "No such review."


def test_a_wrong_json_type_is_explained_in_chinese(api_as, lead):
    response = api_as(lead).post("/api/v1/reviews/", {"title": 5}, format="json", **ZH)
    assert response.status_code == 400
    assert response.json()["errors"]["title"] == ["必须是字符串，而不是数字。"]


@override_settings(MAX_UPLOAD_SIZE=1024)
def test_too_large_an_upload_is_refused_in_the_language_asked_for(client):
    response = client.post("/api/v1/reviews/", "x" * 2048, content_type="application/json", **ZH)
    assert response.status_code == 413
    assert "本服务器的上限为 0 MB（设置项 MAX_UPLOAD_MB）" in response.json()["detail"]
