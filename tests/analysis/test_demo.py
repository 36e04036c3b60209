"""`loaddemo` leaves the BCG demo review complete: 13 studies extracted from dat.bcg with
their study fields, a locked snapshot and a finished run whose pooled RR is the published one."""

import io
import json

import pytest
from django.core.management import call_command

from analysis.models import AnalysisRun
from extraction.models import ExtractionLock, Study
from lifecycle.demo import DEMO_REVIEW
from reviews.models import Job, Review


@pytest.mark.django_db
def test_loaddemo_makes_the_bcg_review_complete(settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    call_command("loaddemo", stdout=io.StringIO())
    review = Review.objects.get(title=DEMO_REVIEW["title"])
    assert Study.objects.filter(review=review).count() == 13
    lock = ExtractionLock.objects.select_related("snapshot").get(review=review)
    aronson = next(s for s in lock.snapshot.data["studies"] if s["label"] == "Aronson 1948")
    assert aronson["fields"] == {"allocation": "random", "latitude": 44, "year": 1948}
    # Each trial points at the meta-analysis that compiled it, not at a made-up reference.
    citation = Study.objects.get(review=review, label="Aronson 1948").citation
    assert citation.startswith("Aronson 1948: trial as compiled in Colditz GA")
    run = AnalysisRun.objects.get(review=review)
    assert run.job.status == Job.Status.SUCCEEDED
    assert run.snapshot_id == lock.snapshot_id
    assert json.loads(run.results)["plain_language"].startswith("RR 0.49, 95% CI 0.34 to 0.70")
    # Loading again adds no run.
    call_command("loaddemo", stdout=io.StringIO())
    assert AnalysisRun.objects.filter(review=review).count() == 1
