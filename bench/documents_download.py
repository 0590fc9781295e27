"""Downloading a large private file: the access-checked view against a static file.

Builds a throw-away SQLite database and MEDIA_ROOT in a temporary directory,
creates one council and one member, uploads one N MB PDF through
``documents.services.document_upload``, then serves the site with gunicorn (one
sync worker) and downloads the file over HTTP:

- through ``documents:download`` (session cookie of the member, permission
  check, ``common.downloads.send_file`` → ``FileResponse``);
- the same bytes (a hard link) as a static file served by WhiteNoise in the
  same gunicorn worker;
- the same bytes from ``python -m http.server`` (another server, for reference).

It samples the worker's VmRSS every 20 ms and prints a Markdown table. Everything
it creates is removed at the end.

    .venv/bin/python bench/documents_download.py [--size-mb 100] [--runs 3]

See bench/README.md.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
VENV_BIN = PROJECT_DIR / ".venv" / "bin"
HOST = "127.0.0.1"
MIB = 1024 * 1024
PDF_HEAD = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
SAMPLE_SECONDS = 0.02
READ_CHUNK = MIB
OVERLAY_SETTINGS = "bench_download_settings"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def configure(tmp: Path, size: int) -> dict[str, str]:
    """Environment shared by this process and gunicorn."""
    env = dict(os.environ)
    for name in ("REDIS_URL", "AWS_STORAGE_BUCKET_NAME", "PROTECTED_MEDIA_X_ACCEL"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="conseils.settings.dev",
        DJANGO_DEBUG="false",
        DJANGO_ALLOWED_HOSTS=HOST,
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        MEDIA_ROOT=str(tmp / "media"),
        DOCUMENT_MAX_UPLOAD_BYTES=str(max(200_000_000, 2 * size)),
        COUNCIL_STORAGE_QUOTA_BYTES=str(max(10**10, 4 * size)),
    )
    return env


def write_pdf(path: Path, size: int) -> None:
    """A file that the upload check takes for a PDF, of incompressible bytes."""
    block = os.urandom(MIB)
    with path.open("wb") as out:
        out.write(PDF_HEAD)
        left = size - len(PDF_HEAD)
        while left > 0:
            out.write(block[: min(left, MIB)])
            left -= MIB


def seed(tmp: Path, size: int):
    """Migrate, create the council, the member and the document; return what
    the HTTP side needs: the download path, the session cookie, the stored file."""
    import django

    sys.path.insert(0, str(PROJECT_DIR))
    django.setup()

    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.core.files import File
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from councils.models import Department
    from councils.services import council_create, membership_grant
    from documents.services import document_upload

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    log(f"migrated in {time.perf_counter() - started:.1f} s")

    user = User.objects.create_user(
        email="membre@bench.conseils.test", password=None, display_name="Membre"
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    council = council_create(
        system=True,
        name="Conseil citoyen du Banc d'essai",
        department=Department.objects.get(code="59"),
        town="Lille",
    )
    membership_grant(system=True, council=council, user=user, role="member")

    source = tmp / "source.pdf"
    write_pdf(source, size)
    started = time.perf_counter()
    with source.open("rb") as handle:
        document = document_upload(
            user=user, council=council, folder=None, uploaded=File(handle, name="rapport.pdf")
        )
    log(f"uploaded {size / MIB:.0f} MiB in {time.perf_counter() - started:.1f} s")
    source.unlink()
    stored = Path(document.current_version.file.path)
    if stored.stat().st_size != size:
        raise RuntimeError(f"stored file has {stored.stat().st_size} bytes, expected {size}")

    client = Client()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    url = reverse("documents:download", kwargs={"slug": council.slug, "pk": document.pk})
    static_name = f"bench/{stored.name}"
    connections.close_all()
    return url, cookie, stored, static_name, settings.STATIC_URL


def write_overlay_settings(tmp: Path, static_root: Path) -> None:
    """STATIC_ROOT is not read from the environment: this module is
    conseils.settings.dev with only STATIC_ROOT moved to the temporary directory."""
    (tmp / f"{OVERLAY_SETTINGS}.py").write_text(
        f"from conseils.settings.dev import *  # noqa: F403\n\nSTATIC_ROOT = {str(static_root)!r}\n"
    )


def children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may contain spaces.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry))
    return found


def status_kib(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1])
    raise KeyError(key)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (from /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def reset_peak(pid: int) -> bool:
    """Reset VmHWM (the kernel's own peak RSS), so it covers one download."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


class RssSampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.samples: list[tuple[float, int]] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self.samples.append((time.perf_counter(), status_kib(self.pid, "VmRSS")))
            except (OSError, KeyError):
                return
            time.sleep(SAMPLE_SECONDS)

    def peak(self, start: float, end: float) -> int:
        return max((kib for at, kib in self.samples if start <= at <= end), default=0)

    def stop(self) -> None:
        self.stopping.set()
        self.join()


@dataclass
class Route:
    label: str
    port: int
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    worker: int | None = None  # the gunicorn worker whose memory is sampled
    seconds: list[float] = field(default_factory=list)
    rss_before: list[int] = field(default_factory=list)
    rss_peak: list[int] = field(default_factory=list)
    hwm: list[int] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    response_headers: dict[str, str] = field(default_factory=dict)


def fetch(route: Route, size: int) -> float:
    """GET the file, reading and discarding it in 1 MiB chunks; return seconds."""
    connection = http.client.HTTPConnection(HOST, route.port, timeout=300)
    started = time.perf_counter()
    connection.request("GET", route.path, headers={"Host": HOST, **route.headers})
    response = connection.getresponse()
    if response.status != 200:
        body = response.read(2000)
        raise RuntimeError(f"{route.label}: HTTP {response.status} {body[:500]!r}")
    received = 0
    while chunk := response.read(READ_CHUNK):
        received += len(chunk)
    seconds = time.perf_counter() - started
    route.response_headers = dict(response.getheaders())
    connection.close()
    if received != size:
        raise RuntimeError(f"{route.label}: received {received} bytes, expected {size}")
    return seconds


def measure(route: Route, size: int, sampler: RssSampler | None) -> None:
    hwm_ok = route.worker is not None and reset_peak(route.worker)
    before = status_kib(route.worker, "VmRSS") if route.worker else 0
    cpu_before = cpu_seconds(route.worker) if route.worker else 0.0
    start = time.perf_counter()
    route.seconds.append(fetch(route, size))
    end = time.perf_counter()
    if sampler is not None and route.worker is not None:
        time.sleep(2 * SAMPLE_SECONDS)
        route.rss_before.append(before)
        route.cpu.append(cpu_seconds(route.worker) - cpu_before)
        route.rss_peak.append(max(sampler.peak(start, end + SAMPLE_SECONDS), before))
        if hwm_ok:
            route.hwm.append(status_kib(route.worker, "VmHWM"))


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def version_of(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def machine() -> str:
    free = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
        [shutil.which("free") or "/usr/bin/free", "-h"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    memory = next((line.split()[1] for line in free.splitlines() if line.startswith("Mem:")), "?")
    return (
        f"{os.cpu_count()} CPUs (`nproc`), {memory} RAM (`free -h`), "
        f"Linux {platform.release()}, Python {platform.python_version()}, "
        f"Django {version_of('django')}, gunicorn {version_of('gunicorn')}, "
        f"WhiteNoise {version_of('whitenoise')}"
    )


def mib(kib: int) -> str:
    return f"{kib / 1024:.1f}"


def report(routes: list[Route], size: int, runs: int) -> str:
    view = routes[0]
    lines = [
        f"### Download of a {size / MIB:.0f} MiB file, {date.today().isoformat()}",
        "",
        machine() + ".",
        "",
        f"Median of {runs} runs; MB/s is 10^6 bytes per second. RSS is the gunicorn "
        'worker\'s VmRSS, sampled every 20 ms ("kernel peak": VmHWM, reset before '
        'each download). "Before" and "peak" are the highest over the runs; worker '
        "CPU is the median user + system time of the worker per download.",
        "",
        "| route | median s | min–max s | MB/s | time ÷ view time | worker CPU s "
        "| RSS before MiB | peak RSS during MiB (sampled / kernel) | growth MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    view_median = statistics.median(view.seconds)
    for route in routes:
        median = statistics.median(route.seconds)
        throughput = size / median / 1e6
        ratio = f"{median / view_median:.2f}×" if route is not view else "1.00×"
        if route.rss_before:
            before = max(route.rss_before)
            peak = max(route.rss_peak)
            kernel = mib(max(route.hwm)) if route.hwm else "n/a"
            cpu = f"{statistics.median(route.cpu):.2f}"
            memory = f"{cpu} | {mib(before)} | {mib(peak)} / {kernel} | {mib(peak - before)}"
        else:
            memory = "n/a | n/a (other process) | n/a | n/a"
        lines.append(
            f"| {route.label} | {median:.3f} | {min(route.seconds):.3f}–"
            f"{max(route.seconds):.3f} | {throughput:.0f} | {ratio} | {memory} |"
        )
    static = routes[1]
    lines += [
        "",
        f"View / WhiteNoise time ratio: {view_median / statistics.median(static.seconds):.2f}.",
        "",
        "Response headers of the view: "
        + ", ".join(
            f"`{name}: {value}`"
            for name, value in view.response_headers.items()
            if name.lower()
            in {"content-type", "content-length", "content-disposition", "cache-control"}
        ),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mb", type=int, default=100, help="file size in MiB")
    parser.add_argument("--runs", type=int, default=3, help="measured downloads per route")
    args = parser.parse_args()
    size = args.size_mb * MIB

    tmp = Path(tempfile.mkdtemp(prefix="conseils-download-bench-"))
    gunicorn = static_server = sampler = None
    gunicorn_log = tmp / "gunicorn.log"
    try:
        env = configure(tmp, size)
        os.environ.update(env)
        for name in ("REDIS_URL", "AWS_STORAGE_BUCKET_NAME", "PROTECTED_MEDIA_X_ACCEL"):
            os.environ.pop(name, None)
        (tmp / "media").mkdir()
        url, cookie, stored, static_name, static_url = seed(tmp, size)

        static_root = tmp / "static"
        (static_root / "bench").mkdir(parents=True)
        os.link(stored, static_root / static_name)  # the same inode: same page cache
        write_overlay_settings(tmp, static_root)

        port = free_port()
        gunicorn_env = {**env, "DJANGO_SETTINGS_MODULE": OVERLAY_SETTINGS}
        with gunicorn_log.open("wb") as output:
            gunicorn = subprocess.Popen(  # noqa: S603 (fixed arguments, no shell)
                [
                    str(VENV_BIN / "gunicorn"),
                    "conseils.wsgi:application",
                    "--workers=1",
                    "--worker-class=sync",
                    f"--bind={HOST}:{port}",
                    "--timeout=300",
                    f"--pythonpath={tmp}",
                ],
                cwd=PROJECT_DIR,
                env=gunicorn_env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        static_port = free_port()
        static_server = subprocess.Popen(  # noqa: S603 (fixed arguments, no shell)
            [sys.executable, "-m", "http.server", str(static_port), "--bind", HOST],
            cwd=static_root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(port, gunicorn)
        wait_for_port(static_port, static_server)
        deadline = time.monotonic() + 30
        while not (workers := children_of(gunicorn.pid)) and time.monotonic() < deadline:
            time.sleep(0.1)
        if len(workers) != 1:
            raise RuntimeError(f"expected one gunicorn worker, found {workers}")
        worker = workers[0]

        view = Route("access-checked view (gunicorn)", port, url, {"Cookie": cookie}, worker)
        white = Route("WhiteNoise static file (same gunicorn)", port, static_url + static_name)
        white.worker = worker
        plain = Route("`python -m http.server` (reference)", static_port, "/" + static_name)
        routes = [view, white, plain]

        # The check works: without the cookie the view does not send the file.
        anonymous = http.client.HTTPConnection(HOST, port, timeout=60)
        anonymous.request("GET", url, headers={"Host": HOST})
        refused = anonymous.getresponse()
        refused.read()
        anonymous.close()
        if refused.status == 200:
            raise RuntimeError("the view sent the file without a session")
        log(f"without a session: HTTP {refused.status} {refused.getheader('Location', '')}")

        boot_rss = status_kib(worker, "VmRSS")
        sampler = RssSampler(worker)
        sampler.start()
        cold = Route("warm-up", port, url, {"Cookie": cookie}, worker)
        for warm in (cold, Route("warm-up", port, white.path, worker=worker)):
            measure(warm, size, sampler)
        fetch(Route("warm-up", static_port, plain.path), size)
        log(
            f"worker RSS after boot {mib(boot_rss)} MiB; first view download "
            f"{cold.seconds[0]:.2f} s, peak {mib(cold.rss_peak[0])} MiB"
        )
        for run in range(args.runs):
            for route in routes:  # interleaved, so drift hits every route alike
                measure(route, size, sampler)
            log(f"run {run + 1}: " + ", ".join(f"{route.seconds[-1]:.3f} s" for route in routes))
        print(report(routes, size, args.runs))
        print(
            f"\nWorker RSS right after boot: {mib(boot_rss)} MiB; first (cold) view "
            f"download peak: {mib(cold.rss_peak[0])} MiB. Anonymous request to the "
            f"view: HTTP {refused.status}."
        )
    except BaseException:
        if gunicorn_log.exists():
            log("gunicorn log:\n" + gunicorn_log.read_text()[-4000:])
        raise
    finally:
        if sampler is not None:
            sampler.stop()
        stop(gunicorn)
        stop(static_server)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
