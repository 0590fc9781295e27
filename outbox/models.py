"""The outbox: every e-mail of the site, written in the transaction of what
causes it, then sent by a task and, whatever happens to that task, by a
periodic sweep.

A row is sent under its row lock and marked sent in that same transaction, so
two workers never send it both, and a worker killed while sending leaves it
waiting for the next sweep. Its ``Message-ID`` is fixed when it is written:
the one time a message can leave twice (the SMTP server accepted it and the
worker died before its mark was committed), the second copy has the same
identifier, which mail programs recognise as the same message.
"""

from __future__ import annotations

import json

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboundEmail(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("given up")

    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    # Names the message in logs, reports and the admin, instead of its content.
    template = models.CharField(_("template"), max_length=200, blank=True)
    recipient_count = models.PositiveIntegerField(_("recipients"))
    # The message itself (outbox.payloads), as ASCII JSON bytes: PostgreSQL's
    # json and text types refuse a NUL or a lone surrogate, which a message
    # may hold until it is built. Emptied once the message is sent.
    payload = models.BinaryField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("written at"), default=timezone.now, db_index=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    # When the admins were told this message had waited more than an hour.
    late_reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(status="pending"),
                name="outbox_pending_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.template or self.message_id} ({self.get_status_display()})"

    @staticmethod
    def payload_encode(payload: dict) -> bytes:
        return json.dumps(payload, ensure_ascii=True).encode("ascii")

    def payload_decode(self) -> dict:
        return json.loads(bytes(self.payload).decode("ascii"))
