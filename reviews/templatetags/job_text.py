"""A job's message in the reader's language.

The job runner (`reviews.jobs`) stores its own messages in English, since a worker has no
reader; they are translated here when a page shows them. Other messages (a handler's
refusal, already written for people) are shown as stored.
"""

import re

from django import template
from django.utils.translation import gettext

from reviews import jobs

register = template.Library()

_FIXED = (jobs.DONE, jobs.INTERNAL_ERROR, jobs.REQUEUED, jobs.WORKER_DIED)
_TIME_LIMIT = re.compile(
    re.escape(jobs.TIME_LIMIT).replace(re.escape("%(minutes)s"), r"(?P<minutes>[0-9.]+)")
)


@register.filter
def job_message(message: str) -> str:
    if message in _FIXED:
        return gettext(message)
    if match := _TIME_LIMIT.fullmatch(message or ""):
        return gettext(jobs.TIME_LIMIT) % match.groupdict()
    return message


@register.filter
def job_kind_label(kind: str) -> str:
    """A job kind's name ("import") as its registered label, in the reader's language."""
    try:
        return str(jobs.job_kind(kind).label)
    except LookupError:
        return kind
