"""The transparency log: visits to a space by people who are not members."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.text import Truncator

from ..models import (
    Council,
    SpaceAccess,
)

if TYPE_CHECKING:
    from accounts.models import User


# Transparency.

# A line names what was read ("le fichier « … » du dossier « … »"): each name
# or title in it is cut so that two of them and the words around fit the line.
TITLE_MAX_CHARS = 50


def space_access_title(text: str) -> str:
    """A name or title as a transparency line quotes it: on one line, at most
    ``TITLE_MAX_CHARS`` characters, an ellipsis where it was cut. Plain text:
    the page that shows the line escapes it."""
    return Truncator(" ".join(str(text).split())).chars(TITLE_MAX_CHARS)


def space_access_record(
    *,
    council: Council,
    user: User,
    reason: str,
    path: str,
    unless_within: timedelta | None = None,
) -> SpaceAccess | None:
    """Log a visit to the space by a non-member (members' own visits are not logged).

    The line shows the person's name and what they looked at; the path stays
    for the operators (admin), not on the coordinators' page. With
    ``unless_within``, the same line written that recently is not written
    again (a folder page's thumbnails, reloaded): returns None then.
    """
    if (
        unless_within is not None
        and SpaceAccess.objects.filter(
            council=council,
            user=user,
            reason=reason[:200],
            created_at__gte=timezone.now() - unless_within,
        ).exists()
    ):
        return None
    return SpaceAccess.objects.create(
        council=council,
        user=user,
        user_label=(user.display_name or user.email)[:200],
        reason=reason[:200],
        path=path[:500],
    )
