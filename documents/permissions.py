"""Who reads and writes a council's files: they follow the council's space.

Members read and add files; coordinators also empty and restore the trash.
Nobody else sees them (not the animator, not a referent, not the superuser).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db.models import Q, QuerySet

from councils import permissions as council_permissions
from councils.models import Council

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


def published_q() -> Q:
    """``is_public`` as a filter on live ``Document`` or ``Page`` rows."""
    return Q(published_at__isnull=False, council__status=Council.Status.ACTIVE)


def _in_own_space(user) -> Q:
    return Q(council__in=council_permissions.councils_with_space_visible_to(user))


def items_visible_to(model: type[Document | Page], user) -> QuerySet:
    """The live files (or pages) ``user`` may read outside a shared folder:
    the published ones, and every one of the councils whose space they read.

    The councils' keys are read first: named in the query, the planner sees
    how few rows they hold (a subquery it cannot price made it read every
    page to find the six that a rare word matches)."""
    councils = list(
        council_permissions.councils_with_space_visible_to(user).values_list("pk", flat=True)
    )
    return model.objects.live().filter(published_q() | Q(council__in=councils))


# What the notifications ("new files / pages in my councils") may still show.
# They link to the council's space, so they follow the space, not publication:
# someone who left the council loses them even for a file published since.


def _visible_in_space(model: type[Document | Page], user, ids: Iterable[int]) -> set[int]:
    ids = list(ids)
    if not ids or not user.is_authenticated or not user.is_active:
        return set()
    return set(
        model.objects.live().filter(_in_own_space(user), pk__in=ids).values_list("pk", flat=True)
    )


def visible_document_ids(user, ids: Iterable[int]) -> set[int]:
    """Among ``ids``, the live files of councils whose space ``user`` reads now."""
    return _visible_in_space(Document, user, ids)


def visible_page_ids(user, ids: Iterable[int]) -> set[int]:
    """Among ``ids``, the live pages of councils whose space ``user`` reads now."""
    return _visible_in_space(Page, user, ids)


def _visible_in_space_of_each(
    model: type[Document | Page], users, ids_by_user: Mapping[int, Iterable[int]]
) -> dict[int, set[int]]:
    """``_visible_in_space`` for a batch of people (the daily digest): their
    councils' spaces read in one query, the items' councils in another."""
    signed_in = {user.pk for user in users if user.is_authenticated and user.is_active}
    wanted = {pk: set(ids) for pk, ids in ids_by_user.items() if pk in signed_in and ids}
    if not wanted:
        return {}
    spaces = council_permissions.membership_grants_of_each(wanted, [council_permissions.VIEW_SPACE])
    council_of = dict(
        model.objects.live()
        .filter(pk__in=set().union(*wanted.values()))
        .order_by()
        .values_list("pk", "council_id")
    )
    return {
        pk: {item for item in ids if item in council_of and council_of[item] in spaces.get(pk, {})}
        for pk, ids in wanted.items()
    }


def visible_documents_of_each(users, ids_by_user: Mapping[int, Iterable[int]]):
    """``visible_document_ids`` for a batch of people, in two queries."""
    return _visible_in_space_of_each(Document, users, ids_by_user)


def visible_pages_of_each(users, ids_by_user: Mapping[int, Iterable[int]]):
    """``visible_page_ids`` for a batch of people, in two queries."""
    return _visible_in_space_of_each(Page, users, ids_by_user)


def can_manage_resources(user) -> bool:
    """The national animation publishes the resource library."""
    from accounts.roles import is_animator

    return is_animator(user)


# Folders shared read-only with another council.

READ_FOLDER = "read_folder"


def shared_folder_ids(user) -> frozenset[int]:
    """Folders shared with a council ``user`` is a member of (one query, cached)."""
    from .models import FolderGroupObjectPermission

    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_shared_folder_ids", None)
    if cached is None:
        cached = frozenset(
            FolderGroupObjectPermission.objects.filter(
                group__user=user,
                permission__codename=READ_FOLDER,
                content_object__deleted_at__isnull=True,
                content_object__council__status=Council.Status.ACTIVE,
            ).values_list("content_object_id", flat=True)
        )
        user._shared_folder_ids = cached
    return cached


def _shared_through(user, folder: Folder | None) -> bool:
    shared = shared_folder_ids(user)
    while folder is not None:
        if folder.pk in shared:
            return True
        folder = folder.parent
    return False


def reads_as_guest(user, council, folder: Folder | None) -> bool:
    """Not a member, but ``folder`` (or a folder around it) is shared with one
    of the user's councils: read-only, and each visit is logged."""
    return not can_read_files(user, council) and _shared_through(user, folder)


def can_share(user, folder: Folder) -> bool:
    return folder.deleted_at is None and can_publish(user, folder.council)
