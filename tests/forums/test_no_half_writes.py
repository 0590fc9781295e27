"""A reply or a topic whose last write fails (the connection dies, the worker
is stopped) leaves no row behind: everything is written in one transaction."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from forums import services
from forums.models import Post, Subscription, Topic
from notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.forums.factories import national_forum, reply_in, topic_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def fail_last_write(monkeypatch):
    """Make the subscription of the author, the last row both services
    write, fail as a dead connection does."""

    def fail(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    return lambda: monkeypatch.setattr(Subscription.objects, "get_or_create", fail)


def test_a_reply_whose_last_write_fails_leaves_nothing(fail_last_write):
    forum = national_forum()
    topic = topic_in(forum, UserFactory())
    follower = UserFactory()
    reply_in(topic, follower)
    topic.refresh_from_db()
    before = (Post.objects.count(), topic.post_count, topic.last_post_at)
    notifications = Notification.objects.count()

    author = UserFactory()
    fail_last_write()
    with pytest.raises(OperationalError):
        services.post_reply(author=author, topic=topic, body="Une réponse perdue")

    topic.refresh_from_db()
    assert (Post.objects.count(), topic.post_count, topic.last_post_at) == before
    assert not Post.objects.filter(body="Une réponse perdue").exists()
    assert Notification.objects.count() == notifications


def test_a_topic_whose_last_write_fails_leaves_nothing(fail_last_write):
    forum = national_forum()
    author = UserFactory()
    fail_last_write()
    with pytest.raises(OperationalError):
        services.topic_create(author=author, forum=forum, title="Un sujet perdu", body="Son texte")
    assert not Topic.objects.filter(title="Un sujet perdu").exists()
    assert not Post.objects.filter(body="Son texte").exists()
    forum.refresh_from_db()
    assert forum.topic_count == 0
