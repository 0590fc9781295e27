"""Who may see what of an account."""

from __future__ import annotations

from .models import User


def can_view_public_profile(viewer, profile_user: User) -> bool:
    """Anyone may see the public profile of an active account; it shows only
    the display name and the fields the owner chose to publish."""
    return profile_user.is_active


def public_profile_fields(viewer, profile_user: User) -> dict[str, object]:
    """The fields of ``profile_user`` that ``viewer`` may read on the public page."""
    return {
        "avatar": profile_user.avatar if profile_user.publish_avatar else None,
        "bio": profile_user.bio if profile_user.publish_bio else "",
        "town": profile_user.town if profile_user.publish_town else "",
    }
