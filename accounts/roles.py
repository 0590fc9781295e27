"""Site-wide roles that are not tied to one council.

The national animation team is a Django group. Other apps add their own
staff roles (referents, in ``councils``) with ``register_staff_role`` from
their ``AppConfig.ready``, so that the two-factor rule covers them without
``accounts`` knowing those apps.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable

from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, Expression, OuterRef
from django.utils.translation import gettext_lazy

from common.actors import check_actor

from .models import User

ANIMATION_GROUP_NAME = "Animation nationale"

_staff_role_checks: list[Callable[[User], bool]] = []


def register_staff_role(check: Callable[[User], bool]) -> None:
    """Declare a role whose holders must use two-factor authentication."""
    if check not in _staff_role_checks:
        _staff_role_checks.append(check)


# Facts about the reader that one page asks in several places (the header,
# the permissions of the page): ``load_reader_facts`` reads the missing ones
# in one query and keeps them on the user object, which lives for one request
# (``request.user`` is loaded anew for each). Each fact is an attribute that
# its own check also fills alone, and that the services changing it delete.
# Other apps add theirs with ``register_reader_fact`` (the referents, in
# ``councils``; the header's unread count, in ``notifications``).
_reader_facts: dict[str, Callable[[], Expression]] = {
    "_is_animator": lambda: Exists(
        User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name=ANIMATION_GROUP_NAME)
    ),
    "_has_verified_email": lambda: Exists(
        _email_addresses().filter(user_id=OuterRef("pk"), verified=True)
    ),
}


def _email_addresses():
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.all()


def register_reader_fact(attribute: str, expression: Callable[[], Expression]) -> None:
    """Declare ``attribute``, an ``Exists`` (or any expression) over
    ``OuterRef("pk")`` (the user), as a fact ``load_reader_facts`` reads with
    the others."""
    _reader_facts[attribute] = expression


def load_reader_facts(user: User | AnonymousUser) -> None:
    """Read in one query the facts not yet known on ``user`` (animator,
    verified address, registered roles). For read paths: a view that changes
    one of them calls it, if at all, after the change (or the service that
    changes it forgets the fact)."""
    if not user.is_authenticated:
        return
    missing = [name for name in _reader_facts if getattr(user, name, None) is None]
    if not missing:
        return
    # Aliases of the query's own for the private attribute names.
    aliases = {f"fact_{index}": name for index, name in enumerate(missing)}
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(**{alias: _reader_facts[name]() for alias, name in aliases.items()})
        .values(*aliases)
        .first()
    )
    if row is not None:
        for alias, name in aliases.items():
            setattr(user, name, row[alias])


def remembered_fact(user: User | AnonymousUser, attribute: str, read: Callable[[], bool]) -> bool:
    """A fact about a signed-in user (False for anyone else): ``read()`` once,
    then kept in ``attribute`` of the user object, which lives for one
    request (``load_reader_facts`` fills several at once)."""
    if not user.is_authenticated:
        return False
    known = getattr(user, attribute, None)
    if known is None:
        known = read()
        setattr(user, attribute, known)
    return known


def has_verified_email(user: User | AnonymousUser) -> bool:
    """The account has a verified address (what posting asks)."""
    return remembered_fact(
        user, "_has_verified_email", lambda: user.emailaddress_set.filter(verified=True).exists()
    )


def is_animator(user: User | AnonymousUser) -> bool:
    return remembered_fact(
        user, "_is_animator", lambda: user.groups.filter(name=ANIMATION_GROUP_NAME).exists()
    )


def animators_among(user_ids: Iterable[int]) -> set[int]:
    """Which of ``user_ids`` belong to the national animation, read now in
    one query (``is_animator`` for a batch of people, as the daily digest
    asks; nothing remembered on any user object)."""
    ids = list(user_ids)
    if not ids:
        return set()
    return set(
        User.groups.through.objects.filter(
            user_id__in=ids, group__name=ANIMATION_GROUP_NAME
        ).values_list("user_id", flat=True)
    )


def has_staff_role(user: User | AnonymousUser) -> bool:
    """True for the operators, the national animation and registered roles."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff or is_animator(user):
        return True
    return any(check(user) for check in _staff_role_checks)


ERROR_OWN_APPOINTMENT = gettext_lazy("You cannot appoint yourself: another operator does it.")


@transaction.atomic
def animator_appoint(*, user: User, actor: User | None = None, system: bool = False) -> None:
    """Make ``user`` a member of the national animation. ``actor`` is the
    operator, who may change accounts (the admin's action); ``system=True``
    the site itself (demo data, tests). Nobody appoints themselves."""
    check_actor(actor, system=system)
    if not system:
        if not actor.has_perm("accounts.change_user"):
            raise PermissionDenied
        if actor.pk == user.pk:
            raise ValidationError(ERROR_OWN_APPOINTMENT, code="self_appointment")
    group, _created = Group.objects.get_or_create(name=ANIMATION_GROUP_NAME)
    user.groups.add(group)
    _forget_animator(user)


@transaction.atomic
def animator_withdraw(*, user: User) -> None:
    group = Group.objects.filter(name=ANIMATION_GROUP_NAME).first()
    if group is not None:
        user.groups.remove(group)
    _forget_animator(user)


def _forget_animator(user: User) -> None:
    # delattr reaches the wrapped user behind request.user's lazy object.
    with contextlib.suppress(AttributeError):
        delattr(user, "_is_animator")
