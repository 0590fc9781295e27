from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConseilsConfig(AppConfig):
    name = "conseils"
    verbose_name = _("Citizen councils")
