"""Write one backup archive: the database, every stored file, a manifest."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from conseils import backups


class Command(BaseCommand):
    help = (
        "Write one archive (conseils-YYYYmmdd-HHMMSS.tar) holding the database, every "
        "file of the default storage and a manifest of counts and checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            type=Path,
            default=None,
            help="Folder of the archives (default: the BACKUP_DIR setting).",
        )
        parser.add_argument(
            "--keep-days",
            type=int,
            default=None,
            help="After a successful backup, delete this command's archives older than "
            "N days in that folder (never the newest one).",
        )

    def handle(self, *args, dir: Path | None, keep_days: int | None, **options):
        if keep_days is not None and keep_days < 1:
            raise CommandError("--keep-days takes a number of days of 1 or more.")
        try:
            path = backups.backup_create(directory=dir)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backup written: {path} ({path.stat().st_size} bytes)")
        if keep_days is not None:
            for old in backups.backups_prune(directory=path.parent, keep_days=keep_days):
                self.stdout.write(f"Deleted, older than {keep_days} days: {old}")
