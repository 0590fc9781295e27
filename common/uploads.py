"""Uploaded files checked by their content, never by their name.

The type is read from the file's first bytes (``filetype``), or, for plain
text and CSV, from the bytes being readable text that is not HTML, SVG or a
script. Images lose their metadata (EXIF, GPS position) and are refused above
50 megapixels (``common.images``, the site's one image decoder). A refused
file raises ValidationError with a French message and nothing is stored:
callers store only what this module returns.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from .images import image_decode, image_without_metadata

MEGABYTE = 1024 * 1024
TEXT_SNIFF_BYTES = 64 * 1024

# Kind → the extension and content type the stored file gets.
DOCUMENTS = {
    "pdf": "application/pdf",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
IMAGES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "gif": "image/gif"}
ARCHIVES = {"zip": "application/zip", "7z": "application/x-7z-compressed"}
TEXT = {"txt": "text/plain", "csv": "text/csv"}

ERROR_EMPTY = _("This file is empty.")
ERROR_TOO_LARGE = _("This file weighs %(size)s MB; the limit is %(max)s MB.")
ERROR_NOT_ALLOWED = _(
    "This kind of file is not accepted. Send a PDF, an OpenDocument or Office "
    "document, an image (JPEG, PNG, WebP, GIF), a text or a CSV file."
)
ERROR_EXECUTABLE = _("Programs and scripts are not accepted.")
ERROR_HTML = _("Web pages and SVG drawings are not accepted: save the page as PDF instead.")
ERROR_ARCHIVE = _("Archives (ZIP…) are not accepted: send the files one by one.")
ERROR_DAMAGED = _("This file seems damaged: it cannot be read.")

EXECUTABLES = {"exe", "elf", "wasm", "deb", "rpm", "crx", "swf", "cab"}
ARCHIVE_KINDS = {"zip", "tar", "rar", "gz", "bz2", "7z", "xz", "lz", "lz4", "lzo", "zst", "br", "Z"}
MARKUP_MARKERS = (b"<!doctype html", b"<html", b"<script", b"<svg", b"<?xml", b"<iframe", b"<body")


@dataclass(frozen=True)
class CheckedUpload:
    kind: str  # the extension the file gets: "pdf", "jpg", "csv"...
    content_type: str
    content: ContentFile


def check_upload(uploaded, *, max_bytes: int, allow_archives: bool = False) -> CheckedUpload:
    """Return the file as it may be stored, or raise ValidationError."""
    size = uploaded.size
    if not size:
        raise ValidationError(ERROR_EMPTY, code="empty")
    if size > max_bytes:
        raise ValidationError(
            ERROR_TOO_LARGE,
            code="too_large",
            params={
                "size": number_format(size / MEGABYTE, decimal_pos=1),
                "max": number_format(max_bytes / MEGABYTE, decimal_pos=0),
            },
        )
    uploaded.seek(0)
    head = uploaded.read(TEXT_SNIFF_BYTES)
    uploaded.seek(0)
    guess = filetype.guess(head)
    kind = guess.extension if guess else None
    if head.startswith((b"MZ", b"\x7fELF", b"#!")) or kind in EXECUTABLES:
        raise ValidationError(ERROR_EXECUTABLE, code="executable")
    if kind in IMAGES:
        return _checked_image(uploaded, kind)
    if kind in DOCUMENTS:
        return CheckedUpload(kind, DOCUMENTS[kind], ContentFile(uploaded.read()))
    if kind in ARCHIVE_KINDS:
        if allow_archives and kind in ARCHIVES:
            return CheckedUpload(kind, ARCHIVES[kind], ContentFile(uploaded.read()))
        raise ValidationError(ERROR_ARCHIVE, code="archive")
    if kind is None:
        return _checked_text(uploaded, head)
    raise ValidationError(ERROR_NOT_ALLOWED, code="not_allowed")


def _checked_text(uploaded, head: bytes) -> CheckedUpload:
    if b"\x00" in head:
        raise ValidationError(ERROR_NOT_ALLOWED, code="not_allowed")
    lowered = head.lstrip().lower()
    if any(marker in lowered for marker in MARKUP_MARKERS):
        raise ValidationError(ERROR_HTML, code="markup")
    data = uploaded.read()
    for encoding in ("utf-8", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(ERROR_NOT_ALLOWED, code="not_allowed")
    kind = "csv" if _looks_like_csv(text) else "txt"
    return CheckedUpload(kind, f"{TEXT[kind]}; charset=utf-8", ContentFile(text.encode()))


def _looks_like_csv(text: str) -> bool:
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    if len(lines) < 2:
        return False
    for separator in (";", ",", "\t"):
        counts = {line.count(separator) for line in lines}
        if len(counts) == 1 and counts.pop() > 0:
            return True
    return False


def _checked_image(uploaded, kind: str) -> CheckedUpload:
    """Decode (``common.images.image_decode``: the pixel count checked before
    decoding), rebuild from raw pixels (no EXIF, GPS, XMP or ICC metadata
    survives) and save in the same format."""
    save_format = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP", "gif": "GIF"}[kind]
    image = image_decode(uploaded, unreadable=ERROR_DAMAGED, unreadable_code="damaged")
    if kind == "jpg" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    output = io.BytesIO()
    options = {"quality": 90} if save_format in ("JPEG", "WEBP") else {}
    image_without_metadata(image).save(output, format=save_format, **options)
    return CheckedUpload(kind, IMAGES[kind], ContentFile(output.getvalue()))


def clean_filename(name: str, *, default: str = "fichier", typed: bool = False) -> str:
    """The name people see: no folders (``../``, ``\\``), no control or
    direction characters, no leading dots, 150 characters at most.

    An uploaded file's name keeps what follows its last slash (browsers may
    send a path); a name ``typed`` by someone (a folder, a rename) keeps
    every word, its slashes turned into dashes ("2025/2026" → "2025-2026").
    """
    if typed:
        name = name.replace("\\", "-").replace("/", "-")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        " " if unicodedata.category(char) in {"Zl", "Zp"} or char in "\t\r\n" else char
        for char in name
        if unicodedata.category(char) not in {"Cc", "Cf", "Cs", "Co", "Cn"} or char in "\t\r\n"
    )
    name = " ".join(name.split()).lstrip(". ")
    return name[:150] or default


EXTENSION_ALIASES = {"jpg": {"jpg", "jpeg"}, "txt": {"txt", "text", "md"}}


def name_for_kind(name: str, kind: str) -> str:
    """The name with the extension of what the file really is: a text file
    named ``virus.exe`` is kept as ``virus.txt``, never offered as a program."""
    stem, dot, extension = name.rpartition(".")
    if dot and extension.lower() in EXTENSION_ALIASES.get(kind, {kind}):
        return name
    return f"{stem if dot and stem else name}.{kind}"
