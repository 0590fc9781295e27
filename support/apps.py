from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = _("Help desk")

    def ready(self) -> None:
        from accounts import personal_data

        from .personal_data_sections import SUPPORT_SECTION

        personal_data.register(SUPPORT_SECTION)
