"""The floors of docs/architecture.md, checked: an app imports only from the
floors below it, the apps of floor 3 never import each other, notifications
does not know councils and accounts does not know search."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FLOORS = {
    "common": 0,
    "accounts": 1,
    # Every e-mail of the site, written with what causes it, sent once.
    "outbox": 1,
    # The page, its backends and the registry the apps put their sources in.
    "search": 1,
    "councils": 2,
    "notifications": 2,
    "forums": 3,
    "documents": 3,
    "news": 3,
    "events": 3,
    "support": 3,
    "conseils": 4,
}
# Same floor, one way: (app, the app of its floor it must not import).
ONE_WAY = {("notifications", "councils"), ("accounts", "search")}


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & FLOORS.keys()


def _violations(app: str) -> list[str]:
    found = []
    floor = FLOORS[app]
    for path in sorted((ROOT / app).rglob("*.py")):
        for other in _imported_apps(path) - {app}:
            upward = FLOORS[other] > floor
            # Floor 3 apps never know each other; on floors 1 and 2, one
            # app of a pair may know the other, not the other way round.
            sideways = FLOORS[other] == floor and (floor == 3 or (app, other) in ONE_WAY)
            if upward or sideways:
                found.append(f"{path.relative_to(ROOT)} imports {other}")
    return found


@pytest.mark.parametrize("app", [app for app in FLOORS if (ROOT / app).is_dir()])
def test_imports_go_down_the_floors(app):
    assert _violations(app) == []


# Templates cross floors as the Python may: an app's templates include,
# extend and link (``{% url %}`` namespaces) only their own app, the floors
# below it, and the site-wide templates (templates/, no app).

_TEMPLATE_REFERENCES = re.compile(
    r"""{%\s*(?:include|extends)\s+["'](?P<path>[\w-]+)/"""
    r"""|{%\s*url\s+["'](?P<namespace>[\w-]+):"""
)


def _template_references(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    return {
        match.group("path") or match.group("namespace")
        for match in _TEMPLATE_REFERENCES.finditer(text)
    } & FLOORS.keys()


def _template_violations(app: str) -> list[str]:
    found = []
    floor = FLOORS[app]
    for path in sorted((ROOT / app / "templates").rglob("*.*")):
        for other in _template_references(path) - {app}:
            upward = FLOORS[other] > floor
            sideways = FLOORS[other] == floor and (floor == 3 or (app, other) in ONE_WAY)
            if upward or sideways:
                found.append(f"{path.relative_to(ROOT)} uses {other}")
    return found


@pytest.mark.parametrize("app", [app for app in FLOORS if (ROOT / app / "templates").is_dir()])
def test_templates_go_down_the_floors(app):
    assert _template_violations(app) == []


def test_the_template_check_sees_includes_extends_and_urls(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        '{% extends "forums/base.html" %}{% include "documents/_x.html" %}'
        "{% url 'news:index' %}{% include \"_pagination.html\" %}",
        encoding="utf-8",
    )
    assert _template_references(page) == {"forums", "documents", "news"}


# A service's private helpers stay inside its app's services: views, tasks,
# selectors and other apps call the public API, so a helper can change shape
# without a caller elsewhere depending on it.


def _private_service_uses(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id.endswith("services")
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            found.add(f"{node.value.id}.{node.attr}")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[-1] == "services":
            found.update(
                f"{node.module}.{alias.name}" for alias in node.names if alias.name.startswith("_")
            )
    return found


def test_no_app_code_outside_services_calls_a_private_service_function():
    found = [
        f"{path.relative_to(ROOT)}: {name}"
        for app in FLOORS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "services" not in path.relative_to(ROOT).parts[1:-1]
        for name in sorted(_private_service_uses(path))
    ]
    assert found == []


def test_the_private_service_check_sees_attributes_and_imports(tmp_path):
    view = tmp_path / "views.py"
    view.write_text(
        "from documents import services\n"
        "from .services import _helper, public\n"
        "services._descendants(folder)\n"
        "services.folder_create()\n",
        encoding="utf-8",
    )
    assert _private_service_uses(view) == {"services._descendants", "services._helper"}
