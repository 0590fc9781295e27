from django.contrib import admin

from .models import HelpMessage, HelpRequest


class HelpMessageInline(admin.TabularInline):
    model = HelpMessage
    extra = 0
    fields = ["kind", "author", "created_at", "called_at", "call_minutes", "reached"]
    readonly_fields = fields
    can_delete = False


@admin.register(HelpRequest)
class HelpRequestAdmin(admin.ModelAdmin):
    list_display = ["pk", "subject", "status", "department", "created_at", "due_at"]
    list_filter = ["status", "wants_call"]
    # The queue is the everyday tool; the admin shows the rows, not the texts.
    fields = ["subject", "status", "department", "council", "assigned_to", "created_at", "due_at"]
    readonly_fields = fields
    inlines = [HelpMessageInline]
