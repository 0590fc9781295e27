"""A help request whose last step fails leaves no request behind."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from support import services
from support.models import HelpRequest
from tests.support.factories import help_request_submit

pytestmark = pytest.mark.django_db


def test_a_help_request_whose_last_step_fails_leaves_no_row(monkeypatch):
    def fail(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services.emails, "tell_team_new", fail)
    with pytest.raises(OperationalError):
        help_request_submit(subject="Une demande perdue")
    assert not HelpRequest.objects.filter(subject="Une demande perdue").exists()
