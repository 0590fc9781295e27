"""Managing is never a way in.

Every route by which someone who manages councils (a referent of the
department, a referent elsewhere, the national animation, the technical
operator) could let themselves into a council is tried, through the services
and through the pages: each is refused with a French message and leaves the
database as it was. A coordinator's consent, given on the site, is the only
way in; every change made from outside is told at once to the coordinators
and kept in the transparency log that every member reads.
"""

from __future__ import annotations

import html

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import ANIMATION_GROUP_NAME, animator_appoint, is_animator
from councils import permissions, services
from councils.models import (
    Council,
    CouncilGroupObjectPermission,
    CouncilUserObjectPermission,
    Invitation,
    JoinRequest,
    Membership,
    MembershipEvent,
    ReferentAssignment,
)
from notifications import services as notification_services
from notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.councils.factories import (
    OTHER_DEPARTMENT,
    coordinator_of,
    council_create,
    department,
    member_of,
    referent_of,
)

pytestmark = pytest.mark.django_db

Action = MembershipEvent.Action
MEMBER = Membership.Role.MEMBER
COORDINATOR = Membership.Role.COORDINATOR

# Everyone who manages councils from outside, and how they came to.
MANAGERS = ["referent_here", "referent_elsewhere", "animator", "superuser"]


def _manager(kind: str, council: Council):
    user = UserFactory(display_name=f"Gestionnaire {kind}")
    if kind == "referent_here":
        referent_of(council.department, user)
    elif kind == "referent_elsewhere":
        referent_of(OTHER_DEPARTMENT, user)
    elif kind == "animator":
        animator_appoint(user=user, system=True)
    elif kind == "superuser":
        user.is_superuser = user.is_staff = True
        user.save(update_fields=["is_superuser", "is_staff"])
    else:
        raise AssertionError(kind)
    return user


def _state(council: Council) -> dict:
    """What a refused admission must leave as it was."""
    return {
        "memberships": sorted(
            Membership.objects.filter(council=council).values_list("user_id", "role")
        ),
        "group_users": sorted(
            Group.objects.filter(pk__in=[council.members_group_id, council.coordinators_group_id])
            .exclude(user=None)
            .values_list("name", "user")
        ),
        "join_requests": sorted(
            JoinRequest.objects.filter(council=council).values_list("pk", "status")
        ),
        "invitations": sorted(
            Invitation.objects.filter(council=council).values_list(
                "pk", "accepted_at", "revoked_at"
            )
        ),
        "events": MembershipEvent.objects.filter(council=council).count(),
        "referents": sorted(ReferentAssignment.objects.values_list("user_id", "department_id")),
        "direct_grants": CouncilUserObjectPermission.objects.count(),
        "group_grants": CouncilGroupObjectPermission.objects.count(),
    }


def _refused(excinfo, message) -> None:
    assert excinfo.value.messages == [str(message)]


def _reads_space(user, council) -> bool:
    permissions.forget_council_grants(user)
    return permissions.can_view_space(user, council)


@pytest.fixture
def council():
    return council_create(name="Conseil citoyen de l'Alma", town="Roubaix")


# Join, then accept one's own request.


def test_a_referent_cannot_accept_their_own_request(council):
    coordinator_of(council)
    referent = referent_of(council.department)
    join_request = services.membership_request(user=referent, council=council, message="")
    before = _state(council)

    with pytest.raises(ValidationError) as excinfo:
        services.join_request_accept(actor=referent, join_request=join_request)

    _refused(excinfo, services.ERROR_OWN_REQUEST)
    assert _state(council) == before
    assert not _reads_space(referent, council)


@pytest.mark.parametrize("kind", MANAGERS)
def test_another_referent_cannot_admit_a_manager(council, kind):
    coordinator_of(council)
    manager = _manager(kind, council)
    other_referent = referent_of(council.department)
    join_request = services.membership_request(user=manager, council=council, message="")
    before = _state(council)

    with pytest.raises(ValidationError) as excinfo:
        services.join_request_accept(actor=other_referent, join_request=join_request)

    _refused(excinfo, services.ERROR_CONSENT_NEEDED)
    assert _state(council) == before
    assert not _reads_space(manager, council)


@pytest.mark.parametrize("kind", MANAGERS)
def test_a_coordinator_consents_and_the_manager_reads_as_a_member(council, kind):
    coordinator = coordinator_of(council)
    manager = _manager(kind, council)
    join_request = services.membership_request(user=manager, council=council, message="")

    services.join_request_accept(actor=coordinator, join_request=join_request)

    assert _reads_space(manager, council)
    event = MembershipEvent.objects.filter(council=council).first()
    assert (event.action, event.actor, event.from_outside) == (Action.ACCEPTED, coordinator, False)


@pytest.mark.parametrize("kind", MANAGERS)
def test_a_manager_cannot_ask_a_council_without_coordinator(council, kind):
    manager = _manager(kind, council)
    before = _state(council)

    with pytest.raises(ValidationError) as excinfo:
        services.membership_request(user=manager, council=council, message="")

    _refused(excinfo, services.ERROR_NO_COORDINATOR_TO_ASK)
    assert _state(council) == before


def test_a_request_left_when_the_last_coordinator_went_says_what_to_do(council):
    coordinator = coordinator_of(council)
    manager = _manager("animator", council)
    join_request = services.membership_request(user=manager, council=council, message="")
    referent = referent_of(council.department)
    services.membership_remove(actor=referent, membership=Membership.objects.get(user=coordinator))
    before = _state(council)

    with pytest.raises(ValidationError) as excinfo:
        services.join_request_accept(actor=referent, join_request=join_request)

    _refused(excinfo, services.ERROR_NO_COORDINATOR)
    assert _state(council) == before


# Invite one's own address, then accept.


def test_a_referent_cannot_invite_their_own_address_nor_a_second_one(council):
    referent = referent_of(council.department, UserFactory(email="ref@exemple.test"))
    EmailAddress.objects.create(user=referent, email="ref.perso@exemple.test", verified=False)
    before = _state(council)

    for address in ("ref@exemple.test", "REF.perso@exemple.test"):
        with pytest.raises(ValidationError) as excinfo:
            services.invitation_send(
                actor=referent, council=council, email=address, role=COORDINATOR
            )
        _refused(excinfo, services.ERROR_OWN_ADDRESS)

    assert _state(council) == before
    assert mail.outbox == []


def test_an_invitation_sent_to_an_address_added_later_cannot_be_accepted_by_its_sender(council):
    coordinator_of(council)
    referent = referent_of(council.department)
    invitation = services.invitation_send(
        actor=referent, council=council, email="plus-tard@exemple.test", role=COORDINATOR
    )
    EmailAddress.objects.create(user=referent, email="plus-tard@exemple.test", verified=True)
    before = _state(council)

    with pytest.raises(ValidationError) as excinfo:
        services.invitation_accept(user=referent, invitation=invitation)

    _refused(excinfo, services.ERROR_OWN_INVITATION)
    assert _state(council) == before
    assert not _reads_space(referent, council)


@pytest.mark.parametrize("kind", MANAGERS)
def test_a_referent_invitation_does_not_let_a_manager_in(council, kind):
    coordinator_of(council)
    manager = _manager(kind, council)
    referent = referent_of(council.department)
    invitation = services.invitation_send(
        actor=referent, council=council, email=manager.email, role=COORDINATOR
    )
    before = _state(council)

    with pytest.raises(ValidationError) as excinfo:
        services.invitation_accept(user=manager, invitation=invitation)

    _refused(excinfo, services.ERROR_CONSENT_NEEDED_INVITATION)
    assert _state(council) == before
    assert not _reads_space(manager, council)


def test_a_coordinator_invitation_is_consent(council):
    coordinator = coordinator_of(council)
    animator = _manager("animator", council)
    invitation = services.invitation_send(
        actor=coordinator, council=council, email=animator.email, role=MEMBER
    )

    services.invitation_accept(user=animator, invitation=invitation)

    assert _reads_space(animator, council)


def test_a_coordinator_installed_by_a_referent_cannot_consent_for_that_referent(council):
    """The second-mailbox route: the referent invites an account of their own
    as coordinator, which then invites the referent."""
    referent = referent_of(council.department)
    invitation = services.invitation_send(
        actor=referent, council=council, email="prete-nom@exemple.test", role=COORDINATOR
    )
    stand_in = UserFactory(email="prete-nom@exemple.test")
    services.invitation_accept(user=stand_in, invitation=invitation)
    assert permissions.is_coordinator(stand_in, council)
    back = services.invitation_send(
        actor=stand_in, council=council, email=referent.email, role=MEMBER
    )
    before = _state(council)

    with pytest.raises(ValidationError) as excinfo:
        services.invitation_accept(user=referent, invitation=back)

    _refused(excinfo, services.ERROR_CONSENT_NEEDED_INVITATION)
    assert _state(council) == before
    # Nor by answering a request.
    join_request = services.membership_request(user=referent, council=council, message="")
    with pytest.raises(ValidationError):
        services.join_request_accept(actor=stand_in, join_request=join_request)
    assert not _reads_space(referent, council)


# Change one's own role, or a manager's.


def test_a_referent_who_is_a_member_cannot_make_themself_coordinator(council):
    coordinator_of(council)
    referent = referent_of(council.department)
    member_of(council, referent)
    membership = Membership.objects.get(council=council, user=referent)
    before = _state(council)

    with pytest.raises(ValidationError) as excinfo:
        services.membership_role_change(actor=referent, membership=membership, role=COORDINATOR)

    _refused(excinfo, services.ERROR_OWN_ROLE)
    assert _state(council) == before


@pytest.mark.parametrize("kind", MANAGERS)
def test_a_referent_cannot_promote_a_manager_who_is_a_member(council, kind):
    coordinator_of(council)
    manager = _manager(kind, council)
    member_of(council, manager)
    referent = referent_of(council.department)
    membership = Membership.objects.get(council=council, user=manager)
    before = _state(council)

    with pytest.raises(ValidationError) as excinfo:
        services.membership_role_change(actor=referent, membership=membership, role=COORDINATOR)

    _refused(excinfo, services.ERROR_CONSENT_NEEDED)
    assert _state(council) == before


def test_a_coordinator_may_step_down_themself(council):
    coordinator_of(council)
    second = coordinator_of(council)

    services.membership_role_change(
        actor=second, membership=Membership.objects.get(user=second), role=MEMBER
    )

    assert Membership.objects.get(user=second).role == MEMBER


# Grant directly.


@pytest.mark.parametrize("kind", MANAGERS)
def test_a_referent_cannot_grant_a_membership_to_a_manager_or_themself(council, kind):
    coordinator_of(council)
    referent = referent_of(council.department)
    manager = _manager(kind, council)
    before = _state(council)

    for user, message in ((referent, services.ERROR_SELF_ADMISSION), (manager, None)):
        with pytest.raises(ValidationError) as excinfo:
            services.membership_grant(actor=referent, council=council, user=user)
        if message:
            _refused(excinfo, message)

    assert _state(council) == before


# Appoint oneself.


def test_an_animator_cannot_appoint_themself_referent(council):
    animator = _manager("animator", council)
    before = _state(council)

    with pytest.raises(ValidationError) as excinfo:
        services.referent_appoint(actor=animator, user=animator, departments=[council.department])

    _refused(excinfo, services.ERROR_OWN_APPOINTMENT)
    assert _state(council) == before
    assert not permissions.can_manage_members(animator, council)


def test_the_animation_page_refuses_a_self_appointment(client, council):
    animator = UserFactory(email="animation@exemple.test")
    animator_appoint(user=animator, system=True)
    client.force_login(animator)
    before = _state(council)

    response = client.post(
        reverse("councils:animation"),
        {"email": "animation@exemple.test", "department": council.department.pk},
    )

    assert response.status_code == 200
    assert "Vous ne pouvez pas vous nommer vous-même" in html.unescape(response.content.decode())
    assert _state(council) == before


def test_nobody_appoints_themself_to_the_animation():
    operator = UserFactory(is_superuser=True, is_staff=True)
    with pytest.raises(ValidationError):
        animator_appoint(actor=operator, user=operator)
    assert not is_animator(operator)


# The admin.


def test_the_admin_cannot_put_the_operator_in_a_council_group(client, council):
    operator = UserFactory(is_superuser=True, is_staff=True, email="ops@exemple.test")
    coordinator_of(council)
    client.force_login(operator)
    url = reverse("admin:accounts_user_change", args=[operator.pk])
    form = client.get(url).content.decode()
    assert 'name="groups"' not in form

    client.post(
        url,
        {
            "email": "ops@exemple.test",
            "display_name": "Ops",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [council.members_group_id, council.coordinators_group_id],
        },
    )

    assert not operator.groups.exists()
    assert not _reads_space(operator, council)
    assert client.get(reverse("admin:councils_membership_add")).status_code == 403


def test_the_admin_action_does_not_appoint_the_operator_to_the_animation(client):
    operator = UserFactory(is_superuser=True, is_staff=True)
    other = UserFactory()
    client.force_login(operator)

    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "appoint_animators", "_selected_action": [operator.pk, other.pk]},
        follow=True,
    )

    assert "Vous ne pouvez pas vous nommer vous-même" in html.unescape(response.content.decode())
    assert not Group.objects.filter(name=ANIMATION_GROUP_NAME, user=operator).exists()
    assert Group.objects.filter(name=ANIMATION_GROUP_NAME, user=other).exists()


# The pages: every self-admission route, through the site, for every manager.


@pytest.mark.parametrize("kind", ["referent_here"])
def test_accepting_ones_own_request_on_the_management_page_is_refused(client, council, kind):
    coordinator_of(council)
    referent = _manager(kind, council)
    join_request = services.membership_request(user=referent, council=council, message="")
    client.force_login(referent)

    page = client.get(reverse("councils:manage", args=[council.slug])).content.decode()
    accept = reverse("councils:request_answer", args=[council.slug, join_request.pk, "accept"])
    assert accept not in page
    assert "votre propre demande" in html.unescape(page)
    before = _state(council)
    response = client.post(accept, follow=True)

    assert "Vous ne pouvez pas accepter votre propre demande" in html.unescape(
        response.content.decode()
    )
    assert _state(council) == before
    assert client.get(council.get_space_url()).status_code == 404


def test_the_management_page_says_a_manager_needs_a_coordinator(client, council):
    referent = referent_of(council.department)
    coordinator = coordinator_of(council)
    animator = _manager("animator", council)
    join_request = services.membership_request(user=animator, council=council, message="")
    accept = reverse("councils:request_answer", args=[council.slug, join_request.pk, "accept"])

    client.force_login(referent)
    page = html.unescape(
        client.get(reverse("councils:manage", args=[council.slug])).content.decode()
    )
    assert accept not in page
    assert "Seule une personne de la coordination du conseil peut accepter cette demande." in page

    client.force_login(coordinator)
    page = client.get(reverse("councils:manage", args=[council.slug])).content.decode()
    assert accept in page


def test_the_join_page_explains_a_council_without_coordinator(client, council):
    animator = _manager("animator", council)
    client.force_login(animator)

    page = html.unescape(client.get(reverse("councils:join", args=[council.slug])).content.decode())

    assert "Ce conseil n’a encore personne à sa coordination" in page
    assert "<textarea" not in page


def test_inviting_ones_own_address_on_the_management_page_is_refused(client, council):
    referent = referent_of(council.department, UserFactory(email="ref@exemple.test"))
    client.force_login(referent)
    before = _state(council)

    response = client.post(
        reverse("councils:invite", args=[council.slug]),
        {"email": "ref@exemple.test", "role": COORDINATOR},
    )

    assert response.status_code == 400
    assert "Vous ne pouvez pas inviter votre propre adresse" in html.unescape(
        response.content.decode()
    )
    assert _state(council) == before
    assert mail.outbox == []


def test_changing_ones_own_role_on_the_management_page_is_refused(client, council):
    coordinator_of(council)
    referent = referent_of(council.department)
    member_of(council, referent)
    membership = Membership.objects.get(council=council, user=referent)
    client.force_login(referent)
    before = _state(council)

    response = client.post(
        reverse("councils:member_role", args=[council.slug, membership.pk]),
        {"role": COORDINATOR},
        follow=True,
    )

    assert "Vous ne pouvez pas vous confier vous-même la coordination" in html.unescape(
        response.content.decode()
    )
    assert _state(council) == before


def test_accepting_a_referent_invitation_as_a_manager_is_refused_on_the_page(client, council):
    coordinator_of(council)
    referent = referent_of(council.department)
    animator = _manager("animator", council)
    invitation = services.invitation_send(
        actor=referent, council=council, email=animator.email, role=COORDINATOR
    )
    client.force_login(animator)
    before = _state(council)

    response = client.post(
        reverse("councils:invitation", args=[services.invitation_token(invitation)]), follow=True
    )

    assert "Demandez à rejoindre le conseil depuis sa page" in html.unescape(
        response.content.decode()
    )
    assert _state(council) == before
    assert client.get(council.get_space_url()).status_code == 404


# Changes from outside: told at once, kept where members read them.


def test_a_referent_admitting_a_resident_is_told_to_the_coordinators_at_once(
    client, council, django_capture_on_commit_callbacks
):
    coordinator = coordinator_of(council, UserFactory(email="coord@exemple.test"))
    # Even someone who asked for nothing by e-mail hears of it.
    notification_services.preferences_save(
        user=coordinator,
        choices=dict.fromkeys(notification_services.preferences_of(coordinator), "site"),
    )
    referent = referent_of(council.department, UserFactory(display_name="Rémi Référent"))
    resident = UserFactory(display_name="Inès Habitante")
    join_request = services.membership_request(user=resident, council=council, message="")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.join_request_accept(actor=referent, join_request=join_request)

    notice = Notification.objects.get(kind=services.OUTSIDE_CHANGE_KIND)
    assert notice.recipient == coordinator
    assert notice.title == (
        "Rémi Référent a accepté Inès Habitante comme membre de "
        "«\u00a0Conseil citoyen de l'Alma\u00a0»"
    )
    [message] = [m for m in mail.outbox if m.to == ["coord@exemple.test"]]
    assert "Rémi Référent" in message.subject
    assert "List-Unsubscribe" not in message.extra_headers
    assert "ne peuvent pas être désactivés" in message.body
    event = MembershipEvent.objects.get(pk=notice.target_id)
    assert event.from_outside

    # Every member reads it on the transparency page.
    member = member_of(council)
    client.force_login(member)
    page = html.unescape(
        client.get(reverse("councils:transparency", args=[council.slug])).content.decode()
    )
    assert "Rémi Référent" in page
    assert "Inès Habitante" in page


def test_a_referent_appointment_is_told_to_the_coordinators_of_the_department(
    django_capture_on_commit_callbacks,
):
    here = council_create()
    elsewhere = council_create(department=department(OTHER_DEPARTMENT))
    coordinator = coordinator_of(here)
    far_coordinator = coordinator_of(elsewhere)
    animator = UserFactory()
    animator_appoint(user=animator, system=True)
    new_referent = UserFactory(display_name="Nouvelle Référente")

    with django_capture_on_commit_callbacks(execute=True):
        services.referent_appoint(actor=animator, user=new_referent, departments=[here.department])

    notices = Notification.objects.filter(kind=services.OUTSIDE_CHANGE_KIND)
    assert [n.recipient for n in notices] == [coordinator]
    assert "Nouvelle Référente" in notices[0].title
    event = MembershipEvent.objects.get(council=here, action=Action.REFERENT_APPOINTED)
    assert (event.actor, event.subject, event.from_outside) == (animator, new_referent, True)
    assert not MembershipEvent.objects.filter(
        council=elsewhere, action=Action.REFERENT_APPOINTED
    ).exists()
    assert far_coordinator.email not in [to for m in mail.outbox for to in m.to]


def test_changes_by_a_coordinator_are_not_marked_from_outside(council):
    coordinator = coordinator_of(council)
    resident = UserFactory()
    join_request = services.membership_request(user=resident, council=council, message="")

    services.join_request_accept(actor=coordinator, join_request=join_request)

    assert not Notification.objects.filter(kind=services.OUTSIDE_CHANGE_KIND).exists()
    assert not MembershipEvent.objects.filter(council=council, from_outside=True).exists()


def test_the_outside_change_notification_cannot_be_turned_off(client, council):
    coordinator = coordinator_of(council)
    client.force_login(coordinator)

    page = client.get(reverse("notifications:preferences")).content.decode()
    client.post(reverse("notifications:preferences"), {services.OUTSIDE_CHANGE_KIND: "site"})

    assert f'name="{services.OUTSIDE_CHANGE_KIND}"' not in page
    assert "ne peuvent pas être désactivées" in html.unescape(page)
    with pytest.raises(ValidationError):
        notification_services.preference_set(
            user=coordinator, kind=services.OUTSIDE_CHANGE_KIND, delivery="site"
        )
    assert not coordinator.notification_preferences.exists()


def test_a_former_coordinator_no_longer_sees_the_outside_change(council):
    coordinator = coordinator_of(council)
    coordinator_of(council)
    referent = referent_of(council.department)
    services.membership_grant(actor=referent, council=council, user=UserFactory())
    notice = Notification.objects.get(kind=services.OUTSIDE_CHANGE_KIND, recipient=coordinator)

    services.membership_role_change(
        actor=coordinator, membership=Membership.objects.get(user=coordinator), role=MEMBER
    )

    assert not Notification.objects.filter(pk=notice.pk).exists()


# Floods: invitations and contact messages, per sender and per council.


def test_a_coordinator_cannot_send_invitations_in_a_burst(client, council):
    coordinator = coordinator_of(council)
    client.force_login(coordinator)
    url = reverse("councils:invite", args=[council.slug])
    for number in range(10):
        client.post(url, {"email": f"voisin{number}@exemple.test", "role": MEMBER})
    assert Invitation.objects.filter(council=council).count() == 10
    sent = len(mail.outbox)

    response = client.post(url, {"email": "un-de-trop@exemple.test", "role": MEMBER})

    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "Vous avez envoyé beaucoup d’invitations en peu de temps." in page
    assert "un-de-trop@exemple.test" in page  # what was typed is kept
    assert Invitation.objects.filter(council=council).count() == 10
    assert len(mail.outbox) == sent


def test_a_council_receives_only_so_many_invitations_an_hour(council):
    coordinators = [coordinator_of(council) for _ in range(6)]
    for number in range(50):
        services.invitation_send(
            actor=coordinators[number % 6],
            council=council,
            email=f"voisin{number}@exemple.test",
            role=MEMBER,
        )

    with pytest.raises(ValidationError) as excinfo:
        services.invitation_send(
            actor=coordinators[0], council=council, email="encore@exemple.test", role=MEMBER
        )

    _refused(excinfo, services.ERROR_TOO_MANY_INVITATIONS)
    # Another council is not held back.
    other = council_create()
    services.invitation_send(
        actor=coordinator_of(other), council=other, email="encore@exemple.test", role=MEMBER
    )


def _contact(client, council, *, email: str, address: str):
    return client.post(
        reverse("councils:contact", args=[council.slug]),
        {"name": "Voisine", "email": email, "message": "Bonjour"},
        REMOTE_ADDR=address,
    )


def test_one_sender_cannot_flood_councils_from_many_addresses(client, council):
    coordinator_of(council)
    for number in range(5):
        assert (
            _contact(
                client, council, email="a@exemple.test", address=f"10.0.0.{number}"
            ).status_code
            == 302
        )

    response = _contact(client, council, email="A@exemple.test", address="10.0.0.99")

    assert response.status_code == 400
    assert "Vous avez envoyé plusieurs messages en peu de temps." in html.unescape(
        response.content.decode()
    )


def test_many_senders_cannot_flood_one_council(client, council):
    coordinator_of(council)
    for number in range(20):
        response = _contact(
            client, council, email=f"v{number}@exemple.test", address=f"10.0.1.{number}"
        )
        assert response.status_code == 302
    sent = len(mail.outbox)

    response = _contact(client, council, email="v99@exemple.test", address="10.0.1.99")

    assert response.status_code == 400
    assert len(mail.outbox) == sent
    # Another council still takes messages.
    other = council_create()
    coordinator_of(other)
    assert _contact(client, other, email="v99@exemple.test", address="10.0.1.99").status_code == 302


# The matrix: every manager, given the referent's powers over the council by
# someone else, tries every route in through the pages; none opens the space.


@pytest.mark.parametrize("kind", MANAGERS)
def test_every_self_admission_route_is_closed_to_every_manager(client, council, kind):
    coordinator_of(council)
    manager = _manager(kind, council)
    appointer = UserFactory()
    animator_appoint(user=appointer, system=True)
    if kind != "referent_here":
        services.referent_appoint(actor=appointer, user=manager, departments=[council.department])
    client.force_login(manager)
    slug = council.slug

    # Join, then accept one's own request.
    client.post(reverse("councils:join", args=[slug]), {"message": "C'est moi."})
    join_request = JoinRequest.objects.get(council=council, user=manager)
    client.post(reverse("councils:request_answer", args=[slug, join_request.pk, "accept"]))
    # Invite one's own address.
    client.post(
        reverse("councils:invite", args=[slug]), {"email": manager.email, "role": "coordinator"}
    )
    # Grant oneself a membership.
    with pytest.raises(ValidationError):
        services.membership_grant(actor=manager, council=council, user=manager)
    # Appoint oneself again (animation page), if one can reach it.
    client.post(
        reverse("councils:animation"),
        {"email": manager.email, "department": department("75").pk},
    )

    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING
    assert not Invitation.objects.filter(council=council, email__iexact=manager.email).exists()
    assert not Membership.objects.filter(council=council, user=manager).exists()
    assert not ReferentAssignment.objects.filter(user=manager, department__code="75").exists()
    assert client.get(council.get_space_url()).status_code == 404


def test_the_admin_cannot_take_over_someone_elses_account(client, council):
    """Setting a coordinator's password, or verifying an invited address on
    one's own account, would be other ways in."""
    operator = UserFactory(is_superuser=True, is_staff=True)
    coordinator = coordinator_of(council)
    password_before = coordinator.password
    client.force_login(operator)

    password_url = reverse("admin:auth_user_password_change", args=[coordinator.pk])
    response = client.post(
        password_url, {"password1": "pris-par-ops-2026", "password2": "pris-par-ops-2026"}
    )
    assert response.status_code == 403
    coordinator.refresh_from_db()
    assert coordinator.password == password_before

    # Nor their address, which would receive the reset link.
    change = reverse("admin:accounts_user_change", args=[coordinator.pk])
    form = client.get(change).content.decode()
    assert 'name="email"' not in form and "/password/" not in form
    client.post(
        change,
        {"email": "ops@exemple.test", "display_name": "X", "is_active": "on"},
    )
    coordinator.refresh_from_db()
    assert coordinator.email != "ops@exemple.test"

    # Nor the groups that carry a council's grants, nor someone's second factor.
    assert client.get(reverse("admin:auth_group_add")).status_code == 403
    client.post(
        reverse("admin:auth_group_change", args=[council.members_group_id]),
        {"name": "renamed"},
    )
    council.members_group.refresh_from_db()
    assert council.members_group.name != "renamed"
    assert client.get(reverse("admin:mfa_authenticator_add")).status_code == 403

    address = EmailAddress.objects.get(user=coordinator)
    assert client.get(reverse("admin:account_emailaddress_add")).status_code == 403
    client.post(
        reverse("admin:account_emailaddress_change", args=[address.pk]),
        {"user": operator.pk, "email": address.email, "verified": "on", "primary": "on"},
    )
    address.refresh_from_db()
    assert address.user == coordinator


def test_the_coordinators_hear_that_a_request_comes_from_someone_who_manages_councils(council):
    coordinator = coordinator_of(council)
    animator = _manager("animator", council)

    services.membership_request(user=animator, council=council, message="J'habite ici.")

    notice = Notification.objects.get(kind=services.JOIN_REQUEST_KIND, recipient=coordinator)
    assert notice.excerpt.startswith("Cette personne gère des conseils")
    assert notice.excerpt.endswith("J'habite ici.")


def test_the_preferences_say_which_e_mails_still_come_after_stopping_the_others(client):
    council = council_create()
    coordinator = coordinator_of(council)
    client.force_login(coordinator)

    response = client.post(
        reverse("notifications:preferences"), {"everything": "site"}, follow=True
    )

    page = html.unescape(response.content.decode())
    assert "sauf ceux qui ne peuvent pas être désactivés" in page
    assert "Aucun autre e-mail de notification" in page
