"""Every write in the forums: topics, replies, edits, moderation, reports.

Each service takes who acts, checks ``permissions``, writes in one
transaction, keeps the counters, logs moderation and tells the people
concerned through the notifications centre (``notifications.services.notify``).
Markdown is rendered and sanitised here, once, when text is saved.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import strip_tags
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _

from accounts.templatetags.accounts_tags import author_name
from common.files import stored_file_delete_on_commit
from common.markdown import render_markdown
from common.text import without_invisible
from councils import services as council_services
from notifications import services as notifications

from . import permissions
from .models import (
    POST_MAX_LENGTH,
    Forum,
    ForumImage,
    ModerationAction,
    Post,
    PostRevision,
    Reaction,
    Report,
    Subscription,
    Topic,
    TopicReadState,
)

if TYPE_CHECKING:
    from accounts.models import User
    from councils.models import Council

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


# Council forums.


def council_forum_create(*, council: Council) -> Forum:
    """The private forum every council gets (called when a council is created)."""
    forum, _created = Forum.objects.get_or_create(
        council=council,
        defaults={
            "name": str(_("Forum of the council")),
            "slug": f"conseil-{council.slug}"[:120],
            "audience": Forum.Audience.COUNCIL_MEMBERS,
        },
    )
    return forum


# Addresses the forum URLs use themselves, and the councils' forums' prefix.
RESERVED_SLUGS = {"recherche", "moderation", "nouveau-forum", "editeur", "sujets", "messages"}


def national_forum_create(
    *, actor: User | None, name: str, description: str = "", category=None, audience: str
) -> Forum:
    """A forum of the national exchange, made by the animation (``actor``;
    None: the site itself, for demo data)."""
    if actor is not None and not permissions.can_create_national_forum(actor):
        raise PermissionDenied
    base = slugify(name)[:100] or "forum"
    if base in RESERVED_SLUGS or base.startswith(
        ("conseil-", "conseils", "suivre", "signalements")
    ):
        base = f"forum-{base}"[:100]
    slug, suffix = base, 2
    while Forum.objects.filter(slug=slug).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return Forum.objects.create(
        name=name, slug=slug, description=description, category=category, audience=audience
    )


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


# Topics and posts.


def topic_create(
    *, author: User, forum: Forum, title: str, body: str, submission_key: str = ""
) -> Topic:
    """Open a topic. The text is rendered before the transaction: no lock is
    held while markdown renders."""
    if not permissions.can_post_in(author, forum):
        raise PermissionDenied
    html = _render(body)
    return _topic_create(
        author=author, forum=forum, title=title, body=body, html=html, submission_key=submission_key
    )


@transaction.atomic
def _topic_create(
    *, author: User, forum: Forum, title: str, body: str, html: str, submission_key: str
) -> Topic:
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


def post_reply(*, author: User, topic: Topic, body: str, submission_key: str = "") -> Post:
    """Add a reply. The same ``submission_key`` twice gives the first post back.

    The text is rendered before the topic's row is locked (the lock keeps
    the counters right; markdown needs none), then everything is checked
    again under the lock."""
    if not permissions.can_post_in(author, topic.forum):
        raise PermissionDenied
    html = _render(body)
    return _post_reply(
        author=author, topic=topic, body=body, html=html, submission_key=submission_key
    )


@transaction.atomic
def _post_reply(*, author: User, topic: Topic, body: str, html: str, submission_key: str) -> Post:
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
    status = Post.Status.PENDING if _needs_approval(author, topic.forum) else Post.Status.PUBLISHED
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


MAX_MENTIONS = 20
# The word written after an @ (not one inside an e-mail address): "@Fatou,"
# gives "fatou", "@Jean-Pierre" "jean-pierre".
MENTIONED_WORD = re.compile(r"(?<![\w.])@([^\W\d_][\w'’-]*)")


def _mentioned_users(post: Post) -> list[User]:
    """People named in the post among those who take part (the topic's
    authors and, in a council's forum, the council's members): ``@`` and
    their whole name, or only their first name when nobody else taking part
    has it (``@Fatou`` for Fatou Diallo; ``@Awa`` for no one when two Awa
    take part)."""
    from accounts.models import User

    text = post.body.lower()
    if "@" not in text:
        return []
    topic = post.topic
    candidates = User.objects.filter(is_active=True).exclude(pk=post.author_id)
    taking_part = Q(forum_posts__topic=topic)
    if topic.forum.council_id:
        taking_part |= Q(council_memberships__council_id=topic.forum.council_id)
    people = [user for user in candidates.filter(taking_part).distinct() if user.display_name]
    words_after_at = {match.group(1) for match in MENTIONED_WORD.finditer(text)}
    first_names = Counter(user.display_name.lower().split()[0] for user in people)
    mentioned = []
    for user in people:
        name = user.display_name.lower()
        first_name = name.split()[0]
        if f"@{name}" in text or (first_name in words_after_at and first_names[first_name] == 1):
            mentioned.append(user)
    return mentioned[:MAX_MENTIONS]


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
    mentioned = [user for user in _mentioned_users(post) if permissions.can_read_topic(user, topic)]
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


def _count_new_post(topic: Topic, when, *, new_topic: bool = False) -> None:
    Topic.objects.filter(pk=topic.pk).update(post_count=F("post_count") + 1, last_post_at=when)
    Forum.objects.filter(pk=topic.forum_id).update(
        post_count=F("post_count") + 1,
        topic_count=F("topic_count") + (1 if new_topic else 0),
        last_post_at=when,
    )
    if topic.forum.council_id:
        council_services.council_touch(council=topic.forum.council)


def post_edit(*, editor: User, post: Post, body: str, reason: str = "") -> Post:
    """Save a new text; the previous one is kept for moderators. A moderator
    editing someone else's post gives a reason, logged and sent to the author.
    The text is rendered before the post's row is locked."""
    if not permissions.can_edit_post(editor, post):
        raise PermissionDenied
    html = _render(body)
    return _post_edit(editor=editor, post=post, body=body, html=html, reason=reason)


@transaction.atomic
def _post_edit(*, editor: User, post: Post, body: str, html: str, reason: str) -> Post:
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
    return post


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


# Reports.


@transaction.atomic
def report_create(*, reporter: User, post: Post, reason: str) -> Report:
    if not permissions.can_report(reporter, post):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError(ERROR_REASON_NEEDED, code="reason")
    try:
        with transaction.atomic():
            return Report.objects.create(post=post, reporter=reporter, reason=reason.strip()[:500])
    except IntegrityError as exc:
        raise ValidationError(ERROR_ALREADY_REPORTED, code="already") from exc


@transaction.atomic
def report_handle(*, moderator: User, report: Report, resolved: bool) -> Report:
    """Resolve (the moderator acted on the post) or dismiss a report."""
    report = (
        Report.objects.select_for_update().select_related("post__topic__forum").get(pk=report.pk)
    )
    _check_moderator(moderator, report.post.topic.forum)
    if report.status != Report.Status.OPEN:
        raise ValidationError(ERROR_REPORT_HANDLED, code="handled")
    report.status = Report.Status.RESOLVED if resolved else Report.Status.DISMISSED
    report.handled_by = moderator
    report.handled_at = timezone.now()
    report.save(update_fields=["status", "handled_by", "handled_at"])
    ModerationAction.objects.create(
        forum=report.post.topic.forum,
        post=report.post,
        kind=ModerationAction.Kind.REPORT_RESOLVED
        if resolved
        else ModerationAction.Kind.REPORT_DISMISSED,
        actor=moderator,
        reason=report.reason,
    )
    return report


# Reading and following.


def reaction_toggle(*, user: User, post: Post, kind: str) -> bool:
    """Add or take back a reaction; True when it is now there."""
    if not permissions.can_react(user, post) or kind not in Reaction.Kind.values:
        raise PermissionDenied
    deleted, _rows = Reaction.objects.filter(post=post, user=user, kind=kind).delete()
    if deleted:
        return False
    Reaction.objects.get_or_create(post=post, user=user, kind=kind)
    return True


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
    they saw at the end of the topic): one upsert."""
    if not user.is_authenticated:
        return
    TopicReadState.objects.bulk_create(
        [TopicReadState(user=user, topic=topic, read_until=until)],
        update_conflicts=True,
        unique_fields=["user", "topic"],
        update_fields=["read_until"],
    )


def forum_images_cleanup(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Delete the images uploaded more than ``older_than`` ago that no message
    of their forum contains; returns how many went."""
    deleted = 0
    stale = ForumImage.objects.filter(created_at__lt=timezone.now() - older_than)
    for image in stale.iterator():
        if Post.objects.filter(
            topic__forum_id=image.forum_id, body__contains=str(image.pk)
        ).exists():
            continue
        name, storage = image.file.name, image.file.storage
        image.delete()
        stored_file_delete_on_commit([name], storage=storage)
        deleted += 1
    return deleted
