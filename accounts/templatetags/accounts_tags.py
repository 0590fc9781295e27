"""How templates name a user: their display name, or "compte supprimé", and a
link to their profile only where the reader may open it."""

from django import template
from django.utils.html import format_html

from accounts import permissions, wording
from accounts.names import public_name

register = template.Library()


@register.filter
def author_name(user) -> str:
    """The display name of a contribution's author; deleted accounts show as such."""
    return public_name(user)


@register.simple_tag(takes_context=True)
def profile_link(context, person) -> str:
    """``person``'s name, as a link to their profile if the reader may open it
    (a published profile, or their own); plain text otherwise. Reads only the
    row already loaded: no query per name on list pages."""
    name = author_name(person)
    if person is None or not person.pk:
        return name
    viewer = getattr(context.get("request"), "user", None)
    if not permissions.can_view_public_profile(viewer, person):
        return name
    return format_html('<a href="{}">{}</a>', person.get_absolute_url(), name)


@register.filter
def role_name(person, role: str) -> str:
    """``{{ membership.user|role_name:"coordinator" }}``: the role named in
    the form the person chose (accounts/wording.py); ``None`` (an invited
    address) gives both forms."""
    return wording.role_name(role, person)
