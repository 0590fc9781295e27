"""The markdown editor's two calls: the live preview and the image upload.

django-markdownx's script posts to these with the CSRF token it reads from a
cookie named ``csrftoken``; ours is HttpOnly (and ``__Host-`` prefixed in
production), so these two views check the request's origin instead, with the
Fetch Metadata header browsers set and the Origin header: a cross-site page
can send neither as same-origin.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from common import ratelimit
from common.downloads import send_file
from common.files import stored_file_save
from common.images import reencode_image
from common.markdown import LONGEST_TEXT, render_markdown
from common.widgets import PREVIEW_LENGTH_PARAMETER

from . import permissions
from .models import Forum, ForumImage

IMAGE_WIDTH_PX = 1600
UPLOADS_PER_HOUR = 30
# markdownx asks for a preview once the writer has stopped typing for 800 ms:
# someone writing sends a few a minute. 30 bounds what one account can make
# the server render: the longest text of the slowest pathological family
# takes about 0.1 s of CPU (bench/markdown.py), ordinary text well under 1 ms.
PREVIEWS_PER_MINUTE = 30

ERROR_PREVIEW_UNVERIFIED = gettext_lazy(
    "Confirm your e-mail address to see the preview: the link is in the e-mail we sent you."
)
ERROR_PREVIEW_TOO_MANY = gettext_lazy(
    "The preview is paused: too many in a short time. It comes back within a minute."
)
ERROR_PREVIEW_TOO_LONG = gettext_lazy(
    "This text is %(length)s characters long; the preview stops at %(max)s. "
    "Shorten it to see the preview."
)


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
    """The sanitised HTML of the text being written (markdownx shows it as is).

    Asks what posting asks: a verified account, a pace and a length: the
    limit of the field being written, which the editor names
    (``common.widgets``), and never more than the longest text a form takes.
    The field's limit is the writer's own guide, not a guard: any verified
    account may write in a field of ``LONGEST_TEXT``'s length somewhere. A
    refusal is shown in the preview's place.
    """
    if not permissions.can_use_editor(request.user):
        return _preview_refused(ERROR_PREVIEW_UNVERIFIED, status=403)
    if not ratelimit.hit(
        f"markdown-preview:{request.user.pk}", limit=PREVIEWS_PER_MINUTE, period_seconds=60
    ):
        return _preview_refused(ERROR_PREVIEW_TOO_MANY, status=429)
    text = request.POST.get("content", "")
    longest = _field_length(request.GET.get(PREVIEW_LENGTH_PARAMETER, ""))
    if len(text) > longest:
        params = {"length": number_format(len(text)), "max": number_format(longest)}
        return _preview_refused(ERROR_PREVIEW_TOO_LONG % params, status=413)
    return HttpResponse(render_markdown(text))


def _field_length(declared: str) -> int:
    """The limit the editor named, within ``LONGEST_TEXT``."""
    if declared.isascii() and declared.isdigit() and 0 < int(declared) < LONGEST_TEXT:
        return int(declared)
    return LONGEST_TEXT


def _preview_refused(message: str, *, status: int) -> HttpResponse:
    return HttpResponse(format_html('<p class="preview-refused">{}</p>', message), status=status)


@_guarded
def image_upload(request, slug: str):
    """Store a checked, re-encoded image (no metadata) for the forum at
    ``slug`` and answer the markdown that shows it, as markdownx expects."""
    forum = Forum.objects.filter(slug=slug).select_related("council").first()
    if forum is None or not permissions.can_read_forum(request.user, forum):
        raise Http404
    if not permissions.can_post_in(request.user, forum):
        return JsonResponse({"image": [_("You cannot add images here.")]}, status=403)
    if not ratelimit.hit(
        f"forum-image:{request.user.pk}", limit=UPLOADS_PER_HOUR, period_seconds=3600
    ):
        return JsonResponse({"image": [_("Too many images in a short time.")]}, status=429)
    uploaded = request.FILES.get("image")
    if uploaded is None:
        return JsonResponse({"image": [_("Choose an image.")]}, status=400)
    try:
        content = reencode_image(uploaded, size=IMAGE_WIDTH_PX, square=False, name="image")
    except ValidationError as error:
        return JsonResponse({"image": error.messages}, status=400)
    image = ForumImage(forum=forum, uploaded_by=request.user)
    with stored_file_save(image.file, "image.webp", content):
        image.save()
    description = _("image")
    return JsonResponse({"image_code": f"\n\n![{description}]({image.get_absolute_url()})\n\n"})


def image(request, pk):
    """An editor image, for whoever may read its forum (404 for anyone else)."""
    image = get_object_or_404(ForumImage.objects.select_related("forum__council"), pk=pk)
    if not permissions.can_read_forum(request.user, image.forum):
        raise Http404
    return send_file(image.file, filename="image.webp", content_type="image/webp", inline=True)
