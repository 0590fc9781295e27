"""A new article is told to those who follow its news through the
notifications: the subscription says who, each one's preference how."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from councils import services as council_services
from news import permissions, services
from notifications import services as notifications
from notifications.models import Notification
from tests.accounts.factories import XSS, UserFactory
from tests.councils.factories import coordinator_of, council_create, referent_of

from .factories import animator, article_create

pytestmark = pytest.mark.django_db
ARTICLE = "news.article"


def _told() -> set:
    return set(Notification.objects.filter(kind=ARTICLE).values_list("recipient_id", flat=True))


def test_followers_of_the_council_are_told_not_the_author_nor_others(
    mailoutbox, django_capture_on_commit_callbacks
):
    council, other = council_create(), council_create()
    coordinator = coordinator_of(council)
    follower, gone, of_other, national = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    for user in (follower, coordinator, gone):
        services.subscribe(user=user, council=council)
    gone.is_active = False  # a closed account is told nothing
    gone.save(update_fields=["is_active"])
    services.subscribe(user=of_other, council=other)
    services.subscribe(user=national)
    with django_capture_on_commit_callbacks(execute=True):
        article = article_create(author=coordinator, council=council, published_at=timezone.now())
    assert _told() == {follower.pk}
    told = Notification.objects.get(kind=ARTICLE)
    assert told.target_id == article.pk
    assert told.url == article.get_absolute_url()
    assert told.delivery == "immediate"
    assert told.title.startswith(council.name)
    assert article.title in told.title
    assert told.excerpt == article.summary
    assert (told.group_key, told.group_title) == (f"council:{council.pk}", council.name)
    assert [m.to for m in mailoutbox] == [[follower.email]]
    message = mailoutbox[0]
    assert article.title in message.subject
    assert article.summary in message.body
    assert "Les actualités que je suis" in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")


def test_national_news_go_to_the_national_followers(django_capture_on_commit_callbacks):
    national, of_council = UserFactory(), UserFactory()
    services.subscribe(user=national)
    services.subscribe(user=of_council, council=council_create())
    with django_capture_on_commit_callbacks(execute=True):
        article_create(author=animator(), published_at=timezone.now())
    assert _told() == {national.pk}
    told = Notification.objects.get(kind=ARTICLE)
    assert told.title.startswith("L’animation nationale a publié")
    assert told.group_title == "Actualités nationales"


def test_a_follower_who_chose_the_digest_gets_it_there(
    mailoutbox, django_capture_on_commit_callbacks
):
    reader = UserFactory()
    services.subscribe(user=reader)
    notifications.preference_set(user=reader, kind=ARTICLE, delivery="digest")
    with django_capture_on_commit_callbacks(execute=True):
        article = article_create(author=animator(), published_at=timezone.now())
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.send_digests() == 1
    assert article.get_absolute_url() in mailoutbox[0].body


def test_an_article_unpublished_before_the_e_mail_is_not_sent(
    mailoutbox, django_capture_on_commit_callbacks
):
    reader = UserFactory()
    services.subscribe(user=reader)
    with django_capture_on_commit_callbacks(execute=False):
        article = article_create(author=animator(), published_at=timezone.now())
        services.announce_due_articles()
    told = list(Notification.objects.filter(recipient=reader))
    assert len(told) == 1
    article.published_at = None
    article.save(update_fields=["published_at"])
    assert notifications.visible(reader, told) == ([], told)
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.deliver_immediate([told[0].pk]) == 0
    assert mailoutbox == []


def test_an_archived_councils_article_is_no_longer_shown():
    council = council_create()
    services.subscribe(user=UserFactory(), council=council)
    article = article_create(author=coordinator_of(council), council=council)
    assert permissions.visible_article_ids(UserFactory(), [article.pk]) == {article.pk}
    council_services.council_archive(actor=referent_of(council.department), council=council)
    assert permissions.visible_article_ids(UserFactory(), [article.pk]) == set()
    drafts = article_create(author=animator(), state="draft")
    assert permissions.visible_article_ids(UserFactory(), [drafts.pk]) == set()


def test_the_centre_escapes_markup(client, django_capture_on_commit_callbacks):
    reader = UserFactory()
    services.subscribe(user=reader)
    with django_capture_on_commit_callbacks(execute=True):
        article_create(author=animator(), summary=f"Résumé {XSS}", published_at=timezone.now())
    client.force_login(reader)
    page = client.get(reverse("notifications:index")).content.decode()
    assert "&lt;script&gt;" in page
    assert XSS not in page
