"""The city's working days: the calendar every deadline is counted in.

A working day is Monday to Friday, except Indonesia's national holidays and cuti
bersama (the ``holidays`` package: ``Indonesia(categories=("public", "government"))``,
names in Indonesian) and the days the city adds in the admin (``CityHoliday``).

A deadline of *n* working days from a moment is the end of the *n*-th working day
after that moment's local date (the day itself never counts, however early): an order
sent on Friday 13 February 2026 must be answered by Friday 20 February, because
16 February (cuti bersama) and 17 February (Imlek) are not working days.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from django.utils import timezone

# No deadline in this app is longer than a few months; a bound keeps a bad setting from looping.
MAX_SPAN_DAYS = 3660


@lru_cache(maxsize=64)
def national_holidays(year: int) -> dict[date, str]:
    """National holidays and cuti bersama of ``year``, in Indonesian (cached: it never changes)."""
    return dict(holidays.Indonesia(years=year, categories=("public", "government"), language="id"))


def local_date(moment: datetime | date) -> date:
    if isinstance(moment, datetime):
        return timezone.localdate(moment)
    return moment


class Calendar:
    """Working days with the city's own days off (load once per request or task run)."""

    def __init__(self, city_days: dict[date, str] | None = None):
        self.city_days = dict(city_days or {})

    def holiday_name(self, day: date) -> str:
        """Why ``day`` is off ("" on a working day or a plain weekend)."""
        return self.city_days.get(day) or national_holidays(day.year).get(day, "")

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and not self.holiday_name(day)

    def add_working_days(self, start: datetime | date, n: int) -> date:
        """The *n*-th working day after ``start``'s local date (``n`` = 0: that date itself)."""
        day = local_date(start)
        count = 0
        for _step in range(MAX_SPAN_DAYS):
            if count >= n:
                return day
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        raise ValueError("deadline too far")

    def subtract_working_days(self, end: date, n: int) -> date:
        """The *n*-th working day before ``end``."""
        day, count = end, 0
        for _step in range(MAX_SPAN_DAYS):
            if count >= n:
                return day
            day -= timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        raise ValueError("deadline too far")

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative when ``end`` is earlier)."""
        if end == start:
            return 0
        sign = 1 if end > start else -1
        low, high = (start, end) if sign > 0 else (end, start)
        count = 0
        day = low
        while day < high:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return sign * count


def calendar() -> Calendar:
    """The calendar with the city's days off, read now (one query)."""
    from .models import CityHoliday

    return Calendar(dict(CityHoliday.objects.values_list("date", "name")))
