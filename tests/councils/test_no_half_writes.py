"""A request to join whose last step fails leaves no request and no log line."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from councils import services
from councils.models import JoinRequest, MembershipEvent
from councils.services import memberships
from tests.accounts.factories import UserFactory
from tests.councils.factories import coordinator_of, council_create

pytestmark = pytest.mark.django_db


def test_a_join_request_whose_notification_fails_leaves_nothing(monkeypatch):
    council = council_create()
    coordinator_of(council)
    events = MembershipEvent.objects.count()

    def fail(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(memberships, "_notify_join_request", fail)
    with pytest.raises(OperationalError):
        services.membership_request(user=UserFactory(), council=council, message="Bonjour")
    assert not JoinRequest.objects.exists()
    assert MembershipEvent.objects.count() == events
