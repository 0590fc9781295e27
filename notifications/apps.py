from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from accounts import personal_data

        from .personal_data_sections import NOTIFICATIONS_SECTION

        personal_data.register(NOTIFICATIONS_SECTION)
