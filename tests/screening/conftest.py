"""More reviewers for the screening tests, beside the personas of tests/conftest.py."""

import pytest

from reviews.models import Role
from tests.factories import MembershipFactory, UserFactory


def _reviewer(review, username: str):
    user = UserFactory(username=username)
    MembershipFactory(review=review, user=user, role=Role.REVIEWER)
    return user


@pytest.fixture
def reviewer2(review):
    return _reviewer(review, "reviewer2")


@pytest.fixture
def reviewer3(review):
    return _reviewer(review, "reviewer3")
