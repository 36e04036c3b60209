"""Exports of a snapshot: CSV and XLSX in the long format (one row per study × outcome × time
point × arm, with the study-level fields; the import reads it back), and per outcome and time
point the CSV layout `manage.py metaanalyze` reads."""

from __future__ import annotations

import csv
import io
from typing import Any

from extraction.importer import COLUMNS
from extraction.models import Snapshot
from extraction.snapshots import snapshot_metaanalyze_rows

# After the import's columns: what the snapshot says about each value.
EXTRA = (
    "arm_n",
    "role",
    "basis",
    "format",
    "analysed_n",
    "analysed_mean",
    "analysed_sd",
    "analysed_events",
    "analysed_total",
    "conversion",
    "unconverted",
    "r_source",
    "source",
    "quote",
    "flag",
    "form_version",
    "provenance",
    "citation",
)
PAIRED_AS = {"n": "n", "diff_mean": "mean", "diff_sd": "sd", "diff_se": "se", "r": "r"}


def _fields(snapshot: Snapshot) -> list[str]:
    """Field keys in form order, then any other key an answer has."""
    keys = [f["key"] for f in snapshot.data["form"]["fields"]]
    for study in snapshot.data["studies"]:
        keys += [k for k in study["fields"] if k not in keys]
    return keys


def long_rows(snapshot: Snapshot) -> tuple[list[str], list[list[Any]]]:
    """(header, rows) of the long format. A study with no outcome data still has one row,
    for its study-level fields. In a paired design the row without an arm is the
    within-person one: its r, and the mean difference (mean, sd, se) with its n."""
    fields = _fields(snapshot)
    header = [*COLUMNS, *EXTRA, *(f"field:{k}" for k in fields)]
    outcomes = {o["key"]: o for o in snapshot.data["form"]["outcomes"]}
    rows = []
    for study in snapshot.data["studies"]:
        arms = {a["position"]: a for a in study["arms"]}
        base = {
            "study": study["label"],
            "design": study["design"],
            "provenance": study["provenance"],
            "citation": study["citation"],
            **{f"field:{k}": _field_text(v) for k, v in study["fields"].items()},
        }
        lines = []
        for entry in study["outcomes"]:
            name = outcomes.get(entry["outcome"], {}).get("name", entry["outcome"])
            common = {
                **base,
                "outcome": name,
                "outcome_type": entry["type"],
                "timepoint": entry["timepoint"],
            }
            paired = entry.get("paired")
            for value in entry["arms"]:
                arm = arms.get(value["position"], {})
                line = {
                    **common,
                    **value["reported"],
                    "arm": value["label"],
                    "arm_n": arm.get("n"),
                    "role": value["role"],
                    "basis": value["basis"],
                    "format": value["format"],
                    "analysed_n": value["n"],
                    "analysed_mean": value["mean"],
                    "analysed_sd": value["sd"],
                    "analysed_events": value["events"],
                    "analysed_total": value["total"],
                    "conversion": value["method"],
                    "unconverted": value["unconverted"],
                    "source": value["source"],
                    "quote": value["quote"],
                    "flag": value["flag"],
                    "form_version": value["form_version"],
                }
                if paired is not None:
                    line.update(
                        r=paired["r"] if paired["r_source"] == "reported" else "",
                        r_source=paired["r_source"],
                    )
                lines.append(line)
            if paired is not None and (paired["r_source"] == "reported" or paired["difference"]):
                difference = paired["difference"] or {}
                lines.append(
                    {
                        **common,
                        "arm": "",
                        "n": paired["n"],
                        "mean": difference.get("mean"),
                        "sd": difference.get("sd"),
                        "r": paired["r"] if paired["r_source"] == "reported" else "",
                        "r_source": paired["r_source"],
                        "conversion": difference.get("method", ""),
                        "format": "paired",
                    }
                )
        for line in lines or [base]:
            rows.append([_cell(line.get(column)) for column in header])
    return header, rows


def _field_text(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _cell(value: Any) -> Any:
    return "" if value is None else value


def as_csv(header: list[str], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv(v) for v in row])
    return "\ufeff" + out.getvalue()  # a BOM, so spreadsheet programs read UTF-8


def _csv(value: Any) -> Any:
    if isinstance(value, float):
        return f"{value:.12g}"
    return value


def snapshot_csv(snapshot: Snapshot) -> str:
    return as_csv(*long_rows(snapshot))


def snapshot_xlsx(snapshot: Snapshot) -> bytes:
    """The long format on sheet “data” (numbers as typed become numbers) and the snapshot's
    identity on sheet “snapshot”."""
    from openpyxl import Workbook  # only when an XLSX is asked for

    header, rows = long_rows(snapshot)
    book = Workbook()
    sheet = book.active
    sheet.title = "data"
    sheet.append(header)
    numeric = {i for i, name in enumerate(header) if name in COLUMNS[6:] or name in ("arm_n",)}
    for row in rows:
        sheet.append([_number(v) if i in numeric else v for i, v in enumerate(row)])
    sheet.freeze_panes = "A2"
    about = book.create_sheet("snapshot")
    for key, value in (
        ("review", snapshot.review_id),
        ("version", snapshot.version),
        ("sha256", snapshot.sha256),
        ("created_at", snapshot.created_at.isoformat()),
        ("created_by", snapshot.created_by.get_username()),
        ("reason", snapshot.reason),
        ("assumed_r", snapshot.data["assumed_r"]),
        ("format", snapshot.data["format"]),
    ):
        about.append([key, value])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _number(value: Any) -> Any:
    if isinstance(value, str) and value:
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() and "." not in value else number
    return value


def metaanalyze_csv(snapshot: Snapshot, outcome: str, timepoint: str, layout: str | None) -> str:
    found = snapshot_metaanalyze_rows(snapshot, outcome, timepoint, layout)
    rows = [[row[c] for c in found.columns] for row in found.rows]
    return as_csv(list(found.columns), rows)
