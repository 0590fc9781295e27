"""Image files made on the fly for upload tests."""

from __future__ import annotations

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def jpeg_with_gps(size=(1200, 800), name="photo.jpg") -> SimpleUploadedFile:
    """A real photo-like JPEG whose EXIF carries a camera model and GPS position."""
    image = Image.new("RGB", size, (200, 80, 40))
    exif = Image.Exif()
    exif[0x0110] = "Appareil de test"  # Model
    gps = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}
    exif[0x8825] = gps
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes(), quality=90)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def png(size=(64, 64), name="image.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGBA", size, (10, 120, 200, 128)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width=20_000, height=20_000, name="bombe.png") -> SimpleUploadedFile:
    """A small file that claims 20,000 by 20,000 pixels (400 million) once decoded."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    row = b"\x00" + b"\x00" * width
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(64)) + compressor.flush()
    content = (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )
    return SimpleUploadedFile(name, content, content_type="image/png")


def text_renamed_png(name="pas-une-image.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"Ceci est un texte, pas une image.\n" * 20, "image/png")


def heavy_file(megabytes=6, name="lourd.jpg") -> SimpleUploadedFile:
    """A file over the 5 MB limit (a valid JPEG header followed by padding)."""
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32)).save(buffer, format="JPEG")
    content = buffer.getvalue() + b"\x00" * (megabytes * 1024 * 1024)
    return SimpleUploadedFile(name, content, content_type="image/jpeg")
