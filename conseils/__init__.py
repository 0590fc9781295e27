"""The project: settings, root URLs, the Celery app, the showcase pages."""

from .celery import app as celery_app

__all__ = ("celery_app",)
