"""What the technical admin shares between apps."""

from __future__ import annotations


class NoAddOrChangeMixin:
    """Seen in the admin, never added or changed there."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyMixin(NoAddOrChangeMixin):
    """Look, don't touch: the services are the only way to write."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
