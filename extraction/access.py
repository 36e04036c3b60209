"""Who may see and change studies, extractions and snapshots: one helper per object, on top of
`reviews.access.review_for_user` (outsiders get 404, roles too low for an action 403).

Blinding: an extraction is visible to its extractor; another extractor's values only to a lead
or the arbiter once every required extraction of the study is done (for the comparison), and
to every member once the study's consensus is complete. Until then it does not exist for them
(404), like a record they may not see.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from extraction import consensus, selectors
from extraction.models import Extraction, Snapshot, Study
from reviews.access import review_for_user


def study_for_user(
    user: User | AnonymousUser,
    review_id: int | str,
    study_id: int | str,
    *,
    write: bool = False,
    lead: bool = False,
) -> Study:
    review = review_for_user(user, review_id, write=write, lead=lead)
    try:
        study = Study.objects.get(pk=int(study_id), review=review)
    except (Study.DoesNotExist, TypeError, ValueError):
        raise Http404(_("No such study in this review.")) from None
    study.review = review
    return study


def consensus_study_for_user(
    user: User | AnonymousUser, review_id: int | str, study_id: int | str
) -> Study:
    """A study whose consensus the user may build: a lead, or the arbiter."""
    study = study_for_user(user, review_id, study_id, write=True)
    settings = selectors.extraction_settings(study.review)
    if not selectors.can_build_consensus(study.review.membership, settings):
        raise PermissionDenied(_("Only a lead or the designated arbiter builds consensus."))
    return study


def extraction_for_user(
    user: User | AnonymousUser,
    review_id: int | str,
    extraction_id: int | str,
    *,
    write: bool = False,
) -> Extraction:
    review = review_for_user(user, review_id, write=write)
    try:
        extraction = Extraction.objects.select_related("study", "extractor", "form_version").get(
            pk=int(extraction_id), review=review
        )
    except (Extraction.DoesNotExist, TypeError, ValueError):
        raise Http404(_("No such extraction in this review.")) from None
    extraction.review = review
    extraction.study.review = review
    membership = review.membership
    settings = selectors.extraction_settings(review)
    if extraction.extractor_id == user.pk:
        return extraction
    builds = selectors.can_build_consensus(membership, settings)
    ready = consensus.is_ready(extraction.study, settings)
    if extraction.is_consensus:
        if builds and ready:
            return extraction
        if write:
            if builds:
                raise PermissionDenied(
                    _("The consensus opens once every required extraction of the study is done.")
                )
            raise PermissionDenied(_("Only a lead or the designated arbiter builds consensus."))
        if extraction.status == Extraction.Status.DONE:
            return extraction
        raise Http404(_("No such extraction in this review."))
    # Another extractor's extraction: read-only, and only once blinding lifts.
    if write:
        raise PermissionDenied(_("Only its extractor changes an extraction."))
    if consensus.can_view(extraction.study, membership, settings):
        return extraction
    raise Http404(_("No such extraction in this review."))


def snapshot_for_user(
    user: User | AnonymousUser, review_id: int | str, version: int | str
) -> Snapshot:
    review = review_for_user(user, review_id)
    try:
        snapshot = Snapshot.objects.select_related("created_by").get(
            review=review, version=int(version)
        )
    except (Snapshot.DoesNotExist, TypeError, ValueError):
        raise Http404(_("No such snapshot of this review.")) from None
    snapshot.review = review
    return snapshot
