from celery import shared_task

from . import services


@shared_task
def announce_due_articles() -> int:
    """E-mail subscribers about articles whose time has come. Only e-mails:
    whether an article shows is decided by the queries, not by this task."""
    return services.announce_due_articles()
