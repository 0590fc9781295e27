from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from accounts import personal_data
        from accounts.roles import register_reader_fact

        from .context_processors import UNREAD_FACT
        from .personal_data_sections import NOTIFICATIONS_SECTION
        from .selectors import unread_count_expression

        personal_data.register(NOTIFICATIONS_SECTION)
        register_reader_fact(UNREAD_FACT, unread_count_expression)
