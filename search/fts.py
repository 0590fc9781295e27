"""The SQLite full-text index: one FTS5 table per searched table, holding the
French stems of its searched fields (``text.index_terms``), accents folded.

The counterpart of PostgreSQL's stored vectors and their triggers, made from
the registered sources: the table of ``forums_post`` is
``search_fts_forums_post``, its rowid is the post's id, it has a column per
searched field (``body``). Triggers keep it up to date on every insert,
update of a searched field and delete, whatever writes (the ORM, a bulk
insert, an ``update()``, raw SQL): they call ``search_terms``, a Python
function every Django connection to SQLite is given (``register_function``).
A ``sqlite3`` shell without it cannot write to a searched table.

``ensure`` runs after every ``migrate`` (and ``manage.py search_index``):
it creates what is missing and fills a table from its rows when the sources'
fields changed, when ``VERSION`` changed, or when its triggers went missing
(Django remakes a SQLite table to alter it, which drops its triggers).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from . import text
from .indexes import related_model
from .registry import SearchSource, all_sources

FUNCTION = "search_terms"
META = "search_fts_meta"
# Bump when ``text.index_terms`` changes: every table is filled again.
VERSION = 1
# bm25's weight of each column, by the field's weight (PostgreSQL's defaults).
WEIGHTS = {"A": 1.0, "B": 0.4, "C": 0.2, "D": 0.1}
TOKENIZER = "unicode61 remove_diacritics 0"


def _terms_or_empty(value) -> str:
    return text.index_terms(None if value is None else str(value))


def register_function(sender, connection, **kwargs) -> None:
    """``connection_created``: give a SQLite connection ``search_terms``."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(FUNCTION, 1, _terms_or_empty, deterministic=True)


@dataclass(frozen=True)
class FtsTable:
    model: type
    # (field name, weight), in the order the sources first name them.
    columns: tuple[tuple[str, str], ...]

    @property
    def name(self) -> str:
        return f"search_fts_{self.model._meta.db_table}"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _weight in self.columns)

    def weights(self, wanted: tuple[str, ...] = ()) -> str:
        """bm25's arguments: each column's weight, 0 for those not ``wanted``."""
        return ", ".join(
            str(WEIGHTS[weight] if not wanted or name in wanted else 0.0)
            for name, weight in self.columns
        )

    @property
    def spec(self) -> str:
        return json.dumps({"version": VERSION, "columns": self.columns})

    def db_columns(self) -> list[str]:
        return [self.model._meta.get_field(name).column for name, _weight in self.columns]

    def _trigger(self, event: str) -> str:
        return f"{self.name}_{event}"

    def triggers(self) -> list[str]:
        return [self._trigger(event) for event in ("insert", "update", "delete")]

    def create_sql(self) -> list[str]:
        """The table and its triggers. (Names come from the models, never from input.)"""
        table, pk = self.model._meta.db_table, self.model._meta.pk.column
        fts_columns = ", ".join(f'"{name}"' for name in self.column_names)
        db_columns = self.db_columns()
        values = ", ".join(f'{FUNCTION}(NEW."{column}")' for column in db_columns)
        insert = f'INSERT INTO "{self.name}"(rowid, {fts_columns}) VALUES (NEW."{pk}", {values});'  # noqa: S608  # nosec B608
        delete = f'DELETE FROM "{self.name}" WHERE rowid = OLD."{pk}";'  # noqa: S608  # nosec B608
        listed = ", ".join(f'"{column}"' for column in db_columns)
        return [
            f'CREATE VIRTUAL TABLE "{self.name}" '
            f"USING fts5({fts_columns}, tokenize = '{TOKENIZER}')",
            f'CREATE TRIGGER "{self._trigger("insert")}" AFTER INSERT ON "{table}" '
            f"BEGIN {insert} END",
            f'CREATE TRIGGER "{self._trigger("update")}" AFTER UPDATE OF {listed} ON "{table}" '
            f"BEGIN {delete} {insert} END",
            f'CREATE TRIGGER "{self._trigger("delete")}" AFTER DELETE ON "{table}" '
            f"BEGIN {delete} END",
        ]

    def fill_sql(self) -> str:
        table, pk = self.model._meta.db_table, self.model._meta.pk.column
        fts_columns = ", ".join(f'"{name}"' for name in self.column_names)
        values = ", ".join(f'{FUNCTION}("{column}")' for column in self.db_columns())
        return (
            f'INSERT INTO "{self.name}"(rowid, {fts_columns}) '  # noqa: S608  # nosec B608
            f'SELECT "{pk}", {values} FROM "{table}"'
        )

    def drop_sql(self) -> list[str]:
        return [
            *(f'DROP TRIGGER IF EXISTS "{trigger}"' for trigger in self.triggers()),
            f'DROP TABLE IF EXISTS "{self.name}"',
        ]


_models: dict[int, type] = {}


def model_of(source: SearchSource) -> type:
    """The model whose rows ``source`` lists (its queryset is lazy: no query)."""
    key = id(source)
    if key not in _models:
        _models[key] = source.queryset(AnonymousUser()).model
    return _models[key]


def tables() -> dict[type, FtsTable]:
    """Every searched table, with the fields the sources search in it (a
    field across a relation, ``topic__title``, in its own table)."""
    columns: dict[type, dict[str, str]] = {}
    for source in all_sources():
        model = model_of(source)
        for field in source.fields:
            target = related_model(model, field.relation)
            name = field.path.rpartition("__")[2]
            columns.setdefault(target, {}).setdefault(name, field.weight)
    return {model: FtsTable(model, tuple(found.items())) for model, found in columns.items()}


def table_for(model) -> FtsTable:
    return tables()[model]


def _schema_has(cursor, table: FtsTable) -> bool:
    """Whether the model's table and every searched column exist."""
    cursor.execute(f'PRAGMA table_info("{table.model._meta.db_table}")')
    present = {row[1] for row in cursor.fetchall()}
    return {table.model._meta.pk.column, *table.db_columns()} <= present


def ensure(connection, *, rebuild: bool = False) -> list[str]:
    """Create the missing tables and triggers on SQLite, and fill each table
    that is new, changed, or whose triggers went missing (all if
    ``rebuild``). Returns the names of the tables filled."""
    if connection.vendor != "sqlite":
        return []
    filled = []
    wanted = {table.name: table for table in tables().values()}
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(
            f'CREATE TABLE IF NOT EXISTS "{META}" (name TEXT PRIMARY KEY, spec TEXT NOT NULL)'
        )
        cursor.execute(f'SELECT name, spec FROM "{META}"')  # noqa: S608  # nosec B608
        stored = dict(cursor.fetchall())
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        triggers = {row[0] for row in cursor.fetchall()}
        for name in set(stored) - set(wanted):
            # A table no source searches any more.
            for sql in (
                *(
                    f'DROP TRIGGER IF EXISTS "{name}_{event}"'
                    for event in ("insert", "update", "delete")
                ),
                f'DROP TABLE IF EXISTS "{name}"',
            ):
                cursor.execute(sql)
            cursor.execute(f'DELETE FROM "{META}" WHERE name = %s', [name])  # noqa: S608  # nosec B608
        for name, table in wanted.items():
            complete = set(table.triggers()) <= triggers
            if not rebuild and stored.get(name) == table.spec and complete:
                continue
            if not _schema_has(cursor, table):
                # A partial migrate: the table or a field is not there yet.
                continue
            for sql in (*table.drop_sql(), *table.create_sql(), table.fill_sql()):
                cursor.execute(sql)
            cursor.execute(
                f'INSERT OR REPLACE INTO "{META}" (name, spec) VALUES (%s, %s)',  # noqa: S608  # nosec B608
                [name, table.spec],
            )
            filled.append(name)
    return filled


def after_migrate(sender, using="default", **kwargs) -> None:
    """``post_migrate``: the index follows the tables and the sources."""
    from django.db import connections

    ensure(connections[using])
