"""Replies, edits, deletions and reactions of posts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .. import permissions
from ..models import Forum, ModerationAction, Post, PostRevision, Reaction, Subscription, Topic
from ._shared import (
    ERROR_FIRST_POST_OF_A_DISCUSSION,
    ERROR_LOCKED,
    ERROR_REASON_NEEDED,
    _check_pace,
    _count_new_post,
    _moderate,
    _needs_approval,
    _notify_readers,
    _refresh_last_post,
    _render,
)

if TYPE_CHECKING:
    from accounts.models import User


def post_reply(*, author: User, topic: Topic, body: str, submission_key: str = "") -> Post:
    """Add a reply. The same ``submission_key`` twice gives the first post back.

    The text is rendered before the topic's row is locked (the lock keeps
    the counters right; markdown needs none), then everything is checked
    again under the lock."""
    if not permissions.can_post_in(author, topic.forum):
        raise PermissionDenied
    html = _render(body)
    with transaction.atomic():
        topic = Topic.objects.select_for_update().select_related("forum").get(pk=topic.pk)
        if not permissions.can_post_in(author, topic.forum):
            raise PermissionDenied
        if submission_key:
            existing = Post.objects.filter(author=author, submission_key=submission_key).first()
            if existing is not None:
                return existing
        if topic.is_locked and not permissions.can_moderate(author, topic.forum):
            raise ValidationError(ERROR_LOCKED, code="locked")
        _check_pace(author, opening_topic=False)
        status = (
            Post.Status.PENDING if _needs_approval(author, topic.forum) else Post.Status.PUBLISHED
        )
        now = timezone.now()
        try:
            with transaction.atomic():
                post = Post.objects.create(
                    topic=topic,
                    author=author,
                    body=body.strip(),
                    body_html=html,
                    created_at=now,
                    status=status,
                    submission_key=submission_key,
                )
        except IntegrityError:
            # The same form sent twice at the same moment: the first one won.
            return Post.objects.get(author=author, submission_key=submission_key)
        if status == Post.Status.PUBLISHED:
            _count_new_post(topic, now)
            _notify_readers(post, new_topic=False)
        Subscription.objects.get_or_create(user=author, topic=topic)
        return post


def post_edit(*, editor: User, post: Post, body: str, reason: str = "") -> Post:
    """Save a new text; the previous one is kept for moderators. A moderator
    editing someone else's post gives a reason, logged and sent to the author.
    The text is rendered before the post's row is locked."""
    if not permissions.can_edit_post(editor, post):
        raise PermissionDenied
    html = _render(body)
    with transaction.atomic():
        post = Post.objects.select_for_update().select_related("topic__forum").get(pk=post.pk)
        by_moderator = post.author_id != editor.pk
        if by_moderator and not reason.strip():
            raise ValidationError(ERROR_REASON_NEEDED, code="reason")
        if body.strip() == post.body:
            return post
        PostRevision.objects.create(post=post, body=post.body, edited_by=editor)
        post.body = body.strip()
        post.body_html = html
        post.edited_at = timezone.now()
        post.save(update_fields=["body", "body_html", "edited_at"])
        if by_moderator:
            _moderate(editor, ModerationAction.Kind.EDIT, post.topic, post, reason)
        return post


@transaction.atomic
def post_delete(*, user: User, post: Post) -> Topic | None:
    """Delete one's own post; the first post of a discussion alone takes the
    topic with it. Returns the topic if it still exists."""
    if not permissions.can_delete_post(user, post):
        raise PermissionDenied
    topic = Topic.objects.select_for_update().select_related("forum").get(pk=post.topic_id)
    first = topic.posts.order_by("created_at", "pk").first()
    if first is not None and first.pk == post.pk:
        if topic.posts.exclude(pk=post.pk).exists():
            raise ValidationError(ERROR_FIRST_POST_OF_A_DISCUSSION, code="first_post")
        was_published = post.is_published
        topic.delete()
        if was_published:
            Forum.objects.filter(pk=topic.forum_id).update(
                topic_count=F("topic_count") - 1, post_count=F("post_count") - 1
            )
        _refresh_last_post(forum_ids=[topic.forum_id])
        return None
    was_published = post.is_published
    post.delete()
    if was_published:
        Topic.objects.filter(pk=topic.pk).update(post_count=F("post_count") - 1)
        Forum.objects.filter(pk=topic.forum_id).update(post_count=F("post_count") - 1)
    _refresh_last_post(topic=topic, forum_ids=[topic.forum_id])
    return topic


def reaction_toggle(*, user: User, post: Post, kind: str) -> bool:
    """Add or take back a reaction; True when it is now there."""
    if not permissions.can_react(user, post) or kind not in Reaction.Kind.values:
        raise PermissionDenied
    deleted, _rows = Reaction.objects.filter(post=post, user=user, kind=kind).delete()
    if deleted:
        return False
    Reaction.objects.get_or_create(post=post, user=user, kind=kind)
    return True
