"""The review's risk-of-bias figures from the finished consensus assessments: one group per
tool (and, for RoB 2, per result assessed), turned into the plain data rob/plots.py draws.

The weighted summary weighs each study by its participants, from the consensus extraction's
arms (the largest arm for paired designs, whose arms are one group of people; the sum
otherwise); when a study of the group has no numbers, the weighted plot is not offered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from extraction.models import PAIRED_DESIGNS, Arm
from reviews.models import Review
from rob import labels, plots, selectors
from rob.catalogue import get_tool
from rob.definitions import Tool
from rob.models import Assessment


def plot_family(tool: Tool) -> str:
    """The scale rob/plots.py draws the tool with."""
    if tool.id.startswith("rob2-"):
        return "rob2"
    if tool.id.startswith("robins-i"):
        return "robins_i"
    if tool.kind == "stars":
        return "nos"
    return "rob1"


def _nos_rating(tool: Tool, domain_id: str, stars: str) -> str:
    """A Newcastle-Ottawa category's stars as good, fair or poor: the best rating whose
    threshold for that category the stars reach (the AHRQ conversion, per category)."""
    for threshold in tool.overall["thresholds"]:
        if int(stars) >= threshold["at_least"].get(domain_id, 0):
            return threshold["judgement"]
    return "poor"


@dataclass
class Group:
    key: str  # for addresses: the tool id, and the result for RoB 2
    tool: Tool
    result: str
    studies: list[dict] = field(default_factory=list)

    @property
    def title(self) -> str:
        """The tool's name in the active language, and the result for RoB 2."""
        name = labels.text(self.tool.name)
        return name + (f" · {self.result}" if self.result else "")

    @property
    def weighted(self) -> bool:
        return all(s.get("weight") for s in self.studies)


def _participants(review: Review) -> dict[int, float]:
    sizes: dict[int, list[int]] = {}
    designs: dict[int, str] = {}
    arms = Arm.objects.filter(
        review=review, extraction__extractor__isnull=True, extraction__status="done"
    ).filter(~Q(n=None))
    for study_id, design, n in arms.values_list(
        "extraction__study_id", "extraction__study__design", "n"
    ):
        assert n is not None  # arms without n are filtered out above
        sizes.setdefault(study_id, []).append(n)
        designs[study_id] = design
    return {
        study: float(max(ns) if designs[study] in PAIRED_DESIGNS else sum(ns))
        for study, ns in sizes.items()
    }


def groups(review: Review) -> list[Group]:
    found: dict[str, Group] = {}
    weights = _participants(review)
    for assessment in selectors.consensus_assessments(review):
        assignment = assessment.assignment
        tool = get_tool(assignment.tool)
        key = f"{tool.id}|{assignment.result}" if assignment.result else tool.id
        group = found.setdefault(key, Group(key, tool, assignment.result))
        group.studies.append(_row(tool, assessment, weights.get(assignment.study_id)))
    return sorted(found.values(), key=lambda g: (g.tool.id, g.result))


def _row(tool: Tool, assessment: Assessment, weight: float | None) -> dict:
    judged = {d.domain: d.judgement for d in assessment.domains.all()}
    if tool.kind == "stars":
        judged = {k: _nos_rating(tool, k, v) for k, v in judged.items() if v}
    return {
        "label": assessment.assignment.study.label,
        "judgements": judged,
        "overall": assessment.overall_judgement or None,
        "weight": weight,
    }


def group_of(review: Review, key: str) -> Group | None:
    return next((g for g in groups(review) if g.key == key), None)


def figure(group: Group, kind: str):
    """The traffic-light plot ("traffic") or the summary plot ("summary", "weighted")."""
    domains = [(d.id, labels.text(d.name)) for d in group.tool.domains]
    family = plot_family(group.tool)
    words = labels.plot_words()
    if kind == "traffic":
        return plots.traffic_light_plot(
            tool=family, domains=domains, studies=group.studies, title=group.title, words=words
        )
    return plots.summary_plot(
        tool=family,
        domains=domains,
        studies=group.studies,
        weighted=kind == "weighted",
        title=group.title,
        words=words,
    )
