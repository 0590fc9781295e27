"""The notification centre: publishing, the e-mails at once and in the
digest, the re-check of who may still see, the list, the bell, the choices,
and the unsubscribe link.

The kinds used here are the tests' own (``tests/notifications/kinds.py``):
their readers are decided by each test, so that losing access between the
event and its e-mail is one line."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from celery.schedules import crontab
from django.urls import reverse
from django.utils import timezone

from notifications import emails, registry, services
from notifications.models import Notification, Preference
from tests.accounts.factories import XSS, UserFactory

from . import kinds

pytestmark = pytest.mark.django_db

TARGET = 41


@pytest.fixture(autouse=True)
def _readers():
    kinds.readers.clear()
    yield
    kinds.readers.clear()


def _readable_by(*users, target: int = TARGET) -> None:
    kinds.readers.setdefault(target, set()).update(user.pk for user in users)


def _notify(recipients, *, kind: str = kinds.SAMPLE.key, target: int = TARGET, **overrides):
    fields = {
        "recipients": recipients,
        "kind": kind,
        "target_id": target,
        "title": f"Nouveau message dans « Budget » {XSS}",
        "url": "/forums/sujet/1/",
        "excerpt": f"Le texte du message {XSS}",
        "group_key": "council:1",
        "group_title": "Conseil citoyen de l’Alma",
        "thread_key": "topic:1",
        "thread_title": "Budget participatif",
    }
    fields.update(overrides)
    return services.notify(**fields)


# Publishing.


def test_each_recipient_is_told_once_never_the_actor_nor_an_inactive_account():
    actor, reader, inactive = UserFactory(), UserFactory(), UserFactory(is_active=False)
    told = _notify([reader, reader, actor, inactive, None], actor=actor)
    assert told == 1
    assert list(Notification.objects.values_list("recipient", flat=True)) == [reader.pk]


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="Unknown notification kind"):
        _notify([UserFactory()], kind="nowhere.nothing")


def test_an_immediate_notification_is_e_mailed_in_french_text_and_html_with_unsubscribe(
    mailoutbox, django_capture_on_commit_callbacks
):
    reader = UserFactory()
    _readable_by(reader)
    with django_capture_on_commit_callbacks(execute=True):
        _notify([reader])
    (message,) = mailoutbox
    assert message.to == [reader.email]
    assert "Nouveau message dans « Budget »" in message.subject
    assert "Le texte du message" in message.body
    assert "Voir sur le site" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert XSS not in html  # escaped in the HTML part
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe in message.body and unsubscribe in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    notification = Notification.objects.get()
    assert notification.delivered_at is not None


def test_list_unsubscribe_reaches_mail_programs_as_a_plain_url_that_stops_in_one_click(
    mailoutbox, django_capture_on_commit_callbacks
):
    """RFC 2369 wants ``<url>`` as is and RFC 8058 a POST to it: a header
    folded into RFC 2047 encoded words is a button mail programs never show."""
    reader = UserFactory()
    _readable_by(reader)
    with django_capture_on_commit_callbacks(execute=True):
        _notify([reader])
    (message,) = mailoutbox
    # The link signs the second it was made: read it back from the message
    # (making another could fall in the next second), then check whose it is.
    url = str(message.extra_headers["List-Unsubscribe"]).strip("<>")
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert emails.read_unsubscribe_token(token) == (reader.pk, kinds.SAMPLE.key)
    assert url == emails.unsubscribe_url(reader, kinds.SAMPLE.key).replace(
        emails.unsubscribe_token(reader, kinds.SAMPLE.key), token
    )
    assert len(f"List-Unsubscribe: <{url}>") > 78  # too long for one folded line
    for policy in (email.policy.default, email.policy.SMTP):
        raw = message.message(policy=policy).as_bytes()
        assert f"\nList-Unsubscribe: <{url}>{policy.linesep}".encode() in raw
        assert b"=?" not in raw.split(b"List-Unsubscribe: ", 1)[1].split(b"\n", 1)[0]
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert parsed["List-Unsubscribe"] == f"<{url}>"
        assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        # Undecoded, as a mail program that knows no RFC 2047 reads it.
        undecoded = email.message_from_bytes(raw, policy=email.policy.compat32)
        assert undecoded["List-Unsubscribe"] == f"<{url}>"

    from django.test import Client

    one_click = Client(enforce_csrf_checks=True).post(
        urlsplit(url).path, {"List-Unsubscribe": "One-Click"}
    )
    assert one_click.status_code == 200
    assert services.preferences_of(reader)[kinds.SAMPLE.key] == registry.SITE


def test_the_preference_decides_how_each_person_is_told(
    mailoutbox, django_capture_on_commit_callbacks
):
    at_once, in_digest, on_site = UserFactory(), UserFactory(), UserFactory()
    _readable_by(at_once, in_digest, on_site)
    services.preference_set(user=in_digest, kind=kinds.SAMPLE.key, delivery=registry.DIGEST)
    services.preference_set(user=on_site, kind=kinds.SAMPLE.key, delivery=registry.SITE)
    with django_capture_on_commit_callbacks(execute=True):
        _notify([at_once, in_digest, on_site])
    assert [message.to for message in mailoutbox] == [[at_once.email]]
    deliveries = dict(Notification.objects.values_list("recipient", "delivery"))
    assert deliveries == {
        at_once.pk: registry.IMMEDIATE,
        in_digest.pk: registry.DIGEST,
        on_site.pk: registry.SITE,
    }


def test_someone_who_lost_access_before_the_e_mail_gets_nothing(mailoutbox):
    reader = UserFactory()
    _readable_by(reader)
    _notify([reader])
    kinds.readers.clear()  # removed from the council before the task ran
    sent = services.deliver_immediate(list(Notification.objects.values_list("pk", flat=True)))
    assert sent == 0
    assert mailoutbox == []
    assert Notification.objects.get().delivered_at is not None


def test_an_immediate_notification_is_never_e_mailed_twice(
    mailoutbox, django_capture_on_commit_callbacks
):
    reader = UserFactory()
    _readable_by(reader)
    _notify([reader])
    pks = list(Notification.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliver_immediate(pks) == 1
        assert services.deliver_immediate(pks) == 0
    assert len(mailoutbox) == 1


def test_demo_data_makes_notifications_but_sends_nothing(
    mailoutbox, django_capture_on_commit_callbacks
):
    from common.mail import muted

    reader = UserFactory()
    _readable_by(reader)
    with django_capture_on_commit_callbacks(execute=True), muted():
        _notify([reader])
    assert mailoutbox == []
    assert Notification.objects.get().delivered_at is not None


# The daily digest.


def _digest_events(reader, other_council_reader=None):
    first = UserFactory(display_name="Awa")
    _notify([reader], kind=kinds.SAMPLE_DIGEST.key, actor=first, title="Awa a répondu")
    _notify(
        [reader],
        kind=kinds.SAMPLE_DIGEST.key,
        title="Karim a répondu",
        target=TARGET,
    )
    _notify(
        [reader],
        kind=kinds.SAMPLE_DIGEST.key,
        target=42,
        title="Nouveau fichier : compte-rendu.pdf",
        group_key="council:2",
        group_title="Conseil citoyen des Coteaux",
        thread_key="folder:9",
        thread_title="Comptes-rendus",
    )


def test_the_digest_holds_each_event_once_grouped_by_place_and_thread(
    mailoutbox, django_capture_on_commit_callbacks
):
    reader = UserFactory()
    _readable_by(reader)
    _readable_by(reader, target=42)
    _digest_events(reader)
    assert mailoutbox == []  # nothing at once

    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_digests() == 1
    (message,) = mailoutbox
    body = message.body
    assert "3 nouveautés" in message.subject
    for text in ("Awa a répondu", "Karim a répondu", "Nouveau fichier : compte-rendu.pdf"):
        assert body.count(text) == 1
    assert body.count("Budget participatif") == 1  # one heading for the two replies
    assert body.index("Conseil citoyen de l’Alma") < body.index("Budget participatif")
    assert body.index("Budget participatif") < body.index("Awa a répondu")
    assert body.index("Karim a répondu") < body.index("Conseil citoyen des Coteaux")
    assert body.index("Conseil citoyen des Coteaux") < body.index("Comptes-rendus")
    assert "List-Unsubscribe" in message.extra_headers
    # Sent once: the next day's digest is empty.
    assert services.send_digests() == 0
    assert len(mailoutbox) == 1


def test_a_member_removed_between_the_event_and_the_digest_gets_nothing_of_it(
    mailoutbox, django_capture_on_commit_callbacks
):
    reader = UserFactory()
    _readable_by(reader)
    _readable_by(reader, target=42)
    _digest_events(reader)
    kinds.readers[TARGET].discard(reader.pk)  # left the first council
    with django_capture_on_commit_callbacks(execute=True):
        services.send_digests()
    (message,) = mailoutbox
    assert "Awa a répondu" not in message.body
    assert "Budget participatif" not in message.body
    assert "Conseil citoyen de l’Alma" not in message.body
    assert "compte-rendu.pdf" in message.body


def test_no_digest_when_nothing_is_visible_any_more(mailoutbox):
    reader = UserFactory()
    _notify([reader], kind=kinds.SAMPLE_DIGEST.key)
    assert services.send_digests() == 0
    assert mailoutbox == []
    assert Notification.objects.get().delivered_at is not None


def test_choosing_site_only_stops_the_waiting_digest(mailoutbox):
    reader = UserFactory()
    _readable_by(reader)
    _notify([reader], kind=kinds.SAMPLE_DIGEST.key)
    services.preference_set(user=reader, kind=kinds.SAMPLE_DIGEST.key, delivery=registry.SITE)
    assert services.send_digests() == 0
    assert Notification.objects.filter(recipient=reader).count() == 1  # still on the site


def test_the_digest_task_runs_daily_in_the_morning(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["notifications-daily-digests"]
    assert schedule["task"] == "notifications.tasks.send_daily_digests"
    assert schedule["schedule"].hour == {7}


# The centre.


def test_the_centre_lists_what_the_reader_may_still_see_escaped(client):
    reader = UserFactory()
    _readable_by(reader)
    _notify([reader])
    _notify([reader], target=99, title="Sujet d’un conseil quitté zqgone")
    client.force_login(reader)
    page = client.get(reverse("notifications:index")).content.decode()
    assert "Nouveau message dans « Budget »" in page
    assert XSS not in page
    assert "zqgone" not in page
    # The hidden one is forgotten: neither the bell nor an e-mail keeps it.
    assert not Notification.objects.filter(target_id=99).exists()


def test_the_centre_list_has_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    reader = UserFactory()
    _readable_by(reader)
    client.force_login(reader)
    _notify([reader])
    with django_assert_max_num_queries(8):
        client.get(reverse("notifications:index"))
    rows = [
        Notification(
            recipient=reader,
            kind=kinds.SAMPLE.key if number % 2 else kinds.SAMPLE_DIGEST.key,
            target_id=TARGET,
            title=f"Événement {number}",
            url="/",
            delivery=registry.SITE,
        )
        for number in range(500)
    ]
    Notification.objects.bulk_create(rows)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("notifications:index")).content.decode()
    assert "Événement 499" in page
    assert "Page 1 sur 17" in page


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client):
    reader = UserFactory()
    _readable_by(reader)
    _notify([reader])
    notification = Notification.objects.get()
    client.force_login(reader)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.url == "/forums/sujet/1/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_opening_what_one_can_no_longer_see_says_so(client):
    reader = UserFactory()
    _notify([reader])
    client.force_login(reader)
    notification = Notification.objects.get()
    response = client.get(reverse("notifications:open", args=[notification.pk]), follow=True)
    assert "Vous ne pouvez plus voir" in response.content.decode()


def test_nobody_opens_someone_elses_notification(client):
    reader, other = UserFactory(), UserFactory()
    _readable_by(reader, other)
    _notify([reader])
    notification = Notification.objects.get()
    client.force_login(other)
    assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404
    assert notification.title not in client.get(reverse("notifications:index")).content.decode()


@pytest.mark.parametrize("name", ["notifications:index", "notifications:preferences"])
def test_anonymous_visitors_are_sent_to_log_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_the_bell_counts_unread_notifications_and_mark_all_read_empties_it(client):
    reader = UserFactory()
    _readable_by(reader)
    for _number in range(3):
        _notify([reader])
    client.force_login(reader)
    page = client.get(reverse("home")).content.decode()
    assert '3<span class="visually-hidden"> non lues</span>' in page
    client.post(reverse("notifications:mark_all_read"))
    page = client.get(reverse("home")).content.decode()
    assert "non lues" not in page


def _site_notifications(reader, *, unread: int, read: int = 0) -> None:
    Notification.objects.bulk_create(
        Notification(
            recipient=reader,
            kind=kinds.SAMPLE.key,
            target_id=1,
            title="x",
            url="/",
            delivery="site",
            read_at=None if number < unread else timezone.now(),
        )
        for number in range(unread + read)
    )


def test_the_bell_stops_counting_at_99(client):
    reader = UserFactory()
    _site_notifications(reader, unread=150)
    client.force_login(reader)
    assert "99+" in client.get(reverse("home")).content.decode()


# Choices.


def test_the_preferences_page_says_when_the_daily_summary_leaves(client, settings, time_machine):
    client.force_login(UserFactory())
    url = reverse("notifications:preferences")
    page = client.get(url).content.decode()
    # The hour comes from beat's schedule (7:00 in the settings) ...
    assert "Le résumé quotidien part chaque jour à 7 h 00" in page
    # ... and follows it, in the site's time zone.
    schedule = dict(settings.CELERY_BEAT_SCHEDULE)
    schedule["notifications-daily-digests"] = {
        "task": "notifications.tasks.send_daily_digests",
        "schedule": crontab(hour=18, minute=30),
    }
    settings.CELERY_BEAT_SCHEDULE = schedule
    assert "part chaque jour à 18 h 30" in client.get(url).content.decode()
    settings.CELERY_TIMEZONE = "UTC"  # 18:30 UTC is 19:30 in Paris in December
    time_machine.move_to(datetime(2026, 12, 7, 12, tzinfo=UTC))
    assert "part chaque jour à 19 h 30" in client.get(url).content.decode()
    # Not once a day at a fixed hour: nothing said rather than something wrong.
    schedule["notifications-daily-digests"]["schedule"] = timedelta(hours=12)
    assert "part chaque jour" not in client.get(url).content.decode()


def test_the_preferences_page_saves_each_choice(client):
    reader = UserFactory()
    client.force_login(reader)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "Exemples de test" in page
    data = {kind.key: kind.default for kind in registry.kinds()}
    data[kinds.SAMPLE.key] = registry.DIGEST
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 302
    assert services.preferences_of(reader)[kinds.SAMPLE.key] == registry.DIGEST


def test_a_bad_choice_is_refused_clearly(client):
    reader = UserFactory()
    client.force_login(reader)
    data = {kind.key: kind.default for kind in registry.kinds()}
    data[kinds.SAMPLE.key] = "pigeon"
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Preference.objects.exists()


def test_no_e_mail_at_all_in_one_click(client):
    reader = UserFactory()
    client.force_login(reader)
    client.post(reverse("notifications:preferences"), {"everything": "site"})
    assert set(services.preferences_of(reader).values()) == {registry.SITE}


# The unsubscribe link.


def test_the_unsubscribe_link_asks_then_stops_without_login(client):
    reader = UserFactory()
    url = reverse(
        "notifications:unsubscribe",
        kwargs={"token": emails.unsubscribe_token(reader, kinds.SAMPLE.key)},
    )
    page = client.get(url).content.decode()
    assert "Exemples de test" in page
    assert services.preferences_of(reader)[kinds.SAMPLE.key] == registry.IMMEDIATE  # GET asks
    response = client.post(url)
    assert response.status_code == 200
    assert services.preferences_of(reader)[kinds.SAMPLE.key] == registry.SITE
    assert services.preferences_of(reader)[kinds.SAMPLE_DIGEST.key] == registry.DIGEST


def test_mail_programs_one_click_unsubscribe_needs_no_csrf_token(reader_client_csrf):
    client, reader = reader_client_csrf
    url = reverse(
        "notifications:unsubscribe",
        kwargs={"token": emails.unsubscribe_token(reader, kinds.SAMPLE.key)},
    )
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert services.preferences_of(reader)[kinds.SAMPLE.key] == registry.SITE


@pytest.fixture
def reader_client_csrf():
    from django.test import Client

    return Client(enforce_csrf_checks=True), UserFactory()


def test_a_forged_link_changes_nothing(client):
    reader = UserFactory()
    token = emails.unsubscribe_token(reader, kinds.SAMPLE.key)
    response = client.post(
        reverse("notifications:unsubscribe", kwargs={"token": token[:-3] + "abc"})
    )
    assert response.status_code == 404
    assert "Ce lien ne fonctionne pas" in response.content.decode()
    assert not Preference.objects.exists()


def test_a_link_cannot_be_turned_to_another_user_or_kind(client):
    from django.core import signing

    reader, victim = UserFactory(), UserFactory()
    token = emails.unsubscribe_token(reader, kinds.SAMPLE.key)
    # The signed value names the reader and the kind; editing it breaks the signature.
    value, _sep, _signature = token.partition(":")
    tampered = signing.dumps({"u": victim.pk, "k": kinds.SAMPLE.key}, salt="other", compress=True)
    for forged in (tampered, token.replace(value, tampered.partition(":")[0], 1)):
        client.post(reverse("notifications:unsubscribe", kwargs={"token": forged}))
    client.post(reverse("notifications:unsubscribe", kwargs={"token": token}))
    assert services.preferences_of(victim)[kinds.SAMPLE.key] == registry.IMMEDIATE
    assert services.preferences_of(reader)[kinds.SAMPLE.key] == registry.SITE


def test_the_digest_link_stops_every_kind_that_goes_in_the_digest(client):
    reader = UserFactory()
    services.preference_set(user=reader, kind=kinds.SAMPLE.key, delivery=registry.DIGEST)
    url = reverse(
        "notifications:unsubscribe",
        kwargs={"token": emails.unsubscribe_token(reader, emails.DIGEST_TOKEN_KIND)},
    )
    assert "résumé quotidien" in client.get(url).content.decode()
    client.post(url)
    choices = services.preferences_of(reader)
    assert choices[kinds.SAMPLE.key] == registry.SITE
    assert choices[kinds.SAMPLE_DIGEST.key] == registry.SITE


# Personal data.


def test_my_data_holds_my_notifications_and_they_go_with_the_account():
    from accounts.services import account_delete
    from tests.accounts.exports import exported_text

    reader = UserFactory()
    _notify([reader], title="Une notification zqexport")
    services.preference_set(user=reader, kind=kinds.SAMPLE.key, delivery=registry.DIGEST)
    archive = exported_text(reader)
    assert "zqexport" in archive
    assert kinds.SAMPLE.key in archive
    account_delete(user=reader)
    assert not Notification.objects.exists()
    assert not Preference.objects.exists()


def test_a_page_is_never_left_empty_by_notifications_out_of_reach(client):
    reader = UserFactory()
    _readable_by(reader)
    _notify([reader], title="Encore visible zqkeep")
    for _number in range(35):
        _notify([reader], target=99, title="Hors d’atteinte")
    client.force_login(reader)
    page = client.get(reverse("notifications:index")).content.decode()
    assert "zqkeep" in page
    assert "Hors d’atteinte" not in page
    assert Notification.objects.filter(recipient=reader).count() == 1


def test_recheck_forgets_what_the_reader_lost_and_the_bell_follows(client):
    reader = UserFactory()
    _readable_by(reader)
    _notify([reader])
    _notify([reader], target=42)
    _readable_by(reader, target=42)
    kinds.readers[42].discard(reader.pk)
    assert services.recheck(user=reader) == 1
    client.force_login(reader)
    page = client.get(reverse("home")).content.decode()
    assert '1<span class="visually-hidden"> non lue</span>' in page


def test_an_already_used_link_says_the_e_mails_are_stopped(client):
    reader = UserFactory()
    services.preference_set(user=reader, kind=kinds.SAMPLE.key, delivery=registry.SITE)
    url = reverse(
        "notifications:unsubscribe",
        kwargs={"token": emails.unsubscribe_token(reader, kinds.SAMPLE.key)},
    )
    assert "déjà arrêtés" in client.get(url).content.decode()


def test_the_daily_task_shares_the_digest_among_batches(
    monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    from notifications import tasks

    readers = [UserFactory() for _number in range(3)]
    _readable_by(*readers)
    for reader in readers:
        _notify([reader], kind=kinds.SAMPLE_DIGEST.key)
    monkeypatch.setattr(services, "DIGEST_BATCH", 2)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_daily_digests() == 2  # batches of 2 and 1
    assert sorted(message.to[0] for message in mailoutbox) == sorted(r.email for r in readers)
    assert not Notification.objects.filter(delivered_at__isnull=True).exists()


# The sweep of what was never queued.


def test_the_sweep_e_mails_a_notification_left_undelivered_once_and_only_once(
    mailoutbox, django_capture_on_commit_callbacks
):
    """Its task was never queued (the broker was down): the commit's callback
    is not run here. A minute later the sweep sends it; a second run does not."""
    from notifications import tasks

    reader = UserFactory()
    _readable_by(reader)
    _notify([reader])
    notification = Notification.objects.get()
    assert notification.delivered_at is None
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliver_late_immediate() == 0  # still on its way
        Notification.objects.update(created_at=timezone.now() - timedelta(minutes=2))
        assert tasks.deliver_late_immediate.delay().get() == 1
        assert tasks.deliver_late_immediate.delay().get() == 0
    assert [message.to for message in mailoutbox] == [[reader.email]]
    assert Notification.objects.get().delivered_at is not None


def test_the_sweep_leaves_digests_and_takes_a_bounded_batch(monkeypatch):
    readers = [UserFactory() for _ in range(3)]
    _readable_by(*readers)
    Preference.objects.create(user=readers[0], kind=kinds.SAMPLE.key, delivery=registry.DIGEST)
    _notify(readers)
    Notification.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    monkeypatch.setattr(services, "LATE_BATCH", 1)
    assert services.deliver_late_immediate() == 1
    assert services.deliver_late_immediate() == 1
    assert services.deliver_late_immediate() == 0
    assert Notification.objects.get(recipient=readers[0]).delivered_at is None


def test_the_sweep_runs_every_thirty_seconds():
    from django.conf import settings

    schedule = settings.CELERY_BEAT_SCHEDULE["notifications-deliver-late"]
    assert schedule["task"] == "notifications.tasks.deliver_late_immediate"
    assert schedule["schedule"] == timedelta(seconds=30)


@pytest.mark.parametrize("unread", [0, 2, 150])
def test_the_bell_counts_the_same_on_pages_that_read_it_with_the_readers_facts(client, unread):
    """The forums' pages read the count with the reader's other facts
    (accounts.roles): the same count, the same 99+, as the other pages."""
    from forums import services as forum_services

    reader = UserFactory()
    _site_notifications(reader, unread=unread, read=3)
    forum = forum_services.national_forum_create(system=True, name="Échanges", audience="everyone")
    client.force_login(reader)
    shown = {0: "", 2: '2<span class="visually-hidden"> non lues</span>', 150: "99+"}[unread]
    for path in (reverse("home"), forum.get_absolute_url()):
        page = client.get(path).content.decode()
        if shown:
            assert shown in page
        else:
            assert "non lues" not in page
