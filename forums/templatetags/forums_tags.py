"""What a post shows beside its text: reactions and the actions its reader may take.

The answers come from ``forums.permissions``; templates never decide."""

from __future__ import annotations

from django import template

from forums import permissions
from forums.models import Reaction

register = template.Library()


@register.simple_tag(takes_context=True)
def reaction_counts(context, post) -> list[tuple[str, str, int, bool]]:
    """(kind, label, count, mine) for each kind, from the prefetched reactions."""
    user = context["request"].user
    reactions = list(post.reactions.all())
    return [
        (
            kind,
            label,
            sum(1 for reaction in reactions if reaction.kind == kind),
            any(r.kind == kind and r.user_id == user.pk for r in reactions),
        )
        for kind, label in Reaction.Kind.choices
    ]


@register.simple_tag(takes_context=True)
def post_actions(context, post) -> dict[str, bool]:
    user = context["request"].user
    first_with_replies = post.pk == context.get("first_post_id") and post.topic.post_count > 1
    return {
        "react": permissions.can_react(user, post),
        "quote": post.is_published
        and not post.is_hidden
        and permissions.can_reply(user, post.topic),
        "edit": permissions.can_edit_post(user, post),
        "delete": permissions.can_delete_post(user, post) and not first_with_replies,
        "report": permissions.can_report(user, post),
        "history": permissions.can_see_history(user, post),
        "hidden_reason": post.is_hidden and permissions.can_see_hidden_reason(user, post),
        "hidden_text": post.is_hidden and permissions.can_read_hidden_text(user, post),
    }
