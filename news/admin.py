from django.contrib import admin

from .models import Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    """Tags are created while writing; the admin only renames them."""

    list_display = ["name", "slug"]
    search_fields = ["name"]
    readonly_fields = ["slug"]

    def has_add_permission(self, request) -> bool:
        return False
