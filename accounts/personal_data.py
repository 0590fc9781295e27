"""The registry behind "Mes données": what each app holds about a user.

Each app that stores personal data registers one section from its
``AppConfig.ready``: a function that exports the user's data and, where the
app keeps something that must go with the account, a function that erases it.
Contributions shared with others (posts, documents) stay after deletion and
are shown as written by "compte supprimé": their foreign key to the user is
``SET_NULL``, which needs no eraser.

Each section also says, in plain words, what it holds: the archive's
``LISEZ-MOI.txt`` is written from these descriptions, so that the person
knows what each part of ``donnees.json`` and each folder of files is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models.fields.files import FieldFile

    from .models import User


@dataclass
class ExportPart:
    """What one section exports: JSON-safe data and the files that go with it."""

    data: Any
    files: dict[str, FieldFile] = field(default_factory=dict)


@dataclass(frozen=True)
class PersonalDataSection:
    """One part of the export.

    ``title`` names the part; ``contents`` describes, key by key, the JSON the
    section exports (empty when its data is one list, which ``title`` then
    describes); ``files_description`` says what the section's folder of files
    holds. All three are shown to the person (translatable, lazy).
    """

    key: str
    export: Callable[[User], ExportPart]
    erase: Callable[[User], None] | None = None
    title: str = ""
    contents: tuple[tuple[str, str], ...] = ()
    files_description: str = ""


_sections: dict[str, PersonalDataSection] = {}


def register(section: PersonalDataSection) -> None:
    existing = _sections.get(section.key)
    if existing is not None and existing != section:
        raise ValueError(f"A personal data section named {section.key!r} is already registered.")
    _sections[section.key] = section


def sections() -> list[PersonalDataSection]:
    return list(_sections.values())
