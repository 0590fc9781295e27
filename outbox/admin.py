"""The outbox, read-only: what waits, what left, what failed and why.

Never the content: an e-mail may tell of a council's private space, which
the people who run the site do not read."""

from django.contrib import admin

from .models import OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "template",
        "recipient_count",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status"]
    search_fields = ["message_id", "template"]
    date_hierarchy = "created_at"
    fields = [*list_display, "message_id", "late_reported_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
