"""Fixtures shared by the whole suite."""

from __future__ import annotations

import copy
import itertools
import shutil
from importlib import import_module

import pytest
from django.core.cache import cache
from django.db import connections, transaction
from django.test import override_settings

# Django's test runner swaps every mailer for the in-memory one; the suite puts
# the real default back, so each e-mail crosses the outbox and its Celery task
# as in production, and only the final delivery lands in ``mail.outbox``.
MAILERS_THROUGH_CELERY = {
    "default": {"BACKEND": "outbox.backends.OutboxEmailBackend"},
    "delivery": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
}


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Two changes to pytest-django's order (non-transactional tests,
    transactional ones, those without a database), both stable:

    - in each stretch of a module's tests, those over the module's shared
      data (``module_data``) last: the data is built for the first of them
      and stays until the module's last test, so no other test runs over it;
    - the browser tests last of all: pytest-xdist deals the tests one by one
      to whichever worker is ready (``pytest_xdist_make_scheduler``), so the
      29 browser tests, the slowest, even out the end of the run between the
      workers.
    """
    ordered = []
    for _module, stretch in itertools.groupby(items, key=lambda item: item.path):
        ordered += sorted(stretch, key=lambda item: "module_data" in item.fixturenames)
    ordered.sort(key=lambda item: item.get_closest_marker("browser") is not None)
    items[:] = ordered


# Modules whose shared data (``module_data``) takes seconds to build: the
# seeded demo, the world crawled for leaks. All the tests of each go to one
# pytest-xdist worker, which builds the data once, instead of each worker
# that was dealt some of them building it again.
ONE_WORKER_MODULES = {"tests/conseils/test_seed_demo.py", "tests/test_leaks.py"}


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """Under ``-n``, xdist's default (``--dist load``) deals the tests in
    chunks, and may split a module of ``ONE_WORKER_MODULES`` between the
    workers; here each of those modules is one unit, every other test a unit
    of its own, dealt one at a time to whichever worker is ready; xdist
    deals the units of several tests first (``--loadscope-reorder``, on by
    default), the others in the order of the run. (xdist's
    ``--dist loadgroup`` would do it with ``xdist_group`` marks, but it tags
    the tests' ids in a way pytest 9 no longer reads.)"""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class Scheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return module if module in ONE_WORKER_MODULES else nodeid

    return Scheduling(config, log)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and cached sessions never leak from one test to the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(request, tmp_path, settings):
    """Each test stores its files in its own folder, so storage can be inspected.

    A test over shared data (``module_data``) starts with a copy of the files
    stored while that data was built: what it deletes or adds is gone at its
    end, as the rows it writes.
    """
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    if "module_data" in request.fixturenames:
        shared = request.getfixturevalue("module_data").media_root
        shutil.copytree(shared, settings.MEDIA_ROOT, dirs_exist_ok=True)
    yield settings.MEDIA_ROOT
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture
def media_root(_media_root):
    return _media_root


def stored_files(root) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


@pytest.fixture(autouse=True)
def _mail_through_celery(settings):
    settings.MAILERS = copy.deepcopy(MAILERS_THROUGH_CELERY)


@pytest.fixture(scope="session", autouse=True)
def _flush_by_delete_on_postgresql():
    """A transactional test (browser, concurrency, e-mail after commit) ends by
    emptying every table. On PostgreSQL, Django does it with one TRUNCATE of
    the whole schema, which makes new files for each table and index: 1.5
    seconds a test. Deleting the rows, in one transaction whose foreign keys
    are checked at its end, leaves the same empty tables in milliseconds (no
    trigger runs on DELETE). Sequences go on either way, as without
    ``reset_sequences``; with it, Django's own TRUNCATE is kept."""
    connection = connections["default"]
    if connection.vendor != "postgresql":
        yield
        return
    operations = type(connection.ops)
    truncate = operations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        return ["SET CONSTRAINTS ALL DEFERRED;"] + [
            f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};"
            for table in tables
        ]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(operations, "sql_flush", sql_flush)
        yield


@pytest.fixture(autouse=True)
def _territories_after_flush(request):
    """Transactional tests (browser, concurrency) end by emptying every table,
    the regions and departments of the data migration included: load them
    again when a test starts without them.

    The editable site pages of ``conseils/0003_site_pages_content`` likewise.

    Django's ``serialized_rollback`` would do it, but the connection Playwright's
    greenlet sees is not the one that holds the serialized copy.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or (
        "live_server" in request.fixturenames or "transactional_db" in request.fixturenames
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    _territories_and_site_pages_load()


def _territories_and_site_pages_load() -> None:
    """The rows of the data migrations, when a flush emptied them."""
    from councils.models import Department, Region
    from councils.territories_data import DEPARTMENTS, REGIONS

    if not Department.objects.exists():
        # The data of ``load_territories``, written in two queries, not 400.
        regions = {
            region.code: region
            for region in Region.objects.bulk_create(
                Region(code=code, name=name) for code, name in REGIONS
            )
        }
        Department.objects.bulk_create(
            Department(code=code, name=name, region=regions[region_code])
            for code, name, region_code in DEPARTMENTS
        )
    from conseils.services import site_pages_create_missing

    site_pages_create_missing()


@pytest.fixture
def render_depths(monkeypatch):
    """``render_depths("forums.services._shared")`` wraps that module's
    ``render_markdown`` and returns the list of transaction depths it ran at,
    counted from the test's own: 0 means no transaction was open, so no lock
    was held (on SQLite every transaction holds the database's write lock
    from its first statement; on PostgreSQL ``select_for_update`` rows)."""
    from django.db import connection

    baseline = len(connection.atomic_blocks)
    depths: list[int] = []

    def spy(module: str) -> list[int]:
        target = import_module(module)
        real = target.render_markdown

        def render_markdown(text):
            depths.append(len(connection.atomic_blocks) - baseline)
            return real(text)

        monkeypatch.setattr(target, "render_markdown", render_markdown)
        return depths

    return spy


# Data built once for many tests.


class SharedData:
    """Rows and files built once, under the tests of a module that ask for them.

    The rows live in a transaction opened before the first of these tests and
    rolled back after the last; each test runs in its own savepoint on top
    (pytest-django's ``db``), so what a test writes is gone before the next
    one starts, and every test sees the shared data as it was built. The files
    are stored in a folder of their own, copied into each test's media folder
    (``_media_root``) and removed at the end.

    Python objects are shared too: a test that may change one (a model
    instance it saves, a user it logs in) takes a ``copy.deepcopy`` of what
    the build returned, as Django's ``TestCase.setUpTestData`` does.

    Each pytest-xdist worker builds its own, in its own test database. A
    transactional test (``transaction=True``, ``live_server``) empties tables
    and cannot run over shared data.
    """

    opened: list[SharedData] = []

    def __init__(self, blocker, media_root):
        self.blocker = blocker
        self.media_root = media_root
        self._atomics = []

    def open(self) -> None:
        with self.blocker.unblock():
            for alias in connections:
                atomic = transaction.atomic(using=alias)
                # As TestCase's own: a durable block inside is no error.
                atomic._from_testcase = True
                atomic.__enter__()
                self._atomics.append((alias, atomic))
        SharedData.opened.append(self)

    def close(self) -> None:
        with self.blocker.unblock():
            for alias, atomic in reversed(self._atomics):
                transaction.set_rollback(True, using=alias)
                atomic.__exit__(None, None, None)
        self._atomics.clear()
        SharedData.opened.remove(self)
        shutil.rmtree(self.media_root, ignore_errors=True)

    def build(self, function, /, *args, **kwargs):
        """``function(*args, **kwargs)`` with the database open and the
        settings every test has (``_media_root``, ``_mail_through_celery``),
        its files stored in the shared folder. On-commit callbacks wait, as
        in a test; wrap the calls whose callbacks must run in
        ``django.test.TestCase.captureOnCommitCallbacks(execute=True)``."""
        cache.clear()
        with (
            self.blocker.unblock(),
            override_settings(
                MEDIA_ROOT=self.media_root, MAILERS=copy.deepcopy(MAILERS_THROUGH_CELERY)
            ),
        ):
            return function(*args, **kwargs)


@pytest.fixture(scope="module")
def module_data(django_db_setup, django_db_blocker, tmp_path_factory):
    """Shared data for the tests of a module that ask for it, through a
    module-scoped fixture of the module::

        @pytest.fixture(scope="module")
        def shared_world(module_data):
            return module_data.build(World)

        @pytest.fixture
        def world(shared_world):
            return copy.deepcopy(shared_world)

    They run after the module's other tests (``pytest_collection_modifyitems``).
    """
    data = SharedData(django_db_blocker, tmp_path_factory.mktemp("shared-media"))
    data.open()
    # A transactional test of the same module, run before, may have emptied
    # the tables (a module run alone); rolled back with the shared data.
    with django_db_blocker.unblock():
        _territories_and_site_pages_load()
    try:
        yield data
    finally:
        data.close()


@pytest.fixture(autouse=True)
def _no_shared_data_unasked(request):
    """Shared data stays until the last test of its module: a test that did
    not ask for it would read it (and count its rows) unawares."""
    database = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if SharedData.opened and database and "module_data" not in request.fixturenames:
        pytest.fail(
            f"{request.node.nodeid} runs over shared data it did not ask for: was the "
            "order of the tests changed? (tests/conftest.py puts those that ask last)"
        )
