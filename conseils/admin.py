"""The showcase pages in the admin: a read-only list. They are written in the
site (edit, history, restore), where each save keeps a revision."""

from __future__ import annotations

from django.contrib import admin

from councils.admin import ReadOnlyAdmin

from .models import SitePage


@admin.register(SitePage)
class SitePageAdmin(ReadOnlyAdmin):
    list_display = ["title", "slug", "version", "updated_at", "updated_by"]
    list_select_related = ["updated_by"]
    search_fields = ["title", "slug"]
    fields = ["slug", "title", "summary", "body", "version", "updated_at", "updated_by"]
