from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = _("Forums")

    def ready(self) -> None:
        from accounts import personal_data
        from councils import registry

        from . import services
        from .activity import FORUM_ACTIVITY, FORUM_LINK
        from .personal_data_sections import FORUMS_SECTION

        registry.register_council_created(
            "forum", lambda council: services.council_forum_create(council=council)
        )
        registry.register_space_link(FORUM_LINK)
        registry.register_activity_source(FORUM_ACTIVITY)
        personal_data.register(FORUMS_SECTION)
