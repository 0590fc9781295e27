from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilsConfig(AppConfig):
    name = "councils"
    verbose_name = _("Councils")

    def ready(self) -> None:
        from accounts import personal_data
        from accounts.roles import register_staff_role

        from . import permissions, registry
        from .activity import MEMBERSHIP_ACTIVITY
        from .personal_data_sections import COUNCILS_SECTION

        register_staff_role(permissions.is_referent)
        personal_data.register(COUNCILS_SECTION)
        registry.register_activity_source(MEMBERSHIP_ACTIVITY)
