"""Latency of the site search on PostgreSQL, over the scaled demo data set.

Runs ``seed_demo --scale N`` into a PostgreSQL database whose name contains
"bench", adds the text the demo does not scale (by default the design's
size: 1,000,000 forum posts and 100,000 pages written by SQL, 10,000
documents and 500 resources, of French sentences), then times
``search.services.site_search`` and the full ``/recherche/`` page for
common and rare French words, as an anonymous visitor and as a member of a
council, and prints Markdown tables.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/conseils_search_bench_1m \\
        .venv/bin/python bench/search.py [--scale 50] [--posts 1000000] [--pages 100000] [--runs 40]

See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import date

from councils_pages import (
    Step,
    check_database,
    code_version,
    configure_environment,
    create_database,
    progress,
    timed,
)

HOST = "127.0.0.1"
BATCH_SIZE = 5_000
POSTS_PER_TOPIC = 10
MEMBER_EMAIL = "membre-a@demo.conseils.test"
COMMON_WORDS = ["conseil", "quartier", "réunion"]
# Seeded a handful of times each (see RARE_SENTENCES).
RARE_WORDS = ["ornithorynque", "saxophone"]
RARE_SENTENCES = [
    "Un enfant a dessiné un ornithorynque sur la fresque du préau.",
    "Le voisin du troisième joue du saxophone le dimanche matin.",
]
RARE_EVERY = 10_007

SUBJECTS = [
    "Le conseil citoyen",
    "La réunion de quartier",
    "L'amicale des locataires",
    "Le bailleur",
    "La mairie",
    "Le centre social",
    "Notre groupe de travail",
    "Le collectif des parents",
    "La maison de quartier",
    "Le comité de pilotage",
]
VERBS = [
    "propose",
    "prépare",
    "a reporté",
    "organise",
    "demande",
    "a présenté",
    "souhaite discuter de",
    "veut améliorer",
    "a voté",
    "relance",
]
OBJECTS = [
    "l'éclairage de la rue des Lilas",
    "la propreté des halls d'immeuble",
    "un atelier d'aide aux devoirs",
    "la fête des voisins de juin",
    "le budget participatif",
    "les jardins partagés au pied des tours",
    "la sécurité aux abords de l'école",
    "le contrat de ville",
    "la navette vers le marché",
    "les horaires de la médiathèque",
    "la prochaine réunion publique",
    "un diagnostic en marchant dans le quartier",
]
ENDINGS = [
    "Qui peut venir mardi soir ?",
    "Le compte rendu sera envoyé aux membres.",
    "Merci à tous pour votre participation.",
    "Il faudra en reparler au prochain conseil.",
    "Les habitants du quartier sont invités.",
    "Rendez-vous à 18 h à la salle polyvalente.",
    "",
]
TITLES = [
    "Compte rendu de la réunion du {n}",
    "Idées pour le quartier ({n})",
    "Question au bailleur n° {n}",
    "Préparation du conseil citoyen {n}",
    "Fête des voisins, édition {n}",
    "Atelier budget participatif {n}",
]


def sentence(rng: random.Random, index: int) -> str:
    parts = [
        f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}.",
        f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}.",
        rng.choice(ENDINGS),
    ]
    if index % RARE_EVERY == 7:
        parts.append(RARE_SENTENCES[(index // RARE_EVERY) % len(RARE_SENTENCES)])
    return " ".join(part for part in parts if part)


# Seeding.


def seed_demo(scale: int, step: Step) -> None:
    from django.core.management import call_command

    from councils.models import Council

    before = Council.objects.count()
    with timed(step):
        call_command("seed_demo", scale=scale, verbosity=0)
    step.created = Council.objects.count() - before
    step.already = before
    step.note = f"{Council.objects.count():,} councils"


TOPIC_MARKER = "[bench] "
PAGE_MARKER = "[bench] "
# Fixed, so that two runs seed the same text on the same dates.
ANCHOR = "2026-12-01 12:00:00+00"
TWO_YEARS_MINUTES = 2 * 365 * 24 * 60
TOPICS_PER_BATCH = 10_000
PAGES_PER_BATCH = 20_000


def _pick(name: str, size: int, index: str, salt: int, kind: str = "text") -> str:
    """SQL: an element of the list parameter ``name``, drawn by a hash of ``index``."""
    return f"(%({name})s::{kind}[])[1 + abs(hashint8(({index}) * 64 + {salt})) %% {size}]"


def _sentence_sql(index: str, salt: int = 0) -> str:
    """The SQL of ``sentence()``: two sentences and an ending drawn from the
    lists (``_lists()``) by a hash of the SQL expression ``index``, and the
    rare sentence every ``RARE_EVERY`` rows."""
    s, v, o = len(SUBJECTS), len(VERBS), len(OBJECTS)
    first = " || ' ' || ".join(
        (_pick("subjects", s, index, salt), _pick("verbs", v, index, salt + 1))
    )
    second = " || ' ' || ".join(
        (_pick("subjects", s, index, salt + 3), _pick("verbs", v, index, salt + 4))
    )
    return (
        f"concat_ws(' ', {first} || ' ' || {_pick('objects', o, index, salt + 2)} || '.', "
        f"{second} || ' ' || {_pick('objects', o, index, salt + 5)} || '.', "
        f"nullif({_pick('endings', len(ENDINGS), index, salt + 6)}, ''), "
        f"CASE WHEN ({index}) %% {RARE_EVERY} = 7 THEN (%(rare)s::text[])"
        f"[1 + (({index}) / {RARE_EVERY}) %% {len(RARE_SENTENCES)}] END)"
    )


def _lists() -> dict:
    return {
        "subjects": SUBJECTS,
        "verbs": VERBS,
        "objects": OBJECTS,
        "endings": ENDINGS,
        "rare": RARE_SENTENCES,
        "titles": TITLES,
        "anchor": ANCHOR,
    }


def seed_forum_text(posts: int, step: Step) -> None:
    """``posts`` published posts in topics of ten, written by SQL (``INSERT …
    SELECT generate_series``, the triggers computing the vectors): 70 % in
    national forums (all audiences), 30 % in councils' private forums (a
    third of those in the first council's, so that the member has private
    hits). Topic ``n`` (0, 1, …) always gets the same forum, title, author,
    date and posts: a run tops up what an earlier one left."""
    from django.db import connection, transaction

    from accounts.models import User
    from forums.models import Forum, Topic

    step.already = Topic.objects.filter(title__startswith=TOPIC_MARKER).count() * POSTS_PER_TOPIC
    wanted_topics = posts // POSTS_PER_TOPIC
    done = step.already // POSTS_PER_TOPIC
    if done >= wanted_topics:
        return
    national = list(
        Forum.objects.filter(council__isnull=True).order_by("pk").values_list("pk", flat=True)
    )
    council_forums = list(
        Forum.objects.filter(council__isnull=False)
        .order_by("council_id", "pk")
        .values_list("pk", flat=True)
    )
    authors = list(User.objects.order_by("pk").values_list("pk", flat=True)[:2_000])
    topics_sql = f"""
        INSERT INTO forums_topic (forum_id, title, author_id, created_at, last_post_at,
                                  post_count, is_pinned, is_locked)
        SELECT CASE
                   WHEN n %% 10 >= 3 THEN {_pick("national", len(national), "n", 1, "bigint")}
                   WHEN n %% 3 = 0 THEN %(first_council_forum)s
                   ELSE {_pick("council_forums", len(council_forums), "n", 2, "bigint")}
               END,
               %(marker)s || replace({_pick("titles", len(TITLES), "n", 3)}, '{{n}}', n::text),
               {_pick("authors", len(authors), "n", 4, "bigint")},
               when_, when_ + interval '9 minutes', {POSTS_PER_TOPIC}, false, false
        FROM (
            SELECT n, %(anchor)s::timestamptz
                      - make_interval(mins => abs(hashint8(n * 64 + 5)) %% {TWO_YEARS_MINUTES})
                      AS when_
            FROM generate_series(%(start)s::bigint, %(stop)s::bigint) n
        ) numbered
        ORDER BY n
    """  # noqa: S608 (lists and sizes from this file)
    posts_sql = f"""
        INSERT INTO forums_post (topic_id, author_id, body, body_html, created_at, status,
                                 is_hidden, hidden_reason, submission_key)
        SELECT t.id, {_pick("authors", len(authors), "t.id * 16 + r", 6, "bigint")},
               {_sentence_sql("t.id * 16 + r")}, '', t.created_at + make_interval(mins => r),
               'published', false, '', ''
        FROM forums_topic t CROSS JOIN generate_series(0, {POSTS_PER_TOPIC - 1}) r
        WHERE t.id > %(last_id)s AND t.title LIKE %(like)s
        ORDER BY t.id, r
    """  # noqa: S608 (lists and sizes from this file)
    parameters = {
        **_lists(),
        "national": national,
        "council_forums": council_forums,
        "first_council_forum": council_forums[0],
        "authors": authors,
        "marker": TOPIC_MARKER,
        "like": f"{TOPIC_MARKER}%",
    }
    with timed(step):
        for start in range(done, wanted_topics, TOPICS_PER_BATCH):
            stop = min(start + TOPICS_PER_BATCH, wanted_topics) - 1
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT coalesce(max(id), 0) FROM forums_topic")
                last_id = cursor.fetchone()[0]
                cursor.execute(topics_sql, {**parameters, "start": start, "stop": stop})
                cursor.execute(posts_sql, {**parameters, "last_id": last_id})
                step.created += cursor.rowcount
            progress(f"  forum posts: {step.created:,} created")
    step.note = f"{wanted_topics:,} topics of {POSTS_PER_TOPIC}"


def seed_pages(pages: int, step: Step) -> None:
    """``pages`` pages of six sentences (one revision each), in every council,
    one in five published; by SQL like the posts, and idempotent too."""
    from django.db import connection, transaction

    from councils.models import Council
    from documents.models import Page

    step.already = Page.objects.filter(title__startswith=PAGE_MARKER).count()
    if step.already >= pages:
        return
    councils = list(Council.objects.order_by("pk").values_list("pk", flat=True))
    pages_sql = f"""
        INSERT INTO documents_page (council_id, title, created_at, updated_at, published_at)
        SELECT (%(councils)s::bigint[])[1 + n %% {len(councils)}],
               %(marker)s || 'Compte rendu ' || left({_pick("objects", len(OBJECTS), "n", 7)}, 40)
               || ' ' || n::text,
               when_, when_, CASE WHEN n %% 5 = 0 THEN when_ END
        FROM (
            SELECT n, %(anchor)s::timestamptz
                      - make_interval(mins => abs(hashint8(n * 64 + 8)) %% {TWO_YEARS_MINUTES})
                      AS when_
            FROM generate_series(%(start)s::bigint, %(stop)s::bigint) n
        ) numbered
        ORDER BY n
    """  # noqa: S608 (lists and sizes from this file)
    paragraphs = " || E'\\n\\n' || ".join(
        _sentence_sql(f"p.id * 8 + {part}", salt=10 * part) for part in range(6)
    )
    revisions_sql = f"""
        INSERT INTO documents_pagerevision (page_id, number, body, body_html, summary,
                                            created_at)
        SELECT p.id, 1, {paragraphs}, '', '', p.created_at
        FROM documents_page p
        WHERE p.id > %(last_id)s AND p.title LIKE %(like)s
        ORDER BY p.id
    """  # noqa: S608 (lists and sizes from this file)
    current_sql = """
        UPDATE documents_page SET current_id = r.id FROM documents_pagerevision r
        WHERE r.page_id = documents_page.id AND documents_page.current_id IS NULL
          AND documents_page.id > %(last_id)s
    """
    parameters = {
        **_lists(),
        "councils": councils,
        "marker": PAGE_MARKER,
        "like": f"{PAGE_MARKER}%",
    }
    with timed(step):
        for start in range(step.already, pages, PAGES_PER_BATCH):
            stop = min(start + PAGES_PER_BATCH, pages) - 1
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT coalesce(max(id), 0) FROM documents_page")
                last = {"last_id": cursor.fetchone()[0]}
                cursor.execute(pages_sql, {**parameters, "start": start, "stop": stop})
                cursor.execute(revisions_sql, {**parameters, **last})
                step.created += cursor.rowcount
                cursor.execute(current_sql, last)
            progress(f"  pages: {step.created:,} created")
    step.note = f"{pages:,} pages of one revision"


def seed_document_text(documents: int, resources: int, step: Step) -> None:
    """File names and resources, in every council (``bulk_create``)."""
    from django.db import transaction
    from django.utils import timezone

    from councils.models import Council
    from documents.models import Document, Resource, ResourceFolder

    marker = "bench-"
    step.already = Document.objects.filter(name__startswith=marker).count()
    if step.already >= documents:
        return
    rng = random.Random(7)  # noqa: S311 (bench data)
    councils = list(Council.objects.order_by("pk").values_list("pk", flat=True))
    now = timezone.now()
    with timed(step), transaction.atomic():
        Document.objects.bulk_create(
            [
                Document(
                    council_id=councils[index % len(councils)],
                    name=f"{marker}{rng.choice(OBJECTS)[3:20].strip().replace(' ', '-')}"
                    f"-{index}.pdf",
                    published_at=now if index % 10 == 0 else None,
                )
                for index in range(documents)
            ],
            batch_size=BATCH_SIZE,
        )
        folder, _created = ResourceFolder.objects.get_or_create(name="Fiches pratiques")
        Resource.objects.bulk_create(
            [
                Resource(
                    folder=folder,
                    title=f"Fiche : {rng.choice(OBJECTS)} ({index})",
                    description=sentence(rng, index),
                    filename=f"fiche-{index}.pdf",
                    kind="pdf",
                    content_type="application/pdf",
                    size=1000,
                    file=f"private/resources/bench-{index}.pdf",
                )
                for index in range(resources)
            ],
            batch_size=BATCH_SIZE,
        )
    step.created = documents + resources
    step.note = f"{documents:,} documents, {resources:,} resources"


# Measuring.


@dataclass
class Timing:
    label: str
    who: str
    seconds: list[float] = field(default_factory=list)
    hits: int = 0
    more: bool = False
    queries: int = 0

    def row(self) -> str:
        median = statistics.median(self.seconds) * 1000
        p95 = statistics.quantiles(self.seconds, n=20, method="inclusive")[18] * 1000
        return (
            f"| {self.label} | {self.who} | {'> ' if self.more else ''}{self.hits:,} "
            f"| {len(self.seconds)} "
            f"| {median:.1f} | {p95:.1f} | {self.queries} |"
        )


def time_service(user, who: str, word: str, runs: int, warmup: int) -> Timing:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from search import services

    timing = Timing(f"service “{word}”", who)
    for _ in range(warmup):
        services.site_search(user=user, query=word)
    for _ in range(runs):
        # A fresh user object per request, as in production.
        fresh = type(user).objects.get(pk=user.pk) if user.is_authenticated else user
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            results = services.site_search(user=fresh, query=word)
            timing.seconds.append(time.perf_counter() - start)
        timing.hits = results.total
        timing.more = bool(getattr(results, "beyond", False))
        timing.queries = len(captured.captured_queries)
    return timing


def time_page(client, who: str, word: str, kind: str, runs: int, warmup: int) -> Timing:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    url = f"{reverse('search:search')}?q={word}&type={kind}"
    timing = Timing(f"page “{word}”, {kind}", who)
    for _ in range(warmup):
        client.get(url)
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            timing.seconds.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        timing.hits = response.context["results"].count
        timing.more = getattr(response.context["results"], "more", False)
        timing.queries = len(captured.captured_queries)
    return timing


def explain(user, word: str, kind: str = "all") -> str:
    """The plans of the queries of one search, with their timings, to see
    which indexes serve them and what costs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from search import services

    with CaptureQueriesContext(connection) as captured:
        services.site_search(user=user, query=word, kind=kind)
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            if not query["sql"].lstrip().upper().startswith(("SELECT", "(")):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {query['sql']}")
            plans.append(f"-- {query['sql'][:300]}\n" + "\n".join(row[0] for row in cursor))
    return "\n\n".join(plans)


def data_summary() -> str:
    from django.db import connection

    from accounts.models import User
    from councils.models import Council
    from documents.models import Document, Page, Resource
    from forums.models import Post, Topic

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    return (
        f"Data: {Council.objects.count():,} councils, {User.objects.count():,} accounts, "
        f"{Topic.objects.count():,} topics, {Post.objects.count():,} posts, "
        f"{Document.objects.count():,} documents, {Page.objects.count():,} pages, "
        f"{Resource.objects.count():,} resources. PostgreSQL {server}."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=50, help="seed_demo --scale")
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--resources", type=int, default=500)
    parser.add_argument("--runs", type=int, default=40, help="measured, per line")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--explain", action="store_true", help="print the plans too")
    args = parser.parse_args(argv)

    configure_environment()
    import django

    django.setup()
    database = check_database()

    from django.conf import settings
    from django.contrib.auth.models import AnonymousUser
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from accounts.models import User

    steps = []
    with timed(step := Step("database and migrate")):
        step.created = int(create_database(database))
        call_command("migrate", interactive=False, verbosity=0)
    steps.append(step)
    seed_demo(args.scale, step := Step(f"seed_demo --scale {args.scale}"))
    steps.append(step)
    seed_forum_text(args.posts, step := Step("forum topics and posts (SQL)"))
    steps.append(step)
    seed_pages(args.pages, step := Step("pages and revisions (SQL)"))
    steps.append(step)
    seed_document_text(args.documents, args.resources, step := Step("documents, resources"))
    steps.append(step)
    # Statistics, and the GIN indexes' pending lists merged, as autovacuum
    # would do after a bulk load (it may be off, or not have run yet).
    with timed(step := Step("VACUUM ANALYZE")), connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    steps.append(step)

    if HOST not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]
    # No rate limit on the bench's anonymous client.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    setup_test_environment()
    member = User.objects.get(email=MEMBER_EMAIL)
    anonymous_client = Client(HTTP_HOST=HOST)
    member_client = Client(HTTP_HOST=HOST)
    member_client.force_login(member)
    load_before = os.getloadavg()[0]
    timings = []
    for word in COMMON_WORDS + RARE_WORDS:
        for who, user in (("anonymous", AnonymousUser()), ("member", member)):
            timings.append(time_service(user, who, word, args.runs, args.warmup))
            progress(f"  {word}, {who}: done")
    for word in (COMMON_WORDS[2], RARE_WORDS[0]):
        for kind in ("all", "discussions"):
            timings.append(time_page(anonymous_client, "anonymous", word, kind, args.runs, 2))
            timings.append(time_page(member_client, "member", word, kind, args.runs, 2))

    print(f"# Site search, {date.today().isoformat()}, {code_version()}\n")
    print(
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"DEBUG={settings.DEBUG}, {os.cpu_count()} CPUs, load average {load_before:.2f} "
        f"before measuring and {os.getloadavg()[0]:.2f} after.\n"
    )
    print(data_summary() + "\n")
    print("## Seeding\n")
    print("| step | created | already there | seconds | note |\n|---|---:|---:|---:|---|")
    for step in steps:
        print(
            f"| {step.name} | {step.created:,} | {step.already:,} | {step.seconds:.1f} "
            f"| {step.note} |"
        )
    print(f"\n## Latency ({args.runs} measured runs a line)\n")
    print("| what | as | results | runs | median ms | p95 ms | queries |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for timing in timings:
        print(timing.row())
    if args.explain:
        for word in (COMMON_WORDS[1], RARE_WORDS[0]):
            for who, user in (("anonymous", AnonymousUser()), ("member", member)):
                print(f"\n## Plans of the search of “{word}”, {who}\n")
                print("```\n" + explain(user, word) + "\n```")
    return 0


if __name__ == "__main__":
    sys.exit(main())
