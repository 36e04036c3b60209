"""The admin refuses to change extraction data while the review's extraction is locked, and
never changes snapshots or locks."""

import pytest

from extraction import locking
from extraction.models import ExtractionLock, Snapshot, Study
from tests.factories import UserFactory


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


def change(study):
    return {
        "review": study.review_id,
        "label": "Renamed",
        "design": study.design,
        "citation": "",
        "provenance": study.provenance,
    }


def test_the_admin_changes_a_study_while_unlocked(admin_client, ready_to_lock):
    study = ready_to_lock["Wang 2020"]
    response = admin_client.post(f"/admin/extraction/study/{study.pk}/change/", change(study))
    assert response.status_code == 302
    study.refresh_from_db()
    assert study.label == "Renamed"


def test_the_admin_refuses_every_change_while_locked(admin_client, review, lead, ready_to_lock):
    locking.extraction_lock(lead=lead, review=review)
    study = ready_to_lock["Wang 2020"]
    response = admin_client.post(f"/admin/extraction/study/{study.pk}/change/", change(study))
    assert response.status_code == 403
    response = admin_client.post(f"/admin/extraction/study/{study.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    added = admin_client.post(
        "/admin/extraction/study/add/",
        {
            "review": review.pk,
            "label": "Sneaked in",
            "design": "parallel",
            "citation": "x",
            "provenance": "other_methods",
        },
    )
    assert added.status_code == 403 and b"locked" in added.content
    study.refresh_from_db()
    assert study.label == "Wang 2020" and not Study.objects.filter(label="Sneaked in").exists()


def test_snapshots_and_locks_are_read_only_in_the_admin(admin_client, review, lead, ready_to_lock):
    locking.extraction_lock(lead=lead, review=review)
    snapshot, lock = Snapshot.objects.get(), ExtractionLock.objects.get()
    for url in (
        f"/admin/extraction/snapshot/{snapshot.pk}/delete/",
        f"/admin/extraction/extractionlock/{lock.pk}/delete/",
    ):
        assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert ExtractionLock.objects.exists() and Snapshot.objects.exists()
