from reviews.models.audit import AuditEvent
from reviews.models.jobs import Job
from reviews.models.records import Database, Record, SearchImport
from reviews.models.review import Membership, Review, Role

__all__ = [
    "AuditEvent",
    "Database",
    "Job",
    "Membership",
    "Record",
    "Review",
    "Role",
    "SearchImport",
]
