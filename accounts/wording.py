"""The names of a person's roles, in the form they chose on their profile
(``User.grammatical_gender``): « coordinatrice », « coordinateur », or both
forms, « coordinatrice ou coordinateur », when they chose neither or are
not known yet (an invited address). Both forms are written out in full: a
middle dot (« coordinateur·rice ») is read badly by screen readers.

Generic mentions (« la coordination du conseil », « la personne référente
du département ») are worded without a gender in the catalogue itself, as is
the national animation, only ever named as a team."""

from __future__ import annotations

from django.utils.translation import pgettext

from .models import GrammaticalGender

COORDINATOR = "coordinator"
MEMBER = "member"
REFERENT = "referent"
ROLES = (COORDINATOR, MEMBER, REFERENT)


def _feminine(role: str) -> str:
    return {
        COORDINATOR: pgettext("feminine", "coordinator"),
        MEMBER: pgettext("feminine", "member"),
        REFERENT: pgettext("feminine", "referent"),
    }[role]


def _masculine(role: str) -> str:
    return {
        COORDINATOR: pgettext("masculine", "coordinator"),
        MEMBER: pgettext("masculine", "member"),
        REFERENT: pgettext("masculine", "referent"),
    }[role]


def _both(role: str) -> str:
    return {
        COORDINATOR: pgettext("both forms", "coordinator"),
        MEMBER: pgettext("both forms", "member"),
        REFERENT: pgettext("both forms", "referent"),
    }[role]


def role_name(role: str, person=None) -> str:
    """``role`` (one of ``ROLES``) named for ``person``, a user or None."""
    if role not in ROLES:
        raise ValueError(f"Unknown role: {role!r}")
    gender = getattr(person, "grammatical_gender", GrammaticalGender.UNSPECIFIED)
    if gender == GrammaticalGender.FEMININE:
        return _feminine(role)
    if gender == GrammaticalGender.MASCULINE:
        return _masculine(role)
    return _both(role)
