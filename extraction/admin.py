"""Extraction in the Django admin, for administrators. While a review's extraction is locked,
its rows are read-only here too: no change, no deletion, and an added row is refused with the
lock's message (the database triggers would refuse it anyway). Snapshots and locks are
read-only always: a lock goes only through unlocking, with a reason."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from extraction.models import (
    Arm,
    ConsensusDecision,
    Extraction,
    ExtractionLock,
    ExtractionSettings,
    FormVersion,
    OutcomeValue,
    Snapshot,
    Study,
    StudyFieldValue,
    StudyReport,
)

LOCKED = (
    "Extraction of this review is locked: a lead must unlock it, with a reason, before "
    "extraction data can change."
)


def _is_locked(review) -> bool:
    # Imported here: the selectors reach numpy through the conversions, and the admin is
    # loaded while every command starts.
    from extraction.selectors import is_locked

    return is_locked(review)


class GuardedAdmin(admin.ModelAdmin):
    raw_id_fields = ["review"]

    def _locked(self, obj) -> bool:
        return obj is not None and _is_locked(obj.review)

    def has_change_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if _is_locked(obj.review):
            raise PermissionDenied(LOCKED)
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        if _is_locked(obj.review):
            raise PermissionDenied(LOCKED)
        super().delete_model(request, obj)


@admin.register(Study)
class StudyAdmin(GuardedAdmin):
    list_display = ["label", "review", "design", "provenance"]
    list_filter = ["design", "provenance"]
    search_fields = ["label", "citation"]


@admin.register(StudyReport)
class StudyReportAdmin(GuardedAdmin):
    list_display = ["study", "record_id"]
    raw_id_fields = ["review", "study", "record"]


@admin.register(ExtractionSettings)
class ExtractionSettingsAdmin(GuardedAdmin):
    list_display = ["review", "extractors_required", "assumed_r", "arbiter"]


@admin.register(FormVersion)
class FormVersionAdmin(GuardedAdmin):
    list_display = ["review", "number", "created_at"]


@admin.register(Extraction)
class ExtractionAdmin(GuardedAdmin):
    list_display = ["study", "extractor", "status", "updated_at"]
    list_filter = ["status"]
    raw_id_fields = ["review", "study", "form_version"]


@admin.register(StudyFieldValue)
class StudyFieldValueAdmin(GuardedAdmin):
    list_display = ["extraction", "key", "value"]
    raw_id_fields = ["review", "extraction", "form_version", "accepted_from"]


@admin.register(Arm)
class ArmAdmin(GuardedAdmin):
    list_display = ["extraction", "position", "label", "n", "role"]
    raw_id_fields = ["review", "extraction", "form_version", "accepted_from"]


@admin.register(OutcomeValue)
class OutcomeValueAdmin(GuardedAdmin):
    list_display = ["extraction", "outcome", "timepoint", "arm", "format", "n", "mean", "sd"]
    raw_id_fields = ["review", "extraction", "arm", "form_version", "accepted_from"]


@admin.register(ConsensusDecision)
class ConsensusDecisionAdmin(GuardedAdmin):
    list_display = ["study", "item", "choice", "decided_by", "decided_at"]
    raw_id_fields = ["review", "study", "accepted_from"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    list_display = ["review", "version", "sha256", "created_by", "created_at"]


@admin.register(ExtractionLock)
class ExtractionLockAdmin(ReadOnlyAdmin):
    list_display = ["review", "snapshot", "locked_by", "locked_at"]
