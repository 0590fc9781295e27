"""The markdown editor's two calls: the live preview and the image upload.

django-markdownx's script posts to these with the CSRF token it reads from a
cookie named ``csrftoken``; ours is HttpOnly (and ``__Host-`` prefixed in
production), so these two views check the request's origin instead, with the
Fetch Metadata header browsers set and the Origin header: a cross-site page
can send neither as same-origin.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from common import ratelimit
from common.images import reencode_image
from common.markdown import render_markdown

from . import permissions
from .models import POST_MAX_LENGTH

IMAGE_WIDTH_PX = 1600
UPLOADS_PER_HOUR = 30


def _same_origin(request) -> bool:
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("Origin")
    return origin is not None and origin == f"{request.scheme}://{request.get_host()}"


def _guarded(view):
    @csrf_exempt
    @require_POST
    @login_required
    def wrapped(request, *args, **kwargs):
        if not _same_origin(request):
            return HttpResponseForbidden()
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return wrapped


@_guarded
def preview(request):
    """The sanitised HTML of the text being written (markdownx shows it as is)."""
    return HttpResponse(render_markdown(request.POST.get("content", "")[:POST_MAX_LENGTH]))


@_guarded
def image_upload(request):
    """Store a checked, re-encoded image (no metadata) and answer the markdown
    that shows it, as markdownx expects."""
    if not ratelimit.hit(
        f"forum-image:{request.user.pk}", limit=UPLOADS_PER_HOUR, period_seconds=3600
    ):
        return JsonResponse({"image": [_("Too many images in a short time.")]}, status=429)
    if not permissions.can_upload_images(request.user):
        return JsonResponse({"image": [_("Confirm your e-mail address first.")]}, status=403)
    uploaded = request.FILES.get("image")
    if uploaded is None:
        return JsonResponse({"image": [_("Choose an image.")]}, status=400)
    try:
        image = reencode_image(uploaded, size=IMAGE_WIDTH_PX, square=False, name="image")
    except ValidationError as error:
        return JsonResponse({"image": error.messages}, status=400)
    name = default_storage.save(f"forums/images/{uuid.uuid4().hex}.webp", image)
    return JsonResponse({"image_code": f"![]({default_storage.url(name)})"})
