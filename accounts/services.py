"""Every write to an account: profile changes, export, deletion."""

from __future__ import annotations

import io
import json
import logging
import zipfile
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
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


@dataclass(frozen=True)
class PersonalDataArchive:
    filename: str
    content: bytes
    content_type: str


def personal_data_export(*, user: User) -> PersonalDataArchive:
    """Everything the site holds about ``user``: JSON, or a zip when files go with it."""
    document: dict = {
        "export": {
            "site": "Conseils citoyens",
            "generated_at": timezone.now(),
            "account": user.email,
        }
    }
    files: dict[str, object] = {}
    for section in personal_data.sections():
        part = section.export(user)
        document[section.key] = part.data
        for name, field_file in part.files.items():
            files[f"{section.key}/{name}"] = field_file
    payload = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()
    stem = f"mes-donnees-{slugify(user.display_name) or 'compte'}-{timezone.localdate():%Y-%m-%d}"
    if not files:
        return PersonalDataArchive(f"{stem}.json", payload, "application/json")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("donnees.json", payload)
        for name, field_file in files.items():
            try:
                with field_file.open("rb") as handle:
                    archive.writestr(name, handle.read())
            except OSError:
                logger.warning("File %s missing from storage during export", field_file.name)
    return PersonalDataArchive(f"{stem}.zip", buffer.getvalue(), "application/zip")


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
