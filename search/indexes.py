"""The PostgreSQL text search vector of a set of fields, for the queries and
for their GIN indexes alike: the planner uses an expression index only when
the query repeats its expression exactly, so both are built here.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import reduce

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
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
