"""Rebuild an empty database and storage from a backup archive, and check it."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from conseils import backups


class Command(BaseCommand):
    help = (
        "Restore a backup archive into an empty database and storage, then count and "
        "checksum again and compare with the archive's manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="An archive written by `backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that holds accounts and a storage that holds files "
            "(files absent from the archive are deleted).",
        )

    def handle(self, *args, archive: Path, force: bool, **options):
        if not archive.is_file():
            raise CommandError(f"No archive at {archive}.")
        try:
            report = backups.backup_restore(path=archive, force=force)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        if report.differences:
            raise CommandError(
                "The restored site differs from the archive's manifest:\n"
                + "\n".join(f"  {line}" for line in report.differences)
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {report.rows} rows, {report.files} files ({report.bytes} bytes) "
                f"in {report.seconds:.1f} s; counts and checksums match the manifest."
            )
        )
