"""What councils publish in the notification centre: requests to join (for
those who answer them), the answers (for the person who asked), invitations
(for an account that holds the invited address). Who is told and who is not,
what the default delivery sends, and that someone who lost access since the
event gets nothing of it."""

from __future__ import annotations

import html

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from accounts.roles import animator_appoint
from councils import emails, permissions, services
from councils.models import JoinRequest, Membership, ReferentAssignment
from notifications import registry
from notifications import services as notifications
from notifications.models import Notification
from tests.accounts.factories import XSS, UserFactory
from tests.councils.factories import (
    OTHER_DEPARTMENT,
    coordinator_of,
    council_create,
    member_of,
    referent_of,
)

pytestmark = pytest.mark.django_db

JOIN_REQUEST = services.JOIN_REQUEST_KIND
JOIN_DECISION = services.JOIN_DECISION_KIND
INVITATION = services.INVITATION_KIND
PREFIX = "[Conseils citoyens] "


def _told(kind: str) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__email", flat=True))


def _mailed() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def _plain(text: str) -> str:
    """French typography puts no-break spaces inside « »; compare without."""
    return text.replace("\u00a0", " ")


def _pks(kind: str) -> list[int]:
    return list(Notification.objects.filter(kind=kind).values_list("pk", flat=True))


def _fresh(user):
    """The user as a later request or task reads them (no cached grants)."""
    return type(user).objects.get(pk=user.pk)


def _ask(council, user=None, message="J'habite rue de l'Alma."):
    return services.membership_request(user=user or UserFactory(), council=council, message=message)


# The kinds.


def test_the_kinds_are_registered_with_their_defaults():
    assert registry.kind(JOIN_REQUEST).default == registry.IMMEDIATE
    assert registry.kind(JOIN_DECISION).default == registry.IMMEDIATE
    assert registry.kind(INVITATION).default == registry.SITE


def test_the_preferences_page_names_them_in_french(client):
    client.force_login(UserFactory())
    page = html.unescape(client.get(reverse("notifications:preferences")).content.decode())
    for label in (
        "Demandes d’adhésion à mes conseils",
        "Réponses à mes demandes d’adhésion",
        "Invitations à rejoindre un conseil",
        "L’invitation elle-même, avec son lien, vous parvient toujours aussi par e-mail.",
    ):
        assert label in page


# Requests to join.


def test_a_request_is_told_to_those_who_answer_it_and_e_mailed_at_once(
    django_capture_on_commit_callbacks,
):
    council = council_create(name="Conseil citoyen de l'Alma")
    coordinator_of(council, UserFactory(email="coordination@exemple.test"))
    coordinator_of(council, UserFactory(email="inactive@exemple.test", is_active=False))
    member_of(council, UserFactory(email="membre@exemple.test"))
    referent_of("59", UserFactory(email="referent59@exemple.test"))
    referent_of(OTHER_DEPARTMENT, UserFactory(email="referent69@exemple.test"))
    coordinator_of(council_create(), UserFactory(email="ailleurs@exemple.test"))
    requester = UserFactory(email="demande@exemple.test", display_name="Amina")

    with django_capture_on_commit_callbacks(execute=True):
        join_request = _ask(council, requester)

    assert _told(JOIN_REQUEST) == ["coordination@exemple.test", "referent59@exemple.test"]
    notification = Notification.objects.filter(kind=JOIN_REQUEST).first()
    assert notification.target_id == join_request.pk
    assert _plain(notification.title) == "Amina demande à rejoindre « Conseil citoyen de l'Alma »"
    assert notification.excerpt == "J'habite rue de l'Alma."
    assert notification.url == reverse("councils:manage", args=[council.slug])
    assert (notification.group_key, notification.group_title) == (
        f"council:{council.pk}",
        "Conseil citoyen de l'Alma",
    )
    assert (notification.thread_key, notification.thread_title) == (
        f"joins:{council.pk}",
        "Demandes d’adhésion",
    )
    assert _mailed() == ["coordination@exemple.test", "referent59@exemple.test"]
    message = mail.outbox[0]
    assert _plain(message.subject) == (
        f"{PREFIX}Amina demande à rejoindre « Conseil citoyen de l'Alma »"
    )
    assert "J'habite rue de l'Alma." in message.body
    assert f"http://127.0.0.1:8000/conseils/{council.slug}/gestion/" in message.body
    assert "/notifications/desabonnement/" in message.body
    assert "List-Unsubscribe" in message.extra_headers
    assert "Demandes d’adhésion à mes conseils" in message.body


def test_a_referent_who_also_coordinates_is_told_once(django_capture_on_commit_callbacks):
    council = council_create()
    both = coordinator_of(council, referent_of("59"))

    with django_capture_on_commit_callbacks(execute=True):
        _ask(council)

    assert _told(JOIN_REQUEST) == [both.email]
    assert _mailed() == [both.email]


def test_the_requester_is_never_told_of_their_own_request(django_capture_on_commit_callbacks):
    council = council_create()
    referent = referent_of("59")
    coordinator_of(council)

    with django_capture_on_commit_callbacks(execute=True):
        # A referent may ask to join a council of their department as a member.
        _ask(council, referent)

    assert referent.email not in _told(JOIN_REQUEST)
    assert referent.email not in _mailed()


def test_a_manager_who_chose_the_digest_gets_the_requests_grouped_there(
    django_capture_on_commit_callbacks,
):
    council = council_create(name="Conseil citoyen des Coteaux")
    coordinator = coordinator_of(council)
    notifications.preference_set(user=coordinator, kind=JOIN_REQUEST, delivery=registry.DIGEST)

    with django_capture_on_commit_callbacks(execute=True):
        _ask(council, UserFactory(display_name="Awa"))
        _ask(council, UserFactory(display_name="Karim"))
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.send_digests() == 1
    (message,) = mail.outbox
    body = message.body
    assert message.to == [coordinator.email]
    assert body.count("Conseil citoyen des Coteaux") == 3  # the heading, then each title
    assert body.count("Demandes d’adhésion") == 1
    assert body.index("Demandes d’adhésion") < body.index("Awa demande à rejoindre")
    assert body.index("Awa demande à rejoindre") < body.index("Karim demande à rejoindre")


# Answers.


@pytest.mark.parametrize("decision", ["accept", "refuse"])
def test_the_answer_is_told_to_the_requester_only(decision, django_capture_on_commit_callbacks):
    council = council_create(name="Conseil citoyen de l'Alma")
    coordinator = coordinator_of(council)
    other_coordinator = coordinator_of(council)
    referent = referent_of("59")
    requester = UserFactory(email="demande@exemple.test")
    join_request = _ask(council, requester)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        getattr(services, f"join_request_{decision}")(actor=coordinator, join_request=join_request)

    assert _told(JOIN_DECISION) == ["demande@exemple.test"]
    notification = Notification.objects.get(kind=JOIN_DECISION)
    assert (notification.target_id, notification.actor) == (join_request.pk, coordinator)
    assert notification.thread_key == f"joins:{council.pk}"
    for manager in (coordinator, other_coordinator, referent):
        assert not Notification.objects.filter(kind=JOIN_DECISION, recipient=manager).exists()
    (message,) = mail.outbox
    assert message.to == ["demande@exemple.test"]
    if decision == "accept":
        title = "Votre demande pour rejoindre « Conseil citoyen de l'Alma » est acceptée"
        assert notification.url == council.get_space_url()
        assert "l’espace privé du conseil vous est ouvert" in message.body
    else:
        title = "Votre demande pour rejoindre « Conseil citoyen de l'Alma » n’a pas été acceptée"
        assert notification.url == council.get_absolute_url()
        assert "formulaire de contact" in message.body
    assert _plain(notification.title) == title
    assert _plain(message.subject) == PREFIX + title
    assert f"http://127.0.0.1:8000{notification.url}" in message.body


def test_an_answer_is_for_the_requester_alone():
    council = council_create()
    coordinator = coordinator_of(council)
    requester = UserFactory()
    join_request = _ask(council, requester)
    services.join_request_refuse(actor=coordinator, join_request=join_request)

    assert permissions.visible_join_decision_ids(requester, [join_request.pk]) == {join_request.pk}
    for someone in (coordinator, UserFactory(), member_of(council)):
        assert permissions.visible_join_decision_ids(someone, [join_request.pk]) == set()


# Invitations.


def _invite(council, email, *, actor=None):
    return services.invitation_send(
        actor=actor or coordinator_of(council), council=council, email=email, role="member"
    )


def test_an_invitation_to_an_existing_account_also_shows_in_its_centre(
    client, django_capture_on_commit_callbacks
):
    council = council_create(name="Conseil citoyen de l'Alma")
    coordinator = coordinator_of(council, UserFactory(display_name="Nadia"))
    invitee = UserFactory(email="voisine@exemple.test")

    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(council, "Voisine@Exemple.test", actor=coordinator)

    # The invitation's own e-mail, and nothing more: "on the site" by default.
    (message,) = mail.outbox
    assert message.to == ["voisine@exemple.test"]
    assert "invitation" in message.subject
    notification = Notification.objects.get(kind=INVITATION)
    assert (notification.recipient, notification.target_id, notification.actor) == (
        invitee,
        invitation.pk,
        coordinator,
    )
    assert _plain(notification.title) == (
        "Nadia vous invite à rejoindre « Conseil citoyen de l'Alma » en tant que membre"
    )
    assert _plain(notification.excerpt) == "Le lien est valable 14 jours."
    # The same link as in the e-mail.
    assert notification.url.startswith("/conseils/invitation/")
    assert f"http://127.0.0.1:8000{notification.url}" in message.body
    assert services.invitation_from_token(notification.url.split("/")[-2]) == invitation
    assert notification.delivered_at is not None  # never e-mailed

    client.force_login(invitee)
    page = client.get(reverse("notifications:index")).content.decode()
    assert "Nadia vous invite à rejoindre" in html.unescape(page)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.url == notification.url
    assert client.post(notification.url).url == council.get_space_url()
    assert Membership.objects.filter(council=council, user=invitee).exists()
    # Accepted: no longer an open invitation.
    assert notifications.visible(invitee, [notification]) == ([], [notification])


def test_an_invitation_is_told_only_to_active_accounts_that_proved_the_address():
    council = council_create()
    coordinator = coordinator_of(council)
    UserFactory(email="pas.verifiee@exemple.test", verified=False)
    UserFactory(email="partie@exemple.test", is_active=False)
    second_address = UserFactory(email="principale@exemple.test")
    EmailAddress.objects.create(user=second_address, email="seconde@exemple.test", verified=True)

    for address in (
        "pas.verifiee@exemple.test",
        "partie@exemple.test",
        "inconnue@exemple.test",
        "seconde@exemple.test",
    ):
        _invite(council, address, actor=coordinator)

    assert _told(INVITATION) == ["principale@exemple.test"]


def test_a_double_submitted_invitation_is_told_once():
    council = council_create()
    coordinator = coordinator_of(council)
    UserFactory(email="voisine@exemple.test")

    _invite(council, "voisine@exemple.test", actor=coordinator)
    _invite(council, "voisine@exemple.test", actor=coordinator)

    assert _told(INVITATION) == ["voisine@exemple.test"]


def test_a_revoked_or_replaced_invitation_is_no_longer_shown():
    council = council_create()
    coordinator = coordinator_of(council)
    invitee = UserFactory(email="voisine@exemple.test")
    first = services.invitation_send(
        actor=coordinator, council=council, email=invitee.email, role="member"
    )
    second = services.invitation_send(
        actor=coordinator, council=council, email=invitee.email, role="coordinator"
    )
    assert permissions.visible_invitation_ids(invitee, [first.pk, second.pk]) == {second.pk}

    services.invitation_revoke(actor=coordinator, invitation=second)

    assert permissions.visible_invitation_ids(invitee, [first.pk, second.pk]) == set()


def test_an_invitation_is_shown_only_while_the_account_holds_the_address():
    council = council_create()
    invitee = UserFactory(email="voisine@exemple.test")
    invitation = _invite(council, invitee.email)
    assert permissions.visible_invitation_ids(invitee, [invitation.pk]) == {invitation.pk}
    assert permissions.visible_invitation_ids(UserFactory(), [invitation.pk]) == set()

    EmailAddress.objects.filter(user=invitee).update(email="ailleurs@exemple.test")

    assert permissions.visible_invitation_ids(invitee, [invitation.pk]) == set()


# Asked again when shown and when e-mailed.


def test_a_coordinator_removed_before_the_e_mail_is_built_is_not_sent_the_request(
    django_capture_on_commit_callbacks,
):
    council = council_create()
    removed = coordinator_of(council, UserFactory(email="retiree@exemple.test"))
    staying = coordinator_of(council, UserFactory(email="reste@exemple.test"))
    referent = referent_of("59", UserFactory(email="referent@exemple.test"))
    _ask(council)  # the e-mails have not left yet (no commit in this test)
    pks = _pks(JOIN_REQUEST)
    notification = Notification.objects.get(kind=JOIN_REQUEST, recipient=removed)
    services.membership_remove(
        actor=staying, membership=Membership.objects.get(council=council, user=removed)
    )
    # Removing her forgot what she can no longer see.
    assert "retiree@exemple.test" not in _told(JOIN_REQUEST)
    assert notifications.visible(_fresh(removed), [notification]) == ([], [notification])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.deliver_immediate(pks) == 2

    assert _mailed() == sorted([staying.email, referent.email])


def test_a_referent_withdrawn_before_the_digest_gets_nothing_of_the_request(
    django_capture_on_commit_callbacks,
):
    council = council_create()
    referent = referent_of("59")
    notifications.preference_set(user=referent, kind=JOIN_REQUEST, delivery=registry.DIGEST)
    _ask(council)
    animator = UserFactory()
    animator_appoint(user=animator, system=True)
    services.referent_withdraw(
        actor=animator, assignment=ReferentAssignment.objects.get(user=referent)
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.send_digests() == 0

    assert mail.outbox == []
    assert not Notification.objects.filter(kind=JOIN_REQUEST, recipient=referent).exists()


def test_a_coordinator_who_left_sees_nothing_of_the_requests_in_the_centre(client):
    council = council_create()
    leaving = coordinator_of(council)
    coordinator_of(council)
    _ask(council, UserFactory(display_name="Awa"))
    services.membership_leave(user=leaving, council=council)

    client.force_login(leaving)
    page = html.unescape(client.get(reverse("notifications:index")).content.decode())

    assert "Awa demande à rejoindre" not in page
    assert not Notification.objects.filter(recipient=leaving).exists()


def test_the_checks_follow_the_managers_of_each_council():
    council, elsewhere = council_create(), council_create()
    coordinator, member = coordinator_of(council), member_of(council)
    referent, referent_else = referent_of("59"), referent_of(OTHER_DEPARTMENT)
    here, there = _ask(council), _ask(elsewhere)
    ids = [here.pk, there.pk]

    assert permissions.visible_join_request_ids(coordinator, ids) == {here.pk}
    assert permissions.visible_join_request_ids(referent, ids) == {here.pk, there.pk}
    for nobody in (member, referent_else, here.user, UserFactory()):
        assert permissions.visible_join_request_ids(nobody, ids) == set()
    coordinator.is_active = False
    assert permissions.visible_join_request_ids(coordinator, ids) == set()


def test_each_check_reads_a_whole_batch_in_one_query(django_assert_num_queries):
    council = council_create()
    coordinator = coordinator_of(council)
    requests = [_ask(council) for _ in range(5)]
    invitations = [_invite(council, f"invitee{n}@exemple.test") for n in range(5)]
    for check, ids in (
        (permissions.visible_join_request_ids, [r.pk for r in requests]),
        (permissions.visible_join_decision_ids, [r.pk for r in requests]),
        (permissions.visible_invitation_ids, [i.pk for i in invitations]),
    ):
        reader = _fresh(coordinator)
        with django_assert_num_queries(1):
            check(reader, ids)


# What the centre shows.


def test_markup_in_names_titles_and_messages_is_escaped_in_the_centre(client):
    council = council_create()  # its name carries markup
    coordinator = coordinator_of(council)
    requester = UserFactory()  # so does their name
    join_request = _ask(council, requester, message=f"Bonjour {XSS}")
    services.join_request_accept(actor=coordinator, join_request=join_request)
    invitee = UserFactory(email="voisine@exemple.test")
    _invite(council, invitee.email, actor=coordinator)

    readers = ((coordinator, JOIN_REQUEST), (requester, JOIN_DECISION), (invitee, INVITATION))
    for reader, kind in readers:
        client.force_login(reader)
        page = client.get(reverse("notifications:index")).content.decode()
        notification = Notification.objects.get(recipient=reader, kind=kind)
        assert XSS in notification.title
        assert XSS not in page
        assert escape(notification.title) in page
        if notification.excerpt:
            assert escape(notification.excerpt) in page


def test_demo_data_makes_the_notifications_without_any_e_mail(
    django_capture_on_commit_callbacks,
):
    council = council_create()
    coordinator = coordinator_of(council)
    with emails.muted(), django_capture_on_commit_callbacks(execute=True):
        join_request = _ask(council)
        services.join_request_accept(actor=coordinator, join_request=join_request)

    assert _told(JOIN_REQUEST) == [coordinator.email]
    assert _told(JOIN_DECISION) == [join_request.user.email]
    assert mail.outbox == []
    assert JoinRequest.objects.get().status == JoinRequest.Status.ACCEPTED


def test_an_expired_invitation_is_no_longer_shown(time_machine):
    from datetime import timedelta

    from django.utils import timezone

    from notifications import services as notification_services

    council = council_create()
    coordinator = coordinator_of(council)
    invitee = UserFactory(email="voisine@exemple.test")
    _invite(council, "voisine@exemple.test", actor=coordinator)
    notification = Notification.objects.get(kind=INVITATION)
    assert notification_services.visible(invitee, [notification])[0] == [notification]
    time_machine.move_to(timezone.now() + timedelta(days=15), tick=False)
    assert notification_services.visible(invitee, [notification])[0] == []


def test_an_accepted_request_is_forgotten_once_the_member_is_removed():
    council = council_create()
    coordinator = coordinator_of(council)
    resident = UserFactory()
    join_request = _ask(council, resident)
    services.join_request_accept(actor=coordinator, join_request=join_request)
    assert Notification.objects.filter(recipient=resident, kind=JOIN_DECISION).exists()
    services.membership_remove(
        actor=coordinator, membership=Membership.objects.get(council=council, user=resident)
    )
    # It led to the space she can no longer open.
    assert not Notification.objects.filter(recipient=resident, kind=JOIN_DECISION).exists()
