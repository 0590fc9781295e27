"""Sending the outbox: one task per message, queued after its transaction
commits, and a sweep every 30 seconds for whatever that task did not send
(broker down, worker killed, SMTP server away)."""

from __future__ import annotations

from celery import shared_task

from . import services


# Not acks_late: if the worker dies, the row is still waiting and the next
# sweep sends it; redelivering the task would add nothing.
@shared_task(soft_time_limit=60, time_limit=90)
def email_send(pk: int) -> str:
    """Send one outbox row, if it is still waiting and due."""
    return services.email_send(pk)


@shared_task(soft_time_limit=55, time_limit=80)
def outbox_sweep() -> int:
    """Send what is due; tell the admins of what waits too long."""
    return services.outbox_sweep()


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def outbox_purge() -> int:
    """Forget what was sent or given up a month ago. Idempotent."""
    return services.outbox_purge()
