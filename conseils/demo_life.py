"""The life of the demo network: each council's news, meetings and private
discussions (from ``demo_local``), pages written together, a folder shared
between the first two councils, national threads the demo accounts take
part in, reports waiting for the moderators, a moderation log, download
counts, and notifications waiting for the demo accounts.

Written through the services, then moved back in time. Idempotent: what is
found by its title (or name) is not written again.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from accounts.models import User
from common.markdown import render_markdown
from councils import services as council_services
from councils.models import Council, JoinRequest, Membership
from documents import services as document_services
from documents.models import (
    Document,
    DocumentVersion,
    Folder,
    Page,
    PageRevision,
    Resource,
    ResourceFolder,
)
from events import permissions as event_permissions
from events import services as event_services
from events.models import Attendance, Event
from forums import services as forum_services
from forums.models import Forum, ModerationAction, Post, Report, Topic
from news import services as news_services
from news.models import Article
from notifications.models import Notification

from .demo_councils import COUNCILS
from .demo_documents import _pdf, _photo
from .demo_forums import thread_restamp
from .demo_local import CLOSING_REPLIES, PAGES, PLENARY, PREPARATION, THEMES, place, wording

DOMAIN = "demo.conseils.test"
SHARED_FOLDER = "Fête inter-quartiers Alma – Bourgogne"
MORE_RESOURCES = [
    ("Animer les réunions", "Modèle d'ordre du jour", "modele-ordre-du-jour.pdf"),
    ("Démarrer un conseil citoyen", "La loi de 2014 expliquée simplement", "loi-2014.pdf"),
    ("Renouvellement urbain", "Glossaire de la rénovation urbaine", "glossaire-renovation.pdf"),
]
# Notifications older than this were read by their recipient.
READ_AFTER = timedelta(days=6)


def seed_life(*, demo_users: dict[str, User]) -> list[str]:
    rng = random.Random(1914)  # noqa: S311 (demo data, not security)  # nosec B311
    started = timezone.now()
    councils = list(Council.objects.filter(status=Council.Status.ACTIVE).order_by("pk"))
    counts = {"articles": 0, "events": 0, "topics": 0, "pages": 0}
    for position, council in enumerate(councils):
        index = position % len(COUNCILS)
        details = place(index)
        members = _members(council, demo_users)
        if not members:
            continue
        counts["articles"] += _news(rng, council, index, details, members)
        counts["events"] += _events(rng, council, index, details, members)
        counts["topics"] += _topics(rng, council, index, details, members, demo_users)
        if index < 6 and position < len(COUNCILS):
            counts["pages"] += _page(rng, council, index, details, members)
    shared = _shared_folder(demo_users)
    _resources(rng, demo_users["animation"])
    national = _national_threads(rng, demo_users)
    _join_request(demo_users)
    _restamp_notifications(rng, started)
    return [
        f"Council life: {counts['articles']} articles, {counts['events']} meetings, "
        f"{counts['topics']} topics, {counts['pages']} pages created.",
        f"Shared folder: {'created' if shared else 'already there'}; "
        f"national threads: {national} created.",
    ]


def _members(council: Council, demo_users: dict[str, User]) -> list[User]:
    """The council's members, coordinators first (the demo accounts first of all)."""
    memberships = (
        Membership.objects.filter(council=council).select_related("user").order_by("joined_at")
    )
    demo_pks = {user.pk for user in demo_users.values()}
    ordered = sorted(
        memberships,
        key=lambda membership: (
            not membership.is_coordinator,
            membership.user_id not in demo_pks,
        ),
    )
    return [membership.user for membership in ordered]


def _themes(index: int, offset: int, count: int, step: int) -> list[dict]:
    return [THEMES[(index + offset + step * turn) % len(THEMES)] for turn in range(count)]


def _news(rng, council: Council, index: int, details, members: list[User]) -> int:
    author = members[0]
    created = 0
    for theme in _themes(index, 1, 2, 4):
        title, summary, body, tags = theme["article"]
        title = wording(title, index).format(**details)
        if Article.objects.filter(council=council, title=title).exists():
            continue
        published = timezone.now() - timedelta(days=rng.randint(2, 50), hours=rng.randint(0, 8))
        values = {
            "title": title,
            "summary": summary.format(**details),
            "body": body.format(**details),
        }
        if Membership.objects.filter(
            council=council, user=author, role=Membership.Role.COORDINATOR
        ).exists():
            article = news_services.article_create(
                author=author, council=council, tags=tags, published_at=published, **values
            )
        else:
            # The council whose coordinator left: its articles are from before
            # (nobody could write them now).
            article = Article.objects.create(
                council=council,
                author=author,
                body_html=render_markdown(values["body"]),
                published_at=published,
                **values,
            )
        # Announced back then, created the same day.
        Article.objects.filter(pk=article.pk).update(
            created_at=published, updated_at=published, notified_at=published
        )
        created += 1
    return created


def _at(days: int, start: time) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, start))


def _events(rng, council: Council, index: int, details, members: list[User]) -> int:
    if Event.objects.filter(council=council).exists():
        return 0
    (theme,) = _themes(index, 2, 1, 1)
    rows = [
        (-rng.randint(10, 30), time(18, 30), PLENARY, Event.Visibility.PUBLIC),
        (
            rng.randint(3, 25),
            time(rng.choice([18, 19]), 0),
            theme["event"],
            Event.Visibility.PUBLIC,
        ),
        (rng.randint(5, 35), time(18, 0), PREPARATION, Event.Visibility.PRIVATE),
    ]
    planner = members[0]
    for days, start, (title, description), visibility in rows:
        starts_at = _at(days, start)
        event = event_services.event_create(
            actor=planner,
            council=council,
            title=title.format(**details),
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            place=f"{details['room']}, {details['town']}",
            description=description.format(**details),
            visibility=visibility,
        )
        for position, user in enumerate(members[:5]):
            answer = [Attendance.Answer.YES, Attendance.Answer.MAYBE, Attendance.Answer.NO][
                (position + days) % 3
            ]
            if event_permissions.can_answer(user, event):
                event_services.attendance_set(actor=user, event=event, answer=answer)
    return len(rows)


def _topics(rng, council, index: int, details, members: list[User], demo_users) -> int:
    forum = forum_services.council_forum_create(council=council)
    created = 0
    # The first thread is the newest: its last replies wait unread.
    for turn, theme in enumerate(_themes(index, 0, 3, 3)):
        title, body, replies = theme["topic"]
        title = wording(title, index).format(**details)
        if Topic.objects.filter(forum=forum, title=title).exists():
            continue
        opener = members[turn % len(members)] if turn < 2 else rng.choice(members)
        answers = [reply.format(**details) for reply in replies[: rng.randint(2, len(replies))]]
        answers.append(rng.choice(CLOSING_REPLIES))
        others = [member for member in members if member.pk != opener.pk] or members
        authors = [opener] + [others[step % len(others)] for step in range(len(answers))]
        if turn == 0:
            # In the newest thread, the last reply names a member (a mention),
            # a demo account when there is one.
            named = sorted(
                (member for member in members if member.pk not in (opener.pk, authors[-1].pk)),
                key=lambda member: not member.email.endswith(f"@{DOMAIN}"),
            )
            if named:
                first_name = named[0].display_name.split()[0]
                answers[-1] = f"@{first_name} {answers[-1][0].lower()}{answers[-1][1:]}"
        days_ago = (1, 3) if turn == 0 else (8, 45)
        first_council = council.slug == "alma-roubaix"
        if first_council and turn == 1:
            # A reply its readers report (below).
            answers.append(REPORTED_REPLY)
            authors.append(others[-1])
        topic = _thread(rng, forum, title, [body.format(**details), *answers], authors, days_ago)
        created += 1
        if first_council and turn == 1:
            _council_moderation(topic, demo_users)
    return created


def _thread(rng, forum: Forum, title, bodies, authors, days_ago) -> Topic:
    """Write a thread through the services, then date it in the past."""
    topic = forum_services.topic_create(author=authors[0], forum=forum, title=title, body=bodies[0])
    for body, author in zip(bodies[1:], authors[1:], strict=True):
        forum_services.post_reply(author=author, topic=topic, body=body)
    hours = sum(rng.randint(1, 20) for _ in bodies)
    start = timezone.now() - timedelta(days=rng.randint(*days_ago), hours=hours)
    thread_restamp(rng, topic, start=start, max_gap_hours=20)
    return topic


REPORTED_REPLY = (
    "De toute façon c'est toujours la même famille du bâtiment C qui salit tout, "
    "tout le monde sait qui c'est."
)


def _council_moderation(topic: Topic, demo_users) -> None:
    """In the first council's forum, its coordinator pinned a thread and a
    member reports a reply: it waits in the coordinator's moderation queue."""
    coordinator, reporter = demo_users["coordination-a"], demo_users["membre-a"]
    forum_services.topic_pin(moderator=coordinator, topic=topic, pinned=True)
    last = topic.posts.order_by("-created_at", "-pk").first()
    ModerationAction.objects.filter(topic=topic).update(created_at=last.created_at)
    if last.author_id != reporter.pk:
        report = forum_services.report_create(
            reporter=reporter, post=last, reason="Ce message accuse une famille du quartier."
        )
        Report.objects.filter(pk=report.pk).update(created_at=last.created_at + timedelta(hours=2))


def _page(rng, council: Council, index: int, details, members: list[User]) -> int:
    if len(members) < 2:
        return 0
    title, body, additions = PAGES[index % len(PAGES)]
    title = title.format(**details)
    if Page.objects.filter(council=council, title=title).exists():
        return 0
    page = document_services.page_create(
        user=members[0], council=council, title=title, body=body.format(**details)
    )
    for number, (addition, summary) in enumerate(additions, start=1):
        page = document_services.page_save(
            user=members[number % len(members)],
            page=page,
            body=page.current.body + addition.format(**details),
            summary=summary,
            based_on=number,
        )
    when = timezone.now() - timedelta(days=rng.randint(12, 30))
    Page.objects.filter(pk=page.pk).update(created_at=when)
    for revision in page.revisions.order_by("number"):
        PageRevision.objects.filter(pk=revision.pk).update(created_at=when)
        last = when
        when += timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 10))
    Page.objects.filter(pk=page.pk).update(updated_at=last)
    return 1


def _shared_folder(demo_users) -> bool:
    """A folder of the first council, shared with the second for their common fête."""
    first = Council.objects.filter(slug="alma-roubaix").first()
    second = Council.objects.filter(slug="bourgogne-tourcoing").first()
    if first is None or second is None:
        return False
    if Folder.objects.filter(council=first, name=SHARED_FOLDER).exists():
        return False
    coordinator = demo_users["coordination-a"]
    folder = document_services.folder_create(
        user=coordinator, council=first, parent=None, name=SHARED_FOLDER
    )
    document_services.folder_share(user=coordinator, folder=folder, council=second)
    for uploaded in (
        _pdf("Programme de la fête inter-quartiers", "programme-fete-inter-quartiers.pdf"),
        _photo("plan-des-stands.jpg"),
    ):
        document_services.document_upload(
            user=coordinator, council=first, folder=folder, uploaded=uploaded
        )
    added = timezone.now() - timedelta(days=4, hours=3)
    Document.objects.filter(folder=folder).update(created_at=added, updated_at=added)
    DocumentVersion.objects.filter(document__folder=folder).update(created_at=added)
    return True


def _resources(rng, animator: User) -> None:
    for shelf_name, title, filename in MORE_RESOURCES:
        shelf = ResourceFolder.objects.filter(name=shelf_name).first()
        if shelf is None or Resource.objects.filter(title=title).exists():
            continue
        document_services.resource_add(
            user=animator, folder=shelf, title=title, description="", uploaded=_pdf(title, filename)
        )
    # What a library read for months would show; real downloads are kept.
    for resource in Resource.objects.filter(download_count=0).order_by("pk"):
        Resource.objects.filter(pk=resource.pk).update(download_count=rng.randint(12, 480))


# National threads the demo accounts take part in: (forum, title, posts as
# (author: a demo account or None for a resident, text)), and what the
# moderators did: "pin", "lock", "hide" (the last post, reported), "report"
# (the last post, waiting), "dismiss" (a report of the second post, dismissed).
NATIONAL_THREADS = [
    (
        "Faire vivre son conseil",
        "Bienvenue sur l'espace d'échanges des conseils citoyens",
        [
            (
                "animation",
                "Bonjour à toutes et à tous ! Cet espace est à vous : posez vos "
                "questions, partagez ce qui marche dans votre quartier. Merci de rester "
                "courtois, et de ne jamais publier les coordonnées d'un voisin.",
            ),
            (None, "Merci Nadia, et bonjour depuis Nîmes !"),
            (None, "@Nadia peut-on partager des photos des réunions ?"),
        ],
        ["pin"],
    ),
    (
        "Faire vivre son conseil",
        "Impossible de joindre un fichier au compte rendu",
        [
            (
                None,
                "Bonjour, quand j'essaie d'ajouter notre compte rendu, le site me dit que "
                "le fichier est trop gros. Que faire ?",
            ),
            (
                "admin",
                "Bonjour, la limite est de 20 Mo par fichier. Enregistrez le document "
                "en PDF plutôt qu'en image scannée : il sera beaucoup plus léger.",
            ),
            (None, "Merci, ça a marché en PDF !"),
        ],
        ["dismiss"],
    ),
    (
        "Faire vivre son conseil",
        "Notre référent peut-il assister aux réunions du conseil ?",
        [
            (
                "coordination-a",
                "Bonjour, notre référent du département voudrait venir à "
                "notre prochaine plénière. Est-ce que c'est courant ?",
            ),
            (
                "referent",
                "Bonjour Fatou, oui, nous venons volontiers quand le conseil nous "
                "invite, sans prendre part aux décisions. Je serai là le 12.",
            ),
            (None, "Chez nous aussi, le référent vient deux fois par an, c'est utile."),
            (None, "@Olivier pourriez-vous aussi venir à Tourcoing ?"),
        ],
        [],
    ),
    (
        "Rénovation urbaine et cadre de vie",
        "Relogement pendant les travaux : quels droits pour les locataires ?",
        [
            (
                "habitant",
                "Bonjour, je ne suis pas membre d'un conseil, mais mon immeuble à "
                "Marseille va être démoli. A-t-on le droit de refuser un relogement ?",
            ),
            (
                None,
                "Bonjour Lucas, le bailleur doit vous faire trois propositions adaptées à "
                "votre famille et à vos revenus. Demandez la charte de relogement.",
            ),
            (
                None,
                "Rapprochez-vous aussi du conseil citoyen de votre quartier, il suit "
                "souvent ces questions.",
            ),
            (
                None,
                "Je vends des meubles à petit prix pour les déménagements, appelez-moi "
                "au 06 12 34 56 78 !!!",
            ),
        ],
        ["hide"],
    ),
    (
        "Rénovation urbaine et cadre de vie",
        "Les chantiers font beaucoup de bruit le samedi",
        [
            (
                None,
                "Dans notre quartier, les travaux commencent à 7 h le samedi. Est-ce autorisé ?",
            ),
            (None, "Regardez l'arrêté municipal sur le bruit des chantiers, il fixe les horaires."),
            (
                None,
                "C'est toujours pareil avec ces gens-là, ils se moquent de nous, "
                "ce sont tous des incapables.",
            ),
        ],
        ["report"],
    ),
    (
        "Salle des conseillers",
        "Ancien sujet : élections du bureau 2024",
        [
            ("membre-b", "Comment avez-vous organisé l'élection de votre bureau ?"),
            (None, "À main levée, en plénière, après un appel à candidatures d'un mois."),
            ("membre-a", "Chez nous, par bulletin secret, c'était plus serein."),
        ],
        ["lock"],
    ),
]


def _national_threads(rng, demo_users) -> int:
    animator = demo_users["animation"]
    residents = list(
        User.objects.filter(email__contains="@habitants.", council_memberships__isnull=False)
        .distinct()
        .order_by("-email")[:30]
    )
    created = 0
    for forum_name, title, posts, moderation in NATIONAL_THREADS:
        forum = Forum.objects.filter(name=forum_name, council__isnull=True).first()
        if forum is None or Topic.objects.filter(forum=forum, title=title).exists():
            continue
        picked = iter(rng.sample(residents, len(posts)))
        authors = [demo_users[who] if who else next(picked) for who, _text in posts]
        days = (10, 30) if "lock" in moderation else (1, 4)
        topic = _thread(rng, forum, title, [text for _who, text in posts], authors, days)
        created += 1
        _moderate(rng, topic, moderation, animator, residents)
    return created


def _moderate(rng, topic: Topic, moderation: list[str], animator: User, residents) -> None:
    posts = list(topic.posts.order_by("created_at", "pk"))
    readers = [user for user in residents if user.pk not in {post.author_id for post in posts}]
    since = timezone.now() - posts[-1].created_at
    when = timezone.now() - since * rng.uniform(0.3, 0.8)
    for action in moderation:
        if action == "pin":
            forum_services.topic_pin(moderator=animator, topic=topic, pinned=True)
        elif action == "lock":
            forum_services.topic_lock(
                moderator=animator,
                topic=topic,
                locked=True,
                reason="Sujet ancien : ouvrez-en un nouveau pour la prochaine élection.",
            )
        elif action == "hide":
            forum_services.report_create(
                reporter=readers[0], post=posts[-1], reason="Publicité, et un numéro de téléphone."
            )
            forum_services.post_hide(
                moderator=animator, post=posts[-1], reason="Publicité : hors sujet."
            )
        elif action == "report":
            for reader, reason in zip(
                readers[:2], ["Propos insultants.", "Ce message manque de respect."], strict=True
            ):
                forum_services.report_create(reporter=reader, post=posts[-1], reason=reason)
        elif action == "dismiss":
            report = forum_services.report_create(
                reporter=readers[0], post=posts[1], reason="Réponse de la plateforme à vérifier."
            )
            forum_services.report_handle(moderator=animator, report=report, resolved=False)
    Report.objects.filter(post__topic=topic).update(created_at=when)
    handled = when + timedelta(hours=1)
    Report.objects.filter(post__topic=topic, handled_at__isnull=False).update(handled_at=handled)
    ModerationAction.objects.filter(topic=topic).update(created_at=handled)
    ModerationAction.objects.filter(post__topic=topic).update(created_at=handled)


def _join_request(demo_users) -> None:
    """A resident of another council asks to join the first one: its
    coordinator and the department's referent are told."""
    council = Council.objects.filter(slug="alma-roubaix").first()
    if council is None or JoinRequest.objects.filter(council=council).exists():
        return
    resident = (
        User.objects.filter(email__contains="@habitants.", town="Roubaix")
        .exclude(council_memberships__council=council)
        .order_by("email")
        .first()
    ) or User.objects.filter(email__contains="@habitants.").exclude(
        council_memberships__council=council
    ).order_by("email").first()
    join_request = council_services.membership_request(
        user=resident,
        council=council,
        message="Bonjour, j'habite rue de l'Épeule depuis l'été et je voudrais participer.",
    )
    JoinRequest.objects.filter(pk=join_request.pk).update(
        created_at=timezone.now() - timedelta(hours=20)
    )


# Where each kind of notification finds the time of what it tells.
_WHEN = {
    "forums.reply": Post,
    "forums.mention": Post,
    "forums.new_topic": Post,
    "councils.join_request": JoinRequest,
    "documents.new_file": Document,
    "documents.new_page": Page,
    # Its target is the topic: the time of the last action on it.
    "forums.moderation": ModerationAction,
}


def _moderation_times(topic_ids) -> dict[int, datetime]:
    times = {}
    for topic_id, when in ModerationAction.objects.filter(topic_id__in=topic_ids).values_list(
        "topic_id", "created_at"
    ):
        times[topic_id] = max(when, times.get(topic_id, when))
    return times


def _restamp_notifications(rng, started) -> None:
    """Notifications written during this run take the time of what they tell;
    those older than a few days were read since."""
    fresh = Notification.objects.filter(
        pk__in=list(
            Notification.objects.filter(created_at__gte=started).values_list("pk", flat=True)
        )
    )
    for kind, model in _WHEN.items():
        rows = fresh.filter(kind=kind)
        if model is ModerationAction:
            times = _moderation_times(rows.values("target_id"))
        else:
            times = dict(
                model.objects.filter(pk__in=rows.values("target_id")).values_list(
                    "pk", "created_at"
                )
            )
        for notification in rows.only("pk", "target_id"):
            if notification.target_id in times:
                Notification.objects.filter(pk=notification.pk).update(
                    created_at=times[notification.target_id]
                )
    for notification in fresh.exclude(kind__in=_WHEN).only("pk"):
        Notification.objects.filter(pk=notification.pk).update(
            created_at=started - timedelta(hours=rng.randint(1, 72))
        )
    old = Notification.objects.filter(
        pk__in=fresh.values("pk"), created_at__lt=started - READ_AFTER, read_at__isnull=True
    )
    for notification in old.only("pk", "created_at"):
        Notification.objects.filter(pk=notification.pk).update(
            read_at=notification.created_at + timedelta(hours=rng.randint(1, 30))
        )
