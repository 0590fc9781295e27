"""Faults test: the production shape on this machine, one fault at a time.

Starts, on 127.0.0.1 and on ports and folders of its own (never the
machine's PostgreSQL on 5432 nor its Redis on 6379):

- a private PostgreSQL cluster (``initdb`` in a temporary folder),
- a private Redis (append-only file, no snapshots: docker-compose.yml's),
- an SMTP sink (aiosmtpd, in this process) that records each message's
  Message-ID, recipients, subject and text, and can refuse (451) or close,
- gunicorn (2 sync workers), one Celery worker (concurrency 2) and Celery
  beat, all with ``conseils.settings.production``,

seeds the demo data plus what the faults need (8 members who work in one
council, 200 people who follow one topic with e-mails at once, 20 who follow
another), then runs a bounded load of signed-in members (reading, replying
with a unique marker, uploading files with unique names, following topics)
and injects each fault in turn:

1. the Celery worker killed (``kill -9``) twice while ~200 e-mails go out;
2. Redis stopped (60 s) while members post and upload images;
3. PostgreSQL stopped (30 s);
4. the SMTP server refusing, then closed (2 min in all) while 200 e-mails wait;
5. a gunicorn worker killed (``kill -9``) while uploads are in flight;
6. beat twice: a second beat, and the digest and help-desk tasks called twice
   at once.

It prints one line per fault: requests made, errors seen by users (and which),
e-mails expected, delivered and duplicated, replies and files accepted by the
server and found afterwards, orphan files. It exits 1 if any line shows
something lost or duplicated.

    .venv/bin/python bench/faults.py [--quick] [--redis-down 60] [--pg-down 30]
        [--smtp-down 120] [--mail-wait 180] [--only 1,3]

See bench/README.md ("Faults"); ``make faults`` runs it.
"""

from __future__ import annotations

import argparse
import atexit
import collections
import email
import email.policy
import http.client
import http.cookies
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import zlib
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
VENV_BIN = PROJECT_DIR / ".venv" / "bin"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
HOST = "127.0.0.1"
DATABASE = "conseils_faults"
PASSWORD = "demo-conseils-2026"  # noqa: S105 (the documented demo password)  # nosec B105
BENCH_DOMAIN = "faults.bench.conseils.test"
LOAD_USERS = 8
FOLLOWERS = 200
SMALL_FOLLOWERS = 20
LOGIN_PATH = "/compte/login/"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SUBMISSION_KEY = re.compile(r'name="submission_key" value="([^"]+)"')
DIGEST_SUBJECT = "Votre résumé du jour"
WARNING_SUBJECT = "Demandes d’aide"
JSON_PREFIX = "FAULTS-JSON:"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------------------
# Inside Django (``faults.py --django ACTION``, run by the harness with the
# production environment): the data the faults need, and what to expect.


def django_action(action: str) -> None:
    sys.path.insert(0, str(PROJECT_DIR))
    import django

    django.setup()
    result = {"setup": _django_setup, "support": _django_support}[action]()
    print(JSON_PREFIX + json.dumps(result))


def _bench_user(email_address: str, name: str, *, password: bool):
    from datetime import timedelta

    from allauth.account.models import EmailAddress
    from django.utils import timezone

    from accounts.models import User

    user = User(
        email=email_address,
        display_name=name,
        town="Roubaix",
        # Not a new account: no pace between posts, no approval.
        date_joined=timezone.now() - timedelta(days=200),
    )
    if password:
        user.set_password(PASSWORD)
    else:
        user.set_unusable_password()
    user.save()
    EmailAddress.objects.create(user=user, email=email_address, verified=True, primary=True)
    return user


def _django_setup() -> dict:
    from django.apps import apps
    from django.db import models
    from django.urls import reverse

    from accounts.models import User
    from councils.models import Membership
    from councils.services import membership_grant
    from forums import services as forums
    from forums.models import Subscription
    from notifications.models import Preference

    member_a = User.objects.get(email="membre-a@demo.conseils.test")
    council = Membership.objects.filter(user=member_a).select_related("council").first().council
    forum = council.forum
    announcer = _bench_user(f"annonces@{BENCH_DOMAIN}", "Annonces du banc", password=True)
    membership_grant(system=True, council=council, user=announcer)
    load_users = []
    for number in range(LOAD_USERS):
        user = _bench_user(f"membre-{number:02d}@{BENCH_DOMAIN}", f"Membre {number}", password=True)
        membership_grant(system=True, council=council, user=user)
        load_users.append(user)
    followers = []
    for number in range(FOLLOWERS):
        user = _bench_user(
            f"suiveur-{number:03d}@{BENCH_DOMAIN}", f"Suiveur {number}", password=False
        )
        membership_grant(system=True, council=council, user=user)
        followers.append(user)
    reset_user = _bench_user(f"oubli@{BENCH_DOMAIN}", "Mot de passe oublié", password=True)
    big = forums.topic_create(
        author=announcer,
        forum=forum,
        title="Annonces à tous les suiveurs",
        body="Ce sujet est suivi par deux cents personnes qui veulent un e-mail à chaque réponse.",
    )
    small = forums.topic_create(
        author=announcer,
        forum=forum,
        title="Annonces aux vingt suiveurs",
        body="Ce sujet est suivi par vingt personnes qui veulent un e-mail à chaque réponse.",
    )
    work = [
        forums.topic_create(
            author=load_users[0],
            forum=forum,
            title=f"Préparation de la réunion {number}",
            body="Chacun dit ici ce qu'il apporte et ce qu'il propose.",
        )
        for number in (1, 2)
    ]
    Preference.objects.bulk_create(
        [Preference(user=user, kind="forums.reply", delivery="immediate") for user in followers]
    )
    Subscription.objects.bulk_create(
        [Subscription(user=user, topic=big) for user in followers]
        + [Subscription(user=user, topic=small) for user in followers[:SMALL_FOLLOWERS]]
    )
    file_columns = [
        [model._meta.db_table, field.column]
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
    ]

    def topic_urls(topic):
        return {
            "pk": topic.pk,
            "url": reverse("forums:topic", kwargs={"pk": topic.pk}),
            "reply": reverse("forums:reply", kwargs={"pk": topic.pk}),
            "follow": reverse("forums:follow", kwargs={"kind": "sujet", "pk": topic.pk}),
        }

    return {
        "council": council.slug,
        "space": reverse("councils:space", kwargs={"slug": council.slug}),
        "folder": reverse("documents:root", kwargs={"slug": council.slug}),
        "upload": reverse("documents:upload", kwargs={"slug": council.slug}),
        "announcer": announcer.email,
        "load_users": [user.email for user in load_users],
        "reset_user": reset_user.email,
        "big": topic_urls(big),
        "small": topic_urls(small),
        "work": [topic_urls(topic) for topic in work],
        "file_columns": file_columns,
    }


def _django_support() -> dict:
    """Help requests near their deadline (not yet warned), and whom the
    warning goes to; the people a digest waits for."""
    from datetime import timedelta

    from django.utils import timezone

    from notifications.models import Notification
    from support import permissions
    from support.models import HelpRequest

    now = timezone.now()
    chosen = list(HelpRequest.objects.waiting().order_by("pk")[:4])
    people = set()
    for help_request in chosen:
        help_request.due_at = now + timedelta(hours=2)
        help_request.warned_due_soon_at = None
        help_request.warned_overdue_at = None
        help_request.save(update_fields=["due_at", "warned_due_soon_at", "warned_overdue_at"])
        assignee = help_request.assigned_to
        if assignee is not None and permissions.can_work_on(assignee, help_request):
            people.add(assignee.email)
        else:
            people.update(user.email for user in permissions.team_of(help_request))
    # Overdue requests not warned yet would be warned in the same e-mail.
    waiting = Notification.objects.filter(
        delivery="digest", delivered_at__isnull=True, recipient__is_active=True
    )
    return {
        "requests": len(chosen),
        "warned": sorted(people),
        "digest": sorted(set(waiting.values_list("recipient__email", flat=True))),
    }


# ---------------------------------------------------------------------------
# The SMTP sink.


class Sink:
    """aiosmtpd handler: records what it accepts; ``mode`` "refuse" answers
    451 to every RCPT and DATA."""

    def __init__(self):
        self.mode = "accept"
        self.lock = threading.Lock()
        self.messages: list[dict] = []
        self.refused = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.mode == "refuse":
            with self.lock:
                self.refused += 1
            return "451 4.3.0 Try again later (fault test)"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.mode == "refuse":
            return "451 4.3.0 Try again later (fault test)"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        part = message.get_body(preferencelist=("plain", "html"))
        text = part.get_content() if part is not None else ""
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.messages.append(
                    {
                        "at": time.monotonic(),
                        "message_id": str(message.get("Message-ID", "")),
                        "to": recipient.lower(),
                        "subject": str(message.get("Subject", "")),
                        "text": text,
                    }
                )
        return "250 Message accepted"

    def since(self, start: float) -> list[dict]:
        with self.lock:
            return [m for m in self.messages if m["at"] >= start]


class SinkServer:
    def __init__(self, port: int):
        self.port = port
        self.handler = Sink()
        self.controller = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self.handler, hostname=HOST, port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


# ---------------------------------------------------------------------------
# The processes.


class Stack:
    def __init__(self, work: Path, args):
        self.work = work
        self.args = args
        self.pg_port, self.redis_port, self.smtp_port, self.web_port = (
            free_port() for _ in range(4)
        )
        # Owned by the user PostgreSQL runs as: its sockets, log and data.
        self.pg_sockets = work / "pg-run"
        self.pg_data = self.pg_sockets / "data"
        self.media = work / "media"
        self.processes: dict[str, subprocess.Popen] = {}
        self.extra: list[subprocess.Popen] = []
        self.pg_running = False
        self.sink = SinkServer(self.smtp_port)
        self.env = self._env()

    def _env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "AWS_", "CELERY_"))
            and key not in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "PROTECTED_MEDIA_X_ACCEL")
        }
        env.update(
            DJANGO_SETTINGS_MODULE="conseils.settings.production",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DJANGO_ALLOWED_HOSTS=HOST,
            DJANGO_DEBUG="false",
            DJANGO_SECURE_SSL_REDIRECT="False",
            DATABASE_URL=f"postgres://postgres@{HOST}:{self.pg_port}/{DATABASE}",
            REDIS_URL=f"redis://{HOST}:{self.redis_port}/0",
            EMAIL_URL=f"smtp://{HOST}:{self.smtp_port}",
            SITE_URL=f"https://{HOST}",
            ALLAUTH_TRUSTED_PROXY_COUNT="1",
            MEDIA_ROOT=str(self.media),
            PYTHONPATH=str(PROJECT_DIR),
            PYTHONUNBUFFERED="1",
        )
        return env

    def spawn(self, name: str, arguments: list[str], *, env=None) -> subprocess.Popen:
        handle = (self.work / f"{name}.log").open("ab")
        process = subprocess.Popen(  # noqa: S603 (fixed arguments, no shell)
            arguments,
            cwd=PROJECT_DIR,
            env=env or self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        handle.close()
        return process

    def run(self, arguments: list[str], *, env=None, timeout: float = 900, cwd=None) -> str:
        result = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
            arguments,
            cwd=cwd or PROJECT_DIR,
            env=env or self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode:
            raise RuntimeError(
                f"{' '.join(arguments[:4])}… failed:\n"
                f"{result.stdout[-3000:]}{result.stderr[-3000:]}"
            )
        return result.stdout

    def manage(self, *arguments: str, eager: bool = False, timeout: float = 900) -> str:
        env = {**self.env, "CELERY_TASK_ALWAYS_EAGER": "true"} if eager else None
        return self.run(
            [str(VENV_BIN / "python"), "manage.py", *arguments], env=env, timeout=timeout
        )

    def django(self, action: str) -> dict:
        output = self.run([str(VENV_BIN / "python"), str(Path(__file__)), "--django", action])
        line = next(line for line in output.splitlines() if line.startswith(JSON_PREFIX))
        return json.loads(line[len(JSON_PREFIX) :])

    # PostgreSQL

    def pg_command(self, *arguments: str) -> list[str]:
        """PostgreSQL refuses to run as root: as root, run it as "postgres"."""
        command = [str(PG_BIN / arguments[0]), *arguments[1:]]
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *command]
        return command

    def pg_init(self) -> None:
        self.pg_sockets.mkdir()
        if os.geteuid() == 0:
            self.work.chmod(0o755)
            shutil.chown(self.pg_sockets, "postgres", "postgres")
        self.run(
            self.pg_command("initdb", "-D", str(self.pg_data), "-U", "postgres", "--auth=trust"),
            timeout=120,
            cwd=self.pg_sockets,
        )
        self.pg_start()
        import psycopg

        with psycopg.connect(self.dsn("postgres"), autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {DATABASE}")

    def dsn(self, database: str = DATABASE) -> str:
        return f"host={HOST} port={self.pg_port} user=postgres dbname={database}"

    def pg_start(self) -> None:
        options = (
            f"-p {self.pg_port} -k {self.pg_sockets} -c listen_addresses={HOST} "
            "-c fsync=off -c max_connections=100"
        )
        self.run(
            self.pg_command(
                "pg_ctl",
                *("-D", str(self.pg_data), "-o", options),
                *("-l", str(self.pg_sockets / "postgres.log"), "-w", "start"),
            ),
            timeout=60,
            cwd=self.pg_sockets,
        )
        self.pg_running = True

    def pg_stop(self, mode: str = "fast") -> None:
        self.run(
            self.pg_command("pg_ctl", "-D", str(self.pg_data), "-m", mode, "-w", "stop"),
            timeout=60,
            cwd=self.pg_sockets,
        )
        self.pg_running = False

    # Redis

    def redis_start(self) -> None:
        directory = self.work / "redis"
        directory.mkdir(exist_ok=True)
        self.processes["redis"] = self.spawn(
            "redis",
            [
                "redis-server",
                *("--port", str(self.redis_port), "--bind", HOST),
                *("--save", "", "--appendonly", "yes", "--dir", str(directory)),
                *("--daemonize", "no"),
            ],
        )
        wait_for_port(self.redis_port, 20)

    def redis_stop(self) -> None:
        stop_group(self.processes.pop("redis", None))

    # Django processes

    def web_start(self) -> None:
        self.processes["gunicorn"] = self.spawn(
            "gunicorn",
            [
                str(VENV_BIN / "gunicorn"),
                "conseils.wsgi:application",
                *("--bind", f"{HOST}:{self.web_port}", "--workers", "2"),
                *("--timeout", "20", "--graceful-timeout", "5"),
                *("--forwarded-allow-ips", HOST),
                *("--worker-tmp-dir", "/dev/shm"),  # noqa: S108 (the Dockerfile's choice)
                "--no-control-socket",
                *("--access-logfile", str(self.work / "access.log")),
            ],
        )

    def worker_start(self) -> None:
        self.processes["worker"] = self.spawn(
            "worker",
            [
                str(VENV_BIN / "celery"),
                *("-A", "conseils", "worker", "--concurrency", "2", "--loglevel", "INFO"),
                *("--hostname", f"faults-{secrets.token_hex(3)}@%h"),
            ],
        )

    def worker_kill(self) -> None:
        process = self.processes.pop("worker")
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def beat_start(self, name: str = "beat") -> subprocess.Popen:
        process = self.spawn(
            name,
            [
                str(VENV_BIN / "celery"),
                *("-A", "conseils", "beat", "--loglevel", "INFO"),
                *("-s", str(self.work / f"{name}-schedule")),
                *("--pidfile", ""),
            ],
        )
        self.processes[name] = process
        return process

    def gunicorn_workers(self) -> list[int]:
        master = self.processes["gunicorn"].pid
        children = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == master:
                    children.append(int(entry))
        return children

    def cleanup(self) -> None:
        for process in [*self.processes.values(), *self.extra]:
            stop_group(process)
        self.processes.clear()
        self.sink.stop()
        if self.pg_running:
            try:
                self.pg_stop("immediate")
            except Exception as error:
                log(f"PostgreSQL did not stop: {error}")


def stop_group(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_for_port(port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on {HOST}:{port} after {seconds:.0f} s")


# ---------------------------------------------------------------------------
# A browser: cookies kept by hand (the site's are Secure, __Host-, and this
# hop is plain HTTP with X-Forwarded-Proto: https, as nginx sends it).


class Answer:
    def __init__(self, status: int, path: str, text: str, statuses: list[int]):
        self.status, self.path, self.text, self.statuses = status, path, text, statuses


class Browser:
    def __init__(self, port: int, address: str):
        self.port = port
        self.origin = f"https://{HOST}:{port}"
        self.address = address
        self.cookies: dict[str, str] = {}

    def _headers(self) -> dict[str, str]:
        headers = {
            "Host": f"{HOST}:{self.port}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.address,
            "Accept-Language": "fr",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def _keep_cookies(self, response) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = http.cookies.SimpleCookie()
            try:
                jar.load(header)
            except http.cookies.CookieError:
                continue
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def request(
        self, method: str, path: str, *, data=None, files=None, referer="", timeout=30
    ) -> Answer:
        statuses = []
        for _hop in range(5):
            headers = self._headers()
            body = None
            if method == "POST":
                headers["Origin"] = self.origin
                headers["Referer"] = self.origin + (referer or path)
                if files:
                    boundary = secrets.token_hex(16)
                    body = multipart(boundary, data or {}, files)
                    headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
                else:
                    body = urllib.parse.urlencode(data or {}).encode()
                    headers["Content-Type"] = "application/x-www-form-urlencoded"
            connection = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                content = response.read()
            finally:
                connection.close()
            self._keep_cookies(response)
            statuses.append(response.status)
            if response.status in (301, 302, 303) and response.getheader("Location"):
                location = urllib.parse.urlsplit(response.getheader("Location"))
                path = location.path + (f"?{location.query}" if location.query else "")
                method, data, files = "GET", None, None
                continue
            return Answer(response.status, path, content.decode(errors="replace"), statuses)
        return Answer(statuses[-1], path, "", statuses)

    def get(self, path: str, **kwargs) -> Answer:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data, **kwargs) -> Answer:
        return self.request("POST", path, data=data, **kwargs)


def multipart(boundary: str, data: dict, files: dict) -> bytes:
    parts = []
    for name, value in data.items():
        parts.append(
            f"--{boundary}\r\nContent-Disposition: form-data; "
            f'name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content, content_type) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts)


def error_kind(error: BaseException) -> str:
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, TimeoutError | socket.timeout):
        return "timeout"
    if isinstance(error, ConnectionResetError | http.client.RemoteDisconnected | BrokenPipeError):
        return "connection reset"
    return type(error).__name__


def png(seed: int) -> bytes:
    """A small valid PNG (64×64, colours from ``seed``)."""
    rng = random.Random(seed)  # noqa: S311 (test data)  # nosec B311
    width = height = 64
    colour = bytes(rng.randrange(256) for _ in range(3))
    raw = b"".join(b"\x00" + colour * width for _ in range(height))

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (
            struct.pack(">I", len(payload))
            + kind
            + payload
            + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def pdf(size: int) -> bytes:
    head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    return head + os.urandom(size - len(head))


# ---------------------------------------------------------------------------
# The load: members of one council, each in a thread with its own session.


class Record:
    """What users saw in one phase, and what the server accepted."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.errors: collections.Counter = collections.Counter()
        self.statuses: list[tuple[float, int | str]] = []
        self.replies: dict[str, str] = {}  # marker → "accepted" | "unconfirmed"
        self.files: dict[str, str] = {}  # name → "accepted" | "unconfirmed"

    def saw(self, answer: Answer | None, error: str = "", *, expect_ok=True) -> None:
        with self.lock:
            self.requests += 1
            now = time.monotonic()
            if error:
                self.errors[error] += 1
                self.statuses.append((now, error))
                return
            status = answer.status
            self.statuses.append((now, status))
            if status >= 400:
                self.errors[f"HTTP {status}"] += 1
            elif expect_ok and LOGIN_PATH in answer.path:
                self.errors["sent to the login page"] += 1


class Member(threading.Thread):
    def __init__(self, number: int, email_address: str, plan: dict, port: int, harness):
        super().__init__(daemon=True, name=f"member-{number}")
        self.number = number
        self.email = email_address
        self.plan = plan
        self.browser = Browser(port, f"10.0.0.{number + 10}")
        self.harness = harness
        self.rng = random.Random(number)  # noqa: S311 (think times)  # nosec B311
        self.uploads_big = False
        self.images = False

    def sign_in(self) -> None:
        page = self.browser.get(LOGIN_PATH)
        token = CSRF_FIELD.search(page.text)
        if not token:
            raise RuntimeError(f"no login form for {self.email} ({page.status})")
        answer = self.browser.post(
            LOGIN_PATH,
            {"login": self.email, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
        )
        if answer.status != 200 or LOGIN_PATH in answer.path:
            raise RuntimeError(f"{self.email} could not sign in ({answer.statuses})")

    def call(self, method: str, path: str, **kwargs) -> Answer | None:
        record = self.harness.record
        try:
            answer = self.browser.request(method, path, **kwargs)
        except Exception as error:
            record.saw(None, error_kind(error))
            return None
        record.saw(answer)
        return answer

    def run(self) -> None:
        while not self.harness.stopping.is_set():
            if not self.harness.loading.wait(timeout=0.5):
                continue
            try:
                self.step()
            except Exception as error:
                log(f"{self.name}: {type(error).__name__}: {error}")
            time.sleep(self.rng.uniform(0.2, 0.6))

    def step(self) -> None:
        choice = self.rng.random()
        work = self.rng.choice(self.plan["work"])
        if choice < 0.35:
            self.call(
                "GET", self.rng.choice([work["url"], self.plan["space"], "/", "/notifications/"])
            )
        elif choice < 0.65:
            self.reply(work)
        elif choice < 0.9:
            self.upload()
        else:
            self.follow(work)

    def reply(self, topic: dict) -> None:
        form = self.call("GET", topic["url"])
        if form is None or form.status != 200:
            return
        token, key = CSRF_FIELD.search(form.text), SUBMISSION_KEY.search(form.text)
        if not (token and key):
            return
        marker = f"faults-{secrets.token_hex(6)}"
        record = self.harness.record
        with record.lock:
            record.replies[marker] = "unconfirmed"
        answer = self.call(
            "POST",
            topic["reply"],
            data={
                "csrfmiddlewaretoken": token.group(1),
                "submission_key": key.group(1),
                "body": f"{marker} Je propose d'en parler avec les voisins de l'immeuble.",
            },
            referer=topic["url"],
        )
        # The reply view answers a redirect only once the reply is written.
        if answer is not None and answer.statuses[0] == 302 and LOGIN_PATH not in answer.path:
            with record.lock:
                record.replies[marker] = "accepted"

    def upload(self) -> None:
        folder = self.call("GET", self.plan["folder"])
        if folder is None or folder.status != 200:
            return
        token = CSRF_FIELD.search(folder.text)
        if not token:
            return
        stem = f"faults-{self.number}-{secrets.token_hex(5)}"
        if self.images:
            name, content, kind = f"{stem}.png", png(self.rng.randrange(10**6)), "image/png"
        elif self.uploads_big:
            name, content, kind = f"{stem}.pdf", pdf(1_500_000), "application/pdf"
        else:
            name, content, kind = f"{stem}.pdf", pdf(20_000), "application/pdf"
        record = self.harness.record
        with record.lock:
            record.files[name] = "unconfirmed"
            self.harness.uploads_in_flight += 1
        try:
            answer = self.call(
                "POST",
                self.plan["upload"],
                data={"csrfmiddlewaretoken": token.group(1)},
                files={"files": (name, content, kind)},
                referer=self.plan["folder"],
            )
        finally:
            with record.lock:
                self.harness.uploads_in_flight -= 1
        # The upload view always redirects; the folder then says what was added.
        if answer is not None and f"«\u00a0{name}\u00a0» ajouté" in answer.text:
            with record.lock:
                record.files[name] = "accepted"

    def follow(self, topic: dict) -> None:
        page = self.call("GET", topic["url"])
        token = page and CSRF_FIELD.search(page.text)
        if token:
            self.call(
                "POST",
                topic["follow"],
                data={"csrfmiddlewaretoken": token.group(1)},
                referer=topic["url"],
            )


# ---------------------------------------------------------------------------
# The harness.


class Harness:
    def __init__(self, args, stack: Stack):
        self.args = args
        self.stack = stack
        self.record = Record()
        self.loading = threading.Event()
        self.stopping = threading.Event()
        self.members: list[Member] = []
        self.plan: dict = {}
        self.lines: list[dict] = []
        self.files_before: set[str] = set()
        self.uploads_in_flight = 0
        self.announced = ""

    # setting up

    def start(self) -> None:
        stack = self.stack
        log(f"work folder {stack.work}")
        stack.pg_init()
        stack.redis_start()
        stack.sink.start()
        log("migrate, seed_demo, collectstatic…")
        stack.manage("migrate", "--no-input", eager=True)
        stack.manage("seed_demo", eager=True)
        stack.manage("collectstatic", "--no-input", "--verbosity", "0")
        log("the faults' own data…")
        self.plan = stack.django("setup")
        stack.web_start()
        stack.worker_start()
        stack.beat_start()
        self.wait_healthy(60)
        for number, address in enumerate(self.plan["load_users"]):
            member = Member(number, address, self.plan, stack.web_port, self)
            member.sign_in()
            self.members.append(member)
        announcer = Member(99, self.plan["announcer"], self.plan, stack.web_port, self)
        announcer.sign_in()
        self.announcer = announcer
        for member in self.members:
            member.start()
        # What beat sends at its start (the help desk's warnings) goes out first.
        time.sleep(5)
        self.files_before = self.stored_files()[0]
        log(f"ready: gunicorn on {stack.web_port}, SMTP sink on {stack.smtp_port}")

    def wait_healthy(self, seconds: float) -> int:
        deadline = time.monotonic() + seconds
        status = 0
        while time.monotonic() < deadline:
            status = self.healthz()
            if status == 200:
                return status
            time.sleep(0.5)
        raise RuntimeError(f"/healthz answered {status} for {seconds:.0f} s")

    def healthz(self) -> int | str:
        try:
            return Browser(self.stack.web_port, "10.0.0.2").get("/healthz", timeout=10).status
        except Exception as error:
            return error_kind(error)

    # the database, read directly

    def query(self, sql: str, params=()) -> list[tuple]:
        import psycopg

        deadline = time.monotonic() + 60
        while True:
            try:
                with psycopg.connect(self.stack.dsn(), connect_timeout=5) as connection:
                    return connection.execute(sql, params).fetchall()
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(1)

    def stored_files(self) -> tuple[set[str], set[str]]:
        """Files on disk under MEDIA_ROOT, and files the database names."""
        on_disk = {
            str(path.relative_to(self.stack.media))
            for path in self.stack.media.rglob("*")
            if path.is_file()
        }
        named = set()
        for table, column in self.plan["file_columns"]:
            rows = self.query(f'SELECT "{column}" FROM "{table}" WHERE "{column}" <> \'\'')  # noqa: S608 (names from the models)  # nosec B608
            named.update(row[0] for row in rows)
        return on_disk, named

    # a phase

    def begin(self, load: bool = True) -> Record:
        self.record = Record()
        if load:
            self.loading.set()
        return self.record

    def end_load(self) -> None:
        self.loading.clear()
        # Requests in flight finish (bounded by the client's timeout).
        time.sleep(3)

    def trigger(self, topic: dict) -> tuple[int | None, str]:
        """One reply by the announcer in ``topic``: the post's id once written."""
        marker = f"faults-announce-{secrets.token_hex(6)}"
        self.announced = "not sent: no form"
        page = self.announcer.call("GET", topic["url"])
        if page is None or page.status != 200:
            self.announced = f"not sent: the topic answered {page.status if page else 'nothing'}"
            return None, marker
        token, key = CSRF_FIELD.search(page.text), SUBMISSION_KEY.search(page.text)
        if not (token and key):
            return None, marker
        with self.record.lock:
            self.record.replies[marker] = "unconfirmed"
        answer = self.announcer.call(
            "POST",
            topic["reply"],
            data={
                "csrfmiddlewaretoken": token.group(1),
                "submission_key": key.group(1),
                "body": f"{marker} Rendez-vous samedi à dix heures devant la maison de quartier.",
            },
            referer=topic["url"],
        )
        if answer is not None and answer.statuses[0] == 302:
            with self.record.lock:
                self.record.replies[marker] = "accepted"
            self.announced = "accepted"
        else:
            self.announced = f"refused ({answer.statuses if answer else 'no answer'})"
        rows = self.query("SELECT id FROM forums_post WHERE body LIKE %s", (f"{marker}%",))
        return (rows[0][0] if rows else None), marker

    def notified(self, post_id: int | None) -> set[str]:
        """Who an immediate e-mail is owed to for this post."""
        if post_id is None:
            return set()
        rows = self.query(
            "SELECT lower(u.email) FROM notifications_notification n "
            "JOIN accounts_user u ON u.id = n.recipient_id "
            "WHERE n.target_id = %s AND n.delivery = 'immediate' "
            "AND n.kind IN ('forums.reply', 'forums.mention')",
            (post_id,),
        )
        return {row[0] for row in rows}

    def wait_for_mail(self, start: float, expected: dict[str, callable], seconds: float) -> None:
        """Until every expected recipient got a matching message, or ``seconds``."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            got = {m["to"] for m in self.stack.sink.handler.since(start) if _matches(m, expected)}
            if set(expected) <= got:
                return
            time.sleep(2)

    def mail_counts(self, start: float, expected: dict, *, fault_end: float | None = None) -> dict:
        """Expected, delivered (distinct recipients), duplicated: the same
        Message-ID twice, or one recipient getting the same message twice;
        with ``fault_end``, how long after it the last one arrived."""
        arrived = [m for m in self.stack.sink.handler.since(start) if _matches(m, expected)]
        delivered = {m["to"] for m in arrived}
        ids = collections.Counter((m["message_id"], m["to"]) for m in arrived if m["message_id"])
        contents = collections.Counter((m["to"], m["subject"], m["text"]) for m in arrived)
        per_recipient = collections.Counter(m["to"] for m in arrived)
        duplicated = max(
            sum(n - 1 for n in ids.values()),
            sum(n - 1 for n in contents.values()),
            sum(n - 1 for n in per_recipient.values()),
        )
        counts = {
            "expected": len(expected),
            "delivered": len(delivered & set(expected)),
            "duplicated": duplicated,
        }
        if fault_end is not None and arrived:
            last = max(m["at"] for m in arrived)
            counts["last_e_mail_after_fault_s"] = round(max(0.0, last - fault_end), 1)
        return counts

    def check_data(self, record: Record) -> dict:
        """Each reply and file the server accepted, once in the database; each
        file row with its file; no file without a row."""
        markers = list(record.replies)
        found_replies = collections.Counter()
        if markers:
            rows = self.query(
                "SELECT substring(body from '^(faults-[a-z-]*[0-9a-f]{12})') FROM forums_post "
                "WHERE body LIKE 'faults-%%' AND substring(body from "
                "'^(faults-[a-z-]*[0-9a-f]{12})') = ANY(%s)",
                (markers,),
            )
            found_replies.update(row[0] for row in rows)
        names = list(record.files)
        found_files = collections.Counter()
        missing_on_disk = 0
        if names:
            rows = self.query(
                "SELECT d.name, v.file FROM documents_document d "
                "JOIN documents_documentversion v ON v.document_id = d.id WHERE d.name = ANY(%s)",
                (names,),
            )
            for name, path in rows:
                found_files[name] += 1
                if not (self.stack.media / path).is_file():
                    missing_on_disk += 1
        on_disk, named = self.stored_files()
        orphans = (on_disk - named) - self.files_before
        orphans_after_sweep = orphans
        if orphans:
            # What production's nightly sweep does to them, run now (no upload
            # is in flight between phases, so no age is needed).
            self.stack.manage("storage_orphans_purge", "--older-than-minutes", "0")
            on_disk, named = self.stored_files()
            orphans_after_sweep = (on_disk - named) - self.files_before
        accepted_replies = [m for m, state in record.replies.items() if state == "accepted"]
        accepted_files = [n for n, state in record.files.items() if state == "accepted"]
        return {
            "replies_accepted": len(accepted_replies),
            "replies_found": sum(1 for m in accepted_replies if found_replies[m] >= 1),
            "replies_unconfirmed_written": sum(
                1 for m, s in record.replies.items() if s != "accepted" and found_replies[m]
            ),
            "replies_doubled": sum(1 for n in found_replies.values() if n > 1),
            "files_accepted": len(accepted_files),
            "files_found": sum(1 for n in accepted_files if found_files[n] >= 1),
            "files_unconfirmed_written": sum(
                1 for n, s in record.files.items() if s != "accepted" and found_files[n]
            ),
            "files_doubled": sum(1 for n in found_files.values() if n > 1),
            "rows_without_file": len(named - on_disk) + missing_on_disk,
            "orphan_files": len(orphans),
            "orphan_files_after_sweep": len(orphans_after_sweep),
        }

    def line(self, number: int, name: str, record: Record, mail: dict | None, **extra) -> None:
        data = self.check_data(record)
        # Orphans are counted in the phase that left them.
        self.files_before = self.stored_files()[0]
        line = {"fault": number, "name": name, "requests": record.requests}
        line["errors"] = dict(record.errors)
        line.update(mail or {"expected": 0, "delivered": 0, "duplicated": 0})
        line.update(data)
        line.update(extra)
        self.lines.append(line)
        print(format_line(line), flush=True)

    # the faults

    def fault_worker_kill(self) -> None:
        log("1. Celery worker kill -9, twice, while 200 e-mails go out")
        record = self.begin()
        time.sleep(self.args.load_before)
        start = time.monotonic()
        post_id, _marker = self.trigger(self.plan["big"])
        expected = self.notified(post_id)
        matcher = _post_matcher(post_id, expected)
        for delay in (1, 2):
            time.sleep(delay)
            self.stack.worker_kill()
            log("   worker killed; restarting it")
            self.stack.worker_start()
        worker_back = time.monotonic()
        self.wait_for_mail(start, matcher, self.args.mail_wait)
        self.end_load()
        self.line(
            1,
            "Celery worker kill -9 ×2",
            record,
            self.mail_counts(start, matcher, fault_end=worker_back),
            announce=self.announced,
        )

    def fault_redis(self) -> None:
        seconds = self.args.redis_down
        log(f"2. Redis stopped {seconds} s")
        record = self.begin()
        for member in self.members:
            member.images = True
        time.sleep(self.args.load_before)
        start = time.monotonic()
        self.stack.redis_stop()
        health = collections.Counter()
        stopped_until = time.monotonic() + seconds
        time.sleep(min(3, seconds / 3))
        post_id, _marker = self.trigger(self.plan["small"])
        reset_accepted = self.password_reset()
        while time.monotonic() < stopped_until:
            health[self.healthz()] += 1
            time.sleep(2)
        self.stack.redis_start()
        redis_back = time.monotonic()
        log("   Redis is back")
        for member in self.members:
            member.images = False
        time.sleep(self.args.load_after)
        self.end_load()
        expected = self.notified(post_id)
        matcher = _post_matcher(post_id, expected)
        if reset_accepted:
            matcher[self.plan["reset_user"].lower()] = lambda m: True
        self.wait_for_mail(start, matcher, self.args.mail_wait)
        thumbnails = self.thumbnails_missing(record, self.args.mail_wait)
        self.line(
            2,
            f"Redis stopped {seconds} s",
            record,
            self.mail_counts(start, matcher, fault_end=redis_back),
            healthz=dict(health),
            thumbnails_missing=thumbnails,
            announce=self.announced,
            password_reset="accepted" if reset_accepted else "refused",
        )

    def password_reset(self) -> bool:
        browser = Browser(self.stack.web_port, "10.0.0.3")
        try:
            page = browser.get("/compte/password/reset/")
            token = CSRF_FIELD.search(page.text)
            self.record.saw(page, expect_ok=False)
            if not token:
                return False
            answer = browser.post(
                "/compte/password/reset/",
                {"email": self.plan["reset_user"], "csrfmiddlewaretoken": token.group(1)},
            )
        except Exception as error:
            self.record.saw(None, error_kind(error))
            return False
        self.record.saw(answer, expect_ok=False)
        return answer.statuses[0] == 302 and answer.status == 200

    def thumbnails_missing(self, record: Record, seconds: float) -> int:
        names = [n for n, s in record.files.items() if s == "accepted" and n.endswith(".png")]
        if not names:
            return 0
        deadline = time.monotonic() + seconds
        while True:
            rows = self.query(
                "SELECT count(*) FROM documents_document d JOIN documents_documentversion v "
                "ON v.document_id = d.id WHERE d.name = ANY(%s) AND v.thumbnail = ''",
                (names,),
            )
            if rows[0][0] == 0 or time.monotonic() > deadline:
                return rows[0][0]
            time.sleep(2)

    def fault_postgres(self) -> None:
        seconds = self.args.pg_down
        log(f"3. PostgreSQL stopped {seconds} s")
        record = self.begin()
        time.sleep(self.args.load_before)
        gunicorn_log = self.stack.work / "gunicorn.log"
        offset = gunicorn_log.stat().st_size
        self.stack.pg_stop("fast")
        down_from = time.monotonic()
        health = collections.Counter()
        while time.monotonic() < down_from + seconds:
            health[self.healthz()] += 1
            time.sleep(2)
        self.stack.pg_start()
        down_until = time.monotonic()
        with gunicorn_log.open("rb") as handle:
            handle.seek(offset)
            during = handle.read().decode(errors="replace").splitlines()
        log("   PostgreSQL is back")
        time.sleep(self.args.load_after)
        self.end_load()
        during_outage = [s for t, s in record.statuses if down_from <= t <= down_until]
        after = [s for t, s in record.statuses if t > down_until + 5]
        recovered = self.pages_answer()
        self.line(
            3,
            f"PostgreSQL stopped {seconds} s",
            record,
            None,
            answers_503=sum(1 for s in during_outage if s == 503),
            answers_500=sum(1 for s in during_outage if s == 500),
            log_lines=len(during),
            tracebacks=sum(1 for line in during if "Traceback" in line),
            errors_after=sum(1 for s in after if not isinstance(s, int) or s >= 500),
            healthz=dict(health),
            pages_after=recovered,
            allowed_errors=["HTTP 503"],
        )

    def pages_answer(self) -> str:
        member = self.members[0]
        paths = ["/", self.plan["space"], self.plan["folder"], self.plan["work"][0]["url"]]
        answers = []
        for path in paths:
            try:
                answers.append(member.browser.get(path).status)
            except Exception as error:
                answers.append(error_kind(error))
        return "all 200" if all(a == 200 for a in answers) else f"{answers}"

    def fault_smtp(self) -> None:
        seconds = self.args.smtp_down
        log(f"4. SMTP refusing {seconds / 2:.0f} s, then closed {seconds / 2:.0f} s")
        record = self.begin()
        start = time.monotonic()
        sink = self.stack.sink
        sink.handler.mode = "refuse"
        post_id, _marker = self.trigger(self.plan["big"])
        expected = self.notified(post_id)
        matcher = _post_matcher(post_id, expected)
        time.sleep(seconds / 2)
        sink.stop()
        time.sleep(seconds / 2)
        sink.handler.mode = "accept"
        sink.start()
        smtp_back = time.monotonic()
        log("   SMTP accepts again")
        self.end_load()
        self.wait_for_mail(start, matcher, self.args.mail_wait)
        self.line(
            4,
            f"SMTP refusing/closed {seconds} s",
            record,
            self.mail_counts(start, matcher, fault_end=smtp_back),
            refused_rcpt=sink.handler.refused,
            announce=self.announced,
        )

    def fault_gunicorn_kill(self) -> None:
        log("5. gunicorn worker kill -9 while uploads are in flight")
        record = self.begin()
        for member in self.members:
            member.uploads_big = True
        time.sleep(self.args.load_before)
        kills = 0
        for _ in range(self.args.gunicorn_kills):
            deadline = time.monotonic() + 15
            # Kill while an upload is in flight: the worker reading or writing
            # it when one can be told apart, any worker otherwise.
            while time.monotonic() < deadline and not self.uploads_in_flight:
                time.sleep(0.05)
            time.sleep(random.uniform(0.05, 0.3))  # noqa: S311  # nosec B311
            workers = self.stack.gunicorn_workers()
            busy = [pid for pid in workers if _busy(pid)]
            if busy or workers:
                victim = random.choice(busy or workers)  # noqa: S311  # nosec B311
                os.kill(victim, signal.SIGKILL)
                kills += 1
            time.sleep(3)
        for member in self.members:
            member.uploads_big = False
        time.sleep(self.args.load_after)
        self.end_load()
        self.line(
            5,
            f"gunicorn worker kill -9 ×{kills}",
            record,
            None,
            # What a client sees when the worker serving it dies.
            allowed_errors=["connection reset", "HTTP 502"],
        )

    def fault_beat_twice(self) -> None:
        log("6. beat twice: a second beat, and the periodic tasks called twice at once")
        record = self.begin(load=False)
        prepared = self.stack.django("support")
        start = time.monotonic()
        second = self.stack.beat_start("beat-2")
        calls = [
            self.stack.spawn(
                f"call-{n}",
                [str(VENV_BIN / "celery"), "-A", "conseils", "call", task],
            )
            for n, task in enumerate(
                [
                    "notifications.tasks.send_daily_digests",
                    "notifications.tasks.send_daily_digests",
                    "support.tasks.warn_about_due_requests",
                    "support.tasks.warn_about_due_requests",
                ]
            )
        ]
        self.stack.extra.extend(calls)
        for call in calls:
            call.wait(timeout=120)
        matcher = {
            address.lower(): (lambda m: DIGEST_SUBJECT in m["subject"])
            for address in prepared["digest"]
        }
        warned = {
            address.lower(): (lambda m: WARNING_SUBJECT in m["subject"])
            for address in prepared["warned"]
        }
        both = _either(matcher, warned)
        self.wait_for_mail(start, both, self.args.mail_wait)
        # Late doubles would arrive now.
        time.sleep(self.args.load_after)
        stop_group(second)
        self.stack.processes.pop("beat-2", None)
        digests = self.mail_counts(start, matcher)
        warnings = self.mail_counts(start, warned)
        mail = {key: digests[key] + warnings[key] for key in digests}
        self.line(
            6,
            "beat twice",
            record,
            mail,
            digests=f"{digests['delivered']}/{digests['expected']}",
            warnings=f"{warnings['delivered']}/{warnings['expected']}",
        )

    def all_mail(self) -> dict:
        messages = self.stack.sink.handler.since(0)
        with (self.stack.work / "messages.jsonl").open("w") as handle:
            for message in messages:
                handle.write(json.dumps(message, ensure_ascii=False) + "\n")
        ids = collections.Counter((m["message_id"], m["to"]) for m in messages if m["message_id"])
        contents = collections.Counter((m["to"], m["subject"], m["text"]) for m in messages)
        return {
            "received": len(messages),
            "same_message_id": sum(n - 1 for n in ids.values()),
            "same_content": sum(n - 1 for n in contents.values()),
        }


def _matches(message: dict, expected: dict) -> bool:
    test = expected.get(message["to"])
    return test is not None and test(message)


def _post_matcher(post_id: int | None, recipients: set[str]) -> dict:
    url = f"/forums/messages/{post_id}/"
    return {address: (lambda m: url in m["text"]) for address in recipients}


def _either(first: dict, second: dict) -> dict:
    both = dict(first)
    for address, test in second.items():
        if address in both:
            one = both[address]
            both[address] = lambda m, one=one, test=test: one(m) or test(m)
        else:
            both[address] = test
    return both


def _busy(pid: int) -> bool:
    """A gunicorn worker at work on a request (not waiting for one in poll)."""
    try:
        wchan = Path(f"/proc/{pid}/wchan").read_text()
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state == "R" or wchan not in (
        "do_select",
        "do_sys_poll",
        "do_epoll_wait",
        "ep_poll",
        "0",
        "",
    )


# ---------------------------------------------------------------------------
# Report.


def lost(line: dict) -> list[str]:
    """What this line shows lost or duplicated."""
    problems = []
    allowed = set(line.get("allowed_errors", []))
    refused = {kind: n for kind, n in line["errors"].items() if kind not in allowed}
    if refused:
        problems.append(f"{sum(refused.values())} errors shown to users")
    if line.get("announce", "accepted") != "accepted":
        problems.append("the reply that causes the e-mails was refused")
    if line.get("password_reset", "accepted") != "accepted":
        problems.append("the password reset was refused")
    if isinstance(line.get("pages_after"), str) and line["pages_after"] != "all 200":
        problems.append("pages still failing afterwards")
    if line["delivered"] < line["expected"]:
        problems.append(f"{line['expected'] - line['delivered']} e-mails not delivered")
    if line["duplicated"]:
        problems.append(f"{line['duplicated']} e-mails doubled")
    if line["replies_found"] < line["replies_accepted"]:
        problems.append(f"{line['replies_accepted'] - line['replies_found']} replies lost")
    if line["files_found"] < line["files_accepted"]:
        problems.append(f"{line['files_accepted'] - line['files_found']} files lost")
    if line["replies_doubled"] or line["files_doubled"]:
        problems.append("posts or files written twice")
    if line["rows_without_file"]:
        problems.append(f"{line['rows_without_file']} rows without their file")
    if line["orphan_files_after_sweep"]:
        problems.append(f"{line['orphan_files_after_sweep']} orphan files the sweep left")
    if line.get("thumbnails_missing"):
        problems.append(f"{line['thumbnails_missing']} thumbnails never made")
    return problems


def format_line(line: dict) -> str:
    errors = ", ".join(f"{kind} ×{n}" for kind, n in sorted(line["errors"].items())) or "none"
    text = (
        f"{line['fault']}. {line['name']}: {line['requests']} requests, user errors: {errors}; "
        f"e-mails expected {line['expected']}, delivered {line['delivered']}, "
        f"duplicated {line['duplicated']}; replies accepted {line['replies_accepted']}, "
        f"found {line['replies_found']} (unconfirmed but written "
        f"{line['replies_unconfirmed_written']}); files accepted {line['files_accepted']}, "
        f"found {line['files_found']} (unconfirmed but written "
        f"{line['files_unconfirmed_written']}), rows without file {line['rows_without_file']}, "
        f"orphan files {line['orphan_files']} before the sweep, "
        f"{line['orphan_files_after_sweep']} after"
    )
    skip = {
        "fault", "name", "requests", "errors", "expected", "delivered", "duplicated",
        "replies_accepted", "replies_found", "replies_unconfirmed_written", "replies_doubled",
        "files_accepted", "files_found", "files_unconfirmed_written", "files_doubled",
        "rows_without_file", "orphan_files", "orphan_files_after_sweep", "allowed_errors",
    }  # fmt: skip
    extra = "; ".join(f"{key} {value}" for key, value in line.items() if key not in skip)
    problems = lost(line)
    verdict = "FAILED: " + ", ".join(problems) if problems else "nothing lost or doubled"
    return f"{text}{'; ' + extra if extra else ''} → {verdict}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="short outages, for development")
    parser.add_argument("--redis-down", type=float, help="seconds (60; quick 15)")
    parser.add_argument("--pg-down", type=float, help="seconds (30; quick 10)")
    parser.add_argument("--smtp-down", type=float, help="seconds (120; quick 30)")
    parser.add_argument(
        "--mail-wait", type=float, help="seconds to wait for e-mails (180; quick 90)"
    )
    parser.add_argument("--only", default="1,2,3,4,5,6", help="faults to run, e.g. 1,3")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--django", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.django:
        django_action(args.django)
        return 0
    defaults = (15, 10, 30, 90) if args.quick else (60, 30, 120, 180)
    for name, default in zip(
        ("redis_down", "pg_down", "smtp_down", "mail_wait"), defaults, strict=True
    ):
        if getattr(args, name) is None:
            setattr(args, name, default)
    args.load_before = 3 if args.quick else 10
    args.load_after = 5 if args.quick else 15
    args.gunicorn_kills = 2 if args.quick else 3
    only = {int(n) for n in args.only.split(",") if n}

    work = Path(tempfile.mkdtemp(prefix="conseils-faults-"))
    stack = Stack(work, args)
    harness = Harness(args, stack)
    done = threading.Event()

    def cleanup():
        if done.is_set():
            return
        done.set()
        harness.stopping.set()
        stack.cleanup()
        if args.keep:
            log(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    def on_signal(number, _frame):
        raise KeyboardInterrupt(f"signal {number}")

    atexit.register(cleanup)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    started = time.monotonic()
    failed = False
    try:
        harness.start()
        faults = {
            1: harness.fault_worker_kill,
            2: harness.fault_redis,
            3: harness.fault_postgres,
            4: harness.fault_smtp,
            5: harness.fault_gunicorn_kill,
            6: harness.fault_beat_twice,
        }
        for number, fault in faults.items():
            if number in only:
                fault()
        totals = harness.all_mail()
        print(
            f"All e-mails of the run: {totals['received']} received, "
            f"{totals['same_message_id']} with a Message-ID already received, "
            f"{totals['same_content']} with the same recipient, subject and text as another; "
            f"{time.monotonic() - started:.0f} s in all.",
            flush=True,
        )
        failed = (
            any(lost(line) for line in harness.lines)
            or totals["same_message_id"]
            or totals["same_content"]
        )
    except BaseException:
        args.keep = True
        raise
    finally:
        if failed:
            args.keep = True
            log(f"logs in {work} (gunicorn.log, worker.log, beat.log, postgres.log)")
        cleanup()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
