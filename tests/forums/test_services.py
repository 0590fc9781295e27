"""What the forum services write, refuse and send."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.roles import animator_appoint
from forums import services
from forums.models import Forum, ModerationAction, Post, Report, Topic
from notifications import services as notification_services
from notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.councils.factories import coordinator_of, council_create, member_of
from tests.forums.factories import (
    DANGEROUS_OUTPUT,
    HOSTILE_INPUTS,
    national_forum,
    reply_in,
    topic_in,
)
from tests.hostile import markup_of

pytestmark = pytest.mark.django_db


def _messages(excinfo) -> list[str]:
    return excinfo.value.messages


@pytest.mark.parametrize("hostile", HOSTILE_INPUTS)
def test_hostile_markup_is_rendered_harmless(hostile):
    author = UserFactory()
    topic = topic_in(national_forum(), author, body=f"Avant {hostile} après")
    html = topic.posts.get().body_html
    # Raw HTML is shown as the text it is (escaped), never as markup.
    markup = markup_of(html).lower()
    for dangerous in DANGEROUS_OUTPUT:
        assert dangerous not in markup, (hostile, html)
    assert "Avant" in html


def test_text_is_rendered_before_any_row_is_locked(render_depths):
    """Rendering a long text under the topic's lock made every other
    request wait ("database is locked" on SQLite): render, then lock."""
    depths = render_depths("forums.services._shared")
    author = UserFactory()
    topic = topic_in(national_forum(), author, body="Premier **message**")
    reply = reply_in(topic, author, body="Une *réponse*")
    services.post_edit(editor=author, post=reply, body="Une réponse corrigée")
    assert depths == [0, 0, 0]
    reply.refresh_from_db()
    assert reply.body_html == "<p>Une réponse corrigée</p>"


def test_links_get_rel_nofollow_ugc_noopener():
    topic = topic_in(national_forum(), UserFactory(), body="[site](https://exemple.test)")
    assert 'rel="nofollow ugc noopener"' in topic.posts.get().body_html


def test_a_one_megabyte_post_is_refused_clearly_and_stores_nothing():
    topic = topic_in(national_forum(), UserFactory())
    with pytest.raises(ValidationError) as excinfo:
        services.post_reply(author=UserFactory(), topic=topic, body="x" * 1_000_000)
    assert "la limite est de 20" in _messages(excinfo)[0]
    assert topic.posts.count() == 1


def test_an_empty_post_is_refused():
    with pytest.raises(ValidationError):
        services.topic_create(author=UserFactory(), forum=national_forum(), title="T", body="  ")
    assert not Topic.objects.exists()


def test_a_double_submitted_reply_makes_one_post():
    topic = topic_in(national_forum(), UserFactory())
    author = UserFactory()
    first = services.post_reply(author=author, topic=topic, body="Bonjour", submission_key="k1")
    second = services.post_reply(author=author, topic=topic, body="Bonjour", submission_key="k1")
    assert first == second
    assert topic.posts.count() == 2
    topic.refresh_from_db()
    assert topic.post_count == 2


def test_counters_follow_topics_and_replies():
    forum = national_forum()
    topic = topic_in(forum, UserFactory())
    reply_in(topic, UserFactory())
    forum.refresh_from_db()
    topic.refresh_from_db()
    assert (forum.topic_count, forum.post_count, topic.post_count) == (1, 2, 2)


def test_editing_keeps_the_history_and_a_moderator_must_give_a_reason():
    forum = national_forum()
    author = UserFactory()
    topic = topic_in(forum, author, body="Version 1")
    post = topic.posts.get()
    services.post_edit(editor=author, post=post, body="Version 2")
    post.refresh_from_db()
    assert post.body == "Version 2"
    assert post.edited_at is not None
    assert list(post.revisions.values_list("body", flat=True)) == ["Version 1"]

    animator = UserFactory()
    animator_appoint(user=animator, system=True)
    with pytest.raises(ValidationError):
        services.post_edit(editor=animator, post=post, body="Version 3")
    mail.outbox.clear()
    services.post_edit(editor=animator, post=post, body="Version 3", reason="Coquille")
    assert ModerationAction.objects.get().kind == ModerationAction.Kind.EDIT


def test_someone_else_cannot_edit_or_delete():
    topic = topic_in(national_forum(), UserFactory())
    post = topic.posts.get()
    stranger = UserFactory()
    with pytest.raises(PermissionDenied):
        services.post_edit(editor=stranger, post=post, body="Piraté")
    with pytest.raises(PermissionDenied):
        services.post_delete(user=stranger, post=post)
    post.refresh_from_db()
    assert post.body != "Piraté"


def test_deleting_a_reply_and_a_lonely_first_post():
    forum = national_forum()
    author, replier = UserFactory(), UserFactory()
    topic = topic_in(forum, author)
    reply = reply_in(topic, replier)
    with pytest.raises(ValidationError):
        services.post_delete(user=author, post=topic.posts.first())
    services.post_delete(user=replier, post=reply)
    assert services.post_delete(user=author, post=topic.posts.get()) is None
    assert not Topic.objects.exists()
    forum.refresh_from_db()
    assert (forum.topic_count, forum.post_count) == (0, 0)


def test_new_accounts_are_slowed_down(settings):
    settings.FORUM_NEW_ACCOUNT_DAYS = 1
    forum = national_forum()
    newcomer = UserFactory()
    topic = topic_in(forum, newcomer)
    with pytest.raises(ValidationError) as excinfo:
        topic_in(forum, newcomer)
    assert "un sujet toutes les 2 minutes" in _messages(excinfo)[0]
    with pytest.raises(ValidationError) as excinfo:
        reply_in(topic, newcomer)
    assert "une fois toutes les 30 secondes" in _messages(excinfo)[0]
    established = UserFactory(date_joined=timezone.now() - timedelta(days=30))
    topic_in(forum, established)
    topic_in(forum, established)


def test_first_posts_of_new_accounts_wait_for_approval_in_national_forums(settings):
    settings.FORUM_NEW_ACCOUNT_DAYS = 1
    settings.FORUM_APPROVE_FIRST_POSTS = 1
    forum = national_forum()
    newcomer = UserFactory()
    topic = topic_in(forum, newcomer)
    post = topic.posts.get()
    assert post.status == Post.Status.PENDING
    forum.refresh_from_db()
    assert forum.topic_count == 0

    animator = UserFactory()
    animator_appoint(user=animator, system=True)
    services.post_approve(moderator=animator, post=post)
    post.refresh_from_db()
    forum.refresh_from_db()
    assert post.is_published
    assert (forum.topic_count, forum.post_count) == (1, 1)

    council = council_create()
    member = member_of(council, UserFactory())
    council_topic = topic_in(council.forum, member)
    assert council_topic.posts.get().is_published  # councils' own forums: no wait


def test_hiding_tells_the_author_and_is_logged(django_capture_on_commit_callbacks):
    author = UserFactory(email="auteur@exemple.test")
    topic = topic_in(national_forum(), author)
    post = topic.posts.get()
    animator = UserFactory()
    animator_appoint(user=animator, system=True)
    with pytest.raises(ValidationError):
        services.post_hide(moderator=animator, post=post, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.post_hide(moderator=animator, post=post, reason="Propos insultants")
    post.refresh_from_db()
    assert post.is_hidden
    # Moderation is e-mailed at once by default, with the reason.
    assert [m.to for m in mail.outbox] == [["auteur@exemple.test"]]
    assert "Propos insultants" in mail.outbox[0].body
    notification = Notification.objects.get(recipient=author)
    assert (notification.kind, notification.target_id) == ("forums.moderation", topic.pk)
    action = ModerationAction.objects.get()
    assert (action.kind, action.actor, action.reason) == (
        ModerationAction.Kind.HIDE,
        animator,
        "Propos insultants",
    )


def test_moderators_are_the_animator_nationally_and_coordinators_at_home():
    council = council_create()
    coordinator = coordinator_of(council)
    member = member_of(council)
    council_topic = topic_in(council.forum, member)
    national_topic = topic_in(national_forum(), member)
    animator = UserFactory()
    animator_appoint(user=animator, system=True)

    services.topic_lock(moderator=coordinator, topic=council_topic, locked=True)
    services.topic_pin(moderator=animator, topic=national_topic, pinned=True)
    with pytest.raises(PermissionDenied):
        services.topic_pin(moderator=animator, topic=council_topic, pinned=True)
    with pytest.raises(PermissionDenied):
        services.topic_lock(moderator=coordinator, topic=national_topic, locked=True)
    with pytest.raises(ValidationError):
        reply_in(council_topic, member)


def test_a_topic_never_moves_in_or_out_of_a_council_forum():
    animator = UserFactory()
    animator_appoint(user=animator, system=True)
    first, second = national_forum(), national_forum()
    topic = topic_in(first, UserFactory())
    services.topic_move(moderator=animator, topic=topic, forum=second, reason="Mieux ici")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.topic_count, second.topic_count) == (0, 1)
    council = council_create()
    with pytest.raises(PermissionDenied):
        services.topic_move(moderator=animator, topic=topic, forum=council.forum)


def test_reports_one_open_per_person_then_handled():
    topic = topic_in(national_forum(), UserFactory())
    post = topic.posts.get()
    reporter = UserFactory()
    report = services.report_create(reporter=reporter, post=post, reason="Publicité")
    with pytest.raises(ValidationError):
        services.report_create(reporter=reporter, post=post, reason="Encore")
    animator = UserFactory()
    animator_appoint(user=animator, system=True)
    services.report_handle(moderator=animator, report=report, resolved=False)
    report.refresh_from_db()
    assert report.status == Report.Status.DISMISSED
    with pytest.raises(ValidationError):
        services.report_handle(moderator=animator, report=report, resolved=True)


def test_every_council_gets_its_private_forum():
    council = council_create()
    assert council.forum.audience == Forum.Audience.COUNCIL_MEMBERS
    assert council.forum.council == council


def test_followers_get_a_reply_in_their_digest_and_people_who_left_do_not(
    django_capture_on_commit_callbacks,
):
    from councils import services as council_services

    council = council_create(name="Conseil citoyen de l’Alma")
    coordinator_of(council)
    author = member_of(council, UserFactory(display_name="Julien L."))
    follower = member_of(council, UserFactory(email="suit@exemple.test"))
    leaver = member_of(council, UserFactory(email="parti@exemple.test"))
    topic = topic_in(council.forum, author, title="Fête de quartier")
    services.subscription_toggle(user=follower, topic=topic)
    services.subscription_toggle(user=leaver, topic=topic)
    council_services.membership_leave(user=leaver, council=council)

    with django_capture_on_commit_callbacks(execute=True):
        reply = reply_in(topic, author, body="Rendez-vous jeudi à 18 h")
    # Replies wait for the daily digest by default.
    assert mail.outbox == []
    (notification,) = Notification.objects.filter(kind="forums.reply")
    assert (notification.recipient, notification.target_id) == (follower, reply.pk)
    assert notification.title == "Julien L. a répondu dans «\xa0Fête de quartier\xa0»"
    assert notification.excerpt == "Rendez-vous jeudi à 18 h"

    with django_capture_on_commit_callbacks(execute=True):
        notification_services.send_digests()
    assert [m.to for m in mail.outbox] == [["suit@exemple.test"]]
    assert notification.title in mail.outbox[0].body
    assert "Conseil citoyen de l’Alma" in mail.outbox[0].body


def test_mentions_reach_readers_once_and_never_outsiders(django_capture_on_commit_callbacks):
    council = council_create()
    author = member_of(council, UserFactory(display_name="Julien L."))
    fatou = member_of(council, UserFactory(display_name="Fatou Diallo", email="fatou@exemple.test"))
    outsider = UserFactory(display_name="Samira H.", email="samira@exemple.test")
    topic = topic_in(council.forum, author)
    services.subscription_toggle(user=fatou, topic=topic)
    with django_capture_on_commit_callbacks(execute=True):
        reply_in(topic, author, body="Merci @Fatou Diallo ! Et @Samira H. aussi.")
    # Mentions are e-mailed at once by default; told once, not again as a reply.
    assert [m.to for m in mail.outbox] == [["fatou@exemple.test"]]
    assert "vous a mentionné" in mail.outbox[0].subject
    assert outsider.email not in [m.to[0] for m in mail.outbox]
    assert list(Notification.objects.values_list("recipient", "kind")) == [
        (fatou.pk, "forums.mention")
    ]


def _mentioned(council, author, body: str) -> set[str]:
    reply_in(topic_in(council.forum, author), author, body=body)
    return {
        notification.recipient.display_name
        for notification in Notification.objects.filter(kind="forums.mention")
    }


def test_a_first_name_is_enough_when_nobody_else_taking_part_has_it():
    council = council_create()
    author = member_of(council, UserFactory(display_name="Julien L."))
    member_of(council, UserFactory(display_name="Fatou Diallo"))
    member_of(council, UserFactory(display_name="Jean-Pierre M."))
    UserFactory(display_name="Samira H.")  # takes no part
    assert _mentioned(
        council, author, "Merci @fatou, et @Jean-Pierre ! @Samira aussi ; @Fatoumata non."
    ) == {"Fatou Diallo", "Jean-Pierre M."}


def test_a_first_name_two_people_share_names_nobody_the_whole_name_does():
    council = council_create()
    author = member_of(council, UserFactory(display_name="Julien L."))
    member_of(council, UserFactory(display_name="Awa Diop"))
    member_of(council, UserFactory(display_name="Awa K."))
    assert _mentioned(council, author, "@Awa, tu peux venir ?") == set()
    assert _mentioned(council, author, "@Awa Diop, tu peux venir ?") == {"Awa Diop"}


def test_an_e_mail_address_is_no_mention():
    council = council_create()
    author = member_of(council, UserFactory(display_name="Julien L."))
    member_of(council, UserFactory(display_name="Mairie Annexe"))
    assert _mentioned(council, author, "Écrire à contact@mairie.fr") == set()


def test_my_data_exports_my_messages_and_deletion_keeps_them_unsigned():
    from accounts.services import account_delete
    from tests.accounts.exports import exported_text

    author = UserFactory()
    topic = topic_in(national_forum(), author, body="Mon idée pour le quartier")
    assert "Mon idée pour le quartier" in exported_text(author)
    account_delete(user=author)
    post = topic.posts.get()
    assert post.author is None
    assert post.body == "Mon idée pour le quartier"


def test_the_superuser_opening_a_council_message_in_the_admin_is_logged(client):
    from councils.models import SpaceAccess

    council = council_create()
    post = topic_in(council.forum, member_of(council)).posts.get()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(f"/admin/forums/post/{post.pk}/change/").status_code == 200
    assert SpaceAccess.objects.filter(council=council).count() == 1
    listing = client.get("/admin/forums/post/").content.decode()
    assert post.body not in listing


def test_an_archived_councils_forum_is_read_only_even_for_its_coordinators():
    from councils import services as council_services
    from forums import permissions
    from tests.councils.factories import referent_of

    council = council_create()
    coordinator = coordinator_of(council)
    topic = topic_in(council.forum, member_of(council))
    council_services.council_archive(actor=referent_of("59"), council=council)
    council.forum.refresh_from_db()
    topic = Topic.objects.select_related("forum__council").get(pk=topic.pk)
    assert permissions.can_read_topic(coordinator, topic)
    assert not permissions.can_moderate(coordinator, topic.forum)
    assert not permissions.can_reply(coordinator, topic)


@pytest.mark.parametrize("name", ["Recherche", "Modération", "Conseil Alma Roubaix"])
def test_national_forum_addresses_never_clash_with_the_site_or_councils(name):
    forum = national_forum(name=name)
    assert forum.slug.startswith("forum-")


def test_only_the_animation_creates_a_national_forum_through_the_service():
    council = council_create()
    for outsider in (coordinator_of(council), member_of(council), UserFactory()):
        with pytest.raises(PermissionDenied):
            services.national_forum_create(
                actor=outsider, name="Forum pirate", audience=Forum.Audience.EVERYONE
            )
    assert not Forum.objects.filter(name="Forum pirate").exists()
    animator = UserFactory()
    animator_appoint(user=animator, system=True)

    forum = services.national_forum_create(
        actor=animator, name="Forum des pratiques", audience=Forum.Audience.EVERYONE
    )

    assert forum.council is None and forum.name == "Forum des pratiques"


def test_a_national_forum_without_an_actor_is_refused_unless_the_site_says_so():
    """Skipping the permission check is said by name (``system=True``): a
    forgotten ``actor`` is not taken as the site acting."""
    with pytest.raises(TypeError, match="or system=True when the site itself acts"):
        services.national_forum_create(
            actor=None, name="Forum sans auteur", audience=Forum.Audience.EVERYONE
        )
    with pytest.raises(TypeError, match="or system=True when the site itself acts"):
        services.national_forum_create(name="Forum sans auteur", audience=Forum.Audience.EVERYONE)
    assert not Forum.objects.filter(name="Forum sans auteur").exists()

    forum = services.national_forum_create(
        system=True, name="Forum sans auteur", audience=Forum.Audience.EVERYONE
    )

    assert forum.council is None and forum.name == "Forum sans auteur"


def test_a_national_forum_is_refused_when_the_site_would_act_for_someone():
    """``system=True`` skips the check: it cannot come with an actor, whose
    rights would then go unchecked."""
    outsider = UserFactory()
    with pytest.raises(TypeError, match="not both"):
        services.national_forum_create(
            actor=outsider, system=True, name="Forum mêlé", audience=Forum.Audience.EVERYONE
        )
    assert not Forum.objects.filter(name="Forum mêlé").exists()


@pytest.mark.parametrize("model", ["moderationaction", "report", "post", "topic"])
def test_the_admin_lists_no_council_forum_content_and_logs_each_visit(client, model):
    from councils.models import SpaceAccess
    from forums.models import ModerationAction, Report

    council = council_create()
    coordinator = coordinator_of(council)
    topic = topic_in(council.forum, member_of(council), title="Titre privé zqéx")
    post = reply_in(topic, member_of(council), body="Texte privé zqéx")
    services.report_create(reporter=coordinator, post=post, reason="Raison privée zqéx")
    services.post_hide(moderator=coordinator, post=post, reason="Masqué zqéx")
    obj = {
        "moderationaction": ModerationAction.objects.first,
        "report": Report.objects.first,
        "post": lambda: post,
        "topic": lambda: topic,
    }[model]()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert "zqéx" not in client.get(f"/admin/forums/{model}/").content.decode()
    client.get(f"/admin/forums/{model}/{obj.pk}/change/")
    client.get(f"/admin/forums/{model}/{obj.pk}/history/")
    assert SpaceAccess.objects.filter(council=council).count() == 2


@pytest.mark.parametrize("model", ["moderationaction", "report", "post", "topic"])
def test_the_transparency_line_of_an_admin_visit_names_the_object(client, model):
    """The coordinators read which message the technical team opened, not just
    "message"; hostile titles stay text on their page."""
    import html

    from django.urls import reverse

    from councils.models import SpaceAccess
    from councils.services.transparency import space_access_title
    from tests.hostile import active_content

    council = council_create()
    coordinator = coordinator_of(council)
    topic = topic_in(council.forum, member_of(council))  # a hostile title
    post = reply_in(topic, member_of(council))
    services.report_create(reporter=coordinator, post=post, reason="Propos blessants")
    services.post_hide(moderator=coordinator, post=post, reason="Masqué")
    title = space_access_title(topic.title)
    obj, what = {
        "topic": (topic, f"le sujet « {title} »"),
        "post": (post, f"le message {post.pk} du sujet « {title} »"),
        "report": (
            Report.objects.get(),
            f"le signalement du message {post.pk} du sujet « {title} »",
        ),
        "moderationaction": (
            ModerationAction.objects.get(kind=ModerationAction.Kind.HIDE),
            f"la ligne de modération « masqué » du sujet « {title} »",
        ),
    }[model]
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    client.get(f"/admin/forums/{model}/{obj.pk}/change/")
    reason = SpaceAccess.objects.get(council=council).reason.replace("\xa0", " ")
    assert reason == f"L’équipe technique a consulté {what} dans l’administration"

    client.force_login(coordinator)
    page = client.get(reverse("councils:transparency", args=[council.slug])).content.decode()
    assert active_content(page) == []
    assert html.escape(what) in page.replace("\xa0", " ")


def test_deleting_the_last_reply_leaves_no_stale_new_marker():
    forum = national_forum()
    author, replier = UserFactory(), UserFactory()
    topic = topic_in(forum, author)
    reply = reply_in(topic, replier)
    services.post_delete(user=replier, post=reply)
    topic.refresh_from_db()
    forum.refresh_from_db()
    first = topic.posts.get()
    assert topic.last_post_at == first.created_at
    assert forum.last_post_at == first.created_at


def test_nobody_reacts_to_their_own_message():
    topic = topic_in(national_forum(), UserFactory())
    post = topic.posts.get()
    with pytest.raises(PermissionDenied):
        services.reaction_toggle(user=post.author, post=post, kind="thanks")
    assert services.reaction_toggle(user=UserFactory(), post=post, kind="thanks") is True


def test_hiding_a_reported_post_resolves_its_open_reports_only():
    forum = national_forum()
    post = topic_in(forum, UserFactory()).posts.get()
    other = topic_in(forum, UserFactory()).posts.get()
    first, second = UserFactory(), UserFactory()
    reports = [
        services.report_create(reporter=first, post=post, reason="Injurieux"),
        services.report_create(reporter=second, post=post, reason="Hors sujet"),
    ]
    dismissed = services.report_create(reporter=UserFactory(), post=post, reason="Doublon")
    elsewhere = services.report_create(reporter=first, post=other, reason="Publicité")
    animator = UserFactory()
    animator_appoint(user=animator, system=True)
    services.report_handle(moderator=animator, report=dismissed, resolved=False)
    moderator = UserFactory()
    animator_appoint(user=moderator, system=True)

    services.post_hide(moderator=moderator, post=post, reason="Propos injurieux")

    for report in reports:
        report.refresh_from_db()
        assert report.status == Report.Status.RESOLVED
        assert report.handled_by == moderator
        assert report.handled_at is not None
    dismissed.refresh_from_db()
    assert (dismissed.status, dismissed.handled_by) == (Report.Status.DISMISSED, animator)
    elsewhere.refresh_from_db()
    assert (elsewhere.status, elsewhere.handled_by) == (Report.Status.OPEN, None)
    resolved = ModerationAction.objects.filter(
        post=post, kind=ModerationAction.Kind.REPORT_RESOLVED
    )
    assert [(action.actor, action.reason) for action in resolved] == [
        (moderator, "Propos injurieux")
    ] * 2


def test_a_non_moderator_cannot_hide_and_the_reports_stay_open():
    post = topic_in(national_forum(), UserFactory()).posts.get()
    report = services.report_create(reporter=UserFactory(), post=post, reason="Injurieux")
    with pytest.raises(PermissionDenied):
        services.post_hide(moderator=UserFactory(), post=post, reason="Propos injurieux")
    report.refresh_from_db()
    post.refresh_from_db()
    assert (report.status, post.is_hidden) == (Report.Status.OPEN, False)
