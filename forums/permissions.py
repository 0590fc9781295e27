"""The one place that decides who reads, writes and moderates in the forums.

A council's forum follows its council (``councils.permissions``): its members
read and write, its coordinators moderate, nobody else sees it — not the
animator, not a referent, not the superuser. National forums are read by
their audience and moderated by the national animation.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from accounts.roles import is_animator
from councils import permissions as council_permissions
from councils.models import Council

from .models import Forum, Post, Topic


def _is_member_of_a_council(user) -> bool:
    grants = council_permissions.council_grants(user)
    return any(
        council_permissions.VIEW_SPACE in codenames
        for codenames in grants.through_membership.values()
    )


def _has_verified_email(user) -> bool:
    cached = getattr(user, "_has_verified_email", None)
    if cached is None:
        cached = user.emailaddress_set.filter(verified=True).exists()
        user._has_verified_email = cached
    return cached


# Reading.


def can_read_forum(user, forum: Forum) -> bool:
    if forum.council_id is not None:
        return council_permissions.can_view_space(user, forum.council)
    if forum.audience == Forum.Audience.EVERYONE:
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    if forum.audience == Forum.Audience.REGISTERED:
        return True
    return _is_member_of_a_council(user) or is_animator(user)


def forums_visible_to(user) -> QuerySet[Forum]:
    """The forums ``user`` may read (national by audience, and their councils')."""
    visible = Q(council__isnull=True, audience=Forum.Audience.EVERYONE)
    if user.is_authenticated and user.is_active:
        visible |= Q(council__isnull=True, audience=Forum.Audience.REGISTERED)
        if _is_member_of_a_council(user) or is_animator(user):
            visible |= Q(council__isnull=True, audience=Forum.Audience.COUNCIL_MEMBERS)
        visible |= Q(council__in=council_permissions.councils_with_space_visible_to(user))
    return Forum.objects.filter(visible)


def topics_visible_to(user) -> QuerySet[Topic]:
    return Topic.objects.filter(forum__in=forums_visible_to(user))


def can_read_topic(user, topic: Topic) -> bool:
    return can_read_forum(user, topic.forum)


def visible_topic_ids(user, topic_ids: Iterable[int]) -> set[int]:
    """Among ``topic_ids``, the topics ``user`` may read now (notifications
    re-check them): one query, after the user's grants (read once per user)."""
    ids = set(topic_ids)
    if not ids:
        return set()
    return set(topics_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def visible_post_ids(user, post_ids: Iterable[int]) -> set[int]:
    """Among ``post_ids``, the posts whose text ``user`` may read now: in a
    topic they read, published and not hidden — or anything in a forum they
    moderate. One query, after the user's grants (read once per user)."""
    ids = set(post_ids)
    if not ids or not user.is_authenticated or not user.is_active:
        return set()
    readable = Post.visible_condition() | Q(topic__forum__in=moderated_forums(user))
    return set(
        Post.objects.filter(
            readable, pk__in=ids, topic__forum__in=forums_visible_to(user)
        ).values_list("pk", flat=True)
    )


def can_see_post(user, post: Post) -> bool:
    """Published posts for every reader; one waiting for approval for its
    author and the moderators. Hidden posts show as hidden (the view decides
    how much of them)."""
    if not can_read_topic(user, post.topic):
        return False
    if post.is_published:
        return True
    return (user.is_authenticated and post.author_id == user.pk) or can_moderate(
        user, post.topic.forum
    )


# Writing.


def can_post_in(user, forum: Forum) -> bool:
    """A verified account that reads the forum; in a council's forum, a member
    of an active council."""
    if not user.is_authenticated or not user.is_active or not _has_verified_email(user):
        return False
    if forum.council_id is not None:
        return council_permissions.can_contribute(user, forum.council)
    return can_read_forum(user, forum)


def can_reply(user, topic: Topic) -> bool:
    if topic.is_locked and not can_moderate(user, topic.forum):
        return False
    return can_post_in(user, topic.forum)


def can_edit_post(user, post: Post) -> bool:
    if can_moderate(user, post.topic.forum):
        return True
    return (
        user.is_authenticated
        and post.author_id == user.pk
        and not post.is_hidden
        and not post.topic.is_locked
        and can_post_in(user, post.topic.forum)
    )


def can_delete_post(user, post: Post) -> bool:
    """Authors delete their own messages (not the first of a topic that has
    replies, and not once hidden by the moderation: that would erase it)."""
    return (
        user.is_authenticated
        and post.author_id == user.pk
        and not post.is_hidden
        and can_post_in(user, post.topic.forum)
        and not post.topic.is_locked
    )


def can_react(user, post: Post) -> bool:
    """React to someone else's published, visible message."""
    return (
        user.is_authenticated
        and post.author_id != user.pk
        and post.is_published
        and not post.is_hidden
        and can_post_in(user, post.topic.forum)
    )


def can_report(user, post: Post) -> bool:
    """Someone else's message that the reader sees (hidden ones are handled)."""
    return (
        user.is_authenticated
        and user.is_active
        and post.author_id != user.pk
        and not post.is_hidden
        and can_see_post(user, post)
    )


# Moderation.


def can_moderate(user, forum: Forum) -> bool:
    """The animator in national forums, the coordinators in their council's."""
    if not user.is_authenticated or not user.is_active:
        return False
    if forum.council_id is not None:
        # An archived council's space is read-only, its forum included.
        return forum.council.is_active and council_permissions.is_coordinator(user, forum.council)
    return is_animator(user)


def can_see_hidden_reason(user, post: Post) -> bool:
    """Why a message was hidden: for its author and the moderators."""
    return (user.is_authenticated and post.author_id == user.pk) or can_moderate(
        user, post.topic.forum
    )


def can_read_hidden_text(user, post: Post) -> bool:
    """The text of a hidden message stays readable by the moderators only."""
    return can_moderate(user, post.topic.forum)


def can_see_history(user, post: Post) -> bool:
    return can_moderate(user, post.topic.forum)


def moderated_forums(user) -> QuerySet[Forum]:
    if not user.is_authenticated or not user.is_active:
        return Forum.objects.none()
    coordinated = [
        council_id
        for council_id, codenames in council_permissions.council_grants(
            user
        ).through_membership.items()
        if council_permissions.MANAGE_MEMBERS in codenames
    ]
    moderated = Q(council_id__in=coordinated, council__status=Council.Status.ACTIVE)
    if is_animator(user):
        moderated |= Q(council__isnull=True)
    return Forum.objects.filter(moderated)


def can_create_national_forum(user) -> bool:
    return is_animator(user)


def can_use_editor(user) -> bool:
    """The editor's live preview: a verified account, as for posting (the
    image upload also asks whether the account may post in its forum)."""
    return user.is_authenticated and user.is_active and _has_verified_email(user)
