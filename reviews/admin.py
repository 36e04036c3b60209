from django.contrib import admin

from reviews.models import AuditEvent, Job, Membership, Review


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "review"
    extra = 0
    raw_id_fields = ["user", "added_by"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["title", "protocol_registration", "created_by", "updated_at"]
    search_fields = ["title", "protocol_registration"]
    inlines = [MembershipInline]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "review_id", "actor", "action", "object_repr"]
    list_filter = ["action"]

    # The log is append-only, in the admin too.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "review", "status", "progress", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
