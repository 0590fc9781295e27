"""The technical admin, read-only for forums. Lists show national content
only; opening a council forum's topic, message, report or moderation line
writes a line in that council's transparency log."""

from __future__ import annotations

from django.contrib import admin

from councils.admin import ReadOnlyAdmin, SpaceAccessLoggingAdmin

from .models import Category, Forum, ModerationAction, Post, Report, Topic


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]


@admin.register(Forum)
class ForumAdmin(ReadOnlyAdmin):
    list_display = ["name", "council", "audience", "topic_count", "post_count"]
    list_filter = ["audience"]
    list_select_related = ["council"]


@admin.register(Topic)
class TopicAdmin(SpaceAccessLoggingAdmin):
    list_display = ["title", "forum", "post_count", "is_pinned", "is_locked", "last_post_at"]
    list_select_related = ["forum"]
    council_path = "forum__council"


@admin.register(Post)
class PostAdmin(SpaceAccessLoggingAdmin):
    list_display = ["topic", "author", "created_at", "status", "is_hidden"]
    list_select_related = ["topic", "author"]
    raw_id_fields = ["topic", "author"]
    council_path = "topic__forum__council"


@admin.register(Report)
class ReportAdmin(SpaceAccessLoggingAdmin):
    list_display = ["post", "status", "created_at"]
    list_filter = ["status"]
    council_path = "post__topic__forum__council"


@admin.register(ModerationAction)
class ModerationActionAdmin(SpaceAccessLoggingAdmin):
    list_display = ["created_at", "forum", "kind", "actor", "reason"]
    list_select_related = ["forum", "actor"]
    council_path = "forum__council"
