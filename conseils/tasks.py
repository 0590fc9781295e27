"""Site-wide background tasks: housekeeping."""

from __future__ import annotations

from celery import shared_task
from django.core import management


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def clear_expired_sessions() -> None:
    """Delete expired sessions. Idempotent, so safe to run twice."""
    management.call_command("clearsessions")


@shared_task
def deliver_email(payload: dict) -> None:
    """The e-mail task of the release before the outbox: messages it queued
    (or held for a retry) when the site was upgraded become outbox rows,
    instead of being dropped as an unknown task. Can go one release later."""
    from django.db import transaction

    from outbox.payloads import payload_to_message, report_not_built
    from outbox.services import email_write

    try:
        message = payload_to_message(payload)
    except (ValueError, KeyError, TypeError) as error:
        recipients = [*payload.get("to", []), *payload.get("cc", []), *payload.get("bcc", [])]
        report_not_built(
            template=payload.get("template", ""), recipients=len(recipients), error=error
        )
        return
    with transaction.atomic():
        email_write(message)
