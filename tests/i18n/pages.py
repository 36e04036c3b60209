"""What a person reads on a page, and the runs of English words in it.

The check behind test_unmarked.py: a page rendered in Chinese should hold no English
words except proper names, codes and the review's own data.
"""

import bisect
import re
from collections.abc import Iterable, Iterator

from django.apps import apps
from django.db import models
from lxml import html as lxml_html

# Text inside these is code, data typed by people, or not shown.
_UNREAD = (
    "script",
    "style",
    "code",
    "kbd",
    "pre",
    "textarea",
    "noscript",
    "template",
    "svg",
    "cite",
)
# Attributes a person reads or hears (a screen reader reads aria-label and title).
_READ_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
_LATIN = "A-Za-zÀ-ÖØ-öø-ÿ"
_WORD_RUN = re.compile(
    rf"[{_LATIN}][{_LATIN}'’-]*[{_LATIN}](?:[ \t]+[{_LATIN}][{_LATIN}'’-]*[{_LATIN}])*"
)

# Proper names, abbreviations and codes a Chinese page writes in Latin letters too.
_ALLOWED_WORDS = """
Evident API PRISMA GRADE RoB ROBINS NOS CSV XLSX PNG SVG JSON PDF RIS NBIB DOI PMID PMCID
PICO PICOS SMD MD RR OR RD HR CI PI SE SD SMD df Tau tau kappa Cohen Fleiss Egger Begg Duval
Tweedie DerSimonian Laird REML ML EB HS SJ PM Hartung Knapp Sidik Jonkman Mantel Haenszel
Peto Hedges Cohen's Glass Higgins Cochrane Cochran PubMed MEDLINE Embase CNKI Wanfang VIP
CBM SinoMed Scopus CINAHL PsycINFO EndNote Zotero Mendeley RefWorks Web of Science WoS
CENTRAL ClinicalTrials gov ICTRP metafor ASReview Covidence Rayyan RevMan Celery Redis
SQLite PostgreSQL gunicorn htmx Ctrl Enter Esc Shift Tab Alt Space Home End PageUp PageDown
English ID Newcastle Ottawa AHRQ BUSCAR SVM TF IDF UTF Windows ISBN ISSN URL Chi Meta
EBSCOhost Google Scholar Ovid ProQuest WHO XML CQVIP DL FE HE MH PETO Wald SHA CRD
PROSPERO Smith MB KB GB Callaghan Müller-Hansen Müller Hansen buscar MW
"""
ALLOWED = frozenset(_ALLOWED_WORDS.split())


def readable_text(page: str) -> list[str]:
    """The text nodes and read attributes of an HTML page, without code or scripts."""
    root = lxml_html.fromstring(page)
    for element in list(root.iter(*_UNREAD)):
        if element.getparent() is not None:
            element.drop_tree()
    texts = [t for t in root.itertext() if t.strip()]
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        texts.extend(element.get(a) for a in _READ_ATTRIBUTES if element.get(a))
        # A <button>'s value is sent, not shown; an <input type=submit>'s is its label.
        is_button = element.tag == "input" and element.get("type") in ("submit", "button")
        if is_button and element.get("value"):
            texts.append(element.get("value"))
    return texts


def english_runs(texts: Iterable[str], data: list[str]) -> list[str]:
    """Runs of English words outside ALLOWED, after removing the review's own data."""
    found = []
    ordered = sorted(data)
    for text in texts:
        if _shortened_data(text, ordered):
            continue
        for value in data:
            if value in text:
                text = text.replace(value, " ")
        for run in _WORD_RUN.findall(text):
            words = [w for w in re.split(r"[\s'’-]+", run) if w]
            if any(w not in ALLOWED and len(w) > 1 for w in words):
                found.append(run)
    return found


def _shortened_data(text: str, ordered: list[str]) -> bool:
    """A long value cut short for the page (a title ending in …) is still data."""
    stem = text.strip().rstrip("…").rstrip(".").strip()
    if len(stem) < 15:
        return False
    at = bisect.bisect_left(ordered, stem)
    return at < len(ordered) and ordered[at].startswith(stem)


def data_strings(app_labels: Iterable[str]) -> list[str]:
    """Every text value people or imports stored, longest first (so a title goes before a
    word of it): these are data, shown as entered, not the interface."""
    values: set[str] = set()
    for label in app_labels:
        for model in apps.get_app_config(label).get_models():
            fields = [
                f.name
                for f in model._meta.concrete_fields
                if isinstance(f, (models.CharField, models.TextField, models.JSONField))
                and not f.choices
            ]
            if not fields:
                continue
            for row in model.objects.values_list(*fields):
                for value in row:
                    values.update(_strings(value))
    values.update(_strings(list(apps.get_model("auth", "User").objects.values_list("username"))))
    return sorted((v for v in values if len(v) >= 3), key=len, reverse=True)


def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value.strip()
        yield from (line.strip() for line in value.splitlines() if line.strip())
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)
