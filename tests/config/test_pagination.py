"""API lists take `page` as a page number from 1: anything else answers 404 and says why,
rather than quietly giving the first page (`?page=`) or the last (`?page=last`)."""

import pytest


@pytest.mark.parametrize(
    ("page", "why"),
    [
        ("", "That page number is not an integer"),
        ("last", "That page number is not an integer"),
        ("x", "That page number is not an integer"),
        ("0", "That page number is less than 1"),
        ("2", "That page contains no results"),
    ],
)
def test_a_page_that_is_not_a_page_number_is_404(api_as, review, lead, page, why):
    response = api_as(lead).get("/api/v1/reviews/", {"page": page})
    assert response.status_code == 404
    assert response.json()["detail"] == f"No page “{page}”: {why}."


def test_pages_count_from_one(api_as, review, lead):
    assert api_as(lead).get("/api/v1/reviews/", {"page": "1"}).json()["count"] == 1
    assert api_as(lead).get("/api/v1/reviews/").json()["count"] == 1
