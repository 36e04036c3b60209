"""Importing extraction data from a spreadsheet (CSV or XLSX), for teams that extracted
outside Evident: the command `importextraction`, the upload on the extraction page and the
API all call `extraction_import`.

Long format: one row per study × outcome × time point × arm, with the columns

    study, design, outcome, outcome_type, timepoint, arm, n, mean, sd, se, ci_low, ci_high,
    median, q1, q3, min, max, events, r

and study-level fields as ``field:NAME`` columns. Optional columns: ``arm_n`` (randomised;
default the largest n given), ``role`` (intervention, control, not_used; default the first
arm intervention, the second control, others not used), ``basis`` (final or change),
``citation``, ``source``, ``quote``, ``flag``. The columns our exports add (``analysed_*``,
``conversion`` …) are ignored, so an export imports back.

* The format of each row follows from the numbers given (events → events/total; mean with
  SD, SE or CI; median with IQR and/or range); a row of a paired design with no arm holds the
  within-person difference (mean, sd or se) and its n; `r` on a paired design's rows is the
  within-person correlation.
* Outcomes, time points and fields not yet in the form are added to it (a new version).
* Studies not yet in the review are added with provenance “imported extraction”; a study that
  already has consensus data is replaced only when asked (`replace`).
* The data go into each study's consensus, completed when it passes the checks of a
  consensus (otherwise the summary lists what is missing).

All rows or none: every problem names the row (as the spreadsheet numbers it, the header
being row 1) and the column. Import into a locked review is refused and changes nothing.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from extraction import selectors, services
from extraction.conversions import PAIRED_FORMAT
from extraction.definitions import definition_clean
from extraction.models import (
    PAIRED_DESIGNS,
    Arm,
    Design,
    Extraction,
    OutcomeValue,
    Provenance,
    Study,
    StudyFieldValue,
)
from extraction.values import ValueProblem, Where, field_value_clean, outcome_row_clean
from reviews.audit import audit_record
from reviews.models import Review

COLUMNS = (
    "study",
    "design",
    "outcome",
    "outcome_type",
    "timepoint",
    "arm",
    "n",
    "mean",
    "sd",
    "se",
    "ci_low",
    "ci_high",
    "median",
    "q1",
    "q3",
    "min",
    "max",
    "events",
    "r",
)
OPTIONAL = ("arm_n", "role", "basis", "citation", "source", "quote", "flag")
# Written by our exports, read by nobody here.
EXPORT_ONLY = (
    "format",
    "analysed_n",
    "analysed_mean",
    "analysed_sd",
    "analysed_events",
    "analysed_total",
    "conversion",
    "unconverted",
    "r_source",
    "form_version",
    "provenance",
)
NUMBERS = (
    "n",
    "mean",
    "sd",
    "se",
    "ci_low",
    "ci_high",
    "median",
    "q1",
    "q3",
    "min",
    "max",
    "events",
)
# How the import names a number in a paired design's arm-less row.
PAIRED_COLUMNS = {"n": "n", "r": "r", "diff_mean": "mean", "diff_sd": "sd", "diff_se": "se"}
MAX_ROWS = 20_000


def _problem(row: int, column: str, message: str, study: str = "") -> ValidationError:
    # Translators: column names are the spreadsheet's own (study, outcome, mean …): keep them.
    if study:
        text = _("Row %(row)s (study “%(study)s”), column “%(column)s”: %(message)s")
    else:
        text = _("Row %(row)s, column “%(column)s”: %(message)s")
    return ValidationError(
        text % {"row": row, "study": study, "column": column, "message": message}
    )


# Reading ---------------------------------------------------------------------------------------


def read_table(name: str, content: bytes) -> list[dict[str, str]]:
    """Rows as dicts of text, keyed by the header (trimmed; `field:` names keep their case)."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix == "xlsx":
        header, rows = _read_xlsx(content)
    elif suffix == "csv":
        header, rows = _read_csv(content)
    else:
        raise ValidationError(_("%(name)s: give a .csv or .xlsx file.") % {"name": name})
    names = []
    for i, column in enumerate(header, start=1):
        column = (column or "").strip()
        if not column:
            if any(len(r) >= i and str(r[i - 1] or "").strip() for r in rows):
                raise ValidationError(
                    _("Row 1, column %(n)s: a column with values has no name.") % {"n": i}
                )
            names.append("")
            continue
        if not column.lower().startswith("field:"):
            column = column.lower()
        if column in names:
            raise ValidationError(
                _("Row 1, column “%(column)s”: the column appears twice.") % {"column": column}
            )
        if not (
            column in COLUMNS
            or column in OPTIONAL
            or column in EXPORT_ONLY
            or column.startswith("field:")
        ):
            raise ValidationError(
                _(
                    "Row 1, column “%(column)s”: not a column of the import (expected "
                    "%(columns)s, optionally %(optional)s, and field:NAME)."
                )
                % {
                    "column": column,
                    "columns": ", ".join(COLUMNS),
                    "optional": ", ".join(OPTIONAL),
                }
            )
        names.append(column)
    if "study" not in names:
        raise ValidationError(_("Row 1: the column “study” is missing."))
    if len(rows) > MAX_ROWS:
        raise ValidationError(
            _("The file has %(rows)s rows; at most %(max)s are imported.")
            % {"rows": len(rows), "max": MAX_ROWS}
        )
    table = []
    for row in rows:
        values = {n: _text(row[i]) if i < len(row) else "" for i, n in enumerate(names) if n}
        table.append(values)
    return table


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


def _read_csv(content: bytes) -> tuple[list[str], list[list[str]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("The CSV is not UTF-8: save it as “CSV UTF-8”.")) from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ValidationError(_("The file is empty."))
    return rows[0], [r for r in rows[1:] if any(c.strip() for c in r)]


def _read_xlsx(content: bytes) -> tuple[list[str], list[list[Any]]]:
    from openpyxl import load_workbook  # only when an XLSX comes in

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:
        raise ValidationError(
            _("The XLSX file cannot be read: %(error)s") % {"error": exc}
        ) from None
    sheet = book["data"] if "data" in book.sheetnames else book.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    book.close()
    if not rows:
        raise ValidationError(_("The file is empty."))
    header = [_text(c) for c in rows[0]]
    return header, [r for r in rows[1:] if any(_text(c) for c in r)]


# Planning: everything checked before anything is written ------------------------------------


@dataclass
class PlannedArm:
    label: str
    n: int | None = None
    role: str = ""
    row: int = 0


@dataclass
class PlannedStudy:
    label: str
    design: str = ""
    citation: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    arms: list[PlannedArm] = field(default_factory=list)
    values: list[dict] = field(default_factory=list)
    existing: Study | None = None
    first_row: int = 0


@dataclass
class ImportSummary:
    rows: int
    studies_added: list[str]
    studies_replaced: list[str]
    values: int
    form_version: int
    incomplete: dict[str, list[str]]

    def as_dict(self) -> dict:
        return {
            "rows": self.rows,
            "studies_added": self.studies_added,
            "studies_replaced": self.studies_replaced,
            "values": self.values,
            "form_version": self.form_version,
            "incomplete": self.incomplete,
        }


def _consistent(target: dict, key: str, value: str, row: int, column: str, study: str) -> None:
    if not value:
        return
    if target.get(key) and target[key] != value:
        raise _problem(
            row,
            column,
            _("“%(value)s” differs from “%(earlier)s” on an earlier row")
            % {"value": value, "earlier": target[key]},
            study,
        )
    target[key] = value


def _key_for(name: str, taken: set[str]) -> str:
    base = slugify(name).replace("-", "_")[:60] or "item"
    if not base[0].isalpha():
        base = f"x_{base}"[:60]
    key, i = base, 1
    while key in taken:
        i += 1
        key = f"{base}_{i}"
    taken.add(key)
    return key


def _plan(review: Review, table: list[dict[str, str]], replace: bool):
    definition = selectors.form_definition(review)
    definition = {
        "fields": [dict(f) for f in definition["fields"]],
        "outcomes": [dict(o, timepoints=list(o["timepoints"])) for o in definition["outcomes"]],
    }
    existing = {s.label: s for s in Study.objects.filter(review=review)}
    studies: dict[str, PlannedStudy] = {}
    field_keys = {f["key"] for f in definition["fields"]}
    outcome_keys = {o["key"] for o in definition["outcomes"]}
    by_field_name = {}
    for f in definition["fields"]:
        by_field_name[f["key"].lower()] = f
        by_field_name[f["label"].lower()] = f

    def outcome_for(name: str, kind: str, row: int, study: str) -> dict:
        lowered = name.lower()
        for o in definition["outcomes"]:
            if lowered in (o["key"], o["name"].lower()):
                if kind and kind != o["type"]:
                    raise _problem(
                        row,
                        "outcome_type",
                        _("%(outcome)s is %(type)s in the form")
                        % {"outcome": o["name"], "type": o["type"]},
                        study,
                    )
                return o
        if kind not in ("continuous", "dichotomous"):
            raise _problem(
                row,
                "outcome_type",
                _("“%(name)s” is a new outcome: say continuous or dichotomous") % {"name": name},
                study,
            )
        new = {
            "key": _key_for(name, outcome_keys),
            "name": name,
            "type": kind,
            "unit": "",
            "direction": "higher_better",
            "timepoints": [],
            "primary": False,
        }
        definition["outcomes"].append(new)
        return new

    for i, raw in enumerate(table, start=2):
        label = raw.get("study", "")
        if not label:
            raise _problem(i, "study", _("missing study label"))
        plan = studies.get(label)
        if plan is None:
            plan = studies[label] = PlannedStudy(label, existing=existing.get(label), first_row=i)
        meta: dict[str, str] = {"design": plan.design, "citation": plan.citation}
        design = raw.get("design", "").strip().lower().replace("-", "_").replace(" ", "_")
        if design and design not in Design.values:
            raise _problem(
                i,
                "design",
                _("“%(value)s” is not one of %(choices)s")
                % {"value": raw["design"], "choices": ", ".join(Design.values)},
                label,
            )
        _consistent(meta, "design", design, i, "design", label)
        _consistent(meta, "citation", raw.get("citation", ""), i, "citation", label)
        plan.design, plan.citation = meta["design"], meta["citation"]
        for column, value in raw.items():
            if not column.startswith("field:") or not value:
                continue
            name = column[6:].strip()
            spec = by_field_name.get(name.lower())
            if spec is None:
                spec = {
                    "key": _key_for(name, field_keys),
                    "label": name,
                    "type": "text",
                    "required": False,
                    "help": "",
                    "choices": [],
                }
                definition["fields"].append(spec)
                by_field_name[name.lower()] = spec
            try:
                clean = field_value_clean(spec, value, Where(label))
            except ValidationError as exc:
                raise _problem(i, column, exc.messages[0].split(": ", 1)[-1], label) from None
            if spec["key"] in plan.fields and plan.fields[spec["key"]] != clean:
                raise _problem(
                    i,
                    column,
                    _("“%(value)s” differs from an earlier row") % {"value": value},
                    label,
                )
            plan.fields[spec["key"]] = clean
        outcome_name = raw.get("outcome", "")
        numbers = {c: raw.get(c, "") for c in (*NUMBERS, "r") if raw.get(c, "")}
        if not outcome_name:
            if numbers or raw.get("arm"):
                raise _problem(i, "outcome", _("numbers need their outcome"), label)
            continue
        timepoint = raw.get("timepoint", "")
        if not timepoint:
            raise _problem(i, "timepoint", _("missing time point"), label)
        outcome = outcome_for(outcome_name, raw.get("outcome_type", "").lower(), i, label)
        if timepoint not in outcome["timepoints"]:
            outcome["timepoints"].append(timepoint)
        plan.values.append(
            {
                "row": i,
                "outcome": outcome,
                "timepoint": timepoint,
                "arm": raw.get("arm", ""),
                "numbers": numbers,
                "raw": raw,
            }
        )
    for plan in studies.values():
        _plan_arms(plan)
        if plan.existing is None and not plan.design:
            raise _problem(
                plan.first_row,
                "design",
                _("a study new to the review needs its design"),
                plan.label,
            )
        if plan.existing is not None and not replace:
            consensus = plan.existing.extractions.filter(extractor__isnull=True).first()
            if consensus is not None and (
                consensus.status == Extraction.Status.DONE
                or consensus.outcome_values.exists()
                or consensus.fields.exists()
            ):
                raise _problem(
                    plan.first_row,
                    "study",
                    _("this study already has consensus data; import with “replace” to replace it"),
                    plan.label,
                )
    return definition_clean(definition), studies


def _plan_arms(plan: PlannedStudy) -> None:
    design = plan.design or (plan.existing.design if plan.existing else "")
    paired = design in PAIRED_DESIGNS
    by_label: dict[str, PlannedArm] = {}
    for value in plan.values:
        raw, row = value["raw"], value["row"]
        label = value["arm"]
        if not label:
            if not paired:
                raise _problem(
                    row,
                    "arm",
                    _("missing arm (only a paired design has arm-less rows)"),
                    plan.label,
                )
            continue
        arm = by_label.get(label)
        if arm is None:
            arm = by_label[label] = PlannedArm(label, row=row)
            plan.arms.append(arm)
        for column in ("arm_n",):
            text = raw.get(column, "")
            if text:
                try:
                    size = int(float(text))
                except ValueError:
                    raise _problem(
                        row,
                        column,
                        _("“%(text)s” is not a whole number") % {"text": text},
                        plan.label,
                    ) from None
                if arm.n is not None and arm.n != size:
                    raise _problem(
                        row,
                        column,
                        _("%(value)s differs from %(earlier)s on an earlier row")
                        % {"value": size, "earlier": arm.n},
                        plan.label,
                    )
                arm.n = size
        role = raw.get("role", "").lower().replace(" ", "_")
        if role:
            if role not in Arm.Role.values:
                raise _problem(
                    row,
                    "role",
                    _("“%(value)s” is not one of %(choices)s")
                    % {"value": raw["role"], "choices": ", ".join(Arm.Role.values)},
                    plan.label,
                )
            if arm.role and arm.role != role:
                raise _problem(
                    row,
                    "role",
                    _("“%(value)s” differs from “%(earlier)s” on an earlier row")
                    % {"value": role, "earlier": arm.role},
                    plan.label,
                )
            arm.role = role
    defaults = [Arm.Role.INTERVENTION, Arm.Role.CONTROL]
    for index, arm in enumerate(plan.arms):
        if not arm.role:
            arm.role = defaults[index] if index < 2 else Arm.Role.NOT_USED
        if arm.n is None:
            sizes = [
                int(float(v["numbers"]["n"]))
                for v in plan.values
                if v["arm"] == arm.label and _is_number(v["numbers"].get("n", ""))
            ]
            arm.n = max(sizes) if sizes else None


def _is_number(text: str) -> bool:
    return bool(re.fullmatch(r"\s*\d+(\.0*)?\s*", text or ""))


def _format(numbers: dict[str, str], basis: str, outcome_type: str) -> str:
    given = set(numbers) - {"n", "r"}
    if outcome_type == "dichotomous" or "events" in given:
        return "events_total"
    if not given:
        return "not_reported"
    if "median" in given:
        has_iqr, has_range = {"q1", "q3"} & given, {"min", "max"} & given
        if has_iqr and has_range:
            return "median_iqr_range"
        return "median_range" if has_range else "median_iqr"
    if {"ci_low", "ci_high"} & given:
        return "mean_ci"
    if "se" in given and "sd" not in given:
        return "mean_se"
    return "change_sd" if basis == "change" else "mean_sd"


def _cells(plan: PlannedStudy):
    """Each value's checked numbers, or an error naming its row and column."""
    arms = {a.label: a for a in plan.arms}
    design = plan.design or (plan.existing.design if plan.existing else "")
    paired_r: dict[tuple[str, str], tuple[str, int]] = {}
    cells = []
    for value in plan.values:
        row, outcome, numbers = value["row"], value["outcome"], dict(value["numbers"])
        basis = value["raw"].get("basis", "").lower()
        if basis and basis not in ("final", "change"):
            raise _problem(
                row, "basis", _("“%(basis)s” is not final or change") % {"basis": basis}, plan.label
            )
        r_text = numbers.pop("r", "")
        key = (outcome["key"], value["timepoint"])
        if r_text:
            if design not in PAIRED_DESIGNS:
                raise _problem(
                    row,
                    "r",
                    _("r is for paired designs (within-person, crossover, before–after)"),
                    plan.label,
                )
            if key in paired_r and paired_r[key][0] != r_text:
                raise _problem(
                    row,
                    "r",
                    _("%(value)s differs from r = %(earlier)s on row %(row)s")
                    % {"value": r_text, "earlier": paired_r[key][0], "row": paired_r[key][1]},
                    plan.label,
                )
            paired_r[key] = (r_text, row)
        if not value["arm"]:
            stray = [c for c in numbers if c not in PAIRED_COLUMNS.values()]
            if stray:
                raise _problem(
                    row,
                    stray[0],
                    _(
                        "a row without an arm holds the within-person difference: n, mean, sd "
                        "or se, and r"
                    ),
                    plan.label,
                )
            typed = {
                name: numbers.get(column, "")
                for name, column in PAIRED_COLUMNS.items()
                if column != "r"
            }
            typed["r"] = r_text
            fmt, arm = PAIRED_FORMAT, None
            where = Where(plan.label, outcome["name"], value["timepoint"], _("within-person"))
            columns = PAIRED_COLUMNS
        else:
            arm = arms[value["arm"]]
            fmt = _format(numbers, basis, outcome["type"])
            typed = numbers
            where = Where(plan.label, outcome["name"], value["timepoint"], arm.label)
            columns = {}
        try:
            clean = outcome_row_clean(
                where=where,
                outcome_type=outcome["type"],
                fmt=fmt,
                typed=typed,
                arm_n=arm.n if arm else None,
                complete=True,
            )
        except ValueProblem as exc:
            column = columns.get(exc.input, exc.input)
            raise _problem(row, column, exc.messages[0].split(": ", 1)[-1], plan.label) from None
        except ValidationError as exc:
            raise _problem(row, "format", exc.messages[0].split(": ", 1)[-1], plan.label) from None
        cells.append((value, arm, clean))
    # r given on the arms' rows goes in the study's within-person row for that outcome.
    for (outcome_key, timepoint), (r_text, row) in paired_r.items():
        if not any(
            v["outcome"]["key"] == outcome_key and v["timepoint"] == timepoint and not v["arm"]
            for v in plan.values
        ):
            outcome = next(v["outcome"] for v in plan.values if v["outcome"]["key"] == outcome_key)
            where = Where(plan.label, outcome["name"], timepoint, "within-person")
            clean = outcome_row_clean(
                where=where,
                outcome_type="continuous",
                fmt=PAIRED_FORMAT,
                typed={"r": r_text},
                complete=True,
            )
            cells.append(
                (
                    {"row": row, "outcome": outcome, "timepoint": timepoint, "arm": "", "raw": {}},
                    None,
                    clean,
                )
            )
    return cells


# Writing ---------------------------------------------------------------------------------------


@transaction.atomic
def extraction_import(
    *,
    lead: User,
    review: Review,
    file_name: str,
    content: bytes,
    replace: bool = False,
) -> ImportSummary:
    services.extraction_guard(review)
    table = read_table(file_name, content)
    definition, plans = _plan(review, table, replace)
    planned_cells = {label: _cells(plan) for label, plan in plans.items()}
    version = services.form_current_or_create(review)
    if version.definition != definition:
        version = services.form_save(lead=lead, review=review, definition=definition)
    added, replaced, n_values, incomplete = [], [], 0, {}
    for label, plan in plans.items():
        study = plan.existing
        if study is None:
            study = Study.objects.create(
                review=review,
                label=label,
                design=plan.design,
                citation=plan.citation,
                provenance=Provenance.IMPORTED,
                created_by=lead,
            )
            added.append(label)
        else:
            changes = {}
            if plan.design and plan.design != study.design:
                changes["design"] = plan.design
            if plan.citation and plan.citation != study.citation:
                changes["citation"] = plan.citation
            if changes:
                Study.objects.filter(pk=study.pk).update(**changes)
                study.refresh_from_db()
            replaced.append(label)
        consensus = services.consensus_of(study)
        Extraction.objects.filter(pk=consensus.pk).update(
            status=Extraction.Status.IN_PROGRESS, form_version=version
        )
        consensus.refresh_from_db()
        for model in (OutcomeValue, Arm, StudyFieldValue):
            model.objects.filter(extraction=consensus).delete()
        study.decisions.all().delete()
        common = {
            "review": review,
            "extraction": consensus,
            "form_version": version,
            "updated_by": lead,
        }
        StudyFieldValue.objects.bulk_create(
            StudyFieldValue(key=key, value=value, **common) for key, value in plan.fields.items()
        )
        arms = {}
        for position, arm in enumerate(plan.arms, start=1):
            arms[arm.label] = Arm.objects.create(
                position=position, label=arm.label, n=arm.n, role=arm.role, **common
            )
        rows = []
        for value, arm, clean in planned_cells[label]:
            a = clean.analysable
            raw = value["raw"]
            rows.append(
                OutcomeValue(
                    outcome=value["outcome"]["key"],
                    timepoint=value["timepoint"],
                    arm=arms[arm.label] if arm is not None else None,
                    format=clean.format,
                    reported=clean.reported,
                    n=a.n,
                    mean=a.mean,
                    sd=a.sd,
                    events=a.events,
                    r=a.r,
                    basis=a.basis,
                    method=a.method,
                    unconverted=a.unconverted,
                    source=raw.get("source", "")[:200],
                    quote=raw.get("quote", ""),
                    flag=raw.get("flag", "")[:200],
                    **common,
                )
            )
        OutcomeValue.objects.bulk_create(rows)
        n_values += len(rows) + len(plan.fields)
        problems = selectors.extraction_problems(consensus, version)
        if problems:
            incomplete[label] = problems
        else:
            Extraction.objects.filter(pk=consensus.pk).update(
                status=Extraction.Status.DONE, done_by=lead, done_at=timezone.now()
            )
    summary = ImportSummary(
        rows=len(table),
        studies_added=added,
        studies_replaced=replaced,
        values=n_values,
        form_version=version.number,
        incomplete=incomplete,
    )
    audit_record(
        actor=lead,
        review=review,
        action="extraction.imported",
        obj=review,
        changes={"file": [None, file_name], **{k: [None, v] for k, v in summary.as_dict().items()}},
    )
    return summary
