"""Pathological markdown, by family: text that made some markdown parser take
time growing faster than its length.

Most families come from CommonMark's own list (commonmark-spec,
``test/pathological_tests.py``, and cmark-gfm's tables and autolinks); the
others are the shapes this site met (Python-Markdown/markdown#798: runs of
``[``) and the syntax our renderer adds (tables, bare addresses turned into
links, line breaks). Each family builds a text of about ``n`` characters.

Shared by ``tests/common/test_markdown_pathological.py`` (the output keeps
its shape) and ``bench/markdown.py`` (render time against length); it knows
no renderer.
"""

from __future__ import annotations

from collections.abc import Callable


def _repeat(unit: str) -> Callable[[int], str]:
    return lambda n: unit * max(1, n // len(unit))


def _around(opener: str, middle: str, closer: str) -> Callable[[int], str]:
    """``opener`` k times, ``middle``, ``closer`` k times: nesting k deep."""

    def build(n: int) -> str:
        k = max(1, (n - len(middle)) // (len(opener) + len(closer)))
        return opener * k + middle + closer * k

    return build


def _prefixed(prefix: str, unit: str) -> Callable[[int], str]:
    return lambda n: prefix + unit * max(1, (n - len(prefix)) // len(unit))


def _lines(line: Callable[[int], str]) -> Callable[[int], str]:
    """Lines ``line(0)``, ``line(1)``… until the text is ``n`` characters long."""

    def build(n: int) -> str:
        pieces, length, index = [], 0, 0
        while length < n:
            piece = line(index)
            pieces.append(piece)
            length += len(piece)
            index += 1
        return "".join(pieces)

    return build


def _backticks(n: int) -> str:
    """``e`` followed by 1, 2, 3… backticks: no two runs of the same length
    close each other (CommonMark's "backticks")."""
    return _lines(lambda x: "e" + "`" * (x + 1))(n)


def _nested_list(n: int) -> str:
    """Each item one level deeper than the one before: 2 more spaces a line."""

    def build(depth: int) -> str:
        return "".join("  " * x + "* a\n" for x in range(depth))

    depth = 1
    while len(build(depth + 1)) <= n:
        depth += 1
    return build(depth)


def _table(n: int) -> str:
    head = "| a | b | c |\n| --- | :-: | --: |\n"
    row = "| x | *y* | `z` |\n"
    return head + row * max(1, (n - len(head)) // len(row))


def _wide_table(n: int) -> str:
    """Two header lines and one row of k columns each (cmark-gfm)."""
    k = max(1, n // 6)
    return "|a" * k + "|\n" + "|-" * k + "|\n" + "|b" * k + "|\n"


def _many_references(n: int) -> str:
    """Definitions ``[1]: /u1`` … then as many uses (CommonMark's "many
    references"): at most 25 characters each, so ``n // 25`` of them."""
    count = max(1, n // 25)
    definitions = "".join(f"[{i}]: /u{i}\n" for i in range(count))
    uses = "".join(f"[{i}] " for i in range(count))
    return definitions + "\n" + uses


# Name → builder. The names are the benchmark's rows and the tests' ids.
FAMILIES: dict[str, Callable[[int], str]] = {
    # Brackets and links.
    "nested brackets": _around("[", "a", "]"),
    "unclosed brackets": _repeat("["),
    "brackets and backticks": _repeat("[`"),
    "backticks and brackets": _repeat("`["),
    "many link closers with no openers": _repeat("a]"),
    "many link openers with no closers": _repeat("[a"),
    "unclosed links A": _repeat("[a](<b"),
    "unclosed links B": _repeat("[a](b"),
    "pattern [ (]( repeated": _repeat("[ (]("),
    "pattern ![[]() repeated": _repeat("![[]()"),
    "links": _repeat("[lien](https://a.test/p) "),
    "refused links": _repeat("[x](javascript:alert(1)) "),
    # Accepted by the parser, refused by nh3: the links lose their <a> after.
    "addresses nh3 refuses": _repeat("[x](http://a%20b/) "),
    "links in links": _around("[a ", "b", "](/u)"),
    "many references": _many_references,
    # Images.
    "images": _repeat("![plan](https://a.test/p.png) "),
    "images without description": _repeat("![](/p.png) "),
    "nested images": _around("![", "a", "](/i.png)"),
    "unclosed images": _repeat("![a]("),
    # Emphasis.
    "nested strong emph": _around("*a **a ", "b", " a** a*"),
    "many emph closers with no openers": _repeat("a_ "),
    "many emph openers with no closers": _repeat("_a "),
    "mismatched openers and closers": _repeat("*a_ "),
    "openers and closers multiple of 3": _prefixed("a**b", "c* "),
    "link openers and emph closers": _repeat("[ a_"),
    "mixed delimiters": _repeat("*_[`(**__)]<~"),
    "emphasis": _repeat("**gras** et *italique* "),
    # Code.
    "backticks": _backticks,
    "unclosed code spans": _repeat("``a`"),
    "unclosed fences": _repeat("```\n"),
    # Blocks.
    "nested block quotes": _around("> ", "a", ""),
    "deeply nested lists": _nested_list,
    "nested list markers": _around("- ", "a", ""),
    "long list": _repeat("- a\n"),
    "headings": _repeat("# Titre\n"),
    "line breaks": _repeat("a\n"),
    # Tables.
    "tables": _table,
    "wide tables": _wide_table,
    "table lookalikes": _repeat("a|b\n-|\n"),
    # Raw HTML, which the site shows as text.
    "HTML blocks": _repeat("<div>\n"),
    "unclosed inline tags": _repeat("<a "),
    "links in HTML without an address": _repeat("<a title=x>y"),
    "HTML comments": _prefixed("</", "<!--"),
    "processing instructions": _repeat("<?"),
    "declarations": _repeat("<!A "),
    "CDATA": _repeat("<![CDATA["),
    # Entities and escapes.
    "entities": _repeat("&amp;&#x41;&#66;&eacute;"),
    "unclosed entities": _repeat("&#x"),
    "ampersands": _repeat("&"),
    "backslashes": _repeat("\\"),
    "U+0000": _repeat("a\x00"),
    # Bare addresses.
    "bare addresses": _repeat("https://a.test/ "),
    "address lookalikes": _repeat("http://"),
    "scheme lookalikes": _repeat("x://y "),
    "unknown schemes": _repeat("a://"),
    "dotted words": _repeat("a."),
    "www": _repeat("www."),
    "e-mail lookalikes": _repeat("a@b."),
}
