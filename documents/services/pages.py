"""Pages written together: creation, revisions saved in turn (a stale save is
refused), an old revision restored. Markdown is rendered before any row is
locked. A new page is told to the council's other members (notifications).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _

from accounts.names import public_name
from common.markdown import render_markdown
from common.revisions import stale_edit_check
from councils import services as council_services
from councils.models import Council

from .. import permissions
from ..models import Page, PageRevision
from ._shared import NEW_PAGE, _notify_members

if TYPE_CHECKING:
    from accounts.models import User

ERROR_EMPTY_PAGE = _("Write something before saving.")


def page_create(*, user: User, council: Council, title: str, body: str, summary: str = "") -> Page:
    """Write a new page. Its text is rendered before the transaction: no
    lock is held while markdown renders."""
    if not permissions.can_add_files(user, council):
        raise PermissionDenied
    html = _page_html(body)
    with transaction.atomic():
        page = Page.objects.create(council=council, title=title.strip(), created_by=user)
        _page_revision(page, user=user, body=body, html=html, summary=summary, number=1)
        _notify_new_page(page, user=user)
    return page


def page_save(
    *, user: User, page: Page, body: str, summary: str = "", based_on: int, title: str | None = None
) -> Page:
    """Save a new revision. ``based_on`` is the revision number the writer
    started from: if someone saved since, nothing is written (ValidationError).
    The text is rendered before the page's row is locked."""
    if not permissions.can_change(user, page):
        raise PermissionDenied
    html = _page_html(body)
    with transaction.atomic():
        page = Page.objects.select_for_update().get(pk=page.pk)
        if not permissions.can_change(user, page):
            raise PermissionDenied
        last = page.revisions.order_by("-number").select_related("author").first()
        latest = last.number if last else 0
        stale_edit_check(
            based_on=based_on,
            current=latest,
            saved_at=last.created_at if last else None,
            saved_by_name=public_name(last.author) if last else "",
        )
        if title:
            page.title = title.strip()
            page.save(update_fields=["title"])
        _page_revision(page, user=user, body=body, html=html, summary=summary, number=latest + 1)
    return page


def page_restore(*, user: User, page: Page, revision: PageRevision) -> Page:
    """Restoring an old revision makes a new one with its text (a save made
    in between refuses it, as for any save)."""
    latest = page.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    return page_save(
        user=user,
        page=page,
        body=revision.body,
        summary=str(_("Back to revision %(number)s") % {"number": revision.number}),
        based_on=latest,
    )


def _page_html(body: str) -> str:
    if not body.strip():
        raise ValidationError(ERROR_EMPTY_PAGE, code="empty")
    return render_markdown(body)


def _page_revision(
    page: Page, *, user: User, body: str, html: str, summary: str, number: int
) -> None:
    revision = PageRevision.objects.create(
        page=page,
        number=number,
        body=body,
        body_html=html,
        summary=summary.strip()[:200],
        author=user,
    )
    Page.objects.filter(pk=page.pk).update(current=revision, updated_at=revision.created_at)
    page.current = revision
    council_services.council_touch(council=page.council)


def _notify_new_page(page: Page, *, user: User) -> None:
    council = page.council
    text = " ".join(html.unescape(strip_tags(page.current.body_html)).split())
    with override(settings.LANGUAGE_CODE):
        title = gettext("%(name)s created the page “%(page)s”") % {
            "name": user.display_name,
            "page": page.title,
        }
        place = gettext("Pages written together")
    _notify_members(
        kind=NEW_PAGE,
        council=council,
        user=user,
        target=page,
        title=title,
        excerpt=Truncator(text).words(40),
        thread_key=f"pages:{council.pk}",
        thread_title=place,
    )
