"""Mail headers written byte for byte: the ``List-Unsubscribe`` pair of
RFC 2369 and RFC 8058, whose ``<https://…>`` value mail programs read as is.

Python's ``email`` package folds a header longer than a line into RFC 2047
encoded words, and a signed unsubscribe link always is; mail programs then
show no unsubscribe button. These headers are printable ASCII on one line, so
they need neither folding nor encoding (RFC 5322 allows 998 characters).
"""

from __future__ import annotations

from collections.abc import Mapping

VERBATIM_HEADERS = frozenset({"list-unsubscribe", "list-unsubscribe-post"})
_LONGEST_LINE = 998


class VerbatimHeader(str):
    """A header value that ``email`` writes unchanged, on one line.

    Being a ``str`` with a ``name``, ``email.policy.EmailPolicy`` stores it as
    a ready-made header and asks it to ``fold`` itself."""

    name: str

    def __new__(cls, name: str, value: str) -> VerbatimHeader:
        value = str(value)
        if (
            not value.isascii()
            or not value.isprintable()
            or len(name) + 2 + len(value) > _LONGEST_LINE
        ):
            raise ValueError(f"The {name} header must be printable ASCII on one line.")
        header = super().__new__(cls, value)
        header.name = name
        return header

    def __getnewargs__(self) -> tuple[str, str]:  # copied and pickled whole
        return self.name, str(self)

    @property
    def defects(self) -> tuple:
        return ()

    def fold(self, *, policy) -> str:
        return f"{self.name}: {self}{policy.linesep}"


def verbatim_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """``headers`` with those that must stay verbatim made so; again after the
    message was turned into JSON (a Celery payload), which keeps only ``str``."""
    return {
        name: VerbatimHeader(name, value) if name.lower() in VERBATIM_HEADERS else value
        for name, value in headers.items()
    }
