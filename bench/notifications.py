"""Notifications at scale on PostgreSQL: fan-out, the centre and the daily digest.

Seeds (idempotently) councils, accounts, memberships, real files, pages and
forum posts, and the notifications about them, into a PostgreSQL database
whose name contains "bench". Then it times ``notify()`` to councils of 50,
300 and 1,000 members, the ``/notifications/`` page for people with 500 and
20,000 notifications, the header's unread count, ``send_digests()`` for
1,000 and 10,000 recipients and ``deliver_immediate`` for 300
notifications, and prints Markdown tables.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/notifications_bench \\
        .venv/bin/python bench/notifications.py [--digest 1000 10000] \\
        [--requests 100] [--explain] [--profile]

See bench/README.md.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from councils_pages import (
    HOST,
    Step,
    check_database,
    configure_environment,
    coordinator_count,
    counting_full_collections,
    create_database,
    logged_in_client,
    measure,
    pages_table,
    progress,
    seed_accounts,
    seed_councils,
    seeding_table,
    timed,
)

PROJECT_DIR = Path(__file__).resolve().parent.parent
BATCH_SIZE = 5_000
# Councils 1, 2 and 3 receive the fan-out; the others the digest.
FANOUT_SIZES = (1_000, 300, 50)
DIGEST_COUNCIL_SIZE = 250  # recipients per digest council, plus its coordinator-author
# (notifications, of which unread: the newest), one person each.
CENTRE_USERS = ((500, 25), (20_000, 1_000), (20_000, 0))
IMMEDIATE_BATCH = 300
# Kinds whose ``visible`` check runs for real in the digest and the centre.
NEW_FILE = "documents.new_file"
NEW_PAGE = "documents.new_page"
REPLY = "forums.reply"
NEW_TOPIC = "forums.new_topic"
MARKER = "bench-notif"
# The functions shown in the digest's profile: the service, its checks, the
# e-mail's rendering and sending, the SQL.
DIGEST_PROFILE_FILTER = (
    r"notifications/|common/mail|permissions\.py|loader\.py:\d+\(render_to_string"
    r"|signing\.py:\d+\(dumps|message\.py:\d+\(message|locmem|utils\.py:\d+\(execute\)"
    r"|base\.py:\d+\(commit"
)
DOCUMENT_NAMES = (
    "compte-rendu-reunion-de-mars.pdf",
    "affiche-fete-des-voisins.pdf",
    "archives-2024.pdf",  # only in the history of past digests
)
POST_BODIES = (
    "Qui peut venir préparer la fête des voisins samedi ? Il faut des tables.",
    "Je peux apporter deux tables et des chaises, et mon voisin a une sono.",
    "Parfait. Rendez-vous à 10 h devant la maison de quartier pour tout installer.",
)


# Setup: the e-mail and Celery settings, read before Django starts.


def configure_mail_and_tasks() -> None:
    """Tasks inline, so that nothing waits for a broker (the default without Redis)."""
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ.pop("EMAIL_URL", None)


def use_locmem_mailers() -> None:
    """Every mailer, the Celery one included, replaced by local memory."""
    from django.conf import settings
    from django.core import mail

    locmem = "django.core.mail.backends.locmem.EmailBackend"
    settings.MAILERS = {alias: {"BACKEND": locmem} for alias in settings.MAILERS}
    backend = mail.mailers.default
    if type(backend).__module__ != "django.core.mail.backends.locmem":
        raise RuntimeError(f"The default mailer is {type(backend)!r}, not locmem.")
    from conseils.celery import app

    if not app.conf.task_always_eager:
        raise RuntimeError("Celery tasks must run eagerly here (CELERY_TASK_ALWAYS_EAGER).")


# Seeding.


@dataclass
class Content:
    """The real objects of one council that notifications are about."""

    council: object
    author: object  # its first coordinator, who "writes" everything
    documents: list = field(default_factory=list)
    page: object = None
    topic: object = None
    posts: list = field(default_factory=list)


def member_plan(councils: list, user_ids: list[int]) -> list[tuple[object, list[int]]]:
    """(council, member ids) for every council, the first ids its coordinators.

    The fan-out councils share accounts 1 to 1,000; each digest council has
    its own 251 accounts, so every digest recipient is in one council only.
    """
    plan = [
        (council, user_ids[:size]) for council, size in zip(councils, FANOUT_SIZES, strict=False)
    ]
    start = FANOUT_SIZES[0]
    for council in councils[len(FANOUT_SIZES) :]:
        plan.append((council, user_ids[start : start + DIGEST_COUNCIL_SIZE + 1]))
        start += DIGEST_COUNCIL_SIZE + 1
    return plan


def seed_members(plan: list, step: Step) -> None:
    """Memberships and group rows, as ``_membership_grant`` writes them.

    Councils that already have members are skipped, whole."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from councils.models import Membership

    Through = User.groups.through
    done = set(
        Membership.objects.filter(council__in=[council for council, _ids in plan])
        .order_by()
        .values_list("council_id", flat=True)
        .distinct()
    )
    now = timezone.now()
    with timed(step):
        for council, member_ids in plan:
            if council.pk in done:
                step.already += len(member_ids)
                continue
            coordinators = coordinator_count(len(member_ids))
            memberships, group_rows = [], []
            for position, user_id in enumerate(member_ids):
                is_coordinator = position < coordinators
                memberships.append(
                    Membership(
                        council=council,
                        user_id=user_id,
                        role=Membership.Role.COORDINATOR
                        if is_coordinator
                        else Membership.Role.MEMBER,
                        joined_at=now - timedelta(days=30 + position % 700),
                    )
                )
                group_rows.append(Through(user_id=user_id, group_id=council.members_group_id))
                if is_coordinator:
                    group_rows.append(
                        Through(user_id=user_id, group_id=council.coordinators_group_id)
                    )
            with transaction.atomic():
                Membership.objects.bulk_create(memberships, batch_size=BATCH_SIZE)
                Through.objects.bulk_create(group_rows, batch_size=BATCH_SIZE)
            step.created += len(memberships)
        progress(f"  memberships: {step.created:,} created, {step.already:,} already there")


def seed_content(plan: list, step: Step) -> dict[int, Content]:
    """Three files, a page and a forum topic of three posts per council, written
    with ``bulk_create`` (the notifications only need them to exist and be
    readable). Councils that have their files already are skipped."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from documents.models import Document, Page, PageRevision
    from forums.models import Forum, Post, Topic

    councils = [council for council, _ids in plan]
    done = set(
        Document.objects.filter(council__in=councils, name__startswith=MARKER).values_list(
            "council_id", flat=True
        )
    )
    authors = User.objects.in_bulk([member_ids[0] for _council, member_ids in plan])
    now = timezone.now()
    with timed(step):
        for council, member_ids in plan:
            if council.pk in done:
                step.already += 1
                continue
            author = authors[member_ids[0]]
            with transaction.atomic():
                Document.objects.bulk_create(
                    [
                        Document(
                            council=council,
                            name=f"{MARKER}-{name}",
                            created_by=author,
                            created_at=now - timedelta(days=400 if index == 2 else 1),
                        )
                        for index, name in enumerate(DOCUMENT_NAMES)
                    ]
                )
                page = Page.objects.create(
                    council=council, title=f"Charte du conseil ({MARKER})", created_by=author
                )
                body = "La charte du conseil citoyen, écrite ensemble. " * 20
                page.current = PageRevision.objects.create(
                    page=page, number=1, body=body, body_html=f"<p>{body}</p>", author=author
                )
                page.save(update_fields=["current"])
                forum = Forum.objects.get(council=council)
                topic = Topic.objects.create(
                    forum=forum,
                    title=f"[{MARKER}] Préparation de la fête des voisins",
                    author=author,
                    post_count=len(POST_BODIES),
                )
                Post.objects.bulk_create(
                    [
                        Post(
                            topic=topic,
                            author=author,
                            body=text,
                            body_html=f"<p>{text}</p>",
                            created_at=now - timedelta(minutes=10 - index),
                        )
                        for index, text in enumerate(POST_BODIES)
                    ]
                )
            step.created += 1
    step.note = "councils with 3 files, 1 page, 1 topic of 3 posts"
    return load_content(plan)


def load_content(plan: list) -> dict[int, Content]:
    from accounts.models import User
    from documents.models import Document, Page
    from forums.models import Post, Topic

    councils = {council.pk: council for council, _ids in plan}
    authors = User.objects.in_bulk([member_ids[0] for _council, member_ids in plan])
    contents = {
        council.pk: Content(council=council, author=authors[member_ids[0]])
        for council, member_ids in plan
    }
    position = {f"{MARKER}-{name}": index for index, name in enumerate(DOCUMENT_NAMES)}
    documents = Document.objects.filter(council__in=councils, name__startswith=MARKER)
    for document in sorted(documents, key=lambda d: position[d.name]):
        document.council = councils[document.council_id]
        contents[document.council_id].documents.append(document)
    for page in Page.objects.filter(council__in=councils, title__endswith=f"({MARKER})"):
        page.council = councils[page.council_id]
        contents[page.council_id].page = page
    topics = Topic.objects.filter(
        forum__council__in=councils, title__startswith=f"[{MARKER}]"
    ).select_related("forum")
    for topic in topics:
        topic.forum.council = councils[topic.forum.council_id]
        contents[topic.forum.council_id].topic = topic
    by_topic = {content.topic.pk: content for content in contents.values()}
    posts = Post.objects.filter(topic__in=list(by_topic)).order_by("created_at", "pk")
    for post in posts:
        content = by_topic[post.topic_id]
        post.topic = content.topic
        content.posts.append(post)
    return contents


def new_file_arguments(content: Content, document) -> dict:
    """What ``documents.services.files._notify_new_file`` passes to ``notify``."""
    from django.conf import settings
    from django.utils.translation import gettext, override

    council = content.council
    with override(settings.LANGUAGE_CODE):
        title = gettext("%(name)s added the file “%(file)s”") % {
            "name": content.author.display_name,
            "file": document.name,
        }
        place = gettext("The council's files")
        where = gettext("In “%(folder)s”") % {"folder": place}
    return {
        "kind": NEW_FILE,
        "target_id": document.pk,
        "url": document.get_absolute_url(),
        "title": title,
        "actor": content.author,
        "group_key": f"council:{council.pk}",
        "group_title": council.name,
        "excerpt": where,
        "thread_key": f"folder:root:{council.pk}",
        "thread_title": place,
    }


def new_page_arguments(content: Content) -> dict:
    """What ``documents.services.pages._notify_new_page`` passes to ``notify``."""
    from django.conf import settings
    from django.utils.text import Truncator
    from django.utils.translation import gettext, override

    council, page = content.council, content.page
    with override(settings.LANGUAGE_CODE):
        title = gettext("%(name)s created the page “%(page)s”") % {
            "name": content.author.display_name,
            "page": page.title,
        }
        place = gettext("Pages written together")
    return {
        "kind": NEW_PAGE,
        "target_id": page.pk,
        "url": page.get_absolute_url(),
        "title": title,
        "actor": content.author,
        "group_key": f"council:{council.pk}",
        "group_title": council.name,
        "excerpt": Truncator("La charte du conseil citoyen, écrite ensemble. " * 20).words(40),
        "thread_key": f"pages:{council.pk}",
        "thread_title": place,
    }


def post_arguments(content: Content, post, kind: str) -> dict:
    """What ``forums.services._shared._notify_readers`` passes to ``notify``."""
    from django.conf import settings
    from django.utils.translation import gettext, override

    topic, council = content.topic, content.council
    with override(settings.LANGUAGE_CODE):
        params = {"name": content.author.display_name, "topic": topic.title, "forum": council.name}
        if kind == NEW_TOPIC:
            title = gettext("%(name)s opened the topic “%(topic)s” in “%(forum)s”") % params
        else:
            title = gettext("%(name)s replied in “%(topic)s”") % params
    return {
        "kind": kind,
        "target_id": post.pk,
        "url": post.get_absolute_url(),
        "title": title,
        "actor": content.author,
        "excerpt": post.body,
        "group_key": f"council:{council.pk}",
        "group_title": council.name,
        "thread_key": f"topic:{topic.pk}",
        "thread_title": topic.title,
    }


def digest_events(content: Content) -> list[dict]:
    """The five events of the day in a digest council: two files, a page, two replies."""
    return [
        new_file_arguments(content, content.documents[0]),
        new_file_arguments(content, content.documents[1]),
        new_page_arguments(content),
        post_arguments(content, content.posts[1], REPLY),
        post_arguments(content, content.posts[2], REPLY),
    ]


def batch_filter(contents: list[Content]):
    """The digest notifications of the day about these councils' objects."""
    from django.db.models import Q

    return (
        Q(kind=NEW_FILE, target_id__in=[c.documents[i].pk for c in contents for i in (0, 1)])
        | Q(kind=NEW_PAGE, target_id__in=[c.page.pk for c in contents])
        | Q(kind=REPLY, target_id__in=[c.posts[i].pk for c in contents for i in (1, 2)])
    )


def seed_digest_batch(plan: list, contents: dict[int, Content], step: Step) -> None:
    """The day's events of each digest council, told through the real ``notify``
    to everyone who reads its space (``space_readers``, as the apps do)."""
    from django.db import transaction

    from councils.permissions import space_readers
    from notifications.models import Notification
    from notifications.services import notify

    calls = 0
    with timed(step):
        for council, member_ids in plan[len(FANOUT_SIZES) :]:
            content = contents[council.pk]
            # Through the recipient index: (kind, target) has none.
            existing = Notification.objects.filter(
                batch_filter([content]), recipient_id__in=member_ids
            ).count()
            if existing:
                step.already += existing
                continue
            with transaction.atomic():
                for arguments in digest_events(content):
                    step.created += notify(recipients=space_readers(content.council), **arguments)
                    calls += 1
    if calls:
        step.note = f"{calls} calls, {1000 * step.seconds / calls:.0f} ms per call"


def seed_history(plan: list, contents: dict[int, Content], per_recipient: int, step: Step):
    """Past digests: ``per_recipient`` delivered, read notifications for each
    digest recipient (so that the table is not only today's rows)."""
    from django.db import transaction
    from django.db.models import Q
    from django.utils import timezone

    from notifications.models import Notification

    now = timezone.now()
    with timed(step):
        for council, member_ids in plan[len(FANOUT_SIZES) :]:
            content = contents[council.pk]
            old_file = new_file_arguments(content, content.documents[2])
            new_topic = post_arguments(content, content.posts[0], NEW_TOPIC)
            existing = Notification.objects.filter(
                Q(kind=NEW_TOPIC, target_id=content.posts[0].pk)
                | Q(kind=NEW_FILE, target_id=content.documents[2].pk),
                recipient_id__in=member_ids,
            ).count()
            if existing:
                step.already += existing
                continue
            rows = []
            for user_id in member_ids[1:]:
                for index in range(per_recipient):
                    arguments = old_file if index % 2 else new_topic
                    when = now - timedelta(days=2 + index * 3, minutes=user_id % 600)
                    rows.append(
                        notification_row(user_id, arguments, when, delivery="digest", read=True)
                    )
            with transaction.atomic():
                Notification.objects.bulk_create(rows, batch_size=BATCH_SIZE)
            step.created += len(rows)
    progress(f"  history: {step.created:,} created")


def notification_row(user_id: int, arguments: dict, when, *, delivery: str, read: bool):
    """A row as ``notify`` writes it, already delivered (and read) if asked."""
    from notifications.models import Notification

    fields = {key: value for key, value in arguments.items() if key != "actor"}
    return Notification(
        recipient_id=user_id,
        actor_id=arguments["actor"].pk,
        created_at=when,
        delivery=delivery,
        delivered_at=None if delivery == "immediate" else when,
        read_at=when + timedelta(hours=5) if read else None,
        **fields,
    )


def seed_centre(user_id: int, count: int, unread: int, content: Content, step: Step) -> None:
    """``count`` notifications "on the site only" about council 1's objects,
    one every 45 minutes back from now; the newest ``unread`` unread."""
    from django.db import transaction
    from django.utils import timezone

    from notifications.models import Notification

    events = [
        new_file_arguments(content, content.documents[0]),
        new_file_arguments(content, content.documents[1]),
        new_page_arguments(content),
        post_arguments(content, content.posts[1], REPLY),
        post_arguments(content, content.posts[2], REPLY),
    ]
    existing = Notification.objects.filter(recipient_id=user_id, delivery="site").count()
    step.already += existing
    now = timezone.now()
    with timed(step), transaction.atomic():
        rows = [
            notification_row(
                user_id,
                events[index % len(events)],
                now - timedelta(minutes=45 * (count - index)),
                delivery="site",
                read=index < count - unread,
            )
            for index in range(existing, count)
        ]
        Notification.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    step.created += len(rows)


def seed_immediate(recipient_ids: list[int], content: Content, step: Step) -> list[int]:
    """One new file of council 1 for ``recipient_ids``, who chose "at once":
    the rows ``notify`` writes before ``send_immediate`` runs. Returns their pks."""
    from django.utils import timezone

    from notifications.models import Notification

    arguments = new_file_arguments(content, content.documents[0])
    mine = Notification.objects.filter(
        delivery="immediate", kind=NEW_FILE, target_id=arguments["target_id"]
    )
    have = set(mine.values_list("recipient_id", flat=True))
    step.already = len(have)
    now = timezone.now()
    with timed(step):
        rows = [
            notification_row(user_id, arguments, now, delivery="immediate", read=False)
            for user_id in recipient_ids
            if user_id not in have
        ]
        Notification.objects.bulk_create(rows)
    step.created = len(rows)
    return list(
        mine.filter(recipient_id__in=recipient_ids).order_by("pk").values_list("pk", flat=True)
    )


def seed_preferences(user_ids: list[int], step: Step) -> None:
    """Choices of the fan-out councils' members, so that ``notify`` finds some:
    one in four chose a delivery for new files, one in seven for replies."""
    from notifications.models import Preference

    cycle = ("site", "immediate", "digest")
    rows = [
        Preference(user_id=user_id, kind=NEW_FILE, delivery=cycle[(index // 4) % 3])
        for index, user_id in enumerate(user_ids)
        if index % 4 == 1
    ] + [
        Preference(user_id=user_id, kind=REPLY, delivery="site")
        for index, user_id in enumerate(user_ids)
        if index % 7 == 3
    ]
    before = Preference.objects.count()
    with timed(step):
        Preference.objects.bulk_create(rows, ignore_conflicts=True)
    step.created = Preference.objects.count() - before
    step.already = len(rows) - step.created


# Measuring.


@dataclass
class QueryMeter:
    """Counts the queries run meanwhile and the time spent in them (on the
    client: network and PostgreSQL, results fetched)."""

    count: int = 0
    seconds: float = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - start


@contextmanager
def metering() -> Iterator[QueryMeter]:
    from django.db import connection

    meter = QueryMeter()
    with connection.execute_wrapper(meter):
        yield meter


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def p95_ms(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] * 1000
    return statistics.quantiles(values, n=20, method="inclusive")[18] * 1000


@dataclass
class FanOut:
    members: int
    told: int = 0
    seconds: list[float] = field(default_factory=list)
    sql_seconds: list[float] = field(default_factory=list)
    check_seconds: list[float] = field(default_factory=list)
    queries: int = 0
    deliveries: str = ""

    def row(self) -> str:
        median = median_ms(self.seconds)
        return (
            f"| {self.members:,} | {self.told:,} | {self.deliveries} | {len(self.seconds)} "
            f"| {median:.1f} | {p95_ms(self.seconds):.1f} | {median_ms(self.sql_seconds):.1f} "
            f"| {median_ms(self.check_seconds):.1f} | {self.queries} "
            f"| {1000 * median / self.told:.0f} |"
        )


def measure_fanout(content: Content, members: int, runs: int, warmup: int) -> FanOut:
    """``notify`` of a new file to everyone who reads the council's space, in a
    transaction rolled back after each run (the ``send_immediate`` queued on
    commit never runs). The foreign keys are checked at commit (DEFERRABLE
    INITIALLY DEFERRED), so the timing includes ``SET CONSTRAINTS ALL
    IMMEDIATE``, which runs those checks; only the commit's WAL flush is left out."""
    from collections import Counter

    from django.db import connection, transaction
    from django.utils import timezone

    from councils.permissions import space_readers
    from notifications.models import Notification
    from notifications.services import notify

    arguments = new_file_arguments(content, content.documents[1])
    result = FanOut(members)
    for index in range(warmup + runs):
        with transaction.atomic():
            before = timezone.now()
            with metering() as meter:
                start = time.perf_counter()
                told = notify(recipients=space_readers(content.council), **arguments)
                notified = time.perf_counter()
            connection.check_constraints()
            elapsed = time.perf_counter() - start
            if index == 0:
                counts = Counter(
                    Notification.objects.filter(
                        kind=NEW_FILE, target_id=arguments["target_id"], created_at__gte=before
                    ).values_list("delivery", flat=True)
                )
                result.deliveries = ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items()))
            transaction.set_rollback(True)
        if index >= warmup:
            result.seconds.append(elapsed)
            result.sql_seconds.append(meter.seconds)
            result.check_seconds.append(elapsed - (notified - start))
            result.queries = meter.count
            result.told = told
    progress(f"  fan-out to {members:,} members: done")
    return result


def profile_fanout(content: Content, runs: int = 3) -> cProfile.Profile:
    """The same ``notify`` as ``measure_fanout``, under cProfile (not timed)."""
    from django.db import transaction

    from councils.permissions import space_readers
    from notifications.services import notify

    arguments = new_file_arguments(content, content.documents[1])
    profiler = cProfile.Profile()
    for _ in range(runs):
        with transaction.atomic():
            profiler.enable()
            notify(recipients=space_readers(content.council), **arguments)
            profiler.disable()
            transaction.set_rollback(True)
    return profiler


@dataclass
class Timed:
    label: str
    seconds: list[float] = field(default_factory=list)
    value: int = 0


def measure_unread_count(user, label: str, runs: int) -> Timed:
    from notifications import selectors

    result = Timed(label)
    for _ in range(5):
        selectors.unread_count(user)
    for _ in range(runs):
        start = time.perf_counter()
        result.value = selectors.unread_count(user)
        result.seconds.append(time.perf_counter() - start)
    return result


@dataclass
class Batch:
    label: str
    recipients: int = 0
    waiting: int = 0
    seconds: list[float] = field(default_factory=list)
    sql_seconds: list[float] = field(default_factory=list)
    # This process's CPU time (``time.process_time``): on a shared machine,
    # closer to what a quiet one takes than the wall clock.
    cpu_seconds: list[float] = field(default_factory=list)
    queries: int = 0
    sent: int = 0
    messages: int = 0
    full_collections: list[float] = field(default_factory=list)
    profile: cProfile.Profile | None = None


def rearm_digests(digest_contents: list[Content], recipients: int) -> tuple[int, int]:
    """Today's digest notifications waiting for the first ``recipients``
    people only (the others' marked delivered), then the table vacuumed as
    autovacuum would. Returns (recipients, notifications) waiting."""
    from django.db import connection
    from django.utils import timezone

    from notifications.models import Notification

    councils = -(-recipients // DIGEST_COUNCIL_SIZE)
    chosen, others = digest_contents[:councils], digest_contents[councils:]
    Notification.objects.filter(batch_filter(chosen)).update(delivered_at=None)
    if others:
        Notification.objects.filter(batch_filter(others), delivered_at__isnull=True).update(
            delivered_at=timezone.now()
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE notifications_notification")
    waiting = Notification.objects.filter(delivery="digest", delivered_at__isnull=True)
    return waiting.values("recipient_id").distinct().count(), waiting.count()


def measure_digest(digest_contents: list[Content], recipients: int, profile: bool) -> Batch:
    from django.core import mail

    from notifications.models import Notification
    from notifications.services import send_digests

    result = Batch(f"{recipients:,} recipients")
    result.recipients, result.waiting = rearm_digests(digest_contents, recipients)
    mail.outbox = []
    profiler = cProfile.Profile() if profile else None
    with counting_full_collections() as collections, metering() as meter:
        start, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        result.sent = send_digests()
        if profiler:
            profiler.disable()
        result.seconds.append(time.perf_counter() - start)
        result.cpu_seconds.append(time.process_time() - cpu)
    result.sql_seconds.append(meter.seconds)
    result.queries = meter.count
    result.messages = len(mail.outbox)
    result.full_collections = collections
    left = Notification.objects.filter(delivery="digest", delivered_at__isnull=True).count()
    if left or result.messages != result.sent:
        raise RuntimeError(f"{left} notifications still wait; {result.messages} messages sent")
    mail.outbox = []
    progress(f"  digest for {recipients:,} recipients: {result.seconds[0]:.1f} s")
    if profiler:
        result.label += " (under cProfile)"
        result.profile = profiler
    return result


def measure_immediate(pks: list[int], runs: int) -> Batch:
    from django.core import mail

    from notifications.models import Notification
    from notifications.services import deliver_immediate

    result = Batch(f"{len(pks)} notifications, 1 event")
    rows = Notification.objects.filter(pk__in=pks)
    result.recipients = rows.values("recipient_id").distinct().count()
    result.waiting = len(pks)
    for _ in range(runs):
        rows.update(delivered_at=None)
        mail.outbox = []
        with metering() as meter:
            start, cpu = time.perf_counter(), time.process_time()
            result.sent = deliver_immediate(pks)
            result.seconds.append(time.perf_counter() - start)
            result.cpu_seconds.append(time.process_time() - cpu)
        result.sql_seconds.append(meter.seconds)
        result.queries = meter.count
        result.messages = len(mail.outbox)
        if result.messages != result.sent:
            raise RuntimeError(f"deliver_immediate sent {result.sent}, outbox {result.messages}")
    mail.outbox = []
    progress("  deliver_immediate: done")
    return result


def explain(queryset, *, count: bool = False) -> str:
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    if count:
        sql = f"SELECT count(*) FROM ({sql}) s"  # noqa: S608 (Django's own SQL)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def plans(big_user_id: int, all_read_id: int, digest_recipient_id: int) -> list[tuple[str, str]]:
    from django.utils import timezone

    from notifications.models import Notification
    from notifications.selectors import UNREAD_SHOWN_UP_TO

    mine = Notification.objects.filter(recipient_id=big_user_id)
    all_read = Notification.objects.filter(recipient_id=all_read_id)
    waiting = Notification.objects.filter(delivery="digest", delivered_at__isnull=True)
    unread = slice(0, UNREAD_SHOWN_UP_TO + 1)
    return [
        (
            "Header: unread count (20,000 notifications, 1,000 unread)",
            explain(mine.filter(read_at__isnull=True).values_list("pk")[unread]),
        ),
        (
            "Header: unread count (20,000 notifications, all read)",
            explain(all_read.filter(read_at__isnull=True).values_list("pk")[unread]),
        ),
        (
            "Header: the same without the model's ordering (`.order_by()`), all read",
            explain(all_read.filter(read_at__isnull=True).order_by().values_list("pk")[unread]),
        ),
        (
            "Centre: the paginator's count (20,000)",
            explain(mine.order_by().values("pk"), count=True),
        ),
        ("Centre: page 1 (20,000)", explain(mine.select_related("actor")[:30])),
        ("Centre: last page (20,000)", explain(mine.select_related("actor")[19_980:20_010])),
        (
            "Digest: who waits",
            explain(waiting.values_list("recipient_id").distinct().order_by("recipient_id")),
        ),
        (
            "Digest: one recipient's claim (without FOR UPDATE)",
            explain(
                waiting.filter(recipient_id=digest_recipient_id, created_at__lte=timezone.now())
                .select_related("recipient", "actor")
                .order_by("created_at", "pk")
            ),
        ),
    ]


def profile_summary(profiler: cProfile.Profile, sort: str, *restrictions) -> str:
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.sort_stats(sort).print_stats(*restrictions)
    lines = stream.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    return "\n".join(line.replace(str(PROJECT_DIR) + "/", "") for line in lines[start:] if line)


# Reporting.


def head_commit() -> str:
    """The commit checked out, read from .git (no git command is run)."""
    git = PROJECT_DIR / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return f"commit {head[:7]}"
        ref = head.removeprefix("ref: ")
        if (git / ref).exists():
            return f"commit {(git / ref).read_text().strip()[:7]}"
        for line in (git / "packed-refs").read_text().splitlines():
            if line.endswith(f" {ref}"):
                return f"commit {line[:7]}"
    except OSError:
        pass
    return "unknown commit"


def data_summary() -> str:
    from django.db import connection

    from accounts.models import User
    from councils.models import Council, Membership
    from notifications.models import Notification, Preference

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('notifications_notification'))"
        )
        size = cursor.fetchone()[0]
    return (
        f"Data: {Council.objects.count():,} councils, {User.objects.count():,} accounts, "
        f"{Membership.objects.count():,} memberships, {Notification.objects.count():,} "
        f"notifications ({size} with indexes), {Preference.objects.count():,} preferences. "
        f"PostgreSQL {server}."
    )


def batch_table(results: list[Batch], what: str) -> str:
    lines = [
        f"| {what} | recipients | notifications | runs | total s (median) | ms per recipient "
        "| SQL s | Python CPU s | queries | queries per recipient | e-mails sent | full GCs |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        total = statistics.median(result.seconds)
        gcs = (
            f"{len(result.full_collections)} (≤ {1000 * max(result.full_collections):.0f} ms)"
            if result.full_collections
            else "0"
        )
        lines.append(
            f"| {result.label} | {result.recipients:,} | {result.waiting:,} | "
            f"{len(result.seconds)} | {total:.2f} | {1000 * total / result.recipients:.1f} "
            f"| {statistics.median(result.sql_seconds):.2f} "
            f"| {statistics.median(result.cpu_seconds):.2f} | {result.queries:,} "
            f"| {result.queries / result.recipients:.1f} | {result.messages:,} | {gcs} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--digest",
        type=int,
        nargs="+",
        default=[1_000, 10_000],
        help=f"recipient counts of the digest runs (multiples of {DIGEST_COUNCIL_SIZE})",
    )
    parser.add_argument("--history", type=int, default=20, help="past notifications per recipient")
    parser.add_argument("--fanout-runs", type=int, default=20)
    parser.add_argument("--requests", type=int, default=100, help="measured, per page")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--immediate-runs", type=int, default=5)
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    parser.add_argument(
        "--profile", action="store_true", help="profile one more digest of the smallest size"
    )
    args = parser.parse_args(argv)
    if any(size % DIGEST_COUNCIL_SIZE or size <= 0 for size in args.digest):
        parser.error(f"--digest sizes must be positive multiples of {DIGEST_COUNCIL_SIZE}")
    if min(args.requests, args.fanout_runs, args.immediate_runs) < 2:
        parser.error("at least 2 runs of each")

    configure_environment()
    configure_mail_and_tasks()
    import django

    django.setup()
    database = check_database()

    from django.conf import settings
    from django.core import mail
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    from accounts.models import User

    run_start = time.perf_counter()
    digest_councils = max(args.digest) // DIGEST_COUNCIL_SIZE
    account_count = FANOUT_SIZES[0] + digest_councils * (DIGEST_COUNCIL_SIZE + 1)

    steps = []
    with timed(step := Step("database and migrate")):
        step.created = int(create_database(database))
        step.already = 1 - step.created
        call_command("migrate", interactive=False, verbosity=0)
    steps.append(step)
    progress(f"Database {database['NAME']} ready ({step.seconds:.1f} s).")
    councils = seed_councils(
        len(FANOUT_SIZES) + digest_councils, step := Step("councils (council_create)")
    )
    steps.append(step)
    user_ids = seed_accounts(account_count, step := Step("accounts (bulk_create)"))
    steps.append(step)
    plan = member_plan(councils, user_ids)
    seed_members(plan, step := Step("memberships + group rows (bulk_create)"))
    steps.append(step)
    contents = seed_content(plan, step := Step("files, pages, topics (bulk_create)"))
    steps.append(step)
    digest_contents = [contents[council.pk] for council in councils[len(FANOUT_SIZES) :]]
    seed_digest_batch(plan, contents, step := Step("today's digest notifications (notify)"))
    steps.append(step)
    seed_history(plan, contents, args.history, step := Step("past digests (bulk_create)"))
    steps.append(step)
    big = contents[councils[0].pk]
    # Members of council 1 only, and plain members.
    centre_users = [
        (user_ids[FANOUT_SIZES[0] // 2 + position], size, unread)
        for position, (size, unread) in enumerate(CENTRE_USERS)
    ]
    step = Step("centre notifications (bulk_create)")
    for user_id, size, unread in centre_users:
        seed_centre(user_id, size, unread, big, step)
    steps.append(step)
    immediate_pks = seed_immediate(
        user_ids[1 : IMMEDIATE_BATCH + 1], big, step := Step("immediate batch (bulk_create)")
    )
    steps.append(step)
    seed_preferences(user_ids[: FANOUT_SIZES[0]], step := Step("preferences (bulk_create)"))
    steps.append(step)
    # Statistics and the visibility map, as autovacuum would keep them after
    # a bulk load (the local server runs with it off).
    with timed(step := Step("VACUUM ANALYZE")), connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    steps.append(step)
    seeding_seconds = time.perf_counter() - run_start

    if HOST not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]
    setup_test_environment()
    use_locmem_mailers()
    load_before = os.getloadavg()[0]

    progress("Fan-out…")
    fanouts = [
        measure_fanout(contents[council.pk], size, args.fanout_runs, 2)
        for council, size in sorted(
            zip(councils, FANOUT_SIZES, strict=False), key=lambda pair: pair[1]
        )
    ]

    fanout_profile = profile_fanout(contents[councils[0].pk]) if args.profile else None

    progress("Centre…")
    from django.urls import reverse

    from notifications.views import PER_PAGE

    index = reverse("notifications:index")
    pages, counts = [], []
    for user_id, size, unread in centre_users:
        who = f"{size:,} notifications, {unread:,} unread"
        user = User.objects.get(pk=user_id)
        client = logged_in_client(user)
        response = client.get(index)
        shown = response.context["notifications"] if response.status_code == 200 else []
        if len(shown) != min(size, PER_PAGE):
            raise RuntimeError(f"{index}: {response.status_code}, {len(shown)} shown")
        paths = [index]
        if size > PER_PAGE * 10:
            paths.append(f"{index}?page={-(-size // PER_PAGE)}")
        for path in paths:
            label = f"{who}, {'last page' if '?' in path else 'page 1'}"
            pages.append(measure(client, label, [path], args.requests, args.warmup))
        counts.append(measure_unread_count(user, who, args.requests))

    progress("Digests…")
    digests = [measure_digest(digest_contents, size, False) for size in sorted(args.digest)]
    profiled = None
    if args.profile:
        profiled = measure_digest(digest_contents, min(args.digest), True)

    progress("deliver_immediate…")
    immediate = measure_immediate(immediate_pks, args.immediate_runs)
    load_after = os.getloadavg()[0]

    print(f"# Notifications, {date.today().isoformat()}, {head_commit()}\n")
    print(
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"settings {os.environ['DJANGO_SETTINGS_MODULE']}, DEBUG={settings.DEBUG}, "
        f"e-mail {type(mail.mailers.default).__module__}, Celery eager, "
        f"{os.cpu_count()} CPUs, load average {load_before:.2f} "
        f"before measuring and {load_after:.2f} after. Seeding took {seeding_seconds:.0f} s "
        f"and the whole run {time.perf_counter() - run_start:.0f} s.\n"
    )
    print(data_summary() + "\n")
    print("## Seeding\n")
    print(seeding_table(steps) + "\n")
    print(
        f"## Fan-out: `notify()` of a new file ({NEW_FILE}) to the council's space readers\n\n"
        f"2 warm-up runs, then {args.fanout_runs} measured; each in a transaction rolled back "
        "(the foreign-key checks the commit would run are timed, with `SET CONSTRAINTS ALL "
        "IMMEDIATE`; its WAL flush is not). The queries and SQL time are `notify`'s own. "
        "The first coordinator is the actor, so is not told.\n"
    )
    print(
        "| members | told | deliveries written | runs | median ms | p95 ms | SQL ms (median) "
        "| FK checks ms (median) | queries | µs per recipient |\n"
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|"
    )
    for fanout in fanouts:
        print(fanout.row())
    print(f"\n## The centre `/notifications/` ({args.warmup} warm-up, {args.requests} measured)\n")
    print(pages_table(pages) + "\n")
    print("Header: `selectors.unread_count(user)` alone.\n")
    print("| user | unread shown | calls | median ms | p95 ms |\n|---|---:|---:|---:|---:|")
    for count in counts:
        print(
            f"| {count.label} | {count.value} | {len(count.seconds)} "
            f"| {median_ms(count.seconds):.2f} | {p95_ms(count.seconds):.2f} |"
        )
    print("\n## The daily digest: `send_digests()`, e-mails to locmem\n")
    print(
        "Each recipient waits for 5 notifications of 3 kinds (2 new files, 1 new page, "
        "2 forum replies) whose `visible` checks query the database.\n"
    )
    print(batch_table([*digests, *([profiled] if profiled else [])], "digest") + "\n")
    print(f"## `deliver_immediate` ({args.immediate_runs} runs)\n")
    print(batch_table([immediate], "batch"))
    if args.explain:
        # Today's digests waiting, for the plans of the digest's queries.
        rearm_digests(digest_contents, max(args.digest))
        explained = plans(centre_users[1][0], centre_users[2][0], plan[-1][1][1])
        rearm_digests(digest_contents, 0)
        for title, plan_text in explained:
            print(f"\n### Plan: {title}\n\n```\n{plan_text}\n```")
    if fanout_profile:
        print(f"\n## Profile of 3 `notify()` to {FANOUT_SIZES[0]:,} members (own time)\n")
        print("```\n" + profile_summary(fanout_profile, "tottime", 15) + "\n```")
    if profiled:
        print(f"\n## Profile of the digest for {min(args.digest):,} recipients (cumulative)\n")
        summary = profile_summary(profiled.profile, "cumulative", DIGEST_PROFILE_FILTER, 30)
        print("```\n" + summary + "\n```")
    return 0


if __name__ == "__main__":
    sys.exit(main())
