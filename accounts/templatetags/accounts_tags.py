"""How templates name a user: their display name, or "compte supprimé"."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def author_name(user) -> str:
    """The display name of a contribution's author; deleted accounts show as such."""
    if user is None or not getattr(user, "pk", None):
        return _("deleted account")
    return user.display_name or _("deleted account")
