"""Councils made the way the site makes them: through the services, which create
the groups and the guardian grants a plain model factory would skip. Names and
presentations carry markup by default, so every page that shows them is tested
against injection."""

from __future__ import annotations

import itertools

from accounts.models import User
from councils import services
from councils.models import Council, Department, Membership
from tests.accounts.factories import XSS, UserFactory

_numbers = itertools.count(1)

DEFAULT_DEPARTMENT = "59"
OTHER_DEPARTMENT = "69"


def department(code: str = DEFAULT_DEPARTMENT) -> Department:
    """A department loaded by the ``councils/0002_territories`` migration."""
    return Department.objects.get(code=code)


def council_create(**overrides) -> Council:
    """A council created by the site itself (``system=True``) unless an
    ``actor`` is given, in the Nord by default."""
    number = next(_numbers)
    fields = {
        "system": "actor" not in overrides,
        "name": f"Conseil citoyen {number} {XSS}",
        "department": department(),
        "town": "Roubaix",
        "neighbourhood_name": f"Quartier {number}",
        "neighbourhood_code": f"qn0590{number}m",
        "presentation": f"Nous sommes **le conseil {number}**. {XSS}",
    }
    fields.update(overrides)
    return services.council_create(**fields)


def member_of(council: Council, user: User | None = None, *, role: str = Membership.Role.MEMBER):
    """Add ``user`` (a new person by default) to ``council``; returns the user."""
    user = user or UserFactory()
    services._membership_grant(council, user, role)
    return user


def coordinator_of(council: Council, user: User | None = None) -> User:
    return member_of(council, user, role=Membership.Role.COORDINATOR)


def referent_of(dept: Department | str = DEFAULT_DEPARTMENT, user: User | None = None) -> User:
    """Appoint ``user`` (a new person by default) referent of ``dept``; returns the user."""
    if isinstance(dept, str):
        dept = department(dept)
    user = user or UserFactory()
    services.referent_appoint(system=True, user=user, departments=[dept])
    return user
