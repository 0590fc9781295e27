"""Control characters in what people type: taken out of one-line texts,
found in longer ones (which the forms refuse).

C0 (U+0000–U+001F) and C1 (U+007F–U+009F) control characters and the Unicode
line and paragraph separators (U+2028, U+2029) are invisible on a page, and
Python's e-mail package refuses a header that holds any of the line breaks
among them (``\\x0b``, ``\\x0c``, ``\\x1c``–``\\x1e``, ``\\x85``, U+2028, U+2029).
PostgreSQL refuses NUL in text.
"""

from __future__ import annotations

import re

CONTROL_CHARACTERS = "\x00-\x1f\x7f-\x9f\u2028\u2029"

# A run of control characters with the spaces around it. In one-line text
# they almost always stood for a line break (Word's Shift+Enter is a vertical
# tab, Apple's copy a line separator, "\x85" a next-line): a space keeps the
# words apart, where deleting them would glue "Jean" to "Dupont".
# Runs of spaces and control characters are matched whole (linear): a pattern
# starting with " *" was tried again from every space of a long run of them,
# and 40,000 spaces took 6 s.
_RUN = re.compile(f"[ {CONTROL_CHARACTERS}]+")
_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")
# In a longer text, tab, carriage return and newline are the writer's own.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]+")


def one_line(value: str) -> str:
    """``value`` on one line: each run of control or separator characters,
    with the spaces around it, becomes one space. The ends are left to the
    caller (a form field strips them)."""
    if _CONTROL.search(value) is None:
        return value
    return _RUN.sub(lambda run: " " if _CONTROL.search(run.group()) else run.group(), value)


def first_invisible(value: str) -> int | None:
    """Where the first character a longer text may not hold is (tab,
    carriage return and newline are allowed), or None."""
    found = _INVISIBLE.search(value)
    return None if found is None else found.start()


def without_invisible(value: str) -> str:
    """A longer text from a caller with no form to refuse it (a service, a
    command): each run of the characters it may not hold becomes a space;
    tabs and line breaks stay."""
    return _INVISIBLE.sub(" ", value)
