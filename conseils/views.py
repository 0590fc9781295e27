"""The showcase's own pages and the health check."""

from __future__ import annotations

import logging
import posixpath
import secrets
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.static import serve

from common.access import deny, login_or
from outbox.models import OutboundEmail

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


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        # Not logged here: polled every few seconds, the answer says it, and
        # the pages' own requests log the outage once (conseils.outage).
        return "unavailable"
    return "ok"


def _cache_state() -> str:
    """Whether the cache keeps what it is given. The Redis cache never raises
    (it answers from the process's memory while Redis is down, and logs the
    outage itself): it says whether Redis answered."""
    token = secrets.token_hex(8)
    try:
        cache.set("healthz", token, timeout=10)
        # The Redis cache answers from memory while Redis is down: ask it.
        if cache.get("healthz") == token and getattr(cache, "available", True):
            return "ok"
    except Exception:
        logger.exception("Health check: the cache does not answer")
    return "unavailable"


def _broker_state() -> str | None:
    """Whether Celery's broker takes connections; None when tasks run inline
    (no broker). Informational: queuing never depends on it (common.tasks)."""
    app = current_app
    if app.conf.task_always_eager:
        return None
    try:
        with app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=0, interval_start=0)
    except Exception:
        # Not logged here, polled every few seconds: the answer says it, and
        # common.tasks logs the publishes it could not make.
        return "unavailable"
    return "ok"


def _email_state() -> str:
    """ "late" when an e-mail has waited more than 15 minutes (the SMTP server
    refuses or does not answer, or no worker sends): informational, the site
    serves as usual and the outbox sends it once it can."""
    late = OutboundEmail.objects.filter(
        status=OutboundEmail.Status.PENDING,
        created_at__lte=timezone.now() - timedelta(minutes=15),
    )
    return "late" if late.exists() else "ok"


@never_cache
@require_GET
def healthz(request):
    """What a load balancer and monitoring read (docs/production.md).

    503 only when the database does not answer: without it no page can be
    served. A cache or broker that does not answer leaves the site working
    (slower, e-mails and thumbnails caught up by the sweeps later), so the
    answer stays 200 with ``"status": "degraded"`` and a load balancer keeps
    the node.
    """
    states = {"database": _database_state(), "cache": _cache_state()}
    broker = _broker_state()
    if broker is not None:
        states["broker"] = broker
    if states["database"] != "ok":
        response = JsonResponse({"status": "unavailable", **states}, status=503)
        # Nor is the 503 itself: Django's request log skips a response marked
        # as logged, and a balancer polling every few seconds would otherwise
        # write an error line each time for the one outage.
        response._has_been_logged = True
        return response
    states["email"] = _email_state()
    if any(state != "ok" for state in states.values()):
        return JsonResponse({"status": "degraded", **states})
    return JsonResponse({"status": "ok", **states})


@never_cache
@require_GET
def healthz_live(request):
    """200 as long as the process answers, touching nothing else: for a
    container's liveness check, which must not restart a web process
    because PostgreSQL or Redis is down."""
    return JsonResponse({"status": "alive"})


@require_GET
def media_file(request, path: str):
    """An uploaded public file (avatar, logo, cover) in the embedded shape
    (``SERVE_MEDIA``); like nginx's ``location /media/private/``, never a file
    under ``private/``: those are sent by their own views after a check."""
    name = posixpath.normpath(path).lstrip("/")
    if name == "private" or name.startswith("private/"):
        raise Http404
    return serve(request, name, document_root=settings.MEDIA_ROOT)
