"""The production settings refuse to start when they would be unsafe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 20 + "-production-secret-key-for-the-test-only-0123456789"

SAFE_ENV = {
    "DJANGO_SETTINGS_MODULE": "conseils.settings.production",
    "DJANGO_SECRET_KEY": GOOD_KEY,
    "DJANGO_ALLOWED_HOSTS": "conseils.example.org",
    "DATABASE_URL": "postgres://user@127.0.0.1:5432/conseils",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def load_production_settings(**overrides: str | None) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    env.update(SAFE_ENV)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.SESSION_COOKIE_NAME, settings.SECURE_HSTS_SECONDS, settings.DEBUG)"
    )
    return subprocess.run(  # noqa: S603 (fixed command, our own interpreter)
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_production_settings_load_with_safe_values():
    result = load_production_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["__Host-sessionid", "31536000", "False"]


@pytest.mark.parametrize("debug", ["True", "1", "on"])
def test_production_refuses_debug(debug):
    result = load_production_settings(DJANGO_DEBUG=debug)
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be off in production" in result.stderr


def test_production_refuses_the_development_secret_key():
    from conseils.settings.base import DEVELOPMENT_SECRET_KEY

    result = load_production_settings(DJANGO_SECRET_KEY=DEVELOPMENT_SECRET_KEY)
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_a_missing_secret_key():
    result = load_production_settings(DJANGO_SECRET_KEY=None)
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_sqlite_and_a_missing_redis():
    assert "PostgreSQL" in load_production_settings(DATABASE_URL=None).stderr
    assert "Set REDIS_URL" in load_production_settings(REDIS_URL=None).stderr


def test_production_reads_the_client_address_behind_nginx_by_default():
    """Production runs behind nginx (docs/production.md): without the variable,
    the client is the last address nginx adds to X-Forwarded-For, not nginx."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("ALLAUTH_")}
    env.update(SAFE_ENV)
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1"]


def test_embedded_defaults_need_no_variable():
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    env["DJANGO_SETTINGS_MODULE"] = "conseils.settings.dev"
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER, "
        "settings.CACHES['default']['BACKEND'], settings.MAILERS['delivery']['BACKEND'])"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.mail.backends.console.EmailBackend",
    ]


def test_production_survives_redis_stopping_and_exempts_both_health_checks():
    """The cache degrades instead of raising, sessions never come from it,
    and both health checks answer over plain HTTP (docs/production.md)."""
    env = dict(os.environ)
    env.update(SAFE_ENV)
    code = (
        "import django, re; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND']); print(settings.SESSION_ENGINE); "
        "print(all(any(re.search(p, path) for p in settings.SECURE_REDIRECT_EXEMPT) "
        "for path in ('healthz', 'healthz/live'))); "
        "print(settings.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'])"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "common.cache_backends.DegradingRedisCache",
        "django.contrib.sessions.backends.db",
        "True",
        "1200",
    ]


def test_the_broker_is_visible_again_after_the_longest_task_could_have_ended():
    """A task acknowledged late is handed to another worker after
    ``visibility_timeout``: a shorter one would run a long task twice while
    it is still running. (The others are acknowledged when they start.)"""
    from importlib import import_module, util

    from celery import current_app
    from django.apps import apps

    for config in apps.get_app_configs():
        if util.find_spec(f"{config.name}.tasks") is not None:
            import_module(f"{config.name}.tasks")
    longest = max(
        task.time_limit or settings.CELERY_TASK_TIME_LIMIT
        for name, task in current_app.tasks.items()
        if not name.startswith("celery.") and task.acks_late
    )
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > longest
