"""Analysis's audit events in sentences (registered with `reviews.audit_text` in
`AnalysisConfig.ready`), in the language of the request that reads them."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reviews.audit_text import change, field_label_register, phrase_register


def register() -> None:
    for action, phrase in {
        "analysis.plan_created": lambda e, t: (
            _("created the analysis plan %(plan)s") % {"plan": e.object_repr}
        ),
        "analysis.plan_updated": lambda e, t: (
            _("changed the analysis plan %(plan)s") % {"plan": e.object_repr}
        ),
        "analysis.run_started": lambda e, t: (
            _("started an analysis run on snapshot %(version)s")
            % {"version": change(e, "snapshot")[1]}
        ),
        "analysis.grade_updated": lambda e, t: (
            _("changed the GRADE judgements (%(what)s)") % {"what": e.object_repr}
        ),
    }.items():
        phrase_register(action, phrase)
    for key, label in {
        "plan": gettext_lazy("plan"),
        "name": gettext_lazy("name"),
        "measure": gettext_lazy("measure"),
        "method": gettext_lazy("method"),
        "model": gettext_lazy("model"),
        "subgroup": gettext_lazy("subgroup"),
        "outcome": gettext_lazy("outcome"),
        "timepoint": gettext_lazy("time point"),
        "test": gettext_lazy("test"),
        "study_filter": gettext_lazy("study filter"),
        "leave_one_out": gettext_lazy("leave one out"),
        "exclude_high_rob": gettext_lazy("without high risk of bias"),
        "compare_models": gettext_lazy("other model"),
        "r_values": gettext_lazy("within-person correlations"),
        "small_study": gettext_lazy("small-study checks"),
    }.items():
        field_label_register(key, label)
