"""Risk of bias's audit events in sentences (registered with `reviews.audit_text` in
`RobConfig.ready`), in the language of the request that reads them."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reviews.audit_text import field_label_register, phrase_register
from reviews.models import AuditEvent
from rob import labels


def _assignment(event: AuditEvent) -> dict[str, str]:
    return {
        "study": str(event.changes.get("study", "")),
        "tool": labels.tool_name(str(event.changes.get("tool") or "")),
    }


def register() -> None:
    for action, phrase in {
        "rob.settings_updated": lambda e, t: _("changed the risk-of-bias settings"),
        "rob.assignment_created": lambda e, t: (
            _("asked for %(study)s to be assessed with %(tool)s") % _assignment(e)
        ),
        "rob.assignment_deleted": lambda e, t: (
            _("removed the assessment of %(study)s with %(tool)s") % _assignment(e)
        ),
        "rob.assessment_done": lambda e, t: (
            _("finished a risk-of-bias assessment (%(what)s)") % {"what": e.object_repr}
        ),
        "rob.consensus_completed": lambda e, t: (
            _("completed a risk-of-bias consensus (%(what)s)") % {"what": e.object_repr}
        ),
        "rob.reopened": lambda e, t: (
            _("reopened a risk-of-bias assessment (%(what)s)") % {"what": e.object_repr}
        ),
    }.items():
        phrase_register(action, phrase)
    for key, label in {
        "tool": gettext_lazy("tool"),
        "result": gettext_lazy("result"),
        "overall": gettext_lazy("overall judgement"),
        "assessors_required": gettext_lazy("assessors per study"),
        "arbiter": gettext_lazy("arbiter"),
    }.items():
        field_label_register(key, label)
