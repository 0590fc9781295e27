from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConseilsConfig(AppConfig):
    name = "conseils"
    verbose_name = _("Citizen councils")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from search import registry as search_registry

        from .outage import database_connected
        from .search import SITE_PAGES
        from .sites import follow_site_url

        search_registry.register(SITE_PAGES)
        # Connected here, not by a decorator: the end of an outage is logged
        # by the first connection that opens after it.
        connection_created.connect(database_connected, dispatch_uid="conseils.outage")
        # Under `make run`, the Site row follows the address served (sites.py).
        post_migrate.connect(follow_site_url, dispatch_uid="conseils.sites")
