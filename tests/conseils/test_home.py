"""The home page: a citizen's first look. Public content only, whoever looks."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forums.models import Forum
from tests.accounts.factories import UserFactory
from tests.councils.factories import coordinator_of, council_create, member_of
from tests.events.factories import EventFactory
from tests.forums.factories import national_forum, topic_in
from tests.news.factories import animator, article_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_forum_pace(settings):
    settings.FORUM_NEW_ACCOUNT_DAYS = 0
    settings.FORUM_APPROVE_FIRST_POSTS = 0


def test_an_empty_site_says_so(client):
    page = client.get(reverse("home")).content.decode()
    assert "Trouver le conseil près de chez vous" in page
    assert "Aucun article publié pour l’instant." in page
    assert "Aucune discussion publique pour l’instant." in page
    assert "Aucune réunion publique prévue." in page
    assert reverse("support:help") in page


def test_the_home_page_shows_public_things_only(client):
    council = council_create()
    member = member_of(council)
    coordinator_of(council)
    public_forum = national_forum()
    members_forum = national_forum(audience=Forum.Audience.COUNCIL_MEMBERS)
    topic_in(public_forum, member, title="Sujet public des jardins")
    topic_in(members_forum, member, title="Sujet entre membres zqm")
    topic_in(council.forum, member, title="Sujet privé du conseil zqp")
    writer = animator()
    article_create(author=writer, title="Article national visible")
    article_create(author=writer, state="draft", title="Brouillon zqd")
    EventFactory(council=council, public=True, title="Réunion publique du quartier")
    EventFactory(council=council, title="Réunion privée zqe")

    for user in (None, member, writer):
        client.logout()
        if user:
            client.force_login(user)
        page = client.get(reverse("home")).content.decode()
        assert "Sujet public des jardins" in page
        assert "Article national visible" in page
        assert "Réunion publique du quartier" in page
        for secret in ("zqm", "zqp", "zqd", "zqe"):
            assert secret not in page


def test_the_numbers(client):
    council, other = council_create(), council_create()
    person = UserFactory()
    member_of(council, person)
    member_of(other, person)  # counted once
    member_of(council)
    response = client.get(reverse("home"))
    assert response.context["numbers"] == {"councils": 2, "members": 2, "discussions": 0}


def test_the_finder_leads_to_the_directory(client):
    page = client.get(reverse("home")).content.decode()
    assert f'action="{reverse("councils:directory")}"' in page
    assert 'name="town"' in page and 'name="department"' in page


@pytest.mark.parametrize("count", [1, 20])
def test_the_home_page_has_a_fixed_query_count(client, django_assert_max_num_queries, count):
    writer = animator()
    forum = national_forum()
    for _number in range(count):
        council = council_create()
        article_create(author=writer)
        article_create(author=coordinator_of(council), council=council)
        topic_in(forum, member_of(council))
        EventFactory(council=council, public=True)
    with django_assert_max_num_queries(12):
        client.get(reverse("home"))


def test_the_home_page_leads_to_the_publications_of_the_councils(client):
    page = client.get(reverse("home")).content.decode()
    assert '<h2 id="home-publications-title">Publications des conseils</h2>' in page
    link = f'<a href="{reverse("documents:publications")}">Toutes les publications des conseils</a>'
    assert link in page


def test_the_numbers_and_lively_topics_are_counted_once_until_something_changes(
    client, django_assert_max_num_queries
):
    """Kept for signed-in people too, and counted again at once when a
    member joins or a discussion moves."""
    council = council_create()
    member_of(council)
    author = UserFactory()
    forum = national_forum()
    topic_in(forum, author, title="Premier sujet")
    client.force_login(UserFactory())  # past the visitors' page cache
    assert client.get(reverse("home")).context["numbers"]["members"] == 1
    with CaptureQueriesContext(connection) as again:
        client.get(reverse("home"))
    assert not any("councils_membership" in query["sql"] for query in again)
    assert not any('"forums_topic"' in query["sql"] for query in again)
    member_of(council)
    topic_in(forum, author, title="Nouveau sujet")
    page = client.get(reverse("home"))
    assert page.context["numbers"]["members"] == 2
    assert "Nouveau sujet" in page.content.decode()
