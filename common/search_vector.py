"""The PostgreSQL text search vector of a set of fields: for the site search
(search.indexes, search.backends) and for the models that keep it in a
stored column (``StoredSearchVectorField``). On the lowest floor so that
any app's models can declare such a column.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import reduce

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db.models import F, Func, TextField, Value

# Created by search/migrations/0001: French stemming, accents ignored.
CONFIG = "french_unaccent"


@dataclass(frozen=True)
class Field:
    """A searched text field. ``path`` may cross a relation (``topic__title``)."""

    path: str
    weight: str = "C"
    # File names: dots, dashes and underscores read as spaces, so that
    # "compte-rendu_juin.pdf" is found by "juin" (PostgreSQL's parser reads
    # "juin.pdf" as one host name).
    file_name: bool = False

    @property
    def relation(self) -> str:
        """The relation the field is reached through ("" on the model's own table)."""
        return self.path.rpartition("__")[0]

    def relative_to(self, relation: str) -> Field:
        return Field(self.path.removeprefix(f"{relation}__"), self.weight, self.file_name)


def text_of(field: Field):
    """The expression whose text is searched."""
    expression = F(field.path)
    if field.file_name:
        expression = Func(
            expression,
            Value("._-"),
            Value("   "),
            function="translate",
            output_field=TextField(),
        )
    return expression


def search_vector(fields: tuple[Field, ...]) -> SearchVector:
    """``setweight(to_tsvector('french_unaccent', coalesce(f, '')), w) || …``"""
    return reduce(
        operator.add,
        [SearchVector(text_of(field), weight=field.weight, config=CONFIG) for field in fields],
    )


class StoredSearchVectorField(SearchVectorField):
    """A ``tsvector`` column that PostgreSQL keeps equal to the vector of the
    model's own fields, given as ``"path:weight"`` (``"body:C"``): a trigger,
    made by the migration that adds the column (``create_vector_trigger``),
    computes it on every insert and on every update that writes one of those
    fields (a full ``save()`` does), whatever the ORM writes in the column.
    NULL on SQLite, whose search reads its own FTS5 tables (``search.fts``).

    Not a ``GeneratedField``: its system checks ask the database server for
    its version, and ``check --deploy`` must run without one.
    """

    def __init__(self, *args, specs: tuple[str, ...] = (), **kwargs):
        self.specs = tuple(specs)
        kwargs.setdefault("null", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["specs"] = self.specs
        kwargs.pop("null", None)
        kwargs.pop("editable", None)
        return name, path, args, kwargs


def _trigger_name(table: str) -> str:
    return f"{table}_search_vector"


def _column_vector(model, fields: tuple[Field, ...]) -> str:
    """The trigger's expression: ``search_vector`` of ``fields`` over NEW's columns."""
    parts = []
    for field in fields:
        column = f'NEW."{model._meta.get_field(field.path).column}"'
        text = f"translate({column}, '._-', '   ')" if field.file_name else column
        parts.append(
            f"setweight(to_tsvector('{CONFIG}', coalesce({text}::text, '')), '{field.weight}')"
        )
    return " || ".join(parts)


def create_vector_trigger(schema_editor, model, index_name: str) -> None:
    """On PostgreSQL: the trigger that keeps ``model.search_vector``, the
    vectors of the rows already there, and the column's GIN index (built
    without locking writes: call outside a transaction)."""
    table = model._meta.db_table
    fields = stored_fields(model._meta.get_field("search_vector").specs)
    name = _trigger_name(table)
    schema_editor.execute(
        f"""
        CREATE OR REPLACE FUNCTION "{name}"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW."search_vector" := {_column_vector(model, fields)};
            RETURN NEW;
        END $$
        """
    )
    # Only when a searched text may change: not when a council's last
    # activity is touched, nor a post's status.
    columns = [model._meta.get_field(field.path).column for field in fields]
    listed = ", ".join(f'"{column}"' for column in columns)
    schema_editor.execute(
        f'CREATE OR REPLACE TRIGGER "{name}" BEFORE INSERT OR UPDATE OF {listed} '
        f'ON "{table}" FOR EACH ROW EXECUTE FUNCTION "{name}"()'
    )
    # The vectors of the rows already there: an update of a text fires it.
    # (Names come from the models, never from input.)
    schema_editor.execute(
        f'UPDATE "{table}" SET "{columns[0]}" = "{columns[0]}"'  # noqa: S608  # nosec B608
    )
    schema_editor.execute(
        f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{index_name}" ON "{table}" '
        'USING gin ("search_vector")'
    )


def drop_vector_trigger(schema_editor, model, index_name: str) -> None:
    table = model._meta.db_table
    name = _trigger_name(table)
    schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{index_name}"')
    schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"')
    schema_editor.execute(f'DROP FUNCTION IF EXISTS "{name}"()')


def stored_fields(specs: tuple[str, ...]) -> tuple[Field, ...]:
    return tuple(Field(*spec.split(":")) for spec in specs)


def search_index(name: str, fields: tuple[Field, ...]) -> GinIndex:
    return GinIndex(search_vector(fields), name=name)


def add_search_index(schema_editor, model, name: str, fields: tuple[Field, ...]) -> None:
    """Create the GIN index without locking writes (call outside a transaction)."""
    schema_editor.execute(
        search_index(name, fields).create_sql(model, schema_editor, concurrently=True)
    )


def remove_search_index(schema_editor, model, name: str, fields: tuple[Field, ...]) -> None:
    schema_editor.execute(
        search_index(name, fields).remove_sql(model, schema_editor, concurrently=True)
    )


def store_search_vector(
    app_label: str, model_name: str, index_name: str, old_index: tuple[str, tuple[Field, ...]]
):
    """The operation that follows the ``AddField`` of a ``StoredSearchVectorField``:
    on PostgreSQL, the trigger, the vectors of the rows already there and the
    column's GIN index (``create_vector_trigger``), then the old expression
    index ``old_index`` (name, fields) dropped; backwards, the other way
    round. Nothing on SQLite. Its migration must not be atomic."""
    from django.db import migrations

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = apps.get_model(app_label, model_name)
        create_vector_trigger(schema_editor, model, index_name)
        remove_search_index(schema_editor, model, *old_index)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = apps.get_model(app_label, model_name)
        add_search_index(schema_editor, model, *old_index)
        drop_vector_trigger(schema_editor, model, index_name)

    return migrations.RunPython(forwards, backwards, elidable=False)
