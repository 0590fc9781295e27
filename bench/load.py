"""Load test: 200 simulated people for 60 seconds against gunicorn, PostgreSQL and Redis.

Seeds ``seed_demo --scale N`` into a PostgreSQL database whose name contains
"bench" (idempotent: a second run only checks), gives the private spaces of
the councils that take part what members use (two forum topics, one of
several pages, and three files each), signs their members in (sessions made
on the server side: the login form, rate-limited and deliberately slow to
hash, is not what is measured), then serves the site as production does:

- ``conseils.settings.production``, DEBUG off, static files collected;
- gunicorn with the Dockerfile's options (``--workers 3`` by default);
- a Celery worker consuming the notification tasks the posts queue;
- PostgreSQL and Redis from DATABASE_URL and REDIS_URL.

locust (bench/locustfile.py) plays nginx's part: plain HTTP on loopback with
``X-Forwarded-Proto: https`` and one ``X-Forwarded-For`` address per simulated
person (``ALLAUTH_TRUSTED_PROXY_COUNT=1``, as in docker-compose.yml), so the
per-address limits apply per person, as they would in production.

It prints a Markdown report (per page type: requests, failures, throughput,
median, 95th percentile) and exits 1 if any request failed or the server
logged an error.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/conseils_load_bench \\
    REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python bench/load.py [--scale 49] [--users 200] [--duration 60]

See bench/README.md (``make load`` runs it with those values).
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import os
import platform
import resource
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = PROJECT_DIR / "bench"
VENV_BIN = PROJECT_DIR / ".venv" / "bin"
WORK_DIR = PROJECT_DIR / "tmp" / "load"
HOST = "127.0.0.1"
# The Dockerfile's command, but for the address, the workers and the log.
GUNICORN_OPTIONS = [
    "conseils.wsgi:application",
    *("--forwarded-allow-ips", HOST),
    *("--worker-tmp-dir", "/dev/shm"),  # noqa: S108 (the Dockerfile's choice: no disk writes)
    "--no-control-socket",
]
# docker-compose.yml's worker, with one process: the notifications queue up
# while people post, and the worker shares the machine's two cores with the rest.
WORKER_OPTIONS = ["-A", "conseils", "worker", "--concurrency", "1", "--loglevel", "WARNING"]

LONG_TOPIC = "Organisation de la kermesse de printemps"
SHORT_TOPIC = "Compte rendu de la réunion de novembre"
LONG_TOPIC_POSTS = 45  # three pages of 20
SHORT_TOPIC_POSTS = 8
# A word only the private topics use: a member's search finds their council's
# topic, never another council's.
PRIVATE_WORD = "kermesse"
PUBLIC_WORDS = ["quartier", "jardin", "propreté", "jeunes", "rénovation"]
REPLIES = [
    "Je peux tenir le stand des crêpes le samedi matin.",
    "Il faudrait prévenir le centre social et l'école pour les affiches.",
    "Bonne idée. Qui s'occupe de demander les tables à la mairie ?",
    "Le bailleur est d'accord pour prêter la salle commune en cas de pluie.",
    "Je m'inscris pour le rangement à la fin de la journée.",
    "Pensons aux personnes âgées de la résidence : un point d'eau et des chaises.",
]
FILES = [
    ("ordre-du-jour.pdf", 120_000),
    ("liste-des-participants.csv", 3_000),
    ("plan-du-quartier.pdf", 600_000),
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def configure(args) -> dict[str, str]:
    """The environment of every process of the run, set before Django is imported."""
    if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
        raise SystemExit(
            "Refused: set DATABASE_URL to a PostgreSQL database named *bench* and REDIS_URL."
        )
    media = WORK_DIR / "media"
    media.mkdir(parents=True, exist_ok=True)
    for name in ("AWS_STORAGE_BUCKET_NAME", "PROTECTED_MEDIA_X_ACCEL", "EMAIL_URL"):
        os.environ.pop(name, None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="conseils.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_DEBUG="false",
        ALLAUTH_TRUSTED_PROXY_COUNT="1",
        MEDIA_ROOT=str(media),
        PYTHONPATH=str(PROJECT_DIR),
    )
    server_env = dict(os.environ)
    # This process seeds and prepares: its tasks (muted e-mails) run inline
    # rather than waiting in Redis for the worker the test starts later.
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    sys.path.insert(0, str(PROJECT_DIR))
    sys.path.insert(0, str(BENCH_DIR))
    return server_env


def prepare_database(scale: int) -> None:
    import django

    django.setup()
    from councils_pages import check_database, create_database
    from django.core.management import call_command
    from django.db import connection

    database = check_database()
    if create_database(database):
        log(f"created the database {database['NAME']}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    log(f"migrated in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    call_command("seed_demo", scale=scale, verbosity=0)
    log(f"seed_demo --scale {scale} in {time.perf_counter() - started:.0f} s")
    call_command("collectstatic", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _members_of(council) -> list:
    from councils.models import Membership

    return [
        membership.user
        for membership in Membership.objects.filter(council=council)
        .select_related("user")
        .order_by("pk")
    ]


def _ensure_topic(forum, title: str, posts: int, authors: list) -> object:
    from forums import services
    from forums.models import Topic

    topic = Topic.objects.filter(forum=forum, title=title).first()
    if topic is None:
        topic = services.topic_create(
            author=authors[0],
            forum=forum,
            title=title,
            body=(
                f"Bonjour à toutes et à tous. Parlons ici de l'organisation : {title.lower()}. "
                f"La {PRIVATE_WORD} a lieu au printemps, chacun dit ce qu'il peut faire."
            ),
        )
    missing = posts - topic.posts.count()
    for number in range(missing):
        services.post_reply(
            author=authors[(number + 1) % len(authors)],
            topic=topic,
            body=REPLIES[number % len(REPLIES)],
        )
    return topic


def _ensure_files(council, author) -> list:
    from django.core.files.base import ContentFile

    from documents import services
    from documents.models import Document

    documents = []
    for name, size in FILES:
        document = Document.objects.filter(council=council, folder=None, name=name).first()
        if document is None:
            if name.endswith(".pdf"):
                content = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + os.urandom(size - 15)
            else:
                line = "nom;prénom;rue\nDupont;Awa;rue des Lilas\n"
                content = (line * (size // len(line) + 1)).encode()[:size]
            document = services.document_upload(
                user=author, council=council, folder=None, uploaded=ContentFile(content, name=name)
            )
        documents.append(document)
    return documents


def build_plan(member_count: int) -> dict:
    """Content in the councils that take part, members' sessions, and the
    pages each simulated person visits."""
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from councils.models import Council, Department
    from councils.views._access import DIRECTORY_PAGE_SIZE
    from forums.models import Forum, Topic
    from forums.selectors import POSTS_PER_PAGE
    from news.models import Article

    active = Council.objects.filter(status=Council.Status.ACTIVE)
    councils = list(active.filter(forum__isnull=False).select_related("forum").order_by("pk"))
    taking_part = [council for council in councils if len(_members_of(council)) >= 2]
    taking_part = taking_part[:member_count]
    if len(taking_part) < member_count:
        raise SystemExit(
            f"Only {len(taking_part)} councils have two members or more; "
            f"raise --scale to have {member_count}."
        )
    started = time.perf_counter()
    members = []
    for slot, council in enumerate(taking_part):
        authors = _members_of(council)
        long_topic = _ensure_topic(council.forum, LONG_TOPIC, LONG_TOPIC_POSTS, authors)
        short_topic = _ensure_topic(council.forum, SHORT_TOPIC, SHORT_TOPIC_POSTS, authors)
        documents = _ensure_files(council, authors[0])
        me = authors[slot % len(authors)]
        colleague = next(user for user in authors if user.pk != me.pk)
        client = Client()
        client.force_login(me)
        members.append(
            {
                "slot": slot,
                "name": html.escape(me.display_name),
                # Named with @ in some replies: an immediate notification, an
                # e-mail sent by the Celery worker.
                "colleague": colleague.display_name,
                "council": html.escape(council.name),
                "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "space": reverse("councils:space", kwargs={"slug": council.slug}),
                "forum": reverse("forums:council_forum", kwargs={"slug": council.slug}),
                "topics": [
                    {
                        "title": html.escape(topic.title),
                        "url": reverse("forums:topic", kwargs={"pk": topic.pk}),
                        "reply_url": reverse("forums:reply", kwargs={"pk": topic.pk}),
                        "pages": -(-topic.posts.count() // POSTS_PER_PAGE),
                    }
                    for topic in (long_topic, short_topic)
                ],
                "files": reverse("documents:root", kwargs={"slug": council.slug}),
                "upload": reverse("documents:upload", kwargs={"slug": council.slug}),
                "documents": [
                    {
                        "name": html.escape(document.name),
                        "url": reverse(
                            "documents:download",
                            kwargs={"slug": council.slug, "pk": document.pk},
                        ),
                        "size": document.current_version.file.size,
                    }
                    for document in documents
                ],
                "search_words": [PRIVATE_WORD],
            }
        )
        if slot % 25 == 24:
            log(f"  {slot + 1} councils ready ({time.perf_counter() - started:.0f} s)")
    public_councils = active.order_by("?")[:300]
    public_topics = Topic.objects.filter(
        forum__council__isnull=True, forum__audience=Forum.Audience.EVERYONE
    )
    articles = Article.objects.published().national()
    return {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "members": members,
        "public": {
            "councils": [
                {"name": html.escape(council.name), "url": council.get_absolute_url()}
                for council in public_councils
            ],
            "directory_pages": -(-active.count() // DIRECTORY_PAGE_SIZE),
            "departments": sorted(
                Department.objects.filter(councils__isnull=False)
                .values_list("code", flat=True)
                .distinct()
            ),
            "topics": [
                {"title": html.escape(topic.title), "url": topic.get_absolute_url()}
                for topic in public_topics
            ],
            "articles": [
                {"title": html.escape(article.title), "url": article.get_absolute_url()}
                for article in articles
            ],
            "search_words": PUBLIC_WORDS,
        },
    }


def emails_sent(worker_log: Path) -> int:
    """E-mails the worker handed to the console backend (the embedded one)."""
    return sum(
        line.startswith("Subject: ") for line in worker_log.read_text(errors="replace").splitlines()
    )


def data_summary() -> dict[str, int]:
    from accounts.models import User
    from councils.models import Council
    from documents.models import Document
    from forums.models import Post, Topic

    return {
        "councils": Council.objects.count(),
        "accounts": User.objects.count(),
        "topics": Topic.objects.count(),
        "posts": Post.objects.count(),
        "files": Document.objects.count(),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_until_up(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    url = f"http://{HOST}:{port}/healthz"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn stopped before answering")
        try:
            request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
            with urllib.request.urlopen(request, timeout=2) as answer:  # noqa: S310 (loopback)  # nosec B310
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer {url} within {seconds:.0f} s")


def warm_up(port: int, plan: dict, workers: int) -> None:
    """Each page type a few times per worker before the clock starts, as on
    a server that has been running: imports, templates and caches loaded."""
    member = plan["members"][0]
    public = plan["public"]
    anonymous = [
        "/",
        "/conseils/",
        public["councils"][0]["url"],
        "/actualites/",
        public["articles"][0]["url"],
        "/agenda/",
        public["topics"][0]["url"],
        f"/recherche/?q={public['search_words'][0]}",
    ]
    signed_in = [
        "/",
        member["space"],
        member["forum"],
        member["topics"][0]["url"],
        member["files"],
        f"/recherche/?q={member['search_words'][0]}",
        "/notifications/",
    ]
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.255.255.1"}
    cookie = {"Cookie": f"{plan['session_cookie']}={member['session']}"}
    for _ in range(2 * workers):
        for path, extra in [*((p, {}) for p in anonymous), *((p, cookie) for p in signed_in)]:
            request = urllib.request.Request(
                f"http://{HOST}:{port}{path}", headers={**headers, **extra}
            )
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 (loopback)  # nosec B310
                answer.read()


def start(arguments: list[str], env: dict[str, str], output: Path) -> subprocess.Popen:
    with output.open("wb") as handle:
        return subprocess.Popen(  # noqa: S603 (fixed arguments, no shell)
            arguments,
            cwd=PROJECT_DIR,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _cpu_seconds(include) -> float:
    """CPU time (user and system) of the running processes ``include`` accepts,
    given the command name and the session, plus that of their children that
    have ended (a PostgreSQL backend ends when its connection is recycled)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            head, tail = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)
        except OSError:
            continue
        fields = tail.split()
        # After the command name: fields[3] is the session; fields[11] to
        # [14] are utime, stime, and cutime, cstime (children waited for).
        if include(head.split("(", 1)[1], int(fields[3])):
            total += sum(int(value) for value in fields[11:15]) / tick
    return total


def group_cpu_seconds(process: subprocess.Popen) -> float:
    """A server and its workers (each server was started in a session of its own)."""
    return _cpu_seconds(lambda name, session: session == process.pid)


def postgres_cpu_seconds() -> float:
    """Every PostgreSQL process of the machine: the server answers this test only."""
    return _cpu_seconds(lambda name, session: name == "postgres")


def machine_busy_seconds() -> tuple[float, float]:
    """Seconds of CPU the whole machine spent busy and in all, over every core."""
    values = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle and iowait
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(values[:8]) - idle) / tick, sum(values[:8]) / tick


def server_errors(access_log: Path, error_log: Path) -> tuple[int, list[str]]:
    """Responses with a 5xx status in the access log, and logged tracebacks."""
    statuses = 0
    for line in access_log.read_text(errors="replace").splitlines():
        parts = line.split('"')
        if len(parts) > 2 and parts[2].split()[:1] and parts[2].split()[0].startswith("5"):
            statuses += 1
    tracebacks = [
        line for line in error_log.read_text(errors="replace").splitlines() if "Traceback" in line
    ]
    return statuses, tracebacks


def read_stats(prefix: Path) -> list[dict[str, str]]:
    with (prefix.parent / f"{prefix.name}_stats.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def read_failures(prefix: Path) -> list[dict[str, str]]:
    with (prefix.parent / f"{prefix.name}_failures.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def version_of(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def report(args, stats, failures, summary, cpu, errors, emails) -> str:
    from councils_pages import code_version

    rows = sorted(
        (row for row in stats if row["Name"] != "Aggregated"),
        key=lambda row: -float(row["Request Count"]),
    )
    total = next(row for row in stats if row["Name"] == "Aggregated")
    cores = os.cpu_count()
    lines = [
        f"Run of {date.today().isoformat()} on {code_version()}: {platform.machine()}, "
        f"{cores} cores, Python {platform.python_version()}, Django {version_of('django')}, "
        f"gunicorn {version_of('gunicorn')} ({args.workers} sync workers), "
        f"locust {version_of('locust')} on the same machine.",
        "",
        f"Data: `seed_demo --scale {args.scale}` plus the load's own content: "
        f"{summary['councils']:,} councils, {summary['accounts']:,} accounts, "
        f"{summary['topics']:,} topics, {summary['posts']:,} posts, {summary['files']:,} files.",
        "",
        f"Load: {args.users} simulated people ({args.members} signed-in members of "
        f"{args.members} councils, the others visitors), {args.spawn_rate} more per second "
        f"until all are there, {args.duration} s in all, each waiting "
        f"{args.think.replace(',', ' to ')} s between two pages.",
        "",
        "| page type | requests | failures | requests/s | median (ms) | 95th pct (ms) | max (ms) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in [*rows, total]:
        name = "**all**" if row is total else f"{row['Type']} {row['Name']}"
        lines.append(
            f"| {name} | {int(row['Request Count']):,} | {int(row['Failure Count']):,} | "
            f"{float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | "
            f"{float(row['Max Response Time']):.0f} |"
        )
    statuses, tracebacks = errors
    busy, available = cpu["machine"]
    lines += [
        "",
        f"Server side: {statuses} responses with a 5xx status, {len(tracebacks)} tracebacks "
        "logged.",
        "",
        f"CPU during the run: the machine's {cores} cores were busy "
        f"{100 * busy / available:.0f} % of the time ({busy:.0f} s out of {available:.0f} s): "
        f"gunicorn {cpu['gunicorn']:.0f} s, PostgreSQL {cpu['postgres']:.0f} s, "
        f"locust {cpu['locust']:.0f} s, Celery worker {cpu['worker']:.0f} s "
        f"({emails} e-mails sent for the replies that named someone).",
    ]
    if failures:
        lines += ["", "Failures:", ""]
        lines += [
            f"- {row['Method']} {row['Name']}: {row['Error']} ({row['Occurrences']}×)"
            for row in failures
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--scale", type=int, default=49, help="seed_demo --scale (49: 1,000 councils)"
    )
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--members", type=int, default=140, help="how many users are members")
    parser.add_argument("--spawn-rate", type=int, default=20)
    parser.add_argument("--duration", type=int, default=60, help="seconds")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--think", default="3,10", help="seconds between two pages: low,high")
    args = parser.parse_args(argv)
    if not 0 < args.members <= args.users:
        parser.error("--members must be between 1 and --users")

    server_env = configure(args)
    prepare_database(args.scale)
    log("preparing the councils that take part and their members' sessions…")
    plan = build_plan(args.members)
    summary = data_summary()
    plan_file = WORK_DIR / "plan.json"
    plan_file.write_text(json.dumps(plan, ensure_ascii=False))
    from django.db import connections

    connections.close_all()

    port = free_port()
    access_log, error_log = WORK_DIR / "access.log", WORK_DIR / "gunicorn.log"
    access_log.unlink(missing_ok=True)
    gunicorn = worker = None
    try:
        worker = start(
            [str(VENV_BIN / "celery"), *WORKER_OPTIONS],
            server_env,
            WORK_DIR / "worker.log",
        )
        gunicorn = start(
            [
                str(VENV_BIN / "gunicorn"),
                *GUNICORN_OPTIONS,
                *("--bind", f"{HOST}:{port}", "--workers", str(args.workers)),
                *("--access-logfile", str(access_log)),
            ],
            server_env,
            error_log,
        )
        wait_until_up(port, gunicorn)
        warm_up(port, plan, args.workers)
        cpu_before = {
            "gunicorn": group_cpu_seconds(gunicorn),
            "worker": group_cpu_seconds(worker),
            "postgres": postgres_cpu_seconds(),
            "machine": machine_busy_seconds(),
        }
        log(f"serving on port {port}; {args.users} people for {args.duration} s…")
        prefix = WORK_DIR / "locust"
        # Locust's own fields in the mix: the page weights and checks are in
        # bench/locustfile.py; the number of members through the class weights.
        locust_env = {
            **server_env,
            "LOAD_PLAN": str(plan_file),
            "LOAD_THINK_TIME": args.think,
            "LOAD_MEMBER_SHARE": f"{args.members}/{args.users}",
        }
        locust = subprocess.Popen(  # noqa: S603 (fixed arguments, no shell)
            [
                str(VENV_BIN / "locust"),
                "-f",
                str(BENCH_DIR / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                f"{args.duration}s",
                "--host",
                f"http://{HOST}:{port}",
                "--csv",
                str(prefix),
                "--only-summary",
                "--stop-timeout",
                "30",
                "--loglevel",
                "WARNING",
            ],
            cwd=PROJECT_DIR,
            env=locust_env,
            stdout=(WORK_DIR / "locust.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        locust.wait()
        cpu = {
            "gunicorn": group_cpu_seconds(gunicorn) - cpu_before["gunicorn"],
            "worker": group_cpu_seconds(worker) - cpu_before["worker"],
            "postgres": postgres_cpu_seconds() - cpu_before["postgres"],
            "machine": tuple(
                after - before
                for after, before in zip(machine_busy_seconds(), cpu_before["machine"], strict=True)
            ),
            # locust is the only child this process has waited for so far.
            "locust": sum(resource.getrusage(resource.RUSAGE_CHILDREN)[:2]),
        }
    finally:
        stop(gunicorn)
        stop(worker)
    stats, failures = read_stats(prefix), read_failures(prefix)
    errors = server_errors(access_log, error_log)
    emails = emails_sent(WORK_DIR / "worker.log")
    print(report(args, stats, failures, summary, cpu, errors, emails))
    failed = any(int(row["Failure Count"]) for row in stats) or errors[0] or errors[1]
    if failed:
        log(f"FAILED: see {WORK_DIR} (locust.log, gunicorn.log, worker.log, access.log)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
