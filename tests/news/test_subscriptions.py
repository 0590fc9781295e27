"""Subscribers hear of each article once, when its time comes (through the
notifications); the link of the e-mails news sent before still stops them
without logging in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from councils import services as council_services
from news import services
from news.emails import unsubscribe_token
from news.models import Subscription
from notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.councils.factories import coordinator_of, council_create, referent_of
from tests.hostile import tampered

from .factories import animator, article_create

pytestmark = pytest.mark.django_db


def test_subscribing_from_the_page(client):
    reader = UserFactory()
    client.force_login(reader)
    client.post(reverse("news:subscription"))
    client.post(reverse("news:subscription"))  # twice: still one
    assert Subscription.objects.filter(user=reader, council=None).count() == 1
    page = client.get(reverse("news:index")).content.decode()
    assert "Ne plus suivre ces actualités" in page
    client.post(reverse("news:subscription"), {"action": "unsubscribe"})
    assert not Subscription.objects.filter(user=reader).exists()


def test_anonymous_visitors_are_asked_to_log_in(client):
    response = client.post(reverse("news:subscription"))
    assert response.status_code == 302
    assert "/compte/login/" in response["Location"] or "connexion" in response["Location"]
    assert not Subscription.objects.exists()


def test_a_published_article_is_e_mailed_once(client, django_capture_on_commit_callbacks):
    reader = UserFactory()
    services.subscribe(user=reader)
    writer = animator()
    services.subscribe(user=writer)  # the author is not told of their own article
    with django_capture_on_commit_callbacks(execute=True):
        article = article_create(author=writer, published_at=timezone.now())
    # Through the notifications: in the centre, and at once by e-mail (the default).
    told = Notification.objects.get(kind="news.article")
    assert (told.recipient, told.target_id) == (reader, article.pk)
    assert [message.to for message in mail.outbox] == [[reader.email]]
    message = mail.outbox[0]
    assert article.title in message.subject
    assert "http://" in message.body and article.get_absolute_url() in message.body
    # The notifications' own link now, which sets the preference.
    assert "/notifications/desabonnement/" in message.body
    assert "/actualites/desabonnement/" not in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # A second run of the task tells nobody again.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.announce_due_articles() == 0
    assert len(mail.outbox) == 1
    assert Notification.objects.count() == 1


def test_a_scheduled_article_is_e_mailed_when_the_task_finds_it(
    django_capture_on_commit_callbacks, time_machine
):
    reader = UserFactory()
    services.subscribe(user=reader)
    with django_capture_on_commit_callbacks(execute=True):
        article_create(author=animator(), state="scheduled")
    assert mail.outbox == []
    time_machine.move_to(timezone.now() + timedelta(days=1, minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.announce_due_articles() == 1
    assert len(mail.outbox) == 1


def test_council_subscribers_hear_only_of_that_council(django_capture_on_commit_callbacks):
    council, other = council_create(), council_create()
    of_council, of_other, national = UserFactory(), UserFactory(), UserFactory()
    services.subscribe(user=of_council, council=council)
    services.subscribe(user=of_other, council=other)
    services.subscribe(user=national)
    with django_capture_on_commit_callbacks(execute=True):
        article_create(author=coordinator_of(council), council=council, published_at=timezone.now())
    assert [message.to for message in mail.outbox] == [[of_council.email]]


def test_drafts_and_archived_councils_send_nothing(django_capture_on_commit_callbacks):
    council = council_create()
    coordinator = coordinator_of(council)
    services.subscribe(user=UserFactory(), council=council)
    with django_capture_on_commit_callbacks(execute=True):
        article_create(author=coordinator, council=council, state="draft")
        article = article_create(author=coordinator, council=council, state="scheduled")
    council_services.council_archive(actor=referent_of(council.department), council=council)
    article.published_at = timezone.now()
    article.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.announce_due_articles()
    assert mail.outbox == []


def test_old_articles_are_not_announced(django_capture_on_commit_callbacks):
    services.subscribe(user=UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        article_create(author=animator(), published_at=timezone.now() - timedelta(days=10))
    assert mail.outbox == []


def test_the_link_of_older_e_mails_still_unsubscribes_without_login(client):
    reader = UserFactory()
    subscription = services.subscribe(user=reader)
    url = reverse("news:unsubscribe", args=[unsubscribe_token(subscription)])
    asked = client.get(url)
    assert "Arrêter les e-mails" in asked.content.decode()
    assert Subscription.objects.filter(pk=subscription.pk).exists()  # a GET only asks
    done = client.post(url)
    assert "C’est fait" in done.content.decode()
    assert not Subscription.objects.filter(pk=subscription.pk).exists()
    again = client.get(url)
    assert "ne fonctionne plus" in again.content.decode()


def test_a_forged_token_does_nothing(client):
    subscription = services.subscribe(user=UserFactory())
    forged = tampered(unsubscribe_token(subscription))
    client.post(reverse("news:unsubscribe", args=[forged]))
    assert Subscription.objects.filter(pk=subscription.pk).exists()


def test_my_data_holds_my_articles_and_follows_and_articles_outlive_the_account():
    from accounts.services import account_delete
    from tests.accounts.exports import exported_text

    council = council_create()
    writer = coordinator_of(council)
    article = article_create(author=writer, council=council, body="Notre balade urbaine")
    services.subscribe(user=writer)
    archive = exported_text(writer)
    assert "Notre balade urbaine" in archive
    assert "national" in archive
    account_delete(user=writer)
    article.refresh_from_db()
    assert article.author is None
    assert not Subscription.objects.exists()
