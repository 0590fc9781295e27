"""The search page: the box, the type filter, pagination, snippets, accents,
ranking, limits and its number of queries."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse

from documents import services as document_services
from search import services, text
from search.registry import all_sources
from search.views import ANONYMOUS_LIMIT_PER_MINUTE
from tests.accounts.factories import UserFactory
from tests.councils.factories import coordinator_of, council_create, member_of
from tests.events.factories import EventFactory
from tests.forums.factories import national_forum, reply_in, topic_in
from tests.news.factories import article_create

from .conftest import animator, page_text, postgresql_only, resource, search_url, upload

pytestmark = pytest.mark.django_db


def test_an_empty_query_shows_the_box_and_some_help(client):
    html = page_text(client.get(search_url("")))
    assert 'type="search"' in html and 'name="q"' in html
    assert '<label for="search-q">' in html
    assert "Les accents et les majuscules ne comptent pas." in html
    assert "search-types" not in html and "search-results" not in html


def test_the_query_stays_in_the_box_escaped(client):
    html = page_text(client.get(search_url('"><script>alert(1)</script>')))
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert "<script>alert(1)" not in html


def test_no_result_gives_advice(client):
    html = page_text(client.get(search_url("introuvablissime")))
    assert "0 résultat pour « introuvablissime »" in html.replace("\u00a0", " ")
    assert "vérifier l’orthographe" in html
    assert "essayer moins de mots" in html


def test_no_result_offers_the_pages_the_sources_name(client):
    """The councils' source offers the directory (the page itself names no
    app above its floor); a search of one type offers every type instead."""
    directory = (
        f'<li><a href="{reverse("councils:directory")}">'
        "chercher un conseil dans l’annuaire.</a></li>"
    )
    html = page_text(client.get(search_url("introuvablissime")))
    assert directory in html
    assert "chercher dans tous les types de résultats." not in html
    html = page_text(client.get(search_url("introuvablissime", type="news")))
    assert "chercher dans tous les types de résultats." in html
    assert "annuaire." not in html


def test_a_long_query_is_cut_with_a_message(client):
    query = "quartier " * 40
    response = client.get(search_url(query))
    assert response.status_code == 200
    assert response.context["query"] == " ".join(query.split())[: text.MAX_QUERY_LENGTH].rstrip()
    assert "Votre recherche était trop longue" in page_text(response)


def test_anonymous_searches_are_rate_limited(client):
    for _ in range(ANONYMOUS_LIMIT_PER_MINUTE):
        assert client.get(search_url("quartier")).status_code == 200
    response = client.get(search_url("quartier"))
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    # A signed-in person is not limited; an empty box is never counted.
    assert client.get(search_url("")).status_code == 200
    client.force_login(UserFactory())
    assert client.get(search_url("quartier")).status_code == 200


def test_the_box_include_renders_alone():
    html = render_to_string("search/_box.html", {"box_id": "header-search"})
    assert 'action="/recherche/"' in html and 'id="header-search"' in html
    assert 'for="header-search"' in html and 'method="get"' in html


def test_type_filter_counts_and_pagination(client):
    forum = national_forum()
    author = UserFactory()
    topic = topic_in(forum, author, title="Fête des voisins", body="Organisation de la kermesse")
    for number in range(24):
        reply_in(topic, author, body=f"Kermesse, idée {number}")
    council = council_create(name="Conseil citoyen de la Kermesse")
    html = page_text(client.get(search_url("kermesse")))
    assert "26 résultats pour" in html
    assert 'Conseils <span class="badge">1</span>' in html
    assert 'Discussions <span class="badge">25</span>' in html
    assert "Voir les 25 résultats dans « Discussions »" in html.replace("\u00a0", " ")
    assert council.get_absolute_url() in html

    first = client.get(search_url("kermesse", type="discussions"))
    assert len(first.context["results"].hits) == services.PER_PAGE
    assert "Page 1 sur 2" in page_text(first)
    second = client.get(search_url("kermesse", type="discussions", page=2))
    assert len(second.context["results"].hits) == 5
    assert 'name="type" value="discussions"' in page_text(second)


def test_snippets_and_titles_are_escaped_with_marks_intact(client):
    forum = national_forum()
    author = UserFactory()
    topic_in(
        forum,
        author,
        title="<script>alert('titre')</script> Tombola",
        body="Avant <script>alert('corps')</script> la tombola <b>gras</b> & fin",
    )
    html = page_text(client.get(search_url("tombola")))
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;titre&#x27;)&lt;/script&gt; <mark>Tombola</mark>" in html
    (snippet,) = re.findall(r'<p class="search-snippet">(.*?)</p>', html)
    assert "la <mark>tombola</mark>" in snippet
    assert "<" not in snippet.replace("<mark>", "").replace("</mark>", "")
    if connection.vendor != "postgresql":
        # ts_headline leaves tag-like words out of fragments; the Python snippet keeps them.
        assert snippet == (
            "Avant &lt;script&gt;alert(&#x27;corps&#x27;)&lt;/script&gt; la <mark>tombola</mark>"
            " &lt;b&gt;gras&lt;/b&gt; &amp; fin"
        )


def test_accents_do_not_matter(client):
    forum = national_forum()
    author = UserFactory()
    topic_in(forum, author, title="Compte rendu", body="Prochaine réunion mardi")
    resource(animator(), title="Préparer une Réunion publique")
    for query in ("reunion", "RÉUNION", "Réunion"):
        results = services.site_search(user=AnonymousUser(), query=query)
        assert results.total == 2, query
    html = page_text(client.get(search_url("reunion")))
    assert "<mark>réunion</mark>" in html
    assert "<mark>Réunion</mark>" in html


def test_control_characters_in_a_query_separate_its_words(client):
    """NUL or another control character between two words (a pasted query,
    a robot) once glued them into one word that matched nothing."""
    topic_in(national_forum(), UserFactory(), title="Budget participatif", body="Réunion")
    html = page_text(client.get(search_url("budget\x01participatif\x00")))
    assert 'value="budget participatif"' in html
    assert "<mark>Budget</mark> <mark>participatif</mark>" in html


@postgresql_only
def test_french_stemming_on_postgresql():
    forum = national_forum()
    topic_in(forum, UserFactory(), title="Compte rendu", body="Les réunions du quartier")
    # (The editable site pages speak of neighbourhoods too: count discussions.)
    for query in ("réunion", "quartiers"):
        found = services.site_search(user=AnonymousUser(), query=query)
        assert {source.key: n for source, n in found.counts}["discussions"] == 1, query


@postgresql_only
def test_a_title_hit_ranks_before_a_body_hit_on_postgresql():
    forum = national_forum()
    author = UserFactory()
    title_hit = topic_in(forum, author, title="Budget participatif", body="Voici le sujet")
    # Newer: on SQLite it would come first.
    body_hit = topic_in(forum, author, title="Divers", body="On reparle du budget demain")
    results = services.site_search(user=AnonymousUser(), query="budget", kind="discussions")
    assert [hit.url for hit in results.hits] == [
        title_hit.posts.get().get_absolute_url(),
        body_hit.posts.get().get_absolute_url(),
    ]
    assert results.hits[0].rank > results.hits[1].rank


def test_a_topic_title_is_one_hit_at_its_first_post():
    forum = national_forum()
    author = UserFactory()
    topic = topic_in(forum, author, title="Ludothèque du quartier", body="Ouverture")
    for _ in range(3):
        reply_in(topic, author, body="D'accord")
    results = services.site_search(user=AnonymousUser(), query="ludotheque")
    assert [hit.url for hit in results.hits] == [topic.posts.first().get_absolute_url()]


def _fill(count: int, word: str):
    """``count`` matching items in every source, some private to ``member``'s council."""
    council = council_create()
    coordinator = coordinator_of(council)
    member = member_of(council)
    forum = national_forum()
    keeper = animator()
    for number in range(count):
        council_create(name=f"Conseil {word} {number}")
        topic_in(forum, coordinator, title=f"Sujet {word} {number}", body=f"Texte {number}")
        topic_in(council.forum, coordinator, title=f"Privé {number}", body=f"Notre {word}")
        upload(council, coordinator, f"{word}-{number}.pdf")
        document_services.page_create(
            user=coordinator, council=council, title=f"Page {number}", body=f"Le {word}"
        )
        resource(keeper, title=f"Fiche {word} {number}", name=f"fiche-{number}.pdf")
        article_create(author=keeper, title=f"Article {word} {number}", tags=[])
        EventFactory(council=council, title=f"Atelier {word} {number}")
    return member


# A signed-in member's page: session (read from the database) and user (2),
# council grants (2), the forums they may read (2: for the posts and the
# topics) and the councils whose files and pages they read (2), one count per
# source, rows and snippets of each source shown (2 per source), and one more.
QUERY_BOUND = 9 + 3 * len(all_sources())


@pytest.mark.parametrize("count", [1, 30])
@pytest.mark.parametrize("kind", ["all", "discussions", "pages"])
def test_the_page_stays_under_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, count, kind
):
    member = _fill(count, "jardinage")
    client.force_login(member)
    with django_assert_max_num_queries(QUERY_BOUND):
        response = client.get(search_url("jardinage", type=kind))
    results = response.context["results"]
    # councils, 2 discussions, documents, pages, resources, news, events
    assert results.total == 8 * count
    assert len(results.hits) == min(
        results.count, services.ALL_PER_SOURCE * 7 if kind == "all" else services.PER_PAGE
    )
    with django_assert_max_num_queries(QUERY_BOUND - 2):
        page_text(client.get(search_url("jardinage", type=kind)))


@postgresql_only
def test_a_very_common_word_lists_the_most_recent_matches_ranked(client, monkeypatch):
    monkeypatch.setattr("search.backends.PostgresBackend.rank_window", 3)
    forum = national_forum()
    author = UserFactory()
    topics = [topic_in(forum, author, title=f"Sujet {n}", body="Le potager") for n in range(5)]
    response = client.get(search_url("potager", type="discussions"))
    results = response.context["results"]
    assert (results.count, results.listed, len(results.hits)) == (5, 3, 3)
    newest = {topic.posts.get().get_absolute_url() for topic in topics[2:]}
    assert {hit.url for hit in results.hits} == newest
    assert "Seuls les 3 résultats les plus récents sont affichés" in page_text(response)


def test_a_count_beyond_the_limit_says_more_than_it(client, monkeypatch):
    monkeypatch.setattr(services, "COUNT_LIMIT", 3)
    forum = national_forum()
    author = UserFactory()
    topics = [topic_in(forum, author, title=f"Sujet {n}", body="Le potager") for n in range(5)]
    response = client.get(search_url("potager"))
    results = response.context["results"]
    assert (results.total, results.more, results.beyond) == (3, True, {"discussions"})
    html = page_text(response).replace("\u00a0", " ")
    assert "Plus de 3 résultats pour « potager »" in html
    assert 'Discussions <span class="badge">plus de 3</span>' in html
    assert "Voir plus de 3 résultats dans « Discussions »" in html

    response = client.get(search_url("potager", type="discussions"))
    results = response.context["results"]
    assert (results.count, results.more, results.listed) == (3, True, 3)
    # The most recent matches, ranked (all equal here: newest first).
    newest = [topic.posts.get().get_absolute_url() for topic in reversed(topics[2:])]
    assert [hit.url for hit in results.hits] == newest
    html = page_text(response).replace("\u00a0", " ")
    assert "Plus de 3 résultats pour « potager »" in html
    assert "Seuls les 3 résultats les plus récents sont affichés" in html


def test_under_the_limit_the_count_is_exact_and_says_so(client, monkeypatch):
    monkeypatch.setattr(services, "COUNT_LIMIT", 3)
    forum = national_forum()
    author = UserFactory()
    for n in range(3):
        topic_in(forum, author, title=f"Sujet {n}", body="Le potager")
    html = page_text(client.get(search_url("potager"))).replace("\u00a0", " ")
    assert "3 résultats pour « potager »" in html and "Plus de" not in html
    assert 'Discussions <span class="badge">3</span>' in html


@pytest.mark.parametrize("where", ["body", "title"])
def test_private_matches_never_take_a_place_under_the_limit(monkeypatch, where):
    """The limit applies after what the user may read: newer private posts
    (or private topics' titles) do not push public ones out, nor turn an
    outsider's count into "more than"."""
    monkeypatch.setattr(services, "COUNT_LIMIT", 3)
    author = UserFactory()
    for n in range(2):
        topic_in(national_forum(), author, title=f"Public {n}", body="Le potager")
    council = council_create()
    coordinator = coordinator_of(council)
    for n in range(6):
        if where == "body":
            topic_in(council.forum, coordinator, title=f"Privé {n}", body="Notre potager")
        else:
            topic_in(council.forum, coordinator, title=f"Potager {n}", body="Notre jardin")
    for user in (AnonymousUser(), UserFactory(), member_of(council_create())):
        results = services.site_search(user=user, query="potager", kind="discussions")
        assert (results.count, results.more, len(results.hits)) == (2, False, 2)
        assert all("Public" in hit.title for hit in results.hits)
    results = services.site_search(user=member_of(council), query="potager", kind="discussions")
    assert (results.count, results.more) == (3, True)
