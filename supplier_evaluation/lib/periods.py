"""Evaluation periods: calendar months or quarters, as (first day, last day) dates."""

import datetime

PERIOD_MONTHS = {"month": 1, "quarter": 3}


def period_of(day, period_type="month"):
    """The period containing ``day``: (first day, last day)."""
    months = PERIOD_MONTHS[period_type]
    first_month = (day.month - 1) // months * months + 1
    start = datetime.date(day.year, first_month, 1)
    return start, _add_months(start, months) - datetime.timedelta(days=1)


def previous_period(day, period_type="month"):
    """The period before the one containing ``day``."""
    start, _end = period_of(day, period_type)
    return period_of(start - datetime.timedelta(days=1), period_type)


def periods_between(date_from, date_to, period_type="month"):
    """Every period that overlaps [date_from, date_to], oldest first."""
    if date_to < date_from:
        raise ValueError("date_to is before date_from")
    periods = []
    start, end = period_of(date_from, period_type)
    while start <= date_to:
        periods.append((start, end))
        start, end = period_of(end + datetime.timedelta(days=1), period_type)
    return periods


def _add_months(day, months):
    month_index = day.month - 1 + months
    return datetime.date(day.year + month_index // 12, month_index % 12 + 1, 1)
