"""Bring the SQLite search index up to date, or fill it again whole."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from search import fts


class Command(BaseCommand):
    help = (
        "SQLite: create the missing full-text tables and fill those whose fields, "
        "stemming or triggers changed (every migrate does it too); with --rebuild, "
        "fill them all again. PostgreSQL keeps its vectors itself: nothing to do."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="Fill every table again from its rows."
        )
        parser.add_argument("--database", default="default", help="The database alias.")

    def handle(self, *args, rebuild: bool, database: str, **options):
        if database not in connections:
            raise CommandError(f"No database named {database!r}.")
        connection = connections[database]
        if connection.vendor != "sqlite":
            self.stdout.write("PostgreSQL keeps its search vectors itself: nothing to do.")
            return
        started = time.perf_counter()
        filled = fts.ensure(connection, rebuild=rebuild)
        elapsed = time.perf_counter() - started
        for name in filled:
            self.stdout.write(f"Filled {name}.")
        self.stdout.write(
            self.style.SUCCESS(f"Search index up to date ({len(filled)} filled, {elapsed:.2f} s).")
        )
