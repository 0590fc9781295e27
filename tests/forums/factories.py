"""Forum content made through the services. Messages carry hostile markup by
default, so every page that shows them is tested against injection; titles
carry line breaks, so every e-mail about them is built from one."""

from __future__ import annotations

import itertools

from forums import services
from forums.models import Forum, Post, Topic
from tests.accounts.factories import LINE_BREAKS, XSS

_numbers = itertools.count(1)

# Markup a post must never carry through to a page.
HOSTILE_INPUTS = [
    '<script>alert("x")</script>',
    '<img src="x" onerror="alert(1)">',
    "[clic](javascript:alert(1))",
    "[clic](JaVaScRiPt:alert(1))",
    "[clic](java&#x09;script:alert(1))",
    "![image](data:image/png;base64,iVBORw0KGgo=)",
    "[lien](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<svg onload="alert(1)"><circle r="10"/></svg>',
    '<iframe src="https://exemple.test"></iframe>',
    '<a href="https://exemple.test" style="position:fixed;top:0">lien</a>',
    "[[intérieur](https://a.test)](https://b.test)",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "\u202eexe.txt \u200b<scr\u200bipt>alert(1)</script>",
    '<div onclick="alert(1)">clic</div>',
    '<form action="https://exemple.test"><input name="x"></form>',
    '<a href="https://exemple.test" target="_blank">nouvel onglet</a>',
]
DANGEROUS_OUTPUT = [
    "<script",
    "onerror",
    "onload",
    "onclick",
    "javascript:",
    "data:",
    "<iframe",
    "<svg",
    "style=",
    "<form",
    "<input",
    'target="_blank"',
]


def national_forum(audience: str = Forum.Audience.EVERYONE, **kwargs) -> Forum:
    return services.national_forum_create(
        system=True, name=kwargs.pop("name", f"Forum {next(_numbers)}"), audience=audience, **kwargs
    )


def topic_in(forum: Forum, author, *, title: str | None = None, body: str | None = None) -> Topic:
    number = next(_numbers)
    return services.topic_create(
        author=author,
        forum=forum,
        title=title or f"Sujet {number}{LINE_BREAKS}{XSS}",
        # Each topic opens with another of the hostile inputs.
        body=body or f"Premier message {number} {HOSTILE_INPUTS[number % len(HOSTILE_INPUTS)]}",
    )


def reply_in(topic: Topic, author, body: str | None = None) -> Post:
    return services.post_reply(
        author=author, topic=topic, body=body or f"Réponse {next(_numbers)} {XSS}"
    )
