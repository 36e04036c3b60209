"""Reads for the extraction pages, the API and the commands."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from extraction.conversions import PAIRED_FORMAT, formats_for
from extraction.definitions import default_definition, field_of, outcome_of, shown
from extraction.models import (
    Arm,
    Extraction,
    ExtractionLock,
    ExtractionSettings,
    FormVersion,
    OutcomeValue,
    Provenance,
    Snapshot,
    Study,
    StudyFieldValue,
    StudyReport,
)
from extraction.values import Where, field_value_clean, outcome_row_clean
from reviews.models import BIBLIOGRAPHIC_FIELDS, Membership, Record, Review
from screening import selectors as screening
from screening.models import Stage


def is_locked(review: Review) -> bool:
    return ExtractionLock.objects.filter(review=review).exists()


def lock_of(review: Review) -> ExtractionLock | None:
    return (
        ExtractionLock.objects.select_related("snapshot", "locked_by").filter(review=review).first()
    )


def extraction_settings(review: Review) -> ExtractionSettings:
    """The review's settings, or the defaults when a lead has not changed them."""
    found = ExtractionSettings.objects.select_related("arbiter").filter(review=review).first()
    return found or ExtractionSettings(review=review)


def can_build_consensus(membership: Membership, settings: ExtractionSettings) -> bool:
    """Leads build consensus; so does the reviewer a lead designated as arbiter."""
    if membership.is_lead:
        return True
    return membership.can_write and settings.arbiter_id == membership.user_id


def form_current(review: Review) -> FormVersion | None:
    return FormVersion.objects.filter(review=review).order_by("-number").first()


def form_definition(review: Review) -> dict[str, Any]:
    """The current form's definition, or the default template before a lead saves one."""
    current = form_current(review)
    return current.definition if current is not None else default_definition()


# Studies and reports -------------------------------------------------------------------------


def included_records(review: Review) -> QuerySet[Record]:
    """Reports included at full text: one record per publication (a duplicate group's primary
    record stands for it)."""
    return screening.included(review, Stage.FULL_TEXT)


def records_without_study(review: Review) -> QuerySet[Record]:
    return included_records(review).filter(study_report__isnull=True).order_by("pk")


def publication(record: Record) -> dict[str, Any]:
    """The publication a reader sees: for a duplicate group's primary record, the merged
    values."""
    values = {name: getattr(record, name) for name in BIBLIOGRAPHIC_FIELDS}
    cluster = record.cluster if record.cluster_id else None
    if cluster is not None and cluster.is_active and cluster.primary_id == record.pk:
        values.update({k: v for k, v in cluster.merged.items() if k in values})
    return values


def study_label_for(record: Record) -> str:
    """“Surname Year” from the first author (“Smith, J.”, “Smith J” or “张三”)."""
    values = publication(record)
    authors = values.get("authors") or []
    first = str(authors[0]).strip() if authors else ""
    if "," in first:
        surname = first.split(",")[0].strip()
    elif " " in first and first.isascii():
        surname = first.split(" ")[0].strip()
    else:
        surname = first
    if not surname:
        surname = " ".join(str(values.get("title") or f"Record {record.pk}").split()[:3])
    year = values.get("year")
    return f"{surname[:80]} {year}" if year else surname[:90]


@dataclass
class StudyRow:
    study: Study
    reports: list[StudyReport]
    extractions: list[Extraction]
    consensus: Extraction | None
    # Reports no longer included at full text (a screening decision changed).
    dropped: list[StudyReport] = field(default_factory=list)

    @property
    def no_longer_included(self) -> bool:
        """Every report dropped out of the inclusions, or a study made from the records has
        none left (its last one was linked elsewhere)."""
        if not self.reports:
            return self.study.provenance == Provenance.SCREENING
        return len(self.dropped) == len(self.reports)

    @property
    def consensus_complete(self) -> bool:
        return self.consensus is not None and self.consensus.status == Extraction.Status.DONE

    @property
    def done_extractions(self) -> int:
        return sum(1 for e in self.extractions if e.status == Extraction.Status.DONE)

    def mine(self, user: User) -> Extraction | None:
        return next((e for e in self.extractions if e.extractor_id == user.pk), None)


def studies(review: Review) -> QuerySet[Study]:
    return (
        Study.objects.filter(review=review)
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=StudyReport.objects.select_related("record", "record__cluster"),
            ),
            Prefetch(
                "extractions",
                queryset=Extraction.objects.select_related("extractor").order_by("pk"),
            ),
        )
        .order_by("label", "pk")
    )


def study_rows(review: Review, studies_qs: QuerySet[Study] | None = None) -> list[StudyRow]:
    """Each study with its reports, its extractions (who and in what state: never their
    values) and its consensus."""
    included = set(included_records(review).values_list("pk", flat=True))
    rows = []
    for study in studies_qs if studies_qs is not None else studies(review):
        extractions = list(study.extractions.all())
        reports = list(study.reports.all())
        rows.append(
            StudyRow(
                study=study,
                reports=reports,
                extractions=[e for e in extractions if not e.is_consensus],
                consensus=next((e for e in extractions if e.is_consensus), None),
                dropped=[r for r in reports if r.record_id not in included],
            )
        )
    return rows


def extraction_progress(review: Review) -> dict[str, int]:
    """Counts for the dashboard card."""
    counts = Study.objects.filter(review=review).aggregate(
        studies=Count("pk", distinct=True),
        started=Count("pk", filter=Q(extractions__extractor__isnull=False), distinct=True),
        consensus=Count(
            "pk",
            filter=Q(extractions__extractor__isnull=True, extractions__status="done"),
            distinct=True,
        ),
    )
    return counts


def included_counts(review: Review) -> tuple[int, int]:
    """(studies included, reports of included studies) for PRISMA, from the studies: a report
    still waiting to become a study counts as one study of its own (as `studies_sync` will
    make it); a study whose reports are all no longer included does not count; a study added
    by hand counts with its citation as its one report."""
    included = set(included_records(review).values_list("pk", flat=True))
    linked: dict[int, int] = dict(
        StudyReport.objects.filter(review=review).values_list("record_id", "study_id")
    )
    with_reports = {study for record, study in linked.items() if record in included}
    waiting = len(included - set(linked))
    by_hand = (
        Study.objects.filter(review=review, reports__isnull=True)
        .exclude(provenance=Provenance.SCREENING)
        .count()
    )
    studies_n = len(with_reports) + waiting + by_hand
    reports_n = len(included) + by_hand
    return studies_n, reports_n


# One extraction ------------------------------------------------------------------------------


@dataclass
class ExtractionData:
    extraction: Extraction
    fields: dict[str, StudyFieldValue]
    arms: list[Arm]
    values: dict[tuple[str, str, int | None], OutcomeValue]


def extraction_data(extraction: Extraction) -> ExtractionData:
    fields = {
        v.key: v
        for v in StudyFieldValue.objects.filter(extraction=extraction).select_related(
            "form_version", "updated_by"
        )
    }
    arms = list(Arm.objects.filter(extraction=extraction).order_by("position"))
    values = {
        (v.outcome, v.timepoint, v.arm.position if v.arm else None): v
        for v in OutcomeValue.objects.filter(extraction=extraction).select_related(
            "arm", "form_version", "updated_by"
        )
    }
    return ExtractionData(extraction, fields, arms, values)


def extraction_problems(extraction: Extraction, version: FormVersion) -> list[str]:
    """What stops an extraction (or a consensus) from being done, in words naming the study,
    the outcome and the value: required fields unanswered, values incomplete or no longer
    valid under the current form, and for a consensus an unset design."""
    study = extraction.study
    data = extraction_data(extraction)
    definition = version.definition
    problems = []
    if extraction.is_consensus and not study.design:
        problems.append(
            _("%(study)s: the study's design is not set (a lead sets it).") % {"study": study.label}
        )
    for spec in definition["fields"]:
        answer = data.fields.get(spec["key"])
        if spec["required"] and (answer is None or answer.value is None):
            if extraction.is_consensus and answer is not None:
                continue  # a consensus may settle on “not reported”
            problems.append(f"{study.label} · {shown(spec['label'])}: " + _("required"))
    for key, answer in data.fields.items():
        spec = field_of(definition, key)
        if spec is None or answer.value is None:
            continue
        try:
            field_value_clean(spec, answer.value, Where(study.label))
        except ValidationError as exc:
            problems.extend(exc.messages)
    arms = {arm.position: arm for arm in data.arms}
    for (outcome, timepoint, position), value in sorted(
        data.values.items(), key=lambda item: (item[0][0], item[0][1], item[0][2] or 0)
    ):
        spec = outcome_of(definition, outcome)
        name = spec["name"] if spec else outcome
        arm = arms.get(position) if position is not None else None
        where = Where(study.label, name, timepoint, arm.label if arm else _("within-person"))
        if spec is None:
            problems.append(
                _("%(where)s: the current form has no outcome “%(outcome)s”")
                % {"where": where, "outcome": outcome}
            )
            continue
        if value.format != PAIRED_FORMAT and value.format not in formats_for(spec["type"]):
            problems.append(
                _("%(where)s: “%(format)s” is not a %(type)s format")
                % {"where": where, "format": value.format, "type": spec["type"]}
            )
            continue
        try:
            outcome_row_clean(
                where=where,
                outcome_type=spec["type"],
                fmt=value.format,
                typed=value.reported,
                arm_n=arm.n if arm else None,
                complete=True,
            )
        except ValidationError as exc:
            problems.extend(exc.messages)
    return problems


def snapshots(review: Review) -> QuerySet[Snapshot]:
    return Snapshot.objects.filter(review=review).select_related("created_by").order_by("-version")
