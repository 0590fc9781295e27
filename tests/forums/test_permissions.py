"""Every predicate of ``forums.permissions`` against every role.

A council's forum belongs to its members: its coordinators moderate it, and
nobody else reads it — not the referent of its department, not the national
animator, not the superuser. National forums are read by their audience and
moderated by the animator.

The roles and forums are built once for the module (``world``) inside a
transaction rolled back at its end; every test runs in a savepoint on top.
Tests that change grants (archiving, leaving) build their own people, since
the predicates cache grants on the user object.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import override_settings

from accounts.models import User
from accounts.roles import animator_appoint
from councils import services as council_services
from councils.models import Council
from forums import permissions, services
from forums.models import Forum, Post, Topic
from tests.accounts.factories import UserFactory
from tests.councils.factories import (
    OTHER_DEPARTMENT,
    coordinator_of,
    council_create,
    department,
    member_of,
    referent_of,
)
from tests.forums.factories import national_forum, reply_in, topic_in

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "registered",
    "member",
    "coordinator",
    "other_member",
    "other_coordinator",
    "referent",
    "animator",
    "superuser",
]
# The council's own forum, and a national forum of each audience.
KINDS = ["council", "everyone", "registered", "members"]
AUDIENCES = {
    "everyone": Forum.Audience.EVERYONE,
    "registered": Forum.Audience.REGISTERED,
    "members": Forum.Audience.COUNCIL_MEMBERS,
}

EVERYBODY = frozenset(ROLES)
SIGNED_IN = EVERYBODY - {"anonymous"}
COUNCIL_MEMBERS = frozenset({"member", "coordinator", "other_member", "other_coordinator"})

READERS = {
    "council": frozenset({"member", "coordinator"}),
    "everyone": EVERYBODY,
    "registered": SIGNED_IN,
    "members": COUNCIL_MEMBERS | {"animator"},
}
# Every role holds a verified e-mail address: whoever reads and is signed in writes.
WRITERS = {kind: readers - {"anonymous"} for kind, readers in READERS.items()}
MODERATORS = {
    "council": frozenset({"coordinator"}),
    "everyone": frozenset({"animator"}),
    "registered": frozenset({"animator"}),
    "members": frozenset({"animator"}),
}
NOBODY = {kind: frozenset() for kind in KINDS}


@dataclass
class World:
    council: Council
    other_council: Council
    author: User
    people: dict[str, User | AnonymousUser]
    forums: dict[str, Forum]
    topics: dict[str, Topic]

    def post(self, kind: str) -> Post:
        return self.topics[kind].posts.get()


def people_for(council: Council, other_council: Council) -> dict[str, User | AnonymousUser]:
    """One person per role towards ``council`` (of the Nord)."""
    people: dict[str, User | AnonymousUser] = {
        "anonymous": AnonymousUser(),
        "registered": UserFactory(),
        "member": member_of(council),
        "coordinator": coordinator_of(council),
        "other_member": member_of(other_council),
        "other_coordinator": coordinator_of(other_council),
        "referent": referent_of(council.department),
        "animator": UserFactory(),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }
    animator_appoint(user=people["animator"], system=True)
    return people


def build_world() -> World:
    """Two councils, the roles, one national forum per audience, and in each
    forum a topic opened by a member of the council (who is none of the roles)."""
    council = council_create()
    other_council = council_create(department=department(OTHER_DEPARTMENT), town="Lyon")
    people = people_for(council, other_council)
    author = member_of(council)
    forums = {"council": council.forum}
    forums.update({kind: national_forum(audience) for kind, audience in AUDIENCES.items()})
    topics = {kind: topic_in(forum, author) for kind, forum in forums.items()}
    return World(council, other_council, author, people, forums, topics)


def built_once(build, django_db_blocker):
    """Build data once for a module-scoped fixture, inside a transaction rolled
    back when the module ends (what Django's ``setUpTestData`` does)."""
    with django_db_blocker.unblock(), transaction.atomic():
        try:
            with override_settings(FORUM_NEW_ACCOUNT_DAYS=0, FORUM_APPROVE_FIRST_POSTS=0):
                built = build()
            yield built
        finally:
            transaction.set_rollback(True)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> World:
    yield from built_once(build_world, django_db_blocker)


def _allowed(predicate, world: World, target) -> set[str]:
    return {role for role in ROLES if predicate(world.people[role], target)}


# The role matrix: who gets True, for each predicate and each kind of forum.

FORUM_PREDICATES = {
    "can_read_forum": READERS,
    "can_post_in": WRITERS,
    "can_moderate": MODERATORS,
}
TOPIC_PREDICATES = {
    "can_read_topic": READERS,
    "can_reply": WRITERS,
}
# On a published post by someone who is none of the roles.
POST_PREDICATES = {
    "can_see_post": READERS,
    "can_edit_post": MODERATORS,
    "can_delete_post": NOBODY,
    "can_report": {kind: readers - {"anonymous"} for kind, readers in READERS.items()},
    "can_see_history": MODERATORS,
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("predicate", sorted(FORUM_PREDICATES))
def test_forum_predicates(world, predicate, kind):
    allowed = _allowed(getattr(permissions, predicate), world, world.forums[kind])
    assert allowed == FORUM_PREDICATES[predicate][kind]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("predicate", sorted(TOPIC_PREDICATES))
def test_topic_predicates(world, predicate, kind):
    allowed = _allowed(getattr(permissions, predicate), world, world.topics[kind])
    assert allowed == TOPIC_PREDICATES[predicate][kind]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("predicate", sorted(POST_PREDICATES))
def test_post_predicates(world, predicate, kind):
    allowed = _allowed(getattr(permissions, predicate), world, world.post(kind))
    assert allowed == POST_PREDICATES[predicate][kind]


def test_the_councils_forum_gives_nothing_to_referent_animator_or_superuser(world):
    """Their roles elsewhere open nothing in a council's private space."""
    forum, topic, post = world.forums["council"], world.topics["council"], world.post("council")
    for role in ("referent", "animator", "superuser", "other_coordinator"):
        user = world.people[role]
        assert not permissions.can_read_forum(user, forum), role
        assert not permissions.can_read_topic(user, topic), role
        assert not permissions.can_see_post(user, post), role
        assert not permissions.can_post_in(user, forum), role
        assert not permissions.can_reply(user, topic), role
        assert not permissions.can_edit_post(user, post), role
        assert not permissions.can_delete_post(user, post), role
        assert not permissions.can_report(user, post), role
        assert not permissions.can_moderate(user, forum), role
        assert not permissions.can_see_history(user, post), role
        assert forum not in permissions.moderated_forums(user), role
        assert forum not in permissions.forums_visible_to(user), role
        assert topic not in permissions.topics_visible_to(user), role


@pytest.mark.parametrize("role", ROLES)
def test_forums_visible_to(world, role):
    user = world.people[role]
    expected = {forum for kind, forum in world.forums.items() if role in READERS[kind]}
    if role in ("other_member", "other_coordinator"):
        expected.add(world.other_council.forum)

    visible = permissions.forums_visible_to(user)

    assert set(visible) == expected
    assert visible.count() == len(expected)  # each forum once
    # The queryset and the predicate agree on every forum that exists.
    for forum in Forum.objects.all():
        assert (forum in expected) is permissions.can_read_forum(user, forum), forum
    assert set(permissions.topics_visible_to(user)) == {
        topic for topic in Topic.objects.all() if topic.forum in expected
    }


@pytest.mark.parametrize("role", ROLES)
def test_moderated_forums(world, role):
    national = {world.forums[kind] for kind in AUDIENCES}
    expected = {
        "coordinator": {world.forums["council"]},
        "other_coordinator": {world.other_council.forum},
        "animator": national,
    }.get(role, set())

    moderated = permissions.moderated_forums(world.people[role])

    assert set(moderated) == expected
    for forum in Forum.objects.all():
        assert (forum in expected) is permissions.can_moderate(world.people[role], forum), forum


@pytest.mark.parametrize("role", ROLES)
def test_only_the_animator_creates_national_forums(world, role):
    assert permissions.can_create_national_forum(world.people[role]) is (role == "animator")


# Authors.


@pytest.mark.parametrize("kind", KINDS)
def test_authors_edit_and_delete_their_post_but_do_not_report_it(world, kind):
    post = world.post(kind)

    assert permissions.can_edit_post(world.author, post)
    assert permissions.can_delete_post(world.author, post)
    assert not permissions.can_report(world.author, post)
    assert not permissions.can_see_history(world.author, post)


def test_a_referent_or_animator_who_is_a_member_reads_as_a_member_and_moderates_nothing():
    council = council_create()
    referent = member_of(council, referent_of(council.department))
    animator = UserFactory()
    animator_appoint(user=animator, system=True)
    member_of(council, animator)
    topic = topic_in(council.forum, member_of(council))
    post = topic.posts.get()

    for user in (referent, animator):
        assert permissions.can_read_forum(user, council.forum)
        assert permissions.can_post_in(user, council.forum)
        assert permissions.can_reply(user, topic)
        assert permissions.can_report(user, post)
        assert not permissions.can_moderate(user, council.forum)
        assert not permissions.can_edit_post(user, post)
        assert not permissions.can_see_history(user, post)
        assert council.forum not in permissions.moderated_forums(user)


# Unverified e-mail addresses.


def test_an_unverified_address_reads_but_does_not_write(world):
    council = council_create()
    unverified_member = member_of(council, UserFactory(verified=False))
    unverified = UserFactory(verified=False)
    topic = topic_in(council.forum, member_of(council))

    assert permissions.can_read_forum(unverified_member, council.forum)
    assert not permissions.can_post_in(unverified_member, council.forum)
    assert not permissions.can_reply(unverified_member, topic)
    for kind in AUDIENCES:
        forum = world.forums[kind]
        assert permissions.can_read_forum(unverified, forum) is (kind != "members")
        assert not permissions.can_post_in(unverified, forum)
        assert not permissions.can_reply(unverified, world.topics[kind])
        assert not permissions.can_post_in(unverified_member, forum)


def test_an_unverified_author_no_longer_edits_or_deletes(world):
    council = council_create()
    author = member_of(council)
    topic = topic_in(council.forum, author)
    author.emailaddress_set.update(verified=False)
    author = User.objects.get(pk=author.pk)  # nothing cached
    post = topic.posts.get()

    assert not permissions.can_edit_post(author, post)
    assert not permissions.can_delete_post(author, post)


# Archived councils: read-only for their members.


def test_an_archived_councils_forum_is_read_but_not_written():
    council = council_create()
    member, coordinator = member_of(council), coordinator_of(council)
    topic = topic_in(council.forum, member)
    post = topic.posts.get()
    council_services.council_archive(actor=referent_of(council.department), council=council)
    forum = Forum.objects.select_related("council").get(pk=council.forum.pk)
    topic = Topic.objects.select_related("forum__council").get(pk=topic.pk)
    post = Post.objects.select_related("topic__forum__council").get(pk=post.pk)
    member, coordinator = (User.objects.get(pk=user.pk) for user in (member, coordinator))

    for user in (member, coordinator):
        assert permissions.can_read_forum(user, forum)
        assert permissions.can_see_post(user, post)
        assert forum in permissions.forums_visible_to(user)
        assert not permissions.can_post_in(user, forum)
        assert not permissions.can_reply(user, topic)
    assert not permissions.can_edit_post(member, post)
    assert not permissions.can_delete_post(member, post)


# Locked topics.


@pytest.mark.parametrize("kind", KINDS)
def test_a_locked_topic_takes_replies_from_moderators_only(world, kind):
    forum = world.forums[kind]
    topic = topic_in(forum, world.author)
    moderator = world.people["coordinator" if kind == "council" else "animator"]
    services.topic_lock(moderator=moderator, topic=topic, locked=True)
    topic = Topic.objects.select_related("forum__council").get(pk=topic.pk)

    assert _allowed(permissions.can_reply, world, topic) == MODERATORS[kind]
    assert not permissions.can_reply(world.author, topic)
    # Reading is unchanged.
    assert _allowed(permissions.can_read_topic, world, topic) == READERS[kind]


@pytest.mark.parametrize("kind", KINDS)
def test_a_locked_topic_freezes_its_posts_for_their_authors(world, kind):
    topic = topic_in(world.forums[kind], world.author)
    moderator = world.people["coordinator" if kind == "council" else "animator"]
    services.topic_lock(moderator=moderator, topic=topic, locked=True)
    post = Post.objects.select_related("topic__forum__council").get(topic=topic)

    assert not permissions.can_edit_post(world.author, post)
    assert not permissions.can_delete_post(world.author, post)
    assert _allowed(permissions.can_edit_post, world, post) == MODERATORS[kind]
    assert _allowed(permissions.can_delete_post, world, post) == set()


# Hidden posts.


@pytest.mark.parametrize("kind", KINDS)
def test_a_hidden_post(world, kind):
    """Still listed (as hidden) for readers; its author no longer edits or
    deletes it (that would erase what the moderation acted on); moderators
    still edit it; nobody reports it again."""
    topic = topic_in(world.forums[kind], world.author)
    post = reply_in(topic, world.author)
    moderator = world.people["coordinator" if kind == "council" else "animator"]
    services.post_hide(moderator=moderator, post=post, reason="Hors sujet")
    post = Post.objects.select_related("topic__forum__council").get(pk=post.pk)
    assert post.is_hidden

    assert _allowed(permissions.can_see_post, world, post) == READERS[kind]
    assert not permissions.can_edit_post(world.author, post)
    assert _allowed(permissions.can_edit_post, world, post) == MODERATORS[kind]
    assert not permissions.can_delete_post(world.author, post)
    assert _allowed(permissions.can_delete_post, world, post) == set()
    assert _allowed(permissions.can_report, world, post) == set()


# Posts waiting for approval (first posts of new accounts, national forums only).


@pytest.mark.parametrize("kind", ["everyone", "registered", "members"])
def test_a_pending_post_is_seen_by_its_author_and_the_moderators_only(world, settings, kind):
    settings.FORUM_NEW_ACCOUNT_DAYS = 1
    settings.FORUM_APPROVE_FIRST_POSTS = 1
    newcomer = member_of(council_create())  # a new account that reads every national forum
    topic = world.topics[kind]
    post = reply_in(topic, newcomer)
    assert post.status == Post.Status.PENDING

    assert _allowed(permissions.can_see_post, world, post) == {"animator"}
    assert permissions.can_see_post(newcomer, post)
    # The topic itself stays readable to its audience.
    assert _allowed(permissions.can_read_topic, world, topic) == READERS[kind]


def test_a_council_forum_never_holds_posts_for_approval(settings):
    settings.FORUM_NEW_ACCOUNT_DAYS = 1
    settings.FORUM_APPROVE_FIRST_POSTS = 1
    council = council_create()
    topic = topic_in(council.forum, member_of(council))

    assert topic.posts.get().is_published


def test_nobody_reports_a_post_they_cannot_see(world, settings):
    settings.FORUM_NEW_ACCOUNT_DAYS = 1
    settings.FORUM_APPROVE_FIRST_POSTS = 1
    post = reply_in(world.topics["everyone"], UserFactory())
    assert post.status == Post.Status.PENDING
    registered = world.people["registered"]
    assert not permissions.can_see_post(registered, post)

    assert not permissions.can_report(registered, post)


# Deactivated accounts.


def test_a_deactivated_coordinator_reads_and_moderates_nothing():
    council = council_create()
    coordinator = coordinator_of(council)
    User.objects.filter(pk=coordinator.pk).update(is_active=False)
    coordinator = User.objects.get(pk=coordinator.pk)

    assert not permissions.can_read_forum(coordinator, council.forum)
    assert not permissions.can_post_in(coordinator, council.forum)
    assert not permissions.can_moderate(coordinator, council.forum)
    assert not permissions.moderated_forums(coordinator).exists()
    assert not permissions.forums_visible_to(coordinator).filter(council=council).exists()


def test_a_deactivated_animator_moderates_nothing():
    forum = national_forum()
    animator = UserFactory()
    animator_appoint(user=animator, system=True)
    User.objects.filter(pk=animator.pk).update(is_active=False)
    animator = User.objects.get(pk=animator.pk)
    assert not permissions.can_moderate(animator, forum)

    assert not permissions.moderated_forums(animator).exists()
