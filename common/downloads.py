"""Sending a stored private file once its reader has been checked.

Three ways, by configuration: a short-lived signed URL when files are on S3
(the storage signs, for 5 minutes); ``X-Accel-Redirect`` to nginx's internal
``/protected-media/`` location when PROTECTED_MEDIA_X_ACCEL is on (nginx
sends the bytes, the worker is free at once); otherwise Django streams it.
Every answer is an attachment (or inline for images) with nosniff and no
shared caching.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpResponse, HttpResponseRedirect


def send_file(field_file, *, filename: str, content_type: str, inline: bool = False):
    if settings.AWS_STORAGE_BUCKET_NAME:
        response = HttpResponseRedirect(field_file.url)
    elif settings.PROTECTED_MEDIA_X_ACCEL:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = f"/protected-media/{quote(field_file.name)}"
        disposition = "inline" if inline else "attachment"
        response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    else:
        response = FileResponse(
            field_file.open("rb"),
            as_attachment=not inline,
            filename=filename,
            content_type=content_type,
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
