from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from accounts import personal_data
        from councils import registry
        from notifications import registry as notifications
        from search import registry as search_registry

        from . import permissions, public_views
        from .activity import DOCUMENTS_LINK, PAGES_LINK
        from .personal_data_sections import DOCUMENTS_SECTION
        from .search import DOCUMENTS, PAGES, RESOURCES

        personal_data.register(DOCUMENTS_SECTION)
        registry.register_space_link(DOCUMENTS_LINK)
        registry.register_space_link(PAGES_LINK)
        for source in (DOCUMENTS, PAGES, RESOURCES):
            search_registry.register(source)
        registry.register_public_section(
            registry.PublicSection(
                key="documents", order=20, render=public_views.council_publications_section
            )
        )
        notifications.register_kind(
            notifications.Kind(
                key="documents.new_file",
                label=_("New files in my councils"),
                default=notifications.DIGEST,
                visible=permissions.visible_document_ids,
                visible_many=permissions.visible_documents_of_each,
                order=50,
                help_text=_("A member adds a file to the space of one of your councils."),
            )
        )
        notifications.register_kind(
            notifications.Kind(
                key="documents.new_page",
                label=_("New pages in my councils"),
                default=notifications.DIGEST,
                visible=permissions.visible_page_ids,
                visible_many=permissions.visible_pages_of_each,
                order=51,
                help_text=_("A member creates a page written together in one of your councils."),
            )
        )
