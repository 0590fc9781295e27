"""Every write of notifications: publishing them (the one door for the other
apps), reading them, preferences, and the e-mails at once or in a digest.

Apps call ``notify`` explicitly from their services; no signals. Whether the
reader may still see what a notification is about is asked of its kind again
when it is shown and when its e-mail is built.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.mail import is_muted
from common.tasks import task_enqueue_on_commit

from . import emails, registry
from .models import EXCERPT_MAX_LENGTH, TITLE_MAX_LENGTH, Notification, Preference

logger = logging.getLogger(__name__)

# The daily digest is shared among tasks of this many people each, so that
# no single task runs against its time limit and several workers can help.
DIGEST_BATCH = 500
# Within a task, the digests of this many people are claimed, checked and
# sent together, in one transaction: each kind is asked once for all of
# them, and their account rows stay locked for a fraction of a second.
DIGEST_CHUNK = 100

ERROR_MANDATORY_KIND = gettext_lazy(
    "These notifications cannot be turned off: they tell a council what people "
    "from outside changed in it."
)


def _kind(key: str) -> registry.Kind:
    found = registry.kind(key)
    if found is None:
        raise ValueError(f"Unknown notification kind {key!r}: register it first.")
    return found


def deliveries_for(users: Iterable, kind: registry.Kind) -> dict[int, str]:
    """Each user's chosen delivery of ``kind`` (the default without a choice;
    always at once for a mandatory kind)."""
    pks = [user.pk for user in users]
    if kind.mandatory:
        return dict.fromkeys(pks, registry.IMMEDIATE)
    chosen = dict(
        Preference.objects.filter(user_id__in=pks, kind=kind.key).values_list("user_id", "delivery")
    )
    return {pk: chosen.get(pk, kind.default) for pk in pks}


def notify(
    *,
    recipients: Iterable,
    kind: str,
    target_id: int,
    title: str,
    url: str,
    excerpt: str = "",
    actor=None,
    group_key: str = "",
    group_title: str = "",
    thread_key: str = "",
    thread_title: str = "",
) -> int:
    """Tell each of ``recipients`` (once, never the actor, never an inactive
    account) about an event. Those who want it at once are e-mailed after
    commit; the others find it in the daily digest or on the site.

    The caller passes only people who may see the target now; the kind checks
    again when it is shown and e-mailed. Returns how many were told.
    """
    found = _kind(kind)
    people = {}
    for user in recipients:
        if user is None or not user.is_active:
            continue
        if actor is not None and user.pk == actor.pk:
            continue
        people.setdefault(user.pk, user)
    if not people:
        return 0
    deliveries = deliveries_for(people.values(), found)
    now = timezone.now()
    muted = is_muted()
    # Cut once, not once per recipient.
    title = Truncator(title).chars(TITLE_MAX_LENGTH)
    excerpt = Truncator(excerpt).chars(EXCERPT_MAX_LENGTH)
    group_title = Truncator(group_title).chars(200)
    thread_title = Truncator(thread_title).chars(300)
    rows = [
        Notification(
            recipient_id=pk,
            kind=found.key,
            target_id=target_id,
            actor=actor,
            title=title,
            excerpt=excerpt,
            url=url,
            group_key=group_key,
            group_title=group_title,
            thread_key=thread_key,
            thread_title=thread_title,
            created_at=now,
            delivery=deliveries[pk],
            # Demo data: on the site, never e-mailed.
            delivered_at=now if muted or deliveries[pk] == registry.SITE else None,
        )
        for pk in sorted(people)
    ]
    Notification.objects.bulk_create(rows)
    immediate = [row.pk for row in rows if row.delivery == registry.IMMEDIATE and not muted]
    if immediate:
        from .tasks import send_immediate

        # Sooner than the sweep (deliver_late_immediate), when the broker answers.
        task_enqueue_on_commit(send_immediate, immediate)
    return len(rows)


# What a reader sees.


def visible(user, notifications: list[Notification]) -> tuple[list, list]:
    """Split ``notifications`` (of one ``user``) into those whose target the
    user may still see and the others, asking each kind once."""
    by_kind: dict[str, set[int]] = defaultdict(set)
    for notification in notifications:
        by_kind[notification.kind].add(notification.target_id)
    allowed: dict[str, set[int]] = {}
    for key, ids in by_kind.items():
        found = registry.kind(key)
        allowed[key] = set(found.visible(user, ids)) if found is not None else set()
    shown, hidden = [], []
    for notification in notifications:
        (shown if notification.target_id in allowed[notification.kind] else hidden).append(
            notification
        )
    return shown, hidden


def visible_to_each(notifications: list[Notification]) -> tuple[list, list]:
    """``visible`` for the notifications of many people at once (each with
    its ``recipient`` loaded): each kind is asked once for all of them, by
    its batch form when it has one. An inactive recipient sees nothing."""
    people: dict[int, object] = {}
    by_kind: dict[str, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    for notification in notifications:
        recipient = notification.recipient
        if not recipient.is_active:
            continue
        people[recipient.pk] = recipient
        by_kind[notification.kind][recipient.pk].add(notification.target_id)
    allowed: dict[str, dict[int, set[int]]] = {}
    for key, ids_by_user in by_kind.items():
        found = registry.kind(key)
        allowed[key] = (
            found.visible_to_each(people.values(), ids_by_user) if found is not None else {}
        )
    shown, hidden = [], []
    for notification in notifications:
        seen = allowed.get(notification.kind, {}).get(notification.recipient_id, ())
        (shown if notification.target_id in seen else hidden).append(notification)
    return shown, hidden


def forget(notifications: list[Notification]) -> None:
    """Notifications whose target is out of reach (a council left, a post
    hidden): deleted, so that neither the list, the bell nor an e-mail keeps
    a trace of them."""
    if notifications:
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).delete()


def recheck(*, user) -> int:
    """Ask every kind again about all of ``user``'s notifications and forget
    those they can no longer see. Called when someone loses access (removed
    from a council, no longer its coordinator or referent). Returns how
    many were forgotten."""
    rows = list(Notification.objects.filter(recipient=user).only("pk", "kind", "target_id"))
    hidden = visible(user, rows)[1]
    forget(hidden)
    return len(hidden)


def visible_page(user, page_of):
    """The notifications of a page of the centre that ``user`` may still see.
    Those out of reach are forgotten and the page is read again, so that a
    page is never left empty while later pages hold visible ones."""
    for _attempt in range(3):
        page = page_of()
        shown, hidden = visible(user, list(page.object_list))
        if not hidden:
            return page, shown
        forget(hidden)
    return page, shown


def mark_read(*, user, notification: Notification) -> None:
    if notification.recipient_id != user.pk:
        raise ValueError("Not the recipient's notification.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# Preferences.


def preferences_of(user) -> dict[str, str]:
    """The delivery of each kind a person may choose (mandatory ones aside)."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind.key: chosen.get(kind.key, kind.default) for kind in registry.optional_kinds()}


@transaction.atomic
def preference_set(*, user, kind: str, delivery: str) -> None:
    found = _kind(kind)
    if found.mandatory:
        raise ValidationError(ERROR_MANDATORY_KIND)
    if delivery not in Notification.Delivery.values:
        raise ValidationError(_("Choose how to receive these notifications."))
    Preference.objects.update_or_create(user=user, kind=found.key, defaults={"delivery": delivery})
    # Waiting e-mails follow the new choice: "site only" stops them now.
    waiting = Notification.objects.filter(recipient=user, kind=found.key, delivered_at__isnull=True)
    if delivery == registry.SITE:
        waiting.update(delivery=delivery, delivered_at=timezone.now())
    else:
        waiting.update(delivery=delivery)


@transaction.atomic
def preferences_save(*, user, choices: dict[str, str]) -> None:
    for key, delivery in choices.items():
        preference_set(user=user, kind=key, delivery=delivery)


def unsubscribe(*, user, kind: str) -> list[str]:
    """What the e-mails' link does: ``kind`` (or, for a digest, every kind
    that goes in the digest) on the site only. Returns the kinds changed."""
    if kind == emails.DIGEST_TOKEN_KIND:
        keys = [
            key for key, delivery in preferences_of(user).items() if delivery == registry.DIGEST
        ]
    else:
        found = _kind(kind)
        keys = [] if found.mandatory else [found.key]
    for key in keys:
        preference_set(user=user, kind=key, delivery=registry.SITE)
    return keys


def already_unsubscribed(*, user, kind: str) -> bool:
    """Nothing left to stop: the kind (or every kind, for a digest's link)
    is on the site only."""
    choices = preferences_of(user)
    if kind == emails.DIGEST_TOKEN_KIND:
        return registry.DIGEST not in choices.values()
    return choices.get(kind) == registry.SITE


# E-mails.


def _recipient_locks(recipient_ids: list[int]) -> None:
    """Hold the recipients' account rows until the transaction ends, taken
    in the order of their keys, so that two senders cannot deadlock."""
    list(
        get_user_model()
        .objects.select_for_update(of=("self",))
        .filter(pk__in=recipient_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _claim(queryset) -> list[Notification]:
    return list(
        queryset.select_for_update(skip_locked=True, of=("self",))
        .select_related("recipient", "actor")
        .order_by("created_at", "pk")
    )


def _mark_delivered(claimed: list[Notification], now: datetime) -> None:
    """In slices, so that a chunk of long digests stays within the number of
    parameters one query may carry (SQLite's limit)."""
    pks = [notification.pk for notification in claimed]
    for start in range(0, len(pks), 5000):
        Notification.objects.filter(pk__in=pks[start : start + 5000]).update(delivered_at=now)


def deliver_immediate(pks: list[int], *, now: datetime | None = None) -> int:
    """E-mail each of these notifications to its recipient, once, if the
    recipient may still see what it is about. Returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    with transaction.atomic():
        claimed = _claim(
            Notification.objects.filter(
                pk__in=pks, delivery=registry.IMMEDIATE, delivered_at__isnull=True
            )
        )
        for notification in visible_to_each(claimed)[0]:
            emails.send_one(notification)
            sent += 1
        _mark_delivered(claimed, now)
    return sent


# What the sweep leaves to the normal path: a notification younger than
# this is still on its way through the task queued after commit.
LATE_AFTER = timedelta(seconds=15)
# At most this many notifications a sweep, so that one run stays short; the
# next run, 30 seconds later, takes the rest.
LATE_BATCH = 200


def deliver_late_immediate(*, now: datetime | None = None) -> int:
    """E-mail the notifications wanted at once that are still undelivered 15
    seconds after they were made: their task was never queued (the broker was
    down) or was lost with its worker. Safe beside the normal path: rows are
    claimed under lock by ``deliver_immediate``. Returns how many were sent."""
    now = now or timezone.now()
    late = list(
        Notification.objects.filter(
            delivery=registry.IMMEDIATE,
            delivered_at__isnull=True,
            created_at__lte=now - LATE_AFTER,
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:LATE_BATCH]
    )
    if not late:
        return 0
    return deliver_immediate(late, now=now)


def digest_recipients() -> list[int]:
    """Who has something waiting for the digest."""
    return list(
        Notification.objects.filter(delivery=registry.DIGEST, delivered_at__isnull=True)
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")
    )


def send_digests(*, now: datetime | None = None, recipient_ids: list[int] | None = None) -> int:
    """One e-mail per person (all of them, or ``recipient_ids``) with what
    waited for the digest, each event once, grouped by place and thread.
    Returns how many digests were sent. Safe to run concurrently: each
    person's rows are claimed under their row locks."""
    now = now or timezone.now()
    if recipient_ids is None:
        recipient_ids = digest_recipients()
    recipient_ids = sorted(set(recipient_ids))
    return sum(
        _send_digest_chunk(recipient_ids[start : start + DIGEST_CHUNK], now)
        for start in range(0, len(recipient_ids), DIGEST_CHUNK)
    )


def _send_digest_chunk(recipient_ids: list[int], now: datetime) -> int:
    """The digests of a chunk of people (``_send_digests_of``). If one
    person's e-mail cannot be written, the chunk rolls back and its people
    are sent again one by one: only that person's rows wait for the next
    run (the error logged), the others get theirs and the next chunks
    follow. A database error stops the run: its rows all wait."""
    try:
        return _send_digests_of(recipient_ids, now)
    except DatabaseError:
        raise
    except Exception:
        if len(recipient_ids) == 1:
            logger.exception(
                "The digest of account %s could not be written; it waits for the next run",
                recipient_ids[0],
            )
            return 0
        return sum(_send_digest_chunk([recipient_id], now) for recipient_id in recipient_ids)


def _send_digests_of(recipient_ids: list[int], now: datetime) -> int:
    """The digests of a few people in one transaction, in a fixed number of
    queries: lock them, claim their waiting rows, ask each kind once for
    all of them, write each e-mail (to the outbox, in this transaction) and
    mark the rows delivered. If anything fails, all of it rolls back: the
    rows wait and no e-mail of the chunk leaves."""
    waiting = Notification.objects.filter(delivery=registry.DIGEST, delivered_at__isnull=True)
    sent = 0
    with transaction.atomic():
        # One digest sender per person at a time: two beats, or two batches
        # of the same day, would otherwise each lock part of a person's rows
        # and send two halves. The second waits here, then finds the rows
        # delivered.
        _recipient_locks(recipient_ids)
        claimed = _claim(waiting.filter(recipient_id__in=recipient_ids, created_at__lte=now))
        if not claimed:
            return 0
        by_recipient: dict[int, list[Notification]] = defaultdict(list)
        for notification in visible_to_each(claimed)[0]:
            by_recipient[notification.recipient_id].append(notification)
        for recipient_id in sorted(by_recipient):
            shown = by_recipient[recipient_id]
            emails.send_digest(shown[0].recipient, shown)
            sent += 1
        _mark_delivered(claimed, now)
    return sent
