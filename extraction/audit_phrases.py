"""Extraction's audit events in sentences (registered with `reviews.audit_text` in
`ExtractionConfig.ready`), in the language of the request that reads them."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reviews.audit_text import change, field_label_register, phrase_register
from reviews.models import AuditEvent


def _new(event: AuditEvent, key: str):
    old, new = change(event, key)
    return new if new is not None else old


def _study(event: AuditEvent) -> str:
    return str(_new(event, "study") or _new(event, "label") or event.object_repr)


def register() -> None:
    for action, phrase in {
        "extraction.settings_changed": lambda e, t: _("changed the extraction settings"),
        "extraction.studies_synced": lambda e, t: _("created studies from the included records"),
        "extraction.study_added": lambda e, t: (
            _("added the study %(study)s") % {"study": _study(e)}
        ),
        "extraction.study_changed": lambda e, t: (
            _("changed the study %(study)s") % {"study": e.object_repr}
        ),
        "extraction.study_deleted": lambda e, t: (
            _("deleted the study %(study)s") % {"study": _study(e)}
        ),
        "extraction.report_linked": lambda e, t: (
            _("linked a report to the study %(study)s") % {"study": _study(e)}
        ),
        "extraction.report_unlinked": lambda e, t: (
            _("made a report into the study %(study)s of its own")
            % {"study": _new(e, "new_study") or ""}
        ),
        "extraction.form_saved": lambda e, t: (
            _("saved version %(version)s of the extraction form") % {"version": _new(e, "version")}
        ),
        "extraction.started": lambda e, t: _("started extracting %(study)s") % {"study": _study(e)},
        "extraction.value_saved": lambda e, t: (
            _("entered a value in %(extraction)s") % {"extraction": _new(e, "extraction")}
        ),
        "extraction.value_cleared": lambda e, t: (
            _("cleared a value in %(extraction)s") % {"extraction": _new(e, "extraction")}
        ),
        "extraction.done": lambda e, t: (
            _("marked the extraction %(extraction)s as done") % {"extraction": e.object_repr}
        ),
        "extraction.reopened": lambda e, t: (
            _("reopened the extraction %(extraction)s") % {"extraction": e.object_repr}
        ),
        "extraction.consensus_accepted": lambda e, t: (
            _("chose a value in the consensus of %(extraction)s") % {"extraction": e.object_repr}
        ),
        "extraction.consensus_agreed": lambda e, t: (
            _("took the agreed values into the consensus of %(extraction)s")
            % {"extraction": e.object_repr}
        ),
        "extraction.consensus_completed": lambda e, t: (
            _("completed the consensus of %(extraction)s") % {"extraction": e.object_repr}
        ),
        "extraction.consensus_reopened": lambda e, t: (
            _("reopened the consensus of %(extraction)s") % {"extraction": e.object_repr}
        ),
        "extraction.imported": lambda e, t: (
            _("imported extraction data from %(file)s") % {"file": _new(e, "file")}
        ),
        "extraction.locked": lambda e, t: (
            _("locked the extraction data as snapshot %(version)s")
            % {"version": _new(e, "snapshot")}
        ),
        "extraction.unlocked": lambda e, t: _("unlocked the extraction data"),
    }.items():
        phrase_register(action, phrase)
    for key, label in {
        "study": gettext_lazy("study"),
        "label": gettext_lazy("label"),
        "provenance": gettext_lazy("provenance"),
        "extractions": gettext_lazy("extractions"),
        "extraction": gettext_lazy("extraction"),
        "record": gettext_lazy("record"),
        "new_study": gettext_lazy("new study"),
        "studies": gettext_lazy("studies"),
        "version": gettext_lazy("version"),
        "fields": gettext_lazy("fields"),
        "outcomes": gettext_lazy("outcomes"),
        "items": gettext_lazy("items"),
        "file": gettext_lazy("file"),
        "rows": gettext_lazy("rows"),
        "studies_added": gettext_lazy("studies added"),
        "studies_replaced": gettext_lazy("studies replaced"),
        "values": gettext_lazy("values"),
        "form_version": gettext_lazy("form version"),
        "incomplete": gettext_lazy("incomplete"),
        "snapshot": gettext_lazy("snapshot"),
        "reason": gettext_lazy("reason"),
        "value": gettext_lazy("value"),
    }.items():
        field_label_register(key, label)
