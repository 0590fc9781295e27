"""Who acts in a service: a person, or the site itself, said by name.

A service that checks permissions takes ``*, actor=None, system=False``.
Demo data, management commands and periodic jobs pass ``system=True``: the
permission check is skipped then, and only then. Forgetting the actor is a
mistake in the calling code, never a way to act as the site.
"""

from __future__ import annotations

ERROR_NO_ACTOR = "Pass actor= (who acts), or system=True when the site itself acts."
ERROR_ACTOR_AND_SYSTEM = "Pass actor= or system=True, not both: who acts must be unambiguous."


def check_actor(actor, *, system: bool) -> None:
    """Refuse a call that names neither who acts nor ``system=True``, or both.

    Raises TypeError, as Python does for a missing argument: the caller is
    wrong, whoever is signed in.
    """
    if system and actor is not None:
        raise TypeError(ERROR_ACTOR_AND_SYSTEM)
    if not system and actor is None:
        raise TypeError(ERROR_NO_ACTOR)
