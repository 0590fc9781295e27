"""The technical admin, read-only for forums. Opening a council forum's topic
or message writes a line in that council's transparency log."""

from __future__ import annotations

from django.contrib import admin

from councils.admin import ReadOnlyAdmin, SpaceAccessLoggingAdmin

from .models import Category, Forum, ModerationAction, Post, Report, Topic


def _is_list(request) -> bool:
    match = request.resolver_match
    return match is not None and match.url_name.endswith("_changelist")


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

    def get_queryset(self, request):
        # The list shows national topics only: private ones are reached one by
        # one (by their number), and each visit is logged.
        queryset = super().get_queryset(request)
        if _is_list(request):
            queryset = queryset.filter(forum__council__isnull=True)
        return queryset

    def council_of(self, obj):
        return obj.forum.council


@admin.register(Post)
class PostAdmin(SpaceAccessLoggingAdmin):
    list_display = ["topic", "author", "created_at", "status", "is_hidden"]
    list_select_related = ["topic", "author"]
    raw_id_fields = ["topic", "author"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if _is_list(request):
            queryset = queryset.filter(topic__forum__council__isnull=True)
        return queryset

    def council_of(self, obj):
        return obj.topic.forum.council


@admin.register(Report)
class ReportAdmin(SpaceAccessLoggingAdmin):
    list_display = ["post", "status", "created_at"]
    list_filter = ["status"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if _is_list(request):
            queryset = queryset.filter(post__topic__forum__council__isnull=True)
        return queryset

    def council_of(self, obj):
        return obj.post.topic.forum.council


@admin.register(ModerationAction)
class ModerationActionAdmin(SpaceAccessLoggingAdmin):
    list_display = ["created_at", "forum", "kind", "actor", "reason"]
    list_select_related = ["forum", "actor"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if _is_list(request):
            queryset = queryset.filter(forum__council__isnull=True)
        return queryset

    def council_of(self, obj):
        return obj.forum.council
