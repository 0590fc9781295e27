"""The production files parse: docker-compose.yml, with every service the design names."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def docker_compose(*args: str, secret_key: str | None) -> subprocess.CompletedProcess:
    """Run Debian's docker-compose on the project's file; it needs no engine to parse."""
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SECRET_KEY"}
    if secret_key is not None:
        env["DJANGO_SECRET_KEY"] = secret_key
    return subprocess.run(  # noqa: S603
        ["docker-compose", *args],  # noqa: S607
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="make test installs it")
def test_compose_file_is_valid_and_complete():
    result = docker_compose("config", "--services", secret_key="s" * 60)
    assert result.returncode == 0, result.stderr
    services = set(result.stdout.split())
    assert {"web", "worker", "beat", "postgres", "redis", "mailpit", "nginx"} <= services


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="make test installs it")
def test_compose_refuses_to_start_without_a_secret_key():
    result = docker_compose("config", "-q", secret_key=None)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
