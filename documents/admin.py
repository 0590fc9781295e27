"""The technical admin. Councils' files and pages are not listed here (they
are private); the resource library's shelves are set up here."""

from __future__ import annotations

from django.contrib import admin

from .models import Resource, ResourceFolder


@admin.register(ResourceFolder)
class ResourceFolderAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "description"]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["title", "folder", "kind", "size", "download_count", "created_at"]
    list_filter = ["folder"]
    readonly_fields = ["file", "filename", "kind", "content_type", "size", "download_count"]

    def has_add_permission(self, request) -> bool:
        # Files are added on the site, where their content is checked.
        return False
