"""``make run``: the development server and, beside it, the Celery worker and
beat of the periodic tasks, stopped together."""

from __future__ import annotations

import os

from django.core.management import call_command
from django.core.management.base import BaseCommand

from conseils import embedded


class Command(BaseCommand):
    # runserver checks the project itself, at each restart.
    requires_system_checks = []
    help = (
        "Serve the site with the development server and run the periodic tasks "
        "(digests, sweeps, purges) in a Celery worker with its beat, started and "
        "stopped with the server."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="")

    def handle(self, *args, addrport: str, **options):
        runserver_args = [addrport] if addrport else []
        # The development server's reloader runs this command again in a child
        # process (RUN_MAIN set), restarted at each change of the code: the one
        # worker belongs to the outer process, which lives as long as the server.
        if os.environ.get("RUN_MAIN") == "true":
            call_command("runserver", *runserver_args)
            return
        worker = embedded.worker_start()
        try:
            call_command("runserver", *runserver_args)
        finally:
            embedded.worker_stop(worker)
