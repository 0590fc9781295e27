"""Whole public pages kept for visitors without a session
(common/page_cache.py): served again without a query, forgotten the moment
what they show changes, and never served to, or kept from, anyone else."""

from __future__ import annotations

import html

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts import services as account_services
from accounts.page_cache import PEOPLE
from common import page_cache
from forums import services
from forums.models import Forum, Post
from news import services as news_services
from tests.accounts.factories import UserFactory
from tests.councils.factories import council_create, member_of
from tests.forums.factories import national_forum, reply_in, topic_in
from tests.news.factories import animator, article_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_pace_or_approval(settings):
    settings.FORUM_NEW_ACCOUNT_DAYS = 0
    settings.FORUM_APPROVE_FIRST_POSTS = 0


def rendered(path: str, client: Client | None = None) -> bool:
    """Whether the answer to ``path`` was rendered (it ran queries) rather
    than served from the cache."""
    with CaptureQueriesContext(connection) as queries:
        (client or Client()).get(path)
    return len(queries) > 0


def visit(path: str, client: Client | None = None) -> tuple[int, str]:
    response = (client or Client()).get(path)
    return response.status_code, html.unescape(response.content.decode())


def kept(path: str, django_assert_num_queries) -> str:
    """The page, asked twice by strangers: the second answer comes from the
    cache (no query) and is the first's."""
    status, first = visit(path)
    assert status == 200
    with django_assert_num_queries(0):
        status, again = visit(path)
    assert status == 200
    assert again == first
    return again


@pytest.fixture
def public_topic():
    moderator = animator()
    author = UserFactory(display_name="Awa Diallo", publish_profile=True)
    forum = national_forum(name="Échanges de pratiques")
    topic = topic_in(forum, author, title="La fête des voisins", body="Qui apporte les tables ?")
    reply = reply_in(topic, author, body="Moi, deux tables.")
    return topic, reply, author, moderator


# Kept and served.


def test_a_public_topic_is_served_again_without_a_query(public_topic, django_assert_num_queries):
    topic, *_ = public_topic
    page = kept(topic.get_absolute_url(), django_assert_num_queries)
    assert "Moi, deux tables." in page


def test_the_kept_answer_varies_on_cookies_and_sets_none(public_topic):
    topic, *_ = public_topic
    Client().get(topic.get_absolute_url())
    response = Client().get(topic.get_absolute_url())
    assert "Cookie" in response["Vary"]
    assert not response.cookies
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize(
    "page", ["home", "forums", "forum", "news", "article", "directory", "department"]
)
def test_the_public_pages_are_kept(page, public_topic, django_assert_num_queries):
    topic, _reply, _author, moderator = public_topic
    article = article_create(author=moderator, title="Le budget participatif")
    path = {
        "home": "/",
        "forums": "/forums/",
        "forum": topic.forum.get_absolute_url(),
        "news": "/actualites/",
        "article": article.get_absolute_url(),
        "directory": "/conseils/",
        "department": f"/conseils/?department={council_create().department.pk}",
    }[page]
    kept(path, django_assert_num_queries)


def test_each_page_number_is_kept_apart(public_topic, settings, django_assert_num_queries):
    topic, _reply, author, _moderator = public_topic
    for number in range(25):
        reply_in(topic, author, body=f"Réponse numéro {number}.")
    first = kept(topic.get_absolute_url(), django_assert_num_queries)
    second = kept(f"{topic.get_absolute_url()}?page=2", django_assert_num_queries)
    assert "Réponse numéro 24." in second
    assert "Réponse numéro 24." not in first


@pytest.mark.parametrize(
    "query", ["?citer=1", "?page=2&x=1", "?page=abc", "?page=1&page=2", "?page=1234567"]
)
def test_other_query_strings_are_never_kept(query, public_topic):
    topic, *_ = public_topic
    path = topic.get_absolute_url() + query
    assert visit(path)[0] == 200
    assert rendered(path)


def test_a_filter_with_a_strange_value_is_never_kept():
    path = "/conseils/?department=" + "9" * 13
    visit(path)
    assert rendered(path)


# Never across people.


def test_a_signed_in_member_never_gets_the_visitors_page(public_topic):
    topic, _reply, author, _moderator = public_topic
    visit(topic.get_absolute_url())
    client = Client()
    client.force_login(author)
    _status, page = visit(topic.get_absolute_url(), client)
    # The reply form is the member's: the visitors' page has none.
    assert 'name="body"' in page


def test_a_members_page_is_never_kept_for_visitors(public_topic):
    topic, _reply, author, _moderator = public_topic
    client = Client()
    client.force_login(author)
    visit(topic.get_absolute_url(), client)
    _status, page = visit(topic.get_absolute_url())
    assert 'name="body"' not in page
    assert "csrfmiddlewaretoken" not in page


def test_a_visitor_with_a_message_to_read_is_answered_fresh(public_topic):
    topic, *_ = public_topic
    visit(topic.get_absolute_url())
    client = Client()
    client.cookies["messages"] = "anything"
    assert rendered(topic.get_absolute_url(), client)


def test_a_visitor_with_a_session_cookie_is_answered_fresh(public_topic, settings):
    topic, *_ = public_topic
    visit(topic.get_absolute_url())
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = "not-a-real-session"
    assert rendered(topic.get_absolute_url(), client)


def test_a_private_councils_topic_is_never_kept():
    council = council_create()
    member = member_of(council)
    topic = topic_in(council.forum, member, title="Entre nous", body="Le secret du conseil.")
    client = Client()
    client.force_login(member)
    visit(topic.get_absolute_url(), client)
    for _ in range(2):
        status, page = visit(topic.get_absolute_url())
        assert status in (302, 404)
        assert "Le secret du conseil." not in page


# Forgotten exactly when what they show changes.


def test_a_new_reply_shows_at_once(public_topic, django_assert_num_queries):
    topic, _reply, author, _moderator = public_topic
    kept(topic.get_absolute_url(), django_assert_num_queries)
    kept(topic.forum.get_absolute_url(), django_assert_num_queries)
    reply_in(topic, author, body="Et moi des chaises.")
    assert "Et moi des chaises." in visit(topic.get_absolute_url())[1]
    # The forum's list shows the new count.
    assert "3 messages" in visit(topic.forum.get_absolute_url())[1]


def test_an_edit_shows_at_once(public_topic, django_assert_num_queries):
    topic, reply, author, _moderator = public_topic
    kept(topic.get_absolute_url(), django_assert_num_queries)
    services.post_edit(editor=author, post=reply, body="Finalement trois tables.")
    page = visit(topic.get_absolute_url())[1]
    assert "Finalement trois tables." in page
    assert "Moi, deux tables." not in page


def test_hiding_a_post_shows_at_once(public_topic, django_assert_num_queries):
    topic, reply, _author, moderator = public_topic
    kept(topic.get_absolute_url(), django_assert_num_queries)
    services.post_hide(moderator=moderator, post=reply, reason="Hors sujet")
    assert "Moi, deux tables." not in visit(topic.get_absolute_url())[1]


def test_a_reaction_shows_at_once(public_topic, django_assert_num_queries):
    topic, reply, _author, moderator = public_topic
    before = kept(topic.get_absolute_url(), django_assert_num_queries)
    services.reaction_toggle(user=moderator, post=reply, kind="thanks")
    assert visit(topic.get_absolute_url())[1] != before


def test_locking_shows_at_once(public_topic, django_assert_num_queries):
    topic, _reply, _author, moderator = public_topic
    before = kept(topic.get_absolute_url(), django_assert_num_queries)
    services.topic_lock(moderator=moderator, topic=topic, locked=True, reason="Clos")
    assert visit(topic.get_absolute_url())[1] != before


def test_a_move_shows_in_both_forums_and_on_the_topic(public_topic, django_assert_num_queries):
    topic, _reply, _author, moderator = public_topic
    other = national_forum(name="Vie des quartiers")
    kept(topic.get_absolute_url(), django_assert_num_queries)
    kept(topic.forum.get_absolute_url(), django_assert_num_queries)
    kept(other.get_absolute_url(), django_assert_num_queries)
    old_forum = topic.forum
    services.topic_move(moderator=moderator, topic=topic, forum=other)
    assert "Vie des quartiers" in visit(topic.get_absolute_url())[1]
    assert "La fête des voisins" not in visit(old_forum.get_absolute_url())[1]
    assert "La fête des voisins" in visit(other.get_absolute_url())[1]


def test_a_deleted_account_shows_at_once(public_topic, django_assert_num_queries):
    topic, _reply, author, _moderator = public_topic
    assert "Awa Diallo" in kept(topic.get_absolute_url(), django_assert_num_queries)
    account_services.account_delete(user=author)
    page = visit(topic.get_absolute_url())[1]
    assert "Awa Diallo" not in page
    assert "compte supprimé" in page


def test_a_renamed_account_shows_at_once(public_topic, django_assert_num_queries):
    topic, _reply, author, _moderator = public_topic
    kept(topic.get_absolute_url(), django_assert_num_queries)
    author.display_name = "Awa D."
    author.save(update_fields=["display_name"])
    assert "Awa D." in visit(topic.get_absolute_url())[1]


def test_a_sign_in_renews_nothing(public_topic, django_assert_num_queries):
    topic, _reply, author, _moderator = public_topic
    kept(topic.get_absolute_url(), django_assert_num_queries)
    Client().force_login(author)  # writes the last login
    with django_assert_num_queries(0):
        visit(topic.get_absolute_url())


def test_a_forum_closed_to_visitors_is_never_served_again(public_topic, django_assert_num_queries):
    topic, *_ = public_topic
    kept(topic.get_absolute_url(), django_assert_num_queries)
    kept(topic.forum.get_absolute_url(), django_assert_num_queries)
    kept("/forums/", django_assert_num_queries)
    forum = Forum.objects.get(pk=topic.forum_id)
    forum.audience = Forum.Audience.REGISTERED
    forum.save()  # as the admin does
    for path in (topic.get_absolute_url(), forum.get_absolute_url()):
        status, page = visit(path)
        assert status == 302
        assert "Moi, deux tables." not in page
    assert "La fête des voisins" not in visit("/forums/")[1]


def test_an_update_of_the_rows_renews_too(public_topic, django_assert_num_queries):
    """Writes that go around the models' save (``update()``) still tell."""
    topic, reply, *_ = public_topic
    kept(topic.get_absolute_url(), django_assert_num_queries)
    Post.objects.filter(pk=reply.pk).update(body_html="<p>Réécrit en base.</p>")
    assert "Réécrit en base." in visit(topic.get_absolute_url())[1]


def test_a_new_article_shows_on_the_home_page_and_the_news(django_assert_num_queries):
    writer = animator()
    kept("/", django_assert_num_queries)
    kept("/actualites/", django_assert_num_queries)
    article_create(author=writer, title="Les conseils se réunissent")
    assert "Les conseils se réunissent" in visit("/")[1]
    assert "Les conseils se réunissent" in visit("/actualites/")[1]


def test_an_unpublished_article_is_gone_at_once(django_assert_num_queries):
    writer = animator()
    article = article_create(author=writer, title="Une annonce retirée")
    path = article.get_absolute_url()
    kept(path, django_assert_num_queries)
    news_services.article_delete(actor=writer, article=article)
    assert visit(path)[0] == 404


def test_a_new_council_shows_in_the_directory(django_assert_num_queries):
    kept("/conseils/", django_assert_num_queries)
    council_create(name="Conseil citoyen des Tilleuls")
    assert "Conseil citoyen des Tilleuls" in visit("/conseils/")[1]


# The versions.


def test_a_transaction_renews_at_once_and_again_at_its_commit(
    django_capture_on_commit_callbacks,
):
    tag = "test:tag"
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        page_cache.changed(tag, PEOPLE)
        during = page_cache.current_versions([tag])
        page_cache.changed(tag)
    after = page_cache.current_versions([tag])
    # One renewal at the commit, however many changes the transaction made.
    assert len(callbacks) == 1
    assert after != during


def test_a_scheduled_article_shows_at_its_time_on_kept_pages(
    time_machine, django_assert_num_queries
):
    """Nothing is written when a scheduled article's time comes: the pages
    that would show it are kept no later than that time."""
    from datetime import timedelta

    from django.utils import timezone

    writer = animator()
    # Sooner than the pages' own expiry: only the scheduled time can end them.
    soon = timezone.now() + timedelta(seconds=page_cache.PAGE_TIMEOUT // 2)
    article = article_create(
        author=writer, state="scheduled", published_at=soon, title="Le budget voté"
    )
    for path in ("/", "/actualites/"):
        assert "Le budget voté" not in kept(path, django_assert_num_queries)
    time_machine.move_to(article.published_at + timedelta(seconds=1))
    assert timezone.now() > article.published_at
    for path in ("/", "/actualites/"):
        assert "Le budget voté" in visit(path)[1]
