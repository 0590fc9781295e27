"""A private item never appears in another person's results: no hit, no
snippet, no count. Every role that is not a member of the council is tried."""

from __future__ import annotations

import pytest

from accounts.models import User
from councils import permissions as council_permissions
from documents import permissions as document_permissions
from documents import services as document_services
from documents.models import Document, Page
from events import permissions as event_permissions
from forums import permissions as forum_permissions
from forums import services as forum_services
from forums.models import Forum, Post
from news import permissions as news_permissions
from search import services
from search.registry import all_sources
from tests.accounts.factories import UserFactory
from tests.councils.factories import (
    coordinator_of,
    council_create,
    member_of,
    referent_of,
)
from tests.events.factories import EventFactory
from tests.forums.factories import national_forum, reply_in, topic_in
from tests.news.factories import article_create

from .conftest import animator, page_text, search_url, upload

pytestmark = pytest.mark.django_db

MARKER = "zebulonnade"
# Same length, found nowhere: the page every outsider must see.
CONTROL = "xqwvtrplkmo"


@pytest.fixture
def private_world():
    """The marker only in council A's private space: a forum post, a page,
    a document's file name (each under another spelling)."""
    council_a, council_b = council_create(), council_create()
    coordinator = coordinator_of(council_a)
    topic = topic_in(council_a.forum, coordinator, title="Ordre du jour", body="Bonjour à tous")
    reply_in(topic, coordinator, body="La ZÉBULONNADE aura lieu samedi.")
    document_services.page_create(
        user=coordinator, council=council_a, title="Notes", body="Préparer la Zébulonnade."
    )
    upload(council_a, coordinator, "budget-zebulonnade.pdf")
    EventFactory(council=council_a, title="Répétition de la zébulonnade", place="Salle B")
    # Unpublished articles are nobody's result, their editors' included.
    article_create(author=coordinator, council=council_a, state="draft", title="Zébulonnade")
    article_create(author=coordinator, council=council_a, state="scheduled", body="zebulonnade")
    # Published content of A stays findable by all, under another word.
    published = document_services.page_create(
        user=coordinator, council=council_a, title="Bilan public", body="Vitrine"
    )
    document_services.item_publish(user=coordinator, item=published, public=True)
    return {"a": council_a, "b": council_b, "coordinator": coordinator}


def _outsiders(world) -> dict[str, User | None]:
    superuser = UserFactory(is_superuser=True, is_staff=True)
    return {
        "member of B": member_of(world["b"]),
        "referent of A's department": referent_of(world["a"].department),
        "animator": animator(),
        "registered non-member": UserFactory(),
        "superuser": superuser,
        "anonymous": None,
    }


def _get(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return page_text(response)


@pytest.mark.parametrize("kind", ["all", "discussions", "documents", "pages", "events", "news"])
def test_outsiders_see_no_hit_no_snippet_no_count(client, private_world, kind):
    for role, user in _outsiders(private_world).items():
        found = _get(client, user, search_url(MARKER, type=kind))
        nothing = _get(client, user, search_url(CONTROL, type=kind))
        assert found.replace(MARKER, CONTROL) == nothing, role
        assert "bulonnade" not in found.replace(MARKER, "").lower(), role
        results = services.site_search(user=user or _anonymous(), query=MARKER, kind=kind)
        assert results.total == 0 and results.hits == [], role


def test_a_member_finds_each_private_item(client, private_world):
    member = member_of(private_world["a"])
    results = services.site_search(user=member, query=MARKER)
    counts = {source.key: count for source, count in results.counts}
    assert counts == {
        "councils": 0,
        "news": 0,
        "discussions": 1,
        "events": 1,
        "documents": 1,
        "pages": 1,
        "resources": 0,
        "site_pages": 0,
    }
    assert {hit.private_council for hit in results.hits} == {private_world["a"]}

    html = _get(client, member, search_url(MARKER))
    assert "<mark>ZÉBULONNADE</mark>" in html
    assert "<mark>Zébulonnade</mark>" in html
    assert "budget-<mark>zebulonnade</mark>.pdf" in html
    assert "Privé · Conseil citoyen" in html


def test_the_published_page_of_a_council_is_found_by_anyone(client, private_world):
    for user in [*_outsiders(private_world).values(), member_of(private_world["a"])]:
        html = _get(client, user, search_url("vitrine"))
        assert "Bilan public" in html
        assert "Privé" not in html


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def test_hidden_and_pending_posts_are_not_found(client):
    moderator = animator()
    forum = national_forum()
    author = UserFactory()
    topic = topic_in(forum, author, title="Sujet", body="Premier message")
    hidden = reply_in(topic, author, body="Un message caché quetzalcoatl")
    forum_services.post_hide(moderator=moderator, post=hidden, reason="Hors sujet")
    waiting = reply_in(topic, author, body="En attente quetzalcoatl")
    # The approval queue, as _needs_approval leaves a new author's post.
    Post.objects.filter(pk=waiting.pk).update(status=Post.Status.PENDING)
    for user in (None, author, moderator):
        found = _get(client, user, search_url("quetzalcoatl"))
        assert found.replace("quetzalcoatl", "xxxxxxxxxxxx") == _get(
            client, user, search_url("xxxxxxxxxxxx")
        )
        assert services.site_search(user=user or _anonymous(), query="quetzalcoatl").total == 0


@pytest.mark.parametrize(
    ("audience", "readers", "outsiders"),
    [
        (Forum.Audience.EVERYONE, {"anonymous", "registered", "member"}, set()),
        (Forum.Audience.REGISTERED, {"registered", "member"}, {"anonymous"}),
        (Forum.Audience.COUNCIL_MEMBERS, {"member", "animator"}, {"anonymous", "registered"}),
    ],
)
def test_national_forums_are_searched_by_their_audience(audience, readers, outsiders):
    forum = national_forum(audience)
    author = animator()
    topic_in(forum, author, title="Jardins partagés", body="Parlons du compostage collectif.")
    users = {
        "anonymous": _anonymous(),
        "registered": UserFactory(),
        "member": member_of(council_create()),
        "animator": animator(),
    }
    for name in readers:
        assert services.site_search(user=users[name], query="compostage").total == 1, name
    for name in outsiders:
        assert services.site_search(user=users[name], query="compostage").total == 0, name


def test_trashed_documents_and_pages_are_not_found():
    council = council_create()
    coordinator = coordinator_of(council)
    document = upload(council, coordinator, "inventaire-xylophone.pdf")
    document_services.item_publish(user=coordinator, item=document, public=True)
    folder = document_services.folder_create(
        user=coordinator, council=council, parent=None, name="Archives"
    )
    upload(council, coordinator, "xylophone-2.pdf", folder=folder)
    assert services.site_search(user=coordinator, query="xylophone").total == 2
    document_services.item_trash(user=coordinator, item=document)
    document_services.item_trash(user=coordinator, item=folder)
    for user in (coordinator, _anonymous()):
        assert services.site_search(user=user, query="xylophone").total == 0


def test_published_documents_are_found_by_anyone(client):
    council = council_create()
    coordinator = coordinator_of(council)
    document = upload(council, coordinator, "rapport-harmonica.pdf")
    assert services.site_search(user=_anonymous(), query="harmonica").total == 0
    document_services.item_publish(user=coordinator, item=document, public=True)
    results = services.site_search(user=_anonymous(), query="harmonica")
    assert [hit.url for hit in results.hits] == [f"/publications/fichiers/{document.pk}/"]
    assert results.hits[0].private_council is None
    assert client.get(results.hits[0].url).status_code == 200


def test_an_archived_council_s_publications_leave_the_public_results():
    from councils.models import Council

    council = council_create()
    coordinator = coordinator_of(council)
    document = upload(council, coordinator, "rapport-harmonica.pdf")
    document_services.item_publish(user=coordinator, item=document, public=True)
    Council.objects.filter(pk=council.pk).update(status=Council.Status.ARCHIVED)
    assert services.site_search(user=_anonymous(), query="harmonica").total == 0
    # Its members still read their (archived) space.
    assert services.site_search(user=coordinator, query="harmonica").total == 1


def test_every_hit_passes_the_apps_own_predicates(private_world):
    """The sources' querysets agree with the object predicates of each app."""
    predicates = {
        "councils": lambda user, council: council.is_active,
        "discussions": forum_permissions.can_see_post,
        "documents": lambda user, item: (
            document_permissions.is_public(item)
            or council_permissions.can_view_space(user, item.council)
        ),
        "pages": lambda user, item: (
            document_permissions.is_public(item)
            or council_permissions.can_view_space(user, item.council)
        ),
        "resources": lambda user, item: True,
        "news": news_permissions.can_read,
        "events": event_permissions.can_read_event,
        "site_pages": lambda user, item: True,
    }
    users = [*_outsiders(private_world).values(), member_of(private_world["a"])]
    for user in users:
        user = user or _anonymous()
        for source in all_sources():
            for item in source.queryset(user):
                assert predicates[source.key](user, item), (source.key, item)
    assert Document.objects.count() and Page.objects.count()


def test_public_news_events_and_site_pages_are_found_by_anyone(client):
    council = council_create()
    coordinator = coordinator_of(council)
    article_create(author=animator(), title="Le festival des quartiers", tags=[])
    EventFactory(council=council, public=True, title="Pique-nique du festival")
    for user in (None, UserFactory(), member_of(council_create()), coordinator):
        html = _get(client, user, search_url("festival"))
        text = html.replace("<mark>", "").replace("</mark>", "")
        assert "Le festival des quartiers" in text
        assert "Pique-nique du festival" in text
        assert "Privé" not in html
    # The editable pages of the showcase (loaded by their migration).
    assert services.site_search(user=_anonymous(), query="accessibilité", kind="site_pages").total
