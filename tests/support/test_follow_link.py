"""The requester's link stops working 90 days after the request was closed;
an expired link offers to send a fresh one to the request's address, and
its answer never tells which address that is."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from support import emails, services
from support.models import HelpRequest
from tests.news.factories import animator

from .factories import help_request_submit

pytestmark = pytest.mark.django_db

SECRET = "zqsuivisecret"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ADDRESS = "awa@example.org"
EXPIRED = "Ce lien a expiré"
SENT = "Si cette adresse est celle de la demande, nous venons de lui envoyer un nouveau lien"


@pytest.fixture
def closed(time_machine):
    """A request sent by a signed-out visitor, answered and closed a day later."""
    time_machine.move_to(START, tick=False)
    help_request = help_request_submit(email=ADDRESS, message=f"Texte {SECRET}")
    url = _follow(help_request)
    time_machine.move_to(START + timedelta(days=1), tick=False)
    team = animator()
    services.request_answer(actor=team, help_request=help_request, body="Notre réponse")
    services.request_close(actor=team, help_request=help_request)
    return help_request, url, team


def _follow(help_request: HelpRequest) -> str:
    return reverse("support:follow", kwargs={"token": emails.follow_token(help_request)})


def _renew(url: str) -> str:
    return f"{url}nouveau-lien/"


def _links_in(message) -> list[str]:
    return re.findall(r"https?://[^/\s]+(/aide/suivi/[^\s]+/)", message.body)


def test_the_link_works_until_90_days_after_closing(client, closed, time_machine):
    help_request, url, _team = closed
    time_machine.move_to(START + timedelta(days=90, hours=23), tick=False)
    page = client.get(url)
    assert page.status_code == 200
    assert SECRET in page.content.decode()
    assert "ce lien cesse de fonctionner le 1 juin 2026" in page.content.decode()
    time_machine.move_to(START + timedelta(days=91, hours=1), tick=False)
    response = client.get(url)
    assert response.status_code == 410
    page = response.content.decode()
    assert EXPIRED in page
    assert SECRET not in page and help_request.subject not in page
    assert ADDRESS not in page
    assert 'name="email"' in page
    assert "no-store" in response["Cache-Control"]


def test_an_expired_link_can_neither_write_nor_close(client, closed, time_machine):
    help_request, url, _team = closed
    time_machine.move_to(START + timedelta(days=200), tick=False)
    response = client.post(url, {"body": "Je réécris"})
    assert response.status_code == 410
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.CLOSED
    assert not help_request.messages.filter(kind="requester").exists()


def test_a_request_that_stays_open_keeps_its_link(client, time_machine):
    time_machine.move_to(START, tick=False)
    help_request = help_request_submit(email=ADDRESS, message=f"Texte {SECRET}")
    time_machine.move_to(START + timedelta(days=400), tick=False)
    assert SECRET in client.get(_follow(help_request)).content.decode()


def test_an_expired_link_sends_a_fresh_one_to_the_requests_address(
    client, closed, time_machine, mailoutbox, django_capture_on_commit_callbacks
):
    _help_request, url, _team = closed
    time_machine.move_to(START + timedelta(days=120), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_renew(url), {"email": " AWA@example.org "}, follow=True)
    assert SENT in response.content.decode()
    assert ADDRESS not in response.content.decode()
    [message] = mailoutbox
    assert message.to == [ADDRESS]
    assert "nouveau lien" in message.subject
    [fresh] = _links_in(message)
    assert fresh != url
    # The fresh link opens the request for 90 days; the old one stays expired.
    time_machine.move_to(START + timedelta(days=120 + 89), tick=False)
    assert SECRET in client.get(fresh).content.decode()
    assert client.get(url).status_code == 410
    time_machine.move_to(START + timedelta(days=120 + 91), tick=False)
    assert client.get(fresh).status_code == 410


def test_another_address_gets_the_same_answer_and_no_mail(
    client, closed, time_machine, mailoutbox, django_capture_on_commit_callbacks
):
    _help_request, url, _team = closed
    time_machine.move_to(START + timedelta(days=120), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        wrong = client.post(_renew(url), {"email": "autre@example.org"}, follow=True)
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        right = client.post(_renew(url), {"email": ADDRESS}, follow=True)
    assert len(mailoutbox) == 1

    def shown(response) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())

    assert wrong.status_code == right.status_code == 410
    assert SENT in shown(wrong)
    assert shown(wrong) == shown(right)


def test_asking_for_fresh_links_is_rate_limited(
    client, closed, time_machine, mailoutbox, django_capture_on_commit_callbacks
):
    _help_request, url, _team = closed
    time_machine.move_to(START + timedelta(days=120), tick=False)
    answers = []
    with django_capture_on_commit_callbacks(execute=True):
        for _attempt in range(5):
            answers.append(client.post(_renew(url), {"email": ADDRESS}))
    assert [answer.status_code for answer in answers[:3]] == [302, 302, 302]
    assert answers[-1].status_code == 429
    assert "Trop de demandes" in answers[-1].content.decode()
    assert len(mailoutbox) == 3


def test_a_bad_address_is_refused_clearly(client, closed, time_machine, mailoutbox):
    _request, url, _team = closed
    time_machine.move_to(START + timedelta(days=120), tick=False)
    response = client.post(_renew(url), {"email": "pas une adresse"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Saisissez une adresse de courriel valide" in page
    assert "pas une adresse" in page
    assert mailoutbox == []


def test_a_changed_link_cannot_ask_for_a_fresh_one(client, closed, mailoutbox):
    _request, url, _team = closed
    response = client.post(_renew(url.replace("/suivi/", "/suivi/x")), {"email": ADDRESS})
    assert response.status_code == 404
    assert mailoutbox == []


def test_reopening_the_request_brings_its_links_back(client, closed, time_machine):
    """The exchange is current again: the links it sent open it again."""
    help_request, url, team = closed
    time_machine.move_to(START + timedelta(days=150), tick=False)
    assert client.get(url).status_code == 410
    services.request_reopen(actor=team, help_request=help_request)
    assert SECRET in client.get(url).content.decode()
