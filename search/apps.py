from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Site search")

    def ready(self):
        from . import fts

        # SQLite: the function the index's triggers call, on every connection,
        # and the index made to follow the tables after each migrate.
        connection_created.connect(fts.register_function, dispatch_uid="search_fts_function")
        post_migrate.connect(fts.after_migrate, sender=self, dispatch_uid="search_fts_ensure")
