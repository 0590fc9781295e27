"""Every e-mail is an outbox row written with what causes it, sent once, and
kept until an SMTP server takes it: a dead broker, a killed worker or a
closed SMTP server delays it, never loses it, never doubles it."""

from __future__ import annotations

import logging
import smtplib
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends import locmem
from django.db import connection, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError

from outbox import services
from outbox.models import OutboundEmail
from outbox.services import Outcome
from outbox.tasks import email_send as email_send_task

pytestmark = pytest.mark.django_db(transaction=True)


def _send(subject: str = "Réunion du conseil", to: str = "membre@exemple.test") -> None:
    message = EmailMessage(subject=subject, body="La réunion a lieu jeudi.", to=[to])
    message.template_name = "councils/email/meeting"
    message.send()


@pytest.fixture
def smtp(monkeypatch):
    """The delivery mailer's state: ``smtp.down = OSError(...)`` closes it."""

    class State:
        down: Exception | None = None
        attempts = 0

    state = State()
    original = locmem.EmailBackend.send_messages

    def send_messages(self, messages):
        state.attempts += 1
        if state.down is not None:
            raise state.down
        return original(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", send_messages)
    return state


def test_a_message_is_written_with_its_transaction_and_leaves_once_after_commit(smtp):
    with pytest.raises(RuntimeError), transaction.atomic():
        _send()
        assert OutboundEmail.objects.count() == 1
        raise RuntimeError("the form failed further down")
    assert OutboundEmail.objects.count() == 0
    assert mail.outbox == []

    with transaction.atomic():
        _send()
        assert mail.outbox == []
    (row,) = OutboundEmail.objects.all()
    (delivered,) = mail.outbox
    assert delivered.extra_headers["Message-ID"] == row.message_id
    assert row.status == OutboundEmail.Status.SENT
    assert row.template == "councils/email/meeting"
    assert row.recipient_count == 1
    assert row.attempts == 1
    # What it said is not kept once it left.
    assert row.payload is None
    # The sweep finds nothing more to send.
    assert services.outbox_sweep() == 0
    assert len(mail.outbox) == 1


def test_a_dead_broker_delays_the_message_until_the_sweep_never_the_page(monkeypatch, smtp):
    def broker_away(*args, **kwargs):
        raise BrokerOperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    task = email_send_task._get_current_object()
    monkeypatch.setitem(task.app.conf, "task_always_eager", False)
    monkeypatch.setattr(task, "apply_async", broker_away)
    with transaction.atomic():
        _send()
    (row,) = OutboundEmail.objects.all()
    assert row.status == OutboundEmail.Status.PENDING
    assert mail.outbox == []

    monkeypatch.undo()
    assert services.outbox_sweep() == 1
    assert services.outbox_sweep() == 0
    assert [m.subject for m in mail.outbox] == ["Réunion du conseil"]


def test_a_closed_smtp_server_delays_messages_and_they_leave_once_it_opens(smtp, caplog):
    smtp.down = ConnectionRefusedError(111, "Connection refused")
    with caplog.at_level(logging.WARNING, logger="outbox.services"):
        for number in range(3):
            _send(subject=f"Message {number}")
    rows = list(OutboundEmail.objects.order_by("id"))
    assert [row.status for row in rows] == [OutboundEmail.Status.PENDING] * 3
    # The first one met the closed server; the tasks of the next ones left
    # it alone (one slow timeout each would hold every worker).
    assert smtp.attempts == 1
    assert [row.attempts for row in rows] == [1, 0, 0]
    assert rows[0].next_attempt_at > timezone.now()
    assert "ConnectionRefusedError" in rows[0].last_error
    assert mail.outbox == []

    # The sweep probes the server once a run, and stops at the first refusal.
    later = timezone.now() + timedelta(seconds=31)
    smtp.attempts = 0
    assert services.outbox_sweep(now=later) == 0
    assert smtp.attempts == 1
    assert sum(row.attempts for row in OutboundEmail.objects.all()) == 2

    smtp.down = None
    assert services.outbox_sweep(now=later + timedelta(minutes=1)) == 3
    assert sorted(m.subject for m in mail.outbox) == ["Message 0", "Message 1", "Message 2"]
    assert services.outbox_sweep(now=later + timedelta(minutes=10)) == 0
    assert len(mail.outbox) == 3
    # The server answers again: a new message leaves at once, by its own task.
    _send(subject="Message 3")
    assert len(mail.outbox) == 4


def test_waits_grow_to_five_minutes_at_most():
    waits = [services._retry_delay(attempt).total_seconds() for attempt in range(1, 8)]
    assert waits == [30, 60, 120, 240, 300, 300, 300]


def test_a_permanent_refusal_is_given_up_and_never_retried(smtp):
    smtp.down = smtplib.SMTPRecipientsRefused({"membre@exemple.test": (550, b"No such user")})
    _send()
    (row,) = OutboundEmail.objects.all()
    assert row.status == OutboundEmail.Status.FAILED
    assert "SMTPRecipientsRefused" in row.last_error
    smtp.down = None
    assert services.outbox_sweep(now=timezone.now() + timedelta(hours=1)) == 0
    assert mail.outbox == []


def test_a_temporary_refusal_is_retried(smtp):
    smtp.down = smtplib.SMTPRecipientsRefused({"membre@exemple.test": (451, b"Try later")})
    _send()
    (row,) = OutboundEmail.objects.all()
    assert row.status == OutboundEmail.Status.PENDING
    smtp.down = None
    assert services.outbox_sweep(now=timezone.now() + timedelta(minutes=1)) == 1


def test_the_admins_are_told_once_when_messages_wait_more_than_an_hour(smtp, settings, caplog):
    settings.ADMINS = ["exploitation@exemple.test"]
    smtp.down = TimeoutError("timed out")
    _send()
    start = timezone.now()
    with caplog.at_level(logging.ERROR, logger="outbox.services"):
        services.outbox_sweep(now=start + timedelta(minutes=59))
        assert not [r for r in caplog.records if "more than an hour" in r.getMessage()]
        services.outbox_sweep(now=start + timedelta(minutes=61))
        services.outbox_sweep(now=start + timedelta(minutes=70))
    (said,) = [r.getMessage() for r in caplog.records if "more than an hour" in r.getMessage()]
    assert said.startswith("1 e-mail(s) have waited more than an hour")
    assert "TimeoutError" in said
    # The report waits in the outbox too, and leaves with the rest.
    smtp.down = None
    services.outbox_sweep(now=start + timedelta(minutes=80))
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [
        "Réunion du conseil",
        "[Conseils citoyens] 1 e-mail attend depuis plus d’une heure",
    ]
    (report,) = [m for m in mail.outbox if m.to == ["exploitation@exemple.test"]]
    assert "TimeoutError" in report.body
    assert "La réunion a lieu" not in report.body


def test_a_message_no_server_took_in_three_days_is_given_up_and_told(smtp, settings, time_machine):
    settings.ADMINS = ["exploitation@exemple.test"]
    smtp.down = TimeoutError("timed out")
    _send()
    time_machine.move_to(timezone.now() + timedelta(days=3, minutes=1), tick=False)
    services.outbox_sweep()
    statuses = dict(OutboundEmail.objects.values_list("template", "status"))
    assert statuses["councils/email/meeting"] == OutboundEmail.Status.FAILED
    smtp.down = None
    time_machine.move_to(timezone.now() + timedelta(minutes=10), tick=False)
    services.outbox_sweep()
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [
        "[Conseils citoyens] 1 e-mail attend depuis plus d’une heure",
        "[Conseils citoyens] 1 e-mail n’a pas pu être envoyé en trois jours",
    ]


def test_rows_sent_a_month_ago_are_forgotten(smtp):
    _send()
    assert services.outbox_purge(now=timezone.now() + timedelta(days=29)) == 0
    assert services.outbox_purge(now=timezone.now() + timedelta(days=31)) == 1
    assert not OutboundEmail.objects.exists()


def test_a_message_being_sent_by_one_worker_is_skipped_by_another(smtp):
    """Two sweeps at once (two beats, or a sweep and the message's own
    task): the row is sent by whoever locked it first, once."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks that skip: PostgreSQL (SQLite writes one at a time)")
    smtp.down = ConnectionRefusedError(111, "Connection refused")
    _send()
    smtp.down = None
    (row,) = OutboundEmail.objects.all()
    later = timezone.now() + timedelta(minutes=1)
    locked, release = threading.Event(), threading.Event()
    outcomes = []

    def first_worker():
        try:
            with transaction.atomic():
                OutboundEmail.objects.select_for_update().get(pk=row.pk)
                locked.set()
                release.wait(10)
                outcomes.append(("first", services._deliver(row, later)))
        finally:
            connection.close()

    thread = threading.Thread(target=first_worker)
    thread.start()
    assert locked.wait(10)
    outcomes.append(("second", services.email_send(row.pk, now=later)))
    release.set()
    thread.join(10)
    assert sorted(outcomes) == [("first", Outcome.SENT), ("second", Outcome.SKIPPED)]
    assert len(mail.outbox) == 1


def test_an_address_the_smtp_mailer_refuses_to_encode_fails_alone_and_blocks_nothing(
    monkeypatch, caplog
):
    """Django's SMTP mailer raises ValueError, before any SMTP exchange, for an
    address it cannot encode (a non-ASCII local part) that the message itself
    accepts: that row is given up, and neither the page nor the sweep stop."""
    from django.core.mail.backends.smtp import EmailBackend as SMTPBackend

    original = locmem.EmailBackend.send_messages

    def send_messages(self, messages):
        for message in messages:
            for address in message.recipients():
                SMTPBackend.prep_address(self, address)
        return original(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", send_messages)
    task = email_send_task._get_current_object()
    with monkeypatch.context() as broker:
        broker.setitem(task.app.conf, "task_always_eager", False)
        broker.setattr(task, "apply_async", lambda *args, **kwargs: None)
        _send(subject="Invalide", to="josé@exemple.test")
        _send(subject="Valide")
    with caplog.at_level(logging.ERROR, logger="outbox"):
        assert services.outbox_sweep() == 1
    assert [m.subject for m in mail.outbox] == ["Valide"]
    poisoned = OutboundEmail.objects.get(status=OutboundEmail.Status.FAILED)
    assert poisoned.attempts == 1
    assert "josé" not in poisoned.last_error
    assert "josé" not in caplog.text

    # Written and sent at once (the embedded shape): the page is not broken.
    _send(subject="Invalide encore", to="josé@exemple.test")
    assert OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).count() == 2


def test_a_refused_recipient_is_given_up_without_its_address_in_logs_or_admin(smtp, caplog):
    smtp.down = smtplib.SMTPRecipientsRefused(
        {"membre@exemple.test": (550, b"5.1.1 <membre@exemple.test>: Recipient address rejected")}
    )
    with caplog.at_level(logging.WARNING, logger="outbox"):
        _send()
    (row,) = OutboundEmail.objects.all()
    assert row.status == OutboundEmail.Status.FAILED
    assert "SMTPRecipientsRefused" in row.last_error and "550" in row.last_error
    assert "Recipient address rejected" in row.last_error
    assert "membre@exemple.test" not in row.last_error
    assert "refused for good" in caplog.text
    assert "membre@exemple.test" not in caplog.text


def test_a_send_cut_by_the_task_time_limit_counts_as_an_attempt_and_waits(smtp, caplog):
    from celery.exceptions import SoftTimeLimitExceeded

    smtp.down = SoftTimeLimitExceeded()
    _send()
    (row,) = OutboundEmail.objects.all()
    assert row.status == OutboundEmail.Status.PENDING
    assert row.attempts == 1
    assert row.next_attempt_at > timezone.now()
    assert row.last_error.startswith("SoftTimeLimitExceeded")
    # Not due again at once: the next sweeps go on to the reports.
    assert services.outbox_sweep() == 0
    assert smtp.attempts == 1
