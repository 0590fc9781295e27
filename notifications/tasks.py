from datetime import datetime

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(acks_late=True, soft_time_limit=120, time_limit=180)
def send_immediate(pks: list[int]) -> int:
    """E-mail notifications that their recipients want at once. Safe to run
    twice: each notification is claimed under its row lock, once. The
    messages themselves go through the outbox, which retries."""
    return services.deliver_immediate(pks)


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def send_daily_digests() -> int:
    """The daily digest: one task per batch of people, each claiming its
    rows under lock. Returns how many batches were queued."""
    recipients = services.digest_recipients()
    batches = [
        recipients[start : start + services.DIGEST_BATCH]
        for start in range(0, len(recipients), services.DIGEST_BATCH)
    ]
    now = timezone.now().isoformat()
    for batch in batches:
        send_digest_batch.delay(batch, now)
    return len(batches)


@shared_task(acks_late=True, soft_time_limit=900, time_limit=960)
def send_digest_batch(recipient_ids: list[int], now: str) -> int:
    """The digests of these people, for what waited until ``now``."""
    return services.send_digests(now=datetime.fromisoformat(now), recipient_ids=recipient_ids)
