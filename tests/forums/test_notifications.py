"""What the forums publish through the notifications centre: mentions,
replies, new topics and moderation — who is told, who is not, the e-mail or
the digest each kind gets by default, and the re-check of the forums' own
rules when a notification is shown or e-mailed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import animator_appoint
from councils import services as council_services
from councils.models import Membership
from forums import permissions, services
from forums.models import Forum, ModerationAction, Post
from notifications import registry
from notifications import services as notification_services
from notifications.models import Notification
from tests.accounts.factories import XSS, UserFactory
from tests.councils.factories import OTHER_DEPARTMENT, coordinator_of, council_create, department
from tests.councils.factories import member_of as council_member
from tests.forums.factories import national_forum, reply_in, topic_in

pytestmark = pytest.mark.django_db

NBSP = "\xa0"


def _q(text: str) -> str:
    """French quotes as the translations write them: « text »."""
    return f"«{NBSP}{text}{NBSP}»"


def member_of(council, **fields) -> User:
    return council_member(council, UserFactory(**fields))


def _told(kind: str) -> list[User]:
    return [
        notification.recipient
        for notification in Notification.objects.filter(kind=kind)
        .select_related("recipient")
        .order_by("recipient_id")
    ]


def _fresh(user: User) -> User:
    """The user as a new request would load them (no cached grants)."""
    return User.objects.get(pk=user.pk)


def _is_visible(user: User, notification: Notification) -> bool:
    shown, _hidden = notification_services.visible(_fresh(user), [notification])
    return shown == [notification]


def _remove(council, member: User) -> None:
    council_services.membership_remove(
        actor=coordinator_of(council),
        membership=Membership.objects.get(council=council, user=member),
    )


def _animator() -> User:
    animator = UserFactory()
    animator_appoint(user=animator, system=True)
    return animator


@pytest.fixture
def council():
    return council_create(name=f"Conseil citoyen de l’Alma {XSS}")


# The kinds.


def test_the_forums_register_four_kinds_with_their_defaults():
    kinds = {
        key: registry.kind(key)
        for key in ("forums.mention", "forums.reply", "forums.new_topic", "forums.moderation")
    }
    assert {key: kind.default for key, kind in kinds.items()} == {
        "forums.mention": registry.IMMEDIATE,
        "forums.reply": registry.DIGEST,
        "forums.new_topic": registry.DIGEST,
        "forums.moderation": registry.IMMEDIATE,
    }
    assert str(kinds["forums.mention"].label) == "Quelqu’un me mentionne"
    assert str(kinds["forums.reply"].label) == "Réponses dans les sujets que je suis"


# Mentions: at once, to the mentioned people who read the topic.


def test_a_mention_is_e_mailed_at_once_to_members_only(
    council, mailoutbox, django_capture_on_commit_callbacks
):
    author = member_of(council, display_name="Julien L.")
    fatou = member_of(council, display_name="Fatou Diallo")
    other_council = council_create(department=department(OTHER_DEPARTMENT), town="Lyon")
    council_member(other_council, UserFactory(display_name="Samira H."))
    animator = _animator()
    animator.display_name = "Anne Animatrice"
    animator.save(update_fields=["display_name"])
    # Someone who took part in the topic, then left the council.
    leaver = member_of(council, display_name="Paul Parti")
    topic = topic_in(council.forum, author, title=f"Budget {XSS}")
    reply_in(topic, leaver, body="Je suis là")
    _remove(council, leaver)
    mailoutbox.clear()

    body = (
        "Merci **@Fatou Diallo** ! @Samira H. @Anne Animatrice @Paul Parti @Julien L. "
        "[le compte rendu](https://exemple.test/cr)"
    )
    with django_capture_on_commit_callbacks(execute=True):
        post = reply_in(topic, author, body=body)

    assert _told("forums.mention") == [fatou]
    notification = Notification.objects.get(kind="forums.mention")
    assert notification.target_id == post.pk
    assert notification.actor == author
    assert notification.title == f"Julien L. vous a mentionné dans {_q(f'Budget {XSS}')}"
    # Plain text: no markdown marks, no link syntax.
    assert notification.excerpt.startswith("Merci @Fatou Diallo ! @Samira H.")
    assert "le compte rendu" in notification.excerpt
    assert "**" not in notification.excerpt and "](" not in notification.excerpt
    assert (notification.group_key, notification.group_title) == (
        f"council:{council.pk}",
        council.name,
    )
    assert (notification.thread_key, notification.thread_title) == (
        f"topic:{topic.pk}",
        topic.title,
    )
    assert notification.url == post.get_absolute_url()

    (message,) = mailoutbox
    assert message.to == [fatou.email]
    assert "Julien L. vous a mentionné dans" in message.subject
    assert "Merci @Fatou Diallo" in message.body
    assert post.get_absolute_url() in message.body
    assert message.extra_headers["List-Unsubscribe"]


def test_a_mentioned_follower_is_told_once_as_a_mention(council):
    author = member_of(council, display_name="Julien L.")
    fatou = member_of(council, display_name="Fatou Diallo")
    follower = member_of(council)
    topic = topic_in(council.forum, author)
    services.subscription_toggle(user=fatou, topic=topic)
    services.subscription_toggle(user=follower, topic=topic)

    reply_in(topic, author, body="Qu’en penses-tu @Fatou Diallo ?")

    assert _told("forums.mention") == [fatou]
    assert _told("forums.reply") == [follower]


# Replies: in the digest, to the followers of the topic.


def test_a_reply_goes_to_the_followers_digest_not_to_its_author_nor_outsiders(
    council, mailoutbox, django_capture_on_commit_callbacks
):
    opener = member_of(council, display_name="Nadia B.")
    replier = member_of(council, display_name="Julien L.")
    follower = member_of(council)
    leaver = member_of(council)
    topic = topic_in(council.forum, opener, title=f"Fête de quartier {XSS}")
    for user in (follower, leaver):
        services.subscription_toggle(user=user, topic=topic)
    # A follower of the forum only hears of new topics, not of replies.
    forum_follower = member_of(council)
    services.subscription_toggle(user=forum_follower, forum=council.forum)
    _remove(council, leaver)

    with django_capture_on_commit_callbacks(execute=True):
        post = reply_in(topic, replier, body="Rendez-vous **jeudi** à 18 h")
    # The replier now follows the topic too, but is never told of their own reply.
    assert _told("forums.reply") == [opener, follower]
    assert mailoutbox == []  # the digest is the default
    notification = Notification.objects.filter(kind="forums.reply").first()
    assert notification.target_id == post.pk
    assert notification.title == f"Julien L. a répondu dans {_q(topic.title)}"
    assert notification.excerpt == "Rendez-vous jeudi à 18 h"

    with django_capture_on_commit_callbacks(execute=True):
        notification_services.send_digests()
    assert sorted(message.to[0] for message in mailoutbox) == sorted([opener.email, follower.email])
    digest = next(message for message in mailoutbox if message.to == [follower.email])
    assert council.name in digest.body
    assert topic.title in digest.body
    assert notification.title in digest.body


@pytest.mark.django_db(transaction=True)
def test_replies_in_a_topic_with_line_breaks_in_its_title_answer_normally(client):
    """A vertical tab or a line separator in a title went into the e-mailed
    notification's subject, which Python's e-mail package refuses: while a
    follower wanted e-mails at once, every reply in the topic answered 500.
    The title comes from the service (a form now cleans it); committed as in
    production (no test transaction), so the e-mail is built in the request."""
    council = council_create(name="Conseil citoyen de l’Alma")
    author = member_of(council, display_name="Julien\x0bL.")
    follower = member_of(council, email="suit@exemple.test")
    topic = topic_in(council.forum, author, title="Budget\x0b2027\u2028\x85\x0c\x1c")
    services.subscription_toggle(user=follower, topic=topic)
    notification_services.preference_set(
        user=follower, kind="forums.reply", delivery=registry.IMMEDIATE
    )
    replier = member_of(council, display_name="Awa")
    client.force_login(replier)
    for number in range(2):
        response = client.post(
            reverse("forums:reply", args=[topic.pk]),
            {"body": f"Réponse {number}", "submission_key": f"r{number}"},
        )
        assert response.status_code == 302
    assert Post.objects.filter(topic=topic).count() == 3
    told = [m for m in mail.outbox if m.to == [follower.email]]
    assert [m.subject for m in told] == [
        f"[Conseils citoyens] Awa a répondu dans {_q('Budget 2027')}"
    ] * 2


# New topics: in the digest, to the followers of the forum.


def test_a_new_topic_goes_to_the_forum_followers_digest(
    mailoutbox, django_capture_on_commit_callbacks
):
    forum = national_forum(Forum.Audience.REGISTERED, name=f"Logement {XSS}")
    author = UserFactory(display_name="Julien L.")
    follower, topic_follower = UserFactory(), UserFactory()
    services.subscription_toggle(user=follower, forum=forum)
    services.subscription_toggle(user=author, forum=forum)
    earlier = topic_in(forum, UserFactory())
    services.subscription_toggle(user=topic_follower, topic=earlier)
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        topic = topic_in(forum, author, title="Loyers trop chers", body="Qui d’autre ?")

    assert _told("forums.new_topic") == [follower]
    assert not Notification.objects.exclude(kind="forums.new_topic").exists()
    notification = Notification.objects.get()
    assert notification.target_id == topic.posts.get().pk  # the first post
    assert notification.title == (
        f"Julien L. a ouvert le sujet {_q('Loyers trop chers')} dans {_q(forum.name)}"
    )
    assert (notification.group_key, notification.group_title) == (f"forum:{forum.pk}", forum.name)
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        notification_services.send_digests()
    (digest,) = mailoutbox
    assert digest.to == [follower.email]
    assert "Loyers trop chers" in digest.body


def test_a_new_topic_in_a_council_forum_reaches_its_members_only(council):
    author = member_of(council)
    member = member_of(council)
    services.subscription_toggle(user=member, forum=council.forum)
    other_council = council_create(department=department(OTHER_DEPARTMENT), town="Lyon")
    elsewhere = council_member(other_council, UserFactory())
    services.subscription_toggle(user=elsewhere, forum=other_council.forum)

    topic_in(council.forum, author)

    assert _told("forums.new_topic") == [member]


def test_a_post_waiting_for_approval_tells_nobody_until_approved(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.FORUM_NEW_ACCOUNT_DAYS = 7
    settings.FORUM_APPROVE_FIRST_POSTS = 1
    forum = national_forum()
    follower = UserFactory()
    services.subscription_toggle(user=follower, forum=forum)
    newcomer = UserFactory(display_name="Nouvelle venue")
    with django_capture_on_commit_callbacks(execute=True):
        topic = topic_in(forum, newcomer, title="Première question", body="Bonjour à tous")
    post = topic.posts.get()
    assert post.status == Post.Status.PENDING
    assert not Notification.objects.exists()

    animator = _animator()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_approve(moderator=animator, post=post)

    assert _told("forums.new_topic") == [follower]
    assert _told("forums.moderation") == [newcomer]
    published = Notification.objects.get(kind="forums.moderation")
    assert published.title == f"Votre message dans {_q('Première question')} est publié"
    assert published.excerpt == ""  # no reason, nothing to disagree with
    (message,) = mailoutbox
    assert message.to == [newcomer.email]


# Moderation: at once, to the author, about the topic.


def test_hiding_tells_the_author_at_once_with_the_reason(
    council, mailoutbox, django_capture_on_commit_callbacks
):
    coordinator = coordinator_of(council)
    author = member_of(council)
    topic = topic_in(council.forum, coordinator, title="Le marché")
    post = reply_in(topic, author, body="Mon avis")
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.post_hide(moderator=coordinator, post=post, reason=f"Propos blessants {XSS}")

    assert _told("forums.moderation") == [author]
    notification = Notification.objects.get(kind="forums.moderation")
    assert notification.target_id == topic.pk
    assert notification.actor == coordinator
    assert notification.url == post.get_absolute_url()
    assert notification.title == f"La modération a masqué votre message dans {_q('Le marché')}"
    assert f"Raison donnée{NBSP}: Propos blessants {XSS}" in notification.excerpt
    assert "la coordination de votre conseil" in notification.excerpt
    (message,) = mailoutbox
    assert message.to == [author.email]
    assert "La modération a masqué votre message" in message.subject
    assert "Propos blessants" in message.body
    # The author still reads the topic where their post shows as hidden.
    assert _is_visible(author, notification)


def test_a_reason_without_a_form_loses_its_control_characters(council, mailoutbox):
    """Locking and showing again read their optional reason straight from the
    button's form: the service cleans it (PostgreSQL refuses NUL in text)."""
    coordinator = coordinator_of(council)
    author = member_of(council)
    topic = topic_in(council.forum, author, title="Le marché")
    services.topic_lock(
        moderator=coordinator,
        topic=topic,
        locked=True,
        reason="Hors\x00sujet,\x0bdésolé.\nÀ bientôt",
    )
    action = ModerationAction.objects.get(topic=topic)
    assert action.reason == "Hors sujet, désolé.\nÀ bientôt"
    notification = Notification.objects.get(kind="forums.moderation")
    assert "Hors sujet, désolé.\nÀ bientôt" in notification.excerpt


def test_locking_and_moving_tell_the_topic_author_never_the_moderator_themself():
    animator = _animator()
    author = UserFactory()
    first, second = national_forum(), national_forum(name="Transports")
    topic = topic_in(first, author, title="Le bus 12")
    own = topic_in(first, animator)

    services.topic_lock(moderator=animator, topic=topic, locked=True, reason="Hors sujet")
    services.topic_move(moderator=animator, topic=topic, forum=second)
    services.topic_lock(moderator=animator, topic=own, locked=True)
    services.topic_pin(moderator=animator, topic=topic, pinned=True)  # not worth a notification

    locked, moved = Notification.objects.filter(kind="forums.moderation").order_by("pk")
    assert (locked.recipient, moved.recipient) == (author, author)
    assert locked.title == f"La modération a verrouillé votre sujet {_q('Le bus 12')}"
    assert locked.excerpt.startswith(f"Raison donnée{NBSP}: Hors sujet")
    assert "animation nationale" in locked.excerpt
    assert moved.title == (
        f"La modération a déplacé votre sujet {_q('Le bus 12')} vers {_q('Transports')}"
    )
    assert (moved.target_id, moved.group_key) == (topic.pk, f"forum:{second.pk}")


def test_an_author_who_left_is_not_told_of_moderation(council):
    coordinator, leaver = coordinator_of(council), member_of(council)
    topic = topic_in(council.forum, coordinator)
    post = reply_in(topic, leaver, body="Mon avis")
    council_services.membership_leave(user=leaver, council=council)

    services.post_hide(moderator=coordinator, post=post, reason="Raison")

    assert not Notification.objects.filter(recipient=leaver).exists()


# The re-check: the forums' rules again when shown and e-mailed.


def test_a_member_removed_after_a_mention_gets_no_e_mail_of_it(
    council, mailoutbox, django_capture_on_commit_callbacks
):
    author = member_of(council, display_name="Julien L.")
    fatou = member_of(council, display_name="Fatou Diallo")
    topic = topic_in(council.forum, author)
    # The event, its e-mail not sent yet (nothing commits in a test).
    reply_in(topic, author, body=f"Secret du conseil, @Fatou Diallo {XSS}")
    notification = Notification.objects.get(recipient=fatou)
    assert _is_visible(fatou, notification)

    _remove(council, fatou)

    assert not _is_visible(fatou, notification)
    with django_capture_on_commit_callbacks(execute=True):
        sent = notification_services.deliver_immediate([notification.pk])
    assert sent == 0
    assert mailoutbox == []


def test_a_member_removed_before_the_digest_gets_nothing_of_it(
    council, mailoutbox, django_capture_on_commit_callbacks
):
    author, stayer, leaver = member_of(council), member_of(council), member_of(council)
    topic = topic_in(council.forum, author, title="Budget secret")
    for user in (stayer, leaver):
        services.subscription_toggle(user=user, topic=topic)
        services.subscription_toggle(user=user, forum=council.forum)
    reply_in(topic, author, body="Les chiffres du budget")
    topic_in(council.forum, author, title="Autre sujet secret")
    forum_kinds = Notification.objects.filter(kind__startswith="forums.")
    assert forum_kinds.filter(recipient=leaver).count() == 2

    _remove(council, leaver)
    with django_capture_on_commit_callbacks(execute=True):
        notification_services.send_digests()

    (digest,) = [message for message in mailoutbox if message.to == [stayer.email]]
    assert "Budget secret" in digest.body
    assert "Autre sujet secret" in digest.body
    for message in mailoutbox:
        if leaver.email in message.to:
            assert "secret" not in message.subject + message.body
    # Nothing waits for them any more either.
    assert not forum_kinds.filter(recipient=leaver, delivered_at__isnull=True).exists()


def test_a_hidden_post_is_no_longer_shown_but_to_moderators(council):
    coordinator = coordinator_of(council)
    author, follower = member_of(council), member_of(council)
    topic = topic_in(council.forum, author)
    for user in (follower, coordinator):
        services.subscription_toggle(user=user, topic=topic)
    post = reply_in(topic, author, body="Propos déplacés")
    told = {n.recipient_id: n for n in Notification.objects.filter(kind="forums.reply")}
    assert set(told) == {follower.pk, coordinator.pk}

    services.post_hide(moderator=coordinator, post=post, reason="Hors charte")

    assert not _is_visible(follower, told[follower.pk])
    assert _is_visible(coordinator, told[coordinator.pk])


def test_a_deleted_post_is_no_longer_shown(council):
    author, follower = member_of(council), member_of(council)
    topic = topic_in(council.forum, author)
    services.subscription_toggle(user=follower, topic=topic)
    replier = member_of(council)
    post = reply_in(topic, replier, body="Oups")
    notification = Notification.objects.get(recipient=follower)

    services.post_delete(user=replier, post=post)

    assert not _is_visible(follower, notification)


def test_national_forum_rules_apply_again(settings):
    forum = national_forum(Forum.Audience.COUNCIL_MEMBERS)
    council = council_create()
    member = member_of(council)
    topic = topic_in(forum, member)
    reader = member_of(council)
    services.subscription_toggle(user=reader, topic=topic)
    post = reply_in(topic, member)
    notification = Notification.objects.get(recipient=reader)
    assert _is_visible(reader, notification)

    council_services.membership_leave(user=reader, council=council)

    # No longer a member of any council: that audience is closed to them.
    assert not _is_visible(reader, notification)
    assert permissions.visible_post_ids(_fresh(reader), [post.pk]) == set()


def test_visible_ids_take_a_fixed_number_of_queries(council):
    member = member_of(council)
    topic = topic_in(council.forum, member)
    posts = [reply_in(topic, member) for _ in range(30)]
    other_council = council_create(department=department(OTHER_DEPARTMENT), town="Lyon")
    foreign = topic_in(other_council.forum, member_of(other_council))
    reader = _fresh(member)
    permissions.visible_post_ids(reader, [posts[0].pk])  # reads the grants once

    with CaptureQueriesContext(connection) as one:
        permissions.visible_post_ids(reader, [posts[0].pk])
    ids = [post.pk for post in posts] + [foreign.posts.get().pk]
    with CaptureQueriesContext(connection) as many:
        visible = permissions.visible_post_ids(reader, ids)
    assert len(one) == len(many) == 1
    assert visible == {post.pk for post in posts}
    with CaptureQueriesContext(connection) as topics:
        assert permissions.visible_topic_ids(reader, [topic.pk, foreign.pk]) == {topic.pk}
    assert len(topics) == 1


def test_nobody_signed_out_or_inactive_sees_anything(council):
    member = member_of(council)
    topic = topic_in(national_forum(), member)
    post = topic.posts.get()
    assert permissions.visible_post_ids(AnonymousUser(), [post.pk]) == set()
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert permissions.visible_post_ids(_fresh(member), [post.pk]) == set()


# The centre page.


def test_markup_in_titles_and_excerpts_is_escaped_in_the_centre(client, council):
    author = member_of(council)  # named "Personne n <script>…" by the factory
    follower = member_of(council)
    topic = topic_in(council.forum, author, title=f"Sujet {XSS}")
    services.subscription_toggle(user=follower, topic=topic)
    reply_in(topic, author, body="Réponse &lt;script&gt;alert(1)&lt;/script&gt; fin")
    notification = Notification.objects.get(recipient=follower)
    assert XSS in notification.title

    client.force_login(follower)
    page = client.get("/notifications/").content.decode()

    assert XSS not in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; fin" in page


def test_a_post_approved_after_its_author_left_the_site_names_no_one(settings):
    from accounts.services import account_delete

    settings.FORUM_NEW_ACCOUNT_DAYS = 7
    settings.FORUM_APPROVE_FIRST_POSTS = 1
    forum = national_forum()
    follower = UserFactory()
    opener = UserFactory(date_joined=timezone.now() - timedelta(days=30))
    topic = topic_in(forum, opener)
    services.subscription_toggle(user=follower, topic=topic)
    newcomer = UserFactory()
    post = reply_in(topic, newcomer, body="En attente")
    account_delete(user=newcomer)
    post.refresh_from_db()

    services.post_approve(moderator=_animator(), post=post)

    assert _told("forums.reply") == sorted([opener, follower], key=lambda user: user.pk)
    assert not Notification.objects.filter(kind="forums.moderation").exists()
    for notification in Notification.objects.filter(kind="forums.reply"):
        assert notification.title.startswith("compte supprimé a répondu")
        assert notification.actor is None
