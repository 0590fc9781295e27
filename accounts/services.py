"""Every write to an account: profile changes, export, deletion."""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify

from common.files import stored_file_delete_on_commit, stored_file_save

from . import personal_data
from .models import User

logger = logging.getLogger(__name__)


def profile_update(
    *,
    user: User,
    display_name: str,
    bio: str,
    town: str,
    publish_avatar: bool,
    publish_bio: bool,
    publish_town: bool,
    new_avatar: ContentFile | None = None,
    remove_avatar: bool = False,
    publish_profile: bool = False,
    grammatical_gender: str | None = None,
) -> User:
    """Save the profile.

    ``new_avatar`` must already be checked and re-encoded (``process_avatar``).
    The new file is stored last and removed again if the save fails; the file
    it replaces is deleted once the transaction has committed.
    """
    old_avatar_name = user.avatar.name if user.avatar else ""
    user.display_name = display_name
    user.bio = bio
    user.town = town
    if grammatical_gender is not None:
        user.grammatical_gender = grammatical_gender
    user.publish_profile = publish_profile
    user.publish_avatar = publish_avatar
    user.publish_bio = publish_bio
    user.publish_town = publish_town
    if remove_avatar and new_avatar is None:
        user.avatar = ""
    user.full_clean(exclude=["password", "avatar"])
    with transaction.atomic():
        if new_avatar is None:
            user.save()
        else:
            with stored_file_save(user.avatar, new_avatar.name, new_avatar):
                user.save()
        new_avatar_name = user.avatar.name if user.avatar else ""
        if old_avatar_name != new_avatar_name:
            stored_file_delete_on_commit([old_avatar_name])
    return user


README_NAME = "LISEZ-MOI.txt"
DATA_NAME = "donnees.json"
# Past this size the archive being written moves from memory to a temporary file.
SPOOL_MAX_SIZE = 8 * 1024 * 1024
COPY_CHUNK_SIZE = 1024 * 1024


@dataclass(frozen=True)
class PersonalDataArchive:
    """The zip, in a temporary file positioned at its start; whoever sends
    it closes it (``FileResponse`` does)."""

    filename: str
    file: IO[bytes]
    content_type: str = "application/zip"


def personal_data_export(*, user: User) -> PersonalDataArchive:
    """Everything the site holds about ``user``, in a zip: ``donnees.json``
    (one part per registered section), the files that go with it in one
    folder per section, and ``LISEZ-MOI.txt``, which says in French what each
    part and each folder is.

    Memory stays bounded whatever the size of the files: the zip is written
    to a temporary file (on disk past a few megabytes) and each stored file
    is copied into it in chunks.
    """
    generated_at = timezone.now()
    document: dict = {
        "export": {
            "site": "Conseils citoyens",
            "generated_at": generated_at,
            "account": user.email,
        }
    }
    parts: list[tuple[personal_data.PersonalDataSection, list[str]]] = []
    archive_file = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_SIZE)  # noqa: SIM115
    try:
        with zipfile.ZipFile(archive_file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for section in personal_data.sections():
                part = section.export(user)
                document[section.key] = part.data
                written = []
                for name, field_file in part.files.items():
                    path = f"{section.key}/{name}"
                    if _copy_into(archive, path, field_file):
                        written.append(path)
                parts.append((section, written))
            payload = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
            archive.writestr(DATA_NAME, payload)
            archive.writestr(README_NAME, _readme(user, generated_at, parts))
        archive_file.seek(0)
    except BaseException:
        archive_file.close()
        raise
    stem = f"mes-donnees-{slugify(user.display_name) or 'compte'}-{timezone.localdate():%Y-%m-%d}"
    return PersonalDataArchive(f"{stem}.zip", archive_file)


def _copy_into(archive: zipfile.ZipFile, path: str, field_file) -> bool:
    """Copy one stored file into the zip in chunks; False if storage lost it."""
    try:
        source = field_file.open("rb")
    except OSError:
        logger.warning("File %s missing from storage during export", field_file.name)
        return False
    # Stored as they are: photos, PDF and office files are compressed
    # already, and deflating them again would cost the request seconds.
    entry = zipfile.ZipInfo(path, date_time=timezone.localtime().timetuple()[:6])
    entry.compress_type = zipfile.ZIP_STORED
    with source, archive.open(entry, "w", force_zip64=True) as target:
        shutil.copyfileobj(source, target, length=COPY_CHUNK_SIZE)
    return True


def _readme(user: User, generated_at, parts) -> str:
    """``LISEZ-MOI.txt``: the parts of the archive, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            "accounts/personal_data_readme.txt",
            {
                "user": user,
                "generated_at": generated_at,
                "readme_name": README_NAME,
                "data_name": DATA_NAME,
                "has_files": any(files for _section, files in parts),
                "parts": [
                    {
                        "key": section.key,
                        "title": section.title,
                        "contents": section.contents,
                        "files_description": section.files_description,
                        "files": files,
                    }
                    for section, files in parts
                ],
            },
        )


def account_delete(*, user: User) -> None:
    """Delete the account and what belongs only to it.

    Each registered section erases what it must; shared contributions keep
    existing without an author ("compte supprimé"). Stored files go after commit.
    """
    avatar_name = user.avatar.name if user.avatar else ""
    with transaction.atomic():
        for section in personal_data.sections():
            if section.erase is not None:
                section.erase(user)
        user.delete()
        stored_file_delete_on_commit([avatar_name])
    logger.info("Account deleted at the owner's request")
