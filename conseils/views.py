"""The showcase's own pages and the health check."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from common.access import deny, login_or

from . import permissions, services
from .forms import SitePageForm
from .models import SitePage

logger = logging.getLogger(__name__)


def home(request):
    return render(request, "conseils/home.html")


def static_page(request, template_name: str):
    return render(request, f"conseils/pages/{template_name}.html")


# The editable pages (about, legal notice, FAQ…): anyone reads them, the
# national animation writes them.


def access_site_page(request, slug: str) -> SitePage:
    """The page, if the user may edit it; 404 otherwise (login for visitors)."""
    page = get_object_or_404(SitePage, slug=slug)
    if not permissions.can_edit_site_pages(request.user):
        deny(request)
    return page


def site_page(request, slug: str):
    page = get_object_or_404(SitePage, slug=slug)
    context = {"page": page, "can_edit": permissions.can_edit_site_pages(request.user)}
    return render(request, "conseils/site_page.html", context)


@login_or
def site_page_edit(request, slug: str):
    page = access_site_page(request, slug)
    initial = {
        "title": page.title,
        "summary": page.summary,
        "body": page.body,
        "version": page.version,
    }
    form = SitePageForm(request.POST if request.method == "POST" else None, initial=initial)
    theirs = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        based_on = data["version"]
        try:
            services.site_page_update(
                actor=request.user,
                page=page,
                title=data["title"],
                summary=data["summary"],
                body=data["body"],
                change_summary=data["change_summary"],
                based_on=based_on,
            )
        except ValidationError as error:
            form.add_error(None, error)
            if error.code == "stale":
                # What changed since the writer's version, and a fresh base to save on.
                page.refresh_from_db()
                theirs = services.site_page_changes_since(page, based_on)
                form.data = form.data.copy()
                form.data["version"] = page.version
        else:
            messages.success(request, _("Page saved."))
            return redirect(page)
    return render(
        request, "conseils/site_page_form.html", {"page": page, "form": form, "theirs": theirs}
    )


@login_or
def site_page_history(request, slug: str):
    page = access_site_page(request, slug)
    revisions = page.revisions.select_related("author")
    return render(
        request, "conseils/site_page_history.html", {"page": page, "revisions": revisions}
    )


@login_or
def site_page_restore(request, slug: str, number: int):
    page = access_site_page(request, slug)
    revision = get_object_or_404(page.revisions, number=number)
    if request.method != "POST":
        context = {
            "title": _("Bring back version %(number)s of “%(title)s”?")
            % {"number": revision.number, "title": page.title},
            "explanation": [
                _("It becomes a new version; the current text stays in the history."),
            ],
            "confirm_label": _("Bring it back"),
            "cancel_url": page.get_history_url(),
        }
        return render(request, "confirm.html", context)
    try:
        services.site_page_restore(actor=request.user, page=page, revision=revision)
    except PermissionDenied:
        deny(request)
    messages.success(request, _("Version %(number)s is back.") % {"number": revision.number})
    return redirect(page)


@never_cache
@require_GET
def healthz(request):
    """200 when the database and the cache answer; 503 naming what fails."""
    failing = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("Health check: the database does not answer")
        failing.append("database")
    try:
        cache.set("healthz", "ok", timeout=10)
        if cache.get("healthz") != "ok":
            raise RuntimeError("the cache lost a value it was just given")
    except Exception:
        logger.exception("Health check: the cache does not answer")
        failing.append("cache")
    if failing:
        return JsonResponse({"status": "error", "failing": failing}, status=503)
    return JsonResponse({"status": "ok"})
