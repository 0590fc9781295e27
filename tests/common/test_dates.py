"""Short dates as French writes them: « 6 déc. », no leading zero, the
month abbreviated with its period (« janv. », « févr. »), in Paris time."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from common.dates import short_date


@pytest.mark.parametrize(
    ("day", "shown"),
    [
        (date(2026, 12, 6), "6\xa0déc."),
        (date(2026, 1, 1), "1\xa0janv."),
        (date(2026, 2, 14), "14\xa0févr."),
        (date(2026, 3, 9), "9\xa0mars"),
        (date(2026, 6, 9), "9\xa0juin"),
        (date(2026, 7, 9), "9\xa0juil."),
        (date(2026, 9, 30), "30\xa0sept."),
    ],
)
def test_short_dates_in_french(day, shown):
    with translation.override("fr"):
        assert short_date(day) == shown


def test_a_short_date_with_its_year_and_a_datetime_read_in_paris_time():
    late_evening = datetime(2026, 12, 5, 23, 30, tzinfo=UTC)  # 0:30 on the 6th in Paris
    with translation.override("fr"):
        assert short_date(late_evening) == "6\xa0déc."
        assert short_date(date(2026, 12, 6), with_year=True) == "6\xa0déc. 2026"


def test_the_template_filter():
    template = Template('{% load short_dates %}{{ day|short_date }} / {{ day|short_date:"year" }}')
    with translation.override("fr"):
        rendered = template.render(Context({"day": date(2026, 12, 6)}))
    assert rendered == "6\xa0déc. / 6\xa0déc. 2026"
