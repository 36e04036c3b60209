"""Every risk-of-bias answer, proposal, override, justification and consensus a member may
see, as CSV or XLSX: one row per question answered and one per judgement (each domain's and
the overall), so a spreadsheet filter gives either.

Blinding holds here too: an assessor's rows are in the export of whoever may open that
assessment (rob.access): its assessor, a lead or the arbiter once the assessments are done,
every member once the consensus is complete.
"""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext, pgettext
from openpyxl import Workbook

from reviews.models import Review
from rob import labels, selectors
from rob.catalogue import get_tool
from rob.definitions import PRELIMINARY
from rob.models import Assessment

COLUMNS = [
    "study",
    "tool",
    "result",
    "assessor",
    "status",
    "domain",
    "item",
    "answer",
    "quote",
    "page",
    "proposed",
    "judgement",
    "overridden",
    "justification",
]
CONSENSUS, OVERALL = "consensus", "overall"


def headers() -> list[str]:
    """The column names in the active language (the export is read by people)."""
    # Translators: column names of the risk-of-bias export (CSV, XLSX), kept short.
    names = {
        "study": pgettext("rob export column", "study"),
        "tool": pgettext("rob export column", "tool"),
        "result": pgettext("rob export column", "result"),
        "assessor": pgettext("rob export column", "assessor"),
        "status": pgettext("rob export column", "status"),
        "domain": pgettext("rob export column", "domain"),
        "item": pgettext("rob export column", "item"),
        "answer": pgettext("rob export column", "answer"),
        "quote": pgettext("rob export column", "quote"),
        "page": pgettext("rob export column", "page"),
        "proposed": pgettext("rob export column", "proposed"),
        "judgement": pgettext("rob export column", "judgement"),
        "overridden": pgettext("rob export column", "overridden"),
        "justification": pgettext("rob export column", "justification"),
    }
    return [names[column] for column in COLUMNS]


def shown(row: dict) -> list:
    """A row of ``rows`` as people read it: judgements as their labels (NOS stars as
    numbers), status, override and the consensus in the active language; ids, answer codes
    (Y, PY, PN, N, NI), quotes and justifications as they are."""
    tool = get_tool(row["tool"])
    values = dict(row)
    for column in ("proposed", "judgement"):
        if values[column] and not str(values[column]).isdigit():
            values[column] = labels.judgement(tool, values[column])
    values["status"] = Assessment.Status(row["status"]).label if row["status"] else ""
    values["overridden"] = {"yes": gettext("yes"), "no": gettext("no")}.get(row["overridden"], "")
    if row["assessor"] == CONSENSUS:
        values["assessor"] = gettext("consensus")
    if row["item"] == "judgement":
        values["item"] = pgettext("rob export item", "judgement")
    if row["domain"] in (OVERALL, PRELIMINARY):
        values["domain"] = {
            OVERALL: pgettext("rob export domain", "overall"),
            PRELIMINARY: pgettext("rob export domain", "preliminary"),
        }[row["domain"]]
    return [str(values[column]) if values[column] is not None else "" for column in COLUMNS]


def visible_assessments(review: Review, user) -> list[Assessment]:
    """The assessments (and consensus) of the review the user may open."""
    membership = review.membership
    settings = selectors.rob_settings(review)
    builds = selectors.can_build_consensus(membership, settings)
    every = (
        Assessment.objects.filter(review=review)
        .select_related("assignment__study", "assessor")
        .prefetch_related("answers", "domains")
        .order_by("assignment__study__label", "assignment__tool", "assignment__result", "pk")
    )
    by_assignment: dict[int, list[Assessment]] = {}
    for assessment in every:
        by_assignment.setdefault(assessment.assignment_id, []).append(assessment)
    shown = []
    for assessments in by_assignment.values():
        finished = any(a.is_consensus and a.status == "done" for a in assessments)
        done = sum(1 for a in assessments if not a.is_consensus and a.status == "done")
        ready = done >= settings.assessors_required
        for a in assessments:
            if a.assessor_id == user.pk or finished or (builds and ready):
                shown.append(a)
    return shown


def rows(review: Review, user) -> list[dict]:
    found = []
    for assessment in visible_assessments(review, user):
        assignment = assessment.assignment
        tool = get_tool(assignment.tool)
        base = {
            "study": assignment.study.label,
            "tool": tool.id,
            "result": assignment.result,
            "assessor": assessment.assessor.get_username() if assessment.assessor else CONSENSUS,
            "status": assessment.status,
        }
        answers = {(a.domain, a.question): a for a in assessment.answers.all()}
        judgements = {d.domain: d for d in assessment.domains.all()}
        # The preliminary questions have one answer per assessment: one row, domain
        # "preliminary" (older assessments kept it per domain: those rows still come below).
        places = [(PRELIMINARY, tool.preliminary)] + [
            (domain.id, (*domain.preliminary, *domain.questions)) for domain in tool.domains
        ]
        for place, questions in places:
            for question in questions:
                answer = answers.get((place, question.id))
                if answer is not None:
                    found.append(
                        {
                            **base,
                            "domain": place,
                            "item": question.id,
                            "answer": answer.answer,
                            "quote": answer.quote,
                            "page": answer.page,
                        }
                    )
            judged = judgements.get(place)
            if judged is not None:
                found.append(
                    {
                        **base,
                        "domain": place,
                        "item": "judgement",
                        "proposed": judged.proposed,
                        "judgement": judged.judgement,
                        "overridden": "yes" if judged.overridden else "no",
                        "justification": judged.justification,
                    }
                )
        found.append(
            {
                **base,
                "domain": OVERALL,
                "item": "judgement",
                "proposed": assessment.overall_proposed,
                "judgement": assessment.overall_judgement,
                "overridden": "yes" if assessment.overall_overridden else "no",
                "justification": assessment.overall_justification,
            }
        )
    return [{column: row.get(column, "") for column in COLUMNS} for row in found]


def as_csv(review: Review, user) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers())
    writer.writerows(shown(row) for row in rows(review, user))
    # A BOM, so spreadsheet programs read UTF-8 (as extraction's exports do).
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(review: Review, user) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = gettext("Risk of bias")[:31]
    sheet.append(headers())
    for row in rows(review, user):
        sheet.append(shown(row))
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
