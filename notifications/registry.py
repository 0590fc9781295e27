"""The kinds of notification, registered by the apps that publish them.

``notifications`` sits on floor 2 and knows no app above it. Each app that
notifies registers its kinds from ``AppConfig.ready``: a key, a label for the
preferences page, a default delivery, and ``visible`` — the app's own
permission check, asked again (in one batch per kind) whenever a notification
is shown or an e-mail is built, so that someone who lost access since the
event sees nothing of it.

The daily digest asks for many people at once: a kind may add
``visible_many``, the same check for a whole batch of people in a number of
queries that does not grow with them. A kind without it is asked once per
person (``Kind.visible_to_each`` decides).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

# Deliveries.
IMMEDIATE = "immediate"
DIGEST = "digest"
SITE = "site"


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    # IMMEDIATE, DIGEST or SITE: what a person gets until they choose.
    default: str
    # (user, target ids) → the ids among them the user may still see.
    visible: Callable[[object, Iterable[int]], set[int]]
    order: int = 100
    help_text: str = ""
    # Always e-mailed at once, whatever the person chose: what a council must
    # know about changes made to it from outside. Not on the preferences page,
    # and its e-mails carry no unsubscribe link.
    mandatory: bool = False
    # (users, {user id: target ids}) → {user id: the ids among theirs that
    # user may still see}: ``visible`` for many people at once, by the same
    # rules, in a bounded number of queries (the digest of a batch of
    # people). Optional: without it, ``visible`` is asked once per person.
    visible_many: Callable[[list, Mapping[int, set[int]]], Mapping[int, Iterable[int]]] | None = (
        None
    )

    def visible_to_each(self, users: Iterable, ids_by_user: Mapping[int, Iterable[int]]):
        """For each person of ``ids_by_user`` (their ids, among ``users``),
        the target ids among theirs they may still see: ``{user id: set}``,
        every person present. Never more than each person was asked about."""
        wanted = {pk: set(ids) for pk, ids in ids_by_user.items()}
        people = {user.pk: user for user in users}
        asked = {pk: ids for pk, ids in wanted.items() if ids}
        if not asked:
            found = {}
        elif self.visible_many is not None:
            found = self.visible_many([people[pk] for pk in asked], asked)
        else:
            found = {pk: self.visible(people[pk], ids) for pk, ids in asked.items()}
        return {pk: set(found.get(pk, ())) & ids for pk, ids in wanted.items()}


_kinds: dict[str, Kind] = {}


def register_kind(kind: Kind) -> None:
    if kind.default not in (IMMEDIATE, DIGEST, SITE):
        raise ValueError(f"Unknown delivery {kind.default!r} for {kind.key!r}.")
    if kind.mandatory and kind.default != IMMEDIATE:
        raise ValueError(f"A mandatory kind is delivered at once: {kind.key!r}.")
    existing = _kinds.get(kind.key)
    if existing is not None and existing != kind:
        raise ValueError(f"A notification kind named {kind.key!r} is already registered.")
    _kinds[kind.key] = kind


def kind(key: str) -> Kind | None:
    return _kinds.get(key)


def kinds() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda k: (k.order, k.key))


def optional_kinds() -> list[Kind]:
    """The kinds a person may choose how to receive."""
    return [found for found in kinds() if not found.mandatory]


def mandatory_kinds() -> list[Kind]:
    return [found for found in kinds() if found.mandatory]
