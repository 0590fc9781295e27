"""Following topics and forums, and remembering what each reader has read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from .. import permissions
from ..models import Forum, Subscription, Topic, TopicReadState

if TYPE_CHECKING:
    from accounts.models import User


def subscription_toggle(
    *, user: User, topic: Topic | None = None, forum: Forum | None = None
) -> bool:
    target = {"topic": topic} if topic is not None else {"forum": forum}
    readable = (
        permissions.can_read_topic(user, topic)
        if topic
        else permissions.can_read_forum(user, forum)
    )
    if not user.is_authenticated or not readable:
        raise PermissionDenied
    deleted, _rows = Subscription.objects.filter(user=user, **target).delete()
    if deleted:
        return False
    Subscription.objects.get_or_create(user=user, **target)
    return True


def topic_mark_read(*, user: User, topic: Topic, until) -> None:
    """Remember that ``user`` read ``topic`` up to ``until`` (the newest message
    they saw at the end of the topic): one upsert, none when the topic carries
    the reader's marker already there (``selectors.with_read_marker``)."""
    if not user.is_authenticated:
        return
    already = getattr(topic, "read_until", None)
    if already is not None and already >= until:
        return
    TopicReadState.objects.bulk_create(
        [TopicReadState(user=user, topic=topic, read_until=until)],
        update_conflicts=True,
        unique_fields=["user", "topic"],
        update_fields=["read_until"],
    )
