"""The council's life through its pages: joining, contact, invitations,
roles, the public page, referents and the transparency log."""

from __future__ import annotations

import html
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from accounts.roles import animator_appoint
from councils import services
from councils.models import Council, JoinRequest, Membership, ReferentAssignment, SpaceAccess
from notifications.models import Notification
from tests.accounts.factories import XSS, UserFactory
from tests.conftest import stored_files
from tests.councils.factories import (
    coordinator_of,
    council_create,
    department,
    member_of,
    referent_of,
)
from tests.hostile import markup_of
from tests.images import png

pytestmark = pytest.mark.django_db


@pytest.fixture
def council():
    return council_create(name="Conseil citoyen de l'Alma", town="Roubaix")


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_join_request_accepted_by_a_coordinator(
    client, council, django_capture_on_commit_callbacks
):
    coordinator = coordinator_of(council, UserFactory(email="coordination@exemple.test"))
    referent = referent_of("59", UserFactory(email="referent@exemple.test"))
    member_of(council, UserFactory(email="simple.membre@exemple.test"))
    resident = UserFactory(email="habitante@exemple.test", display_name="Amina")

    client.force_login(resident)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("councils:join", args=[council.slug]),
            {"message": "J'habite rue de l'Alma."},
            follow=True,
        )
    assert "Votre demande a été envoyée." in response.content.decode()
    # Those who answer are told in their notifications and, by default, by e-mail at once.
    told = Notification.objects.filter(kind=services.JOIN_REQUEST_KIND)
    assert sorted(told.values_list("recipient__email", flat=True)) == [
        coordinator.email,
        referent.email,
    ]
    assert {n.url for n in told} == {reverse("councils:manage", args=[council.slug])}
    assert sorted(m.to[0] for m in mail.outbox) == [coordinator.email, referent.email]
    assert mail.outbox[0].subject.endswith(
        "Amina demande à rejoindre «\u00a0Conseil citoyen de l'Alma\u00a0»"
    )
    assert "J'habite rue de l'Alma." in mail.outbox[0].body
    # Asking twice is refused clearly.
    response = client.post(reverse("councils:join", args=[council.slug]), {}, follow=True)
    assert "Vous avez déjà demandé à rejoindre ce conseil" in " ".join(_messages(response))
    assert JoinRequest.objects.filter(user=resident).count() == 1

    mail.outbox.clear()
    join_request = JoinRequest.objects.get(user=resident)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("councils:request_answer", args=[council.slug, join_request.pk, "accept"]),
            follow=True,
        )
    assert "Amina est maintenant membre." in _messages(response)
    answer = Notification.objects.get(kind=services.JOIN_DECISION_KIND)
    assert (answer.recipient, answer.url) == (resident, council.get_space_url())
    assert [m.to for m in mail.outbox] == [[resident.email]]
    assert "Votre demande pour rejoindre «\u00a0Conseil citoyen de l'Alma\u00a0» est acceptée" in (
        mail.outbox[0].subject
    )
    assert council.get_space_url() in mail.outbox[0].body

    # Told on the site too, and the space opens.
    client.force_login(resident)
    assert "Acceptée" in client.get(reverse("councils:mine")).content.decode()
    assert client.get(council.get_space_url()).status_code == 200


def test_refused_request_is_told_to_the_requester(
    client, council, django_capture_on_commit_callbacks
):
    referent = referent_of("59")
    resident = UserFactory()
    join_request = services.membership_request(user=resident, council=council, message="")
    mail.outbox.clear()
    client.force_login(referent)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("councils:request_answer", args=[council.slug, join_request.pk, "refuse"])
        )
    answer = Notification.objects.get(kind=services.JOIN_DECISION_KIND)
    assert (answer.recipient, answer.url) == (resident, council.get_absolute_url())
    assert [m.to for m in mail.outbox] == [[resident.email]]
    assert "n’a pas été acceptée" in mail.outbox[0].subject
    assert "formulaire de contact" in mail.outbox[0].body
    client.force_login(resident)
    assert "Refusée" in client.get(reverse("councils:mine")).content.decode()
    assert not Membership.objects.filter(user=resident).exists()


def test_contact_form_mails_the_coordinators_without_showing_their_address(
    client, council, django_capture_on_commit_callbacks
):
    coordinator = coordinator_of(council, UserFactory(email="secret.coordination@exemple.test"))
    member_of(council, UserFactory(email="membre@exemple.test"))
    page = client.get(council.get_absolute_url()).content.decode()
    assert coordinator.email not in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("councils:contact", args=[council.slug]),
            {"name": "Karim", "email": "karim@exemple.test", "message": f"Bonjour {XSS}"},
            follow=True,
        )
    assert "Votre message a été envoyé au conseil." in _messages(response)
    assert coordinator.email not in response.content.decode()
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert mail.outbox[0].reply_to == ["karim@exemple.test"]
    assert "Bonjour" in mail.outbox[0].body


def test_contact_form_refuses_robots_and_floods(
    client, council, django_capture_on_commit_callbacks
):
    coordinator_of(council)
    data = {"name": "Robot", "email": "robot@exemple.test", "message": "Achetez"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("councils:contact", args=[council.slug]), {**data, "website": "x"})
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            client.post(reverse("councils:contact", args=[council.slug]), data)
    assert len(mail.outbox) == 5
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("councils:contact", args=[council.slug]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Vous avez envoyé plusieurs messages en peu de temps." in page
    assert "Achetez" in page  # what was typed is kept
    assert len(mail.outbox) == 5


def test_contact_form_errors_keep_the_text(client, council):
    response = client.post(
        reverse("councils:contact", args=[council.slug]),
        {"name": "", "email": "pas-une-adresse", "message": "Mon message"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Mon message" in page
    assert "Saisissez une adresse de courriel valide." in page


@pytest.mark.django_db(transaction=True)
def test_a_name_with_line_breaks_in_it_still_reaches_the_coordinators(client):
    """A vertical tab, a form feed or a line separator pasted in the name
    once went into the e-mail's subject, which Python's e-mail package
    refuses: the page answered 500 and the message was lost. Committed as in
    production (no test transaction), so the e-mail is built during the request."""
    council = council_create(name="Conseil citoyen de l'Alma", town="Roubaix")
    coordinator = coordinator_of(council, UserFactory(email="coordination@exemple.test"))
    response = client.post(
        reverse("councils:contact", args=[council.slug]),
        {
            "name": "Karim\x0bBen\u2028Ali\x0c\x85\x00",
            "email": "karim@exemple.test",
            "message": "Bonjour,\r\nà jeudi\tpeut-être.",
        },
        follow=True,
    )
    assert "Votre message a été envoyé au conseil." in _messages(response)
    (message,) = mail.outbox
    assert message.to == [coordinator.email]
    assert message.subject.endswith("message de Karim Ben Ali")
    assert "Bonjour,\r\nà jeudi\tpeut-être." in message.body  # tab and line breaks stay
    assert message.reply_to == ["karim@exemple.test"]


def test_a_contact_message_with_invisible_characters_is_refused_and_kept(
    client, council, django_capture_on_commit_callbacks
):
    coordinator_of(council)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("councils:contact", args=[council.slug]),
            {"name": "Karim", "email": "karim@exemple.test", "message": "Bonjour\n\x0bà jeudi"},
        )
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "Ce texte contient des caractères invisibles non autorisés" in page
    assert "ligne 2" in page
    assert "à jeudi" in page  # what was typed is kept
    assert mail.outbox == []


def test_invitation_leads_a_newcomer_through_signup(
    client, council, django_capture_on_commit_callbacks
):
    coordinator = coordinator_of(council)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("councils:invite", args=[council.slug]),
            {"email": "Nouvelle@Exemple.test", "role": "member"},
        )
    # No account holds the address yet: the invitation comes by e-mail only.
    assert [m.to for m in mail.outbox] == [["nouvelle@exemple.test"]]
    assert not Notification.objects.filter(kind=services.INVITATION_KIND).exists()
    path = re.search(r"https?://[^/\s]+(/conseils/invitation/\S+/)", mail.outbox[0].body).group(1)
    assert "14 jours" in mail.outbox[0].body
    client.logout()

    page = client.get(path).content.decode()
    assert "Créer mon compte" in page
    # Signing up with the invited address needs no second confirmation.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{reverse('account_signup')}?next={path}",
            {
                "email": "nouvelle@exemple.test",
                "display_name": "Nouvelle",
                "password1": "Quartier-Nord-2026!",
                "password2": "Quartier-Nord-2026!",
                "next": path,
            },
        )
    assert response.status_code == 302
    assert response.url == path
    newcomer = User.objects.get(email="nouvelle@exemple.test")
    assert EmailAddress.objects.get(user=newcomer).verified
    response = client.post(path)
    assert response.url == council.get_space_url()
    assert Membership.objects.filter(council=council, user=newcomer).exists()
    # The link works once.
    assert client.get(path).status_code == 404


def test_expired_or_forged_invitation_links_are_refused(client, council):
    page = client.get(reverse("councils:invitation", args=["pas-un-jeton"]))
    assert page.status_code == 404
    assert "n’est pas valable ou a expiré" in html.unescape(page.content.decode())


def test_last_coordinator_cannot_step_down_unless_a_referent_does_it(client, council):
    coordinator = coordinator_of(council)
    membership = Membership.objects.get(user=coordinator, council=council)
    url = reverse("councils:member_role", args=[council.slug, membership.pk])

    client.force_login(coordinator)
    response = client.post(url, {"role": "member"}, follow=True)
    assert "Un conseil garde toujours au moins une personne à sa coordination." in " ".join(
        _messages(response)
    )
    membership.refresh_from_db()
    assert membership.role == Membership.Role.COORDINATOR

    client.force_login(referent_of("59"))
    client.post(url, {"role": "member"})
    membership.refresh_from_db()
    assert membership.role == Membership.Role.MEMBER


def test_removing_a_member_asks_for_confirmation_first(client, council):
    coordinator = coordinator_of(council)
    member = member_of(council)
    membership = Membership.objects.get(user=member, council=council)
    client.force_login(coordinator)
    url = reverse("councils:member_remove", args=[council.slug, membership.pk])
    assert "Retirer du conseil" in client.get(url).content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()
    client.post(url)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    client.force_login(member)
    assert client.get(council.get_space_url()).status_code == 404


def test_the_membership_log_says_who_did_what(client, council):
    coordinator = coordinator_of(council, UserFactory(display_name="Fatou"))
    resident = UserFactory(display_name="Julien")
    join_request = services.membership_request(user=resident, council=council, message="")
    services.join_request_accept(actor=coordinator, join_request=join_request)
    client.force_login(coordinator)
    page = client.get(reverse("councils:log", args=[council.slug])).content.decode()
    assert "Demande acceptée" in page
    assert "Fatou" in page
    assert "Julien" in page


def test_public_page_edit_sanitises_and_refuses_bad_logos(client, council, media_root):
    coordinator = coordinator_of(council)
    client.force_login(coordinator)
    url = reverse("councils:edit", args=[council.slug])
    data = {
        "name": "Conseil citoyen de l'Alma",
        "town": "Roubaix",
        "neighbourhood_name": "Alma-Gare",
        "neighbourhood_code": "qn05901m",
        "founded_on": "2016-03-01",
        "presentation": "Bonjour [clic](javascript:alert(1)) <img src=x onerror=alert(1)>",
    }
    not_an_image = SimpleUploadedFile("logo.png", b"pas une image du tout", "image/png")
    response = client.post(url, {**data, "logo_upload": not_an_image})
    assert response.status_code == 200
    assert "Ce fichier n’est pas une image que nous savons lire." in html.unescape(
        response.content.decode()
    )
    assert stored_files(media_root) == []
    council.refresh_from_db()
    assert council.neighbourhood_name != "Alma-Gare"

    response = client.post(url, {**data, "logo_upload": png()})
    assert response.status_code == 302
    council.refresh_from_db()
    assert council.neighbourhood_code == "QN05901M"
    # The link keeps its text only; the HTML image is shown as text.
    assert "javascript" not in council.presentation_html
    assert "onerror" not in markup_of(council.presentation_html)
    assert council.logo.name.endswith(".webp")
    page = client.get(council.get_absolute_url()).content.decode()
    assert "onerror" not in markup_of(page)


def test_referent_creates_a_council_only_in_their_departments(client):
    referent = referent_of("59")
    client.force_login(referent)
    data = {
        "department": department("69").pk,
        "name": "Conseil citoyen du Mas-du-Taureau",
        "town": "Vaulx-en-Velin",
        "founded_on": "2016-01-01",
    }
    response = client.post(reverse("councils:create"), data)
    assert response.status_code == 200
    assert "Sélectionnez un choix valide." in response.content.decode()
    assert not referent.referent_assignments.filter(department__code="69").exists()

    response = client.post(
        reverse("councils:create"),
        {
            **data,
            "department": department("59").pk,
            "town": "Roubaix",
            "name": "Conseil citoyen de l'Épeule",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("councils:manage", args=["epeule-roubaix"])
    assert client.get(response.url).status_code == 200


def test_animator_appoints_and_withdraws_a_referent(client):
    animator = UserFactory()
    animator_appoint(user=animator, system=True)
    future_referent = UserFactory(email="olivier@exemple.test")
    council = council_create()
    client.force_login(animator)
    response = client.post(
        reverse("councils:animation"),
        {"email": "olivier@exemple.test", "department": department("59").pk},
        follow=True,
    )
    assert response.status_code == 200
    assert ReferentAssignment.objects.filter(user=future_referent).count() == 1
    client.force_login(future_referent)
    assert client.get(reverse("councils:manage", args=[council.slug])).status_code == 200
    assert client.get(council.get_space_url()).status_code == 404

    client.force_login(animator)
    assignment = ReferentAssignment.objects.get(user=future_referent)
    client.post(reverse("councils:referent_withdraw", args=[assignment.pk]))
    client.force_login(future_referent)
    assert client.get(reverse("councils:manage", args=[council.slug])).status_code == 404


def test_animation_page_lists_councils_needing_attention(client):
    animator = UserFactory()
    animator_appoint(user=animator, system=True)
    orphan = council_create(name="Conseil sans coordination")
    staffed = council_create(name="Conseil coordonné")
    coordinator_of(staffed)
    client.force_login(animator)
    page = client.get(reverse("councils:animation")).content.decode()
    section = page.split("Conseils sans coordination")[1].split("</section>")[0]
    assert "Conseil sans coordination" in section
    assert "Conseil coordonné" not in section
    assert orphan.get_absolute_url() in section


def test_superuser_in_the_admin_leaves_a_line_in_the_transparency_log(client, council):
    coordinator = coordinator_of(council)
    superuser = UserFactory(is_superuser=True, is_staff=True, display_name="Opérateur")
    client.force_login(superuser)
    response = client.get(reverse("admin:councils_council_change", args=[council.pk]))
    assert response.status_code == 200
    access = SpaceAccess.objects.get(council=council)
    assert access.user == superuser

    client.force_login(coordinator)
    page = client.get(reverse("councils:transparency", args=[council.slug])).content.decode()
    assert "Opérateur" in page
    assert "L’équipe technique a consulté" in html.unescape(page)


def test_an_admin_visit_names_the_council_or_the_membership_it_opened(client, council):
    from councils.services.transparency import space_access_title
    from tests.hostile import active_content

    coordinator = coordinator_of(council)
    member = member_of(council)
    membership = Membership.objects.get(council=council, user=member)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    client.get(reverse("admin:councils_council_change", args=[council.pk]))
    client.get(reverse("admin:councils_membership_change", args=[membership.pk]))
    reasons = [
        reason.replace("\xa0", " ")
        for reason in SpaceAccess.objects.filter(council=council)
        .order_by("pk")
        .values_list("reason", flat=True)
    ]
    assert reasons == [
        f"L’équipe technique a consulté la fiche du conseil « {space_access_title(council.name)} »"
        " et la liste de ses membres dans l’administration",
        f"L’équipe technique a consulté l’adhésion de {space_access_title(member.display_name)}"
        " dans l’administration",
    ]
    client.force_login(coordinator)
    page = client.get(reverse("councils:transparency", args=[council.slug])).content.decode()
    assert active_content(page) == []
    assert html.escape(space_access_title(member.display_name)) in page


def test_the_space_shows_who_joined_recently(client, council):
    coordinator = coordinator_of(council)
    resident = UserFactory(display_name="Inès")
    join_request = services.membership_request(user=resident, council=council, message="")
    services.join_request_accept(actor=coordinator, join_request=join_request)
    client.force_login(resident)
    page = client.get(council.get_space_url()).content.decode()
    assert "Inès a rejoint le conseil" in page


def _edit_data(council, **changes):
    data = {
        "name": council.name,
        "town": council.town,
        "neighbourhood_name": council.neighbourhood_name,
        "neighbourhood_code": council.neighbourhood_code,
        "founded_on": council.founded_on.isoformat(),
        "presentation": council.presentation,
        "version": council.updated_at.isoformat(),
    }
    data.update(changes)
    return data


def test_a_stale_edit_is_refused_and_keeps_both_texts(client, council):
    first, second = coordinator_of(council), coordinator_of(council)
    url = reverse("councils:edit", args=[council.slug])
    started_from = _edit_data(council)

    client.force_login(first)
    assert client.post(url, {**started_from, "presentation": "Version de Fatou"}).status_code == 302
    client.force_login(second)
    response = client.post(url, {**started_from, "presentation": "Version de Julien"})

    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Quelqu’un a enregistré ce texte le" in page
    assert "Version de Julien" in page  # the form keeps what was typed
    assert "Version de Fatou" in page  # and shows what was saved
    council.refresh_from_db()
    assert council.presentation == "Version de Fatou"
    # Saving again from the merged form goes through.
    version = re.search(r'name="version" value="([^"]+)"', response.content.decode()).group(1)
    merged = {**started_from, "presentation": "Fatou et Julien", "version": html.unescape(version)}
    assert client.post(url, merged).status_code == 302
    council.refresh_from_db()
    assert council.presentation == "Fatou et Julien"


def test_a_double_submitted_creation_makes_one_council(client):
    client.force_login(referent_of("59"))
    data = {
        "department": department("59").pk,
        "name": "Conseil citoyen des Trois-Ponts",
        "town": "Roubaix",
        "founded_on": "2016-01-01",
    }
    assert client.post(reverse("councils:create"), data).status_code == 302
    response = client.post(reverse("councils:create"), data)
    assert response.status_code == 200
    assert "Un conseil porte déjà ce nom dans cette commune." in html.unescape(
        response.content.decode()
    )
    assert Council.objects.filter(name="Conseil citoyen des Trois-Ponts").count() == 1


def test_a_double_submitted_invitation_sends_one_email(
    client, council, django_capture_on_commit_callbacks
):
    client.force_login(coordinator_of(council))
    data = {"email": "voisine@exemple.test", "role": "member"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("councils:invite", args=[council.slug]), data)
        client.post(reverse("councils:invite", args=[council.slug]), data)
    assert len(mail.outbox) == 1
    assert council.invitations.count() == 1


def test_contact_goes_to_the_referents_while_there_is_no_coordinator(
    client, council, django_capture_on_commit_callbacks
):
    referent = referent_of("59")
    member_of(council)
    page = client.get(council.get_absolute_url()).content.decode()
    assert "Envoyer mon message" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("councils:contact", args=[council.slug]),
            {"name": "Karim", "email": "karim@exemple.test", "message": "Bonjour"},
        )
    assert [m.to for m in mail.outbox] == [[referent.email]]


def test_a_council_nobody_can_answer_shows_no_contact_form(client, council):
    page = html.unescape(client.get(council.get_absolute_url()).content.decode())
    assert "Envoyer mon message" not in page
    assert "Ce conseil ne peut pas recevoir de message en ce moment." in page
    response = client.post(
        reverse("councils:contact", args=[council.slug]),
        {"name": "Karim", "email": "karim@exemple.test", "message": "Mon texte"},
    )
    assert response.status_code == 400
    assert "Mon texte" in response.content.decode()
    assert mail.outbox == []


def test_removed_members_and_new_coordinators_are_told_by_email(
    client, council, django_capture_on_commit_callbacks
):
    coordinator = coordinator_of(council)
    promoted, removed = member_of(council), member_of(council)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse(
                "councils:member_role",
                args=[council.slug, Membership.objects.get(user=promoted).pk],
            ),
            {"role": "coordinator"},
        )
        client.post(
            reverse(
                "councils:member_remove",
                args=[council.slug, Membership.objects.get(user=removed).pk],
            )
        )
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert (
        "Vous êtes maintenant coordinatrice ou coordinateur de ce conseil" in bodies[promoted.email]
    )
    assert "Vous n’êtes plus membre de ce conseil" in bodies[removed.email]
    assert coordinator.email not in bodies


def test_the_only_coordinator_is_warned_before_leaving(client, council):
    coordinator = coordinator_of(council)
    client.force_login(coordinator)
    page = html.unescape(
        client.get(reverse("councils:leave", args=[council.slug])).content.decode()
    )
    assert "Vous êtes la seule personne à coordonner ce conseil" in page
    assert 'class="button-danger"' not in page
    # Removing oneself from the management table leads to the same page.
    own = Membership.objects.get(user=coordinator)
    response = client.get(reverse("councils:member_remove", args=[council.slug, own.pk]))
    assert response.url == reverse("councils:leave", args=[council.slug])


def test_refusing_and_withdrawing_ask_for_confirmation(client, council):
    coordinator = coordinator_of(council)
    join_request = services.membership_request(user=UserFactory(), council=council, message="")
    client.force_login(coordinator)
    page = client.get(reverse("councils:request_refuse", args=[council.slug, join_request.pk]))
    assert "Refuser la demande" in page.content.decode()
    join_request.refresh_from_db()
    assert join_request.is_pending

    animator = UserFactory()
    animator_appoint(user=animator, system=True)
    referent = referent_of("59")
    assignment = ReferentAssignment.objects.get(user=referent)
    client.force_login(animator)
    page = client.get(reverse("councils:referent_withdraw", args=[assignment.pk]))
    assert page.status_code == 200
    assert ReferentAssignment.objects.filter(pk=assignment.pk).exists()


def test_an_invitation_link_opened_by_another_account_cannot_be_accepted(client, council):
    invitation = services.invitation_send(
        actor=coordinator_of(council), council=council, email="invitee@exemple.test", role="member"
    )
    path = reverse("councils:invitation", args=[services.invitation_token(invitation)])
    client.force_login(UserFactory(email="autre@exemple.test"))
    page = html.unescape(client.get(path).content.decode())
    assert "Cette invitation a été envoyée à invitee@exemple.test" in page
    assert "Accepter l’invitation" not in page
    client.post(path)
    assert not Membership.objects.filter(council=council, user__email="autre@exemple.test").exists()


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("q=alma", True),
        ("q=ALMA+gare", True),
        ("q=alma+tourcoing", False),
        ("town=rou", True),
        ("town=Roubaix", True),
        ("town=Lille", False),
    ],
)
def test_directory_search_ignores_accents_case_and_word_order(client, query, found):
    council_create(name="Conseil citoyen de l'Alma", town="Roubaix", neighbourhood_name="Alma-Gare")
    council_create(name="Conseil citoyen de la Duchère", town="Lyon", department=department("69"))
    page = client.get(f"/conseils/?{query}").content.decode()
    assert ("Conseil citoyen de l&#x27;Alma" in page) is found
    assert "Duchère" in client.get("/conseils/?q=duchere").content.decode()


def test_directory_says_when_region_and_department_disagree(client):
    bretagne = department("35").region
    response = client.get(f"/conseils/?region={bretagne.pk}&department=59")
    assert "n’est pas dans la région Bretagne" in html.unescape(response.content.decode())


def test_directory_lists_nothing_when_region_and_department_disagree(client):
    council_create(name="Conseil citoyen de l'Alma", town="Roubaix")
    bretagne = department("35").region
    page = client.get(f"/conseils/?region={bretagne.pk}&department=59").content.decode()
    assert "Alma" not in page
    assert "Alma" in client.get(f"/conseils/?region={department('59').region.pk}").content.decode()


def test_directory_department_options_name_their_region_for_the_script(client):
    page = client.get("/conseils/").content.decode()
    nord, ille_et_vilaine = department("59"), department("35")
    select = re.search(r'<select name="department"[^>]*>', page).group(0)
    assert 'data-region-field="region"' in select
    assert f'<option value="59" data-region="{nord.region_id}">' in page
    assert f'<option value="35" data-region="{ille_et_vilaine.region_id}">' in page
    assert f'<option value="{nord.region_id}">Hauts-de-France</option>' in page
    assert '<script src="/static/js/region-departments.js"></script>' in page


def test_directory_keeps_the_chosen_department_selected_with_its_region(client):
    nord = department("59")
    page = client.get(f"/conseils/?region={nord.region_id}&department=59").content.decode()
    assert f'<option value="59" selected data-region="{nord.region_id}">' in page
    assert "n’est pas dans" not in html.unescape(page)


def test_public_page_refuses_a_wrong_code_and_a_future_date(client, council):
    client.force_login(coordinator_of(council))
    url = reverse("councils:edit", args=[council.slug])
    response = client.post(
        url, _edit_data(council, neighbourhood_code="PAS-UN-CODE", founded_on="2099-01-01")
    )
    page = html.unescape(response.content.decode())
    assert "Ce n’est pas un code de quartier" in page
    assert "La date de création ne peut pas être dans le futur." in page
    council.refresh_from_db()
    assert council.neighbourhood_code != "PAS-UN-CODE"


def test_signing_up_from_an_invitation_with_another_address_proves_nothing(
    client, council, django_capture_on_commit_callbacks
):
    invitation = services.invitation_send(
        actor=coordinator_of(council), council=council, email="invitee@exemple.test", role="member"
    )
    path = reverse("councils:invitation", args=[services.invitation_token(invitation)])
    client.get(path)  # stashes the invited address as proved
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"{reverse('account_signup')}?next={path}",
            {
                "email": "autre@exemple.test",
                "display_name": "Autre",
                "password1": "Quartier-Nord-2026!",
                "password2": "Quartier-Nord-2026!",
            },
        )
    user = User.objects.get(email="autre@exemple.test")
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified")) == [
        ("autre@exemple.test", False)
    ]
    assert not Membership.objects.filter(user=user).exists()


@pytest.mark.parametrize(
    "model", ["membership", "council", "referentassignment", "membershipevent"]
)
def test_the_admin_cannot_change_memberships_behind_the_services_back(client, council, model):
    member_of(council)
    referent_of("59")
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(reverse(f"admin:councils_{model}_add")).status_code == 403
    obj = {
        "membership": Membership.objects.first,
        "council": lambda: council,
        "referentassignment": ReferentAssignment.objects.first,
        "membershipevent": council.events.first,
    }[model]()
    assert (
        client.post(
            reverse(f"admin:councils_{model}_delete", args=[obj.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert type(obj).objects.filter(pk=obj.pk).exists()
