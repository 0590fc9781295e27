"""Who reads and writes a council's files: they follow the council's space.

Members read and add files; coordinators also empty and restore the trash.
Nobody else sees them (not the animator, not a referent, not the superuser).
"""

from __future__ import annotations

from councils import permissions as council_permissions

from .models import Document, Folder, Page


def can_read_files(user, council) -> bool:
    return council_permissions.can_view_space(user, council)


def can_add_files(user, council) -> bool:
    return council_permissions.can_contribute(user, council)


def can_change(user, item: Document | Folder | Page) -> bool:
    """Rename, move, new version, put in the trash: any member who contributes."""
    return item.deleted_at is None and can_add_files(user, item.council)


def can_manage_trash(user, council) -> bool:
    return council.is_active and council_permissions.is_coordinator(user, council)


def can_publish(user, council) -> bool:
    """Making a file or a page public: the council's coordinators."""
    return council.is_active and council_permissions.is_coordinator(user, council)


def is_public(item) -> bool:
    """Anyone may read a published, live item of an active council."""
    return item.published_at is not None and item.deleted_at is None and item.council.is_active


def can_manage_resources(user) -> bool:
    """The national animation publishes the resource library."""
    from accounts.roles import is_animator

    return is_animator(user)
