"""People for the showcase pages' tests."""

from __future__ import annotations

from accounts.models import User
from accounts.roles import animator_appoint
from tests.accounts.factories import UserFactory


def animator(**fields) -> User:
    """A member of the national animation team."""
    user = UserFactory(**fields)
    animator_appoint(user=user, system=True)
    return user
