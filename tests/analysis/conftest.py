"""The BCG trials (metafor's dat.bcg, analysis/demo/SOURCES.md) extracted into the review and
locked: real, public data."""

import pytest

from analysis.demo_bcg import bcg_extract_and_lock, bcg_plan


@pytest.fixture
def locked(review, lead):
    bcg_extract_and_lock(lead=lead, review=review)
    return review


@pytest.fixture
def plan(locked, lead):
    return bcg_plan(lead=lead, review=locked)
