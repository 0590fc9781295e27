"""Response times and query counts of the council pages at the size of DESIGN.md.

Seeds (idempotently) 1,000 councils, 100,000 accounts and their memberships
into a PostgreSQL database whose name contains "bench", then requests the
directory, public pages, private space, members list and management page
in-process with Django's test client, and prints Markdown tables.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/conseils_bench \\
        .venv/bin/python bench/councils_pages.py [--councils 1000] \\
        [--accounts 100000] [--requests 200]

See bench/README.md.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DOMAIN = "bench.conseils.test"
BIG_COUNCIL_SIZE = 300
SMALL_COUNCIL_SIZE = 5
BATCH_SIZE = 5_000
COUNCILS_PER_TRANSACTION = 50
HOST = "127.0.0.1"

# (phrase after "Conseil citoyen", neighbourhood name)
NEIGHBOURHOODS = [
    ("des Tilleuls", "Les Tilleuls"),
    ("du Val-Fleuri", "Val-Fleuri"),
    ("de la Source", "La Source"),
    ("des Hauts-de-Garonne", "Les Hauts-de-Garonne"),
    ("du Mirail", "Le Mirail"),
    ("de Bellevue", "Bellevue"),
    ("des Castors", "Les Castors"),
    ("de la Grande-Borne", "La Grande-Borne"),
    ("du Plateau", "Le Plateau"),
    ("des Aubiers", "Les Aubiers"),
    ("de la Paillade", "La Paillade"),
    ("des Minguettes", "Les Minguettes"),
    ("du Chemin-Vert", "Le Chemin-Vert"),
    ("de Beaulieu", "Beaulieu"),
    ("des Pyramides", "Les Pyramides"),
    ("de la Roseraie", "La Roseraie"),
    ("du Bois-l'Abbé", "Le Bois-l'Abbé"),
    ("des Quatre-Chemins", "Les Quatre-Chemins"),
    ("de l'Épi d'Or", "L'Épi d'Or"),
    ("du Clos-Saint-Lazare", "Le Clos-Saint-Lazare"),
    ("des Courtillières", "Les Courtillières"),
    ("de la Noue", "La Noue"),
    ("du Petit-Bard", "Le Petit-Bard"),
    ("des Izards", "Les Izards"),
    ("de Kervénanec", "Kervénanec"),
    ("du Haut-du-Lièvre", "Le Haut-du-Lièvre"),
    ("des Écrivains", "Les Écrivains"),
    ("de la Mosson", "La Mosson"),
    ("du Grand-Parc", "Le Grand-Parc"),
    ("des Sablons", "Les Sablons"),
]
TOWNS = [
    "Villeneuve",
    "Saint-Martin",
    "Montigny",
    "Beaumont",
    "Fontaine",
    "Bourg-Neuf",
    "Saint-Michel",
    "Neuville",
    "Châteauroux",
    "Villefranche",
]
SEARCH_FRAGMENT = "Tilleuls"


class Refused(SystemExit):
    """The database is not one this script may fill."""


# Setup: environment, safety checks, database, migrations.


def configure_environment() -> None:
    """Environment read by the settings; must run before Django is imported."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conseils.settings.dev")
    # Local-memory cache and sessions through the database, whatever the shell says.
    os.environ.pop("REDIS_URL", None)
    # Measure templates and queries as production runs them (override with DJANGO_DEBUG).
    os.environ.setdefault("DJANGO_DEBUG", "false")
    if not os.environ.get("DATABASE_URL"):
        raise Refused("Refused: set DATABASE_URL to a PostgreSQL database named *bench*.")
    sys.path.insert(0, str(PROJECT_DIR))
    # WhiteNoise looks for collected static files; pages link to them, nothing fetches them.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)


def check_database() -> dict:
    """Refuse SQLite and any database whose name does not contain "bench"."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if "postgresql" not in database["ENGINE"]:
        raise Refused(f"Refused: {database['ENGINE']} is not PostgreSQL.")
    if "bench" not in str(database["NAME"]):
        raise Refused(f"Refused: the database {database['NAME']!r} is not named *bench*.")
    return database


def create_database(database: dict) -> bool:
    """Create the database from the server's ``postgres`` database if it is missing."""
    import psycopg
    from psycopg import sql

    parameters = {
        "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **parameters) as admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [database["NAME"]]
        ).fetchone()
        if exists:
            return False
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database["NAME"])))
        return True


# Seeding.


@dataclass
class Step:
    name: str
    created: int = 0
    already: int = 0
    seconds: float = 0.0
    note: str = ""


@contextmanager
def timed(step: Step) -> Iterator[None]:
    start = time.perf_counter()
    yield
    step.seconds = time.perf_counter() - start


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class CouncilSpec:
    name: str
    town: str
    department_index: int
    neighbourhood: str
    neighbourhood_code: str
    presentation: str
    founded_on: date


def council_specs(count: int, department_count: int) -> list[CouncilSpec]:
    """The same councils on every run: names carry their number, so they are unique."""
    from conseils.demo_councils import PRESENTATION, PROJECTS

    rng = random.Random(1000)  # noqa: S311 (bench data, not security)
    specs = []
    for index in range(count):
        phrase, neighbourhood = NEIGHBOURHOODS[index % len(NEIGHBOURHOODS)]
        town = rng.choice(TOWNS)
        projects = rng.sample(PROJECTS, 2)
        specs.append(
            CouncilSpec(
                name=f"Conseil citoyen {phrase} n° {index + 1}",
                town=town,
                department_index=index % department_count,
                neighbourhood=neighbourhood,
                neighbourhood_code=f"QN{index + 1:06d}B",
                presentation=PRESENTATION.format(
                    neighbourhood=neighbourhood,
                    town=town,
                    project_1=projects[0],
                    project_2=projects[1],
                ),
                founded_on=date(2015, 1, 1) + timedelta(days=rng.randint(0, 3000)),
            )
        )
    return specs


def seed_councils(count: int, step: Step) -> list:
    """Create the missing councils through ``council_create``; return all, in order."""
    from django.db import transaction

    from councils import services
    from councils.models import Council, Department

    departments = list(Department.objects.order_by("code"))
    specs = council_specs(count, len(departments))
    by_name = {
        council.name: council
        for council in Council.objects.filter(name__in=[spec.name for spec in specs])
    }
    missing = [spec for spec in specs if spec.name not in by_name]
    step.already = count - len(missing)
    with timed(step):
        # Batches of councils per transaction save a commit per council; the
        # service is still what writes every row.
        for start in range(0, len(missing), COUNCILS_PER_TRANSACTION):
            with transaction.atomic():
                for spec in missing[start : start + COUNCILS_PER_TRANSACTION]:
                    by_name[spec.name] = services.council_create(
                        system=True,
                        name=spec.name,
                        department=departments[spec.department_index],
                        town=spec.town,
                        neighbourhood_name=spec.neighbourhood,
                        neighbourhood_code=spec.neighbourhood_code,
                        presentation=spec.presentation,
                        founded_on=spec.founded_on,
                    )
            step.created = min(start + COUNCILS_PER_TRANSACTION, len(missing))
            progress(f"  councils: {step.created}/{len(missing)} created")
    if step.created:
        step.note = f"council_create: {1000 * step.seconds / step.created:.1f} ms per council"
    return [by_name[spec.name] for spec in specs]


def seed_accounts(count: int, step: Step) -> list[int]:
    """Bulk-create the missing accounts; return the ids of all, by e-mail."""
    from accounts.models import User
    from conseils.demo import FIRST_NAMES, LAST_NAMES

    bench_users = User.objects.filter(email__endswith=f"@{DOMAIN}")
    existing = set(bench_users.values_list("email", flat=True))
    # One unusable password for all: hashing 100,000 would take minutes.
    template = User()
    template.set_unusable_password()
    rng = random.Random(100_000)  # noqa: S311 (bench data, not security)
    now = time.time()
    new_users = []
    with timed(step):
        for number in range(1, count + 1):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            town = rng.choice(TOWNS)
            days = rng.randint(1, 900)
            email = f"bench-{number:06d}@{DOMAIN}"
            if email in existing:
                continue
            new_users.append(
                User(
                    email=email,
                    display_name=f"{first} {last[0]}.",
                    town=town,
                    password=template.password,
                    date_joined=_aware(now - days * 86_400),
                )
            )
        for start in range(0, len(new_users), BATCH_SIZE):
            User.objects.bulk_create(new_users[start : start + BATCH_SIZE])
            done = min(start + BATCH_SIZE, len(new_users))
            progress(f"  accounts: {done:,}/{len(new_users):,} created")
    step.created = len(new_users)
    step.already = count - len(new_users)
    return list(bench_users.order_by("email").values_list("pk", flat=True)[:count])


def _aware(timestamp: float):
    from datetime import UTC, datetime

    return datetime.fromtimestamp(timestamp, tz=UTC)


def council_sizes(count: int, account_count: int) -> list[int]:
    """From 5 to 300 members, most councils small; the first has 300, the second 5."""
    rng = random.Random(300)  # noqa: S311 (bench data, not security)
    span = BIG_COUNCIL_SIZE - SMALL_COUNCIL_SIZE
    sizes = [SMALL_COUNCIL_SIZE + round(span * rng.random() ** 2) for _ in range(count)]
    sizes[0] = BIG_COUNCIL_SIZE
    if count > 1:
        sizes[1] = SMALL_COUNCIL_SIZE
    return [min(size, account_count) for size in sizes]


def coordinator_count(size: int) -> int:
    return 1 if size < 50 else 2 if size < 200 else 3


def seed_memberships(councils: list, user_ids: list[int], step: Step) -> None:
    """Memberships and the group rows that grant them, as ``_membership_grant`` writes.

    Members go into the council's members group; coordinators into both groups.
    Accounts are dealt out in turn, so each belongs to one or two councils.
    Councils that already have members are skipped, whole.
    """
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from councils.models import Membership

    Through = User.groups.through
    done = set(
        Membership.objects.filter(council__in=councils)
        .order_by()
        .values_list("council_id", flat=True)
        .distinct()
    )
    rng = random.Random(2026)  # noqa: S311 (bench data, not security)
    now = timezone.now()
    sizes = council_sizes(len(councils), len(user_ids))
    memberships: list = []
    group_rows: list = []

    def flush() -> None:
        with transaction.atomic():
            Membership.objects.bulk_create(memberships, batch_size=BATCH_SIZE)
            Through.objects.bulk_create(group_rows, batch_size=BATCH_SIZE)
        step.created += len(memberships)
        progress(f"  memberships: {step.created:,} created")
        memberships.clear()
        group_rows.clear()

    cursor = 0
    with timed(step):
        for council, size in zip(councils, sizes, strict=True):
            members = [user_ids[(cursor + offset) % len(user_ids)] for offset in range(size)]
            cursor += size
            if council.pk in done:
                step.already += size
                continue
            coordinators = coordinator_count(size)
            for position, user_id in enumerate(members):
                is_coordinator = position < coordinators
                memberships.append(
                    Membership(
                        council=council,
                        user_id=user_id,
                        role=(
                            Membership.Role.COORDINATOR
                            if is_coordinator
                            else Membership.Role.MEMBER
                        ),
                        joined_at=now - timedelta(days=rng.randint(0, 800)),
                    )
                )
                group_rows.append(Through(user_id=user_id, group_id=council.members_group_id))
                if is_coordinator:
                    group_rows.append(
                        Through(user_id=user_id, group_id=council.coordinators_group_id)
                    )
            if len(memberships) >= 4 * BATCH_SIZE:
                flush()
        if memberships:
            flush()


def seed_membership_events(councils: list, step: Step) -> None:
    """The "joined" line ``membership_grant`` writes in each council's log.

    The private space shows them as recent activity. Councils whose log
    already has such lines are skipped, whole.
    """
    from django.db import transaction

    from councils.models import Membership, MembershipEvent

    joined = MembershipEvent.Action.JOINED
    done = set(
        MembershipEvent.objects.filter(council__in=councils, action=joined)
        .order_by()
        .values_list("council_id", flat=True)
        .distinct()
    )
    step.already = MembershipEvent.objects.filter(council__in=done, action=joined).count()
    missing = [council.pk for council in councils if council.pk not in done]
    with timed(step):
        for start in range(0, len(missing), 200):
            rows = (
                Membership.objects.filter(council__in=missing[start : start + 200])
                .order_by("council_id", "joined_at")
                .values_list("council_id", "user_id", "joined_at")
            )
            events = [
                MembershipEvent(
                    council_id=council_id,
                    action=joined,
                    subject_id=user_id,
                    by_system=True,
                    created_at=when,
                )
                for council_id, user_id, when in rows
            ]
            with transaction.atomic():
                MembershipEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)
            step.created += len(events)
            progress(f"  membership events: {step.created:,} created")


# Measuring.


@dataclass
class PageResult:
    label: str
    path: str
    seconds: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    html_bytes: int = 0
    full_collections: list[float] = field(default_factory=list)

    def row(self) -> str:
        median = statistics.median(self.seconds) * 1000
        p95 = statistics.quantiles(self.seconds, n=20, method="inclusive")[18] * 1000
        return (
            f"| {self.label} | `{self.path}` | {len(self.seconds)} | {median:.1f} | {p95:.1f} "
            f"| {min(self.queries)} | {max(self.queries)} | {self.html_bytes / 1024:.0f} "
            f"| {self.gc_summary()} |"
        )

    def gc_summary(self) -> str:
        if not self.full_collections:
            return "0"
        longest = max(self.full_collections) * 1000
        return f"{len(self.full_collections)} (≤ {longest:.0f} ms)"


class BadResponse(Exception):
    pass


def fetch(client, path: str):
    response = client.get(path)
    if response.status_code != 200:
        raise BadResponse(f"{path} answered {response.status_code}, not 200")
    return response


def measure(client, label: str, paths: list[str], requests: int, warmup: int) -> PageResult:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for index in range(warmup):
        fetch(client, paths[index % len(paths)])
    shown = paths[0] if len(paths) == 1 else f"{paths[0]} … ({len(paths)} councils)"
    result = PageResult(label, shown)
    with counting_full_collections() as full_collections:
        for index in range(requests):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = fetch(client, paths[index % len(paths)])
                result.seconds.append(time.perf_counter() - start)
            result.queries.append(len(captured.captured_queries))
            result.html_bytes = len(response.content)
    result.full_collections = full_collections
    progress(f"  {label}: done")
    return result


@contextmanager
def counting_full_collections() -> Iterator[list[float]]:
    """The durations of Python's full (generation 2) garbage collections meanwhile.

    They pause the request that triggers them: they explain most slow outliers.
    """
    durations: list[float] = []
    started: list[float] = []

    def callback(phase: str, info: dict) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            started.append(time.perf_counter())
        elif started:
            durations.append(time.perf_counter() - started.pop())

    gc.collect()
    gc.callbacks.append(callback)
    try:
        yield durations
    finally:
        gc.callbacks.remove(callback)


def logged_in_client(user):
    from django.test import Client

    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    return client


def member_of(council, role: str):
    return council.memberships.filter(role=role).select_related("user").order_by("pk")[0].user


def page_plan(councils: list) -> list[tuple[str, Callable[[], object], list[str]]]:
    """(label, client factory, paths) of every page type measured."""
    from django.db.models import Count, Q
    from django.test import Client
    from django.urls import reverse

    from councils.models import Council, Membership, Region
    from councils.views._access import DIRECTORY_PAGE_SIZE, MEMBERS_PAGE_SIZE

    directory = reverse("councils:directory")
    active = Council.objects.active().count()
    middle_page = max(1, -(-active // DIRECTORY_PAGE_SIZE) // 2)
    region = (
        Region.objects.annotate(
            n=Count(
                "departments__councils",
                filter=Q(departments__councils__status=Council.Status.ACTIVE),
            )
        )
        .order_by("-n", "name")
        .first()
    )
    step = max(1, len(councils) // 50)
    sample = councils[::step][:50]
    big, small = councils[0], councils[min(1, len(councils) - 1)]
    big_size = big.memberships.count()
    last_members_page = max(1, -(-big_size // MEMBERS_PAGE_SIZE))
    member = member_of(big, Membership.Role.MEMBER)
    coordinator = member_of(big, Membership.Role.COORDINATOR)
    small_coordinator = member_of(small, Membership.Role.COORDINATOR)

    def anonymous():
        return Client(HTTP_HOST=HOST)

    def as_member():
        return logged_in_client(member)

    def as_coordinator():
        return logged_in_client(coordinator)

    def as_small_coordinator():
        return logged_in_client(small_coordinator)

    def url(name: str, council, query: str = "") -> str:
        return reverse(f"councils:{name}", kwargs={"slug": council.slug}) + query

    small_size = small.memberships.count()
    return [
        ("Directory, page 1", anonymous, [directory]),
        (f"Directory, page {middle_page}", anonymous, [f"{directory}?page={middle_page}"]),
        (f"Directory, region {region.name}", anonymous, [f"{directory}?region={region.pk}"]),
        (f"Directory, search “{SEARCH_FRAGMENT}”", anonymous, [f"{directory}?q={SEARCH_FRAGMENT}"]),
        ("Public council page (anonymous)", anonymous, [url("detail", c) for c in sample]),
        (f"Private space, member ({big_size} members)", as_member, [url("space", big)]),
        (f"Members list p. 1, member ({big_size})", as_member, [url("members", big)]),
        (
            f"Members list p. {last_members_page}, member ({big_size})",
            as_member,
            [url("members", big, f"?page={last_members_page}")],
        ),
        (f"Management, coordinator ({big_size})", as_coordinator, [url("manage", big)]),
        (
            f"Management, coordinator ({small_size})",
            as_small_coordinator,
            [url("manage", small)],
        ),
    ]


# Reporting.


def seeding_table(steps: list[Step]) -> str:
    lines = [
        "| step | created | already there | seconds | note |",
        "|---|---:|---:|---:|---|",
    ]
    for step in steps:
        lines.append(
            f"| {step.name} | {step.created:,} | {step.already:,} | {step.seconds:.1f} "
            f"| {step.note} |"
        )
    return "\n".join(lines)


def pages_table(results: list[PageResult]) -> str:
    lines = [
        "| page | path | requests | median ms | p95 ms | queries min | queries max "
        "| HTML KiB | full GCs |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines.extend(result.row() for result in results)
    return "\n".join(lines)


def code_version() -> str:
    """The commit measured, and whether the working tree differed from it."""
    git = shutil.which("git")
    if git is None:
        return "unknown commit"

    def run(*arguments: str) -> str:
        return subprocess.run(  # noqa: S603 (fixed arguments, no shell)
            [git, "-C", str(PROJECT_DIR), *arguments],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()

    commit = run("rev-parse", "--short", "HEAD") or "unknown commit"
    changed = run("status", "--porcelain", "--untracked-files=no")
    return f"commit {commit}" + (" with uncommitted changes" if changed else "")


def data_summary() -> str:
    from django.db import connection
    from django.db.models import Count, Max, Min

    from accounts.models import User
    from councils.models import Council, Membership

    sizes = Council.objects.annotate(n=Count("memberships")).aggregate(
        smallest=Min("n"), largest=Max("n")
    )
    without_coordinator = Council.objects.exclude(
        memberships__role=Membership.Role.COORDINATOR
    ).count()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    return (
        f"Data: {Council.objects.count():,} councils, {User.objects.count():,} accounts, "
        f"{Membership.objects.count():,} memberships (councils of {sizes['smallest']} to "
        f"{sizes['largest']} members, {without_coordinator} without coordinator). "
        f"PostgreSQL {server}."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--councils", type=int, default=1_000)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200, help="measured, per page type")
    parser.add_argument("--warmup", type=int, default=10, help="unmeasured, per page type")
    args = parser.parse_args(argv)
    if args.councils < 2 or args.accounts < BIG_COUNCIL_SIZE or args.requests < 2:
        parser.error("at least 2 councils, 300 accounts and 2 requests")

    configure_environment()
    import django

    django.setup()
    database = check_database()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    steps = []
    step = Step("database and migrate")
    with timed(step):
        step.created = int(create_database(database))
        step.already = 1 - step.created
        call_command("migrate", interactive=False, verbosity=0)
    steps.append(step)
    progress(f"Database {database['NAME']} ready ({step.seconds:.1f} s).")

    councils = seed_councils(args.councils, step := Step("councils (council_create)"))
    steps.append(step)
    user_ids = seed_accounts(args.accounts, step := Step("accounts (bulk_create)"))
    steps.append(step)
    seed_memberships(councils, user_ids, step := Step("memberships + group rows (bulk_create)"))
    steps.append(step)
    seed_membership_events(councils, step := Step("membership log, joined (bulk_create)"))
    steps.append(step)
    # Planner statistics, as autovacuum would gather them after a bulk load
    # (it may be off, or not have run yet).
    with timed(step := Step("ANALYZE")), connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    steps.append(step)

    if HOST not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]
    setup_test_environment()
    load_before = os.getloadavg()[0]
    results = []
    for label, client_factory, paths in page_plan(councils):
        results.append(measure(client_factory(), label, paths, args.requests, args.warmup))

    print(f"# Council pages, {date.today().isoformat()}, {code_version()}\n")
    print(
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"settings {os.environ['DJANGO_SETTINGS_MODULE']}, DEBUG={settings.DEBUG}, "
        f"cache {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}, "
        f"{os.cpu_count()} CPUs, load average {load_before:.2f} before measuring and "
        f"{os.getloadavg()[0]:.2f} after (other processes make the times noisier).\n"
    )
    print(data_summary() + "\n")
    print("## Seeding\n")
    print(seeding_table(steps) + "\n")
    print(f"## Pages ({args.warmup} warm-up requests, then {args.requests} measured)\n")
    print(pages_table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
