"""The site's e-mail backend (``MAILERS["default"]``): every message, allauth's
included, becomes an outbox row in the current transaction."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from . import services


class OutboxEmailBackend(BaseEmailBackend):
    """Write each message to the outbox; ``outbox.tasks`` send it.

    Each message is built once here, in the process that wrote it: one that
    cannot be is reported to the admins and left out, never written to fail
    in a worker nor allowed to break the page that sent it.
    """

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        written = 0
        for message in email_messages:
            if message.recipients() and services.email_write(message) is not None:
                written += 1
        return written
