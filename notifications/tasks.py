from datetime import datetime

from celery import shared_task
from django.utils import timezone

from common.tasks import task_enqueue

from . import services


@shared_task(acks_late=True, soft_time_limit=120, time_limit=180)
def send_immediate(pks: list[int]) -> int:
    """E-mail notifications that their recipients want at once. Safe to run
    twice: each notification is claimed under its row lock, once. The
    messages themselves go through the outbox, which retries."""
    return services.deliver_immediate(pks)


@shared_task(acks_late=True, soft_time_limit=120, time_limit=180)
def deliver_late_immediate() -> int:
    """Every 30 seconds: what ``send_immediate`` should have sent and did not
    (never queued while the broker was down, or lost with a worker)."""
    return services.deliver_late_immediate()


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def send_daily_digests() -> int:
    """The daily digest: one task per batch of people, each claiming its
    rows under lock. Returns how many batches there were."""
    recipients = services.digest_recipients()
    batches = [
        recipients[start : start + services.DIGEST_BATCH]
        for start in range(0, len(recipients), services.DIGEST_BATCH)
    ]
    now = timezone.now()
    for batch in batches:
        if not task_enqueue(send_digest_batch, batch, now.isoformat()):
            # The broker refused it: send them here rather than a day late.
            # Each person is claimed under lock, so a cut by the time limit
            # leaves the others for the next run, never a digest twice.
            services.send_digests(now=now, recipient_ids=batch)
    return len(batches)


@shared_task(acks_late=True, soft_time_limit=900, time_limit=960)
def send_digest_batch(recipient_ids: list[int], now: str) -> int:
    """The digests of these people, for what waited until ``now``."""
    return services.send_digests(now=datetime.fromisoformat(now), recipient_ids=recipient_ids)
