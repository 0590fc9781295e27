"""The production files parse: docker-compose.yml, with every service the design
names; and the proxy chain they describe gives each visitor their own address."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from allauth.core.internal.ratelimit import parse_rates
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import PASSWORD, UserFactory

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
    assert {"web", "worker", "beat", "backup", "postgres", "redis", "mailpit", "nginx"} <= services


def test_the_image_dumps_with_the_major_version_of_the_compose_database():
    """pg_dump refuses a server newer than itself: the image's client and the
    compose file's postgres image move together."""
    postgres_image = _compose()["services"]["postgres"]["image"]
    dockerfile = (ROOT / "Dockerfile").read_text()
    client_major = re.search(r"^ARG POSTGRES_MAJOR=(\d+)$", dockerfile, re.MULTILINE)
    assert client_major, "the Dockerfile names no POSTGRES_MAJOR"
    assert postgres_image.split(":")[1].split(".")[0] == client_major.group(1)


def test_the_backup_service_writes_to_its_volume_with_a_retention():
    backup = _compose()["services"]["backup"]
    assert "backups:/backups" in backup["volumes"]
    assert "media:/app/media" in backup["volumes"]
    assert backup["environment"]["BACKUP_DIR"] == "/backups"
    assert "manage.py backup --keep-days" in backup["command"][-1]


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="make test installs it")
def test_compose_refuses_to_start_without_a_secret_key():
    result = docker_compose("config", "-q", secret_key=None)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


# The client's address, as the proxy chain reports it.

NGINX = "172.20.0.5"  # nginx's address on the compose network, as gunicorn sees it
TERMINATOR = "10.0.0.2"  # a TLS terminator (load balancer) in front of nginx
TOO_MANY = "Trop de tentatives de connexion échouées. Veuillez réessayer ultérieurement."


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _compose_default(value: str) -> str:
    """``${NAME:-default}`` → ``default``."""
    match = re.fullmatch(r"\$\{(\w+):-([^}]*)\}", value)
    assert match, value
    return match[2]


def _documented_proxy_count() -> int:
    return int(
        _compose_default(
            _compose()["services"]["web"]["environment"]["ALLAUTH_TRUSTED_PROXY_COUNT"]
        )
    )


def test_nginx_is_the_one_proxy_of_the_stack_and_appends_the_address_it_sees():
    services = _compose()["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    # mailpit's web page listens on the host's loopback only; visitors reach nginx alone.
    assert published - {"mailpit"} == {"nginx"}
    assert all(port.startswith("127.0.0.1:") for port in services["mailpit"]["ports"])
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert re.search(r"upstream django \{[^}]*server web:8000", conf)
    location = conf[conf.index("location / {") :]
    assert "proxy_pass http://django;" in location
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in location
    assert _documented_proxy_count() == 1


def test_production_docs_say_what_to_set_in_front_of_nginx():
    docs = (ROOT / "docs" / "production.md").read_text()
    (row,) = [
        line for line in docs.splitlines() if line.startswith("| `ALLAUTH_TRUSTED_PROXY_COUNT`")
    ]
    assert f"`{_documented_proxy_count()}`" in row
    assert "`2` behind a TLS terminator" in row
    assert "ALLAUTH_TRUSTED_PROXY_COUNT=2" in docs


def _through(chain: list[str], client: str, sent: str | None = None) -> dict:
    """The request as gunicorn receives it: each proxy appends the address it
    was reached from to whatever X-Forwarded-For came in (nginx's
    ``$proxy_add_x_forwarded_for``), starting with what the client ``sent``."""
    header, previous = sent, client
    for proxy in chain:
        header = f"{header}, {previous}" if header else previous
        previous = proxy
    return {"REMOTE_ADDR": previous, "HTTP_X_FORWARDED_FOR": header}


def _log_in(chain, client, email, password, *, sent=None):
    browser = Client(**_through(chain, client, sent))
    response = browser.post(reverse("account_login"), {"login": email, "password": password})
    return browser, response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("chain", "extra_proxies"),
    [([NGINX], 0), ([TERMINATOR, NGINX], 1)],
    ids=["nginx", "tls-terminator-then-nginx"],
)
def test_two_clients_behind_the_proxies_are_counted_apart_and_cannot_pass_as_each_other(
    settings, chain, extra_proxies
):
    """A per-address limit (failed logins over every account) stops one
    client, not the one next to it; a client that writes the other's address
    in its own X-Forwarded-For is still counted as itself."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = _documented_proxy_count() + extra_proxies
    per_address = min(
        rate.amount
        for rate in parse_rates(settings.ACCOUNT_RATE_LIMITS["login_failed"])
        if rate.per == "ip"
    )
    attacker, neighbour = "203.0.113.5", "198.51.100.7"
    # The attacker fails on many accounts while claiming to be the neighbour.
    for _ in range(per_address):
        _, page = _log_in(chain, attacker, UserFactory().email, "faux", sent=neighbour)
        assert TOO_MANY not in page
    victim = UserFactory()
    for sent in (None, neighbour, f"{neighbour}, {NGINX}"):
        browser, page = _log_in(chain, attacker, victim.email, PASSWORD, sent=sent)
        assert TOO_MANY in page
        assert "_auth_user_id" not in browser.session
    browser, page = _log_in(chain, neighbour, victim.email, PASSWORD)
    assert TOO_MANY not in page
    assert browser.session["_auth_user_id"] == str(victim.pk)


def test_redis_drops_only_expiring_cache_keys_when_full():
    """The kept posts of the topic pages fill the cache; past its memory
    Redis evicts keys that expire, never Celery's queues (no expiry)."""
    command = _compose()["services"]["redis"]["command"]
    assert command[command.index("--maxmemory-policy") + 1] == "volatile-lru"
    assert "--maxmemory" in command
