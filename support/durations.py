"""Durations as people read them: "3 h 20 min", "45 min", "1 j 2 h"."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext as _


def format_duration(duration: timedelta) -> str:
    minutes = max(0, int(duration.total_seconds() // 60))
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        if hours:
            return _("%(days)s d %(hours)s h") % {"days": days, "hours": hours}
        return _("%(days)s d") % {"days": days}
    if hours:
        if minutes:
            return _("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}
        return _("%(hours)s h") % {"hours": hours}
    return _("%(minutes)s min") % {"minutes": minutes}
