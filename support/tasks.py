from celery import shared_task

from . import services


@shared_task
def warn_about_due_requests() -> int:
    """Warn the team about requests near or past their 24 hours. Only
    e-mails: whether a request is late is read from the data."""
    return services.warn_about_due_requests()
