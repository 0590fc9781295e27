"""A forum topic of 2,000 posts, read anonymously, by a member and by a
council member, and the other public pages a visitor reads (the forum, the
forums' index, an article, the home page), each against a bare Django view
returning the same bytes.

Seeds (idempotently) a national forum open to everyone and a council's forum,
each with one topic of ``--posts`` posts (20 a page) by 30 authors, with
reactions, into a PostgreSQL database whose name contains "bench". Then it
calls Django's WSGI handler in a loop, in process, with the browser's
cookies (session and CSRF), for each page and for a bare view that returns
that page's bytes through the same middleware, one request of each in turn,
and prints the requests per second, the median, and the page's share of the
bare view's requests per second. The machine is shared: the median CPU time
of the process per request, and the share it gives, vary less than the
wall-clock figures when other processes compete for the CPUs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/topic_bench \\
        .venv/bin/python bench/topic_page.py [--posts 2000] [--requests 300] \\
        [--redis redis://127.0.0.1:6379/15] [--profile LABEL]

See bench/README.md.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

from councils_pages import (
    HOST,
    check_database,
    code_version,
    configure_environment,
    counting_full_collections,
    create_database,
    progress,
)

AUTHORS = 30
DOMAIN = "topic-bench.conseils.test"
PUBLIC_FORUM = "Banc d'essai : forum public"
COUNCIL_NAME = "Conseil citoyen du banc d'essai"
TOPIC_TITLE = "Banc d'essai : la fête des voisins"
ARTICLE_TITLE = "Banc d'essai : une actualité nationale"
BARE_PATH = "/__bench_bare__/"
PAGE_CACHE = "common.page_cache.AnonymousPageCacheMiddleware"
BODIES = (
    "Qui peut venir préparer la **fête des voisins** samedi ? Il faut des tables, des "
    "chaises et des rallonges.\n\nJe propose qu'on se retrouve à 9 h.",
    "Je peux apporter deux tables et des chaises, et mon voisin a une sono.\n\n"
    "- deux tables\n- six chaises\n- une rallonge de 10 m",
    "> Je peux apporter deux tables\n\nParfait. Rendez-vous à 10 h devant la maison de "
    "quartier pour tout installer. Voir [le plan](https://example.org/plan).",
    "Merci à tous ! Le compte rendu de la réunion de mars est en ligne, avec les "
    "décisions sur le *jardin partagé* et la rénovation de l'aire de jeux.",
)
KINDS = ("thanks", "agree", "idea")


# Seeding.


def seed_people():
    """30 verified authors (half with a published profile, some with an
    avatar), a member who reads, and a council member who reads."""
    from allauth.account.models import EmailAddress
    from django.utils import timezone

    from accounts.models import User

    people = []
    for number in range(AUTHORS + 2):
        email = f"reader-{number:02d}@{DOMAIN}"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(
                email=email,
                display_name=f"Personne {number:02d}",
                publish_profile=number % 2 == 0,
                publish_avatar=number % 3 == 0,
                avatar=f"avatars/bench-{number:02d}.webp" if number % 3 == 0 else "",
                # Not new accounts: no pace between their topics.
                date_joined=timezone.now() - timedelta(days=400),
            )
            user.set_unusable_password()
            user.save()
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        people.append(user)
    return people[:AUTHORS], people[AUTHORS], people[AUTHORS + 1]


def seed_forums(authors, council_reader):
    from councils import services as council_services
    from councils.models import Council, Department, Membership
    from forums import services as forum_services
    from forums.models import Forum

    forum = Forum.objects.filter(name=PUBLIC_FORUM).first()
    if forum is None:
        forum = forum_services.national_forum_create(
            system=True, name=PUBLIC_FORUM, audience=Forum.Audience.EVERYONE
        )
    council = Council.objects.filter(name=COUNCIL_NAME).first()
    if council is None:
        council = council_services.council_create(
            system=True,
            name=COUNCIL_NAME,
            department=Department.objects.order_by("code").first(),
            town="Bancville",
        )
    members = set(council.memberships.values_list("user_id", flat=True))
    for position, user in enumerate([*authors, council_reader]):
        if user.pk not in members:
            council_services.membership_grant(
                system=True,
                council=council,
                user=user,
                role=Membership.Role.COORDINATOR if position == 0 else Membership.Role.MEMBER,
            )
    return forum, Forum.objects.get(council=council)


def seed_topic(forum, authors, count: int):
    """One topic of ``count`` posts: the first through the service, the rest
    with ``bulk_create`` (their text rendered once per distinct body)."""
    from django.db import transaction
    from django.utils import timezone

    from common.markdown import render_markdown
    from forums import services
    from forums.models import Post, Reaction, Topic

    topic = Topic.objects.filter(forum=forum, title=TOPIC_TITLE).first()
    if topic is not None and topic.posts.count() >= count:
        return topic
    if topic is None:
        topic = services.topic_create(
            author=authors[0], forum=forum, title=TOPIC_TITLE, body=BODIES[0]
        )
    rendered = [render_markdown(body) for body in BODIES]
    start = timezone.now() - timedelta(days=30)
    existing = topic.posts.count()
    posts = [
        Post(
            topic=topic,
            author=authors[index % len(authors)],
            body=BODIES[index % len(BODIES)],
            body_html=rendered[index % len(BODIES)],
            created_at=start + timedelta(minutes=index),
            edited_at=start + timedelta(minutes=index + 5) if index % 17 == 0 else None,
        )
        for index in range(existing, count)
    ]
    with transaction.atomic():
        created = Post.objects.bulk_create(posts, batch_size=1_000)
        reactions = [
            Reaction(post=post, user=authors[(index + offset + 1) % len(authors)], kind=kind)
            for index, post in enumerate(created)
            if index % 3 == 0
            for offset, kind in enumerate(KINDS[: 1 + index % 3])
        ]
        Reaction.objects.bulk_create(reactions, batch_size=1_000)
        total = topic.posts.count()
        Topic.objects.filter(pk=topic.pk).update(
            post_count=total, last_post_at=created[-1].created_at if created else start
        )
    progress(f"  {forum.name}: {len(created):,} posts added")
    topic.refresh_from_db()
    return topic


def seed_article(author):
    """One published national article, written directly (no notification)."""
    from django.utils import timezone

    from common.markdown import render_markdown
    from news.models import Article

    article = Article.objects.filter(title=ARTICLE_TITLE).first()
    if article is None:
        body = "\n\n".join(BODIES)
        article = Article.objects.create(
            title=ARTICLE_TITLE,
            summary="Ce que le banc d'essai mesure.",
            body=body,
            body_html=render_markdown(body),
            author=author,
            published_at=timezone.now() - timedelta(days=1),
            notified_at=timezone.now() - timedelta(days=1),
        )
    return article


# Measuring.


class Browser:
    """Django's WSGI handler called in a loop, with a browser's cookies."""

    def __init__(self, user=None, *, page_cache: bool = True):
        from django.conf import settings
        from django.core.handlers.wsgi import WSGIHandler
        from django.test import Client

        if page_cache:
            self.handler = WSGIHandler()
        else:
            # The same site without the anonymous page cache: what it costs
            # to render each page, in the same run.
            middleware = settings.MIDDLEWARE
            settings.MIDDLEWARE = [name for name in middleware if name != PAGE_CACHE]
            try:
                self.handler = WSGIHandler()
            finally:
                settings.MIDDLEWARE = middleware
        client = Client(HTTP_HOST=HOST)
        if user is not None:
            client.force_login(user)
        client.get("/")  # the CSRF cookie, as a browser would have it
        self.cookie = "; ".join(f"{key}={morsel.value}" for key, morsel in client.cookies.items())

    def get(self, path: str) -> bytes:
        path, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SCRIPT_NAME": "",
            "SERVER_NAME": HOST,
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": HOST,
            "HTTP_COOKIE": self.cookie,
            "HTTP_ACCEPT_LANGUAGE": "fr",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        statuses = []
        response = self.handler(environ, lambda status, headers, *_: statuses.append(status))
        try:
            body = b"".join(response)
        finally:
            response.close()
        if not statuses[0].startswith("200"):
            raise RuntimeError(f"{path}?{query} answered {statuses[0]}, not 200")
        return body


@dataclass
class Result:
    label: str
    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)
    total: float = 0.0
    html_bytes: int = 0
    full_collections: list[float] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return len(self.seconds) / self.total

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def cpu_median_ms(self) -> float:
        return statistics.median(self.cpu_seconds) * 1000


def measure(browser: Browser, label: str, path: str, requests: int, warmup: int):
    """The page and the bare view in turn, request after request, so that both
    meet the same load from other processes; the bare view returns the bytes
    the page returned."""
    BARE_BODY["content"] = browser.get(path)
    for _ in range(warmup):
        browser.get(path)
        browser.get(BARE_PATH)
    page, bare = Result(label), Result("bare")
    with counting_full_collections() as full_collections:
        for _ in range(requests):
            for result, target in ((page, path), (bare, BARE_PATH)):
                start, cpu_start = time.perf_counter(), time.process_time()
                body = browser.get(target)
                result.seconds.append(time.perf_counter() - start)
                result.cpu_seconds.append(time.process_time() - cpu_start)
    for result in (page, bare):
        result.total = sum(result.seconds)
    page.html_bytes = len(body)
    page.full_collections = full_collections
    return page, bare


BARE_BODY = {"content": b""}


def bare_view(request):
    """The ceiling: the same bytes, through the same middleware, no work."""
    from django.http import HttpResponse

    return HttpResponse(BARE_BODY["content"])


def install_bare_view() -> None:
    from django.conf import settings
    from django.urls import clear_url_caches, include, path

    module = type(sys)("topic_bench_urls")
    module.urlpatterns = [
        path(BARE_PATH.strip("/") + "/", bare_view),
        path("", include(settings.ROOT_URLCONF)),
    ]
    sys.modules["topic_bench_urls"] = module
    settings.ROOT_URLCONF = "topic_bench_urls"
    clear_url_caches()


def count_queries(browser: Browser, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    browser.get(path)  # a kept page is counted when served again
    with CaptureQueriesContext(connection) as captured:
        browser.get(path)
    return len(captured.captured_queries)


def profile(browser: Browser, path: str, requests: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        browser.get(path)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(
        os.environ.get("BENCH_SORT", "cumulative")
    ).print_stats(int(os.environ.get("BENCH_LINES", "45")))
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=2_000)
    parser.add_argument("--requests", type=int, default=300, help="measured, per page")
    parser.add_argument("--warmup", type=int, default=30, help="unmeasured, per page")
    parser.add_argument("--redis", default="", help="a Redis URL for the cache (default LocMem)")
    parser.add_argument("--profile", default="", help="print a profile of the page so labelled")
    parser.add_argument("--only", default="", help="measure only the rows whose label has this")
    args = parser.parse_args(argv)

    configure_environment()
    if args.redis:
        os.environ["REDIS_URL"] = args.redis
    import django

    django.setup()
    database = check_database()

    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    create_database(database)
    call_command("migrate", interactive=False, verbosity=0)
    authors, reader, council_reader = seed_people()
    public_forum, council_forum = seed_forums(authors, council_reader)
    public_topic = seed_topic(public_forum, authors, args.posts)
    council_topic = seed_topic(council_forum, authors, args.posts)
    article = seed_article(authors[0])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    if HOST not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]
    install_bare_view()
    cache.clear()

    last = (args.posts - 1) // 20 + 1
    anonymous, member, council_member = Browser(), Browser(reader), Browser(council_reader)
    rendering = Browser(page_cache=False)
    public, private = public_topic.get_absolute_url(), council_topic.get_absolute_url()
    anonymous_pages = [
        ("public topic, page 1", public),
        ("public topic, last page", f"{public}?page={last}"),
        ("the topic's forum", public_forum.get_absolute_url()),
        ("forums index", "/forums/"),
        ("national article", article.get_absolute_url()),
        ("home page", "/"),
    ]
    plan = [
        *(
            (f"anonymous, {name}{suffix}", browser, path)
            for name, path in anonymous_pages
            for suffix, browser in ((", no page cache", rendering), ("", anonymous))
        ),
        ("member, public topic, page 1", member, public),
        ("member, public topic, last page", member, f"{public}?page={last}"),
        ("council member, council topic, page 1", council_member, private),
        ("council member, council topic, last page", council_member, f"{private}?page={last}"),
    ]
    load_before = os.getloadavg()[0]
    rows = []
    for label, browser, path in plan:
        if args.only not in label:
            continue
        queries = count_queries(browser, path)
        page, bare = measure(browser, label, path, args.requests, args.warmup)
        rows.append((label, path, queries, page, bare))
        progress(
            f"  {label}: {page.median_ms:.1f} ms, {100 * page.per_second / bare.per_second:.1f} %"
        )
        if args.profile and args.profile in label:
            print(profile(browser, path, args.requests), file=sys.stderr)

    print(f"# Topic page, {date.today().isoformat()}, {code_version()}\n")
    print(
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"settings {os.environ['DJANGO_SETTINGS_MODULE']}, DEBUG={settings.DEBUG}, "
        f"cache {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}, "
        f"{os.cpu_count()} CPUs, load average {load_before:.2f} before measuring and "
        f"{os.getloadavg()[0]:.2f} after. A topic of {args.posts:,} posts, 20 a page; "
        f"{args.warmup} warm-up requests, then {args.requests} measured, per row.\n"
    )
    print(
        "| page | queries | median ms | median CPU ms | requests/s | bare view median ms "
        "| bare view requests/s | share of the bare view | share by CPU time | HTML KiB "
        "| full GCs |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label, _path, queries, page, bare in rows:
        print(
            f"| {label} | {queries} | {page.median_ms:.1f} | {page.cpu_median_ms:.1f} "
            f"| {page.per_second:.0f} | {bare.median_ms:.2f} | {bare.per_second:.0f} "
            f"| {100 * page.per_second / bare.per_second:.1f} % "
            f"| {100 * bare.cpu_median_ms / page.cpu_median_ms:.1f} % "
            f"| {page.html_bytes / 1024:.0f} "
            f"| {len(page.full_collections)} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
