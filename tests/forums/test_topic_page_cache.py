"""The topic page keeps each post's HTML in the cache (forums/rendering.py):
every change shows at once, and what one reader may see never reaches another."""

from __future__ import annotations

import html
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services as account_services
from forums import services
from forums.models import Post, Topic, TopicReadState
from tests.accounts.factories import UserFactory
from tests.councils.factories import coordinator_of, council_create, member_of
from tests.forums.factories import national_forum, reply_in, topic_in

pytestmark = pytest.mark.django_db


def page_of(client, topic) -> str:
    response = client.get(topic.get_absolute_url())
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def kept_keys(fragment: str) -> set[str]:
    """The keys in the cache that hold ``fragment``: in Redis (CI, production)
    or in the local memory cache (the embedded default)."""
    store = cache._cache
    if hasattr(store, "get_client"):
        return {key.decode() for key in store.get_client().scan_iter(f"*{fragment}*")}
    return {key for key in store if fragment in key}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def discussion():
    """A council's topic: a coordinator, two members, a reply kept in the cache."""
    council = council_create()
    coordinator = coordinator_of(council)
    author, reader = member_of(council), member_of(council)
    topic = topic_in(council.forum, author, body="Le premier message.")
    reply = reply_in(topic, author, body="Une réponse à garder.")
    # Both readers have the page in the cache before anything changes.
    for person in (author, reader, coordinator):
        assert "Une réponse à garder." in page_of(signed_in(person), topic)
    return topic, reply, author, reader, coordinator


def test_the_posts_are_kept_in_the_cache(discussion):
    _topic, reply, *_ = discussion
    assert kept_keys(f":forums:post:{reply.pk}:")


def test_an_edit_shows_at_once(discussion):
    topic, reply, author, reader, _coordinator = discussion
    services.post_edit(editor=author, post=reply, body="Le texte corrigé.")
    page = page_of(signed_in(reader), topic)
    assert "Le texte corrigé." in page
    assert "Une réponse à garder." not in page


def test_hiding_and_showing_again_show_at_once(discussion):
    topic, reply, _author, reader, coordinator = discussion
    services.post_hide(moderator=coordinator, post=reply, reason="Hors sujet")
    # The moderator reads the hidden text (and may show it again)…
    moderators_page = page_of(signed_in(coordinator), topic)
    assert "Une réponse à garder." in moderators_page
    assert reverse("forums:post_unhide", args=[reply.pk]) in moderators_page
    # …and their page never reaches a member, before or after it.
    for _ in range(2):
        page = page_of(signed_in(reader), topic)
        assert "Une réponse à garder." not in page
        assert "Ce message a été masqué par la modération." in page
        assert reverse("forums:post_unhide", args=[reply.pk]) not in page
        assert reverse("forums:post_hide", args=[reply.pk]) not in page
        assert "Hors sujet" not in page
    services.post_unhide(moderator=coordinator, post=reply)
    assert "Une réponse à garder." in page_of(signed_in(reader), topic)


def test_the_reason_of_a_hiding_reaches_its_author_only(discussion):
    topic, reply, author, reader, coordinator = discussion
    # A published profile: the author's page and the others' differ by nothing
    # else than what the author may read of their hidden post.
    author.publish_profile = True
    author.save(update_fields=["publish_profile"])
    services.post_hide(moderator=coordinator, post=reply, reason="Propos blessants")
    for _ in range(2):
        assert "Propos blessants" in page_of(signed_in(author), topic)
        page = page_of(signed_in(reader), topic)
        assert "Propos blessants" not in page
        assert "Une réponse à garder." not in page


def test_the_moderators_buttons_never_reach_a_member(discussion):
    topic, reply, author, reader, coordinator = discussion
    hide = reverse("forums:post_hide", args=[reply.pk])
    history = reverse("forums:post_history", args=[reply.pk])
    services.post_edit(editor=author, post=reply, body="Modifié.")
    assert hide in page_of(signed_in(coordinator), topic)
    assert history in page_of(signed_in(coordinator), topic)
    page = page_of(signed_in(reader), topic)
    assert hide not in page
    assert history not in page


def test_a_renamed_author_shows_at_once(discussion):
    topic, _reply, author, reader, _coordinator = discussion
    author.display_name = "Nouveau Nom"
    author.save(update_fields=["display_name"])
    assert "Nouveau Nom" in page_of(signed_in(reader), topic)


def test_a_new_avatar_shows_at_once_and_a_withdrawn_one_goes(discussion):
    topic, _reply, author, reader, _coordinator = discussion
    author.avatar = "avatars/premier.webp"
    author.publish_avatar = True
    author.save(update_fields=["avatar", "publish_avatar"])
    assert "avatars/premier.webp" in page_of(signed_in(reader), topic)
    author.avatar = "avatars/second.webp"
    author.save(update_fields=["avatar"])
    page = page_of(signed_in(reader), topic)
    assert "avatars/second.webp" in page
    assert "avatars/premier.webp" not in page
    author.publish_avatar = False
    author.save(update_fields=["publish_avatar"])
    assert "avatars/second.webp" not in page_of(signed_in(reader), topic)


def test_a_deleted_account_shows_at_once(discussion):
    topic, _reply, author, reader, _coordinator = discussion
    name = author.display_name
    account_services.account_delete(user=author)
    page = page_of(signed_in(reader), topic)
    assert name not in page
    assert "compte supprimé" in page


def test_a_published_or_unpublished_profile_shows_at_once(discussion):
    topic, _reply, author, reader, _coordinator = discussion
    profile = author.get_absolute_url()
    assert profile not in page_of(signed_in(reader), topic)
    # Its owner always has the link to their own profile…
    assert profile in page_of(signed_in(author), topic)
    # …which did not reach the other reader.
    assert profile not in page_of(signed_in(reader), topic)
    author.publish_profile = True
    author.save(update_fields=["publish_profile"])
    assert profile in page_of(signed_in(reader), topic)


def test_a_reaction_counts_at_once_and_stays_its_authors(discussion):
    topic, reply, _author, reader, coordinator = discussion
    services.reaction_toggle(user=reader, post=reply, kind="thanks")
    readers_page = page_of(signed_in(reader), topic)
    assert re.search(r'aria-pressed="true">Merci · 1<', readers_page)
    coordinators_page = page_of(signed_in(coordinator), topic)
    assert re.search(r'aria-pressed="false">Merci · 1<', coordinators_page)
    assert 'aria-pressed="true"' not in coordinators_page
    services.reaction_toggle(user=reader, post=reply, kind="thanks")
    assert "Merci · 1" not in page_of(signed_in(coordinator), topic)


def test_each_reader_gets_their_own_csrf_token(discussion):
    """The kept HTML leaves the token out: a reader's form works after
    another reader's page was kept."""
    topic, reply, _author, reader, _coordinator = discussion
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    page = client.get(topic.get_absolute_url()).content.decode()
    form = re.search(
        rf'<form method="post" action="{reverse("forums:post_react", args=[reply.pk])}".*?</form>',
        page,
        re.S,
    ).group(0)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = client.post(
        reverse("forums:post_react", args=[reply.pk]),
        {"csrfmiddlewaretoken": token, "kind": "agree"},
    )
    assert response.status_code == 302
    assert reply.reactions.filter(user=reader, kind="agree").exists()


def test_one_reaction_form_per_post_a_button_per_kind(discussion):
    topic, reply, _author, reader, _coordinator = discussion
    page = page_of(signed_in(reader), topic)
    action = reverse("forums:post_react", args=[reply.pk])
    assert page.count(f'action="{action}"') == 1
    for kind in ("thanks", "agree", "idea"):
        assert f'name="kind" value="{kind}"' in page


def test_a_post_waiting_for_approval_is_never_kept_whole():
    forum = national_forum()
    author, reader, moderator = UserFactory(), UserFactory(), UserFactory()
    from accounts.roles import animator_appoint

    animator_appoint(user=moderator, system=True)
    topic = topic_in(forum, author)
    pending = reply_in(topic, author, body="En attente de validation.")
    Post.objects.filter(pk=pending.pk).update(status=Post.Status.PENDING)
    assert "En attente de validation." in page_of(signed_in(moderator), topic)
    assert "En attente de validation." in page_of(signed_in(author), topic)
    assert "En attente de validation." not in page_of(signed_in(reader), topic)
    assert "En attente de validation." not in page_of(Client(), topic)
    assert not kept_keys(f":forums:post:{pending.pk}:")


def test_the_page_is_right_without_a_cache(settings, discussion):
    topic, reply, author, reader, _coordinator = discussion
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    services.post_edit(editor=author, post=reply, body="Sans cache.")
    assert "Sans cache." in page_of(signed_in(reader), topic)


def test_the_last_page_counts_the_readers_own_pending_post(client):
    """The page count comes from the topic's stored count, plus the pending
    posts this reader sees."""
    forum = national_forum()
    author = UserFactory()
    topic = topic_in(forum, author)
    for index in range(19):
        reply_in(topic, author, body=f"Réponse {index}")
    pending = reply_in(topic, author, body="La vingt et unième, en attente.")
    # As if it had waited for approval: not counted among the published.
    Post.objects.filter(pk=pending.pk).update(status=Post.Status.PENDING)
    Topic.objects.filter(pk=topic.pk).update(post_count=F("post_count") - 1)
    client.force_login(author)
    page = client.get(topic.get_absolute_url() + "?page=2").content.decode()
    assert "La vingt et unième, en attente." in page
    client.force_login(UserFactory())
    page = client.get(topic.get_absolute_url() + "?page=2").content.decode()
    assert "La vingt et unième, en attente." not in page
    assert "Réponse 18" in page  # page 2 does not exist for them: the last one shows


def test_a_stored_count_ahead_of_the_posts_still_shows_the_last_ones(client):
    forum = national_forum()
    author = UserFactory()
    topic = topic_in(forum, author)
    for index in range(20):
        reply_in(topic, author, body=f"Réponse {index}")
    Topic.objects.filter(pk=topic.pk).update(post_count=F("post_count") + 40)
    page = client.get(topic.get_absolute_url() + "?page=3").content.decode()
    assert "Réponse 19" in page


def test_reading_the_end_again_writes_nothing(client):
    forum = national_forum()
    topic = topic_in(forum, UserFactory())
    reader = UserFactory()
    client.force_login(reader)
    client.get(topic.get_absolute_url())
    first = TopicReadState.objects.get(user=reader, topic=topic).read_until
    with CaptureQueriesContext(connection) as queries:
        client.get(topic.get_absolute_url())
    writes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith(("INSERT", "UPDATE")) and "topicreadstate" in query["sql"]
    ]
    assert writes == []
    reply = reply_in(topic, UserFactory(), body="Du nouveau.")
    client.get(topic.get_absolute_url())
    marker = TopicReadState.objects.get(user=reader, topic=topic).read_until
    assert marker == Post.objects.get(pk=reply.pk).created_at > first


def test_a_new_deployment_makes_new_keys(discussion, monkeypatch):
    """A changed label, link or translation of a new release never shows the
    HTML the previous one kept."""
    from forums import rendering

    topic, reply, _author, reader, _coordinator = discussion
    before = kept_keys(f":forums:post:{reply.pk}:")
    monkeypatch.setattr(rendering, "_release", lambda: "the-next-release")
    assert "Une réponse à garder." in page_of(signed_in(reader), topic)
    after = kept_keys(f":forums:post:{reply.pk}:")
    assert after - before


def test_an_anonymous_reader_gets_no_csrf_cookie_on_a_public_topic():
    topic = topic_in(national_forum(), UserFactory())
    response = Client().get(topic.get_absolute_url())
    assert response.status_code == 200
    assert "csrftoken" not in response.cookies


def test_a_count_ahead_by_less_than_a_page_still_reads_the_real_last_page(settings):
    from datetime import timedelta

    from django.utils import timezone

    author = UserFactory(date_joined=timezone.now() - timedelta(days=365))
    topic = topic_in(national_forum(), author)
    for number in range(39):
        reply_in(topic, author, body=f"Réponse numéro {number}")
    # 40 messages, two pages; the stored count says 41 (a message deleted
    # behind the count's back).
    Topic.objects.filter(pk=topic.pk).update(post_count=F("post_count") + 1)
    reader = UserFactory()
    response = signed_in(reader).get(f"{topic.get_absolute_url()}?page=2")
    assert "Réponse numéro 38" in html.unescape(response.content.decode())
    assert not response.context["page"].has_next()
    # Read to the real end: the topic is no longer unread for this reader.
    assert TopicReadState.objects.filter(user=reader, topic=topic).exists()


def test_the_reply_form_is_kept_with_a_new_submission_key_on_each_page(discussion):
    topic, _reply, author, *_ = discussion
    client = signed_in(author)
    pages = [page_of(client, topic) for _ in range(2)]
    keys = [re.findall(r'name="submission_key" value="([^"]+)"', page) for page in pages]
    assert all(len(found) == 1 for found in keys)
    assert keys[0] != keys[1]
    # Apart from its key (and the CSRF tokens, masked anew for each page),
    # the page is the same: the form comes from the cache.
    same = [
        re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "T", page.replace(found[0], "K"))
        for page, found in zip(pages, keys, strict=True)
    ]
    assert same[0] == same[1]
    assert kept_keys("forums:reply-form:")
    # The key of the page works as it did: sent twice, one reply.
    for _ in range(2):
        client.post(
            reverse("forums:reply", args=[topic.pk]),
            {"body": "Envoyé deux fois.", "submission_key": keys[1][0]},
        )
    assert Post.objects.filter(topic=topic, body="Envoyé deux fois.").count() == 1


def test_a_quoted_reply_is_rendered_for_its_request(discussion):
    topic, reply, author, *_ = discussion
    client = signed_in(author)
    page_of(client, topic)  # the empty form kept
    quoted = html.unescape(
        client.get(f"{topic.get_absolute_url()}?citer={reply.pk}").content.decode()
    )
    assert "&gt; " in quoted or "> " in quoted
    assert "Une réponse à garder." in quoted.split('name="body"')[1]
