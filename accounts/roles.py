"""Site-wide roles that are not tied to one council.

The national animation team is a Django group. Other apps add their own
staff roles (referents, in ``councils``) with ``register_staff_role`` from
their ``AppConfig.ready``, so that the two-factor rule covers them without
``accounts`` knowing those apps.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy

from common.actors import check_actor

from .models import User

ANIMATION_GROUP_NAME = "Animation nationale"

_staff_role_checks: list[Callable[[User], bool]] = []


def register_staff_role(check: Callable[[User], bool]) -> None:
    """Declare a role whose holders must use two-factor authentication."""
    if check not in _staff_role_checks:
        _staff_role_checks.append(check)


def is_animator(user: User | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_is_animator", None)
    if cached is None:
        cached = user.groups.filter(name=ANIMATION_GROUP_NAME).exists()
        user._is_animator = cached
    return cached


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
