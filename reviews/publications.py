"""The publication a reader sees. A record in no duplicate group (or in one since undone) is
read as imported; the primary record of an active group stands for the whole publication and
shows the group's merged values (`DuplicateCluster.merged`: each field from the most complete
member that has it). Every place that shows or reads a record's bibliographic fields — the
screening page and API, the exports and the relevance model — goes through here, so they
always agree.
"""

from __future__ import annotations

from typing import Any

from reviews.models import BIBLIOGRAPHIC_FIELDS, Record


def merged_values(
    values: dict[str, Any],
    *,
    record_id: int,
    primary_id: int | None,
    undone_at: object | None,
    merged: dict[str, Any] | None,
) -> dict[str, Any]:
    """`values` (some of a record's bibliographic fields) as a reader sees them, given the
    record's duplicate group (`primary_id` is None when it has none). For readers that fetch
    plain rows rather than records (the relevance model reads a whole review this way)."""
    if primary_id is None or primary_id != record_id or undone_at is not None or not merged:
        return values
    return {**values, **{k: v for k, v in merged.items() if k in values}}


def publication_fields(record: Record) -> dict[str, Any]:
    """Every bibliographic field of the record, as a reader sees it."""
    values = {name: getattr(record, name) for name in BIBLIOGRAPHIC_FIELDS}
    cluster = record.cluster
    if cluster is None:
        return values
    return merged_values(
        values,
        record_id=record.pk,
        primary_id=cluster.primary_id,
        undone_at=cluster.undone_at,
        merged=cluster.merged,
    )
