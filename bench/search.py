"""Latency of the site search on PostgreSQL, over the scaled demo data set.

Runs ``seed_demo --scale N`` into a PostgreSQL database whose name contains
"bench", adds the text the demo does not scale (forum posts, pages,
documents, resources of realistic French sentences), then times
``search.services.site_search`` and the full ``/recherche/`` page for
common and rare French words, as an anonymous visitor and as a member of a
council, and prints Markdown tables.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/conseils_search_bench \\
        .venv/bin/python bench/search.py [--scale 50] [--posts 50000] [--runs 40]

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
from datetime import date, timedelta

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


def seed_forum_text(posts: int, step: Step) -> None:
    """``posts`` published posts in topics of ten: 70 % in national forums
    (all audiences), 30 % in councils' private forums (the first council's
    included, so that the member has private hits)."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from forums.models import Forum, Post, Topic

    marker = "[bench]"
    step.already = Post.objects.filter(topic__title__startswith=marker).count()
    missing = posts - step.already
    if missing <= 0:
        return
    rng = random.Random(2026 + step.already)  # noqa: S311 (bench data)
    national = list(Forum.objects.filter(council__isnull=True).order_by("pk"))
    council_forums = list(Forum.objects.filter(council__isnull=False).order_by("council_id"))
    authors = list(User.objects.order_by("pk").values_list("pk", flat=True)[:2_000])
    now = timezone.now()
    with timed(step):
        for start in range(0, missing, BATCH_SIZE):
            count = min(BATCH_SIZE, missing - start)
            topics = []
            for number in range(count // POSTS_PER_TOPIC):
                index = step.already + start + number * POSTS_PER_TOPIC
                if number % 10 < 3:
                    # One in three private topics in the first council's forum.
                    forum = council_forums[0] if number % 3 == 0 else rng.choice(council_forums)
                else:
                    forum = rng.choice(national)
                when = now - timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60))
                topics.append(
                    Topic(
                        forum=forum,
                        title=f"{marker} {rng.choice(TITLES).format(n=index)}",
                        author_id=rng.choice(authors),
                        created_at=when,
                        last_post_at=when,
                        post_count=POSTS_PER_TOPIC,
                    )
                )
            with transaction.atomic():
                Topic.objects.bulk_create(topics, batch_size=BATCH_SIZE)
                rows = []
                for position, topic in enumerate(topics):
                    for reply in range(POSTS_PER_TOPIC):
                        index = step.already + start + position * POSTS_PER_TOPIC + reply
                        rows.append(
                            Post(
                                topic=topic,
                                author_id=rng.choice(authors),
                                body=sentence(rng, index),
                                body_html="",
                                created_at=topic.created_at + timedelta(minutes=reply),
                            )
                        )
                Post.objects.bulk_create(rows, batch_size=BATCH_SIZE)
            step.created += len(rows)
            progress(f"  forum posts: {step.created:,} created")


def seed_document_text(documents: int, pages: int, resources: int, step: Step) -> None:
    """File names, pages of a few paragraphs and resources, in every council."""
    from django.db import connection, transaction
    from django.utils import timezone

    from councils.models import Council
    from documents.models import Document, Page, PageRevision, Resource, ResourceFolder

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
        page_rows = Page.objects.bulk_create(
            [
                Page(
                    council_id=councils[index % len(councils)],
                    title=f"Compte rendu {rng.choice(OBJECTS)[:40]} {index}",
                    published_at=now if index % 5 == 0 else None,
                )
                for index in range(pages)
            ],
            batch_size=BATCH_SIZE,
        )
        PageRevision.objects.bulk_create(
            [
                PageRevision(
                    page=page,
                    number=1,
                    body="\n\n".join(sentence(rng, index * 7 + part) for part in range(6)),
                    body_html="",
                )
                for index, page in enumerate(page_rows)
            ],
            batch_size=BATCH_SIZE,
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE documents_page SET current_id = r.id FROM documents_pagerevision r "
                "WHERE r.page_id = documents_page.id AND documents_page.current_id IS NULL"
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
    step.created = documents + pages + resources
    step.note = f"{documents:,} documents, {pages:,} pages, {resources:,} resources"


# Measuring.


@dataclass
class Timing:
    label: str
    who: str
    seconds: list[float] = field(default_factory=list)
    hits: int = 0
    queries: int = 0

    def row(self) -> str:
        median = statistics.median(self.seconds) * 1000
        p95 = statistics.quantiles(self.seconds, n=20, method="inclusive")[18] * 1000
        return (
            f"| {self.label} | {self.who} | {self.hits:,} | {len(self.seconds)} "
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
        timing.queries = len(captured.captured_queries)
    return timing


def explain(user, word: str, key: str) -> str:
    """The plan of one source's count, to see which indexes serve it."""
    from django.db import connection

    from search.backends import PostgresBackend
    from search.registry import source_for

    source = source_for(key)
    rows = PostgresBackend(word).filter(source, source.queryset(user))
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        explain = "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT count(*) FROM"
        cursor.execute(f"{explain} ({sql}) s", params)
        return "\n".join(row[0] for row in cursor.fetchall())


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
    parser.add_argument("--posts", type=int, default=50_000)
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--pages", type=int, default=5_000)
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
    seed_forum_text(args.posts, step := Step("forum posts (bulk_create)"))
    steps.append(step)
    seed_document_text(
        args.documents, args.pages, args.resources, step := Step("documents, pages, resources")
    )
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
        for who, user in (("anonymous", AnonymousUser()), ("member", member)):
            print(f"\n## Plan of the discussions count, “réunion”, {who}\n")
            print("```\n" + explain(user, "réunion", "discussions") + "\n```")
    return 0


if __name__ == "__main__":
    sys.exit(main())
