"""The forum pages as people use them, and their query counts."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from forums.models import Post, Topic
from tests.accounts.factories import XSS, UserFactory
from tests.councils.factories import council_create, member_of
from tests.forums.factories import national_forum, reply_in, topic_in

pytestmark = pytest.mark.django_db


def _key(page: str) -> str:
    return re.search(r'name="submission_key" value="([^"]+)"', page).group(1)


def test_a_member_replies_and_a_double_submit_makes_one_post(client):
    council = council_create()
    member = member_of(council)
    topic = topic_in(council.forum, member_of(council))
    client.force_login(member)
    page = client.get(topic.get_absolute_url()).content.decode()
    data = {"body": "Je serai là jeudi.", "submission_key": _key(page)}
    first = client.post(reverse("forums:reply", args=[topic.pk]), data)
    second = client.post(reverse("forums:reply", args=[topic.pk]), data)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert Post.objects.filter(topic=topic, body="Je serai là jeudi.").count() == 1


def test_a_refused_reply_keeps_the_text(client):
    topic = topic_in(national_forum(), UserFactory())
    client.force_login(UserFactory())
    response = client.post(
        reverse("forums:reply", args=[topic.pk]), {"body": "x" * 20_001, "submission_key": "k"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "x" * 100 in page
    assert topic.posts.count() == 1
    # The field's error list shows next to it (an empty one is not rendered).
    assert '<ul class="errorlist" id="id_body_error"><li>' in page
    assert 'class="field field-error"' in page
    assert "errorlist" not in client.get(topic.get_absolute_url()).content.decode()


def test_pages_escape_titles_and_names(client):
    forum = national_forum()
    topic = topic_in(forum, UserFactory())
    for url in (forum.get_absolute_url(), topic.get_absolute_url(), reverse("forums:index")):
        assert XSS not in client.get(url).content.decode()


def test_quote_prefills_the_reply(client):
    forum = national_forum()
    topic = topic_in(forum, UserFactory(display_name="Fatou"), body="Une idée à creuser")
    post = topic.posts.get()
    client.force_login(UserFactory())
    page = html.unescape(client.get(f"{topic.get_absolute_url()}?citer={post.pk}").content.decode())
    assert "> **Fatou** :\n> Une idée à creuser" in page


def test_a_stable_link_leads_to_the_right_page(client):
    forum = national_forum()
    author = UserFactory()
    topic = topic_in(forum, author)
    posts = [reply_in(topic, author, body=f"Message {n}") for n in range(25)]
    response = client.get(posts[-1].get_absolute_url())
    assert response.url == f"{topic.get_absolute_url()}?page=2#message-{posts[-1].pk}"


def test_first_unread_goes_to_the_first_new_message(client):
    forum = national_forum()
    author, reader = UserFactory(), UserFactory()
    topic = topic_in(forum, author)
    client.force_login(reader)
    client.get(topic.get_absolute_url())
    new = reply_in(topic, author, body="Du nouveau")
    response = client.get(reverse("forums:first_unread", args=[topic.pk]))
    assert response.url.endswith(f"#message-{new.pk}")
    listing = client.get(forum.get_absolute_url()).content.decode()
    assert "nouveau" in listing


def test_search_finds_readable_posts_only(client):
    council = council_create()
    member = member_of(council)
    topic_in(council.forum, member, body="Le mot secretissime du conseil")
    topic_in(national_forum(), UserFactory(), body="Le mot publicissime")
    client.force_login(UserFactory())
    assert "publicissime" in client.get("/forums/recherche/?q=publicissime").content.decode()
    assert (
        "Le mot secretissime du conseil"
        not in client.get("/forums/recherche/?q=secretissime").content.decode()
    )
    client.force_login(member)
    assert (
        "Le mot secretissime du conseil"
        in client.get("/forums/recherche/?q=secretissime").content.decode()
    )


@pytest.mark.parametrize("count", [1, 50])
def test_a_topic_page_makes_the_same_queries_with_1_or_50_posts(
    client, django_assert_max_num_queries, count
):
    council = council_create()
    members = [member_of(council) for _ in range(3)]
    topic = topic_in(council.forum, members[0])
    for index in range(count - 1):
        reply_in(topic, members[index % 3])
    client.force_login(members[1])
    # 11 with the header's count of unread notifications and the session
    # (read from the database); the reader's roles and verified address in one.
    with django_assert_max_num_queries(11):
        response = client.get(topic.get_absolute_url())
    assert response.status_code == 200
    # Read again: the read marker is already at the end, nothing is written.
    with django_assert_max_num_queries(10):
        response = client.get(topic.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 100])
def test_a_forum_page_makes_the_same_queries_with_1_or_100_topics(
    client, django_assert_max_num_queries, count
):
    forum = national_forum()
    authors = [UserFactory() for _ in range(3)]
    for index in range(count):
        topic_in(forum, authors[index % 3])
    client.force_login(authors[0])
    # 8 with the header's count of unread notifications and the session
    # (read from the database); the reader's roles and verified address in one.
    with django_assert_max_num_queries(8):
        response = client.get(forum.get_absolute_url())
    assert response.status_code == 200
    assert Topic.objects.filter(forum=forum).count() == count


@pytest.mark.parametrize("count", [1, 30])
def test_the_queue_drops_the_reports_of_a_post_hidden_from_it(
    client, django_assert_max_num_queries, count
):
    from accounts.roles import animator_appoint
    from forums import services

    forum = national_forum()
    reported = topic_in(forum, UserFactory(), title="Sujet signalé").posts.get()
    for index in range(count):
        services.report_create(reporter=UserFactory(), post=reported, reason=f"Injure {index}")
    other = topic_in(forum, UserFactory(), title="Autre sujet").posts.get()
    services.report_create(reporter=UserFactory(), post=other, reason="Publicité")
    moderator = UserFactory()
    animator_appoint(user=moderator, system=True)
    client.force_login(moderator)
    queue = reverse("forums:moderation")
    # 11 today, the same with 1 or 30 reports on the post.
    with django_assert_max_num_queries(12):
        page = client.get(queue).content.decode()
    assert "Injure 0" in page and "Publicité" in page

    response = client.post(
        reverse("forums:post_hide", args=[reported.pk]), {"reason": "Propos injurieux"}
    )
    assert response.status_code == 302
    with django_assert_max_num_queries(12):
        page = html.unescape(client.get(queue).content.decode())
    assert "Injure 0" not in page
    assert "Publicité" in page
    # The decision stays in the log, with the hiding's reason.
    assert page.count("Propos injurieux") == count + 1

    services.post_hide(moderator=moderator, post=other, reason="Publicité déguisée")
    page = html.unescape(client.get(queue).content.decode())
    assert "Aucun signalement à examiner." in page


def test_what_a_page_knows_of_its_reader_is_read_again_at_the_next_request(client):
    """The roles and the verified address kept for a request are not kept for
    the next one: joining a council, verifying the address, being appointed
    to the animation show on the next page."""
    from allauth.account.models import EmailAddress

    from accounts.roles import animator_appoint

    council = council_create()
    council_topic = topic_in(council.forum, member_of(council))
    national_topic = topic_in(national_forum(), UserFactory())
    reader = UserFactory(verified=False)
    client.force_login(reader)
    reply = reverse("forums:reply", args=[national_topic.pk])
    animation = reverse("councils:animation")

    page = client.get(national_topic.get_absolute_url()).content.decode()
    assert reply not in page and animation not in page
    assert client.get(council_topic.get_absolute_url()).status_code == 404

    EmailAddress.objects.create(user=reader, email=reader.email, verified=True, primary=True)
    animator_appoint(user=reader, system=True)
    member_of(council, reader)

    page = client.get(national_topic.get_absolute_url()).content.decode()
    assert reply in page and animation in page
    assert client.get(council_topic.get_absolute_url()).status_code == 200
