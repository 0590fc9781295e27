"""Reports of posts: made by readers, handled by moderators."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import permissions
from ..models import ModerationAction, Post, Report
from ._shared import (
    ERROR_ALREADY_REPORTED,
    ERROR_REASON_NEEDED,
    ERROR_REPORT_HANDLED,
    _check_moderator,
)

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def report_create(*, reporter: User, post: Post, reason: str) -> Report:
    if not permissions.can_report(reporter, post):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError(ERROR_REASON_NEEDED, code="reason")
    try:
        with transaction.atomic():
            return Report.objects.create(post=post, reporter=reporter, reason=reason.strip()[:500])
    except IntegrityError as exc:
        raise ValidationError(ERROR_ALREADY_REPORTED, code="already") from exc


@transaction.atomic
def report_handle(*, moderator: User, report: Report, resolved: bool) -> Report:
    """Resolve (the moderator acted on the post) or dismiss a report."""
    report = (
        Report.objects.select_for_update().select_related("post__topic__forum").get(pk=report.pk)
    )
    _check_moderator(moderator, report.post.topic.forum)
    if report.status != Report.Status.OPEN:
        raise ValidationError(ERROR_REPORT_HANDLED, code="handled")
    report.status = Report.Status.RESOLVED if resolved else Report.Status.DISMISSED
    report.handled_by = moderator
    report.handled_at = timezone.now()
    report.save(update_fields=["status", "handled_by", "handled_at"])
    ModerationAction.objects.create(
        forum=report.post.topic.forum,
        post=report.post,
        kind=ModerationAction.Kind.REPORT_RESOLVED
        if resolved
        else ModerationAction.Kind.REPORT_DISMISSED,
        actor=moderator,
        reason=report.reason,
    )
    return report
