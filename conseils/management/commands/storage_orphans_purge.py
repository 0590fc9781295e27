"""Delete the stored files that no row names, older than a day (or than asked)."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from conseils.storage_orphans import KEEP_FOR, storage_orphans_purge


class Command(BaseCommand):
    help = (
        "Delete the stored files (local folder or S3 bucket) that no row of the "
        "database names and that are older than 24 hours. Celery beat runs it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List the orphan files, delete nothing."
        )
        parser.add_argument(
            "--older-than-minutes",
            type=int,
            default=int(KEEP_FOR.total_seconds() // 60),
            help=(
                "Only files older than this (default: a day). Lower it only while "
                "no upload is in flight (a test, a maintenance window): a file being "
                "uploaded has no row yet."
            ),
        )

    def handle(self, *args, dry_run: bool, older_than_minutes: int, **options):
        if older_than_minutes < 0:
            raise CommandError("--older-than-minutes cannot be negative.")
        result = storage_orphans_purge(
            dry_run=dry_run, keep_for=timedelta(minutes=older_than_minutes)
        )
        if result.refused:
            raise CommandError(
                f"{len(result.names)} old stored files and the database names none: "
                "nothing deleted. Check DATABASE_URL."
            )
        for name in result.names:
            self.stdout.write(name)
        verb = "would be deleted" if dry_run else "deleted"
        self.stdout.write(
            self.style.SUCCESS(f"{len(result.names)} orphan files {verb} ({result.bytes} bytes).")
        )
