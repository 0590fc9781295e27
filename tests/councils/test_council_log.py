"""The council's log for its content: what it shares, publishes and throws
away, written by the other apps through ``services.council_log_record``.

Each line names who did it, the item's title and, for sharing, the other
council; the coordinators read it in French on the log page, the members read
the lines written from outside on the transparency page, and nobody else
reads the titles: not another council's coordinators, not the department's
referent who is not a member, not the technical team without leaving a trace.
"""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from councils import services
from councils.models import (
    CONTENT_LINES,
    DETAIL_MAX_LENGTH,
    SHARING_ACTIONS,
    MembershipEvent,
    SpaceAccess,
)
from notifications.models import Notification
from tests.accounts.factories import XSS, UserFactory
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
NBSP = "\u00a0"
TITLE = "Compte rendu de mars"


@pytest.fixture
def council():
    return council_create(name="Conseil citoyen de l'Alma", town="Roubaix")


@pytest.fixture
def other():
    return council_create(name="Conseil citoyen de Bourgogne", town="Tourcoing")


def _record(council, action, *, other=None, title=TITLE, **who):
    return services.council_log_record(
        council=council,
        action=action,
        title=title,
        other_council=other if action in SHARING_ACTIONS else None,
        **who,
    )


def _log_page(client, user, council) -> str:
    client.force_login(user)
    response = client.get(reverse("councils:log", args=[council.slug]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


# The service.


@pytest.mark.parametrize("action", sorted(CONTENT_LINES))
@pytest.mark.parametrize("role", ["member", "coordinator"])
def test_each_content_line_names_who_the_council_the_item_and_the_other_council(
    council, other, action, role
):
    actor = member_of(council) if role == "member" else coordinator_of(council)

    event = _record(council, action, other=other, actor=actor)

    event = MembershipEvent.objects.get(pk=event.pk)
    assert (event.council, event.action, event.actor, event.subject) == (
        council,
        action,
        actor,
        None,
    )
    assert event.detail == TITLE
    expected_other = other.name if action in SHARING_ACTIONS else ""
    assert event.other_council_name == expected_other
    # A member acts within their role: nothing from outside, nobody told.
    assert (event.by_system, event.from_outside) == (False, False)
    assert not Notification.objects.exists()
    assert not MembershipEvent.objects.filter(council=other).exclude(action=Action.CREATED).exists()


def test_the_site_itself_writes_the_purge_lines(council):
    event = _record(council, Action.FILE_DELETED, system=True)

    assert (event.actor, event.by_system, event.from_outside) == (None, True, False)


@pytest.mark.parametrize("who", [{}, {"actor": None}])
def test_a_line_without_actor_nor_system_is_refused(council, who):
    events = MembershipEvent.objects.count()

    with pytest.raises(TypeError):
        _record(council, Action.FILE_TRASHED, **who)

    assert MembershipEvent.objects.count() == events


def test_a_line_with_both_an_actor_and_system_is_refused(council):
    events = MembershipEvent.objects.count()

    with pytest.raises(TypeError):
        _record(council, Action.FILE_TRASHED, actor=coordinator_of(council), system=True)

    assert MembershipEvent.objects.count() == events


@pytest.mark.parametrize(
    ("action", "give_other"),
    [
        (Action.JOINED, False),  # membership lines have their own services
        (Action.FOLDER_SHARED, False),  # sharing names the other council
        (Action.FOLDER_UNSHARED, False),
        (Action.FILE_PUBLISHED, True),  # and only sharing does
    ],
)
def test_a_line_that_does_not_fit_its_action_is_refused(council, other, action, give_other):
    events = MembershipEvent.objects.count()

    with pytest.raises(ValueError):
        services.council_log_record(
            council=council,
            action=action,
            title=TITLE,
            actor=coordinator_of(council),
            other_council=other if give_other else None,
        )

    assert MembershipEvent.objects.count() == events


def test_a_long_title_is_cut_at_a_word_end_and_kept_on_one_line(council):
    title = "Compte\nrendu " + " ".join(["réunion"] * 60)

    event = _record(council, Action.FILE_TRASHED, actor=coordinator_of(council), title=title)

    assert len(event.detail) <= DETAIL_MAX_LENGTH
    assert event.detail.startswith("Compte rendu réunion réunion")
    assert event.detail.endswith("réunion…")
    assert "\n" not in event.detail


def test_log_title_cuts_a_single_long_word_where_it_must():
    assert services.log_title("a" * 300) == "a" * (DETAIL_MAX_LENGTH - 1) + "…"
    assert services.log_title("  Compte   rendu ") == "Compte rendu"
    assert services.log_title("un deux trois", max_length=10) == "un deux…"
    assert services.log_title("un deux trois", max_length=8) == "un deux…"


def test_a_line_written_from_outside_is_told_to_the_coordinators(council):
    """Only members share, publish and use the trash today; should a referent
    ever do so, the line is from outside, as for memberships."""
    coordinator = coordinator_of(council)
    referent = referent_of(council.department, UserFactory(display_name="Rémi Référent"))

    event = _record(council, Action.FILE_PUBLISHED, actor=referent)

    assert event.from_outside
    notice = Notification.objects.get(kind=services.OUTSIDE_CHANGE_KIND)
    assert (notice.recipient, notice.target_id) == (coordinator, event.pk)
    assert notice.title == (
        f"Rémi Référent, qui n’est pas membre de «{NBSP}Conseil citoyen de l'Alma{NBSP}»{NBSP}: "
        f"Fichier «{NBSP}{TITLE}{NBSP}» rendu public"
    )


# The pages.


def test_the_log_page_says_each_content_line_in_french(client, council, other):
    coordinator = coordinator_of(council)
    member = member_of(council, UserFactory(display_name="Awa Membre"))
    _record(council, Action.FOLDER_SHARED, other=other, actor=coordinator)
    _record(council, Action.FILE_TRASHED, actor=member, title="Affiche de la fête")
    _record(council, Action.FILE_DELETED, system=True, title="Vieux tract")

    page = _log_page(client, coordinator, council)

    assert "Journal du conseil" in page
    assert (
        f"Dossier «{NBSP}Compte rendu de mars{NBSP}» partagé avec Conseil citoyen de Bourgogne"
        in page
    )
    assert f"Fichier «{NBSP}Affiche de la fête{NBSP}» mis à la corbeille" in page
    assert "Awa Membre" in page
    assert f"Fichier «{NBSP}Vieux tract{NBSP}» supprimé définitivement" in page
    assert '<td data-label="Par">le site</td>' in page


def test_every_content_line_has_its_french_sentence(client, council, other):
    coordinator = coordinator_of(council)
    for action in CONTENT_LINES:
        _record(council, action, other=other, actor=coordinator, title=f"Titre {action}")

    page = _log_page(client, coordinator, council)

    sentences = re.findall(rf"(\w+) «{NBSP}Titre (\w+){NBSP}»", page)
    assert sorted(action for _kind, action in sentences) == sorted(CONTENT_LINES)
    assert {kind for kind, _action in sentences} == {"Dossier", "Fichier", "Page", "Article"}


def test_a_title_with_markup_is_shown_as_text(client, council):
    coordinator = coordinator_of(council)
    _record(council, Action.PAGE_PUBLISHED, actor=coordinator, title=f"Ordre du jour {XSS}")

    client.force_login(coordinator)
    raw = client.get(reverse("councils:log", args=[council.slug])).content.decode()

    assert "Ordre du jour &lt;script&gt;" in raw
    assert XSS not in raw


def test_other_councils_coordinators_never_see_the_line(client, council, other):
    _record(council, Action.FOLDER_SHARED, other=other, actor=coordinator_of(council))
    elsewhere = council_create(department=department(OTHER_DEPARTMENT))
    for outsider in (coordinator_of(other), coordinator_of(elsewhere), member_of(council)):
        client.force_login(outsider)
        response = client.get(reverse("councils:log", args=[council.slug]))
        assert response.status_code == 404
        assert TITLE not in response.content.decode()
    # The council it was shared with: its own log says nothing of the other's folder.
    assert TITLE not in _log_page(client, coordinator_of(other), other)


def test_the_departments_referent_reads_the_memberships_but_not_the_titles(client, council):
    coordinator = coordinator_of(council, UserFactory(display_name="Nadia Coordination"))
    referent = referent_of(council.department)
    services.council_archive(actor=referent, council=council)
    services.council_reactivate(actor=referent, council=council)
    _record(council, Action.PAGE_PUBLISHED, actor=coordinator)

    page = _log_page(client, referent, council)

    assert "Réactivation du conseil" in page
    assert TITLE not in page
    assert "montré qu’à ses membres" in page
    # A referent who is also a member reads as a member.
    services.membership_grant(system=True, council=council, user=referent)
    assert TITLE in _log_page(client, referent, council)


def test_the_transparency_page_keeps_to_lines_from_outside(client, council):
    coordinator = coordinator_of(council)
    referent = referent_of(council.department)
    _record(council, Action.FILE_PUBLISHED, actor=coordinator, title="Fait du dedans")
    _record(council, Action.FILE_PUBLISHED, actor=referent, title="Fait du dehors")

    client.force_login(member_of(council))
    page = html.unescape(
        client.get(reverse("councils:transparency", args=[council.slug])).content.decode()
    )

    assert f"Fichier «{NBSP}Fait du dehors{NBSP}» rendu public" in page
    assert "Fait du dedans" not in page


def test_the_admin_opens_log_lines_one_by_one_and_each_visit_is_logged(client, council):
    event = _record(council, Action.FILE_TRASHED, actor=coordinator_of(council))
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    listing = client.get(reverse("admin:councils_membershipevent_changelist"))
    assert listing.status_code == 200
    assert TITLE not in html.unescape(listing.content.decode())
    assert not SpaceAccess.objects.filter(council=council).exists()

    opened = client.get(reverse("admin:councils_membershipevent_change", args=[event.pk]))
    assert opened.status_code == 200
    assert SpaceAccess.objects.filter(council=council).count() == 1
