"""Texts written by several people in turn (a council's public page, a
council's collaborative pages, news articles, the showcase's pages): the
check that refuses a save made on an outdated version, with the one message
that says so, and the line-by-line comparison shown beside it."""

from __future__ import annotations

import difflib
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

ERROR_STALE_EDIT = gettext_lazy(
    "%(who)s saved this text on %(date)s, while you were writing. Your text is kept in "
    "the form; what they saved is shown below it: bring their changes into your text, "
    "then save again."
)


def stale_edit_check(
    *, based_on, current, saved_at: datetime | None, saved_by_name: str = ""
) -> None:
    """Refuse the save (ValidationError, code ``stale``) when the version the
    writer started from, ``based_on``, is no longer the ``current`` one:
    someone (``saved_by_name``, or "Someone") saved at ``saved_at`` since.
    A ``based_on`` of None (a form from before versions were sent) is not
    checked."""
    if based_on is None or based_on == current:
        return
    when = date_format(timezone.localtime(saved_at), "j F Y, H:i") if saved_at else ""
    raise ValidationError(
        ERROR_STALE_EDIT,
        code="stale",
        params={"who": saved_by_name or gettext("Someone"), "date": when},
    )


def line_diff(old: str, new: str) -> list[tuple[str, str]]:
    """A readable line-by-line comparison of two texts: (``"+"``, ``"-"`` or
    ``" "``, line), without difflib's ``?`` hint lines."""
    return [
        (line[0], line[2:])
        for line in difflib.ndiff(old.splitlines(), new.splitlines())
        if not line.startswith("? ")
    ]
