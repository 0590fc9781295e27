from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from councils import registry

        from . import public_views
        from .activity import DOCUMENTS_LINK, PAGES_LINK

        registry.register_space_link(DOCUMENTS_LINK)
        registry.register_space_link(PAGES_LINK)
        registry.register_public_section(
            registry.PublicSection(
                key="documents", order=20, render=public_views.council_publications_section
            )
        )
