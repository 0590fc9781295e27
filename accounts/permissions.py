"""Who may see what of an account."""

from __future__ import annotations

from .models import User


def can_view_public_profile(viewer, profile_user: User) -> bool:
    """The public profile of an active account, if its owner published it
    (staff roles included: none is published without its owner's choice);
    its owner always sees it. It shows only the display name and the fields
    the owner chose to publish. Reads only the row: no query, for lists."""
    if not profile_user.is_active:
        return False
    is_owner = viewer is not None and viewer.is_authenticated and viewer.pk == profile_user.pk
    return profile_user.publish_profile or is_owner


def public_profile_fields(viewer, profile_user: User) -> dict[str, object]:
    """The fields of ``profile_user`` that ``viewer`` may read on the public page."""
    return {
        "avatar": profile_user.avatar if profile_user.publish_avatar else None,
        "bio": profile_user.bio if profile_user.publish_bio else "",
        "town": profile_user.town if profile_user.publish_town else "",
    }
