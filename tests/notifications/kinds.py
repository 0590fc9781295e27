"""A kind of notification for the tests of the centre itself: its targets
are "documents" whose readers the test decides (``readers[target_id]``)."""

from __future__ import annotations

from notifications import registry

readers: dict[int, set[int]] = {}


def _visible(user, target_ids) -> set[int]:
    return {pk for pk in target_ids if user.pk in readers.get(pk, set())}


SAMPLE = registry.Kind(
    key="tests.sample",
    label="Exemples de test",
    default=registry.IMMEDIATE,
    visible=_visible,
    order=999,
)
SAMPLE_DIGEST = registry.Kind(
    key="tests.sample_digest",
    label="Exemples de test en résumé",
    default=registry.DIGEST,
    visible=_visible,
    order=998,
)
registry.register_kind(SAMPLE)
registry.register_kind(SAMPLE_DIGEST)
