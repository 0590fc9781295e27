"""An answer to a request sent signed in is told through the notifications
(at once by default); a requester without an account keeps the e-mail that
carries the link to follow the request."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from notifications import services as notifications
from notifications.models import Notification
from support import emails, permissions, services
from tests.accounts.factories import XSS, UserFactory
from tests.councils.factories import council_create, referent_of
from tests.news.factories import animator

from .factories import help_request_submit


def _followed_request(body: str):
    """The request the follow link of an e-mail opens. The link signs the
    second it was made: it is read back, not compared with a new one."""
    match = re.search(r"/aide/suivi/([^/\s]+)/", body)
    assert match, body
    return emails.follow_link_from_token(match.group(1)).help_request


pytestmark = pytest.mark.django_db
ANSWER_KIND = "support.answer"
ANSWER = "Bonjour, la salle est réservée pour jeudi."


def test_a_signed_in_requester_is_notified_instead_of_the_direct_e_mail(
    mailoutbox, django_capture_on_commit_callbacks
):
    requester = UserFactory()
    help_request = help_request_submit(requester=requester)
    national = animator()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_answer(actor=national, help_request=help_request, body=ANSWER)
    told = Notification.objects.get(kind=ANSWER_KIND)
    assert told.recipient == requester
    assert told.actor == national
    assert told.target_id == help_request.pk
    assert told.url == help_request.get_absolute_url()
    assert told.excerpt == ANSWER
    assert told.delivery == "immediate"
    assert told.title.startswith("L’animation nationale a répondu")
    assert help_request.reference in told.title
    # One e-mail: the notification's, not the direct one with the follow link.
    assert [m.to for m in mailoutbox] == [[requester.email]]
    message = mailoutbox[0]
    assert ANSWER in message.body
    assert help_request.get_absolute_url() in message.body
    assert "/aide/suivi/" not in message.body
    assert "Les réponses à mes demandes d’aide" in message.body
    assert "/notifications/desabonnement/" in message.body


def test_a_requester_without_account_still_gets_the_follow_link(
    mailoutbox, django_capture_on_commit_callbacks
):
    help_request = help_request_submit(email="visiteuse@example.org")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_answer(actor=animator(), help_request=help_request, body=ANSWER)
    assert not Notification.objects.exists()
    assert [m.to for m in mailoutbox] == [["visiteuse@example.org"]]
    assert _followed_request(mailoutbox[0].body) == help_request


def test_a_closed_account_gets_the_direct_e_mail(mailoutbox, django_capture_on_commit_callbacks):
    requester = UserFactory()
    help_request = help_request_submit(requester=requester)
    requester.is_active = False
    requester.save(update_fields=["is_active"])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_answer(actor=animator(), help_request=help_request, body=ANSWER)
    assert not Notification.objects.exists()
    assert [m.to for m in mailoutbox] == [[help_request.email]]
    assert _followed_request(mailoutbox[0].body) == help_request


def test_other_messages_stay_direct_e_mails(mailoutbox, django_capture_on_commit_callbacks):
    requester = UserFactory()
    council = council_create()
    referent = referent_of(council.department)
    with django_capture_on_commit_callbacks(execute=True):
        help_request = help_request_submit(requester=requester, council=council)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_close(actor=referent, help_request=help_request)
    assert not Notification.objects.exists()
    # The confirmation and the closing to the requester, the team's word: all direct.
    assert sorted(address for m in mailoutbox for address in m.to) == sorted(
        [requester.email, requester.email, referent.email]
    )


def test_chosen_for_the_site_only_no_e_mail(mailoutbox, django_capture_on_commit_callbacks):
    requester = UserFactory()
    help_request = help_request_submit(requester=requester)
    notifications.preference_set(user=requester, kind=ANSWER_KIND, delivery="site")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_answer(actor=animator(), help_request=help_request, body=ANSWER)
    assert Notification.objects.filter(recipient=requester, kind=ANSWER_KIND).exists()
    assert mailoutbox == []


def test_only_the_requester_may_see_it(mailoutbox, django_capture_on_commit_callbacks):
    requester, someone = UserFactory(), UserFactory()
    help_request = help_request_submit(requester=requester)
    assert permissions.visible_request_ids(requester, [help_request.pk]) == {help_request.pk}
    assert permissions.visible_request_ids(someone, [help_request.pk]) == set()
    assert permissions.visible_request_ids(animator(), [help_request.pk]) == set()
    # Closed between the answer and the e-mail: nothing is sent.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=False):
        services.request_answer(actor=animator(), help_request=help_request, body=ANSWER)
    told = list(Notification.objects.filter(recipient=requester))
    requester.is_active = False
    requester.save(update_fields=["is_active"])
    assert notifications.visible(requester, told) == ([], told)
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.deliver_immediate([n.pk for n in told]) == 0
    assert mailoutbox == []


def test_the_centre_escapes_markup(client):
    requester = UserFactory()
    help_request = help_request_submit(requester=requester)
    services.request_answer(actor=animator(), help_request=help_request, body=f"Réponse {XSS}")
    client.force_login(requester)
    page = client.get(reverse("notifications:index")).content.decode()
    assert "Réponse &lt;script&gt;" in page
    assert XSS not in page
