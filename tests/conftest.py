"""Personas (STYLE.md section 8): a review led by `lead`, with `reviewer` and `viewer` as
members, and `outsider`, who has an account but is not in the review."""

import pytest
from django.conf import settings
from django.utils import translation
from rest_framework.test import APIClient

from reviews.models import Role
from tests.factories import MembershipFactory, ReviewFactory, UserFactory


@pytest.fixture
def lead(db):
    return UserFactory(username="lead")


@pytest.fixture
def reviewer(db):
    return UserFactory(username="reviewer")


@pytest.fixture
def viewer(db):
    return UserFactory(username="viewer")


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider")


@pytest.fixture
def review(lead, reviewer, viewer):
    review = ReviewFactory(created_by=lead, title="Autologous fat grafting for acne scars")
    MembershipFactory(review=review, user=reviewer, role=Role.REVIEWER)
    MembershipFactory(review=review, user=viewer, role=Role.VIEWER)
    return review


@pytest.fixture
def personas(lead, reviewer, viewer, outsider):
    return {"lead": lead, "reviewer": reviewer, "viewer": viewer, "outsider": outsider}


@pytest.fixture
def api_as():
    """An API client authenticated as the given user (tests/reviews/test_api_auth.py
    covers real token and session logins)."""

    def make(user) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return make


@pytest.fixture
def web_as(client):
    def make(user):
        client.force_login(user)
        return client

    return make


@pytest.fixture(autouse=True)
def english_outside_requests():
    """A request activates its language in the thread and Django leaves it there: start and
    end every test in the default language, so a Chinese request cannot leak into the next."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
