"""Site-wide background tasks: housekeeping."""

from __future__ import annotations

from celery import shared_task
from django.core import management


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def clear_expired_sessions() -> None:
    """Delete expired sessions. Idempotent, so safe to run twice."""
    management.call_command("clearsessions")
