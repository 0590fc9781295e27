"""Fill the database with a believable French site (idempotent)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from conseils import demo
from councils import emails


class Command(BaseCommand):
    help = "Create the demo accounts and a French-looking population. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            help="Add N times more of everything, for load and query-count measurements.",
        )

    def handle(self, *args, scale: int, **options):
        if scale < 0:
            self.stderr.write("--scale takes a number of 0 or more.")
            return
        # Demo data is written through the services, which e-mail people (a
        # reply to a followed topic...): nobody should receive those.
        with emails.muted(), transaction.atomic():
            report = demo.seed(scale=scale)
        for line in report:
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Password of the demo accounts: {demo.PASSWORD}")
        )
