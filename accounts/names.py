"""How the site names a person to others: their display name, or "compte
supprimé" once the account is gone (contributions stay, their author
emptied)."""

from __future__ import annotations

from django.utils.translation import gettext as _


def public_name(user, *, without_name: str | None = None) -> str:
    """``user``'s display name; "compte supprimé" for a deleted account (None,
    or a row without a key). ``without_name`` is said for an account that has
    none yet (the animation's articles name their team)."""
    if user is None or not getattr(user, "pk", None):
        return _("deleted account")
    return user.display_name or without_name or _("deleted account")
