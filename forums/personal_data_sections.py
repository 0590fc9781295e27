"""What "Mes données" holds from the forums: what the person wrote and follows,
their messages still waiting for a moderator's approval, and the images they
added with the editor (sent in a message or not).

Messages stay after the account is deleted, signed "compte supprimé" (their
author becomes empty); reactions, follows and read markers go with it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.personal_data import ExportPart, PersonalDataSection

from .models import ForumImage, Post, Reaction, Report, Subscription

SECTION_KEY = "forums"


def export_forums(user) -> ExportPart:
    images = {
        f"images/{image.pk.hex}.webp": image
        for image in ForumImage.objects.filter(uploaded_by=user)
        .select_related("forum")
        .order_by("created_at", "pk")
    }
    return ExportPart(
        {
            "messages": [
                {
                    "topic": post.topic.title,
                    "forum": post.topic.forum.name,
                    "written_at": post.created_at,
                    "edited_at": post.edited_at,
                    "text": post.body,
                    "status": post.status,
                    "hidden_by_moderation": post.is_hidden,
                }
                for post in Post.objects.filter(author=user).select_related("topic__forum")
            ],
            "reactions": [
                {"message": reaction.post_id, "kind": reaction.kind}
                for reaction in Reaction.objects.filter(user=user)
            ],
            "follows": [
                {
                    "topic": sub.topic.title if sub.topic else None,
                    "forum": sub.forum.name if sub.forum else None,
                }
                for sub in Subscription.objects.filter(user=user).select_related("topic", "forum")
            ],
            "reports_sent": [
                {"message": report.post_id, "reason": report.reason, "sent_at": report.created_at}
                for report in Report.objects.filter(reporter=user)
            ],
            "images": [
                {
                    "added_at": image.created_at,
                    "forum": image.forum.name,
                    "file": f"{SECTION_KEY}/{name}",
                }
                for name, image in images.items()
            ],
        },
        files={name: image.file for name, image in images.items()},
    )


FORUMS_SECTION = PersonalDataSection(
    key=SECTION_KEY,
    export=export_forums,
    title=_("What you wrote and follow in the forums."),
    contents=(
        (
            "messages",
            _(
                "your messages, with their topic and forum; status “pending”: a message "
                "waiting for a moderator's approval, not yet shown to others"
            ),
        ),
        ("reactions", _("your reactions to messages")),
        ("follows", _("the topics and forums you follow")),
        ("reports_sent", _("the messages you reported to the moderators, and why")),
        ("images", _("the images you added with the editor, sent in a message or not")),
    ),
    files_description=_("The images you added to forum messages (images/)."),
)
