"""Events made with factory_boy. Titles, places and descriptions carry markup
by default, so every page, list and feed that shows them is tested against
injection."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from events.models import Attendance, Event
from tests.accounts.factories import XSS, UserFactory


class EventFactory(factory.django.DjangoModelFactory):
    """An event next week, private by default; ``council`` must be given."""

    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Réunion {n} {XSS}")
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + timedelta(days=7)).replace(microsecond=0)
    )
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + timedelta(hours=2))
    place = f"Maison de quartier {XSS}"
    description = f"Ordre du jour : **budget**. {XSS}"
    visibility = Event.Visibility.PRIVATE
    created_by = None

    class Params:
        public = factory.Trait(visibility=Event.Visibility.PUBLIC)
        past = factory.Trait(
            starts_at=factory.LazyFunction(
                lambda: (timezone.now() - timedelta(days=7)).replace(microsecond=0)
            )
        )
        cancelled = factory.Trait(cancelled_at=factory.LazyFunction(timezone.now))


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)
    answer = Attendance.Answer.YES
