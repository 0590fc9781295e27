from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConseilsConfig(AppConfig):
    name = "conseils"
    verbose_name = _("Citizen councils")

    def ready(self) -> None:
        from search import registry as search_registry

        from .search import SITE_PAGES

        search_registry.register(SITE_PAGES)
