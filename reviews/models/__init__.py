from reviews.models.account import AccountSettings
from reviews.models.audit import AuditEvent
from reviews.models.dedup import DedupRun, DuplicateCluster, DuplicatePair
from reviews.models.invitations import Invitation
from reviews.models.jobs import Job
from reviews.models.records import (
    BIBLIOGRAPHIC_FIELDS,
    CITATION_FIELDS,
    Database,
    Record,
    SearchImport,
)
from reviews.models.review import REVIEW_DETAILS, REVIEW_SETTINGS, Membership, Review, Role

__all__ = [
    "BIBLIOGRAPHIC_FIELDS",
    "CITATION_FIELDS",
    "REVIEW_DETAILS",
    "REVIEW_SETTINGS",
    "AccountSettings",
    "AuditEvent",
    "Database",
    "DedupRun",
    "DuplicateCluster",
    "DuplicatePair",
    "Invitation",
    "Job",
    "Membership",
    "Record",
    "Review",
    "Role",
    "SearchImport",
]
