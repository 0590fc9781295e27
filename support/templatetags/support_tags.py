"""How templates show a help request's 24-hour clock."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from support.durations import format_duration
from support.models import WARN_BEFORE, HelpRequest

register = template.Library()


@register.simple_tag
def request_clock(help_request: HelpRequest, now=None):
    """A badge: time left, overdue, answered or closed. Read from ``due_at``
    at the time of the page, never from what a task did."""
    now = now or timezone.now()
    if help_request.status == HelpRequest.Status.CLOSED:
        return format_html('<span class="badge">{}</span>', _("Closed"))
    if help_request.status == HelpRequest.Status.ANSWERED:
        return format_html('<span class="badge badge-success">{}</span>', _("Answered"))
    left = help_request.time_left(now)
    if left is None:
        return ""
    if left.total_seconds() < 0:
        return format_html(
            '<span class="badge badge-danger">{}</span>',
            _("Overdue by %(duration)s") % {"duration": format_duration(-left)},
        )
    css = "badge-warning" if left < WARN_BEFORE else "badge-primary"
    return format_html(
        '<span class="badge {}">{}</span>',
        css,
        _("%(duration)s left") % {"duration": format_duration(left)},
    )
