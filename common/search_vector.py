"""The PostgreSQL text search vector of a set of fields: for the site search
(search.indexes, search.backends) and for the models that keep it in a
stored column (``StoredSearchVector``). On the lowest floor so that any app's
models can declare such a column.
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


class StoredSearchVector(Func):
    """The expression of a generated ``search_vector`` column: the vector of
    the model's own fields, given as ``"path:weight"`` (``"body:C"``), on
    PostgreSQL; NULL on SQLite, whose simple search never reads it."""

    output_field = SearchVectorField()

    def __init__(self, *specs: str):
        self.specs = specs
        super().__init__(search_vector(stored_fields(specs)))

    def as_sql(self, compiler, connection, **extra_context):
        return "NULL", []

    def as_postgresql(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[0])


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
