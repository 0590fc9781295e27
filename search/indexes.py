"""The PostgreSQL text search vector of a set of fields, for the queries and
for their GIN indexes alike: the planner uses an expression index only when
the query repeats its expression exactly, so both are built here.

The long texts (forum posts, page revisions) keep their vector in a stored
column (``search_vector``, kept by a trigger: ``StoredSearchVectorField``), so
that neither the match on a common word nor the ranking parses their text
again; ``vector_for`` reads that column wherever a table has it.
"""

from __future__ import annotations

from functools import reduce

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import FieldDoesNotExist
from django.db.models import F
from django.db.models.expressions import CombinedExpression

from common.search_vector import (
    CONFIG,
    Field,
    StoredSearchVectorField,
    add_search_index,
    remove_search_index,
    search_index,
    search_vector,
    stored_fields,
    text_of,
)

__all__ = [
    "CONFIG",
    "Field",
    "add_search_index",
    "related_model",
    "remove_search_index",
    "search_index",
    "search_vector",
    "stored_fields_of",
    "text_of",
    "vector_for",
]


def stored_fields_of(model) -> tuple[Field, ...] | None:
    """The fields whose vector ``model`` stores in its ``search_vector``
    column, if it has one (``StoredSearchVectorField``)."""
    try:
        column = model._meta.get_field("search_vector")
    except FieldDoesNotExist:
        return None
    return stored_fields(column.specs) if isinstance(column, StoredSearchVectorField) else None


def related_model(model, relation: str):
    """The model reached from ``model`` through ``relation`` ("" for itself)."""
    for name in filter(None, relation.split("__")):
        model = model._meta.get_field(name).related_model
    return model


def vector_for(model, fields: tuple[Field, ...]):
    """The vector of ``fields`` (which may cross relations) as seen from
    ``model``: each table's stored column where it has one, the vector
    computed from the text elsewhere."""
    groups: dict[str, list[Field]] = {}
    for field in fields:
        groups.setdefault(field.relation, []).append(field)
    parts = []
    for relation, group in groups.items():
        own = tuple(field.relative_to(relation) if relation else field for field in group)
        if stored_fields_of(related_model(model, relation)) == own:
            parts.append(F(f"{relation}__search_vector" if relation else "search_vector"))
        else:
            parts.append(search_vector(tuple(group)))
    return reduce(
        lambda left, right: CombinedExpression(left, "||", right, output_field=SearchVectorField()),
        parts,
    )
