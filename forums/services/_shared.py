"""What the forum services share: error messages, the rendering of a text,
the pace of new accounts, the counters, the notifications to readers and the
moderation log."""

from __future__ import annotations

import html
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _

from accounts.templatetags.accounts_tags import author_name
from common.markdown import render_markdown
from common.text import without_invisible
from councils import services as council_services
from notifications import services as notifications

from .. import permissions, selectors
from ..models import (
    POST_MAX_LENGTH,
    Forum,
    ModerationAction,
    Post,
    Subscription,
    Topic,
)

if TYPE_CHECKING:
    from accounts.models import User

ERROR_EMPTY = _("Write a message before sending it.")
ERROR_TOO_LONG = _("This message is %(length)s characters long; the limit is %(max)s.")
ERROR_LOCKED = _("This topic is locked: no new reply can be added.")
ERROR_TOPIC_TOO_SOON = _(
    "New accounts open one topic every %(minutes)s minutes. Try again in %(wait)s seconds; "
    "your text is kept below."
)
ERROR_REPLY_TOO_SOON = _(
    "New accounts reply once every %(seconds)s seconds. Try again in %(wait)s seconds; "
    "your text is kept below."
)
ERROR_FIRST_POST_OF_A_DISCUSSION = _(
    "This message opens a discussion that has replies: it cannot be deleted. "
    "Edit it instead, or ask a moderator."
)
ERROR_ALREADY_REPORTED = _("You have already reported this message; a moderator will look at it.")
ERROR_REPORT_HANDLED = _("This report has already been handled.")
ERROR_REASON_NEEDED = _("Give a reason: the author will read it.")


def _render(body: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationError(ERROR_EMPTY, code="empty")
    if len(body) > POST_MAX_LENGTH:
        raise ValidationError(
            ERROR_TOO_LONG,
            code="too_long",
            params={"length": number_format(len(body)), "max": number_format(POST_MAX_LENGTH)},
        )
    return render_markdown(body)


# Anti-flood.


def _is_new_account(user: User) -> bool:
    return timezone.now() - user.date_joined < timedelta(days=settings.FORUM_NEW_ACCOUNT_DAYS)


def _check_pace(user: User, *, opening_topic: bool) -> None:
    """New accounts wait between posts; established ones are not slowed."""
    if not _is_new_account(user):
        return
    if opening_topic:
        interval = settings.FORUM_NEW_ACCOUNT_TOPIC_INTERVAL
        last = Topic.objects.filter(author=user).order_by("-created_at").first()
        last_at = last.created_at if last else None
        message, params = ERROR_TOPIC_TOO_SOON, {"minutes": interval // 60}
    else:
        interval = settings.FORUM_NEW_ACCOUNT_REPLY_INTERVAL
        last = Post.objects.filter(author=user).order_by("-created_at").first()
        last_at = last.created_at if last else None
        message, params = ERROR_REPLY_TOO_SOON, {"seconds": interval}
    if last_at is None:
        return
    wait = interval - (timezone.now() - last_at).total_seconds()
    if wait > 0:
        raise ValidationError(message, code="too_soon", params={**params, "wait": int(wait) + 1})


def _needs_approval(user: User, forum: Forum) -> bool:
    """A new account's first posts in national forums wait for a moderator."""
    first_posts = settings.FORUM_APPROVE_FIRST_POSTS
    if not forum.is_national or not first_posts or permissions.can_moderate(user, forum):
        return False
    if not _is_new_account(user):
        return False
    published = Post.objects.filter(author=user, status=Post.Status.PUBLISHED).count()
    return published < first_posts


# Counters.


def _count_new_post(topic: Topic, when, *, new_topic: bool = False) -> None:
    Topic.objects.filter(pk=topic.pk).update(post_count=F("post_count") + 1, last_post_at=when)
    Forum.objects.filter(pk=topic.forum_id).update(
        post_count=F("post_count") + 1,
        topic_count=F("topic_count") + (1 if new_topic else 0),
        last_post_at=when,
    )
    if topic.forum.council_id:
        council_services.council_touch(council=topic.forum.council)


def _refresh_last_post(*, topic: Topic | None = None, forum_ids: list[int]) -> None:
    """After a delete or a move, "last message" times follow what is left, so
    that no topic stays "new" because of a message that is gone."""
    if topic is not None:
        last = (
            topic.posts.filter(status=Post.Status.PUBLISHED)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        Topic.objects.filter(pk=topic.pk).update(last_post_at=last or topic.created_at)
    for forum_id in forum_ids:
        last = (
            Topic.objects.filter(forum_id=forum_id, post_count__gt=0)
            .order_by("-last_post_at")
            .values_list("last_post_at", flat=True)
            .first()
        )
        Forum.objects.filter(pk=forum_id).update(last_post_at=last)


# Notifications.


def _excerpt(post: Post) -> str:
    """The post's first words as plain text: its sanitised HTML without the
    tags (no markdown marks), for the notification centre and e-mails."""
    text = " ".join(html.unescape(strip_tags(post.body_html)).split())
    return Truncator(text).words(40)


def _places(topic: Topic) -> dict[str, str]:
    """Where a topic's notifications are grouped in digests: its council (or
    its national forum), then the topic itself."""
    forum = topic.forum
    if forum.council_id:
        group = {"group_key": f"council:{forum.council_id}", "group_title": forum.council.name}
    else:
        group = {"group_key": f"forum:{forum.pk}", "group_title": forum.name}
    return {**group, "thread_key": f"topic:{topic.pk}", "thread_title": topic.title}


def _notify_readers(post: Post, *, new_topic: bool) -> None:
    """Tell the people mentioned (``forums.mention``), then the followers of
    the topic (``forums.reply``) or of the forum (``forums.new_topic``), each
    once, through the notifications centre.

    Every recipient is checked again now: someone who left the council since
    they followed receives nothing. The notification carries an excerpt only.
    """
    topic = post.topic
    forum = topic.forum
    mentioned = [
        user for user in selectors.mentioned_users(post) if permissions.can_read_topic(user, topic)
    ]
    follows = (
        Subscription.objects.filter(forum=forum)
        if new_topic
        else Subscription.objects.filter(topic=topic)
    )
    already = {user.pk for user in mentioned} | {post.author_id}
    followers = [
        subscription.user
        for subscription in follows.exclude(user_id__in=already).select_related("user")
        if subscription.user.is_active and permissions.can_read_topic(subscription.user, topic)
    ]
    forum_name = forum.council.name if forum.council_id else forum.name
    with override(settings.LANGUAGE_CODE):
        params = {"name": author_name(post.author), "topic": topic.title, "forum": forum_name}
        mention_title = gettext("%(name)s mentioned you in “%(topic)s”") % params
        if new_topic:
            follow_kind = "forums.new_topic"
            follow_title = gettext("%(name)s opened the topic “%(topic)s” in “%(forum)s”") % params
        else:
            follow_kind = "forums.reply"
            follow_title = gettext("%(name)s replied in “%(topic)s”") % params
    common = {
        "target_id": post.pk,
        "url": post.get_absolute_url(),
        "excerpt": _excerpt(post),
        "actor": post.author,
        **_places(topic),
    }
    if mentioned:
        notifications.notify(
            recipients=mentioned, kind="forums.mention", title=mention_title, **common
        )
    if followers:
        notifications.notify(recipients=followers, kind=follow_kind, title=follow_title, **common)


# Moderation.


# What the author of a moderated post or topic is told, by action.
MODERATION_TITLES = {
    ModerationAction.Kind.HIDE: _("A moderator hid your message in “%(topic)s”"),
    ModerationAction.Kind.UNHIDE: _("Your message in “%(topic)s” is shown again"),
    ModerationAction.Kind.EDIT: _("A moderator edited your message in “%(topic)s”"),
    ModerationAction.Kind.APPROVE: _("Your message in “%(topic)s” is published"),
    ModerationAction.Kind.LOCK: _("A moderator locked your topic “%(topic)s”"),
    ModerationAction.Kind.UNLOCK: _("Your topic “%(topic)s” is open to replies again"),
    ModerationAction.Kind.MOVE: _("A moderator moved your topic “%(topic)s” to “%(forum)s”"),
}

# The actions an author may disagree with: they are told whom to talk to.
DISPUTABLE = {
    ModerationAction.Kind.HIDE,
    ModerationAction.Kind.EDIT,
    ModerationAction.Kind.LOCK,
    ModerationAction.Kind.MOVE,
}


def _moderate(actor: User, kind: str, topic: Topic | None, post: Post | None, reason: str):
    """Log a moderation action and tell the author of the post (or topic)
    through ``forums.moderation``, whose target is always the topic."""
    forum_id = (topic or post.topic).forum_id
    # Some reasons come straight from a button's form, not through a form
    # class: no control characters (PostgreSQL refuses NUL in text).
    reason = without_invisible(reason)
    action = ModerationAction.objects.create(
        forum_id=forum_id, topic=topic, post=post, kind=kind, actor=actor, reason=reason[:500]
    )
    author = post.author if post is not None else topic.author
    topic = topic or post.topic
    title = MODERATION_TITLES.get(kind)
    # Told only while they may still read the topic (not after leaving the council).
    if (
        title is None
        or author is None
        or author.pk == actor.pk
        or not author.is_active
        or not permissions.can_read_topic(author, topic)
    ):
        return action
    forum = topic.forum
    with override(settings.LANGUAGE_CODE):
        lines = []
        if reason.strip():
            lines.append(gettext("Reason given: %(reason)s") % {"reason": reason.strip()[:500]})
        if kind in DISPUTABLE:
            lines.append(
                gettext("If you disagree, talk about it with the coordinators of your council.")
                if forum.council_id
                else gettext(
                    "If you disagree, write to the national animation through the contact page "
                    "of the site."
                )
            )
        title = str(title) % {"topic": topic.title, "forum": forum.name}
    notifications.notify(
        recipients=[author],
        kind="forums.moderation",
        target_id=topic.pk,
        title=title,
        url=post.get_absolute_url() if post is not None else topic.get_absolute_url(),
        excerpt="\n\n".join(lines),
        actor=actor,
        **_places(topic),
    )
    return action


def _check_moderator(user: User, forum: Forum) -> None:
    if not permissions.can_moderate(user, forum):
        raise PermissionDenied
