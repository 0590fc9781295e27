"""Every page type at the size of DESIGN.md: 1,000 councils, 100,000 accounts,
1,000,000 posts, 100,000 files and 100,000 page revisions.

Seeds (idempotently) a PostgreSQL database whose name contains "bench":
councils, accounts and memberships through ``councils_pages``' seeding, then
the bulk in SQL (``COPY`` of the rows Python decides, ``INSERT … SELECT
generate_series`` for the rest). Then it requests every page type in
process with Django's test client, anonymous or as a member, and prints
the median, the 95th percentile and the query count of each, in Markdown.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/conseils_scale_bench \\
        .venv/bin/python bench/scale.py [--posts 1000000] [--files 100000] \\
        [--revisions 100000] [--requests 100] [--warmup 5] [--slow-requests 20]

See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from councils_pages import (
    HOST,
    BadResponse,
    Step,
    check_database,
    code_version,
    configure_environment,
    create_database,
    fetch,
    logged_in_client,
    measure,
    member_of,
    pages_table,
    progress,
    seed_accounts,
    seed_councils,
    seed_membership_events,
    seed_memberships,
    seeding_table,
    timed,
)

# The steps done, committed with their rows: a step is all there or not at all.
STEPS_TABLE = "bench_scale_step"
BIG_TOPIC_POSTS = 2_000
NATIONAL_SHARE = 0.6  # of the posts, in the national forums
NATIONAL_WRITERS = 3_000  # the accounts that write in the national forums
PAGES_PER_COUNCIL = 10
BIG_PAGE_REVISIONS = 500
FOLDERS = ("Comptes rendus", "Budget", "Affiches", "Projets", "Archives")
FILE_KINDS = (
    ("pdf", "application/pdf"),
    ("odt", "application/vnd.oasis.opendocument.text"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
)
# Rows only: downloads are not measured, so every version names this one path.
SHARED_FILE = "private/documents/bench/partage.pdf"
NATIONAL_ARTICLES = 300
ARTICLES_PER_COUNCIL = 5
EVENTS_PER_COUNCIL = 20
RESOURCES = 300
CENTRE_NOTIFICATIONS = 500
SLOW_SECONDS = 0.5
BODY_POOL = 2_000
PAGE_POOL = 300
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)

CATEGORIES = (
    ("Vie des quartiers", ("Cadre de vie", "Propreté et espaces verts", "Transports", "Sécurité")),
    ("Participation", ("Animer un conseil", "Budget participatif", "Concertation", "Droit")),
    ("Entraide", ("Idées et retours d'expérience", "Petites annonces", "Questions pratiques")),
)

SUBJECTS = (
    "le jardin partagé",
    "la rénovation de l'aire de jeux",
    "la fête des voisins",
    "le marché du samedi",
    "la maison de quartier",
    "l'éclairage de la rue des Lilas",
    "le budget participatif",
    "la ligne de bus 12",
    "le nettoyage du parc",
    "la bibliothèque de rue",
    "les horaires de la médiathèque",
    "le city-stade",
    "la piste cyclable",
    "le compte rendu de la réunion",
    "la réunion publique avec la mairie",
    "les travaux du square",
    "la collecte des encombrants",
    "le repair café",
    "les bancs de la place",
    "le diagnostic en marchant",
)
OPENINGS = (
    "Bonjour à toutes et à tous,",
    "Merci pour ce message.",
    "Je rejoins ce qui a été dit plus haut.",
    "Petite question pour le conseil :",
    "Suite à la dernière réunion,",
    "Bonsoir,",
    "Pour information,",
    "Je me permets de relancer le sujet.",
)
SENTENCES = (
    "Je propose qu'on en parle à la prochaine réunion du conseil citoyen.",
    "La mairie nous a répondu que les travaux commenceraient au printemps.",
    "Les habitants du quartier se plaignent surtout du bruit le soir.",
    "Il faudrait demander un devis avant de voter le budget.",
    "J'ai pris quelques photos samedi, je les mets dans les fichiers du conseil.",
    "Nous étions une vingtaine à la dernière permanence, c'est encourageant.",
    "Le bailleur doit passer la semaine prochaine pour constater les dégâts.",
    "Qui peut venir aider à installer les tables devant la maison de quartier ?",
    "On pourrait associer l'école et le centre social à ce projet.",
    "La délégation a rencontré l'adjointe au maire chargée de la démocratie locale.",
    "Le compte rendu sera envoyé à tous les membres avant la fin du mois.",
    "Plusieurs familles ont signé la pétition pour un passage piéton.",
    "Je ne suis pas sûr que ce soit la meilleure solution pour les riverains.",
    "Les jeunes du quartier aimeraient un lieu pour se retrouver le week-end.",
    "Pensons aussi aux personnes âgées qui ne sortent pas le soir.",
    "La réunion aura lieu mardi à 18 h 30 dans la salle polyvalente.",
    "Il reste des graines et des outils dans le local du jardin.",
    "Le conseil a voté à l'unanimité pour soutenir l'association.",
    "Les services techniques ont promis de réparer l'éclairage rapidement.",
    "Merci à tous les bénévoles qui ont rendu cette journée possible.",
)
EMPHASES = ("**important**", "*à confirmer*", "**avant vendredi**", "*si possible*")

# A rare word for the search, in one post of 10,000 in the pool.
RARE_WORD = "ornithorynque"


@dataclass
class Seeded:
    councils: list
    member: object
    coordinator: object


# Text.


def post_bodies(count: int) -> list[str]:
    """Short markdown messages: an opening, two to five sentences, sometimes a
    list, a quote or a link."""
    rng = random.Random(1_000_000)  # noqa: S311 (bench data, not security)
    bodies = []
    for index in range(count):
        subject = rng.choice(SUBJECTS)
        sentences = rng.sample(SENTENCES, rng.randint(2, 5))
        paragraph = " ".join(sentences).replace("ce projet", subject, 1)
        parts = [
            f"{rng.choice(OPENINGS)} à propos de {subject}, {rng.choice(EMPHASES)}.",
            paragraph,
        ]
        shape = index % 6
        if shape == 1:
            parts.append("\n".join(f"- {item}" for item in rng.sample(SUBJECTS, 3)))
        elif shape == 2:
            parts.insert(0, f"> {rng.choice(SENTENCES)}")
        elif shape == 3:
            parts.append(f"Voir [le document](https://example.org/{index}) pour les détails.")
        if index % 1_000 == 7:
            parts.append(f"On a vu un {RARE_WORD} dans le bassin du parc !")
        bodies.append("\n\n".join(parts))
    return bodies


def page_bodies(count: int) -> list[str]:
    """Longer pages written together: headings, paragraphs and lists."""
    rng = random.Random(100_000)  # noqa: S311 (bench data, not security)
    bodies = []
    for _ in range(count):
        parts = []
        for section in range(rng.randint(3, 6)):
            parts.append(f"## {section + 1}. {rng.choice(SUBJECTS).capitalize()}")
            parts.append(" ".join(rng.sample(SENTENCES, rng.randint(3, 6))))
            if section % 2:
                parts.append("\n".join(f"- {item}" for item in rng.sample(SUBJECTS, 4)))
        bodies.append("\n\n".join(parts))
    return bodies


def topic_title(rng: random.Random) -> str:
    subject = rng.choice(SUBJECTS)
    shape = rng.randrange(4)
    if shape == 0:
        return f"Où en est {subject} ?"
    if shape == 1:
        return f"Proposition pour {subject}"
    if shape == 2:
        return f"{subject.capitalize()} : vos idées"
    return f"Réunion sur {subject}"


# The steps table and the pools of texts.


def done_steps(cursor) -> dict[str, tuple[int, float]]:
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {STEPS_TABLE} "
        "(name text PRIMARY KEY, created bigint, seconds double precision, done_at timestamptz)"
    )
    cursor.execute(f"SELECT name, created, seconds FROM {STEPS_TABLE}")  # noqa: S608
    return {name: (created, seconds) for name, created, seconds in cursor.fetchall()}


def bulk_step(name: str, done: dict, function, *arguments) -> Step:
    """Run ``function(cursor, *arguments)`` in one transaction with the line
    that records it, unless a previous run recorded it."""
    from django.db import connection, transaction

    step = Step(name)
    if name in done:
        step.already = done[name][0]
        step.note = f"seeded before, in {done[name][1]:.1f} s"
        progress(f"{name}: already there")
        return step
    progress(f"{name}…")
    with timed(step), transaction.atomic(), connection.cursor() as cursor:
        step.created = function(cursor, *arguments)
        cursor.execute(
            f"INSERT INTO {STEPS_TABLE} VALUES (%s, %s, 0, now())",  # noqa: S608
            [name, step.created],
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {STEPS_TABLE} SET seconds = %s WHERE name = %s",  # noqa: S608
            [step.seconds, name],
        )
    progress(f"  {step.created:,} rows in {step.seconds:.1f} s")
    return step


def copy_rows(cursor, statement: str, rows) -> None:
    """``COPY … FROM STDIN`` with psycopg 3."""
    with cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def load_pools(cursor) -> None:
    """Temporary tables of rendered texts and their search vectors, computed
    once per distinct text: the bulk rows copy them."""
    from common.markdown import render_markdown
    from common.search_vector import CONFIG

    for table, bodies in (
        ("bench_post_body", post_bodies(BODY_POOL)),
        ("bench_page_body", page_bodies(PAGE_POOL)),
    ):
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {table} "
            "(n int PRIMARY KEY, body text, body_html text, vector tsvector)"
        )
        cursor.execute(f"TRUNCATE {table}")
        copy_rows(
            cursor,
            f"COPY {table} (n, body, body_html) FROM STDIN",
            ((n, body, render_markdown(body)) for n, body in enumerate(bodies)),
        )
        # What the trigger computes for this text ("body:C").
        cursor.execute(
            f"UPDATE {table} SET vector = "  # noqa: S608 (constants)
            f"setweight(to_tsvector('{CONFIG}', coalesce(body, '')), 'C')"
        )
        cursor.execute(f"ANALYZE {table}")


# Seeding: forums.


def seed_national_forums(cursor) -> int:
    from forums import services
    from forums.models import Category, Forum

    created = 0
    for position, (category_name, forums) in enumerate(CATEGORIES):
        category, new = Category.objects.get_or_create(
            name=category_name, defaults={"position": position}
        )
        created += new
        for index, name in enumerate(forums):
            if not Forum.objects.filter(name=name, council=None).exists():
                audience = Forum.Audience.REGISTERED if index == 3 else Forum.Audience.EVERYONE
                services.national_forum_create(
                    system=True, name=name, category=category, audience=audience
                )
                created += 1
    return created


def seed_topics(cursor, councils: list, total_posts: int) -> int:
    """The topics, decided here and copied: 60 % of the posts in the national
    forums, the rest in the councils' forums, topics of 1 to 200 posts (20 on
    average), and one topic of 2,000 posts in a national forum and in the
    first council's forum."""
    from forums.models import Forum

    rng = random.Random(50_000)  # noqa: S311 (bench data, not security)
    national = list(
        Forum.objects.filter(council=None, audience=Forum.Audience.EVERYONE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    council_forums = dict(
        Forum.objects.filter(council__in=councils).values_list("council_id", "pk")
    )
    forums = [council_forums[council.pk] for council in councils]
    writers = _load_writers(cursor, councils, council_forums, national)
    rows = []

    def topic(forum_id: int, posts: int, title: str) -> None:
        created = NOW - timedelta(days=rng.uniform(1, 1_100))
        gap = timedelta(minutes=rng.uniform(5, 2_880))
        if posts > 500:
            gap = timedelta(minutes=rng.uniform(5, 20))
        last = min(created + gap * (posts - 1), NOW - timedelta(minutes=5))
        author = writers[forum_id][rng.randrange(len(writers[forum_id]))]
        rows.append((forum_id, title, author, created, last, posts))

    topic(national[0], BIG_TOPIC_POSTS, "Banc d'essai : la grande discussion des quartiers")
    topic(forums[0], BIG_TOPIC_POSTS, "Banc d'essai : l'organisation de la fête du quartier")
    remaining = total_posts - 2 * BIG_TOPIC_POSTS
    while remaining > 0:
        size = min(remaining, min(200, 1 + int(rng.expovariate(1 / 19))))
        remaining -= size
        if rng.random() < NATIONAL_SHARE:
            forum_id = national[min(len(national) - 1, int(rng.expovariate(1 / 3)))]
        else:
            forum_id = forums[rng.randrange(len(forums))]
        topic(forum_id, size, topic_title(rng))
    copy_rows(
        cursor,
        "COPY forums_topic (forum_id, title, author_id, created_at, last_post_at, post_count, "
        "is_pinned, is_locked) FROM STDIN",
        ((*row, False, False) for row in rows),
    )
    return len(rows)


def _load_writers(cursor, councils, council_forums, national) -> dict[int, list[int]]:
    """Who writes in each forum: a council's members in its forum, 3,000
    accounts in the national ones. Also kept in ``bench_writer`` for SQL."""
    from councils.models import Membership

    writers: dict[int, list[int]] = {}
    for council_id, user_id in (
        Membership.objects.filter(council__in=councils)
        .order_by("council_id", "pk")
        .values_list("council_id", "user_id")
    ):
        writers.setdefault(council_forums[council_id], []).append(user_id)
    national_writers = sorted({user for users in writers.values() for user in users[:3]})
    national_writers = national_writers[:NATIONAL_WRITERS]
    for forum_id in national:
        writers[forum_id] = national_writers
    cursor.execute(
        "CREATE TEMPORARY TABLE IF NOT EXISTS bench_writer "
        "(forum_id int, n int, user_id bigint, PRIMARY KEY (forum_id, n))"
    )
    cursor.execute("TRUNCATE bench_writer")
    copy_rows(
        cursor,
        "COPY bench_writer (forum_id, n, user_id) FROM STDIN",
        (
            (forum_id, n, user_id)
            for forum_id, users in writers.items()
            for n, user_id in enumerate(users)
        ),
    )
    cursor.execute("DROP TABLE IF EXISTS bench_writer_count")
    cursor.execute(
        "CREATE TEMPORARY TABLE bench_writer_count AS "
        "SELECT forum_id, count(*)::int AS size FROM bench_writer GROUP BY forum_id"
    )
    cursor.execute("ANALYZE bench_writer")
    return writers


def seed_posts(cursor) -> int:
    """Every topic's posts, in one INSERT … SELECT: the n-th post of a topic
    comes n gaps after its start, by one of the forum's writers, with one of
    the pool's texts and its vector (the trigger, which would compute the
    same vector again for each row, is off inside this transaction)."""
    cursor.execute("ALTER TABLE forums_post DISABLE TRIGGER forums_post_search_vector")
    cursor.execute(
        """
        INSERT INTO forums_post (topic_id, author_id, body, body_html, created_at, edited_at,
            status, is_hidden, hidden_reason, submission_key, search_vector)
        SELECT t.id,
            CASE WHEN k = 1 THEN t.author_id ELSE w.user_id END,
            b.body, b.body_html, p.at,
            CASE WHEN k %% 17 = 0 THEN p.at + interval '7 minutes' END,
            'published', false, '', '', b.vector
        FROM forums_topic t
        JOIN bench_writer_count c ON c.forum_id = t.forum_id
        CROSS JOIN LATERAL generate_series(1, t.post_count) AS k
        CROSS JOIN LATERAL (SELECT CASE WHEN t.post_count = 1 THEN t.created_at
            ELSE t.created_at + (t.last_post_at - t.created_at) * (k - 1) / (t.post_count - 1)
            END AS at) p
        JOIN bench_writer w ON w.forum_id = t.forum_id
            AND w.n = (t.id * 7 + k * 13) %% c.size
        JOIN bench_post_body b ON b.n = (t.id * 31 + k * 17) %% %s
        """,
        [BODY_POOL],
    )
    created = cursor.rowcount
    # The deferred foreign key checks run now: ALTER TABLE refuses pending ones.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("ALTER TABLE forums_post ENABLE TRIGGER forums_post_search_vector")
    return created


def seed_forum_counters(cursor) -> int:
    """The counters the services keep: each forum's topics, posts and last
    post, and the council's last activity (``council_touch``)."""
    cursor.execute(
        """
        UPDATE forums_forum f SET topic_count = s.topics, post_count = s.posts,
            last_post_at = s.last
        FROM (SELECT forum_id, count(*) AS topics, sum(post_count) AS posts,
                max(last_post_at) AS last
            FROM forums_topic GROUP BY forum_id) s
        WHERE s.forum_id = f.id
        """
    )
    updated = cursor.rowcount
    cursor.execute(
        """
        UPDATE councils_council c SET last_activity_at = f.last_post_at
        FROM forums_forum f WHERE f.council_id = c.id AND f.last_post_at > c.last_activity_at
        """
    )
    return updated


def seed_reactions(cursor) -> int:
    """Reactions on the two 2,000-post topics only (the measured ones): one
    post in three gets one to three, from the forum's writers."""
    cursor.execute(
        """
        INSERT INTO forums_reaction (post_id, user_id, kind, created_at)
        SELECT DISTINCT ON (p.id, w.user_id, kinds.kind) p.id, w.user_id, kinds.kind,
            p.created_at + interval '1 hour'
        FROM forums_topic t
        JOIN forums_post p ON p.topic_id = t.id
        JOIN bench_writer_count c ON c.forum_id = t.forum_id
        CROSS JOIN LATERAL (SELECT unnest(ARRAY['thanks', 'agree', 'idea']) AS kind,
            generate_series(1, 3) AS i) kinds
        JOIN bench_writer w ON w.forum_id = t.forum_id AND w.n = (p.id + kinds.i) % c.size
        WHERE t.title LIKE 'Banc d''essai : %' AND p.id % 3 = 0 AND kinds.i <= 1 + p.id / 3 % 3
        """
    )
    return cursor.rowcount


# Seeding: pages, files, news, events, resources, notifications.


def seed_pages(cursor, councils: list, total_revisions: int) -> int:
    """Ten pages per council; revisions dealt so that they add up to
    ``total_revisions``, the first council's first page having 500."""
    from councils.models import Membership

    rng = random.Random(10_000)  # noqa: S311 (bench data, not security)
    coordinators = dict(
        Membership.objects.filter(council__in=councils, role=Membership.Role.COORDINATOR)
        .order_by("council_id", "-pk")
        .values_list("council_id", "user_id")
    )
    count = PAGES_PER_COUNCIL * len(councils)
    left = total_revisions - BIG_PAGE_REVISIONS - (count - 1)
    weights = [rng.expovariate(1) for _ in range(count - 1)]
    scale = left / sum(weights)
    sizes = [BIG_PAGE_REVISIONS] + [1 + int(weight * scale) for weight in weights]
    # What rounding down left out, one more revision to as many pages.
    for index in range(1, 1 + total_revisions - sum(sizes)):
        sizes[index] += 1
    rows = []
    for index, size in enumerate(sizes):
        council = councils[index // PAGES_PER_COUNCIL]
        created = NOW - timedelta(days=rng.uniform(30, 900))
        updated = min(created + timedelta(hours=6) * size, NOW - timedelta(hours=1))
        title = f"{rng.choice(SUBJECTS).capitalize()} ({index % PAGES_PER_COUNCIL + 1})"
        published = created + timedelta(days=2) if index % 7 == 0 else None
        rows.append((council.pk, title, coordinators[council.pk], created, updated, published))
    copy_rows(
        cursor,
        "COPY documents_page (council_id, title, created_by_id, created_at, updated_at, "
        "published_at) FROM STDIN",
        rows,
    )
    cursor.execute("CREATE TEMPORARY TABLE bench_page_size (n int, size int)")
    copy_rows(cursor, "COPY bench_page_size FROM STDIN", enumerate(sizes))
    cursor.execute(
        "ALTER TABLE documents_pagerevision DISABLE TRIGGER documents_pagerevision_search_vector"
    )
    cursor.execute(
        """
        WITH pages AS (SELECT id, created_at, updated_at, created_by_id,
                row_number() OVER (ORDER BY id) - 1 AS n
            FROM documents_page)
        INSERT INTO documents_pagerevision (page_id, number, body, body_html, summary,
            author_id, created_at, search_vector)
        SELECT pages.id, k, b.body, b.body_html,
            CASE WHEN k = 1 THEN '' ELSE 'Corrections et ajouts' END,
            pages.created_by_id,
            pages.created_at + (pages.updated_at - pages.created_at) * (k - 1)
                / greatest(s.size - 1, 1),
            b.vector
        FROM pages JOIN bench_page_size s ON s.n = pages.n
        CROSS JOIN LATERAL generate_series(1, s.size) AS k
        JOIN bench_page_body b ON b.n = (pages.id * 11 + k) %% %s
        """,
        [PAGE_POOL],
    )
    created = cursor.rowcount
    # The deferred foreign key checks run now: ALTER TABLE refuses pending ones.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute(
        "ALTER TABLE documents_pagerevision ENABLE TRIGGER documents_pagerevision_search_vector"
    )
    cursor.execute(
        """
        UPDATE documents_page p SET current_id = r.id
        FROM (SELECT DISTINCT ON (page_id) page_id, id FROM documents_pagerevision
            ORDER BY page_id, number DESC) r
        WHERE r.page_id = p.id
        """
    )
    return created


def seed_files(cursor, councils: list, total: int) -> int:
    """Five folders per council, ``total`` documents dealt evenly (a third at
    the root), one version each, all naming one shared stored file."""
    per_council = total // len(councils)
    folder_rows = [
        (council.pk, name, NOW - timedelta(days=800)) for council in councils for name in FOLDERS
    ]
    copy_rows(
        cursor, "COPY documents_folder (council_id, name, created_at) FROM STDIN", folder_rows
    )
    cursor.execute(
        """
        CREATE TEMPORARY TABLE bench_folder AS
        SELECT council_id, id, row_number() OVER (PARTITION BY council_id ORDER BY id) AS n
        FROM documents_folder
        """
    )
    cursor.execute(
        """
        INSERT INTO documents_document (council_id, folder_id, name, created_by_id,
            created_at, updated_at, download_count, published_at)
        SELECT c.id, f.id,
            (ARRAY['Compte rendu', 'Affiche', 'Budget prévisionnel', 'Photo du chantier',
                'Courrier à la mairie', 'Tableau des présences'])[1 + k %% 6]
                || ' n° ' || k || '.' || (ARRAY['pdf', 'odt', 'docx', 'xlsx'])[1 + k %% 4],
            m.user_id, t.at, t.at, k %% 13, CASE WHEN k %% 20 = 0 THEN t.at END
        FROM councils_council c
        CROSS JOIN LATERAL generate_series(1, %s) AS k
        CROSS JOIN LATERAL (SELECT %s::timestamptz
            - make_interval(days => ((k * 7 + c.id) %% 700)::int) AS at) t
        LEFT JOIN bench_folder f ON k %% 3 > 0 AND f.council_id = c.id AND f.n = 1 + k %% 5
        JOIN LATERAL (SELECT user_id FROM councils_membership
            WHERE council_id = c.id ORDER BY id LIMIT 1) m ON true
        WHERE c.id = ANY(%s)
        """,
        [per_council, NOW, [council.pk for council in councils]],
    )
    created = cursor.rowcount
    kinds = "', '".join(kind for kind, _ in FILE_KINDS)
    types = "', '".join(content_type for _, content_type in FILE_KINDS)
    cursor.execute(
        f"""
        INSERT INTO documents_documentversion (document_id, number, file, kind, content_type,
            size, uploaded_by_id, created_at, thumbnail)
        SELECT d.id, 1, %s, (ARRAY['{kinds}'])[1 + d.id %% 4],
            (ARRAY['{types}'])[1 + d.id %% 4], 20000 + d.id %% 900000, d.created_by_id,
            d.created_at, ''
        FROM documents_document d
        """,  # noqa: S608 (constants)
        [SHARED_FILE],
    )
    cursor.execute(
        """
        UPDATE documents_document d SET current_version_id = v.id
        FROM documents_documentversion v WHERE v.document_id = d.id
        """
    )
    return created


def seed_news_events_resources(cursor, councils: list) -> int:
    """News (300 national, 5 per council), 20 events per council (half public,
    from a year ago to six months ahead) and 300 resources in 6 shelves."""
    from accounts.models import User
    from councils.models import Membership
    from documents.models import ResourceFolder

    animator = User.objects.filter(email__startswith="bench-").order_by("pk").first()
    council_ids = [council.pk for council in councils]
    cursor.execute(
        """
        INSERT INTO news_article (council_id, title, summary, body, body_html, cover, cover_alt,
            author_id, published_at, created_at, updated_at, submission_key)
        SELECT NULL, 'Actualité nationale n° ' || k || ' : '
            || left(split_part(split_part(b.body, E'\\n', 1), '. ', 2), 120),
            'Ce qu''il faut retenir de la semaine pour les conseils citoyens.',
            b.body, b.body_html, '', '', %s, %s::timestamptz - make_interval(days => k),
            %s::timestamptz - make_interval(days => k),
            %s::timestamptz - make_interval(days => k), ''
        FROM generate_series(1, %s) AS k JOIN bench_page_body b ON b.n = k %% %s
        """,
        [animator.pk, NOW, NOW, NOW, NATIONAL_ARTICLES, PAGE_POOL],
    )
    created = cursor.rowcount
    coordinators = dict(
        Membership.objects.filter(council__in=councils, role=Membership.Role.COORDINATOR)
        .order_by("council_id", "-pk")
        .values_list("council_id", "user_id")
    )
    cursor.execute("CREATE TEMPORARY TABLE bench_coordinator (council_id int, user_id bigint)")
    copy_rows(cursor, "COPY bench_coordinator FROM STDIN", coordinators.items())
    cursor.execute(
        """
        INSERT INTO news_article (council_id, title, summary, body, body_html, cover, cover_alt,
            author_id, published_at, created_at, updated_at, submission_key)
        SELECT c.council_id, 'Du nouveau au conseil, n° ' || k,
            'Les nouvelles du quartier et du conseil citoyen.', b.body, b.body_html, '', '',
            c.user_id, t.at, t.at, t.at, ''
        FROM bench_coordinator c CROSS JOIN LATERAL generate_series(1, %s) AS k
        CROSS JOIN LATERAL (SELECT %s::timestamptz
            - make_interval(days => ((c.council_id * 37 + k * 53) %% 700)::int) AS at) t
        JOIN bench_page_body b ON b.n = (c.council_id + k) %% %s
        WHERE c.council_id = ANY(%s)
        """,
        [ARTICLES_PER_COUNCIL, NOW, PAGE_POOL, council_ids],
    )
    created += cursor.rowcount
    cursor.execute(
        """
        INSERT INTO events_event (council_id, title, starts_at, ends_at, place, description,
            description_html, visibility, created_by_id, created_at, updated_at)
        SELECT c.council_id, (ARRAY['Réunion du conseil', 'Permanence', 'Fête de quartier',
                'Atelier', 'Diagnostic en marchant'])[1 + k %% 5] || ' n° ' || k,
            t.at, t.at + interval '2 hours', 'Maison de quartier, salle 2', b.body, b.body_html,
            CASE WHEN k %% 2 = 0 THEN 'public' ELSE 'private' END, c.user_id,
            t.at - interval '20 days', t.at - interval '20 days'
        FROM bench_coordinator c CROSS JOIN LATERAL generate_series(1, %s) AS k
        CROSS JOIN LATERAL (SELECT date_trunc('hour', %s::timestamptz)
            + make_interval(days => ((k * 27 + c.council_id) %% 540 - 360)::int, hours => 6)
            AS at) t
        JOIN bench_post_body b ON b.n = (c.council_id * 3 + k) %% %s
        WHERE c.council_id = ANY(%s)
        """,
        [EVENTS_PER_COUNCIL, NOW, BODY_POOL, council_ids],
    )
    created += cursor.rowcount
    folders = []
    for position, name in enumerate(
        ("Guides", "Fiches pratiques", "Modèles", "Textes de loi", "Formations", "Outils")
    ):
        folder, _ = ResourceFolder.objects.get_or_create(name=name, defaults={"position": position})
        folders.append(folder.pk)
    cursor.execute(
        """
        INSERT INTO documents_resource (folder_id, title, description, file, filename, kind,
            content_type, size, uploaded_by_id, created_at, download_count)
        SELECT (%s::int[])[1 + k %% 6], 'Fiche pratique n° ' || k || ' : '
                || (ARRAY['animer une réunion', 'rédiger un compte rendu',
                    'monter un budget participatif', 'organiser un diagnostic en marchant',
                    'accueillir les nouveaux membres'])[1 + k %% 5],
            'Un guide pour les conseils citoyens.', %s, 'fiche-' || k || '.pdf', 'pdf',
            'application/pdf', 150000 + k, %s, %s::timestamptz - make_interval(days => k), k %% 40
        FROM generate_series(1, %s) AS k
        """,
        [folders, SHARED_FILE, animator.pk, NOW, RESOURCES],
    )
    return created + cursor.rowcount


def seed_centre(cursor, member, council) -> int:
    """500 "site only" notifications for the measured member, replies in
    their council's forum as ``forums.services._shared._notify_readers``
    writes them (the newest 20 unread)."""
    from django.conf import settings
    from django.utils.translation import gettext, override

    from forums.models import Post
    from notifications.models import Notification

    posts = list(
        Post.objects.filter(topic__forum__council=council)
        .exclude(author=member)
        .select_related("topic", "author")
        .order_by("-created_at")[:CENTRE_NOTIFICATIONS]
    )
    rows = []
    with override(settings.LANGUAGE_CODE):
        for index, post in enumerate(posts):
            topic = post.topic
            title = gettext("%(name)s replied in “%(topic)s”") % {
                "name": post.author.display_name,
                "topic": topic.title,
                "forum": council.name,
            }
            rows.append(
                Notification(
                    recipient=member,
                    kind="forums.reply",
                    target_id=post.pk,
                    url=post.get_absolute_url(),
                    title=title,
                    actor=post.author,
                    excerpt=post.body[:300],
                    group_key=f"council:{council.pk}",
                    group_title=council.name,
                    thread_key=f"topic:{topic.pk}",
                    thread_title=topic.title,
                    created_at=post.created_at,
                    delivery="site",
                    delivered_at=post.created_at,
                    read_at=None if index < 20 else post.created_at + timedelta(hours=3),
                )
            )
    Notification.objects.bulk_create(rows)
    return len(rows)


def vacuum_analyze() -> Step:
    """``VACUUM ANALYZE`` outside a transaction: statistics, the visibility
    map, and the GIN indexes' pending lists merged (autovacuum is off)."""
    from django.db import connection

    step = Step("VACUUM ANALYZE")
    with timed(step), connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return step


# Measuring.


class RotatingAddressClient:
    """The test client, from a new address each request: the anonymous search
    allows 60 searches a minute per address."""

    def __init__(self):
        from django.test import Client

        self.client = Client(HTTP_HOST=HOST)
        self.count = 0

    def get(self, path: str):
        self.count += 1
        address = f"10.{self.count // 65_536 % 256}.{self.count // 256 % 256}.{self.count % 256}"
        return self.client.get(path, REMOTE_ADDR=address)


def page_plan(seeded: Seeded) -> list[tuple[str, object, list[str]]]:
    from django.test import Client
    from django.urls import reverse

    from documents.models import Document, Page
    from events.models import Event
    from forums.models import Forum, Topic
    from forums.selectors import POSTS_PER_PAGE, TOPICS_PER_PAGE
    from news.models import Article

    councils, member = seeded.councils, seeded.member
    council = councils[0]
    slug = {"slug": council.slug}
    national = Forum.objects.filter(council=None, audience=Forum.Audience.EVERYONE).order_by(
        "-topic_count"
    )[0]
    council_forum = Forum.objects.get(council=council)
    big_public = Topic.objects.get(forum__council=None, title__startswith="Banc d'essai")
    big_private = Topic.objects.get(forum=council_forum, title__startswith="Banc d'essai")
    last_page = -(-BIG_TOPIC_POSTS // POSTS_PER_PAGE)
    far_forum_page = -(-national.topic_count // TOPICS_PER_PAGE) // 2
    ordinary = (
        Topic.objects.filter(forum=national, post_count__range=(15, 20))
        .order_by("pk")
        .values_list("pk", flat=True)[:50]
    )
    article = Article.objects.filter(council=None).order_by("-published_at")[0]
    council_article = Article.objects.filter(council=council).order_by("-published_at")[0]
    page = Page.objects.filter(council=council).order_by("-current__number")[0]
    document = Document.objects.filter(council=council).order_by("pk")[0]
    folder = Document.objects.filter(council=council, folder__isnull=False)[0].folder
    event = Event.objects.filter(council=council, visibility="public").order_by("pk")[0]
    topic_url = big_public.get_absolute_url()
    private_url = big_private.get_absolute_url()
    sample = councils[:: max(1, len(councils) // 50)][:50]

    def anonymous():
        return Client(HTTP_HOST=HOST)

    def as_member():
        return logged_in_client(member)

    def documents(name: str, **kwargs) -> str:
        return reverse(f"documents:{name}", kwargs={**slug, **kwargs})

    detail = [reverse("councils:detail", kwargs={"slug": c.slug}) for c in sample]
    return [
        ("Home", anonymous, ["/"]),
        ("Home, member", as_member, ["/"]),
        ("Directory", anonymous, [reverse("councils:directory")]),
        ("Council public page (50 councils)", anonymous, detail),
        ("News, national list", anonymous, [reverse("news:index")]),
        ("News, councils' list", anonymous, [reverse("news:councils")]),
        ("News article", anonymous, [article.get_absolute_url()]),
        ("Council news", anonymous, [reverse("news:council", kwargs=slug)]),
        ("Council article", anonymous, [council_article.get_absolute_url()]),
        ("Agenda", anonymous, [reverse("events:agenda")]),
        ("Event", anonymous, [event.get_absolute_url()]),
        ("Publications", anonymous, [reverse("documents:publications")]),
        ("Resources", anonymous, [reverse("documents:resources")]),
        ("Forums index", anonymous, [reverse("forums:index")]),
        ("Forums index, member", as_member, [reverse("forums:index")]),
        (
            f"Forum, {national.topic_count:,} topics, page 1",
            anonymous,
            [national.get_absolute_url()],
        ),
        (
            f"Forum, page {far_forum_page}",
            anonymous,
            [f"{national.get_absolute_url()}?page={far_forum_page}"],
        ),
        ("Forum, member", as_member, [national.get_absolute_url()]),
        (
            "Topic of ~20 posts (50 topics)",
            anonymous,
            [reverse("forums:topic", kwargs={"pk": pk}) for pk in ordinary],
        ),
        ("Topic of 2,000, page 1", anonymous, [topic_url]),
        (f"Topic of 2,000, page {last_page}", anonymous, [f"{topic_url}?page={last_page}"]),
        ("Topic of 2,000, page 1, member", as_member, [topic_url]),
        (f"Topic of 2,000, page {last_page}, member", as_member, [f"{topic_url}?page={last_page}"]),
        ("Private space, member", as_member, [reverse("councils:space", kwargs=slug)]),
        ("Council forum, member", as_member, [council_forum.get_absolute_url()]),
        ("Council topic of 2,000, page 1", as_member, [private_url]),
        (f"Council topic, page {last_page}", as_member, [f"{private_url}?page={last_page}"]),
        ("Files, root", as_member, [documents("root")]),
        ("Files, a folder", as_member, [documents("folder", pk=folder.pk)]),
        ("File", as_member, [documents("document", pk=document.pk)]),
        ("Pages list", as_member, [documents("pages")]),
        (f"Page ({page.current.number} revisions)", as_member, [documents("page", pk=page.pk)]),
        ("Page history", as_member, [documents("page_history", pk=page.pk)]),
        ("Council agenda", as_member, [reverse("events:council_agenda", kwargs=slug)]),
        ("Notifications centre", as_member, [reverse("notifications:index")]),
        ("My councils", as_member, [reverse("councils:mine")]),
        ("Search “quartier”", RotatingAddressClient, ["/recherche/?q=quartier"]),
        ("Search “quartier”, member", as_member, ["/recherche/?q=quartier"]),
        (f"Search “{RARE_WORD}”", RotatingAddressClient, [f"/recherche/?q={RARE_WORD}"]),
        (f"Search “{RARE_WORD}”, member", as_member, [f"/recherche/?q={RARE_WORD}"]),
    ]


def data_summary() -> str:
    from django.db import connection

    tables = (
        ("councils_council", "councils"),
        ("accounts_user", "accounts"),
        ("councils_membership", "memberships"),
        ("forums_forum", "forums"),
        ("forums_topic", "topics"),
        ("forums_post", "posts"),
        ("forums_reaction", "reactions"),
        ("documents_document", "files"),
        ("documents_page", "pages"),
        ("documents_pagerevision", "page revisions"),
        ("news_article", "articles"),
        ("events_event", "events"),
        ("documents_resource", "resources"),
        ("notifications_notification", "notifications"),
    )
    parts = []
    with connection.cursor() as cursor:
        for table, label in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (constants)
            parts.append(f"{cursor.fetchone()[0]:,} {label}")
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    return f"Data: {', '.join(parts)}. Database {size}, PostgreSQL {server}."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--councils", type=int, default=1_000)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--revisions", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=100, help="measured, per page type")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured, per page type")
    parser.add_argument(
        "--slow-requests", type=int, default=20, help="measured, for a page slower than 0.5 s"
    )
    parser.add_argument(
        "--statement-timeout", type=int, default=30, help="seconds, while measuring"
    )
    parser.add_argument("--only", default="", help="measure only the pages whose label has this")
    args = parser.parse_args(argv)
    minimum_revisions = BIG_PAGE_REVISIONS + PAGES_PER_COUNCIL * args.councils
    if args.posts < 10 * BIG_TOPIC_POSTS or args.revisions < minimum_revisions:
        parser.error(f"at least {10 * BIG_TOPIC_POSTS} posts and {minimum_revisions} revisions")

    started = time.perf_counter()
    configure_environment()
    import django

    django.setup()
    database = check_database()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import DatabaseError, connection
    from django.test.utils import setup_test_environment

    from councils.models import Membership

    steps = []
    step = Step("database and migrate")
    with timed(step):
        step.created = int(create_database(database))
        step.already = 1 - step.created
        call_command("migrate", interactive=False, verbosity=0)
    steps.append(step)
    councils = seed_councils(args.councils, step := Step("councils (council_create)"))
    steps.append(step)
    user_ids = seed_accounts(args.accounts, step := Step("accounts (bulk_create)"))
    steps.append(step)
    seed_memberships(councils, user_ids, step := Step("memberships + group rows (bulk_create)"))
    steps.append(step)
    seed_membership_events(councils, step := Step("membership log, joined (bulk_create)"))
    steps.append(step)
    member = member_of(councils[0], Membership.Role.MEMBER)
    coordinator = member_of(councils[0], Membership.Role.COORDINATOR)

    with connection.cursor() as cursor:
        done = done_steps(cursor)
    bulk = [
        ("national forums (service)", seed_national_forums),
        ("topics (COPY)", seed_topics, councils, args.posts),
        ("posts (INSERT … SELECT)", seed_posts),
        ("forum counters (UPDATE)", seed_forum_counters),
        ("reactions, 2 big topics (INSERT … SELECT)", seed_reactions),
        ("pages (COPY) and revisions (INSERT … SELECT)", seed_pages, councils, args.revisions),
        ("folders (COPY) and files (INSERT … SELECT)", seed_files, councils, args.files),
        ("news, events, resources (INSERT … SELECT)", seed_news_events_resources, councils),
        ("notifications centre (bulk_create)", seed_centre, member, councils[0]),
    ]
    missing = [entry for entry in bulk if entry[0] not in done]
    if missing:
        step = Step("text pools (COPY, rendered once)")
        with timed(step), connection.cursor() as cursor:
            load_pools(cursor)
        step.created = BODY_POOL + PAGE_POOL
        steps.append(step)
        if any(entry[1] in (seed_posts, seed_reactions) for entry in missing):
            with connection.cursor() as cursor:
                _load_writers_again(cursor, councils)
    for name, function, *arguments in bulk:
        steps.append(bulk_step(name, done, function, *arguments))
    steps.append(vacuum_analyze() if missing else Step("VACUUM ANALYZE", note="nothing new"))
    seed_seconds = time.perf_counter() - started
    progress(f"Seeded in {seed_seconds:.0f} s.")

    if HOST not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]
    setup_test_environment()
    seeded = Seeded(councils, member, coordinator)
    # A query slower than this is cancelled: the page is reported as failed,
    # the other pages are still measured, and the script exits with 1.
    connection.close()
    connection.settings_dict.setdefault("OPTIONS", {})["options"] = (
        f"-c statement_timeout={args.statement_timeout * 1000}"
    )
    load_before = os.getloadavg()[0]
    results, failures = [], []
    for label, client_factory, paths in page_plan(seeded):
        if args.only and args.only not in label:
            continue
        try:
            results.append(measure_page(client_factory(), label, paths, args))
        except (BadResponse, DatabaseError) as error:
            failures.append(f"| {label} | `{paths[0]}` | {str(error).splitlines()[0]} |")
            progress(f"  {label}: FAILED, {error}")
            connection.close()

    print(f"# Every page at the size of DESIGN.md, {date.today().isoformat()}, {code_version()}\n")
    print(
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"settings {os.environ['DJANGO_SETTINGS_MODULE']}, DEBUG={settings.DEBUG}, "
        f"cache {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}, "
        f"{os.cpu_count()} CPUs, load average {load_before:.2f} before measuring and "
        f"{os.getloadavg()[0]:.2f} after.\n"
    )
    print(data_summary() + "\n")
    print(f"## Seeding ({seed_seconds:.0f} s in all)\n")
    print(seeding_table(steps) + "\n")
    print(f"## Pages ({args.warmup} warm-up requests, then {args.requests} measured)\n")
    print(pages_table(results))
    if failures:
        print(f"\n## Failed pages (statement timeout {args.statement_timeout} s)\n")
        print("| page | path | error |\n|---|---|---|")
        print("\n".join(failures))
        return 1
    return 0


def measure_page(client, label: str, paths: list[str], args):
    """A first request decides how many follow: a page slower than half a
    second gets ``--slow-requests`` (the run stays under half an hour, and
    such a page is a finding whatever its p95)."""
    start = time.perf_counter()
    fetch(client, paths[0])
    slow = time.perf_counter() - start > SLOW_SECONDS
    requests = min(args.requests, args.slow_requests) if slow else args.requests
    result = measure(client, label, paths, requests, args.warmup)
    if len(paths) > 1:
        result.path = f"{paths[0]} … ({len(paths)} pages)"
    # On stderr at once: a run stopped later keeps what it measured.
    progress(result.row())
    return result


def _load_writers_again(cursor, councils) -> None:
    """``bench_writer`` is temporary: a run that seeds posts or reactions
    after a run that seeded topics needs it again."""
    from forums.models import Forum

    national = list(
        Forum.objects.filter(council=None, audience=Forum.Audience.EVERYONE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    council_forums = dict(
        Forum.objects.filter(council__in=councils).values_list("council_id", "pk")
    )
    _load_writers(cursor, councils, council_forums, national)


if __name__ == "__main__":
    sys.exit(main())
