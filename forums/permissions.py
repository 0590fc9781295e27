"""The one place that decides who reads, writes and moderates in the forums.

A council's forum follows its council (``councils.permissions``): its members
read and write, its coordinators moderate, nobody else sees it — not the
animator, not a referent, not the superuser. National forums are read by
their audience and moderated by the national animation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from accounts.roles import animators_among, has_verified_email, is_animator
from councils import permissions as council_permissions
from councils.models import Council

from .models import Forum, Post, Topic


def _is_member_of_a_council(user) -> bool:
    grants = council_permissions.council_grants(user)
    return any(
        council_permissions.VIEW_SPACE in codenames
        for codenames in grants.through_membership.values()
    )


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


# The same two checks for a batch of people (the daily digest): each
# person's rights read for all of them at once, then the rules of
# ``forums_visible_to`` and ``moderated_forums`` applied to each row.


@dataclass(frozen=True)
class _Rights:
    """What a person's forum rights rest on, read for a whole batch."""

    signed_in: bool
    # Councils whose space they read, and those they coordinate (both
    # through their membership, as ``council_grants(...).through_membership``).
    reads: frozenset[int] = frozenset()
    coordinates: frozenset[int] = frozenset()
    animator: bool = False

    def reads_forum(self, council_id: int | None, audience: str) -> bool:
        """``forums_visible_to`` for one forum."""
        if council_id is not None:
            return council_id in self.reads
        if audience == Forum.Audience.EVERYONE:
            return True
        if not self.signed_in:
            return False
        if audience == Forum.Audience.REGISTERED:
            return True
        return audience == Forum.Audience.COUNCIL_MEMBERS and (bool(self.reads) or self.animator)

    def moderates_forum(self, council_id: int | None, council_status: str | None) -> bool:
        """``moderated_forums`` for one forum."""
        if not self.signed_in:
            return False
        if council_id is not None:
            return council_status == Council.Status.ACTIVE and council_id in self.coordinates
        return self.animator


def _rights_of_each(users) -> dict[int, _Rights]:
    """Two queries for the whole batch: the councils' grants, the animators."""
    users = list(users)
    signed_in = [user.pk for user in users if user.is_authenticated and user.is_active]
    grants = council_permissions.membership_grants_of_each(
        signed_in, [council_permissions.VIEW_SPACE, council_permissions.MANAGE_MEMBERS]
    )
    animators = animators_among(signed_in)
    rights = {user.pk: _Rights(signed_in=False) for user in users}
    for pk in signed_in:
        councils = grants.get(pk, {})
        rights[pk] = _Rights(
            signed_in=True,
            reads=frozenset(
                council
                for council, codenames in councils.items()
                if council_permissions.VIEW_SPACE in codenames
            ),
            coordinates=frozenset(
                council
                for council, codenames in councils.items()
                if council_permissions.MANAGE_MEMBERS in codenames
            ),
            animator=pk in animators,
        )
    return rights


def visible_topics_of_each(users, ids_by_user: Mapping[int, Iterable[int]]) -> dict[int, set]:
    """``visible_topic_ids`` for a batch of people, in three queries."""
    wanted = {pk: set(ids) for pk, ids in ids_by_user.items() if ids}
    if not wanted:
        return {}
    rights = _rights_of_each(user for user in users if user.pk in wanted)
    forum_of = {
        pk: (council_id, audience)
        for pk, council_id, audience in Topic.objects.filter(pk__in=set().union(*wanted.values()))
        .order_by()
        .values_list("pk", "forum__council_id", "forum__audience")
    }
    return {
        pk: {
            topic for topic in ids if topic in forum_of and rights[pk].reads_forum(*forum_of[topic])
        }
        for pk, ids in wanted.items()
    }


def visible_posts_of_each(users, ids_by_user: Mapping[int, Iterable[int]]) -> dict[int, set]:
    """``visible_post_ids`` for a batch of people, in three queries."""
    active = {user.pk for user in users if user.is_authenticated and user.is_active}
    wanted = {pk: set(ids) for pk, ids in ids_by_user.items() if pk in active and ids}
    if not wanted:
        return {}
    rights = _rights_of_each(user for user in users if user.pk in wanted)
    rows = {
        row[0]: row[1:]
        for row in Post.objects.filter(pk__in=set().union(*wanted.values()))
        .order_by()
        .annotate(shown=ExpressionWrapper(Post.visible_condition(), output_field=BooleanField()))
        .values_list(
            "pk",
            "shown",
            "topic__forum__council_id",
            "topic__forum__audience",
            "topic__forum__council__status",
        )
    }

    def reads(person: _Rights, post: int) -> bool:
        shown, council_id, audience, council_status = rows[post]
        return person.reads_forum(council_id, audience) and (
            bool(shown) or person.moderates_forum(council_id, council_status)
        )

    return {
        pk: {post for post in ids if post in rows and reads(rights[pk], post)}
        for pk, ids in wanted.items()
    }


def can_see_post(user, post: Post) -> bool:
    """Published posts for every reader; one waiting for approval for its
    author and the moderators. Hidden posts show as hidden (the view decides
    how much of them)."""
    return TopicReader(user, post.topic).can_see_post(post)


# Writing.


def can_post_in(user, forum: Forum) -> bool:
    """A verified account that reads the forum; in a council's forum, a member
    of an active council."""
    if not user.is_authenticated or not user.is_active or not has_verified_email(user):
        return False
    if forum.council_id is not None:
        return council_permissions.can_contribute(user, forum.council)
    return can_read_forum(user, forum)


def can_reply(user, topic: Topic) -> bool:
    return TopicReader(user, topic).may_reply


def can_edit_post(user, post: Post) -> bool:
    return TopicReader(user, post.topic).can_edit_post(post)


def can_delete_post(user, post: Post) -> bool:
    """Authors delete their own messages (not the first of a topic that has
    replies, and not once hidden by the moderation: that would erase it)."""
    return TopicReader(user, post.topic).can_delete_post(post)


def can_react(user, post: Post) -> bool:
    """React to someone else's published, visible message."""
    return TopicReader(user, post.topic).can_react(post)


def can_report(user, post: Post) -> bool:
    """Someone else's message that the reader sees (hidden ones are handled)."""
    return TopicReader(user, post.topic).can_report(post)


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
    return TopicReader(user, post.topic).can_see_hidden_reason(post)


def can_read_hidden_text(user, post: Post) -> bool:
    """The text of a hidden message stays readable by the moderators only."""
    return can_moderate(user, post.topic.forum)


def can_see_history(user, post: Post) -> bool:
    return can_moderate(user, post.topic.forum)


class TopicReader:
    """What one reader may do in one topic, for a whole page of its posts.

    What is the same for every post of the topic (does the reader moderate
    its forum, may they post in it, may they reply) is decided once, on first
    use; each post then adds only what is its own (who wrote it, whether it
    is published or hidden). The single checks above ask this class too, so a
    page and a single check can never disagree.
    """

    def __init__(self, user, topic: Topic):
        self.user = user
        self.topic = topic
        self.signed_in = bool(user.is_authenticated)

    @cached_property
    def reads(self) -> bool:
        return can_read_topic(self.user, self.topic)

    @cached_property
    def moderates(self) -> bool:
        return can_moderate(self.user, self.topic.forum)

    @cached_property
    def may_post(self) -> bool:
        return can_post_in(self.user, self.topic.forum)

    @cached_property
    def may_reply(self) -> bool:
        if self.topic.is_locked and not self.moderates:
            return False
        return self.may_post

    def _check(self, post: Post) -> None:
        if post.topic_id != self.topic.pk:
            raise ValueError(f"Post {post.pk} is not in topic {self.topic.pk}.")

    def wrote(self, post: Post) -> bool:
        self._check(post)
        return self.signed_in and post.author_id is not None and post.author_id == self.user.pk

    def can_see_post(self, post: Post) -> bool:
        if not self.reads:
            return False
        if post.is_published:
            return True
        return self.wrote(post) or self.moderates

    def can_edit_post(self, post: Post) -> bool:
        if self.moderates:
            return True
        return (
            self.wrote(post) and not post.is_hidden and not self.topic.is_locked and self.may_post
        )

    def can_delete_post(self, post: Post) -> bool:
        return (
            self.wrote(post) and not post.is_hidden and self.may_post and not self.topic.is_locked
        )

    def can_react(self, post: Post) -> bool:
        return (
            self.signed_in
            and not self.wrote(post)
            and post.is_published
            and not post.is_hidden
            and self.may_post
        )

    def can_report(self, post: Post) -> bool:
        return (
            self.signed_in
            and self.user.is_active
            and not self.wrote(post)
            and not post.is_hidden
            and self.can_see_post(post)
        )

    def can_quote(self, post: Post) -> bool:
        self._check(post)
        return post.is_published and not post.is_hidden and self.may_reply

    def can_see_hidden_reason(self, post: Post) -> bool:
        return self.wrote(post) or self.moderates

    def can_read_hidden_text(self, post: Post) -> bool:
        self._check(post)
        return self.moderates

    def can_see_history(self, post: Post) -> bool:
        self._check(post)
        return self.moderates


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
    return user.is_authenticated and user.is_active and has_verified_email(user)
