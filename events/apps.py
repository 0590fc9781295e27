from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Agenda")

    def ready(self) -> None:
        from . import page_cache

        page_cache.connect()
        from accounts import personal_data
        from councils import registry
        from search import registry as search_registry

        from .activity import AGENDA_ACTIVITY, AGENDA_LINK, AGENDA_SECTION
        from .personal_data_sections import EVENTS_SECTION
        from .search import EVENTS

        registry.register_public_section(AGENDA_SECTION)
        registry.register_space_link(AGENDA_LINK)
        registry.register_activity_source(AGENDA_ACTIVITY)
        personal_data.register(EVENTS_SECTION)
        search_registry.register(EVENTS)
