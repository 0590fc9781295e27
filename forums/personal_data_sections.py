"""What "Mes données" holds from the forums: what the person wrote and follows.

Messages stay after the account is deleted, signed "compte supprimé" (their
author becomes empty); reactions, follows and read markers go with it.
"""

from __future__ import annotations

from accounts.personal_data import ExportPart, PersonalDataSection

from .models import Post, Reaction, Report, Subscription


def export_forums(user) -> ExportPart:
    return ExportPart(
        {
            "messages": [
                {
                    "topic": post.topic.title,
                    "forum": post.topic.forum.name,
                    "written_at": post.created_at,
                    "edited_at": post.edited_at,
                    "text": post.body,
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
        }
    )


FORUMS_SECTION = PersonalDataSection(key="forums", export=export_forums)
