"""Reading the "Mes données" zip in tests."""

from __future__ import annotations

import io
import json
import zipfile

from accounts.services import DATA_NAME, personal_data_export


def export_zip(user) -> zipfile.ZipFile:
    archive = personal_data_export(user=user)
    with archive.file:
        return zipfile.ZipFile(io.BytesIO(archive.file.read()))


def exported(user) -> dict:
    """The parsed ``donnees.json`` of ``user``'s export."""
    return json.loads(export_zip(user).read(DATA_NAME))


def exported_text(user) -> str:
    """``donnees.json`` as text, to look for a word anywhere in it."""
    return export_zip(user).read(DATA_NAME).decode()


def response_zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
