"""The production files parse: docker-compose.yml, with every service the design names."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="make test installs it")
def test_compose_file_is_valid_and_complete():
    env = {**os.environ, "DJANGO_SECRET_KEY": "s" * 60}
    result = subprocess.run(
        ["docker-compose", "config", "--services"],  # noqa: S607
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    services = set(result.stdout.split())
    assert {"web", "worker", "beat", "postgres", "redis", "mailpit", "nginx"} <= services


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="make test installs it")
def test_compose_refuses_to_start_without_a_secret_key():
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SECRET_KEY"}
    result = subprocess.run(
        ["docker-compose", "config", "-q"],  # noqa: S607
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
