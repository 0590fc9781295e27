"""Text helpers of the search: folding accents, splitting a query into words,
and turning a snippet into safe HTML with ``<mark>``.

Snippets are user text. Whatever produced them (``ts_headline`` or the
Python snippet below), they are escaped whole here, and only the sentinel
characters placed around matches become ``<mark>``.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
# Private-use characters around matches; a stray one in user text cannot
# open an unbalanced <mark> (see ``marked``).
START = "\ue000"
STOP = "\ue001"

_WORD = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")
# The few letters NFKD leaves whole.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})


def fold(text: str) -> str:
    """Lower case, without accents: "Réunion" → "reunion"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def words(query: str) -> list[str]:
    """The folded words of ``query`` the simple match looks for (at most 8,
    single letters such as the "l" of "l'école" left out)."""
    found = [word for word in _WORD.findall(fold(query)) if len(word) > 1]
    return list(dict.fromkeys(found))[:MAX_WORDS]


def marked(text: str) -> SafeString:
    """``text`` escaped, its START/STOP pairs turned into ``<mark>``…``</mark>``.

    Markers are paired in order: a STOP without START is dropped, an open
    START is closed at the end, so the HTML is always well formed.
    """
    parts = []
    open_mark = False
    for piece in re.split(f"([{START}{STOP}])", text):
        if piece == START:
            if not open_mark:
                parts.append("<mark>")
                open_mark = True
        elif piece == STOP:
            if open_mark:
                parts.append("</mark>")
                open_mark = False
        else:
            parts.append(escape(piece))
    if open_mark:
        parts.append("</mark>")
    return mark_safe("".join(parts))  # noqa: S308 (every piece escaped above)  # nosec B308 B703


def _folded_with_offsets(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` and, for each folded character, its index in ``text``."""
    folded, offsets = [], []
    for index, char in enumerate(text):
        for folded_char in fold(char):
            folded.append(folded_char)
            offsets.append(index)
    return "".join(folded), offsets


def _match_spans(text: str, query_words: list[str]) -> list[tuple[int, int]]:
    """Where the words occur in ``text`` (accents and case ignored), merged."""
    if not text or not query_words:
        return []
    folded, offsets = _folded_with_offsets(text)
    pattern = re.compile("|".join(re.escape(word) for word in query_words))
    spans: list[tuple[int, int]] = []
    for match in pattern.finditer(folded):
        start, end = offsets[match.start()], offsets[match.end() - 1] + 1
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


def _with_sentinels(text: str, spans: list[tuple[int, int]]) -> str:
    clean = text.replace(START, "").replace(STOP, "")
    if clean != text:
        # Rare: user text with our private-use characters; mark nothing.
        return clean
    pieces, cursor = [], 0
    for start, end in spans:
        pieces += [text[cursor:start], START, text[start:end], STOP]
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def highlight(text: str, query_words: list[str]) -> SafeString:
    """All of ``text`` (a title), escaped, with the words marked."""
    return marked(_with_sentinels(text, _match_spans(text, query_words)))


# Markdown's marks, read as plain text in a snippet: links keep their text,
# emphasis, code and heading/quote marks go.
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_MARKS = re.compile(
    r"(\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)|`+|^\s*(#{1,6}|>|[-+*])\s+)", re.M
)


def without_markdown(text: str) -> str:
    """``"**16-25 ans** au [city-stade](https://…)"`` → ``"16-25 ans au city-stade"``."""
    return _MARKDOWN_MARKS.sub("", _MARKDOWN_LINK.sub(r"\1", text))


def snippet(text: str, query_words: list[str], *, width: int = 220) -> SafeString:
    """About ``width`` characters of ``text`` around the first match, escaped,
    with the words marked; the beginning of ``text`` when nothing matches."""
    text = _SPACES.sub(" ", without_markdown(text or "")).strip()
    if not text:
        return SafeString()
    spans = _match_spans(text, query_words)
    first = spans[0][0] if spans else 0
    start = max(0, first - width // 3)
    if start:
        # Start on a word boundary.
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > first else end
    window = text[start:end]
    shifted = [
        (max(a, start) - start, min(b, end) - start) for a, b in spans if a < end and b > start
    ]
    body = marked(_with_sentinels(window, shifted))
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(f"{prefix}{body}{suffix}")  # noqa: S308 (body is escaped)  # nosec B308 B703
