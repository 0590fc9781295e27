"""The council's log for what happens to its content: the other apps write
here when a folder is shared, a file or a page is published, something goes
to the trash, or a news article comes out.

Its lines sit with the membership lines in ``MembershipEvent``: the
coordinators read them all on the management page (members only for the
content lines, ``permissions.can_read_content_log``), and the members read
those written from outside the council on the transparency page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from .. import permissions
from ..models import CONTENT_LINES, DETAIL_MAX_LENGTH, SHARING_ACTIONS, Council, MembershipEvent
from ._shared import _record
from .oversight import tell_coordinators

if TYPE_CHECKING:
    from accounts.models import User


def log_title(text: str, max_length: int = DETAIL_MAX_LENGTH) -> str:
    """``text`` on one line, cut at a word's end to fit ``max_length``
    characters, an ellipsis where it was cut (a single word too long is cut
    where it must)."""
    words = " ".join(str(text).split())
    if len(words) <= max_length:
        return words
    kept = words[: max_length - 1]
    if words[max_length - 1] != " " and " " in kept:
        kept = kept.rsplit(" ", 1)[0]
    return kept.rstrip() + "…"


@transaction.atomic
def council_log_record(
    *,
    council: Council,
    action: str,
    title: str,
    actor: User | None = None,
    system: bool = False,
    other_council: Council | None = None,
) -> MembershipEvent:
    """Write in ``council``'s log that ``actor`` (or the site itself, with
    ``system=True``: the periodic trash purge, demo data) did ``action`` to
    the item called ``title``. Call it from the service that did it, in its
    transaction, after its own permission check: this one checks nothing.

    ``action`` is one of the content actions of ``MembershipEvent.Action``:

    - ``FOLDER_SHARED``, ``FOLDER_UNSHARED``: pass the council the folder is
      shared with (or no longer) as ``other_council``; its name is kept.
    - ``FILE_PUBLISHED``, ``FILE_UNPUBLISHED``, ``PAGE_PUBLISHED``,
      ``PAGE_UNPUBLISHED``: made public, or private again.
    - ``FOLDER_TRASHED``, ``FILE_TRASHED``, ``FOLDER_RESTORED``,
      ``FILE_RESTORED``: put in the trash, restored from it (a folder's line
      stands for everything inside it).
    - ``FOLDER_DELETED``, ``FILE_DELETED``: deleted for good (usually
      ``system=True``, by the purge).
    - ``ARTICLE_PUBLISHED``, ``ARTICLE_UNPUBLISHED``: the council's news.

    ``title`` is the item's name or title, nothing more of it (the log is read
    by coordinators who may not see the item any more): it is put on one
    line and cut at a word's end to fit. An actor who is not a member of the
    council (``permissions.is_outside_action``) marks the line as done from
    outside: its coordinators are told at once and its members read it on
    the transparency page.

    Raises ValueError for an action that is not about content, or
    ``other_council`` given where it is not wanted or missing where it is;
    TypeError (``common.actors.check_actor``) without actor nor system, or
    with both.
    """
    if action not in CONTENT_LINES:
        raise ValueError(f"{action!r} is not a content action of the council log.")
    if (action in SHARING_ACTIONS) != (other_council is not None):
        raise ValueError(f"{action!r}: other_council is needed for sharing, and only there.")
    from_outside = actor is not None and permissions.is_outside_action(actor, council)
    event = _record(
        council,
        action,
        actor=actor,
        system=system,
        detail=log_title(title),
        other_council_name=other_council.name if other_council is not None else "",
        from_outside=from_outside,
    )
    if from_outside:
        with translation.override(settings.LANGUAGE_CODE):
            notice = _("%(actor)s, who is not a member of “%(council)s”: %(line)s") % {
                "actor": actor.display_name,
                "council": council.name,
                "line": event.content_line,
            }
        tell_coordinators(event, title=notice)
    return event
