from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = _("Help desk")

    def ready(self) -> None:
        from accounts import personal_data
        from notifications import registry as notifications

        from . import permissions
        from .personal_data_sections import SUPPORT_SECTION

        personal_data.register(SUPPORT_SECTION)
        notifications.register_kind(
            notifications.Kind(
                key="support.answer",
                label=_("Answers to my help requests"),
                default=notifications.IMMEDIATE,
                visible=permissions.visible_request_ids,
                visible_many=permissions.visible_requests_of_each,
                order=70,
                help_text=_("The national animation answers a request you sent signed in."),
            )
        )
