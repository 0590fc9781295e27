from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Users and profiles")

    def ready(self) -> None:
        from . import page_cache, personal_data
        from .personal_data_sections import ACCOUNT_SECTION

        personal_data.register(ACCOUNT_SECTION)
        page_cache.connect()
