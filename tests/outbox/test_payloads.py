"""E-mails leave through the outbox once their transaction commits; header
values are one line whatever they are made of, and a message that cannot be
built is logged and reported to the admins, never dropped without a
trace."""

from __future__ import annotations

import logging
from email import message_from_bytes, policy

import pytest
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction

from common.mail import header_value, send_after_commit
from common.mail_headers import VerbatimHeader
from outbox import services
from outbox.models import OutboundEmail
from outbox.payloads import message_to_payload, payload_to_message
from tests.hostile import CONTROL_CHARACTERS, LINE_BREAKS_IN_HEADERS

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


def test_a_list_unsubscribe_header_cannot_add_a_header():
    import json

    message = _message()
    message.extra_headers["List-Unsubscribe"] = "<https://x.test/>\r\nBcc: victim@x.test"
    rebuilt = payload_to_message(json.loads(json.dumps(message_to_payload(message))))
    raw = rebuilt.message().as_bytes()

    assert b"\nBcc:" not in raw
    assert "victim@x.test" not in rebuilt.recipients()
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["List-Unsubscribe"].startswith("<https://x.test/>")
    with pytest.raises(ValueError, match="List-Unsubscribe"):
        VerbatimHeader("List-Unsubscribe", "<https://x.test/>\r\nBcc: victim@x.test")


# Header values: one line, whatever they were made of.


def test_every_line_break_in_a_header_becomes_a_space_and_the_message_leaves():
    """Python's e-mail package refuses a header holding any of these; a
    subject, a name or an address carrying one made the message unbuildable."""
    for character in LINE_BREAKS_IN_HEADERS + CONTROL_CHARACTERS:
        with transaction.atomic():
            EmailMessage(
                subject=f"Réunion{character}du conseil",
                body=f"Le corps garde ses lignes.{character}Fin.",
                from_email=f"Conseil{character}citoyen <ne-pas-repondre@exemple.test>",
                to=["membre@exemple.test"],
                reply_to=[f"Karim{character}Ben Ali <karim@exemple.test>"],
                headers={"X-Conseil": f"quartier{character}nord"},
            ).send()
    assert len(mail.outbox) == len(LINE_BREAKS_IN_HEADERS + CONTROL_CHARACTERS)
    for delivered in mail.outbox:
        assert delivered.subject == "Réunion du conseil"
        assert delivered.from_email == "Conseil citoyen <ne-pas-repondre@exemple.test>"
        assert delivered.reply_to == ["Karim Ben Ali <karim@exemple.test>"]
        assert delivered.extra_headers["X-Conseil"] == "quartier nord"
        parsed = message_from_bytes(delivered.message().as_bytes(), policy=policy.default)
        assert str(parsed["Subject"]) == "Réunion du conseil"


def test_header_value_keeps_french_non_breaking_spaces():
    assert (
        header_value(" Budget\u2028 2027\xa0: «\xa0ok\xa0»\r\n") == "Budget 2027\xa0: «\xa0ok\xa0»"
    )


# A message that cannot be built: logged and reported, never silent.


@pytest.fixture
def admins(settings):
    settings.ADMINS = ["exploitation@exemple.test"]
    return settings.ADMINS


def _unbuildable() -> EmailMessage:
    # A lone surrogate (from a broken client or an old row) cannot be
    # encoded: no header cleaning saves this one.
    return EmailMessage(
        subject="Réunion", body="Texte secret \ud800", to=["a@exemple.test", "b@exemple.test"]
    )


def _report(outbox) -> EmailMessage:
    (report,) = [m for m in outbox if m.to == ["exploitation@exemple.test"]]
    return report


def test_the_backend_logs_and_reports_a_message_it_cannot_build(admins, caplog):
    with caplog.at_level(logging.ERROR, logger="outbox.payloads"), transaction.atomic():
        send_after_commit([_unbuildable()], template="support/email/team_new")
    (record,) = [r for r in caplog.records if r.name == "outbox.payloads"]
    assert record.levelno == logging.ERROR
    assert record.exc_info[0] is UnicodeEncodeError
    said = record.getMessage()
    assert "support/email/team_new" in said and "2 recipient(s)" in said
    assert "secret" not in said
    # Nothing queued for the recipients; the admins are told in French.
    assert [m.to for m in mail.outbox] == [admins]
    report = _report(mail.outbox)
    assert report.subject == (
        "[Conseils citoyens] Un e-mail pour 2 destinataires n’a pas pu être envoyé"
    )
    assert "Modèle\xa0: support/email/team_new" in report.body
    assert "UnicodeEncodeError" in report.body
    assert "secret" not in report.body


def _waiting_row(payload: dict) -> OutboundEmail:
    """A row as an older version of the site, or another process, left it."""
    return OutboundEmail.objects.create(
        message_id=f"<{len(payload['subject'])}.test@exemple.test>",
        template=payload.get("template", ""),
        recipient_count=len(payload["to"]),
        payload=OutboundEmail.payload_encode(payload),
    )


def test_the_sender_reports_a_waiting_message_it_cannot_build_and_does_not_retry(admins, caplog):
    """A message written before this cleaning that cannot be built never will
    be: reported once, given up, not raised away silently in the worker."""
    payload = message_to_payload(_unbuildable())
    payload["template"] = "notifications/email/notification"
    row = _waiting_row(payload)
    with caplog.at_level(logging.ERROR, logger="outbox.payloads"):
        assert services.email_send(row.pk) == services.Outcome.FAILED
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.FAILED
    assert row.last_error.startswith("UnicodeEncodeError")
    (record,) = [r for r in caplog.records if r.name == "outbox.payloads"]
    assert "notifications/email/notification" in record.getMessage()
    assert record.exc_info[0] is UnicodeEncodeError
    report = _report(mail.outbox)
    assert "2 destinataires" in report.subject
    assert [m.to for m in mail.outbox] == [admins]
    # Given up: the sweep never tries it again.
    assert services.outbox_sweep() == 0
    assert len(mail.outbox) == 1


def test_a_waiting_message_with_a_broken_subject_is_delivered_clean():
    """Written before the services cleaned their text: made one line when built."""
    payload = message_to_payload(_message())
    payload["subject"] = "Réunion\x0bdu\u2028conseil\x85"
    row = _waiting_row(payload)
    assert services.email_send(row.pk) == services.Outcome.SENT
    (delivered,) = mail.outbox
    assert delivered.subject == "Réunion du conseil"


def test_a_report_that_cannot_be_built_is_only_logged(settings, caplog):
    """No loop: a report about a report stops at the log."""
    settings.ADMINS = ["exploitation@exemple.test\ud800"]
    with caplog.at_level(logging.ERROR, logger="outbox.payloads"), transaction.atomic():
        send_after_commit([_unbuildable()], template="support/email/team_new")
    said = [r.getMessage() for r in caplog.records if r.name == "outbox.payloads"]
    assert len(said) == 2
    assert "outbox/email/email_not_built" in said[1]
    assert mail.outbox == []
