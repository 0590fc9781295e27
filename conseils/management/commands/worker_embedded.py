"""The Celery worker of ``make run``, with beat in one of its threads."""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand

from conseils import embedded


class Command(BaseCommand):
    # The development server beside it checks the project.
    requires_system_checks = []
    help = (
        "Run a Celery worker with beat in one of its threads, for the periodic tasks "
        "under `make run` (run_embedded starts it). It stops when the process that "
        "started it ends."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--parent",
            type=int,
            default=os.getppid(),
            help="Stop when this process is no longer the parent (default: the parent).",
        )
        parser.add_argument("--loglevel", default="INFO")

    def handle(self, *args, parent: int, loglevel: str, **options):
        embedded.worker_run(parent=parent, schedule=embedded.schedule_path(), loglevel=loglevel)
