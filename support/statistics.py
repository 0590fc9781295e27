"""The help desk's statistics for the national animation: requests per week,
time to first answer, share answered within 24 hours, calls, by department,
and the geometry of the page's chart.

Everything is computed in Python from two flat queries over the period (at
most 52 weeks of requests), so the number of queries does not grow with the
number of requests and the results are the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from common.forms import Form
from councils.models import Department

from .durations import format_duration
from .models import ANSWER_WITHIN, HelpMessage, HelpRequest

WEEK_CHOICES = (4, 12, 26, 52)
DEFAULT_WEEKS = 12
# Weeks start on Monday at midnight where the national animation works, so a
# request sent on Sunday at 23:30 in Paris belongs to that Sunday's week.
LOCAL_TIME = ZoneInfo("Europe/Paris")
NO_VALUE = "—"


# Formatting: what the page shows of a time to first answer or a share.


def format_delay(delay: timedelta | None) -> str:
    """A time to first answer as people say it ("3 h 20 min", "1 j 2 h"), or
    a dash when no request was answered."""
    return NO_VALUE if delay is None else format_duration(delay)


def format_share(percent: int | None) -> str:
    """A share as a whole percentage, or a dash when nothing was counted."""
    if percent is None:
        return NO_VALUE
    return _("%(percent)s %%") % {"percent": percent}


def percentile_90(values: Sequence[float]) -> float | None:
    """The value under which nine in ten fall (inclusive method: it stays
    between the smallest and the largest value, even for few values)."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def _as_delay(seconds: float | None) -> timedelta | None:
    return None if seconds is None else timedelta(seconds=seconds)


# The figures.


@dataclass
class Figures:
    """What is counted for a set of requests: a week, a department, the period.

    Requests are counted in the week they were sent; calls in the week they
    were made, whatever the week of their request.
    """

    received: int = 0
    answered_within: int = 0
    answered_late: int = 0
    unanswered: int = 0
    # Unanswered and still within their first 24 hours: too early to say
    # whether they will be answered in time, so left out of the share.
    not_due_yet: int = 0
    closed_in_time: int = 0
    calls_reached: int = 0
    calls_missed: int = 0
    # Seconds from sending to the first answer, of the answered requests.
    delays: list[float] = field(default_factory=list)

    def add_request(
        self,
        created_at: datetime,
        first_answered_at: datetime | None,
        now: datetime,
        closed_at: datetime | None = None,
    ) -> None:
        self.received += 1
        if first_answered_at is None:
            self.unanswered += 1
            if now - created_at <= ANSWER_WITHIN:
                self.not_due_yet += 1
            elif closed_at is not None and closed_at - created_at <= ANSWER_WITHIN:
                # Closed in time without an answer (solved by the requester,
                # a request sent twice): nothing was owed any more.
                self.closed_in_time += 1
            return
        # A call noted a few minutes before the request was saved (the form
        # allows it) answered it at once, not before it was sent.
        delay = max(first_answered_at - created_at, timedelta(0))
        self.delays.append(delay.total_seconds())
        if delay <= ANSWER_WITHIN:
            self.answered_within += 1
        else:
            self.answered_late += 1

    def add_call(self, reached: bool | None) -> None:
        if reached:
            self.calls_reached += 1
        else:
            self.calls_missed += 1

    @property
    def calls(self) -> int:
        """Every call recorded, whether the requester was reached or not."""
        return self.calls_reached + self.calls_missed

    @property
    def counted(self) -> int:
        """The share's denominator: answered, or with their 24 hours over."""
        return self.received - self.not_due_yet - self.closed_in_time

    @property
    def share_within(self) -> int | None:
        """In whole percent, rounded down so that 100 means that every request
        was answered in time, never "all but one in two hundred"."""
        return self.answered_within * 100 // self.counted if self.counted else None

    @property
    def median(self) -> timedelta | None:
        return _as_delay(statistics.median(self.delays) if self.delays else None)

    @property
    def p90(self) -> timedelta | None:
        return _as_delay(percentile_90(self.delays))

    @property
    def median_display(self) -> str:
        return format_delay(self.median)

    @property
    def p90_display(self) -> str:
        return format_delay(self.p90)

    @property
    def share_display(self) -> str:
        return format_share(self.share_within)


@dataclass
class WeekFigures:
    start: date  # a Monday, in Paris
    figures: Figures
    current: bool = False  # the week of today, counted so far


@dataclass
class DepartmentFigures:
    code: str | None
    name: str | None
    figures: Figures

    @property
    def label(self) -> str:
        if self.code is None:
            return _("Department not given")
        return f"{self.name} ({self.code})"  # as Department.__str__, without fetching it


@dataclass
class HelpDeskStatistics:
    weeks: list[WeekFigures]
    total: Figures
    # Departments with a request or a call in the period.
    departments: list[DepartmentFigures]
    department: Department | None

    @property
    def start(self) -> date:
        return self.weeks[0].start


def week_starts(weeks: int, now: datetime) -> list[date]:
    """The Mondays of the last ``weeks`` weeks, the current one included."""
    today = timezone.localtime(now, LOCAL_TIME).date()
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=weeks - 1 - index) for index in range(weeks)]


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TIME)


def _week_index(moment: datetime, first_monday: date) -> int:
    return (timezone.localtime(moment, LOCAL_TIME).date() - first_monday).days // 7


def _requests(start: datetime, end: datetime, department: Department | None) -> Iterable[tuple]:
    requests = HelpRequest.objects.filter(created_at__gte=start, created_at__lt=end)
    if department is not None:
        requests = requests.filter(department=department)
    return requests.order_by().values_list(
        "created_at", "first_answered_at", "closed_at", "department__code", "department__name"
    )


def _calls(start: datetime, end: datetime, department: Department | None) -> Iterable[tuple]:
    calls = HelpMessage.objects.filter(
        kind=HelpMessage.Kind.CALL, called_at__gte=start, called_at__lt=end
    )
    if department is not None:
        calls = calls.filter(request__department=department)
    return calls.order_by().values_list(
        "called_at", "reached", "request__department__code", "request__department__name"
    )


class _Tally:
    """Adds each request and call to its week, its department and the total."""

    def __init__(self, starts: Sequence[date]):
        self.first_monday = starts[0]
        self.weeks = [
            WeekFigures(start=monday, figures=Figures(), current=monday == starts[-1])
            for monday in starts
        ]
        self.total = Figures()
        self.by_department: dict[str | None, DepartmentFigures] = {}

    def figures_for(self, moment: datetime, code: str | None, name: str | None) -> list[Figures]:
        row = self.by_department.get(code)
        if row is None:
            row = DepartmentFigures(code=code, name=name, figures=Figures())
            self.by_department[code] = row
        week = self.weeks[_week_index(moment, self.first_monday)]
        return [week.figures, self.total, row.figures]

    def departments(self) -> list[DepartmentFigures]:
        """By code, the requests without a department last."""
        return sorted(
            self.by_department.values(), key=lambda row: (row.code is None, row.code or "")
        )


def help_desk_statistics(
    *, weeks: int = DEFAULT_WEEKS, department: Department | None = None, now: datetime | None = None
) -> HelpDeskStatistics:
    """The figures of the last ``weeks`` weeks (the current one included, so
    far), of one department or of the whole country. Two queries."""
    now = now or timezone.now()
    starts = week_starts(weeks, now)
    start, end = _local_midnight(starts[0]), _local_midnight(starts[-1] + timedelta(weeks=1))
    tally = _Tally(starts)
    for created_at, first_answered_at, closed_at, code, name in _requests(start, end, department):
        for figures in tally.figures_for(created_at, code, name):
            figures.add_request(created_at, first_answered_at, now, closed_at)
    for called_at, reached, code, name in _calls(start, end, department):
        for figures in tally.figures_for(called_at, code, name):
            figures.add_call(reached)
    return HelpDeskStatistics(
        weeks=tally.weeks,
        total=tally.total,
        departments=tally.departments(),
        department=department,
    )


# The chart: stacked bars, one per week, drawn by the template from this data.

CHART_WIDTH = 760
CHART_HEIGHT = 300
# Room on the left for the scale, on the right for half of the last week's
# label, under the plot for the labels.
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 40, CHART_WIDTH - 28, 12, CHART_HEIGHT - 32
BAR_SHARE_OF_SLOT = 0.7
# A week label ("15 sept.") needs about this much room: closer, they touch,
# so a long period labels one week in two, three or five.
LABEL_SPACING = 56


@dataclass(frozen=True)
class Series:
    """One part of the bars. The colours contrast at least 3:1 with the white
    background (and are told apart by a white border between the parts)."""

    key: str
    fill: str
    label: str


SERIES = (
    Series("answered_within", "#23408e", gettext_lazy("Answered within 24 hours")),
    Series("answered_late", "#cc6600", gettext_lazy("Answered after 24 hours")),
    Series("unanswered", "#6b6b6b", gettext_lazy("No answer so far")),
)


@dataclass(frozen=True)
class ChartSegment:
    series: Series
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class ChartBar:
    week: WeekFigures
    label_x: float
    show_label: bool
    segments: list[ChartSegment]


@dataclass(frozen=True)
class ChartTick:
    value: int
    y: float


@dataclass(frozen=True)
class Chart:
    bars: list[ChartBar]
    ticks: list[ChartTick]
    busiest: WeekFigures
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    plot_left: int = PLOT_LEFT
    plot_right: int = PLOT_RIGHT
    plot_top: int = PLOT_TOP
    plot_bottom: int = PLOT_BOTTOM
    series: tuple[Series, ...] = SERIES

    @property
    def label_y(self) -> int:
        """The baseline of the week labels, under the plot."""
        return self.plot_bottom + 20

    @property
    def tick_label_x(self) -> int:
        """Where the scale's numbers end, left of the plot."""
        return self.plot_left - 6


def axis_ticks(highest: int) -> list[int]:
    """3 to 5 round values from 0 up to at least ``highest``: steps of 1, 2 or
    5 times a power of ten."""
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            intervals = max(math.ceil(highest / step), 2)
            if intervals <= 4:
                return [step * index for index in range(intervals + 1)]
        magnitude *= 10


def chart_geometry(weeks: Sequence[WeekFigures]) -> Chart | None:
    """Where each bar and tick goes, in the SVG's coordinates; None when no
    request was received (the page says so instead of an empty chart)."""
    highest = max((week.figures.received for week in weeks), default=0)
    if highest == 0:
        return None
    ticks = axis_ticks(highest)
    scale = (PLOT_BOTTOM - PLOT_TOP) / ticks[-1]
    slot = (PLOT_RIGHT - PLOT_LEFT) / len(weeks)
    bar_width = slot * BAR_SHARE_OF_SLOT
    label_every = math.ceil(LABEL_SPACING / slot)
    bars = []
    for index, week in enumerate(weeks):
        x = PLOT_LEFT + index * slot + (slot - bar_width) / 2
        bars.append(
            ChartBar(
                week=week,
                label_x=_rounded(x + bar_width / 2),
                # Counted from the right, so that the current week is labelled.
                show_label=(len(weeks) - 1 - index) % label_every == 0,
                segments=_segments(week.figures, x=x, width=bar_width, scale=scale),
            )
        )
    return Chart(
        bars=bars,
        ticks=[ChartTick(value=value, y=_rounded(PLOT_BOTTOM - value * scale)) for value in ticks],
        busiest=max(weeks, key=lambda week: week.figures.received),
    )


def _segments(figures: Figures, *, x: float, width: float, scale: float) -> list[ChartSegment]:
    """The bar's parts from the bottom up; each part's top is computed from
    the running total so that rounding never opens a gap between parts."""
    segments = []
    below = 0
    for series in SERIES:
        count = getattr(figures, series.key)
        if count == 0:
            continue
        top = _rounded(PLOT_BOTTOM - (below + count) * scale)
        bottom = _rounded(PLOT_BOTTOM - below * scale)
        segments.append(
            ChartSegment(
                series=series,
                x=_rounded(x),
                y=top,
                width=_rounded(width),
                height=_rounded(bottom - top),
            )
        )
        below += count
    return segments


def _rounded(value: float) -> float:
    return round(value, 1)


# The page.


def _week_choices() -> list[tuple[int, str]]:
    return [
        (weeks, ngettext("%(weeks)s week", "%(weeks)s weeks", weeks) % {"weeks": weeks})
        for weeks in WEEK_CHOICES
    ]


class StatisticsFilterForm(Form):
    """The page's GET filters. A value that is not offered is ignored, not an
    error: the page shows its default instead."""

    label_suffix = ""
    semaines = forms.TypedChoiceField(
        label=gettext_lazy("Period"),
        choices=_week_choices,
        coerce=int,
        required=False,
        empty_value=None,
    )
    departement = forms.ModelChoiceField(
        label=gettext_lazy("Department"),
        queryset=Department.objects.order_by("code"),
        required=False,
        empty_label=gettext_lazy("Whole country"),
        to_field_name="code",
    )


def read_filters(params: Mapping[str, str]) -> tuple[int, Department | None]:
    """The weeks and department asked for; whatever is not valid falls back to
    12 weeks and the whole country."""
    form = StatisticsFilterForm(params)
    form.is_valid()
    return (
        form.cleaned_data.get("semaines") or DEFAULT_WEEKS,
        form.cleaned_data.get("departement"),
    )


def page_context(params: Mapping[str, str], *, now: datetime | None = None) -> dict:
    """What ``support/statistics.html`` shows for the GET parameters
    ``semaines`` (4, 12, 26 or 52) and ``departement`` (a code)."""
    weeks, department = read_filters(params)
    stats = help_desk_statistics(weeks=weeks, department=department, now=now)
    return {
        # Unbound, so that a value that was ignored does not show as chosen.
        "form": StatisticsFilterForm(initial={"semaines": weeks, "departement": department}),
        "weeks": weeks,
        "department": department,
        "stats": stats,
        "chart": chart_geometry(stats.weeks),
        "series": SERIES,
    }
