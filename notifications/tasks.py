from celery import shared_task

from . import services


@shared_task(acks_late=True, soft_time_limit=120, time_limit=180)
def send_immediate(pks: list[int]) -> int:
    """E-mail notifications that their recipients want at once. Safe to run
    twice: each notification is claimed under its row lock, once. The
    messages themselves go through ``deliver_email``, which retries."""
    return services.deliver_immediate(pks)


@shared_task(acks_late=True, soft_time_limit=1800, time_limit=1900)
def send_daily_digests() -> int:
    """The daily digest of everything that waited for it."""
    return services.send_digests()
