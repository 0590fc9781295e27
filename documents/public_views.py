"""What councils publish: readable and downloadable by anyone, and only that."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from common.access import deny, login_or
from common.downloads import send_file

from . import permissions, selectors, services
from .models import Document, Page
from .templatetags.documents_tags import file_size
from .views import access_files

PUBLICATIONS_SHOWN = 200


def publications(request):
    items = selectors.publications(limit=PUBLICATIONS_SHOWN)
    page = Paginator(items, 25).get_page(request.GET.get("page"))
    return render(request, "documents/publications.html", {"page": page})


def public_download(request, pk: int):
    document = get_object_or_404(
        Document.objects.select_related("council", "current_version"), pk=pk
    )
    if not permissions.is_public(document) or document.current_version is None:
        raise Http404
    services.document_download_count(document=document)
    version = document.current_version
    return send_file(version.file, filename=document.name, content_type=version.content_type)


def public_page(request, pk: int):
    page = get_object_or_404(Page.objects.select_related("council", "current"), pk=pk)
    if not permissions.is_public(page):
        raise Http404
    return render(request, "documents/public_page.html", {"page": page, "council": page.council})


@login_or
def toggle_publication(request, slug: str, kind: str, pk: int):
    """Make a file or a page public, or private again. Publishing asks first
    (a GET, or a POST without ``confirm``, shows what becomes public and to
    whom); making private only hides, so it needs no confirmation."""
    council = access_files(request, slug)
    model = Document if kind == "fichier" else Page
    item = get_object_or_404(model.objects.live(), pk=pk, council=council)
    if not permissions.can_publish(request.user, council):
        deny(request)
    if request.method == "GET":
        if item.published_at is not None:
            return redirect(item)
        return _publish_confirmation(request, council, item)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    # The form says what its button offered: a second tab showing "Publish"
    # once the file is public must not make it private again.
    wanted = request.POST.get("public")
    public = wanted == "1" if wanted in ("0", "1") else item.published_at is None
    if public and "confirm" not in request.POST:
        if item.published_at is not None:
            return redirect(item)
        return _publish_confirmation(request, council, item)
    if public != (item.published_at is not None):
        services.item_publish(user=request.user, item=item, public=public)
    messages.success(
        request,
        _("Published: it is on the council's public page.")
        if public
        else _("No longer public: only the members see it."),
    )
    return redirect(item)


def _publish_confirmation(request, council, item):
    """Say plainly what becomes public, to whom, and where, before publishing."""
    where = _(
        "It will appear on the public page of %(council)s and in the list of "
        "publications of all councils (%(publications)s)."
    ) % {
        "council": council.name,
        "publications": request.build_absolute_uri(reverse("documents:publications")),
    }
    later = _("You can make it private again later, but by then copies may already have been made.")
    warning = ""
    if isinstance(item, Document):
        version = item.current_version
        first = _(
            "“%(name)s” (%(size)s) becomes public: anyone on the internet can "
            "download it, without an account."
        ) % {"name": item.name, "size": file_size(version.size if version else 0)}
        if selectors.may_hold_personal_data(item):
            warning = _(
                "Careful: its name or type suggests it may hold personal data "
                "(contacts, addresses, a list of members). Publish it only if "
                "everyone in it has agreed to be public."
            )
        name = item.name
    else:
        first = _(
            "“%(name)s” becomes public: anyone on the internet can read it, without an account."
        ) % {"name": item.title}
        name = item.title
    context = {
        "council": council,
        "title": _("Publish “%(name)s”?") % {"name": name},
        "explanation": [first, where, later],
        "warning": warning,
        "hidden": {"public": "1", "confirm": "1"},
        "action": request.path,
        "confirm_label": _("Publish for everyone"),
        "cancel_url": item.get_absolute_url(),
    }
    return render(request, "confirm.html", context)


def council_publications_section(request, council) -> str:
    """The block of the council's public page (registered in councils.registry)."""
    items = selectors.publications(council=council, limit=10)
    if not items:
        return ""
    return render_to_string(
        "documents/_council_publications.html", {"items": items, "council": council}, request
    )
