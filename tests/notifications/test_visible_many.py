"""The batch form of each kind's ``visible`` (what the daily digest asks for a
chunk of people at once) answers exactly what the per-person form answers,
for every kind, on a mix of people and objects: a member, a coordinator, a
member of another council, someone who left, a member of an archived
council, a deactivated account, someone without any right, the national
animation; public, private, hidden, waiting, trashed and missing targets.
And the digest's number of queries does not grow with the number of people."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import animator_appoint
from councils import services as council_services
from documents.models import Document, Page
from forums.models import Forum, Post
from news.models import Article
from notifications import registry, services
from notifications.models import Notification
from support.models import HelpRequest
from tests.accounts.factories import UserFactory
from tests.councils.factories import coordinator_of, council_create, member_of, referent_of
from tests.forums.factories import national_forum, reply_in, topic_in

from . import kinds

pytestmark = pytest.mark.django_db

# The kinds whose batch form is a real batch query (the digest's daily load).
BATCHED = {
    "forums.mention",
    "forums.reply",
    "forums.new_topic",
    "forums.moderation",
    "documents.new_file",
    "documents.new_page",
    "news.article",
    "support.answer",
}
MISSING = 10**9


@pytest.fixture(autouse=True)
def _forum_rules(settings):
    settings.FORUM_NEW_ACCOUNT_DAYS = 0
    settings.FORUM_APPROVE_FIRST_POSTS = 0


def _posts_in(forum, author) -> list[int]:
    """A published, a hidden and a waiting post, and the topic's first."""
    topic = topic_in(forum, author)
    published, hidden, waiting = (reply_in(topic, author) for _ in range(3))
    Post.objects.filter(pk=hidden.pk).update(is_hidden=True)
    Post.objects.filter(pk=waiting.pk).update(status=Post.Status.PENDING)
    first = topic.posts.order_by("pk").first()
    return [first.pk, published.pk, hidden.pk, waiting.pk]


def _files_in(council, author) -> tuple[list[int], list[int]]:
    now = timezone.now()
    files = [
        Document.objects.create(council=council, name="ouvert.pdf", created_by=author),
        Document.objects.create(
            council=council, name="public.pdf", created_by=author, published_at=now
        ),
        Document.objects.create(
            council=council, name="corbeille.pdf", created_by=author, deleted_at=now
        ),
    ]
    pages = [
        Page.objects.create(council=council, title="Page", created_by=author),
        Page.objects.create(council=council, title="Publique", created_by=author, published_at=now),
        Page.objects.create(council=council, title="Effacée", created_by=author, deleted_at=now),
    ]
    return [f.pk for f in files], [p.pk for p in pages]


@pytest.fixture
def world():
    """People and objects of every sort; returns (people, ids by kind)."""
    council, other, archived = council_create(), council_create(), council_create()
    people = {
        "member": member_of(council),
        "coordinator": coordinator_of(council),
        "elsewhere": member_of(other),
        "left": member_of(council),
        "archived member": member_of(archived),
        "archived coordinator": coordinator_of(archived),
        "deactivated": member_of(council, UserFactory()),
        "nobody": UserFactory(),
        "animator": UserFactory(),
        "coordinator elsewhere": coordinator_of(other),
    }
    coordinator_of(council, people["archived coordinator"])  # and of a live one
    animator_appoint(user=people["animator"], system=True)
    council_services.membership_leave(user=people["left"], council=council)
    people["deactivated"].is_active = False
    people["deactivated"].save(update_fields=["is_active"])

    posts, topics = [], []
    forums = [Forum.objects.get(council=c) for c in (council, other, archived)] + [
        national_forum(audience)
        for audience in (
            Forum.Audience.EVERYONE,
            Forum.Audience.REGISTERED,
            Forum.Audience.COUNCIL_MEMBERS,
        )
    ]
    authors = {
        council.pk: people["coordinator"],
        other.pk: people["elsewhere"],
        archived.pk: people["archived member"],
    }
    for forum in forums:
        author = authors.get(forum.council_id, people["member"])
        new = _posts_in(forum, author)
        posts += new
        topics.append(Post.objects.get(pk=new[1]).topic_id)
    files, pages = [], []
    for place in (council, other, archived):
        new_files, new_pages = _files_in(place, authors[place.pk])
        files += new_files
        pages += new_pages
    council_services.council_archive(actor=referent_of(), council=archived)

    now = timezone.now()
    articles = [
        Article.objects.create(title="National", summary="s", body="b", published_at=now).pk,
        Article.objects.create(title="Brouillon", summary="s", body="b").pk,
        Article.objects.create(
            title="Plus tard", summary="s", body="b", published_at=now + timedelta(days=1)
        ).pk,
        Article.objects.create(title="Local", summary="s", body="b", council=council).pk,
        Article.objects.create(
            title="Local publié", summary="s", body="b", council=council, published_at=now
        ).pk,
        Article.objects.create(
            title="Archivé", summary="s", body="b", council=archived, published_at=now
        ).pk,
    ]
    requests = [
        HelpRequest.objects.create(subject="Aide", requester=people["member"]).pk,
        HelpRequest.objects.create(subject="Aide", requester=people["deactivated"]).pk,
        HelpRequest.objects.create(subject="Aide", email="x@exemple.test").pk,
    ]
    ids = {
        "forums.mention": posts,
        "forums.reply": posts,
        "forums.new_topic": posts,
        "forums.moderation": topics,
        "documents.new_file": files,
        "documents.new_page": pages,
        "news.article": articles,
        "support.answer": requests,
    }
    return people, {key: [*values, MISSING] for key, values in ids.items()}


def _fresh(people: dict) -> list:
    """The accounts as the digest loads them: nothing remembered on them."""
    from accounts.models import User

    return list(User.objects.filter(pk__in=[p.pk for p in people.values()]).order_by("pk"))


def test_the_hot_kinds_have_a_batch_form():
    for key in BATCHED:
        assert registry.kind(key).visible_many is not None, key


def test_each_batch_form_agrees_with_the_per_person_form(world):
    """All ids for everyone, then random subsets: each person asks about
    other ids, and the batch never mixes them up. (One world for all the
    kinds: it takes a few seconds to build.)"""
    people, ids = world
    rng = random.Random(20)
    for key in sorted(BATCHED):
        found = registry.kind(key)
        users = _fresh(people)
        everything = {user.pk: set(ids[key]) for user in users}
        batch = found.visible_to_each(users, everything)
        assert batch == {user.pk: set(found.visible(user, ids[key])) for user in _fresh(people)}, (
            key
        )
        # The rules are exercised: someone sees something, nobody sees all.
        assert any(batch.values()), key
        assert all(seen != set(ids[key]) for seen in batch.values()), key
        for _round in range(3):
            users = _fresh(people)
            wanted = {
                user.pk: set(rng.sample(ids[key], rng.randint(0, len(ids[key])))) for user in users
            }
            per_person = {
                user.pk: set(found.visible(user, wanted[user.pk])) for user in _fresh(people)
            }
            assert found.visible_to_each(users, wanted) == per_person, key


def test_what_the_permissions_keep_from_each_person(world):
    """The expected answers, spelled out for the forums and files."""
    people, ids = world
    users = {user.pk: user for user in _fresh(people)}
    posts = registry.kind("forums.reply").visible_to_each(
        users.values(), {pk: set(ids["forums.reply"]) for pk in users}
    )
    files = registry.kind("documents.new_file").visible_to_each(
        users.values(), {pk: set(ids["documents.new_file"]) for pk in users}
    )
    member, coordinator = people["member"].pk, people["coordinator"].pk
    first_council_posts = set(ids["forums.reply"][:4])
    hidden, waiting = ids["forums.reply"][2], ids["forums.reply"][3]
    assert hidden not in posts[member] and waiting not in posts[member]
    assert {hidden, waiting} <= posts[coordinator]  # moderates their council's forum
    assert not posts[people["left"].pk] & first_council_posts
    assert not posts[people["elsewhere"].pk] & first_council_posts
    assert posts[people["deactivated"].pk] == set()
    assert files[people["deactivated"].pk] == set()
    assert not files[people["left"].pk]
    assert not files[people["animator"].pk] and not files[people["nobody"].pk]
    # The archived council's space stays readable, its forum no longer moderated.
    archived_posts = set(ids["forums.reply"][8:12])
    assert archived_posts & posts[people["archived coordinator"].pk] == set(
        ids["forums.reply"][8:10]
    )


def test_a_kind_without_batch_form_is_asked_once_per_person():
    one, two = UserFactory(), UserFactory()
    kinds.readers[7] = {one.pk}
    try:
        found = registry.kind(kinds.SAMPLE_DIGEST.key)
        assert found.visible_many is None
        assert found.visible_to_each([one, two], {one.pk: {7, 8}, two.pk: {7}}) == {
            one.pk: {7},
            two.pk: set(),
        }
    finally:
        kinds.readers.clear()


def test_a_batch_form_never_answers_more_than_was_asked():
    user = UserFactory()
    greedy = registry.Kind(
        key="tests.greedy",
        label="Trop généreux",
        default=registry.DIGEST,
        visible=lambda user, ids: set(ids),
        visible_many=lambda users, wanted: {u.pk: {1, 2, 3} for u in users},
    )
    assert greedy.visible_to_each([user], {user.pk: {2}}) == {user.pk: {2}}


# The digest's number of queries.


def _digest_for(count: int, council, forum_topic, document) -> None:
    for _ in range(count):
        reader = member_of(council)
        for kind, target in (
            ("documents.new_file", document.pk),
            ("forums.reply", forum_topic),
            ("forums.new_topic", forum_topic),
        ):
            Notification.objects.create(
                recipient=reader,
                kind=kind,
                target_id=target,
                title="Nouveau",
                url="/",
                delivery=Notification.Delivery.DIGEST,
            )


def _queries_of_digest(count: int, council, post, document, mailoutbox, on_commit) -> list:
    _digest_for(count, council, post, document)
    before = len(mailoutbox)
    with on_commit(execute=True), CaptureQueriesContext(connection) as queries:
        assert services.send_digests() == count
    assert len(mailoutbox) - before == count
    # Each e-mail is written to the outbox in the digest's transaction: one
    # row per e-mail, which is the sending itself. The rest is per chunk.
    return [q["sql"] for q in queries if "outbox_" not in q["sql"]]


def test_the_digest_queries_do_not_grow_with_the_number_of_people(
    mailoutbox, django_capture_on_commit_callbacks
):
    council = council_create()
    author = coordinator_of(council)
    post = topic_in(Forum.objects.get(council=council), author).posts.first().pk
    document = Document.objects.create(council=council, name="compte-rendu.pdf", created_by=author)
    on_commit = django_capture_on_commit_callbacks
    few = _queries_of_digest(2, council, post, document, mailoutbox, on_commit)
    many = _queries_of_digest(12, council, post, document, mailoutbox, on_commit)
    assert len(many) == len(few), many
    # The recipients; the chunk's lock, claim and update (and its savepoint
    # here, inside the test's transaction); 2 for the files and 3 for each
    # forums kind.
    assert len(many) <= 14, many


def test_the_digest_is_sent_in_chunks_each_one_transaction(
    monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "DIGEST_CHUNK", 2)
    council = council_create()
    author = coordinator_of(council)
    document = Document.objects.create(council=council, name="a.pdf", created_by=author)
    post = topic_in(Forum.objects.get(council=council), author).posts.first().pk
    _digest_for(5, council, post, document)
    gone = Notification.objects.order_by("recipient_id").last().recipient
    council_services.membership_leave(user=gone, council=council)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_digests() == 4
    assert len(mailoutbox) == 4
    assert not Notification.objects.filter(delivered_at__isnull=True).exists()
    assert gone.email not in {message.to[0] for message in mailoutbox}
    assert services.send_digests() == 0
