"""Every write to the showcase's editable pages: save (stale saves refused),
restore an old revision, put back a page that went missing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.names import public_name
from common.markdown import render_markdown
from common.revisions import line_diff, stale_edit_check

from . import permissions
from .models import CHANGE_SUMMARY_MAX_LENGTH, SitePage, SitePageRevision
from .site_pages_data import PAGES

if TYPE_CHECKING:
    from accounts.models import User

ERROR_EMPTY = _("Write something before saving.")
ERROR_OTHER_PAGE = _("This revision belongs to another page.")


def site_page_update(
    *,
    actor: User,
    page: SitePage,
    title: str,
    summary: str,
    body: str,
    based_on: int,
    change_summary: str = "",
) -> SitePage:
    """Save the page as a new version and keep a revision of it.

    ``based_on`` is the version the writer started from: if someone saved
    since, nothing is written (ValidationError, code ``stale``). Saving the
    same text again writes nothing either. The text is rendered before the
    page's row is locked.
    """
    if not permissions.can_edit_site_pages(actor):
        raise PermissionDenied
    if not body.strip():
        raise ValidationError(ERROR_EMPTY, code="empty")
    html = render_markdown(body)
    with transaction.atomic():
        page = (
            SitePage.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .get(pk=page.pk)
        )
        if not permissions.can_edit_site_pages(actor):
            raise PermissionDenied
        stale_edit_check(
            based_on=based_on,
            current=page.version,
            saved_at=page.updated_at,
            saved_by_name=public_name(page.updated_by) if page.updated_by else "",
        )
        title, summary = title.strip(), summary.strip()
        if (title, summary, body) == (page.title, page.summary, page.body):
            return page
        page.title, page.summary = title, summary
        page.set_body(body, html=html)
        page.version += 1
        page.updated_at = timezone.now()
        page.updated_by = actor
        page.full_clean()
        page.save()
        SitePageRevision.objects.create(
            page=page,
            number=page.version,
            title=page.title,
            summary=page.summary,
            body=page.body,
            change_summary=change_summary.strip()[:CHANGE_SUMMARY_MAX_LENGTH],
            author=actor,
            created_at=page.updated_at,
        )
        return page


def site_page_restore(*, actor: User, page: SitePage, revision: SitePageRevision) -> SitePage:
    """Bring back an old revision's title, summary and text, as a new version:
    the text it replaces stays in the history (a save made in between
    refuses it, as for any save)."""
    if revision.page_id != page.pk:
        raise ValidationError(ERROR_OTHER_PAGE, code="other_page")
    current = SitePage.objects.get(pk=page.pk)
    return site_page_update(
        actor=actor,
        page=current,
        title=revision.title,
        summary=revision.summary,
        body=revision.body,
        based_on=current.version,
        change_summary=gettext("Back to version %(number)s") % {"number": revision.number},
    )


def site_pages_create_missing(*, author: User | None = None) -> int:
    """Create, from ``site_pages_data``, each page that does not exist; returns
    how many were created. A page that exists is never touched."""
    existing = set(SitePage.objects.values_list("slug", flat=True))
    created = 0
    for data in PAGES:
        if data.slug in existing:
            continue
        with transaction.atomic():
            page = SitePage.objects.create(
                slug=data.slug,
                title=data.title,
                summary=data.summary,
                body=data.body,
                updated_by=author,
            )
            SitePageRevision.objects.create(
                page=page,
                number=page.version,
                title=page.title,
                summary=page.summary,
                body=page.body,
                change_summary=gettext("First version"),
                author=author,
                created_at=page.updated_at,
            )
        created += 1
    return created


def site_page_changes_since(page: SitePage, version: int) -> list[tuple[str, str]] | None:
    """What changed in the text from ``version`` to the page's current one."""
    revisions = {
        revision.number: revision
        for revision in page.revisions.filter(number__in=[version, page.version])
    }
    if version not in revisions or page.version not in revisions:
        return None
    return line_diff(revisions[version].body, revisions[page.version].body)
