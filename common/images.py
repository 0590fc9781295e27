"""Pictures: the one decoder every image of the site goes through
(avatars, logos, covers, editor images, uploaded files, thumbnails), and
the re-encoding of pictures shown in pages (checked by their content,
stripped of their metadata, reduced)."""

from __future__ import annotations

import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

# MPO: the JPEG of cameras that store several pictures (the first is kept).
ACCEPTED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP", "GIF"})
# Far above any photo a phone takes (a 48 MP camera), far below a bomb.
MAX_PIXELS = 50_000_000
MEGABYTE = 1024 * 1024

ERROR_TOO_LARGE = _("This file weighs %(size)s MB; an image may weigh %(max)s MB at most.")
ERROR_NOT_AN_IMAGE = _(
    "This file is not an image we can read. Send an image in JPEG, PNG, WebP or GIF."
)
ERROR_TOO_MANY_PIXELS = _(
    "This image has too many pixels to be processed. "
    "Send an image of at most 50 million pixels, such as a phone photo."
)


def process_avatar(uploaded) -> ContentFile:
    """The avatar as a square WebP of AVATAR_SIZE_PX, without metadata."""
    return reencode_image(uploaded, size=settings.AVATAR_SIZE_PX, square=True, name="avatar")


def reencode_image(uploaded, *, size: int, square: bool, name: str) -> ContentFile:
    """Return ``uploaded`` as a WebP without metadata.

    ``square`` crops to a ``size`` × ``size`` square; otherwise the whole
    picture is kept, reduced to fit in that box (never enlarged). Raises
    ValidationError with a message for the user when the file is too heavy,
    is not an image, or would take too much memory to decode.
    """
    max_bytes = settings.IMAGE_MAX_UPLOAD_BYTES
    if uploaded.size > max_bytes:
        raise ValidationError(
            ERROR_TOO_LARGE,
            code="too_large",
            params={
                "size": number_format(uploaded.size / MEGABYTE, decimal_pos=1),
                "max": number_format(max_bytes / MEGABYTE, decimal_pos=0),
            },
        )
    image = image_decode(uploaded)
    image = image.convert("RGBA" if _has_alpha(image) else "RGB")
    if square:
        image = ImageOps.fit(image, (size, size), method=Image.Resampling.LANCZOS)
    elif image.width > size or image.height > size:
        image = ImageOps.contain(image, (size, size), method=Image.Resampling.LANCZOS)
    output = io.BytesIO()
    image_without_metadata(image).save(output, format="WEBP", quality=85, method=4)
    return ContentFile(output.getvalue(), name=f"{name}.webp")


def image_decode(
    source, *, unreadable=ERROR_NOT_AN_IMAGE, unreadable_code: str = "not_an_image"
) -> Image.Image:
    """Decode the picture in the file ``source``, upright (its EXIF
    orientation applied), fully loaded.

    The size is read from the header before any pixel is: more than
    MAX_PIXELS (a decompression bomb among others) raises ValidationError
    ``too_many_pixels``; a format outside ACCEPTED_FORMATS, a damaged or
    unreadable file raises ValidationError ``unreadable`` (with
    ``unreadable_code``).
    """
    source.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(source) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise ValidationError(unreadable, code=unreadable_code)
                width, height = probe.size
                if width * height > MAX_PIXELS:
                    raise ValidationError(ERROR_TOO_MANY_PIXELS, code="too_many_pixels")
                probe.verify()
            source.seek(0)
            with Image.open(source) as image:
                image.load()
                # An animation keeps its first frame, like a photo.
                return ImageOps.exif_transpose(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ValidationError(ERROR_TOO_MANY_PIXELS, code="too_many_pixels") from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise ValidationError(unreadable, code=unreadable_code) from exc


def image_without_metadata(image: Image.Image) -> Image.Image:
    """The same pixels rebuilt from raw bytes: no EXIF, GPS, XMP or ICC data
    of the original can ride along in ``info``."""
    clean = Image.frombytes(image.mode, image.size, image.tobytes())
    if image.mode == "P":
        clean.putpalette(image.getpalette())
    return clean


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in {"RGBA", "LA", "PA"} or (
        image.mode == "P" and "transparency" in image.info
    )
