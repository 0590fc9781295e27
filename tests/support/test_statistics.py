"""The help desk's statistics, with the clock frozen: which week each request
and call falls in, the times to first answer, the share answered within 24
hours, the departments, the page's filters, chart and access."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from support import services
from support.durations import format_duration
from support.models import HelpRequest
from support.statistics import (
    DEFAULT_WEEKS,
    axis_ticks,
    chart_geometry,
    help_desk_statistics,
    page_context,
    percentile_90,
)
from tests.accounts.factories import UserFactory
from tests.councils.factories import council_create, department, member_of, referent_of
from tests.news.factories import animator
from tests.scripts import without_site_scripts
from tests.support.factories import help_request_submit

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
# A Wednesday noon; its week started on Monday 10 November 2025.
NOW = datetime(2025, 11, 12, 12, 0, tzinfo=PARIS)
THIS_MONDAY = date(2025, 11, 10)
URL = reverse("support:statistics")
NBSP = "\u00a0"


def french(text: str) -> str:
    """The French catalogue's typography: non-breaking spaces before : ; ? !
    and between a number and its unit, typographic apostrophes."""
    text = re.sub(r" ([:;?!])", NBSP + r"\1", text)
    text = re.sub(r"(\d) (heures?|h|min|j|semaines?|%)(?=\W|$)", r"\1" + NBSP + r"\2", text)
    return text.replace("'", "’")


@pytest.fixture
def team():
    return animator()


@pytest.fixture
def clock(time_machine):
    """Move the frozen clock: ``clock(when)``."""

    def move(when: datetime) -> None:
        time_machine.move_to(when, tick=False)

    move(NOW)
    return move


def sent(clock, when: datetime, **fields) -> HelpRequest:
    clock(when)
    help_request = help_request_submit(**fields)
    clock(NOW)
    return help_request


def answered(clock, team, help_request: HelpRequest, when: datetime) -> None:
    clock(when)
    services.request_answer(actor=team, help_request=help_request, body="Voici la réponse.")
    clock(NOW)


def called(clock, team, help_request: HelpRequest, when: datetime, *, reached: bool) -> None:
    """A call made at ``when``, recorded an hour later."""
    clock(when + timedelta(hours=1))
    services.request_call_record(
        actor=team, help_request=help_request, called_at=when, minutes=5, reached=reached
    )
    clock(NOW)


def week_of(stats, monday: date):
    return next(week for week in stats.weeks if week.start == monday).figures


# Weeks.


def test_the_last_twelve_weeks_are_there_even_without_requests(clock):
    stats = help_desk_statistics(now=NOW)

    assert len(stats.weeks) == DEFAULT_WEEKS
    assert stats.weeks[-1].start == THIS_MONDAY
    assert stats.weeks[0].start == date(2025, 8, 25)
    assert [week.current for week in stats.weeks] == [False] * 11 + [True]
    assert all(week.figures.received == 0 for week in stats.weeks)
    assert stats.total.received == 0
    assert stats.departments == []


def test_a_request_counts_in_the_paris_week_it_was_sent(clock, team):
    # Sunday 23:30 in Paris is Sunday 22:30 UTC: still the week before.
    sent(clock, datetime(2025, 11, 9, 23, 30, tzinfo=PARIS))
    sent(clock, datetime(2025, 11, 10, 0, 10, tzinfo=PARIS))
    # Past the change to winter time (26 October): Monday 00:30 in Paris is
    # still Sunday in UTC.
    sent(clock, datetime(2025, 10, 27, 0, 30, tzinfo=PARIS))
    # The Sunday before the first of the twelve weeks: outside the period.
    sent(clock, datetime(2025, 8, 24, 23, 0, tzinfo=PARIS))

    stats = help_desk_statistics(now=NOW)

    assert week_of(stats, THIS_MONDAY).received == 1
    assert week_of(stats, date(2025, 11, 3)).received == 1
    assert week_of(stats, date(2025, 10, 27)).received == 1
    assert week_of(stats, date(2025, 10, 20)).received == 0
    assert stats.total.received == 3


@pytest.mark.parametrize("weeks", [4, 26, 52])
def test_the_period_has_the_weeks_asked_for(clock, weeks):
    sent(clock, datetime(2025, 5, 1, 10, 0, tzinfo=PARIS))

    stats = help_desk_statistics(weeks=weeks, now=NOW)

    assert len(stats.weeks) == weeks
    assert stats.weeks[-1].start == THIS_MONDAY
    # 1 May 2025 is 28 weeks back: only the year sees it.
    assert stats.total.received == (1 if weeks == 52 else 0)


# Time to first answer and the share within 24 hours.


def test_median_and_90th_percentile_of_the_time_to_first_answer(clock, team):
    monday = datetime(2025, 11, 3, 9, 0, tzinfo=PARIS)
    for hours in (1, 2, 3, 30):
        help_request = sent(clock, monday)
        answered(clock, team, help_request, monday + timedelta(hours=hours))

    figures = week_of(help_desk_statistics(now=NOW), date(2025, 11, 3))

    assert figures.received == 4
    assert figures.answered_within == 3
    assert figures.answered_late == 1
    assert figures.unanswered == 0
    assert figures.median == timedelta(hours=2, minutes=30)
    # Inclusive method: 3 h + 0.7 × (30 h − 3 h).
    assert figures.p90 == timedelta(hours=21, minutes=54)
    assert figures.share_within == 75
    with translation.override("fr"):
        # The help desk's one way of writing durations (its own tests say how).
        assert figures.median_display == format_duration(timedelta(hours=2, minutes=30))
        assert figures.p90_display == format_duration(timedelta(hours=21, minutes=54))
        assert figures.share_display == french("75 %")


def test_percentiles_of_one_value_and_of_none():
    assert percentile_90([]) is None
    assert percentile_90([600.0]) == 600.0
    assert percentile_90([0.0, 100.0]) == 90.0


def test_the_time_to_first_answer_is_the_first_answer_not_the_last(clock, team):
    help_request = sent(clock, datetime(2025, 11, 10, 8, 0, tzinfo=PARIS))
    answered(clock, team, help_request, datetime(2025, 11, 10, 10, 0, tzinfo=PARIS))
    clock(datetime(2025, 11, 11, 9, 0, tzinfo=PARIS))
    services.requester_reply(
        help_request=help_request, body="Merci, mais encore une question.", via_link=True
    )
    answered(clock, team, help_request, datetime(2025, 11, 12, 11, 0, tzinfo=PARIS))

    assert help_desk_statistics(now=NOW).total.median == timedelta(hours=2)


def test_requests_still_within_their_24_hours_are_not_counted_yet(clock, team):
    # Unanswered for 30 hours: counted, and missed.
    sent(clock, NOW - timedelta(hours=30))
    # Unanswered for exactly 24 hours, then for 2 hours: not over yet.
    sent(clock, NOW - timedelta(hours=24))
    sent(clock, NOW - timedelta(hours=2))
    # Answered within the hour, although sent 3 hours ago: counted.
    quick = sent(clock, NOW - timedelta(hours=3))
    answered(clock, team, quick, NOW - timedelta(hours=2))

    total = help_desk_statistics(now=NOW).total

    assert total.received == 4
    assert total.unanswered == 3
    assert total.not_due_yet == 2
    assert total.counted == 2
    assert total.share_within == 50


def test_a_request_closed_in_time_without_an_answer_is_not_a_miss(clock, team):
    # Solved by the requester after 3 hours: nothing was owed any more.
    solved = sent(clock, NOW - timedelta(hours=40))
    clock(NOW - timedelta(hours=37))
    services.request_close(actor=None, help_request=solved, by_requester=True, via_link=True)
    # Left 30 hours, then closed by the team without an answer: missed.
    dropped = sent(clock, NOW - timedelta(hours=40))
    clock(NOW - timedelta(hours=10))
    services.request_close(actor=team, help_request=dropped)
    clock(NOW)

    total = help_desk_statistics(now=NOW).total

    assert total.received == 2
    assert total.closed_in_time == 1
    assert total.counted == 1
    assert total.share_within == 0


def test_an_answer_at_24_hours_sharp_is_in_time(clock, team):
    help_request = sent(clock, NOW - timedelta(hours=30))
    answered(clock, team, help_request, NOW - timedelta(hours=6))

    total = help_desk_statistics(now=NOW).total

    assert (total.answered_within, total.answered_late, total.share_within) == (1, 0, 100)


def test_the_share_is_a_dash_while_nothing_can_be_counted(clock):
    sent(clock, NOW - timedelta(hours=1))

    total = help_desk_statistics(now=NOW).total

    assert total.received == 1
    assert total.counted == 0
    assert total.share_within is None
    assert total.share_display == "—"
    assert total.median_display == "—"


# Calls.


def test_calls_count_in_the_week_they_were_made_reached_or_not(clock, team):
    wants_call = {"phone": "06 12 34 56 78", "wants_call": True}
    # Sent on Friday of last week; called on Sunday (recorded on Monday).
    friday = sent(clock, datetime(2025, 11, 7, 17, 0, tzinfo=PARIS), **wants_call)
    called(clock, team, friday, datetime(2025, 11, 9, 22, 30, tzinfo=PARIS), reached=False)
    called(clock, team, friday, datetime(2025, 11, 10, 9, 0, tzinfo=PARIS), reached=True)
    monday = sent(clock, datetime(2025, 11, 10, 8, 0, tzinfo=PARIS), **wants_call)
    called(clock, team, monday, datetime(2025, 11, 10, 10, 0, tzinfo=PARIS), reached=False)

    stats = help_desk_statistics(now=NOW)

    last_week, this_week = week_of(stats, date(2025, 11, 3)), week_of(stats, THIS_MONDAY)
    assert (last_week.received, last_week.calls_reached, last_week.calls_missed) == (1, 0, 1)
    assert (this_week.received, this_week.calls_reached, this_week.calls_missed) == (1, 1, 1)
    assert stats.total.calls == 3
    # The reached call answered Friday's request, 64 hours after it was sent.
    assert last_week.answered_late == 1
    assert last_week.median == timedelta(hours=64)
    # A missed call is no answer.
    assert this_week.unanswered == 1


def test_the_page_tells_calls_reached_and_not(client, clock, team):
    help_request = sent(clock, NOW - timedelta(hours=6), phone="06 12 34 56 78", wants_call=True)
    called(clock, team, help_request, NOW - timedelta(hours=5), reached=False)
    called(clock, team, help_request, NOW - timedelta(hours=3), reached=True)
    client.force_login(team)

    page = client.get(URL).content.decode()

    assert "<strong>2</strong> appels passés" in page
    assert french("(demandeur joint : 1, non joint : 1)") in page
    assert '<td data-label="Appels passés">2</td>' in page
    assert '<td data-label="Dont demandeur joint">1</td>' in page


# Departments.


def test_the_department_table_has_a_row_for_requests_without_a_department(clock, team):
    nord, rhone = department("59"), department("69")
    council = council_create(department=nord)
    for when in (NOW - timedelta(hours=40), NOW - timedelta(hours=30)):
        help_request = sent(clock, when, council=council)
        answered(clock, team, help_request, when + timedelta(hours=1))
    late = sent(clock, NOW - timedelta(hours=50), department=rhone)
    answered(clock, team, late, NOW - timedelta(hours=20))
    sent(clock, NOW - timedelta(days=3))

    stats = help_desk_statistics(now=NOW)

    rows = [
        (row.code, row.figures.received, row.figures.median, row.figures.share_within)
        for row in stats.departments
    ]
    assert rows == [
        ("59", 2, timedelta(hours=1), 100),
        ("69", 1, timedelta(hours=30), 0),
        (None, 1, None, 0),
    ]
    assert [row.label for row in stats.departments] == [
        "Nord (59)",
        "Rhône (69)",
        "Département non renseigné",
    ]


def test_one_department_leaves_the_others_out(clock, team):
    nord = department("59")
    mine = sent(clock, NOW - timedelta(hours=5), department=nord, phone="0612", wants_call=True)
    called(clock, team, mine, NOW - timedelta(hours=3), reached=True)
    other = sent(
        clock, NOW - timedelta(hours=5), department=department("69"), phone="0612", wants_call=True
    )
    called(clock, team, other, NOW - timedelta(hours=3), reached=True)
    sent(clock, NOW - timedelta(hours=5))

    stats = help_desk_statistics(department=nord, now=NOW)

    assert (stats.total.received, stats.total.calls) == (1, 1)
    assert [row.code for row in stats.departments] == ["59"]


# The chart.


def test_the_scale_has_three_to_five_round_ticks():
    for highest in range(1, 2_000):
        ticks = axis_ticks(highest)

        assert 3 <= len(ticks) <= 5, highest
        assert ticks[0] == 0 and ticks[-1] >= highest
        step = ticks[1]
        assert ticks == [step * index for index in range(len(ticks))]
        assert str(step).rstrip("0") in {"1", "2", "5"}
        # Round, but not wasteful: the top tick is less than twice the highest bar.
        assert ticks[-1] < 2 * highest or highest == 1


def test_the_bars_are_stacked_to_scale(clock, team):
    monday = datetime(2025, 11, 3, 9, 0, tzinfo=PARIS)
    for hours in (1, 2, 30):
        answered(clock, team, sent(clock, monday), monday + timedelta(hours=hours))
    sent(clock, monday)
    sent(clock, NOW - timedelta(hours=1))

    chart = chart_geometry(help_desk_statistics(now=NOW).weeks)

    assert [tick.value for tick in chart.ticks] == [0, 1, 2, 3, 4]
    assert chart.busiest.start == date(2025, 11, 3)
    bar = chart.bars[-2]
    assert [segment.series.key for segment in bar.segments] == [
        "answered_within",
        "answered_late",
        "unanswered",
    ]
    # 4 requests on a scale up to 4: the bar spans the whole plot.
    assert bar.segments[0].y + bar.segments[0].height == chart.plot_bottom
    assert bar.segments[-1].y == chart.plot_top
    assert [segment.height for segment in bar.segments] == [128.0, 64.0, 64.0]
    assert [segment.series.key for segment in chart.bars[-1].segments] == ["unanswered"]
    assert chart.bars[0].segments == []


@pytest.mark.parametrize(("weeks", "every"), [(4, 1), (12, 1), (26, 3), (52, 5)])
def test_long_periods_label_fewer_weeks_ending_with_this_one(clock, weeks, every):
    sent(clock, NOW - timedelta(hours=1))

    chart = chart_geometry(help_desk_statistics(weeks=weeks, now=NOW).weeks)

    labelled = [bar.week.start for bar in chart.bars if bar.show_label]
    assert labelled[-1] == THIS_MONDAY
    assert labelled[-2] == THIS_MONDAY - timedelta(weeks=every)
    assert len(labelled) == math.ceil(weeks / every)
    # Labels are far enough apart not to touch, and the last one fits.
    spacing = chart.bars[every].label_x - chart.bars[0].label_x
    assert spacing >= 56
    assert chart.bars[-1].label_x + 28 <= chart.width


def test_no_chart_without_requests(clock):
    assert chart_geometry(help_desk_statistics(now=NOW).weeks) is None


# The page's parameters.


@pytest.mark.parametrize(
    ("params", "weeks", "code"),
    [
        ({}, 12, None),
        ({"semaines": "4"}, 4, None),
        ({"semaines": "52", "departement": "69"}, 52, "69"),
        ({"semaines": "5"}, 12, None),
        ({"semaines": "douze"}, 12, None),
        ({"semaines": "4", "departement": "999"}, 4, None),
        ({"departement": "2A"}, 12, "2A"),
    ],
)
def test_the_page_reads_weeks_and_department_and_ignores_what_is_not_offered(
    clock, params, weeks, code
):
    context = page_context(params)

    assert context["weeks"] == weeks
    assert len(context["stats"].weeks) == weeks
    assert (context["department"].code if context["department"] else None) == code
    # The form shows what the figures are for, not the value that was ignored.
    form = context["form"]
    assert form.initial["semaines"] == weeks
    assert not form.is_bound


# The page.


def test_the_page_shows_the_figures_in_french(client, clock, team):
    monday = datetime(2025, 11, 3, 9, 0, tzinfo=PARIS)
    for hours in (1, 2, 3, 30):
        answered(clock, team, sent(clock, monday), monday + timedelta(hours=hours))
    sent(clock, NOW - timedelta(hours=2))
    client.force_login(team)

    response = client.get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Statistiques des demandes d’aide" in page
    assert french("Les 12 dernières semaines, depuis le lundi 25 août 2025") in page
    assert "<strong>5</strong> demandes reçues" in page
    median, p90 = (
        format_duration(timedelta(hours=2, minutes=30)),
        format_duration(timedelta(hours=21, minutes=54)),
    )
    assert f"<strong>{median}</strong> délai médian de première réponse" in page
    assert f"<strong>{p90}</strong> " + french("90e centile : 9 demandes sur 10") in page
    assert french("<strong>75 %</strong> ont reçu une réponse sous 24 heures") in page
    assert "En ce moment, 1 demande est dans ce cas." in page
    assert "Département non renseigné" in page
    assert "3\u00a0nov. 2025" in page
    assert '10\u00a0nov. 2025 <span class="muted">(en cours)</span>' in page
    assert 'href="/aide/equipe/"' in page


def test_the_chart_is_an_accessible_svg_without_inline_style_or_script(client, clock, team):
    sent(clock, NOW - timedelta(hours=30))
    client.force_login(team)

    page = client.get(URL, {"semaines": "4"}).content.decode()

    svg = re.search(r'<svg class="chart".*?</svg>', page, re.S).group(0)
    assert 'role="img"' in svg
    assert 'aria-labelledby="chart-title chart-desc"' in svg
    assert '<title id="chart-title">' in svg and '<desc id="chart-desc">' in svg
    assert "style=" not in page and "<script" not in without_site_scripts(page)
    # Numbers in SVG attributes stay numbers, whatever the French decimal comma.
    drawing = svg[svg.index(">") + 1 :]
    coordinates = re.findall(r' (?:x|y|width|height)="([^"]*)"', drawing)
    assert coordinates and all(re.fullmatch(r"-?\d+(\.\d+)?", value) for value in coordinates)
    assert '<rect x="' in svg and 'fill="#6b6b6b"' in svg
    assert ">10\u00a0nov.</text>" in svg


def test_an_empty_period_says_so_instead_of_an_empty_chart(client, clock, team):
    client.force_login(team)

    page = client.get(URL).content.decode()

    assert "Aucune demande d’aide n’a été reçue sur cette période." in page
    assert '<svg class="chart"' not in page
    assert "<strong>—</strong>" in page


def test_the_filter_form_keeps_the_chosen_department(client, clock, team):
    sent(clock, NOW - timedelta(hours=30), department=department("69"))
    sent(clock, NOW - timedelta(hours=30), department=department("59"))
    client.force_login(team)

    page = client.get(URL, {"semaines": "26", "departement": "69"}).content.decode()

    assert '<option value="69" selected>' in page
    assert '<option value="26" selected>' in page
    assert "<strong>1</strong> demande reçue" in page
    # The department's own figures: no table of departments.
    assert "Par département" not in page


@pytest.mark.parametrize("role", ["referent", "member", "registered"])
def test_only_the_national_animation_sees_the_statistics(client, clock, role):
    council = council_create()
    person = {
        "referent": lambda: referent_of("59"),
        "member": lambda: member_of(council),
        "registered": UserFactory,
    }[role]()
    client.force_login(person)

    assert client.get(URL).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, clock):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_animator_sees_the_page(client, clock, team):
    client.force_login(team)

    assert client.get(URL).status_code == 200


# The session (read from the database), the user, their animator group, the
# header's site roles and notifications' bell, the requests, the calls, the
# departments of the filter form: whatever the number of requests.
QUERY_BOUND = 8


@pytest.mark.parametrize("count", [1, 40])
def test_the_page_queries_do_not_grow_with_the_requests(
    client, clock, team, django_assert_max_num_queries, count
):
    departments = [department("59"), department("69"), None]
    for number in range(count):
        help_request = sent(
            clock, NOW - timedelta(days=number * 2, hours=1), department=departments[number % 3]
        )
        if number % 2:
            answered(clock, team, help_request, NOW - timedelta(days=number * 2))
    client.force_login(team)

    with django_assert_max_num_queries(QUERY_BOUND):
        response = client.get(URL, {"semaines": "26"})

    assert response.status_code == 200
