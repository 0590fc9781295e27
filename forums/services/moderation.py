"""What moderators do to topics and posts: pin, lock, move, hide, show again,
approve. Each is logged; the author is told what concerns them. Hiding a post
also settles its open reports: the queue keeps only what awaits a decision."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from common.text import without_invisible

from ..models import Forum, ModerationAction, Post, Report, Topic
from ._shared import (
    ERROR_REASON_NEEDED,
    _check_moderator,
    _count_new_post,
    _moderate,
    _notify_readers,
    _refresh_last_post,
)

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def topic_pin(*, moderator: User, topic: Topic, pinned: bool) -> Topic:
    _check_moderator(moderator, topic.forum)
    if topic.is_pinned != pinned:
        Topic.objects.filter(pk=topic.pk).update(is_pinned=pinned)
        topic.is_pinned = pinned
        kind = ModerationAction.Kind.PIN if pinned else ModerationAction.Kind.UNPIN
        ModerationAction.objects.create(forum=topic.forum, topic=topic, kind=kind, actor=moderator)
    return topic


@transaction.atomic
def topic_lock(*, moderator: User, topic: Topic, locked: bool, reason: str = "") -> Topic:
    _check_moderator(moderator, topic.forum)
    if topic.is_locked != locked:
        Topic.objects.filter(pk=topic.pk).update(is_locked=locked)
        topic.is_locked = locked
        kind = ModerationAction.Kind.LOCK if locked else ModerationAction.Kind.UNLOCK
        _moderate(moderator, kind, topic, None, reason)
    return topic


@transaction.atomic
def topic_move(*, moderator: User, topic: Topic, forum: Forum, reason: str = "") -> Topic:
    """Move between forums the moderator moderates, within the same space:
    national to national, never into or out of a council's private forum."""
    _check_moderator(moderator, topic.forum)
    _check_moderator(moderator, forum)
    if forum.council_id != topic.forum.council_id:
        raise PermissionDenied
    if forum.pk == topic.forum_id:
        return topic
    old_forum = topic.forum
    published = topic.posts.filter(status=Post.Status.PUBLISHED).count()
    Topic.objects.filter(pk=topic.pk).update(forum=forum)
    Forum.objects.filter(pk=old_forum.pk).update(
        topic_count=F("topic_count") - 1, post_count=F("post_count") - published
    )
    Forum.objects.filter(pk=forum.pk).update(
        topic_count=F("topic_count") + 1, post_count=F("post_count") + published
    )
    topic.forum = forum
    _refresh_last_post(forum_ids=[old_forum.pk, forum.pk])
    _moderate(moderator, ModerationAction.Kind.MOVE, topic, None, reason)
    return topic


@transaction.atomic
def post_hide(*, moderator: User, post: Post, reason: str) -> Post:
    _check_moderator(moderator, post.topic.forum)
    if not reason.strip():
        raise ValidationError(ERROR_REASON_NEEDED, code="reason")
    Post.objects.filter(pk=post.pk).update(is_hidden=True, hidden_reason=reason.strip()[:500])
    post.is_hidden, post.hidden_reason = True, reason.strip()[:500]
    _moderate(moderator, ModerationAction.Kind.HIDE, None, post, reason)
    _resolve_open_reports(moderator, post, reason)
    return post


def _resolve_open_reports(moderator: User, post: Post, reason: str) -> None:
    """Close the post's open reports as resolved, as ``report_handle`` does,
    each logged with the hiding's reason (the decision taken on it)."""
    report_ids = list(
        Report.objects.select_for_update()
        .filter(post=post, status=Report.Status.OPEN)
        .values_list("pk", flat=True)
    )
    if not report_ids:
        return
    Report.objects.filter(pk__in=report_ids).update(
        status=Report.Status.RESOLVED, handled_by=moderator, handled_at=timezone.now()
    )
    reason = without_invisible(reason).strip()[:500]
    ModerationAction.objects.bulk_create(
        ModerationAction(
            forum_id=post.topic.forum_id,
            post=post,
            kind=ModerationAction.Kind.REPORT_RESOLVED,
            actor=moderator,
            reason=reason,
        )
        for _ in report_ids
    )


@transaction.atomic
def post_unhide(*, moderator: User, post: Post, reason: str = "") -> Post:
    _check_moderator(moderator, post.topic.forum)
    Post.objects.filter(pk=post.pk).update(is_hidden=False, hidden_reason="")
    post.is_hidden, post.hidden_reason = False, ""
    _moderate(moderator, ModerationAction.Kind.UNHIDE, None, post, reason)
    return post


@transaction.atomic
def post_approve(*, moderator: User, post: Post) -> Post:
    _check_moderator(moderator, post.topic.forum)
    post = Post.objects.select_for_update().select_related("topic__forum").get(pk=post.pk)
    if post.is_published:
        return post
    post.status = Post.Status.PUBLISHED
    post.save(update_fields=["status"])
    is_first = (
        not post.topic.posts.filter(status=Post.Status.PUBLISHED).exclude(pk=post.pk).exists()
    )
    _count_new_post(post.topic, post.created_at, new_topic=is_first)
    _notify_readers(post, new_topic=is_first)
    _moderate(moderator, ModerationAction.Kind.APPROVE, None, post, "")
    return post
