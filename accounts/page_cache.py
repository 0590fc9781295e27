"""People as the public pages show them, for the anonymous page cache
(``common.page_cache``): a name beside a message, a link to a published
profile, an avatar. An account renamed, unpublished, deactivated or deleted
changes every page that shows it; ``PEOPLE`` is on all of them.

A new account shows nowhere yet, and a save that names its fields renews
only if one of them is shown (a sign-in writes the last login: nothing).
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from common.page_cache import changed

PEOPLE = "people"
# What public pages show of an account (accounts.names, the profile link).
SHOWN_FIELDS = {"display_name", "avatar", "publish_profile", "publish_avatar", "is_active"}


def _account_saved(sender, instance, created=False, update_fields=None, **kwargs) -> None:
    if created or (update_fields is not None and not SHOWN_FIELDS & set(update_fields)):
        return
    changed(PEOPLE)


def _account_deleted(sender, instance, **kwargs) -> None:
    changed(PEOPLE)


def connect() -> None:
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    post_save.connect(_account_saved, sender=user_model, dispatch_uid="accounts.page_cache.save")
    post_delete.connect(
        _account_deleted, sender=user_model, dispatch_uid="accounts.page_cache.delete"
    )
