"""A digest, the notifications it marks delivered and its outbox row are one
transaction: a digest is never lost between them, and two beats sending the
digests at once send each person's once."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.db import connection
from django.db.models.signals import post_save

from notifications import services
from notifications.models import Notification
from outbox.models import OutboundEmail
from tests.accounts.factories import UserFactory

from . import kinds

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _readers():
    kinds.readers.clear()
    yield
    kinds.readers.clear()


def _waiting_digests(count: int, *, events: int = 1) -> list:
    readers = UserFactory.create_batch(count)
    kinds.readers.setdefault(41, set()).update(reader.pk for reader in readers)
    for _ in range(events):
        _event(readers)
    return readers


def _event(readers) -> None:
    services.notify(
        recipients=readers,
        kind=kinds.SAMPLE_DIGEST.key,
        target_id=41,
        title="Karim a répondu",
        url="/forums/sujet/1/",
        group_key="council:1",
        group_title="Conseil citoyen de l’Alma",
        thread_key="topic:1",
        thread_title="Budget participatif",
    )


def test_a_digest_that_fails_to_be_written_leaves_its_notifications_waiting(caplog):
    (reader,) = _waiting_digests(1)

    def outbox_down(sender, instance, created, **kwargs):
        raise RuntimeError("the e-mail could not be written")

    post_save.connect(outbox_down, sender=OutboundEmail)
    try:
        assert services.send_digests() == 0
    finally:
        post_save.disconnect(outbox_down, sender=OutboundEmail)
    assert Notification.objects.get(recipient=reader).delivered_at is None
    assert not OutboundEmail.objects.exists()
    assert "could not be written" in caplog.text

    assert services.send_digests() == 1
    assert Notification.objects.get(recipient=reader).delivered_at is not None
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENT
    assert [m.to for m in mail.outbox] == [[reader.email]]


def test_one_digest_that_cannot_be_written_never_holds_back_the_others():
    """People are sent in chunks, one transaction each: one person's e-mail
    failing must not cost the rest of the chunk (nor the next chunks) theirs."""
    readers = _waiting_digests(3)
    unlucky = readers[1]

    def fails_for_one(sender, instance, created, **kwargs):
        if created and instance.payload_decode()["to"] == [unlucky.email]:
            raise RuntimeError("this one e-mail cannot be written")

    post_save.connect(fails_for_one, sender=OutboundEmail)
    try:
        assert services.send_digests() == 2
    finally:
        post_save.disconnect(fails_for_one, sender=OutboundEmail)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        reader.email for reader in readers if reader != unlucky
    )
    assert Notification.objects.filter(recipient=unlucky, delivered_at__isnull=True).exists()
    assert not Notification.objects.filter(
        recipient__in=[r for r in readers if r != unlucky], delivered_at__isnull=True
    ).exists()
    assert services.send_digests() == 1
    assert unlucky.email in mail.outbox[-1].to


def test_two_beats_sending_the_digests_at_once_send_each_person_one_whole_digest():
    """Both lock the rows they claim while the other does: without one lock
    per person, each could take part of a long digest and send half."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks that skip: PostgreSQL (SQLite writes one at a time)")
    readers = _waiting_digests(3)
    for reader in readers:
        Notification.objects.bulk_create(
            Notification(
                recipient=reader,
                kind=kinds.SAMPLE_DIGEST.key,
                target_id=41,
                title=f"Événement {number}",
                url="/forums/sujet/1/",
                delivery=Notification.Delivery.DIGEST,
            )
            for number in range(3000)
        )
    start = threading.Barrier(2)
    sent = []

    def beat():
        try:
            start.wait(10)
            sent.append(services.send_digests())
        finally:
            connection.close()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(sent) == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(reader.email for reader in readers)
    assert OutboundEmail.objects.count() == 3
