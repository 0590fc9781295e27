"""Site-wide background tasks: e-mail delivery and housekeeping."""

from __future__ import annotations

import smtplib
from typing import Any

from celery import shared_task
from django.core import mail, management

from .mail import built, report_not_built


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=8,
    soft_time_limit=30,
    time_limit=60,
)
def deliver_email(payload: dict[str, Any]) -> None:
    """Send one queued message through the real backend.

    Not ``acks_late``: a worker lost after the SMTP server accepted the
    message would send it twice; losing a rare message is the lesser harm.
    A message that cannot be built (``ValueError``) never will be: it is
    logged and reported to the admins once, not retried.
    """
    try:
        message = built(payload)
    except ValueError as error:
        recipients = [*payload.get("to", []), *payload.get("cc", []), *payload.get("bcc", [])]
        report_not_built(
            template=payload.get("template", ""), recipients=len(recipients), error=error
        )
        return
    mail.mailers["delivery"].send_messages([message])


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def clear_expired_sessions() -> None:
    """Delete expired sessions. Idempotent, so safe to run twice."""
    management.call_command("clearsessions")
