"""Messages queued for the e-mail task of the release before the outbox are
not lost when the site is upgraded while they wait in the broker."""

from __future__ import annotations

import pytest
from celery import current_app
from django.core import mail
from django.core.mail import EmailMessage

from outbox.models import OutboundEmail
from outbox.payloads import message_to_payload

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_message_queued_by_the_previous_release_goes_through_the_outbox():
    message = EmailMessage(subject="Réunion du conseil", body="Jeudi.", to=["membre@exemple.test"])
    message.template_name = "councils/email/meeting"
    payload = message_to_payload(message)

    # Found by its name, as a worker finds a message's task.
    current_app.loader.import_default_modules()
    current_app.tasks["conseils.tasks.deliver_email"].delay(payload).get()

    (row,) = OutboundEmail.objects.all()
    assert row.status == OutboundEmail.Status.SENT
    assert row.template == "councils/email/meeting"
    (sent,) = mail.outbox
    assert sent.subject == "Réunion du conseil"
    assert sent.extra_headers["Message-ID"] == row.message_id
