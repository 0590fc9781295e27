"""Creating forums: the private one of each council and those of the national
exchange."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from common.actors import check_actor

from .. import permissions
from ..models import Forum

if TYPE_CHECKING:
    from accounts.models import User
    from councils.models import Council


def council_forum_create(*, council: Council) -> Forum:
    """The private forum every council gets (called when a council is created)."""
    forum, _created = Forum.objects.get_or_create(
        council=council,
        defaults={
            "name": str(_("Forum of the council")),
            "slug": f"conseil-{council.slug}"[:120],
            "audience": Forum.Audience.COUNCIL_MEMBERS,
        },
    )
    return forum


# Addresses the forum URLs use themselves, and the councils' forums' prefix.
RESERVED_SLUGS = {"recherche", "moderation", "nouveau-forum", "editeur", "sujets", "messages"}


def national_forum_create(
    *,
    actor: User | None = None,
    system: bool = False,
    name: str,
    description: str = "",
    category=None,
    audience: str,
) -> Forum:
    """A forum of the national exchange, made by the animation (``actor``),
    or by the site itself (``system=True``, for demo data: no permission is
    checked). One of the two, never both, never neither."""
    check_actor(actor, system=system)
    if not system and not permissions.can_create_national_forum(actor):
        raise PermissionDenied
    base = slugify(name)[:100] or "forum"
    if base in RESERVED_SLUGS or base.startswith(
        ("conseil-", "conseils", "suivre", "signalements")
    ):
        base = f"forum-{base}"[:100]
    slug, suffix = base, 2
    while Forum.objects.filter(slug=slug).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return Forum.objects.create(
        name=name, slug=slug, description=description, category=category, audience=audience
    )
