"""``manage.py robpropose TOOL DOMAIN QUESTION=ANSWER ...``: the proposed judgement of one
domain, or with ``overall`` and ``DOMAIN=JUDGEMENT`` pairs the proposed overall judgement.

A thin layer over :mod:`rob.algorithms`; anything unknown or not allowed ends with one
``CommandError`` line naming it.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from rob.algorithms import propose_domain, propose_overall
from rob.catalogue import get_tool, tool_ids
from rob.definitions import RobError

OVERALL = "overall"


class Command(BaseCommand):
    help = (
        "Propose a risk-of-bias judgement for one domain from its signalling-question answers, "
        "or the overall judgement from the domain judgements."
    )

    def add_arguments(self, parser):
        parser.add_argument("tool", help=", ".join(tool_ids()))
        parser.add_argument(
            "domain", help="a domain of the tool (D1, DS, selection ...) or 'overall'"
        )
        parser.add_argument(
            "pairs",
            nargs="*",
            metavar="QUESTION=ANSWER",
            help="answers for a domain (1.1=Y), or DOMAIN=JUDGEMENT for overall (D1=low)",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            dest="as_json",
            help='print {"tool": ..., "domain": ..., "judgement": ...} for programs',
        )

    def handle(self, *args, tool, domain, pairs, as_json, **options):
        values = parse_pairs(pairs)
        try:
            tool = get_tool(tool)
            if domain.lower() == OVERALL:
                domain_id = OVERALL
                judgement = propose_overall(tool, values)
            else:
                domain_id = tool.domain(domain).id
                judgement = propose_domain(tool, domain_id, values)
        except RobError as exc:
            raise CommandError(str(exc)) from None
        doc = {"tool": tool.id, "domain": domain_id, "judgement": judgement}
        if tool.kind == "stars" and domain_id == OVERALL:
            doc["stars"] = sum(tool.check_judgements(values).values())
        self.stdout.write(json.dumps(doc, ensure_ascii=False) if as_json else describe(tool, doc))


def parse_pairs(pairs: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key or not value:
            raise CommandError(f"expected QUESTION=ANSWER, got '{pair}'")
        if key.lower() in (k.lower() for k in values):
            raise CommandError(f"{key} is given twice")
        values[key] = value
    return values


def describe(tool, doc: dict) -> str:
    judgement = doc["judgement"]
    if isinstance(judgement, int):
        text = f"{judgement} of {tool.domain(doc['domain']).max_stars} stars"
    else:
        text = tool.judgement_labels[judgement]
        if "stars" in doc:
            text += f" ({doc['stars']} stars)"
    return f"{tool.id} {doc['domain']}: {text}"
