"""E-mails leave through a Celery task queued after commit, retried on SMTP errors."""

from __future__ import annotations

import smtplib

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction

from conseils.mail import message_to_payload, payload_to_message
from conseils.tasks import deliver_email

pytestmark = pytest.mark.django_db(transaction=True)


def _message() -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        "Réunion du conseil",
        "Bonjour, la réunion a lieu jeudi.",
        "Conseils citoyens <ne-pas-repondre@exemple.test>",
        ["membre@exemple.test"],
        headers={"X-Conseil": "quartier-nord"},
    )
    message.attach_alternative("<p>Bonjour, la réunion a lieu <b>jeudi</b>.</p>", "text/html")
    message.attach("ordre-du-jour.txt", "1. Budget\n2. Fête de quartier", "text/plain")
    return message


def test_nothing_leaves_before_commit_and_nothing_after_a_rollback():
    with pytest.raises(RuntimeError), transaction.atomic():
        _message().send()
        assert mail.outbox == []
        raise RuntimeError("the form failed further down")
    assert mail.outbox == []

    with transaction.atomic():
        _message().send()
        assert mail.outbox == []
    assert len(mail.outbox) == 1
    delivered = mail.outbox[0]
    assert delivered.subject == "Réunion du conseil"
    assert delivered.alternatives[0].mimetype == "text/html"
    assert delivered.attachments[0].filename == "ordre-du-jour.txt"
    assert delivered.extra_headers["X-Conseil"] == "quartier-nord"


def test_payload_round_trip_is_json_safe():
    import json

    payload = message_to_payload(_message())
    rebuilt = payload_to_message(json.loads(json.dumps(payload)))
    assert rebuilt.to == ["membre@exemple.test"]
    assert rebuilt.attachments[0].content == "1. Budget\n2. Fête de quartier"


def test_list_unsubscribe_crosses_the_queue_unfolded_and_unencoded():
    """The JSON payload keeps only strings: the worker writes the RFC 2369
    headers as given all the same, however long the link."""
    import email
    import email.policy
    import json

    url = "https://conseils-citoyens.test/notifications/desabonnement/" + "x" * 120 + "/"
    message = _message()
    message.extra_headers["List-Unsubscribe"] = f"<{url}>"
    message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    rebuilt = payload_to_message(json.loads(json.dumps(message_to_payload(message))))
    raw = rebuilt.message(policy=email.policy.SMTP).as_bytes()
    assert f"\r\nList-Unsubscribe: <{url}>\r\n".encode() in raw
    assert b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in raw
    parsed = email.message_from_bytes(raw, policy=email.policy.compat32)
    assert parsed["List-Unsubscribe"] == f"<{url}>"


def test_a_list_unsubscribe_header_that_would_break_the_message_is_refused():
    import json

    message = _message()
    message.extra_headers["List-Unsubscribe"] = "<https://x.test/>\r\nBcc: victim@x.test"
    with pytest.raises(ValueError, match="List-Unsubscribe"):
        payload_to_message(json.loads(json.dumps(message_to_payload(message))))


def test_smtp_errors_are_retried_with_backoff(monkeypatch):
    attempts = []

    class BrokenSMTP:
        def __init__(self, *args, **kwargs):
            pass

        def send_messages(self, messages):
            attempts.append(len(messages))
            raise smtplib.SMTPServerDisconnected("server went away")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend", BrokenSMTP)
    payload = message_to_payload(_message())

    with pytest.raises(Retry) as first:
        deliver_email.apply(args=[payload], retries=0)
    with pytest.raises(Retry) as later:
        deliver_email.apply(args=[payload], retries=6)

    assert attempts == [1, 1]
    assert isinstance(first.value.exc, smtplib.SMTPServerDisconnected)
    # Exponential backoff (with jitter): never immediate, capped at an hour.
    assert 0 <= first.value.when <= 30
    assert 0 <= later.value.when <= 3600
    assert deliver_email.max_retries == 8
    assert mail.outbox == []
