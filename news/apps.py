from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("News")

    def ready(self) -> None:
        from accounts import personal_data
        from councils import registry
        from notifications import registry as notifications
        from search import registry as search_registry

        from . import page_cache, permissions, views
        from .personal_data_sections import NEWS_SECTION
        from .search import ARTICLES

        personal_data.register(NEWS_SECTION)
        search_registry.register(ARTICLES)
        page_cache.connect()

        registry.register_space_link(
            registry.SpaceLink(
                key="news",
                order=40,
                label=_("The council's news"),
                url=lambda council: reverse("news:council", args=[council.slug]),
            )
        )
        registry.register_public_section(
            registry.PublicSection(key="news", order=5, render=views.council_section)
        )
        notifications.register_kind(
            notifications.Kind(
                key="news.article",
                label=_("News I follow"),
                default=notifications.IMMEDIATE,
                visible=permissions.visible_article_ids,
                visible_many=permissions.visible_articles_of_each,
                order=60,
                help_text=_(
                    "A new article in the national news or the news of a council you follow."
                ),
            )
        )
