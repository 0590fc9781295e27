from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = _("Forums")

    def ready(self) -> None:
        from accounts import personal_data
        from councils import registry
        from search import registry as search_registry

        from . import page_cache, services
        from .activity import FORUM_ACTIVITY, FORUM_LINK
        from .personal_data_sections import FORUMS_SECTION
        from .search import DISCUSSIONS

        registry.register_council_created(
            "forum", lambda council: services.council_forum_create(council=council)
        )
        registry.register_space_link(FORUM_LINK)
        registry.register_activity_source(FORUM_ACTIVITY)
        personal_data.register(FORUMS_SECTION)
        search_registry.register(DISCUSSIONS)
        page_cache.connect()
        self.register_notification_kinds()

    def register_notification_kinds(self) -> None:
        """What ``services`` publishes. A mention, a reply and a new topic are
        about a post (for a new topic, its first post): hidden or deleted,
        it is no longer shown. Moderation is about the topic, which the author
        still reads when their post is hidden."""
        from notifications import registry as notifications

        from .permissions import (
            visible_post_ids,
            visible_posts_of_each,
            visible_topic_ids,
            visible_topics_of_each,
        )

        for kind in (
            notifications.Kind(
                key="forums.mention",
                label=_("Someone mentions me"),
                default=notifications.IMMEDIATE,
                visible=visible_post_ids,
                visible_many=visible_posts_of_each,
                order=10,
                help_text=_("Someone writes @ and your name in a forum message you may read."),
            ),
            notifications.Kind(
                key="forums.reply",
                label=_("Replies in topics I follow"),
                default=notifications.DIGEST,
                visible=visible_post_ids,
                visible_many=visible_posts_of_each,
                order=20,
                help_text=_("You follow the topics you opened or replied in, and those you chose."),
            ),
            notifications.Kind(
                key="forums.new_topic",
                label=_("New topics in forums I follow"),
                default=notifications.DIGEST,
                visible=visible_post_ids,
                visible_many=visible_posts_of_each,
                order=30,
                help_text=_("A topic is opened in a forum you chose to follow."),
            ),
            notifications.Kind(
                key="forums.moderation",
                label=_("Moderation of my messages"),
                default=notifications.IMMEDIATE,
                visible=visible_topic_ids,
                visible_many=visible_topics_of_each,
                order=40,
                help_text=_(
                    "A moderator hides, edits, publishes or moves your message, or locks "
                    "your topic."
                ),
            ),
        ):
            notifications.register_kind(kind)
