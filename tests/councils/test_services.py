"""Every write about councils: who may do it, what the database holds after it,
what the log records, who gets an e-mail, and that a refusal changes nothing."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import User
from accounts.roles import animator_appoint
from accounts.services import account_delete
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
    SpaceAccess,
)
from notifications.models import Notification
from tests.accounts.exports import exported
from tests.accounts.factories import XSS, UserFactory
from tests.conftest import stored_files
from tests.councils.factories import (
    OTHER_DEPARTMENT,
    coordinator_of,
    council_create,
    department,
    member_of,
    referent_of,
)
from tests.hostile import markup_of
from tests.images import png

pytestmark = pytest.mark.django_db

Action = MembershipEvent.Action
MEMBER = Membership.Role.MEMBER
COORDINATOR = Membership.Role.COORDINATOR


# Helpers.


def _state(council: Council) -> dict:
    """Everything a refused action must leave as it was."""
    return {
        "council": Council.objects.filter(pk=council.pk).values().get(),
        "memberships": sorted(
            Membership.objects.filter(council=council).values_list("user_id", "role")
        ),
        "groups": sorted(
            Group.objects.filter(pk__in=[council.members_group_id, council.coordinators_group_id])
            .values_list("name", "user")
            .order_by("name", "user")
        ),
        "group_grants": sorted(
            CouncilGroupObjectPermission.objects.filter(content_object=council).values_list(
                "group__name", "permission__codename"
            )
        ),
        "user_grants": sorted(
            CouncilUserObjectPermission.objects.filter(content_object=council).values_list(
                "user_id", "permission__codename"
            )
        ),
        "join_requests": sorted(
            JoinRequest.objects.filter(council=council).values_list(
                "pk", "status", "decided_at", "decided_by"
            )
        ),
        "invitations": sorted(
            Invitation.objects.filter(council=council).values_list(
                "pk", "email", "role", "accepted_at", "revoked_at"
            )
        ),
        "events": sorted(MembershipEvent.objects.filter(council=council).values_list("pk")),
    }


def _refused(excinfo, message) -> None:
    assert excinfo.value.messages == [str(message)]


def _recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def _last_event(council: Council) -> MembershipEvent:
    return MembershipEvent.objects.filter(council=council).first()


def _group_codenames(group: Group, council: Council) -> set[str]:
    return set(
        CouncilGroupObjectPermission.objects.filter(
            group=group, content_object=council
        ).values_list("permission__codename", flat=True)
    )


def _direct_codenames(user: User, council: Council) -> set[str]:
    return set(
        CouncilUserObjectPermission.objects.filter(user=user, content_object=council).values_list(
            "permission__codename", flat=True
        )
    )


def _membership(council: Council, user: User) -> Membership:
    return Membership.objects.get(council=council, user=user)


def _animator() -> User:
    user = UserFactory()
    animator_appoint(user=user, system=True)
    return user


def _logo(name: str = "logo.webp") -> ContentFile:
    return ContentFile(png().read(), name=name)


def _update(council: Council, actor: User, **changes) -> Council:
    fields = {
        "name": council.name,
        "town": council.town,
        "neighbourhood_name": council.neighbourhood_name,
        "neighbourhood_code": council.neighbourhood_code,
        "presentation": council.presentation,
        "founded_on": council.founded_on,
    }
    fields.update(changes)
    return services.council_update(actor=actor, council=council, **fields)


# Creating a council.


def test_council_create_makes_its_groups_and_grants():
    referent = referent_of("59")
    referent_elsewhere = referent_of(OTHER_DEPARTMENT)

    council = council_create(department=department("59"))

    assert council.members_group.name == f"conseil:{council.slug}:membres"
    assert council.coordinators_group.name == f"conseil:{council.slug}:coordination"
    assert _group_codenames(council.members_group, council) == {"view_space", "contribute"}
    assert _group_codenames(council.coordinators_group, council) == {
        "view_space",
        "contribute",
        "manage_members",
        "edit_council",
    }
    assert _direct_codenames(referent, council) == {"manage_members", "edit_council"}
    assert _direct_codenames(referent_elsewhere, council) == set()
    assert CouncilUserObjectPermission.objects.filter(content_object=council).count() == 2
    event = _last_event(council)
    assert (event.action, event.actor, event.subject) == (Action.CREATED, None, None)
    assert council.is_active
    assert council.neighbourhood_code == council.neighbourhood_code.upper()


def test_a_referent_creates_a_council_in_their_department_and_the_log_says_so():
    referent = referent_of("59")

    council = council_create(actor=referent, department=department("59"))

    assert _last_event(council).actor == referent
    assert _direct_codenames(referent, council) == {"manage_members", "edit_council"}


@pytest.mark.parametrize("who", ["registered", "referent_elsewhere", "animator"])
def test_only_a_referent_of_the_department_creates_a_council_there(who):
    actor = {
        "registered": UserFactory,
        "referent_elsewhere": lambda: referent_of(OTHER_DEPARTMENT),
        "animator": _animator,
    }[who]()
    councils, groups = Council.objects.count(), Group.objects.count()

    with pytest.raises(PermissionDenied) as excinfo:
        council_create(actor=actor, department=department("59"))

    assert str(excinfo.value) == str(services.ERROR_NOT_REFERENT_THERE)
    assert Council.objects.count() == councils
    assert Group.objects.count() == groups
    assert not MembershipEvent.objects.exists()


def test_council_slugs_are_unique_and_free_of_markup():
    first = council_create(
        name=f"Conseil du Centre {XSS}", town="Saint-Denis", department=department("93")
    )
    # Another department has its Saint-Denis; another name slugifies the same.
    second = council_create(
        name=f"Conseil du Centre {XSS}", town="Saint-Denis", department=department("974")
    )
    third = council_create(
        name=f"Conseil du Centre ! {XSS}", town="Saint-Denis", department=department("93")
    )
    named_after_town = council_create(name="Conseil citoyen de Tourcoing", town="Tourcoing")

    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", first.slug)
    assert "centre" in first.slug and "saint-denis" in first.slug
    assert second.slug == f"{first.slug}-2"
    assert third.slug == f"{first.slug}-3"
    assert named_after_town.slug.count("tourcoing") == 1
    assert first.name == f"Conseil du Centre {XSS}"  # stored as typed, escaped when shown


def test_a_second_council_of_the_same_name_in_the_same_town_is_refused():
    referent = referent_of("59")
    council_create(actor=referent, name="Conseil de l'Alma", town="Roubaix")
    councils, groups, events = (
        Council.objects.count(),
        Group.objects.count(),
        MembershipEvent.objects.count(),
    )

    with pytest.raises(ValidationError) as excinfo:
        # What a double-submitted creation form meets the second time.
        council_create(actor=referent, name=" conseil de l'ALMA ", town="roubaix ")

    assert excinfo.value.message_dict == {"name": [str(services.ERROR_DUPLICATE_COUNCIL)]}
    assert (Council.objects.count(), Group.objects.count()) == (councils, groups)
    assert MembershipEvent.objects.count() == events


@pytest.mark.parametrize(
    "markup",
    [
        XSS,
        '<img src="x" onerror="alert(1)">',
        "[lien](javascript:alert(1))",
        '<a href="#" onclick="alert(1)">clic</a>',
        '<iframe src="https://exemple.test"></iframe>',
        '<p style="background:url(x)">style</p>',
    ],
)
def test_council_presentation_is_rendered_and_sanitised(markup):
    council = council_create(
        presentation=f"# Qui sommes-nous\n\nNous sommes **fiers**.\n\n{markup}"
    )

    html = council.presentation_html
    assert "<h2>Qui sommes-nous</h2>" in html
    assert "<strong>fiers</strong>" in html
    # Raw HTML is shown as the text it is: only the tags matter.
    tags = markup_of(html)
    for forbidden in ("<script", "onerror", "javascript:", "onclick", "<iframe", "style="):
        assert forbidden not in tags
    assert council.presentation.endswith(markup)  # the source is kept as written


def test_a_logo_given_at_creation_is_stored(media_root):
    council = council_create(logo=_logo())

    council.refresh_from_db()
    assert council.logo.name.startswith("councils/logos/")
    assert stored_files(media_root) == [council.logo.name]


# Editing the public page.


@pytest.mark.parametrize("who", ["coordinator", "referent_here"])
def test_coordinators_and_referents_edit_the_public_page(who):
    council = council_create()
    actor = coordinator_of(council) if who == "coordinator" else referent_of(council.department)

    _update(
        council,
        actor,
        name="Nouveau nom",
        neighbourhood_code="qn05999x",
        presentation=f"*Bienvenue* {XSS}",
    )

    council.refresh_from_db()
    assert council.name == "Nouveau nom"
    assert council.neighbourhood_code == "QN05999X"
    assert "<em>Bienvenue</em>" in council.presentation_html
    assert "<script" not in council.presentation_html


@pytest.mark.parametrize("who", ["registered", "member", "coordinator_elsewhere", "referent_else"])
def test_others_cannot_edit_the_public_page(who):
    council = council_create()
    actor = {
        "registered": UserFactory,
        "member": lambda: member_of(council),
        "coordinator_elsewhere": lambda: coordinator_of(council_create()),
        "referent_else": lambda: referent_of(OTHER_DEPARTMENT),
    }[who]()
    before = _state(council)

    with pytest.raises(PermissionDenied):
        _update(council, actor, name="Piraté", presentation="piraté")

    assert _state(council) == before


def test_an_edit_based_on_an_older_version_is_refused():
    council = council_create()
    first_editor, second_editor = coordinator_of(council), referent_of(council.department)
    opened_at = council.updated_at  # both open the form
    council = _update(council, first_editor, name="Version de la coordination", based_on=opened_at)
    assert council.updated_at > opened_at
    before = _state(council)

    with pytest.raises(ValidationError) as excinfo:
        _update(council, second_editor, name="Version du référent", based_on=opened_at)

    assert excinfo.value.code == "stale"
    assert excinfo.value.messages[0].startswith("Quelqu’un a enregistré ce texte le ")
    assert _state(council) == before
    _update(council, second_editor, name="Version fusionnée", based_on=council.updated_at)
    council.refresh_from_db()
    assert council.name == "Version fusionnée"


def test_replacing_the_logo_deletes_the_old_file_after_commit(
    media_root, django_capture_on_commit_callbacks
):
    council = council_create()
    coordinator = coordinator_of(council)
    with django_capture_on_commit_callbacks(execute=True):
        council = _update(council, coordinator, new_logo=_logo())
    first_logo = council.logo.name
    assert stored_files(media_root) == [first_logo]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        council = _update(council, coordinator, new_logo=_logo())
    second_logo = council.logo.name
    assert second_logo != first_logo
    # Until the transaction commits, the old file stays: a rollback keeps the page whole.
    assert stored_files(media_root) == sorted([first_logo, second_logo])
    for callback in callbacks:
        callback()
    assert stored_files(media_root) == [second_logo]
    council.refresh_from_db()
    assert council.logo.name == second_logo

    with django_capture_on_commit_callbacks(execute=True):
        _update(council, coordinator, remove_logo=True)
    council.refresh_from_db()
    assert not council.logo
    assert stored_files(media_root) == []


# Archiving and reactivating.


def test_archiving_closes_the_council():
    council = council_create()
    referent = referent_of(council.department)
    coordinator = coordinator_of(council)
    member = member_of(council)
    join_request = services.membership_request(user=UserFactory(), council=council, message="")
    invitation = services.invitation_send(
        actor=coordinator, council=council, email="invitee@exemple.test", role=MEMBER
    )

    archived = services.council_archive(actor=referent, council=council)

    archived.refresh_from_db()
    assert archived.status == Council.Status.ARCHIVED
    assert archived.archived_at is not None
    assert _group_codenames(council.members_group, council) == {"view_space"}
    assert _group_codenames(council.coordinators_group, council) == {
        "view_space",
        "manage_members",
        "edit_council",
    }
    assert permissions.can_view_space(member, archived)
    assert not permissions.can_contribute(member, archived)
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.CANCELLED
    assert join_request.decided_by == referent
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    event = _last_event(council)
    assert (event.action, event.actor) == (Action.ARCHIVED, referent)
    assert Membership.objects.filter(council=council).count() == 2


def test_archiving_twice_changes_nothing_the_second_time():
    council = council_create()
    referent = referent_of(council.department)
    services.council_archive(actor=referent, council=council)
    before = _state(council)

    services.council_archive(actor=referent, council=council)

    assert _state(council) == before


def test_reactivating_gives_back_the_right_to_contribute():
    council = council_create()
    referent = referent_of(council.department)
    member = member_of(council)
    join_request = services.membership_request(user=UserFactory(), council=council, message="")
    services.council_archive(actor=referent, council=council)

    council = services.council_reactivate(actor=referent, council=council)

    council.refresh_from_db()
    assert council.is_active
    assert council.archived_at is None
    assert _group_codenames(council.members_group, council) == {"view_space", "contribute"}
    assert "contribute" in _group_codenames(council.coordinators_group, council)
    assert permissions.can_contribute(member, council)
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.CANCELLED  # closed requests stay closed
    assert _last_event(council).action == Action.REACTIVATED


@pytest.mark.parametrize("who", ["coordinator", "referent_elsewhere", "animator", "superuser"])
def test_only_a_referent_of_the_department_archives_and_reactivates(who):
    council = council_create()
    actor = {
        "coordinator": lambda: coordinator_of(council),
        "referent_elsewhere": lambda: referent_of(OTHER_DEPARTMENT),
        "animator": _animator,
        "superuser": lambda: UserFactory(is_superuser=True, is_staff=True),
    }[who]()
    before = _state(council)

    with pytest.raises(PermissionDenied):
        services.council_archive(actor=actor, council=council)
    assert _state(council) == before

    archived = services.council_archive(actor=referent_of(council.department), council=council)
    before = _state(council)
    with pytest.raises(PermissionDenied):
        services.council_reactivate(actor=actor, council=archived)
    assert _state(council) == before


# Asking to join.


def test_a_join_request_reaches_the_coordinators_and_the_referents_of_the_department(
    django_capture_on_commit_callbacks,
):
    council = council_create()
    coordinator_of(council, UserFactory(email="coordination@exemple.test"))
    coordinator_of(council, UserFactory(email="inactive@exemple.test", is_active=False))
    member_of(council, UserFactory(email="membre@exemple.test"))
    referent_of("59", UserFactory(email="referent59@exemple.test"))
    referent_of(OTHER_DEPARTMENT, UserFactory(email="referent69@exemple.test"))
    coordinator_of(council_create(), UserFactory(email="ailleurs@exemple.test"))
    user = UserFactory(email="demande@exemple.test")

    with django_capture_on_commit_callbacks(execute=True):
        join_request = services.membership_request(
            user=user, council=council, message=f"Bonjour {XSS}"
        )

    assert join_request.status == JoinRequest.Status.PENDING
    assert join_request.message == f"Bonjour {XSS}"
    told = Notification.objects.filter(kind=services.JOIN_REQUEST_KIND, target_id=join_request.pk)
    assert sorted(told.values_list("recipient__email", flat=True)) == [
        "coordination@exemple.test",
        "referent59@exemple.test",
    ]
    assert {(n.actor, n.excerpt) for n in told} == {(user, f"Bonjour {XSS}")}
    # Immediate by default: one e-mail each.
    assert _recipients() == ["coordination@exemple.test", "referent59@exemple.test"]
    assert all(len(message.to) == 1 for message in mail.outbox)
    assert f"/conseils/{council.slug}/gestion/" in mail.outbox[0].body
    event = _last_event(council)
    assert (event.action, event.actor, event.subject) == (Action.REQUESTED, user, user)


def test_a_second_request_while_one_is_pending_is_refused(django_capture_on_commit_callbacks):
    council = council_create()
    coordinator_of(council)
    user = UserFactory()
    services.membership_request(user=user, council=council, message="Premier")
    before = _state(council)
    mail.outbox.clear()

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError) as excinfo,
    ):
        services.membership_request(user=user, council=council, message="Second")

    _refused(excinfo, services.ERROR_REQUEST_PENDING)
    assert _state(council) == before
    assert mail.outbox == []


def test_one_may_ask_again_once_the_first_request_was_refused():
    council = council_create()
    coordinator = coordinator_of(council)
    user = UserFactory()
    first = services.membership_request(user=user, council=council, message="")
    services.join_request_refuse(actor=coordinator, join_request=first)

    second = services.membership_request(user=user, council=council, message="Encore")

    assert second.pk != first.pk
    assert second.is_pending


def test_an_archived_council_takes_no_request():
    council = council_create()
    council = services.council_archive(actor=referent_of(council.department), council=council)
    before = _state(council)

    with pytest.raises(ValidationError) as excinfo:
        services.membership_request(user=UserFactory(), council=council, message="")

    _refused(excinfo, services.ERROR_COUNCIL_ARCHIVED)
    assert _state(council) == before


@pytest.mark.parametrize("role", [MEMBER, COORDINATOR])
def test_a_member_cannot_ask_to_join(role):
    council = council_create()
    user = member_of(council, role=role)
    before = _state(council)

    with pytest.raises(ValidationError) as excinfo:
        services.membership_request(user=user, council=council, message="")

    _refused(excinfo, services.ERROR_ALREADY_MEMBER)
    assert _state(council) == before


# Answering a request.


@pytest.mark.parametrize("who", ["coordinator", "referent_here"])
def test_accepting_a_request_makes_a_member_and_tells_them(who, django_capture_on_commit_callbacks):
    council = council_create()
    coordinator = coordinator_of(council)
    actor = coordinator if who == "coordinator" else referent_of(council.department)
    user = UserFactory(email="demande@exemple.test")
    join_request = services.membership_request(user=user, council=council, message="")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        membership = services.join_request_accept(actor=actor, join_request=join_request)

    assert (membership.council, membership.user, membership.role) == (council, user, MEMBER)
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.ACCEPTED
    assert join_request.decided_by == actor
    assert join_request.decided_at is not None
    assert list(user.groups.all()) == [council.members_group]
    answer = Notification.objects.get(kind=services.JOIN_DECISION_KIND)
    assert (answer.recipient, answer.target_id, answer.actor) == (user, join_request.pk, actor)
    by_referent = who == "referent_here"
    # A referent is not a coordinator: the coordinators hear of it at once.
    assert _recipients() == sorted(["demande@exemple.test"] + [coordinator.email] * by_referent)
    answer_mail = next(m for m in mail.outbox if m.to == ["demande@exemple.test"])
    assert f"/conseils/{council.slug}/espace/" in answer_mail.body
    event = _last_event(council)
    assert (event.action, event.actor, event.subject) == (Action.ACCEPTED, actor, user)
    assert event.from_outside is by_referent


def test_refusing_a_request_tells_the_requester(django_capture_on_commit_callbacks):
    council = council_create()
    coordinator = coordinator_of(council)
    user = UserFactory(email="demande@exemple.test")
    join_request = services.membership_request(user=user, council=council, message="")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.join_request_refuse(actor=coordinator, join_request=join_request)

    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.REFUSED
    assert join_request.decided_by == coordinator
    assert not Membership.objects.filter(council=council, user=user).exists()
    assert not user.groups.exists()
    answer = Notification.objects.get(kind=services.JOIN_DECISION_KIND)
    assert (answer.recipient, answer.target_id) == (user, join_request.pk)
    assert "n’a pas été acceptée" in answer.title
    assert _recipients() == ["demande@exemple.test"]
    event = _last_event(council)
    assert (event.action, event.actor, event.subject) == (Action.REFUSED, coordinator, user)


@pytest.mark.parametrize("first", ["accept", "refuse", "withdraw"])
@pytest.mark.parametrize("second", ["accept", "refuse"])
def test_a_request_is_answered_once(first, second, django_capture_on_commit_callbacks):
    council = council_create()
    coordinator = coordinator_of(council)
    user = UserFactory()
    join_request = services.membership_request(user=user, council=council, message="")
    if first == "withdraw":
        services.join_request_withdraw(user=user, join_request=join_request)
    else:
        getattr(services, f"join_request_{first}")(actor=coordinator, join_request=join_request)
    before = _state(council)
    answers = Notification.objects.filter(kind=services.JOIN_DECISION_KIND).count()
    mail.outbox.clear()

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError) as excinfo,
    ):
        # The object the manager holds still says "pending": the row decides.
        getattr(services, f"join_request_{second}")(actor=coordinator, join_request=join_request)

    _refused(excinfo, services.ERROR_REQUEST_ANSWERED)
    assert _state(council) == before
    assert Notification.objects.filter(kind=services.JOIN_DECISION_KIND).count() == answers
    assert mail.outbox == []


@pytest.mark.parametrize("who", ["requester", "member", "coordinator_elsewhere", "referent_else"])
@pytest.mark.parametrize("decision", ["accept", "refuse"])
def test_only_managers_answer_a_request(who, decision):
    council = council_create()
    coordinator_of(council)
    user = UserFactory()
    join_request = services.membership_request(user=user, council=council, message="")
    actor = {
        "requester": lambda: user,
        "member": lambda: member_of(council),
        "coordinator_elsewhere": lambda: coordinator_of(council_create()),
        "referent_else": lambda: referent_of(OTHER_DEPARTMENT),
    }[who]()
    before = _state(council)

    with pytest.raises(PermissionDenied):
        getattr(services, f"join_request_{decision}")(actor=actor, join_request=join_request)

    assert _state(council) == before


def test_only_the_requester_withdraws_their_request():
    council = council_create()
    coordinator = coordinator_of(council)
    user = UserFactory()
    join_request = services.membership_request(user=user, council=council, message="")
    before = _state(council)

    with pytest.raises(PermissionDenied):
        services.join_request_withdraw(user=coordinator, join_request=join_request)
    assert _state(council) == before

    services.join_request_withdraw(user=user, join_request=join_request)
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.WITHDRAWN
    assert join_request.decided_by is None


# Invitations.


def _token_from_mail() -> str:
    (message,) = mail.outbox
    match = re.search(r"/conseils/invitation/([^/\s]+)/", message.body)
    assert match, message.body
    return match.group(1)


def test_an_invitation_link_leads_back_to_its_invitation(django_capture_on_commit_callbacks):
    council = council_create()
    coordinator = coordinator_of(council)

    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_send(
            actor=coordinator, council=council, email="  Invitee@Exemple.TEST ", role=MEMBER
        )

    assert invitation.email == "invitee@exemple.test"
    assert invitation.invited_by == coordinator
    assert _recipients() == ["invitee@exemple.test"]
    token = _token_from_mail()
    # The token signs the second it was made: decoded, not compared with a new one.
    assert services.invitation_from_token(token) == invitation
    event = _last_event(council)
    assert (event.action, event.actor, event.detail) == (
        Action.INVITED,
        coordinator,
        "invitee@exemple.test",
    )


def test_an_invitation_link_lasts_fourteen_days():
    council = council_create()
    invitation = services.invitation_send(
        actor=coordinator_of(council), council=council, email="a@exemple.test", role=MEMBER
    )
    token = services.invitation_token(invitation)
    now = time.time()

    with mock.patch("django.core.signing.time.time", return_value=now + 13 * 86400):
        assert services.invitation_from_token(token) == invitation
    with (
        mock.patch("django.core.signing.time.time", return_value=now + 15 * 86400),
        pytest.raises(ValidationError) as excinfo,
    ):
        services.invitation_from_token(token)
    _refused(excinfo, services.ERROR_INVITATION_INVALID)


@pytest.mark.parametrize(
    "token",
    ["", "n-importe-quoi", "1:1tB2cD:abcdefghijklmnopqrstuvwxyz0123456789ABC"],
)
def test_a_forged_invitation_link_is_refused(token):
    with pytest.raises(ValidationError) as excinfo:
        services.invitation_from_token(token)
    _refused(excinfo, services.ERROR_INVITATION_INVALID)


def test_a_link_signed_for_something_else_is_refused():
    from django.core import signing

    council = council_create()
    invitation = services.invitation_send(
        actor=coordinator_of(council), council=council, email="a@exemple.test", role=MEMBER
    )

    with pytest.raises(ValidationError) as excinfo:
        services.invitation_from_token(signing.dumps(invitation.pk, salt="autre-chose"))
    _refused(excinfo, services.ERROR_INVITATION_INVALID)


def test_a_revoked_invitation_is_refused():
    council = council_create()
    coordinator = coordinator_of(council)
    invitation = services.invitation_send(
        actor=coordinator, council=council, email="a@exemple.test", role=MEMBER
    )
    services.invitation_revoke(actor=coordinator, invitation=invitation)
    event = _last_event(council)
    assert (event.action, event.actor, event.detail) == (
        Action.INVITATION_REVOKED,
        coordinator,
        "a@exemple.test",
    )
    before = _state(council)

    with pytest.raises(ValidationError) as from_token:
        services.invitation_from_token(services.invitation_token(invitation))
    with pytest.raises(ValidationError) as accepted:
        services.invitation_accept(user=UserFactory(), invitation=invitation)
    with pytest.raises(ValidationError) as revoked_again:
        services.invitation_revoke(actor=coordinator, invitation=invitation)

    for excinfo in (from_token, accepted, revoked_again):
        _refused(excinfo, services.ERROR_INVITATION_USED)
    assert _state(council) == before


def test_a_used_invitation_is_refused():
    council = council_create()
    invitation = services.invitation_send(
        actor=coordinator_of(council), council=council, email="a@exemple.test", role=MEMBER
    )
    invitee = UserFactory(email="a@exemple.test")
    services.invitation_accept(user=invitee, invitation=invitation)
    before = _state(council)

    with pytest.raises(ValidationError) as from_token:
        services.invitation_from_token(services.invitation_token(invitation))
    with pytest.raises(ValidationError) as accepted:
        services.invitation_accept(user=invitee, invitation=invitation)

    _refused(from_token, services.ERROR_INVITATION_USED)
    _refused(accepted, services.ERROR_INVITATION_USED)
    assert _state(council) == before


@pytest.mark.parametrize("role", [MEMBER, COORDINATOR])
def test_accepting_an_invitation_makes_a_member_with_the_invited_role(role):
    council = council_create()
    coordinator = coordinator_of(council)
    user = UserFactory(email="adresse@exemple.test")
    pending = services.membership_request(user=user, council=council, message="")
    invitation = services.invitation_send(
        actor=coordinator, council=council, email="adresse@exemple.test", role=role
    )

    membership = services.invitation_accept(user=user, invitation=invitation)

    assert (membership.user, membership.role) == (user, role)
    assert set(user.groups.all()) == (
        {council.members_group, council.coordinators_group}
        if role == COORDINATOR
        else {council.members_group}
    )
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert invitation.accepted_at is not None
    pending.refresh_from_db()
    assert pending.status == JoinRequest.Status.ACCEPTED
    assert pending.decided_by == coordinator
    event = _last_event(council)
    assert (event.action, event.actor, event.subject, event.detail) == (
        Action.JOINED,
        user,
        user,
        "adresse@exemple.test",
    )


def test_an_invitation_to_coordinate_promotes_a_member():
    council = council_create()
    coordinator = coordinator_of(council)
    invitation = services.invitation_send(
        actor=coordinator, council=council, email="autre@exemple.test", role=COORDINATOR
    )
    # Joined by another way while the invitation waited.
    user = member_of(council, UserFactory(email="autre@exemple.test"))

    services.invitation_accept(user=user, invitation=invitation)

    assert _membership(council, user).role == COORDINATOR
    assert council.coordinators_group in user.groups.all()
    event = _last_event(council)
    assert (event.action, event.actor, event.subject) == (Action.ROLE_CHANGED, coordinator, user)


def test_an_invitation_to_an_existing_member_is_refused():
    council = council_create()
    coordinator = coordinator_of(council)
    member_of(council, UserFactory(email="deja@exemple.test"))
    before = _state(council)

    with pytest.raises(ValidationError) as excinfo:
        services.invitation_send(
            actor=coordinator, council=council, email="DEJA@exemple.test", role=COORDINATOR
        )

    _refused(excinfo, services.ERROR_INVITEE_ALREADY_MEMBER)
    assert _state(council) == before


def test_a_double_submitted_invitation_is_sent_once(django_capture_on_commit_callbacks):
    council = council_create()
    coordinator = coordinator_of(council)

    with django_capture_on_commit_callbacks(execute=True):
        first = services.invitation_send(
            actor=coordinator, council=council, email="a@exemple.test", role=MEMBER
        )
        second = services.invitation_send(
            actor=coordinator, council=council, email="A@exemple.test ", role=MEMBER
        )

    assert second == first
    assert first.is_open
    assert Invitation.objects.filter(council=council).count() == 1
    assert _recipients() == ["a@exemple.test"]
    assert MembershipEvent.objects.filter(council=council, action=Action.INVITED).count() == 1


def test_a_new_invitation_replaces_the_open_one_to_the_same_address():
    council = council_create()
    coordinator = coordinator_of(council)
    first = services.invitation_send(
        actor=coordinator, council=council, email="a@exemple.test", role=MEMBER
    )

    second = services.invitation_send(
        actor=coordinator, council=council, email="A@exemple.test", role=COORDINATOR
    )

    first.refresh_from_db()
    assert first.revoked_at is not None
    assert second.is_open
    with pytest.raises(ValidationError) as excinfo:
        services.invitation_from_token(services.invitation_token(first))
    _refused(excinfo, services.ERROR_INVITATION_USED)


@pytest.mark.parametrize("who", ["registered", "member", "referent_elsewhere"])
def test_only_managers_invite_and_revoke(who):
    council = council_create()
    coordinator = coordinator_of(council)
    invitation = services.invitation_send(
        actor=coordinator, council=council, email="a@exemple.test", role=MEMBER
    )
    actor = {
        "registered": UserFactory,
        "member": lambda: member_of(council),
        "referent_elsewhere": lambda: referent_of(OTHER_DEPARTMENT),
    }[who]()
    before = _state(council)

    with pytest.raises(PermissionDenied):
        services.invitation_send(
            actor=actor, council=council, email="b@exemple.test", role=COORDINATOR
        )
    with pytest.raises(PermissionDenied):
        services.invitation_revoke(actor=actor, invitation=invitation)

    assert _state(council) == before


def test_an_archived_council_sends_and_honours_no_invitation():
    council = council_create()
    coordinator = coordinator_of(council)
    referent = referent_of(council.department)
    invitation = services.invitation_send(
        actor=coordinator, council=council, email="a@exemple.test", role=MEMBER
    )
    token = services.invitation_token(invitation)
    council = services.council_archive(actor=referent, council=council)
    before = _state(council)

    with pytest.raises(ValidationError) as sent:
        services.invitation_send(
            actor=coordinator, council=council, email="b@exemple.test", role=MEMBER
        )
    with pytest.raises(ValidationError) as followed:
        services.invitation_from_token(token)

    _refused(sent, services.ERROR_COUNCIL_ARCHIVED)
    _refused(followed, services.ERROR_INVITATION_ARCHIVED)
    assert _state(council) == before


# Leaving, removing, changing roles: a council keeps a coordinator.


def test_a_member_leaves():
    council = council_create()
    coordinator_of(council)
    user = member_of(council)

    services.membership_leave(user=user, council=council)

    assert not Membership.objects.filter(council=council, user=user).exists()
    assert not user.groups.exists()
    event = _last_event(council)
    assert (event.action, event.actor, event.subject) == (Action.LEFT, user, user)


def test_leaving_a_council_one_is_not_in_is_refused():
    council = council_create()
    before = _state(council)

    with pytest.raises(PermissionDenied):
        services.membership_leave(user=UserFactory(), council=council)

    assert _state(council) == before


def test_the_last_coordinator_cannot_leave_step_down_or_remove_themself():
    council = council_create()
    coordinator = coordinator_of(council)
    member_of(council)
    before = _state(council)

    with pytest.raises(ValidationError) as left:
        services.membership_leave(user=coordinator, council=council)
    with pytest.raises(ValidationError) as stepped_down:
        services.membership_role_change(
            actor=coordinator, membership=_membership(council, coordinator), role=MEMBER
        )
    with pytest.raises(ValidationError) as removed:
        services.membership_remove(actor=coordinator, membership=_membership(council, coordinator))

    for excinfo in (left, stepped_down, removed):
        _refused(excinfo, services.ERROR_LAST_COORDINATOR)
    assert _state(council) == before


def test_of_two_coordinators_the_first_steps_down_and_the_second_is_kept():
    council = council_create()
    first = coordinator_of(council)
    second = coordinator_of(council)

    services.membership_role_change(
        actor=first, membership=_membership(council, first), role=MEMBER
    )
    assert _membership(council, first).role == MEMBER
    before = _state(council)

    with pytest.raises(ValidationError) as left:
        services.membership_leave(user=second, council=council)
    with pytest.raises(ValidationError) as stepped_down:
        services.membership_role_change(
            actor=second, membership=_membership(council, second), role=MEMBER
        )

    _refused(left, services.ERROR_LAST_COORDINATOR)
    _refused(stepped_down, services.ERROR_LAST_COORDINATOR)
    assert _state(council) == before


@pytest.mark.parametrize("change", ["leave", "remove", "step_down"])
def test_a_coordinator_goes_when_another_coordinator_stays(change):
    council = council_create()
    leaving = coordinator_of(council)
    staying = coordinator_of(council)
    membership = _membership(council, leaving)

    if change == "leave":
        services.membership_leave(user=leaving, council=council)
    elif change == "remove":
        services.membership_remove(actor=staying, membership=membership)
    else:
        services.membership_role_change(actor=staying, membership=membership, role=MEMBER)

    assert list(
        Membership.objects.filter(council=council, role=COORDINATOR).values_list("user", flat=True)
    ) == [staying.pk]
    assert council.coordinators_group not in leaving.groups.all()


@pytest.mark.parametrize("change", ["remove", "step_down"])
def test_a_referent_may_leave_a_council_without_coordinator(change):
    council = council_create()
    coordinator = coordinator_of(council)
    referent = referent_of(council.department)
    membership = _membership(council, coordinator)

    if change == "remove":
        services.membership_remove(actor=referent, membership=membership)
    else:
        services.membership_role_change(actor=referent, membership=membership, role=MEMBER)

    assert not Membership.objects.filter(council=council, role=COORDINATOR).exists()
    assert council.coordinators_group not in coordinator.groups.all()


def test_a_coordinator_who_is_also_referent_may_leave_last():
    council = council_create()
    user = coordinator_of(council, referent_of(council.department))

    services.membership_leave(user=user, council=council)

    assert not Membership.objects.filter(council=council).exists()


def test_removing_a_member_takes_their_groups():
    council = council_create()
    coordinator = coordinator_of(council)
    user = member_of(council)
    other_council = council_create()
    member_of(other_council, user)

    services.membership_remove(actor=coordinator, membership=_membership(council, user))

    assert list(user.groups.all()) == [other_council.members_group]
    event = _last_event(council)
    assert (event.action, event.actor, event.subject) == (Action.REMOVED, coordinator, user)


@pytest.mark.parametrize("who", ["member", "coordinator_elsewhere", "referent_elsewhere"])
def test_only_managers_remove_members_and_change_roles(who):
    council = council_create()
    coordinator_of(council)
    user = member_of(council)
    actor = {
        "member": lambda: member_of(council),
        "coordinator_elsewhere": lambda: coordinator_of(council_create()),
        "referent_elsewhere": lambda: referent_of(OTHER_DEPARTMENT),
    }[who]()
    before = _state(council)

    with pytest.raises(PermissionDenied):
        services.membership_remove(actor=actor, membership=_membership(council, user))
    with pytest.raises(PermissionDenied):
        services.membership_role_change(
            actor=actor, membership=_membership(council, user), role=COORDINATOR
        )

    assert _state(council) == before


@pytest.mark.parametrize("role", [MEMBER, COORDINATOR])
def test_a_referent_adds_a_member_straight_away(role):
    council = council_create()
    referent = referent_of(council.department)
    user = UserFactory()

    membership = services.membership_grant(actor=referent, council=council, user=user, role=role)

    assert (membership.council, membership.user, membership.role) == (council, user, role)
    assert permissions.can_view_space(user, council)
    assert permissions.is_coordinator(user, council) is (role == COORDINATOR)
    event = _last_event(council)
    assert (event.action, event.actor, event.subject) == (Action.JOINED, referent, user)


def test_the_system_adds_members_too():
    council = council_create()
    user = UserFactory()

    services.membership_grant(system=True, council=council, user=user)

    assert _membership(council, user).role == MEMBER
    event = _last_event(council)
    assert (event.actor, event.by_system, event.from_outside) == (None, True, False)


@pytest.mark.parametrize("who", ["coordinator", "referent_elsewhere", "animator"])
def test_only_a_referent_of_the_department_adds_members_straight_away(who):
    council = council_create()
    actor = {
        "coordinator": lambda: coordinator_of(council),
        "referent_elsewhere": lambda: referent_of(OTHER_DEPARTMENT),
        "animator": _animator,
    }[who]()
    before = _state(council)

    with pytest.raises(PermissionDenied):
        services.membership_grant(actor=actor, council=council, user=UserFactory())

    assert _state(council) == before


def test_adding_someone_already_member_is_refused():
    council = council_create()
    referent = referent_of(council.department)
    user = member_of(council)
    before = _state(council)

    with pytest.raises(ValidationError) as excinfo:
        services.membership_grant(actor=referent, council=council, user=user, role=COORDINATOR)

    _refused(excinfo, services.ERROR_INVITEE_ALREADY_MEMBER)
    assert _state(council) == before


def test_an_archived_council_takes_no_member_straight_away():
    council = council_create()
    referent = referent_of(council.department)
    council = services.council_archive(actor=referent, council=council)
    before = _state(council)

    with pytest.raises(ValidationError) as excinfo:
        services.membership_grant(actor=referent, council=council, user=UserFactory())

    _refused(excinfo, services.ERROR_COUNCIL_ARCHIVED)
    assert _state(council) == before


def test_giving_the_same_role_again_records_nothing():
    council = council_create()
    coordinator = coordinator_of(council)
    user = member_of(council)
    before = _state(council)

    services.membership_role_change(
        actor=coordinator, membership=_membership(council, user), role=MEMBER
    )

    assert _state(council) == before


def test_the_membership_log_records_who_did_what_to_whom_and_when():
    start = timezone.now()
    referent = referent_of("59", UserFactory(display_name="Référente"))
    council = council_create(actor=referent)
    coordinator = coordinator_of(council, UserFactory(display_name="Coordination"))
    asking = UserFactory(display_name="Demandeuse")
    refused = UserFactory(display_name="Refusé")
    invited = UserFactory(display_name="Invitée")

    services.join_request_accept(
        actor=coordinator,
        join_request=services.membership_request(user=asking, council=council, message=""),
    )
    services.join_request_refuse(
        actor=coordinator,
        join_request=services.membership_request(user=refused, council=council, message=""),
    )
    revoked = services.invitation_send(
        actor=coordinator, council=council, email="x@exemple.test", role=MEMBER
    )
    services.invitation_revoke(actor=coordinator, invitation=revoked)
    services.invitation_accept(
        user=invited,
        invitation=services.invitation_send(
            actor=coordinator, council=council, email=invited.email, role=MEMBER
        ),
    )
    services.membership_role_change(
        actor=coordinator, membership=_membership(council, asking), role=COORDINATOR
    )
    # A new request would load the person afresh, with the grants they hold now.
    asking = User.objects.get(pk=asking.pk)
    services.membership_remove(actor=asking, membership=_membership(council, invited))
    services.membership_leave(user=coordinator, council=council)
    council = services.council_archive(actor=referent, council=council)
    services.council_reactivate(actor=referent, council=council)

    log = [
        (event.action, event.actor, event.subject, event.detail)
        for event in reversed(MembershipEvent.objects.filter(council=council))
    ]
    assert log == [
        (Action.CREATED, referent, None, ""),
        (Action.REQUESTED, asking, asking, ""),
        (Action.ACCEPTED, coordinator, asking, ""),
        (Action.REQUESTED, refused, refused, ""),
        (Action.REFUSED, coordinator, refused, ""),
        (Action.INVITED, coordinator, None, "x@exemple.test"),
        (Action.INVITATION_REVOKED, coordinator, None, "x@exemple.test"),
        (Action.INVITED, coordinator, None, invited.email),
        (Action.JOINED, invited, invited, invited.email),
        (Action.ROLE_CHANGED, coordinator, asking, str(Membership.Role.COORDINATOR.label)),
        (Action.REMOVED, asking, invited, ""),
        (Action.LEFT, coordinator, coordinator, ""),
        (Action.ARCHIVED, referent, None, ""),
        (Action.REACTIVATED, referent, None, ""),
    ]
    times = list(
        MembershipEvent.objects.filter(council=council)
        .order_by("pk")
        .values_list("created_at", flat=True)
    )
    assert times == sorted(times)
    assert start <= times[0] and times[-1] <= timezone.now()


# Referents.


def test_appointing_a_referent_grants_every_council_of_the_department_and_only_there():
    nord = [council_create(department=department("59")) for _ in range(2)]
    rhone = council_create(department=department(OTHER_DEPARTMENT))
    animator = _animator()
    user = UserFactory()

    (assignment,) = services.referent_appoint(
        actor=animator, user=user, departments=[department("59")]
    )
    later = council_create(department=department("59"))

    assert assignment.appointed_by == animator
    for council in [*nord, later]:
        assert _direct_codenames(user, council) == {"manage_members", "edit_council"}
    assert _direct_codenames(user, rhone) == set()
    assert CouncilUserObjectPermission.objects.filter(user=user).count() == 6


def test_withdrawing_a_referent_takes_the_grants_of_that_department_only():
    nord = [council_create(department=department("59")) for _ in range(2)]
    rhone = council_create(department=department(OTHER_DEPARTMENT))
    animator = _animator()
    user = UserFactory()
    other_referent = referent_of("59")
    nord_assignment, _rhone_assignment = services.referent_appoint(
        actor=animator, user=user, departments=[department("59"), department(OTHER_DEPARTMENT)]
    )

    services.referent_withdraw(actor=animator, assignment=nord_assignment)

    for council in nord:
        assert _direct_codenames(user, council) == set()
        assert _direct_codenames(other_referent, council) == {"manage_members", "edit_council"}
    assert _direct_codenames(user, rhone) == {"manage_members", "edit_council"}
    assert list(ReferentAssignment.objects.filter(user=user).values_list("department__code")) == [
        (OTHER_DEPARTMENT,)
    ]


def test_a_referent_who_is_also_coordinator_keeps_coordinating_when_withdrawn():
    council = council_create()
    animator = _animator()
    user = coordinator_of(council)
    (assignment,) = services.referent_appoint(
        actor=animator, user=user, departments=[council.department]
    )

    services.referent_withdraw(actor=animator, assignment=assignment)

    assert permissions.can_manage_members(user, council)
    assert permissions.is_coordinator(user, council)
    assert not permissions.is_referent_for(user, council)


@pytest.mark.parametrize("who", ["registered", "referent", "superuser"])
def test_only_the_national_animation_appoints_and_withdraws_referents(who):
    council = council_create()
    actor = {
        "registered": UserFactory,
        "referent": lambda: referent_of("59"),
        "superuser": lambda: UserFactory(is_superuser=True, is_staff=True),
    }[who]()
    existing = referent_of("59")
    user = UserFactory()
    assignments = sorted(ReferentAssignment.objects.values_list("pk", "user", "department"))
    before = _state(council)

    with pytest.raises(PermissionDenied):
        services.referent_appoint(actor=actor, user=user, departments=[council.department])
    with pytest.raises(PermissionDenied):
        services.referent_withdraw(
            actor=actor, assignment=ReferentAssignment.objects.get(user=existing)
        )

    assert sorted(ReferentAssignment.objects.values_list("pk", "user", "department")) == (
        assignments
    )
    assert _state(council) == before


def test_appointing_someone_already_referent_there_is_refused():
    council = council_create()
    user = referent_of("59")
    before = _state(council)

    with pytest.raises(ValidationError) as excinfo:
        services.referent_appoint(actor=_animator(), user=user, departments=[department("59")])

    _refused(excinfo, services.ERROR_ALREADY_REFERENT)
    assert _state(council) == before
    assert ReferentAssignment.objects.filter(user=user).count() == 1


# Transparency.


def test_space_access_record_writes_who_why_and_where():
    council = council_create()
    superuser = UserFactory(is_superuser=True, email="admin@exemple.test", display_name="Admin")

    access = services.space_access_record(
        council=council, user=superuser, reason="r" * 300, path="/" + "p" * 600
    )

    access.refresh_from_db()
    assert access.user == superuser
    assert access.user_label == "Admin"
    assert access.reason == "r" * 200
    assert len(access.path) == 500
    assert access.created_at is not None


def test_a_space_access_line_still_says_who_once_the_account_is_gone():
    council = council_create()
    superuser = UserFactory(is_superuser=True, email="admin@exemple.test", display_name="Admin")
    services.space_access_record(council=council, user=superuser, reason="admin", path="/admin/")

    superuser.delete()

    access = SpaceAccess.objects.get(council=council)
    assert access.user is None
    assert access.user_label == "Admin"


def test_space_access_record_fits_a_long_name_and_address():
    council = council_create()
    user = UserFactory(display_name="N" * 80, email=f"{'a' * 64}@{'d' * 60}.{'e' * 50}.test")

    access = services.space_access_record(council=council, user=user, reason="r", path="/")

    access.refresh_from_db()
    assert len(access.user_label) <= SpaceAccess._meta.get_field("user_label").max_length


# Public contact.


def test_the_contact_form_reaches_the_coordinators_only(django_capture_on_commit_callbacks):
    council = council_create()
    coordinator_of(council, UserFactory(email="coordination@exemple.test"))
    member_of(council, UserFactory(email="membre@exemple.test"))
    referent_of("59", UserFactory(email="referent@exemple.test"))

    with django_capture_on_commit_callbacks(execute=True):
        count = services.council_contact(
            council=council,
            sender_name=f"Visiteur {XSS}",
            sender_email="visiteur@exemple.test",
            message="Bonjour",
        )

    assert count == 1
    assert _recipients() == ["coordination@exemple.test"]
    assert mail.outbox[0].reply_to == ["visiteur@exemple.test"]
    assert "coordination@exemple.test" not in mail.outbox[0].body


# Personal data.


def test_the_export_holds_memberships_requests_invitations_and_departments():
    council = council_create(name="Conseil du Nord")
    other = council_create(name="Conseil de l'Est")
    user = UserFactory(email="lina@exemple.test")
    coordinator_of(council, user)
    referent_of("59", user)
    other_coordinator = coordinator_of(other)
    services.membership_request(user=user, council=other, message="Bonjour")
    services.invitation_send(
        actor=other_coordinator, council=other, email="LINA@exemple.test", role=MEMBER
    )

    data = exported(user)["councils"]

    assert [(m["council"], m["role"]) for m in data["memberships"]] == [
        ("Conseil du Nord", COORDINATOR)
    ]
    assert [(r["council"], r["message"], r["status"]) for r in data["join_requests"]] == [
        ("Conseil de l'Est", "Bonjour", "pending")
    ]
    assert [(i["council"], i["email"]) for i in data["invitations_received"]] == [
        ("Conseil de l'Est", "lina@exemple.test")
    ]
    assert [a["department"] for a in data["referent_of"]] == ["59"]


def test_deleting_an_account_erases_the_invitations_to_its_address():
    council = council_create()
    coordinator = coordinator_of(council)
    user = member_of(council, UserFactory(email="lina@exemple.test"))
    other = council_create()
    services.invitation_send(
        actor=coordinator_of(other), council=other, email="Lina@exemple.test", role=MEMBER
    )
    kept = services.invitation_send(
        actor=coordinator, council=council, email="autre@exemple.test", role=MEMBER
    )

    account_delete(user=user)

    assert list(Invitation.objects.all()) == [kept]
    assert not Membership.objects.filter(user_id=user.pk).exists()
    assert coordinator.pk in Membership.objects.values_list("user", flat=True)


def test_deleting_an_account_leaves_its_address_nowhere_in_the_councils():
    council = council_create()
    coordinator = coordinator_of(council)
    user = UserFactory(email="lina@exemple.test")
    invitation = services.invitation_send(
        actor=coordinator, council=council, email=user.email, role=MEMBER
    )
    services.invitation_accept(user=user, invitation=invitation)

    account_delete(user=user)

    assert not MembershipEvent.objects.filter(detail__icontains="lina@exemple.test").exists()


def test_a_coordinator_who_is_also_referent_gets_one_request_email(
    django_capture_on_commit_callbacks,
):
    council = council_create()
    coordinator_of(council, referent_of("59", UserFactory(email="les-deux@exemple.test")))

    with django_capture_on_commit_callbacks(execute=True):
        services.membership_request(user=UserFactory(), council=council, message="")

    assert _recipients() == ["les-deux@exemple.test"]


def test_invitations_expire_in_the_message_the_user_reads():
    assert timedelta(days=14) == services.INVITATION_MAX_AGE
    assert "14" in str(services.ERROR_INVITATION_INVALID)


def test_an_invitation_is_accepted_only_by_the_account_of_its_address():
    """A forwarded or leaked link does not make its holder a member."""
    council = council_create()
    invitation = services.invitation_send(
        actor=coordinator_of(council),
        council=council,
        email="invitee@exemple.test",
        role=COORDINATOR,
    )
    someone_else = UserFactory(email="quelqu-un@exemple.test")
    unverified = UserFactory(email="invitee@exemple.test", verified=False)
    before = _state(council)

    for user in (someone_else, unverified):
        with pytest.raises(ValidationError) as excinfo:
            services.invitation_accept(user=user, invitation=invitation)
        _refused(excinfo, services.ERROR_INVITATION_OTHER_ADDRESS)
    assert _state(council) == before
    invitation.refresh_from_db()
    assert invitation.is_open


def test_a_refused_link_keeps_its_text_and_is_not_a_link():
    council = council_create(
        presentation="Voir [notre site](javascript:alert(1)) ou [ici](https://exemple.test)"
    )
    assert "<a" in council.presentation_html
    assert "notre site" in council.presentation_html
    assert council.presentation_html.count("<a ") == 1
    assert 'href="https://exemple.test"' in council.presentation_html


def test_archiving_tells_the_people_waiting_and_withdrawing_is_logged(
    django_capture_on_commit_callbacks,
):
    council = council_create()
    referent = referent_of("59")
    waiting = UserFactory(email="attente@exemple.test")
    services.membership_request(user=waiting, council=council, message="")
    withdrawing = UserFactory()
    withdrawn = services.membership_request(user=withdrawing, council=council, message="")
    services.join_request_withdraw(user=withdrawing, join_request=withdrawn)
    assert _last_event(council).action == Action.WITHDRAWN

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.council_archive(actor=referent, council=council)
    assert [m.to for m in mail.outbox] == [["attente@exemple.test"]]
    assert "votre demande est annulée" in mail.outbox[0].body


def test_presentation_is_rendered_before_any_row_is_locked(render_depths):
    depths = render_depths("councils.services.councils")
    council = council_create(presentation="Nous sommes **fiers**.")
    _update(council, coordinator_of(council), presentation="Nous sommes *ravis*.")
    assert depths == [0, 0]
    council.refresh_from_db()
    assert council.presentation_html == "<p>Nous sommes <em>ravis</em>.</p>"
