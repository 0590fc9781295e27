"""The help desk's pages, for every role: the form (with its abuse guard),
the requester's pages (signed in and through the link), the team's queue and
request page, and who gets a 404.

A requester sees only their own requests (signed out, only through their
link); referents only their departments'; the animator all; council members
nothing of others."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.urls import resolve, reverse
from django.utils import timezone

from support import emails
from support.models import HelpMessage, HelpRequest
from tests.accounts.factories import XSS, UserFactory
from tests.councils.factories import (
    coordinator_of,
    council_create,
    department,
    member_of,
    referent_of,
)
from tests.hostile import tampered
from tests.news.factories import animator

from .factories import help_request_submit

pytestmark = pytest.mark.django_db

SECRET = "zqhelpsecret"


def _form(**overrides) -> dict:
    data = {
        "subject": "Notre conseil ne se réunit plus",
        "message": "Depuis septembre, plus aucune réunion. Que faire ?",
        "name": "Awa Traoré",
        "email": "awa@example.org",
        "phone": "",
        "call_times": "",
        "submission_key": "key-1",
    }
    data.update(overrides)
    return data


def _build_world():
    council_a, council_b = council_create(), council_create(department=department("13"))
    users = {
        "requester": UserFactory(),
        "registered": UserFactory(),
        "member_a": member_of(council_a),
        "coordinator_a": coordinator_of(council_a),
        "member_b": member_of(council_b),
        "referent_a": referent_of(council_a.department),
        "referent_b": referent_of(council_b.department),
        "animator": animator(),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }
    help_request = help_request_submit(
        requester=users["requester"], council=council_a, message=f"Texte {SECRET} {XSS}"
    )
    return {"council_a": council_a, "council_b": council_b, "request": help_request, **users}


@pytest.fixture(scope="module")
def shared_world(module_data):
    """Built once per module: two councils, a person per role, a request."""
    return module_data.build(_build_world)


@pytest.fixture
def world(shared_world):
    return copy.deepcopy(shared_world)


def _as(client, user):
    if user is not None:
        client.force_login(user)
    return client


# The form.


def test_the_help_page_shows_the_promise_and_the_form(client):
    page = client.get(reverse("support:help")).content.decode()
    assert "24\u00a0heures" in page
    assert 'name="subject"' in page and 'name="wants_call"' in page
    assert 'class="trap"' in page


def test_a_signed_out_visitor_sends_a_request_and_follows_it_by_its_link(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("support:help"), _form())
    help_request = HelpRequest.objects.get()
    assert help_request.requester is None and help_request.email == "awa@example.org"
    # The link carries the second it was made: read it back rather than
    # making another one, which may fall in the next second.
    follow = response.url
    token = resolve(follow).kwargs["token"]
    assert emails.follow_link_from_token(token).help_request == help_request
    page = client.get(follow).content.decode()
    assert "Notre conseil ne se réunit plus" in page
    assert "Votre demande a été envoyée" in page
    confirmation = next(m for m in mailoutbox if m.to == ["awa@example.org"])
    assert follow in confirmation.body


@pytest.mark.django_db(transaction=True)
def test_line_breaks_in_a_subject_reach_the_team_and_later_replies_too(client):
    """A vertical tab or a line separator in the subject went into the team's
    e-mail subject, which Python's e-mail package refuses: the request was
    saved, the team never told, and every later reply failed. Committed as in
    production (no test transaction), so the e-mails are built in the request."""
    team = animator()
    response = client.post(
        reverse("support:help"),
        _form(subject="Réunion\x0bannulée\u2028\x1c\x85", name="Awa\u2029Traoré\x00"),
    )
    help_request = HelpRequest.objects.get()
    assert response.url == reverse(
        "support:follow", kwargs={"token": emails.follow_token(help_request)}
    )
    assert (help_request.subject, help_request.name) == ("Réunion annulée", "Awa Traoré")
    (told,) = [m for m in mail.outbox if m.to == [team.email]]
    assert told.subject.endswith(f"{help_request.reference}\xa0: Réunion annulée")

    mail.outbox.clear()
    response = client.post(response.url, {"body": "Toujours rien.\r\nMerci."})
    assert response.status_code == 302
    (told,) = mail.outbox
    assert told.to == [team.email]
    assert told.subject.endswith("Réunion annulée")


@pytest.mark.django_db(transaction=True)
def test_a_request_saved_with_line_breaks_in_its_subject_can_still_be_answered(client):
    """What came in before the forms cleaned it (or through a management
    command) still makes e-mails: their headers are made safe when built."""
    team = animator()
    help_request = help_request_submit(subject="Réunion\x0bannulée\u2028", name="Awa\x0cT.")
    mail.outbox.clear()
    follow = reverse("support:follow", kwargs={"token": emails.follow_token(help_request)})
    response = client.post(follow, {"body": "Toujours rien."})
    assert response.url == follow
    (told,) = mail.outbox
    assert told.to == [team.email]
    assert told.subject.endswith(f"{help_request.reference}\xa0: Réunion annulée")


def test_invisible_characters_in_a_message_are_refused_and_nothing_is_stored(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("support:help"), _form(message="Depuis septembre,\u2028plus rien.")
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ce texte contient des caractères invisibles non autorisés" in page
    assert "plus rien." in page
    assert HelpRequest.objects.count() == 0
    assert mail.outbox == []


def test_a_double_submit_makes_one_request(client):
    client.post(reverse("support:help"), _form())
    client.post(reverse("support:help"), _form())
    assert HelpRequest.objects.count() == 1


def test_the_honeypot_refuses_clearly_and_stores_nothing(client, mailoutbox):
    response = client.post(reverse("support:help"), _form(website="http://spam.example"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "n’a pas été envoyée" in page
    assert "Notre conseil ne se réunit plus" in page  # the text is kept
    assert HelpRequest.objects.count() == 0
    assert mailoutbox == []


def test_the_rate_limit_refuses_clearly_and_stores_nothing(client):
    for number in range(5):
        client.post(reverse("support:help"), _form(submission_key=f"k{number}"))
    assert HelpRequest.objects.count() == 5
    response = client.post(reverse("support:help"), _form(submission_key="k-last"))
    assert response.status_code == 429
    page = response.content.decode()
    assert "dans une heure" in page
    assert "Depuis septembre, plus aucune réunion" in page
    assert HelpRequest.objects.count() == 5


def test_bad_input_gets_a_clear_error_and_keeps_the_text(client):
    too_long = "x" * 5001
    response = client.post(
        reverse("support:help"),
        _form(message=too_long, email="pas-une-adresse", wants_call="on", phone=""),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "adresse de courriel valide" in page
    assert "numéro de téléphone" in page
    assert too_long in page
    assert HelpRequest.objects.count() == 0


def test_a_signed_in_requester_finds_the_request_in_my_requests(client, world):
    user = world["requester"]
    _as(client, user)
    response = client.post(
        reverse("support:help"), _form(email="autre@example.org", submission_key="mine-1")
    )
    created = HelpRequest.objects.get(submission_key="mine-1")
    assert created.requester == user and created.email == user.email
    assert response.url == created.get_absolute_url()
    page = client.get(reverse("support:mine")).content.decode()
    assert "Notre conseil ne se réunit plus" in page
    assert world["request"].subject.replace("<", "&lt;")[:20] in page


def test_the_council_can_be_preselected_from_its_page(client, world):
    council = world["council_a"]
    page = client.get(reverse("support:help") + f"?conseil={council.slug}").content.decode()
    assert f'<option value="{council.pk}" selected>' in page


def test_control_characters_in_the_council_address_are_cleaned_never_an_error(client, world):
    council = world["council_a"]
    for slug in (f"{council.slug}\x00", f"\x0b{council.slug}\u2028", "\x00"):
        response = client.get(reverse("support:help"), {"conseil": slug})
        assert response.status_code == 200
        selected = f'<option value="{council.pk}" selected>' in response.content.decode()
        # Taken out at the ends like spaces; never an error.
        assert selected == (slug != "\x00"), repr(slug)


# The requester's pages.


def test_markup_in_a_request_is_shown_as_text(client, world):
    page = _as(client, world["requester"]).get(world["request"].get_absolute_url())
    assert XSS not in page.content.decode()


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("requester", 200),
        (None, 302),
        ("registered", 404),
        ("member_a", 404),
        ("coordinator_a", 404),
        ("member_b", 404),
        ("referent_b", 404),
        ("superuser", 404),
        # The team is sent to its own page of the request.
        ("referent_a", 302),
        ("animator", 302),
    ],
)
def test_who_reads_a_request_on_the_requesters_page(client, world, role, expected):
    user = world[role] if role else None
    response = _as(client, user).get(world["request"].get_absolute_url())
    assert response.status_code == expected
    if expected == 302 and role is None:
        assert reverse("account_login") in response.url
    if expected == 302 and role:
        assert response.url == world["request"].get_team_url()
    if expected == 404:
        assert SECRET not in response.content.decode()


def test_a_reply_by_the_link_reopens_the_request(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    help_request = world["request"]
    from support import services

    services.request_answer(actor=world["animator"], help_request=help_request, body="Réponse")
    follow = reverse("support:follow", kwargs={"token": emails.follow_token(help_request)})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(follow, {"body": "Merci, mais ce n’est pas réglé."})
    assert response.url == follow
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.OPEN
    assert help_request.due_at is not None
    assert HelpMessage.objects.filter(kind="requester", author__isnull=True).count() == 1
    # The one who answered hears of it.
    assert any(m.to == [world["animator"].email] for m in mailoutbox)


def test_an_empty_reply_is_refused_clearly(client, world):
    follow = reverse("support:follow", kwargs={"token": emails.follow_token(world["request"])})
    response = client.post(follow, {"body": "   "})
    assert response.status_code == 400
    assert "Ce champ est obligatoire" in response.content.decode()


def test_the_requester_closes_the_request(client, world):
    _as(client, world["requester"]).post(world["request"].get_absolute_url(), {"action": "close"})
    world["request"].refresh_from_db()
    assert world["request"].status == HelpRequest.Status.CLOSED
    assert world["request"].first_answered_at is None


def test_a_changed_link_opens_nothing(client, world):
    token = emails.follow_token(world["request"])
    response = client.get(reverse("support:follow", kwargs={"token": tampered(token)}))
    assert response.status_code == 404
    page = response.content.decode()
    assert "Ce lien ne fonctionne pas" in page
    assert SECRET not in page


def test_notes_never_reach_the_requesters_page(client, world):
    from support import services

    services.request_note(actor=world["animator"], help_request=world["request"], body="zqnote")
    follow = reverse("support:follow", kwargs={"token": emails.follow_token(world["request"])})
    assert "zqnote" not in client.get(follow).content.decode()
    assert "zqnote" not in (
        _as(client, world["requester"]).get(world["request"].get_absolute_url()).content.decode()
    )


# The team's pages.


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("animator", 200),
        ("referent_a", 200),
        (None, 302),
        ("requester", 404),
        ("registered", 404),
        ("member_a", 404),
        ("coordinator_a", 404),
        ("referent_b", 404),
        ("superuser", 404),
    ],
)
def test_who_works_on_a_request(client, world, role, expected):
    user = world[role] if role else None
    response = _as(client, user).get(world["request"].get_team_url())
    assert response.status_code == expected
    page = response.content.decode()
    assert (SECRET in page) is (expected == 200)


@pytest.mark.parametrize(
    ("role", "sees"),
    [("animator", True), ("referent_a", True), ("referent_b", False)],
)
def test_the_queue_shows_each_team_its_requests(client, world, role, sees):
    response = _as(client, world[role]).get(reverse("support:queue"))
    assert response.status_code == 200
    assert (world["request"].get_team_url() in response.content.decode()) is sees


@pytest.mark.parametrize("role", ["requester", "registered", "member_a", "coordinator_a"])
def test_the_queue_is_closed_to_others(client, world, role):
    assert _as(client, world[role]).get(reverse("support:queue")).status_code == 404


def test_the_queue_puts_overdue_requests_first_and_marks_them(client, world, time_machine):
    time_machine.move_to(datetime(2026, 11, 2, 9, 0, tzinfo=UTC), tick=False)
    old = help_request_submit(subject="Ancienne demande zqold", department=department())
    time_machine.move_to(datetime(2026, 11, 3, 12, 0, tzinfo=UTC), tick=False)
    recent = help_request_submit(subject="Récente zqnew", department=department())
    page = _as(client, world["animator"]).get(reverse("support:queue")).content.decode()
    assert page.index("zqold") < page.index("zqnew")
    assert "En retard de 3\u00a0h" in page
    assert "2\u00a0nov., 10:00" in page  # sent at 9:00 UTC, read in Paris time
    assert old.is_overdue() and not recent.is_overdue()
    overdue_only = client.get(reverse("support:queue") + "?etat=en-retard").content.decode()
    assert "zqold" in overdue_only and "zqnew" not in overdue_only


def test_the_queue_filters(client, world):
    animator_user = world["animator"]
    calling = help_request_submit(subject="Rappel zqcall", phone="06 12 34 56 78", wants_call=True)
    elsewhere = help_request_submit(subject="Ailleurs zqelse", council=world["council_b"])
    _as(client, animator_user)
    page = client.get(reverse("support:queue") + "?appel=on").content.decode()
    assert "zqcall" in page and "zqelse" not in page
    page = client.get(reverse("support:queue") + "?departement=13").content.decode()
    assert "zqelse" in page and "zqcall" not in page
    from support import services

    services.request_assign(actor=animator_user, help_request=calling, assignee=animator_user)
    page = client.get(reverse("support:queue") + "?attribuee=moi").content.decode()
    assert "zqcall" in page and "zqelse" not in page
    page = client.get(reverse("support:queue") + "?attribuee=personne").content.decode()
    assert "zqelse" in page and "zqcall" not in page
    assert elsewhere.department.code == "13"


def test_the_queue_has_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    _as(client, world["animator"])
    client.get(reverse("support:queue"))
    with django_assert_max_num_queries(14):
        client.get(reverse("support:queue"))
    for _number in range(30):
        help_request_submit(council=world["council_b"])
    with django_assert_max_num_queries(14):
        page = client.get(reverse("support:queue")).content.decode()
    assert "Page 1 sur 2" in page


def test_the_team_answers_and_the_requester_reads_it(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    help_request = world["request"]
    _as(client, world["referent_a"])
    team_page = client.get(help_request.get_team_url()).content.decode()
    assert 'name="seen_up_to"' in team_page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("support:team_answer", args=[help_request.pk]),
            {"body": "Voici la marche à suivre zqanswer", "seen_up_to": 0},
        )
    assert response.url == help_request.get_team_url()
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.ANSWERED
    assert help_request.assigned_to == world["referent_a"]
    # Signed in, the requester is told through the notifications (at once by
    # default), with the link to the request's page rather than the follow link.
    mail = next(m for m in mailoutbox if m.to == [help_request.email] and "zqanswer" in m.body)
    assert help_request.get_absolute_url() in mail.body
    assert emails.follow_token(help_request) not in mail.body
    assert "/notifications/" in mail.body
    page = _as(client, world["requester"]).get(help_request.get_absolute_url()).content.decode()
    assert "zqanswer" in page


def test_a_stale_answer_is_refused_and_kept(client, world):
    from support import services

    help_request = world["request"]
    _as(client, world["animator"])
    services.requester_reply(
        help_request=help_request, body="Un détail de plus zqmore", via_link=True
    )
    response = client.post(
        reverse("support:team_answer", args=[help_request.pk]),
        {"body": "Ma réponse zqstale", "seen_up_to": 0},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "zqstale" in page and "zqmore" in page
    assert not help_request.messages.filter(kind="answer").exists()
    # Sent again from the refreshed form, it goes through.
    seen = help_request.messages.order_by("-pk").first().pk
    client.post(
        reverse("support:team_answer", args=[help_request.pk]),
        {"body": "Ma réponse zqstale", "seen_up_to": seen},
    )
    assert help_request.messages.filter(kind="answer").count() == 1


def test_the_team_records_a_call(client, world, time_machine):
    time_machine.move_to(datetime(2026, 11, 2, 9, 0, tzinfo=UTC), tick=False)
    help_request = help_request_submit(department=department(), phone="0612345678", wants_call=True)
    time_machine.move_to(datetime(2026, 11, 2, 15, 0, tzinfo=UTC), tick=False)
    _as(client, world["animator"]).post(
        reverse("support:team_call", args=[help_request.pk]),
        {"called_at": "2026-11-02T15:30", "minutes": "12", "reached": "1", "note": "zqcallnote"},
    )
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.ANSWERED
    # 15:30 Paris is 14:30 UTC.
    assert help_request.first_answered_at == datetime(2026, 11, 2, 14, 30, tzinfo=UTC)
    call = help_request.messages.get(kind="call")
    assert call.call_minutes == 12 and call.reached
    follow = reverse("support:follow", kwargs={"token": emails.follow_token(help_request)})
    requester_page = client.get(follow).content.decode()
    assert "Appel téléphonique (12\u00a0min)" in requester_page


def test_a_call_in_the_future_is_refused_clearly(client, world):
    future = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = _as(client, world["animator"]).post(
        reverse("support:team_call", args=[world["request"].pk]),
        {"called_at": future, "minutes": "5", "reached": "1"},
    )
    assert response.status_code == 400
    assert "L’appel ne peut pas être dans le futur" in response.content.decode()
    assert not world["request"].messages.filter(kind="call").exists()


def test_notes_assignment_closing_and_reopening(client, world):
    help_request = world["request"]
    _as(client, world["animator"])
    client.post(reverse("support:team_note", args=[help_request.pk]), {"body": "zqinternal"})
    client.post(
        reverse("support:team_assign", args=[help_request.pk]),
        {"assignee": world["referent_a"].pk},
    )
    help_request.refresh_from_db()
    assert help_request.assigned_to == world["referent_a"]
    refused = client.post(
        reverse("support:team_assign", args=[help_request.pk]),
        {"assignee": world["referent_b"].pk},
    )
    assert refused.status_code == 400
    client.post(reverse("support:team_close", args=[help_request.pk]))
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.CLOSED
    client.post(reverse("support:team_reopen", args=[help_request.pk]))
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.OPEN and help_request.due_at is not None
    team_page = client.get(help_request.get_team_url()).content.decode()
    assert "zqinternal" in team_page


@pytest.mark.parametrize(
    "action", ["team_answer", "team_note", "team_call", "team_assign", "team_close", "team_reopen"]
)
@pytest.mark.parametrize("role", ["member_a", "referent_b", "requester"])
def test_others_cannot_act_on_a_request(client, world, action, role):
    help_request = world["request"]
    response = _as(client, world[role]).post(
        reverse(f"support:{action}", args=[help_request.pk]),
        {
            "body": "zqforbidden",
            "assignee": "",
            "called_at": "2026-11-02T10:00",
            "minutes": 1,
            "reached": "1",
        },
    )
    assert response.status_code == 404
    assert not help_request.messages.exclude(kind="requester").exists()
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.OPEN


def test_the_team_entry_shows_in_the_header_for_the_team_only(client, world):
    queue = reverse("support:queue")
    assert queue in _as(client, world["referent_a"]).get(reverse("home")).content.decode()
    client.logout()
    assert queue not in _as(client, world["member_a"]).get(reverse("home")).content.decode()


def test_a_missed_call_then_a_reached_one_in_the_same_minute_are_two_calls(client, world):
    help_request = world["request"]
    url = reverse("support:team_call", args=[help_request.pk])
    when = datetime.now(UTC).astimezone().strftime("%Y-%m-%dT%H:%M")
    _as(client, world["animator"])
    client.post(url, {"called_at": when, "minutes": "0", "reached": "0"})
    client.post(url, {"called_at": when, "minutes": "7", "reached": "1"})
    client.post(url, {"called_at": when, "minutes": "7", "reached": "1"})  # sent twice
    calls = help_request.messages.filter(kind="call").order_by("pk")
    assert [call.reached for call in calls] == [False, True]
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.ANSWERED


def test_the_team_page_gives_each_form_its_own_field_ids(client, world):
    page = _as(client, world["animator"]).get(world["request"].get_team_url()).content.decode()
    assert 'for="answer_body"' in page and 'id="answer_body"' in page
    assert 'for="note_body"' in page and 'id="note_body"' in page
    assert page.count('id="id_body"') == 0


def test_an_action_address_opened_directly_leads_back_to_the_request(client, world):
    response = _as(client, world["animator"]).get(
        reverse("support:team_note", args=[world["request"].pk])
    )
    assert response.url == world["request"].get_team_url() + "#note"


def test_a_missed_call_is_recorded_without_a_length(client, world):
    help_request = world["request"]
    when = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = _as(client, world["animator"]).post(
        reverse("support:team_call", args=[help_request.pk]),
        {"called_at": when, "minutes": "", "reached": "0"},
        follow=True,
    )
    call = help_request.messages.get(kind="call")
    assert call.call_minutes is None and call.reached is False
    assert "Tentative d’appel" in response.content.decode()


def test_a_call_that_reached_the_requester_needs_its_length(client, world):
    help_request = world["request"]
    when = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = _as(client, world["animator"]).post(
        reverse("support:team_call", args=[help_request.pk]),
        {"called_at": when, "minutes": "", "reached": "1"},
    )
    assert response.status_code == 400
    assert "Indiquez la durée d’un appel" in response.content.decode()
    assert not help_request.messages.filter(kind="call").exists()
