"""A join request refused with an optional reason: stored on the request,
read by the requester on "My councils" and in the answer's e-mail, never
shown to someone who does not manage the council's members."""

from __future__ import annotations

import html

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from councils import services
from councils.models import JoinRequest
from notifications.models import Notification
from tests.accounts.factories import XSS, UserFactory
from tests.councils.factories import coordinator_of, council_create, member_of

pytestmark = pytest.mark.django_db

REASON = "Ce conseil est réservé aux habitants du quartier de l'Alma."


@pytest.fixture
def council():
    return council_create(name="Conseil citoyen de l'Alma", town="Roubaix")


def _refuse_url(council, join_request) -> str:
    return reverse("councils:request_answer", args=[council.slug, join_request.pk, "refuse"])


def test_the_refusal_page_offers_an_optional_reason(client, council):
    coordinator = coordinator_of(council)
    join_request = services.membership_request(user=UserFactory(), council=council, message="")
    client.force_login(coordinator)
    page = client.get(reverse("councils:request_refuse", args=[council.slug, join_request.pk]))
    body = page.content.decode()
    assert 'name="reason"' in body
    assert "Motif (facultatif)" in body
    assert f'action="{_refuse_url(council, join_request)}"' in body


def test_a_reason_is_stored_and_read_by_the_requester(
    client, council, django_capture_on_commit_callbacks
):
    coordinator = coordinator_of(council)
    requester = UserFactory(email="demande@exemple.test")
    join_request = services.membership_request(user=requester, council=council, message="")
    mail.outbox.clear()
    client.force_login(coordinator)
    reason = f"{REASON}\n{XSS}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_refuse_url(council, join_request), {"reason": f"  {reason}  "})
    assert response.status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.REFUSED
    assert join_request.refusal_reason == reason

    (message,) = mail.outbox
    assert message.to == ["demande@exemple.test"]
    assert REASON in message.body
    assert "formulaire de contact" not in message.body
    (html_body, _mime) = message.alternatives[0]
    assert XSS not in html_body
    assert html.escape(XSS, quote=False) in html_body or html.escape(XSS) in html_body

    client.force_login(requester)
    page = client.get(reverse("councils:mine")).content.decode()
    assert "Refusée" in page
    assert "Raison donnée\u00a0:" in page
    assert html.escape(REASON) in page or REASON in page
    assert XSS not in page


def test_without_a_reason_the_answer_keeps_its_wording(
    client, council, django_capture_on_commit_callbacks
):
    coordinator = coordinator_of(council)
    requester = UserFactory()
    join_request = services.membership_request(user=requester, council=council, message="")
    mail.outbox.clear()
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_refuse_url(council, join_request), {"reason": "   "})
    join_request.refresh_from_db()
    assert (join_request.status, join_request.refusal_reason) == (JoinRequest.Status.REFUSED, "")
    (message,) = mail.outbox
    assert "formulaire de contact" in message.body
    assert "Raison donnée" not in message.body
    client.force_login(requester)
    page = client.get(reverse("councils:mine")).content.decode()
    assert "Refusée" in page
    assert "Raison donnée" not in page


def test_a_reason_too_long_is_refused_and_kept(client, council):
    coordinator = coordinator_of(council)
    join_request = services.membership_request(user=UserFactory(), council=council, message="")
    client.force_login(coordinator)
    too_long = "a" * 500 + "b"
    response = client.post(_refuse_url(council, join_request), {"reason": too_long})
    assert response.status_code == 200
    body = response.content.decode()
    assert "501" in body and "500" in body
    assert "Assurez-vous" in body
    assert too_long in body
    join_request.refresh_from_db()
    assert join_request.is_pending
    assert join_request.refusal_reason == ""
    assert not Notification.objects.filter(kind=services.JOIN_DECISION_KIND).exists()


def test_the_service_refuses_a_reason_too_long(council):
    coordinator = coordinator_of(council)
    join_request = services.membership_request(user=UserFactory(), council=council, message="")
    with pytest.raises(ValidationError) as excinfo:
        services.join_request_refuse(actor=coordinator, join_request=join_request, reason="x" * 501)
    assert excinfo.value.messages == ["Le motif est trop long\u00a0: 500 caractères au plus."]
    join_request.refresh_from_db()
    assert join_request.is_pending


@pytest.mark.parametrize("who", ["anonymous", "member", "other_coordinator"])
def test_only_those_who_manage_members_can_refuse(client, council, who):
    requester = UserFactory()
    join_request = services.membership_request(user=requester, council=council, message="")
    if who == "member":
        client.force_login(member_of(council))
    elif who == "other_coordinator":
        client.force_login(coordinator_of(council_create(name="Conseil du Pile")))
    response = client.post(_refuse_url(council, join_request), {"reason": REASON})
    assert response.status_code in (302, 403, 404)
    if who == "anonymous":
        assert "/connexion/" in response.url or "login" in response.url
    join_request.refresh_from_db()
    assert join_request.is_pending
    assert join_request.refusal_reason == ""


def test_the_reason_is_not_shown_to_other_members(client, council):
    coordinator = coordinator_of(council)
    join_request = services.membership_request(user=UserFactory(), council=council, message="")
    services.join_request_refuse(actor=coordinator, join_request=join_request, reason=REASON)
    member = member_of(council)
    client.force_login(member)
    for url in (
        council.get_absolute_url(),
        council.get_space_url(),
        reverse("councils:mine"),
        reverse("notifications:index"),
    ):
        assert REASON not in html.unescape(client.get(url, follow=True).content.decode())
