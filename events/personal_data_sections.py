"""What "Mes données" holds from the agenda: the person's answers and the
meetings they planned. Answers and private links go with the account
(their foreign key cascades); planned meetings stay, their author emptied."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.personal_data import ExportPart, PersonalDataSection

from .models import Attendance, CalendarToken, Event


def export_events(user) -> ExportPart:
    return ExportPart(
        {
            "answers": [
                {
                    "event": attendance.event.title,
                    "council": attendance.event.council.name,
                    "starts_at": attendance.event.starts_at,
                    "answer": attendance.answer,
                    "answered_at": attendance.answered_at,
                }
                for attendance in Attendance.objects.filter(user=user).select_related(
                    "event__council"
                )
            ],
            "planned": [
                {
                    "title": event.title,
                    "council": event.council.name,
                    "starts_at": event.starts_at,
                    "ends_at": event.ends_at,
                    "place": event.place,
                    "description": event.description,
                    "visibility": event.visibility,
                }
                for event in Event.objects.filter(created_by=user).select_related("council")
            ],
            "private_calendar_links": [
                {"council": token.council.name, "created_at": token.created_at}
                for token in CalendarToken.objects.filter(user=user).select_related("council")
            ],
        }
    )


EVENTS_SECTION = PersonalDataSection(
    key="events",
    export=export_events,
    title=_("Your place in your councils' agendas."),
    contents=(
        ("answers", _("your answers to meeting invitations (coming, not coming, maybe)")),
        ("planned", _("the meetings you planned")),
        ("private_calendar_links", _("the private calendar links you created")),
    ),
)
