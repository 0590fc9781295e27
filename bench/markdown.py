"""Markdown render time against input length, for each pathological family.

Renders every family of ``tests/markdown_families.py`` (CommonMark's
pathological tests, plus links, images, emphasis, backticks, block quotes,
lists, tables, HTML, entities, bare addresses) at 1 KB, 10 KB, 100 KB and
1 MB with ``common.markdown.render_markdown`` (parse, sanitise, post-process:
what saving a text costs), and prints a Markdown table.

Times are the CPU time of the render in the child process (the machine is
shared: the wall clock would add the waits for a core). Each case runs in a
forked child that is stopped after ``--timeout`` seconds of wall clock (a
quadratic renderer takes hours on 1 MB): it then shows as "> N s (stopped)",
and the family's larger sizes are not tried; a renderer that raises shows
"fails (the exception)".

    .venv/bin/python bench/markdown.py [--timeout 5] [--sizes 1000,10000,100000,1000000]
        [--family brackets] [--renderer common.markdown:render_markdown]

See bench/README.md.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import multiprocessing
import os
import platform
import sys
import time
from datetime import date
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Python puts this script's folder first on the path, where this very file
# would hide the ``markdown`` package (Python-Markdown, which
# django-markdownx imports) from anything importing it: put the project there.
sys.path[0] = str(PROJECT_DIR)
# The other benchmarks' shared helpers, after the installed packages.
sys.path.append(str(PROJECT_DIR / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conseils.settings.dev")

from councils_pages import code_version  # noqa: E402

from tests.markdown_families import FAMILIES  # noqa: E402

SIZES = (1_000, 10_000, 100_000, 1_000_000)
# Small cases are repeated until this much CPU time has passed (5 runs at
# most), and the fastest run is kept: the others measure the machine's noise.
REPEAT_SECONDS = 0.2
REPEAT_MAX = 5
# The budget: 100,000 characters of any family in under half a second.
BUDGET_SIZE = 100_000
BUDGET_SECONDS = 0.5
PACKAGES = ("cmarkgfm", "cffi", "nh3", "markdown-it-py", "linkify-it-py", "Markdown")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def load_renderer(spec: str):
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


def fastest_run(render, text: str) -> float:
    """CPU seconds of the fastest render: on a machine shared with other work,
    the wall clock also counts the time spent waiting for a core."""
    runs: list[float] = []
    started = time.process_time()
    while len(runs) < REPEAT_MAX:
        before = time.process_time()
        render(text)
        runs.append(time.process_time() - before)
        if time.process_time() - started > REPEAT_SECONDS:
            break
    return min(runs)


def _child(render, text: str, pipe) -> None:
    try:
        pipe.send(fastest_run(render, text))
    except Exception as error:
        pipe.send(f"fails ({type(error).__name__})")
    pipe.close()


def timed_case(render, text: str, timeout: float) -> float | str | None:
    """Seconds to render ``text``, None when it took more than ``timeout``, or
    what went wrong when the renderer raised."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(render, text, sender))
    child.start()
    sender.close()
    try:
        if receiver.poll(timeout):
            return receiver.recv()
        return None
    finally:
        child.kill()
        child.join()
        receiver.close()


def size_label(size: int) -> str:
    return f"{size // 1_000_000} MB" if size >= 1_000_000 else f"{size // 1_000} KB"


def duration(seconds: float | str | None, timeout: float, tried: bool = True) -> str:
    if isinstance(seconds, str):
        return seconds
    if seconds is None:
        return f"> {timeout:g} s (stopped)" if tried else f"> {timeout:g} s (not tried)"
    if seconds < 0.01:
        return f"{seconds * 1000:.2f} ms"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.1f} s"


def versions() -> str:
    found = []
    for package in PACKAGES:
        try:
            found.append(f"{package} {importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            continue
    return ", ".join(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds per case")
    parser.add_argument(
        "--sizes",
        default=",".join(str(size) for size in SIZES),
        help="comma-separated lengths in characters",
    )
    parser.add_argument("--family", default="", help="only families whose name contains this")
    parser.add_argument("--renderer", default="common.markdown:render_markdown")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    render = load_renderer(args.renderer)
    families = {name: build for name, build in FAMILIES.items() if args.family in name}

    load_before = os.getloadavg()[0]
    rows = []
    budget_times: list[tuple[float | None, str]] = []
    for name, build in families.items():
        cells: list[str] = []
        times: dict[int, float | str | None] = {}
        last: float | str | None = 0.0
        for size in sizes:
            if isinstance(last, str):  # the renderer failed at a smaller size
                cells.append("not tried")
                continue
            if last is None:  # stopped at a smaller size
                cells.append(duration(None, args.timeout, tried=False))
                continue
            last = timed_case(render, build(size), args.timeout)
            log(f"{name}, {size:,} characters: {duration(last, args.timeout)}")
            times[size] = last
            cells.append(duration(last, args.timeout))
        if BUDGET_SIZE in sizes:
            budget_times.append((times.get(BUDGET_SIZE), name))
        growth = ""
        if len(sizes) >= 2 and all(isinstance(times.get(size), float) for size in sizes[-2:]):
            growth = f"× {times[sizes[-1]] / times[sizes[-2]]:.0f}"
        rows.append(f"| {name} | " + " | ".join(cells) + f" | {growth} |")

    print(
        f"Rendered with `{args.renderer}` on {date.today():%Y-%m-%d}, {code_version()}: "
        f"Python {platform.python_version()}, {versions()}; {os.cpu_count()} CPUs, "
        f"load average {load_before:.2f} before and {os.getloadavg()[0]:.2f} after. "
        f"CPU time of the fastest of up to {REPEAT_MAX} runs; each case stopped after "
        f"{args.timeout:g} s of wall clock.\n"
    )
    last_two = f"{size_label(sizes[-1])} / {size_label(sizes[-2])}" if len(sizes) > 1 else ""
    print("| family | " + " | ".join(size_label(size) for size in sizes) + f" | {last_two} |")
    print("|---|" + "---:|" * len(sizes) + "---:|")
    print("\n".join(rows))
    if budget_times:
        over = [name for seconds, name in budget_times if not isinstance(seconds, float)]
        finished = [(s, name) for s, name in budget_times if isinstance(s, float)]
        print()
        if finished:
            seconds, name = max(finished)
            print(f"Slowest at {BUDGET_SIZE:,} characters: {name}, {duration(seconds, 0)}.")
        if over:
            print(f"Not finished at {BUDGET_SIZE:,} characters: {len(over)} families.")
        within = not over and all(s < BUDGET_SECONDS for s, _ in finished)
        print(
            f"Every family under {BUDGET_SECONDS:g} s at {BUDGET_SIZE:,} characters: "
            + ("yes." if within else "no.")
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
