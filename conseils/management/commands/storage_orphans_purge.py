"""Delete the stored files that no row names, older than a day."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from conseils.storage_orphans import storage_orphans_purge


class Command(BaseCommand):
    help = (
        "Delete the stored files (local folder or S3 bucket) that no row of the "
        "database names and that are older than 24 hours. Celery beat runs it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List the orphan files, delete nothing."
        )

    def handle(self, *args, dry_run: bool, **options):
        result = storage_orphans_purge(dry_run=dry_run)
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
