"""Opening a topic: its first post, its counters, its followers told."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from .. import permissions
from ..models import Forum, Post, Subscription, Topic
from ._shared import _check_pace, _count_new_post, _needs_approval, _notify_readers, _render

if TYPE_CHECKING:
    from accounts.models import User


def topic_create(
    *, author: User, forum: Forum, title: str, body: str, submission_key: str = ""
) -> Topic:
    """Open a topic. The text is rendered before the transaction: no lock is
    held while markdown renders."""
    if not permissions.can_post_in(author, forum):
        raise PermissionDenied
    html = _render(body)
    with transaction.atomic():
        if submission_key:
            existing = Post.objects.filter(author=author, submission_key=submission_key).first()
            if existing is not None:
                return existing.topic
        _check_pace(author, opening_topic=True)
        now = timezone.now()
        topic = Topic.objects.create(
            forum=forum, title=title.strip(), author=author, created_at=now, last_post_at=now
        )
        status = Post.Status.PENDING if _needs_approval(author, forum) else Post.Status.PUBLISHED
        Post.objects.create(
            topic=topic,
            author=author,
            body=body.strip(),
            body_html=html,
            created_at=now,
            status=status,
            submission_key=submission_key,
        )
        first_post = topic.posts.get()
        if status == Post.Status.PUBLISHED:
            _count_new_post(topic, now, new_topic=True)
            _notify_readers(first_post, new_topic=True)
        Subscription.objects.get_or_create(user=author, topic=topic)
        return topic
