"""The technical admin, read-only for forums. Lists show national content
only; opening a council forum's topic, message, report or moderation line
writes a line in that council's transparency log."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from councils.admin import ReadOnlyAdmin, SpaceAccessLoggingAdmin
from councils.services.transparency import space_access_title

from .models import Category, Forum, ModerationAction, Post, Report, Topic


def _post_names(post: Post) -> dict[str, object]:
    return {"number": post.pk, "title": space_access_title(post.topic.title)}


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

    def space_label(self, obj) -> str:
        return str(_("the topic “%(title)s”")) % {"title": space_access_title(obj.title)}


@admin.register(Post)
class PostAdmin(SpaceAccessLoggingAdmin):
    list_display = ["topic", "author", "created_at", "status", "is_hidden"]
    list_select_related = ["topic", "author"]
    raw_id_fields = ["topic", "author"]
    council_path = "topic__forum__council"

    def space_label(self, obj) -> str:
        return str(_("message %(number)s of the topic “%(title)s”")) % _post_names(obj)


@admin.register(Report)
class ReportAdmin(SpaceAccessLoggingAdmin):
    list_display = ["post", "status", "created_at"]
    list_filter = ["status"]
    council_path = "post__topic__forum__council"

    def space_label(self, obj) -> str:
        label = _("the report on message %(number)s of the topic “%(title)s”")
        return str(label) % _post_names(obj.post)


@admin.register(ModerationAction)
class ModerationActionAdmin(SpaceAccessLoggingAdmin):
    list_display = ["created_at", "forum", "kind", "actor", "reason"]
    list_select_related = ["forum", "actor"]
    council_path = "forum__council"

    def space_label(self, obj) -> str:
        # A line about a message names the message's topic.
        topic = obj.topic or (obj.post.topic if obj.post else None)
        if topic is None:
            label = _("the moderation entry “%(kind)s” in the forum “%(forum)s”")
        else:
            label = _("the moderation entry “%(kind)s” on the topic “%(title)s”")
        return str(label) % {
            "kind": obj.get_kind_display(),
            "forum": space_access_title(obj.forum.name),
            "title": space_access_title(topic.title) if topic else "",
        }
