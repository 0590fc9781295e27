"""Who may change the showcase's editable pages: the one place that decides."""

from __future__ import annotations

from accounts.roles import is_animator


def can_edit_site_pages(user) -> bool:
    """The national animation writes the showcase pages. Superuser status
    alone does not count: the admin is not the everyday tool."""
    return is_animator(user)
