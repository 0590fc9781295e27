"""What a French search finds, the same on both databases: PostgreSQL's
French configuration, SQLite's FTS5 over Snowball stems. Plurals and
accents do not matter, private and removed posts are never found, and the
resource library and the directory find as the site search does."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from councils import selectors as council_selectors
from documents import services as document_services
from forums import services as forum_services
from search import services
from tests.accounts.factories import UserFactory
from tests.councils.factories import coordinator_of, council_create, member_of
from tests.forums.factories import national_forum, reply_in, topic_in

from .conftest import animator, page_text, resource, search_url, sqlite_only

pytestmark = pytest.mark.django_db


def _discussions(query: str, user=None) -> int:
    found = services.site_search(user=user or AnonymousUser(), query=query)
    return {source.key: count for source, count in found.counts}["discussions"]


@pytest.mark.parametrize(
    ("body", "query"),
    [
        ("Le jardin du quartier", "jardins"),
        ("Les jardins du quartier", "jardin"),
        ("Un potager à partage", "partagés"),
        ("Les potagers partagés", "partage"),
        ("Un lieu à partager", "partagés"),
        ("La rénovation de la place", "renovation"),
        ("La renovation de la place", "Rénovation"),
        ("La prochaine reunion", "Réunion"),
        ("Les réunions du mardi", "REUNION"),
        ("L'œuvre collective", "oeuvre"),
    ],
)
def test_plurals_forms_and_accents_do_not_matter(body, query):
    topic_in(national_forum(), UserFactory(), title="Nouvelles", body=body)
    assert _discussions(query) == 1


@sqlite_only
@pytest.mark.parametrize(
    ("body", "query"),
    [("Les parcelles partagées", "partage"), ("La cuisine partagée", "partagee")],
)
def test_accented_feminine_forms_on_sqlite(body, query):
    """SQLite indexes the stem of a word and of its spelling without accents;
    PostgreSQL removes accents first ("partagées" → "partage", not "partag")."""
    topic_in(national_forum(), UserFactory(), title="Nouvelles", body=body)
    assert _discussions(query) == 1


@sqlite_only
def test_the_last_word_is_also_the_beginning_of_a_word_on_sqlite():
    topic_in(national_forum(), UserFactory(), title="Nouvelles", body="Le jardinage du quartier")
    assert _discussions("quartier jard") == 1
    assert _discussions("jard quartier") == 0
    # A whole word is no beginning: "jardins" does not find "jardinage".
    assert _discussions("jardins") == 0


def test_a_word_alone_does_not_find_another_word():
    topic_in(national_forum(), UserFactory(), title="Nouvelles", body="Le jardin du quartier")
    assert _discussions("jardinier") == 0
    assert _discussions("jardin vélo") == 0


def test_the_snippet_marks_every_form_of_the_word(client):
    topic_in(
        national_forum(),
        UserFactory(),
        title="Les jardins partagés",
        body="Un jardin, des jardins : la rénovation du jardin partagé.",
    )
    html = page_text(client.get(search_url("jardin partage")))
    assert "<mark>jardins</mark> <mark>partagés</mark>" in html
    (snippet,) = re.findall(r'<p class="search-snippet">(.*?)</p>', html)
    assert snippet.count("<mark>jardin") == 3
    assert "<mark>partagé</mark>" in snippet


def test_a_private_post_is_never_found_by_an_outsider(client):
    council = council_create()
    reply_in(
        topic_in(council.forum, coordinator_of(council), title="Ordre du jour", body="Bonjour"),
        coordinator_of(council),
        body="Les jardins partagés de la Zorglubière",
    )
    outsiders = [member_of(council_create()), UserFactory(), animator(), None]
    for user in outsiders:
        for query in ("jardin", "partage", "jardins partagés"):
            assert _discussions(query, user) == 0
            client.logout()
            if user is not None:
                client.force_login(user)
            html = page_text(client.get(search_url(query))).lower()
            assert "zorglub" not in html
            html = page_text(client.get(search_url(query, type="discussions")))
            assert "<mark>" not in html and "0 résultat" in html.replace("\u00a0", " ")
    assert _discussions("jardins", member_of(council)) == 1


def test_a_hidden_edited_or_deleted_post_is_no_longer_found():
    forum = national_forum()
    author = UserFactory()
    topic = topic_in(forum, author, title="Nouvelles", body="Bonjour")
    hidden = reply_in(topic, author, body="Le jardin d'en face")
    edited = reply_in(topic, author, body="La rénovation du gymnase")
    deleted = reply_in(topic, author, body="La fête des voisins")
    assert (_discussions("jardins"), _discussions("renovation"), _discussions("fêtes")) == (1, 1, 1)

    forum_services.post_hide(moderator=animator(), post=hidden, reason="Hors sujet")
    forum_services.post_edit(editor=author, post=edited, body="Le ravalement du gymnase")
    forum_services.post_delete(user=author, post=deleted)

    assert (_discussions("jardins"), _discussions("renovation"), _discussions("fêtes")) == (0, 0, 0)
    assert _discussions("ravalement") == 1


def test_a_page_is_found_by_its_current_text_only():
    council = council_create()
    coordinator = coordinator_of(council)
    page = document_services.page_create(
        user=coordinator, council=council, title="Notes", body="Les jardins ouvriers"
    )
    member = member_of(council)
    counts = {s.key: n for s, n in services.site_search(user=member, query="jardin").counts}
    assert counts["pages"] == 1
    document_services.page_save(
        user=coordinator, page=page, body="Le gymnase", based_on=page.current.number
    )
    for query, expected in (("jardin", 0), ("gymnases", 1)):
        found = services.site_search(user=member, query=query).counts
        assert {s.key: n for s, n in found}["pages"] == expected, query


def test_the_resource_library_finds_as_the_site_search(client):
    keeper = animator()
    resource(keeper, title="Guide de la rénovation urbaine", description="Les quartiers")
    resource(keeper, title="Fiche jardins", description="Des potagers partagés")
    listing = reverse("documents:resources")
    for query, title in [
        ("renovation", "Guide de la rénovation urbaine"),
        ("quartier", "Guide de la rénovation urbaine"),
        ("jardin partage", "Fiche jardins"),
    ]:
        html = client.get(listing, {"q": query}).content.decode()
        assert title in html, query
        assert len(re.findall(r"(Guide de la rénovation urbaine|Fiche jardins)", html)) == 1
    assert "Fiche jardins" not in client.get(listing, {"q": "vélo"}).content.decode()


@pytest.mark.parametrize(
    "query", ["st denis", "St-Denis", "saint denis", "Saint-Denis", "SAINT DENIS", "denis"]
)
def test_the_directory_finds_saint_denis_however_written(query):
    council_create(name="Conseil citoyen Franc-Moisin", town="Saint-Denis")
    council_create(name="Conseil citoyen du Centre", town="Saint-Étienne")
    found = council_selectors.directory(council_selectors.DirectoryFilters(query=query))
    assert [council.town for council in found] == ["Saint-Denis"]


def test_the_directory_ignores_accents_and_presentations():
    council_create(name="Conseil citoyen du Centre", town="Saint-Étienne")
    council_create(
        name="Conseil citoyen Nord", town="Lille", presentation="Jumelé avec Saint-Étienne"
    )
    for query in ("saint etienne", "ste etienne", "Saint-Étienne", "etienne"):
        found = council_selectors.directory(council_selectors.DirectoryFilters(query=query))
        assert [council.town for council in found] == ["Saint-Étienne"], query


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"jardin"', 1),
        ("jardin*", 1),
        ("(jardin)", 1),
        ("jardin:", 1),
        ("^jardin", 1),
        ("{jardin}", 1),
        ("NEAR(jardin vélo)", 0),
        ('"', 0),
        ("*", 0),
        ("{}: ^", 0),
    ],
)
def test_a_query_is_words_never_syntax(query, expected):
    topic_in(national_forum(), UserFactory(), title="Nouvelles", body="Le jardin")
    assert _discussions(query) == expected
