"""What "Mes données" holds from notifications: what the person was told and
how they chose to be told. Both go with the account (their foreign keys
cascade)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.personal_data import ExportPart, PersonalDataSection

from .models import Notification, Preference


def export_notifications(user) -> ExportPart:
    return ExportPart(
        {
            "notifications": [
                {
                    "kind": notification.kind,
                    "title": notification.title,
                    "excerpt": notification.excerpt,
                    "link": notification.url,
                    "at": notification.created_at,
                    "read_at": notification.read_at,
                }
                for notification in Notification.objects.filter(recipient=user).order_by(
                    "created_at", "pk"
                )
            ],
            "preferences": dict(
                Preference.objects.filter(user=user).values_list("kind", "delivery")
            ),
        }
    )


NOTIFICATIONS_SECTION = PersonalDataSection(
    key="notifications",
    export=export_notifications,
    title=_("What the site told you, and how you chose to be told."),
    contents=(
        ("notifications", _("your notifications, and when you read them")),
        ("preferences", _("for each kind of notification: at once, in a daily digest, or never")),
    ),
)
