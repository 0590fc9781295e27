"""Uploads are judged by their content: the hostile list is refused with a
French message, the accepted kinds come back clean."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from common.uploads import check_upload
from tests.images import jpeg_with_gps, png

MAX = 20 * 1024 * 1024


def _file(name: str, content: bytes, content_type: str = "application/pdf"):
    # The announced name and type are lies on purpose: only the bytes count.
    return SimpleUploadedFile(name, content, content_type)


def _office(kind: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if kind == "docx":
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", "<w:document/>")
        else:
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photos/fete.txt", "bonjour")
    return buffer.getvalue()


HOSTILE_UPLOADS = [
    ("compte-rendu.pdf", b"MZ\x90\x00" + b"\x00" * 200, "executable"),
    ("photo.jpg", b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "executable"),
    ("notes.txt", b"#!/bin/sh\nrm -rf /\n", "executable"),
    ("affiche.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "markup"),
    ("page.txt", b"  <html><body onload=alert(1)>", "markup"),
    ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "markup"),
    ("dessin.svg", b'<?xml version="1.0"?><svg></svg>', "markup"),
    ("documents.pdf", _zip(), "archive"),
    ("archive.tar.gz", b"\x1f\x8b\x08\x00" + b"\x00" * 100, "archive"),
    ("binaire.txt", b"\x00\x01\x02\x03" * 100, "not_allowed"),
    ("vide.pdf", b"", "empty"),
]


@pytest.mark.parametrize(("name", "content", "code"), HOSTILE_UPLOADS)
def test_hostile_uploads_are_refused_with_a_reason(name, content, code):
    with pytest.raises(ValidationError) as excinfo:
        check_upload(_file(name, content), max_bytes=MAX)
    assert excinfo.value.code == code
    assert excinfo.value.messages[0]  # a French sentence for the user


def test_archives_pass_only_when_allowed():
    checked = check_upload(_file("photos.zip", _zip()), max_bytes=MAX, allow_archives=True)
    assert checked.kind == "zip"


def test_a_file_over_the_limit_says_its_size():
    with pytest.raises(ValidationError) as excinfo:
        check_upload(_file("gros.pdf", b"%PDF-1.4\n" + b"0" * 2_000_000), max_bytes=1024 * 1024)
    assert "1,9 Mo" in excinfo.value.messages[0]


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("Compte rendu.exe", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "pdf"),
        ("lettre.bin", _office("docx"), "docx"),
        ("texte.dat", _office("odt"), "odt"),
        ("liste.xls", b"nom;quartier\nFatou;Alma\nJulien;Gare\n", "csv"),
        ("mot.doc", "Réunion jeudi à 18 h à la maison de quartier.".encode("cp1252"), "txt"),
    ],
)
def test_accepted_kinds_are_named_by_their_content(name, content, kind):
    assert check_upload(_file(name, content), max_bytes=MAX).kind == kind


def test_text_is_stored_as_utf8():
    checked = check_upload(_file("mot.txt", "Élodie à l'écoute".encode("cp1252")), max_bytes=MAX)
    assert checked.content.read().decode("utf-8") == "Élodie à l'écoute"


def test_photos_lose_their_gps_position_and_keep_their_format():
    checked = check_upload(jpeg_with_gps(), max_bytes=MAX)
    assert checked.kind == "jpg"
    with Image.open(checked.content) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert image.size == (1200, 800)


def test_an_image_over_50_megapixels_is_refused():
    buffer = io.BytesIO()
    Image.new("1", (8000, 6400)).save(buffer, format="PNG")
    with pytest.raises(ValidationError) as excinfo:
        check_upload(_file("plan.png", buffer.getvalue(), "image/png"), max_bytes=MAX)
    assert excinfo.value.code == "too_many_pixels"


def test_a_damaged_image_is_refused():
    data = png().read()[:60]
    with pytest.raises(ValidationError) as excinfo:
        check_upload(_file("casse.png", data, "image/png"), max_bytes=MAX)
    assert excinfo.value.code == "damaged"


def test_a_png_decompression_bomb_is_refused_before_decoding():
    from tests.images import png_bomb

    with pytest.raises(ValidationError) as excinfo:
        check_upload(png_bomb(), max_bytes=MAX)
    assert excinfo.value.code == "too_many_pixels"


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("compte\x00rendu\x07.pdf", "compterendu.pdf"),
        ("facture\u202egnp.exe", "facturegnp.exe"),
        ("  .cache  ", "cache"),
        ("ligne\nsuivante.txt", "ligne suivante.txt"),
        ("", "fichier"),
    ],
)
def test_file_names_lose_paths_and_invisible_characters(given, kept):
    from common.uploads import clean_filename

    assert clean_filename(given) == kept


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("Réunions 2025/2026", "Réunions 2025-2026"),
        ("Entrées\\sorties", "Entrées-sorties"),
        ("../../etc", "-..-etc"),  # no leading dot: never a hidden name
        ("compte\x00rendu", "compterendu"),
    ],
)
def test_typed_names_keep_every_word_their_slashes_made_dashes(given, kept):
    from common.uploads import clean_filename

    assert clean_filename(given, typed=True) == kept
