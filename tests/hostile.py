"""The shared hostile lists: what people may type or upload to break out of a
page, and a scanner that says whether a page lets any of it through.

The markdown list extends the forum's own (tests/forums/factories.py) and the
upload list the checker's own (tests/common/test_uploads.py), so each app's
tests and the cross-site attack tests (tests/test_attacks.py) share one list.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from PIL import Image

from tests.common.test_uploads import HOSTILE_UPLOADS as CHECKER_UPLOADS
from tests.forums.factories import HOSTILE_INPUTS
from tests.images import png_bomb

# Markdown and raw HTML a writer may type. Each must come out inert: no script,
# no event handler, no javascript:/data: address, no frame, no style.
HOSTILE_MARKDOWN = [
    *HOSTILE_INPUTS,
    '<SCRIPT SRC="https://exemple.test/x.js"></SCRIPT>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script>alert(1)",
    "<img src=x onerror=alert(1)//",
    '<img src="javascript:alert(1)">',
    '![photo](https://exemple.test/x.png" onerror="alert(1))',
    '![photo](x "titre\\" onerror=\\"alert(1)")',
    "![photo](javascript:alert(1))",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">lien</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    "[x](&#x6A;avascript:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](vbscript:msgbox(1))",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    '<https://exemple.test/"onmouseover="alert(1)>',
    "<style>body { display: none }</style>",
    '<div style="width: expression(alert(1))">x</div>',
    '<p style="background: url(javascript:alert(1))">x</p>',
    '<object data="https://exemple.test/x.swf"></object><embed src="x.swf">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    "<![CDATA[<script>alert(1)</script>]]>",
    "<details open ontoggle=alert(1)>x</details>",
    "<input autofocus onfocus=alert(1)>",
    '<base href="https://exemple.test/">',
    '<meta http-equiv="refresh" content="0;url=https://exemple.test/">',
    '<link rel="stylesheet" href="https://exemple.test/x.css">',
    "</textarea><script>alert(1)</script>",
    "\"><script>alert(1)</script><p x='",
    "'\"><svg/onload=alert(1)>",
    "<table><tr><td onmouseover=alert(1)>x</td></tr></table>",
    "```\n</code></pre><script>alert(1)</script>\n```",
    "`<script>alert(1)</script>`",
    "    <script>alert(1)</script>",
    "<div><p><b><i><u>" * 40 + "non fermé <img src=x onerror=alert(1)>",
    "x" * 5_000 + ' <img src=x onerror="alert(1)">',
    "[" * 300 + "x](javascript:alert(1))",
]
# Plain text (bios, help requests, summaries) meets the same list: it must
# come out escaped.
HOSTILE_TEXT = HOSTILE_MARKDOWN

# What people (or robots) put in addresses: ?q=, ?page=, ?next=…
HOSTILE_QUERY_VALUES = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "https://exemple.test/",
    "//exemple.test/",
    "\x00",
    "\x00<script>",
    "²",
    "-1",
    "1e9",
    "99999999999999999999999999",
    "' OR 1=1 --",
    "%",
    "../../etc/passwd",
    "x" * 3_000,
]

# Control characters. Python's e-mail package refuses a header holding any
# line break str.splitlines knows: a name, a subject or a title carrying one
# made its e-mail impossible to build.
LINE_BREAKS_IN_HEADERS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
# What the forms take out of one-line fields and refuse in longer texts (but
# tab, carriage return and newline): C0, C1 and the Unicode separators.
CONTROL_CHARACTERS = (
    "\x00\x01\x07\x08\t\n\r\x0b\x0c\x1b\x1c\x1d\x1e\x1f\x7f\x80\x85\x9f\u2028\u2029"
)
# Typed in every field that reaches an e-mail (tests/test_attacks.py): a
# one-line field keeps "Jean Dupont", a longer text is refused.
HOSTILE_LINE_BREAKS = "Jean\x0bDupont\x0c\x1c\x85\u2028\u2029\x00"
CLEANED_LINE_BREAKS = "Jean Dupont"

# Pathological markdown: valid text whose rendering time grew with the square
# of its length in Python-Markdown (Python-Markdown/markdown#798); every
# family CommonMark knows is in tests/markdown_families.py.
SLOW_MARKDOWN = {"brackets": "[", "bracket_backtick": "[`", "backtick_bracket": "`["}


# Uploads. ``code`` is what the documents checker (common.uploads) answers;
# ``image_code`` what the picture checker (common.images) answers.


def _png_bytes(size=(32, 32)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n"
SCRIPT = b"<script>alert(document.cookie)</script>"


@dataclass(frozen=True)
class HostileFile:
    id: str
    name: str
    content: bytes
    code: str | None  # None: the documents checker accepts it (then stores it safely)
    image_code: str | None  # None: the picture checker accepts it (re-encoded)


HOSTILE_FILES = [
    # None of the checker's own list is a picture either.
    *(
        HostileFile(
            f"{code}-{name}", name, content, code, "empty" if code == "empty" else "not_an_image"
        )
        for name, content, code in CHECKER_UPLOADS
    ),
    HostileFile(
        "svg-named-png", "logo.png", b"<svg onload=alert(1)>" + SCRIPT, "markup", "not_an_image"
    ),
    HostileFile("html-named-jpg", "photo.jpg", b"<html>" + SCRIPT, "markup", "not_an_image"),
    # GIF header + JavaScript: a classic polyglot.
    HostileFile(
        "gif-js-polyglot",
        "anim.gif",
        b"GIF89a/*\x00\x00*/=1;alert(1);//",
        "damaged",
        "not_an_image",
    ),
    # A real PNG carrying HTML after its end: accepted, rebuilt from its pixels.
    HostileFile("png-html-polyglot", "image.png", _png_bytes() + SCRIPT, None, None),
    # A real PDF carrying HTML: a PDF, sent as an attachment with nosniff.
    HostileFile("pdf-html-polyglot", "page.html", PDF + SCRIPT, None, "not_an_image"),
    HostileFile(
        "exe-renamed-jpg",
        "vacances.jpg",
        b"MZ\x90\x00\x03" + b"\x00" * 300,
        "executable",
        "not_an_image",
    ),
    HostileFile(
        "decompression-bomb", "bombe.png", png_bomb().read(), "too_many_pixels", "too_many_pixels"
    ),
    HostileFile("path-traversal", "../../etc/passwd.pdf", PDF, None, "not_an_image"),
    HostileFile(
        "path-traversal-windows", "..\\..\\windows\\win.ini.pdf", PDF, None, "not_an_image"
    ),
    HostileFile(
        "control-characters", "compte\x07rendu\u202egpj.exe.pdf", PDF, None, "not_an_image"
    ),
    HostileFile("image-traversal", "../../../avatar.png", _png_bytes(), None, None),
]


class _Scanner(HTMLParser):
    """Reads a page as a browser's tokenizer would and notes each active part
    that did not come from the site itself."""

    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data"}
    # The site draws its own inline SVG (charts, icons): an <svg> is only
    # flagged for what could run in it (handlers, scripts, foreign content).
    FORBIDDEN_TAGS = {
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "base",
        "style",
        "foreignobject",
    }
    BAD_SCHEMES = ("javascript:", "vbscript:", "data:")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._check(tag, dict(attrs), attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, dict(attrs), attrs)

    def _check(self, tag, values, attrs):
        where = f"<{tag} {' '.join(f'{k}={v!r}' for k, v in attrs)}>"[:200]
        if tag == "script":
            if not (values.get("src") or "").startswith("/static/"):
                self.problems.append(f"script not from /static/: {where}")
            self._in_script = True
        if tag in self.FORBIDDEN_TAGS:
            self.problems.append(f"forbidden element: {where}")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.problems.append(f"refresh: {where}")
        if tag == "link" and not (values.get("href") or "").startswith("/"):
            self.problems.append(f"link to elsewhere: {where}")
        if tag == "form" and re.match(r"\s*(https?:)?//", values.get("action") or ""):
            self.problems.append(f"form sent elsewhere: {where}")
        if values.get("target") == "_blank" and "noopener" not in (values.get("rel") or ""):
            self.problems.append(f"new tab without noopener: {where}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}: {where}")
            if name == "style":
                self.problems.append(f"style attribute: {where}")
            if name in self.URL_ATTRIBUTES and value:
                address = re.sub(r"[\x00-\x20\x7f]", "", value).lower()
                if address.startswith(self.BAD_SCHEMES):
                    self.problems.append(f"{address.split(':')[0]}: address: {where}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append(f"inline script: {data[:80]!r}")


def active_content(html: str) -> list[str]:
    """What in ``html`` could run or restyle the page: empty when inert."""
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.problems


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(self.get_starttag_text() or "")

    handle_startendtag = handle_starttag


def markup_of(html: str) -> str:
    """The tags of ``html`` as written, without its text: markup typed by a
    writer is shown as text (``&lt;img onerror=…&gt;``), which is harmless;
    only a tag can carry a handler, a style or an address."""
    parser = _Markup()
    parser.feed(html)
    parser.close()
    return "".join(parser.tags)


def tampered(secret: str) -> str:
    """``secret`` (a signed token, a key) with its last character changed:
    never the same string, whatever that character was."""
    return secret[:-1] + ("A" if secret[-1] != "A" else "B")
