"""The demo agenda: every council has meetings; the first two get public and
private ones, one past and one cancelled, and answers; running the seed
again adds nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from councils.models import Council
from events import permissions
from events.models import Attendance, Event

pytestmark = pytest.mark.django_db


def test_the_demo_agenda_is_believable_and_idempotent():
    call_command("seed_demo", verbosity=0)
    counts = (Event.objects.count(), Attendance.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Event.objects.count(), Attendance.objects.count()) == counts

    first = Council.objects.get(name="Conseil citoyen de l'Alma")
    second = Council.objects.get(name="Conseil citoyen de la Bourgogne")
    # Every council has its agenda (demo_life), the first two a fuller one.
    assert set(Event.objects.values_list("council", flat=True)) == set(
        Council.objects.values_list("pk", flat=True)
    )
    events = Event.objects.filter(council=first)
    now = timezone.now()
    assert events.filter(visibility="public").exists()
    assert events.filter(visibility="private").exists()
    assert events.filter(ends_at__lt=now).exists()
    assert events.filter(cancelled_at__isnull=False).exists()
    assert Event.objects.filter(council=second, visibility="private").exists()

    member_a = User.objects.get(email="membre-a@demo.conseils.test")
    member_b = User.objects.get(email="membre-b@demo.conseils.test")
    assert Attendance.objects.filter(user=member_a).exists()
    assert Attendance.objects.filter(user=member_b).exists()
    # membre-b reads the first council's public meetings, not its private ones.
    private = events.filter(visibility="private").first()
    assert not permissions.can_read_event(member_b, private)
    assert permissions.can_read_event(member_a, private)
