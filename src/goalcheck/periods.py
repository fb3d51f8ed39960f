"""Dates and periods: the Danish and English phrases plans and status reports use.

Status reports rarely write ISO dates.  They write "ultimo 2007", "3. kvartal 2009",
"inden udgangen af 2009" or "26.11.09".  :func:`parse_period` reads such a phrase as the
inclusive span of days a Danish reader means (the conventions are in
``docs/reference/periods.md``); :func:`to_date` picks a day from it (a deadline takes the
period's end, a start its start).  The calendar arithmetic the facts need (years between two
dates, elapsed share, whole months) is here too, calendar-exact and built on
:mod:`dateutil.relativedelta` so that month ends and leap days are never computed by hand.

The grammar is a fixed set of regular expressions compiled once at import, not
``dateutil.parser``: that parser fills missing parts with today's date and guesses the order
of day and month, and a plan must never change its meaning with the day it is read.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable
from typing import Final, Literal

import attrs
from dateutil.relativedelta import relativedelta

from goalcheck.errors import PeriodError

__all__ = [
    "ACCEPTED_FORMS",
    "MAX_DATE",
    "MIN_DATE",
    "Period",
    "check_supported",
    "elapsed_share",
    "half_year_period",
    "month_period",
    "parse_period",
    "quarter_period",
    "to_date",
    "whole_months",
    "year_period",
    "years_between",
]

_ONE_DAY: Final = dt.timedelta(days=1)

#: The dates a plan may use: years 1000 to 8999.  Python's calendar ends at 0001-01-01 and
#: 9999-12-31; a thousand years to spare at each end keeps every computation on a supported
#: date (the day before a start, the next anniversary, a chart's margins) inside it, and a
#: placeholder such as 9999-12-31 ("no deadline") or a typo such as 0209 is refused where
#: it is written.  See docs/reference/periods.md.
MIN_DATE: Final = dt.date(1000, 1, 1)
MAX_DATE: Final = dt.date(8999, 12, 31)
#: 400 Gregorian years have exactly this many days: the calendar repeats after them.
_CYCLE_YEARS: Final = 400
_MONTH_END: Final = relativedelta(day=31)  # relativedelta clips day=31 to the month's last day


def _check_end(instance: Period, attribute: object, value: dt.date) -> None:
    if value < instance.start:
        raise PeriodError(f"a period cannot end ({value}) before it starts ({instance.start})")


@attrs.frozen(order=True)
class Period:
    """An inclusive span of days, ``start <= end`` (a single day has ``start == end``).

    ``str(period)`` is the ISO 8601 interval ``2009-07-01/2009-09-30`` (or just the day),
    which :func:`parse_period` reads back.
    """

    start: dt.date = attrs.field(validator=attrs.validators.instance_of(dt.date))
    end: dt.date = attrs.field(validator=[attrs.validators.instance_of(dt.date), _check_end])

    @classmethod
    def day(cls, day: dt.date) -> Period:
        """The period of one day."""
        return cls(day, day)

    @property
    def days(self) -> int:
        """The number of days, both ends included."""
        return (self.end - self.start).days + 1

    @property
    def is_day(self) -> bool:
        """Whether the period is a single day (a deadline phrase reads as one)."""
        return self.start == self.end

    def contains(self, day: dt.date) -> bool:
        """Whether *day* lies within the period, both ends included."""
        return self.start <= day <= self.end

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.contains(day)

    def overlaps(self, other: Period) -> bool:
        """Whether the two periods share at least one day."""
        return self.start <= other.end and other.start <= self.end

    def elapsed_share(self, at: dt.date, *, clamp: bool = False) -> float:
        """The share of the period elapsed at the end of day *at* (see :func:`elapsed_share`)."""
        return elapsed_share(self.start, self.end, at, clamp=clamp)

    def isoformat(self) -> str:
        """``START/END`` as ISO dates, or the single day."""
        if self.start == self.end:
            return self.start.isoformat()
        return f"{self.start.isoformat()}/{self.end.isoformat()}"

    def __str__(self) -> str:
        return self.isoformat()


# ---------------------------------------------------------------------------------------------
# Calendar arithmetic


def year_period(year: int) -> Period:
    """1 January to 31 December of *year*."""
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31))


def month_period(year: int, month: int) -> Period:
    """The whole month."""
    first = dt.date(year, month, 1)
    return Period(first, first + _MONTH_END)


def quarter_period(year: int, quarter: int) -> Period:
    """Quarter 1–4 of *year* (Q3 = 1 July to 30 September)."""
    if not 1 <= quarter <= 4:
        raise PeriodError(f"a year has quarters 1 to 4, not {quarter}")
    first = dt.date(year, 3 * quarter - 2, 1)
    return Period(first, first + relativedelta(months=2, day=31))


def half_year_period(year: int, half: int) -> Period:
    """Half 1 (January–June) or 2 (July–December) of *year*."""
    if half not in (1, 2):
        raise PeriodError(f"a year has halves 1 and 2, not {half}")
    first = dt.date(year, 6 * half - 5, 1)
    return Period(first, first + relativedelta(months=5, day=31))


def _shift_years(day: dt.date, years: int) -> dt.date:
    """*day* moved by whole years; 29 February falls back to 28 February (as relativedelta)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day + relativedelta(years=years)


@functools.lru_cache(maxsize=8192)
def years_between(a: dt.date, b: dt.date) -> float:
    """Calendar-exact years from *a* to *b*; negative when *b* is before *a*.

    Whole anniversaries first (as ``relativedelta(years=n)`` counts them, so 29 February's
    anniversary in a common year is 28 February), then the remaining days as a share of the
    length of the following anniversary year.  1 January 2015 to 1 January 2023 is exactly
    8.0; 1 January 2024 to 1 July 2024 is 182/366.
    """
    if b < a:
        return -years_between(b, a)
    whole = b.year - a.year
    anchor = _shift_years(a, whole)
    if anchor > b:
        whole -= 1
        anchor = _shift_years(a, whole)
    if anchor.year < dt.MAXYEAR:
        length = (_shift_years(a, whole + 1) - anchor).days
    else:  # the next anniversary is past the calendar: measure the same year 400 years back
        back = _shift_years(a, whole - _CYCLE_YEARS)
        length = (_shift_years(a, whole + 1 - _CYCLE_YEARS) - back).days
    return whole + (b - anchor).days / length


def whole_months(a: dt.date, b: dt.date) -> int:
    """The whole months from *a* to *b*: the largest n with ``a + n months <= b``.

    Month ends clip as in relativedelta (31 January + 1 month = 28 February), so
    31 January 2009 to 28 February 2009 is one whole month.  Negative when *b* is before *a*
    (``whole_months(b, a) == -whole_months(a, b)``).
    """
    if b < a:
        return -whole_months(b, a)
    n = (b.year - a.year) * 12 + b.month - a.month
    if n > 0 and (b.day < a.day if a.day <= 28 else a + relativedelta(months=n) > b):
        n -= 1  # (a day <= 28 exists in every month, so only later days need relativedelta)
    return n


def elapsed_share(start: dt.date, end: dt.date, at: dt.date, *, clamp: bool = False) -> float:
    """The share of the inclusive period *start*..*end* elapsed at the end of day *at*.

    Days are whole and inclusive, as in the facts (``elapsed``): the clock starts at the end
    of the day before *start* (share 0) and reaches 1 at the end of *end*.  So on *start*
    itself one day of ``(end - start).days + 1`` has elapsed, and a one-day period is 0
    before its day and 1 on it.  Unclamped by default (negative before the period, above 1
    after it, which the facts use to see how overdue a target is); ``clamp=True`` bounds the
    result to [0, 1].
    """
    origin = start.toordinal() - 1
    share = (at.toordinal() - origin) / (end.toordinal() - origin)
    if clamp:
        return 0.0 if share < 0.0 else 1.0 if share > 1.0 else share
    return share


# ---------------------------------------------------------------------------------------------
# The phrase grammar

#: The forms named in every error message (one example each; the reference lists them all).
ACCEPTED_FORMS: Final = (
    "2009-09-30, 26.11.09, 2009-09, maj 2012, 1. marts 2007, March 1 2007, 2009, 2013-16, "
    "3. kvartal 2009, Q3 2009, 1. halvår 2013, H1 2013, primo/medio/ultimo 2013, "
    "sommeren 2009, inden udgangen af 2009, senest 1. marts 2007, i løbet af 2007, "
    "by end of 2009 (all forms: docs/reference/periods.md)"
)

_MONTHS: Final[dict[str, int]] = {}
for _number, _names in enumerate(
    (
        "januar january jan",
        "februar february feb",
        "marts march mar mrt",
        "april apr",
        "maj may",
        "juni june jun",
        "juli july jul",
        "august aug",
        "september sept sep",
        "oktober october okt oct",
        "november nov",
        "december dec",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number
_MONTH = "(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?(?: måned)?"

_ORDINALS: Final = {
    "første": 1,
    "first": 1,
    "anden": 2,
    "andet": 2,
    "second": 2,
    "tredje": 3,
    "third": 3,
    "fjerde": 4,
    "fourth": 4,
}
_ORD = r"(?:(?P<n>[1-4])(?:\.|st|nd|rd|th)?|(?P<word>" + "|".join(_ORDINALS) + "))"
_YEAR = r"(?P<year>[0-9]{4})"
_OF = r"(?:,? (?:af|i|of) |,? )"  # "1. halvår af 2013", "Q3 of 2009", "May, 2012"
_OF_OR_DASH = rf"(?:{_OF}|[-/])"  # "Q3 2009", "Q3-2009", "H1/2013"
_DAY = r"(?P<day>[0-9]{1,2})(?:\.|st|nd|rd|th)?"

_SEASONS: Final = {
    "forår": 3,
    "foråret": 3,
    "spring": 3,
    "sommer": 6,
    "sommeren": 6,
    "summer": 6,
    "efterår": 9,
    "efteråret": 9,
    "autumn": 9,
    "fall": 9,
}
_WINTER = r"(?:vinter|vinteren|winter)"

_ISO_DAY = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[t ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?z?)?"
)
_ISO_MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")
_YEAR_ONLY = re.compile(_YEAR)
_YEAR_RANGE = re.compile(r"(?P<a>[0-9]{4}) ?(?P<sep>[-–/]) ?(?P<b>[0-9]{4}|[0-9]{2})")
_NUMERIC_DAY = re.compile(
    r"(?P<d>[0-9]{1,2})(?P<sep>[./-])(?P<m>[0-9]{1,2})(?P=sep)(?P<y>[0-9]{2}|[0-9]{4})"
)
_NUMERIC_MONTH = re.compile(r"(?P<m>[0-9]{1,2})[./-](?P<y>[0-9]{4})")
_QUARTER = re.compile(rf"(?:the )?{_ORD} ?(?:kvartal|kvt\.?|kv\.?|quarter|qtr\.?){_OF}{_YEAR}")
_QUARTER_Q = re.compile(
    rf"q(?P<q>[1-4]){_OF_OR_DASH}(?P<year>[0-9]{{4}})|(?P<year2>[0-9]{{4}}) ?[-/]? ?q(?P<q2>[1-4])"
)
_HALF = re.compile(rf"(?:the )?{_ORD} ?(?:halvår|halvdel|half[- ]year|half){_OF}{_YEAR}")
_HALF_H = re.compile(
    rf"h(?P<h>[12]){_OF_OR_DASH}(?P<year>[0-9]{{4}})|(?P<year2>[0-9]{{4}}) ?[-/]? ?h(?P<h2>[12])"
)
_DAY_MONTH_YEAR = re.compile(rf"{_DAY}(?: ?(?:of )?|-){_MONTH}(?:,? |-){_YEAR}")
_MONTH_DAY_YEAR = re.compile(rf"{_MONTH} {_DAY},? {_YEAR}")
_MONTH_YEAR = re.compile(rf"{_MONTH}(?:,? |-){_YEAR}")
_SEASON = re.compile(
    "(?P<season>" + "|".join(sorted(_SEASONS, key=len, reverse=True)) + rf"){_OF}{_YEAR}"
)
_WINTER_RANGE = re.compile(rf"{_WINTER}{_OF}{_YEAR} ?[-–/] ?(?P<b>[0-9]{{4}}|[0-9]{{2}})")
_WINTER_YEAR = re.compile(rf"{_WINTER}{_OF}{_YEAR}")
_WEEK = re.compile(
    rf"(?:uge|week|wk\.?) ?(?P<week>[0-9]{{1,2}}){_OF}(?P<year>[0-9]{{4}})"
    r"|(?P<year2>[0-9]{4})-?w(?P<week2>[0-9]{2})"
)

# Modifiers: a phrase in front of a period that picks a day or a part of it.
_END, _START, _WITHIN, _BEFORE, _AFTER, _PRIMO, _MEDIO, _ULTIMO, _EARLY, _LATE = range(10)
_MODIFIER_WORDS: Final = {
    _END: (
        "inden udgangen af",
        "senest ved udgangen af",
        "senest med udgangen af",
        "ved udgangen af",
        "med udgangen af",
        "udgangen af",
        "i slutningen af",
        "ved slutningen af",
        "slutningen af",
        "senest",
        "til og med",
        "frem til",
        "frem mod",
        "indtil",
        "til",
        "by the end of",
        "by end of",
        "at the end of",
        "the end of",
        "end of",
        "no later than",
        "not later than",
        "at the latest by",
        "by",
        "until",
        "till",
        "through",
        "up to",
        "due by",
        "due",
    ),
    _START: (
        "fra og med",
        "fra",
        "from",
        "starting from",
        "starting in",
        "starting",
        "i begyndelsen af",
        "begyndelsen af",
        "at the beginning of",
        "the beginning of",
        "beginning of",
        "at the start of",
        "the start of",
        "start of",
        "pr.",
        "pr",
        "per",
        "as of",
        "as from",
        "as at",
        "since",
        "siden",
    ),
    _WITHIN: (
        "i løbet af",
        "inden for",
        "indenfor",
        "i perioden fra",
        "i perioden",
        "perioden fra",
        "perioden",
        "in the period from",
        "in the period",
        "over the period",
        "the period",
        "in the course of",
        "during",
        "within",
        "throughout",
        "in",
        "i",
        "on",
        "the",
        "den",
        "d.",
        "året",
        "år",
        "the year",
        "year",
    ),
    _BEFORE: ("inden", "før", "forud for", "before", "prior to", "ahead of"),
    _AFTER: ("efter", "after"),
    _PRIMO: ("primo",),
    _MEDIO: (
        "medio",
        "i midten af",
        "midten af",
        "in the middle of",
        "the middle of",
        "middle of",
        "mid",
    ),
    _ULTIMO: ("ultimo",),
    _EARLY: ("early", "in early"),
    _LATE: ("late", "in late"),
}
_MODIFIER_OF: Final = {word: kind for kind, words in _MODIFIER_WORDS.items() for word in words}
_MODIFIER = re.compile(
    "(?P<mod>"
    + "|".join(re.escape(w) for w in sorted(_MODIFIER_OF, key=len, reverse=True))
    + r")(?: |-(?=[0-9]))(?P<rest>.+)"
)
_RANGE_PREFIX = re.compile(
    r"(?:fra og med|fra|from|between|mellem|in the period from) (?P<rest>.+)"
)
_RANGE_WORDS = re.compile(r" (?:til og med|til|to|through|until|and|og) ")
_RANGE_SEP = re.compile(r" ?– ?| -|- | ?\.\. ?| ?/ ?| (?:til og med|til|to|through|until) ")
_LETTER_DASH = re.compile(r"(?<=[^\W_])-(?=[^\W\d_])")
_TRAILING_YEAR = re.compile(r"[0-9]{4}$")
_YEARLESS = re.compile(
    "(?:"
    + "|".join(sorted(_MONTHS, key=len, reverse=True))
    + r"|kvartal|kvt|quarter|halvår|half|\bq[1-4]\b|\bh[12]\b|primo|medio|ultimo|udgangen"
    + r"|sommer|forår|efterår|vinter|summer|spring|autumn|winter|året|year)"
)
_DASHES = str.maketrans({"‐": "-", "‑": "-", "‒": "–", "—": "–", "―": "–", "−": "–"})
_STRIP = " \t.,;:!?*_\"'()[]{}«»“”‘’"
_MAX_LENGTH = 120
_MAX_DEPTH = 6

# Kinds of what a phrase names, for the modifiers that depend on it.
_K_DAY, _K_MONTH, _K_YEAR, _K_OTHER = range(4)
_Span = tuple[dt.date, dt.date, int]


class _Fail(Exception):
    """A phrase matched a form but names no valid date; the reason goes into the message."""


def _day(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise _Fail(f"there is no day {day:02d}.{month:02d}.{year}") from None


def _ordinal(match: re.Match[str], group: str = "n") -> int:
    if match.group(group):
        return int(match.group(group))
    return _ORDINALS[match.group("word")]


def _two_digit_end(start: int, text: str) -> int:
    """The end year of a range: "2013-16" ends 2016 (same century, or the next)."""
    if len(text) == 4:
        return int(text)
    end = start // 100 * 100 + int(text)
    return end + 100 if end < start else end


def _of(period: Period, kind: int) -> _Span:
    return period.start, period.end, kind


def _iso_day(m: re.Match[str]) -> _Span:
    day = _day(int(m[1]), int(m[2]), int(m[3]))
    return day, day, _K_DAY


def _iso_month(m: re.Match[str]) -> _Span:
    return _of(month_period(int(m[1]), int(m[2])), _K_MONTH)


def _year_only(m: re.Match[str]) -> _Span:
    return _of(year_period(int(m["year"])), _K_YEAR)


def _year_range(m: re.Match[str]) -> _Span:
    y0, y1 = int(m["a"]), _two_digit_end(int(m["a"]), m["b"])
    if y1 < y0:
        raise _Fail(f"the range of years ends ({y1}) before it starts ({y0})")
    if len(m["b"]) == 2 and not 0 < y1 - y0 <= 50:
        raise _Fail(f"write the years of the range in full, e.g. '{y0}-{y0 + 3}'")
    return dt.date(y0, 1, 1), dt.date(y1, 12, 31), _K_OTHER


def _numeric_day(m: re.Match[str]) -> _Span:
    y = m["y"]
    day = _day(2000 + int(y) if len(y) == 2 else int(y), int(m["m"]), int(m["d"]))
    return day, day, _K_DAY


def _numeric_month(m: re.Match[str]) -> _Span:
    month = int(m["m"])
    if not 1 <= month <= 12:
        raise _Fail(f"there is no month {month}")
    return _of(month_period(int(m["y"]), month), _K_MONTH)


def _quarter(m: re.Match[str]) -> _Span:
    return _of(quarter_period(int(m["year"]), _ordinal(m)), _K_OTHER)


def _quarter_q(m: re.Match[str]) -> _Span:
    return _of(quarter_period(int(m["year"] or m["year2"]), int(m["q"] or m["q2"])), _K_OTHER)


def _half(m: re.Match[str]) -> _Span:
    half = _ordinal(m)
    if half > 2:
        raise _Fail(f"a year has two halves, not {half}")
    return _of(half_year_period(int(m["year"]), half), _K_OTHER)


def _half_h(m: re.Match[str]) -> _Span:
    return _of(half_year_period(int(m["year"] or m["year2"]), int(m["h"] or m["h2"])), _K_OTHER)


def _day_month_year(m: re.Match[str]) -> _Span:
    day = _day(int(m["year"]), _MONTHS[m["month"]], int(m["day"]))
    return day, day, _K_DAY


def _month_year(m: re.Match[str]) -> _Span:
    return _of(month_period(int(m["year"]), _MONTHS[m["month"]]), _K_MONTH)


def _season(m: re.Match[str]) -> _Span:
    first = dt.date(int(m["year"]), _SEASONS[m["season"]], 1)
    return first, first + relativedelta(months=2, day=31), _K_OTHER


def _winter_range(m: re.Match[str]) -> _Span:
    year = int(m["year"])
    if _two_digit_end(year, m["b"]) != year + 1:
        raise _Fail("a winter spans two consecutive years, e.g. 'vinteren 2009/10'")
    first = dt.date(year, 12, 1)
    return first, first + relativedelta(months=2, day=31), _K_OTHER


def _winter_year(m: re.Match[str]) -> _Span:
    raise _Fail("a winter spans two years: write 'vinteren 2009/10' (December to February)")


def _week(m: re.Match[str]) -> _Span:
    week = int(m["week"] or m["week2"])
    year = int(m["year"] or m["year2"])
    try:
        monday = dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        raise _Fail(f"there is no ISO week {week} in {year}") from None
    return monday, monday + dt.timedelta(days=6), _K_OTHER


#: The forms of a phrase without modifiers or ranges, tried in this order.
_FORMS: Final[tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], _Span]], ...]] = (
    (_ISO_DAY, _iso_day),
    (_ISO_MONTH, _iso_month),
    (_YEAR_ONLY, _year_only),
    (_YEAR_RANGE, _year_range),
    (_NUMERIC_DAY, _numeric_day),
    (_NUMERIC_MONTH, _numeric_month),
    (_QUARTER, _quarter),
    (_QUARTER_Q, _quarter_q),
    (_HALF, _half),
    (_HALF_H, _half_h),
    (_DAY_MONTH_YEAR, _day_month_year),
    (_MONTH_DAY_YEAR, _day_month_year),
    (_MONTH_YEAR, _month_year),
    (_SEASON, _season),
    (_WINTER_RANGE, _winter_range),
    (_WINTER_YEAR, _winter_year),
    (_WEEK, _week),
)


def _core(s: str) -> _Span | None:
    """A phrase without modifiers or ranges, or None if no form matches."""
    for pattern, read in _FORMS:
        if m := pattern.fullmatch(s):
            return read(m)
    return None


def _modify_month(kind: int, span: _Span) -> _Span:
    """primo/medio/ultimo and early/mid/late of a month: its thirds."""
    start, end, _ = span
    if kind in (_PRIMO, _EARLY):
        return start, start.replace(day=10), _K_OTHER
    if kind == _MEDIO:
        return start.replace(day=11), start.replace(day=20), _K_OTHER
    return start.replace(day=21), end, _K_OTHER


def _modify_year(kind: int, span: _Span) -> _Span:
    """primo/ultimo of a year: the opening and closing balance; medio: 1 July; early, late."""
    start, end, _ = span
    if kind == _PRIMO:
        return start, start, _K_DAY
    if kind == _ULTIMO:
        return end, end, _K_DAY
    if kind == _MEDIO:
        day = start.replace(month=7)
        return day, day, _K_DAY
    if kind == _EARLY:
        return start, start.replace(month=4, day=30), _K_OTHER
    return start.replace(month=9), end, _K_OTHER  # late: September to December


def _modify(kind: int, word: str, span: _Span) -> _Span:
    """Apply modifier *kind* (spelled *word*) to *span*."""
    start, end, what = span
    if kind == _WITHIN:
        return span
    if kind == _END:
        return end, end, _K_DAY
    if kind == _START:
        return start, start, _K_DAY
    if kind == _BEFORE:  # on or before a day (glossary); before the start of a longer period
        day = end if what == _K_DAY else start - _ONE_DAY
        return day, day, _K_DAY
    if kind == _AFTER:
        day = end + _ONE_DAY
        return day, day, _K_DAY
    if what == _K_MONTH:
        return _modify_month(kind, span)
    if what == _K_YEAR:
        return _modify_year(kind, span)
    if what == _K_OTHER and kind == _PRIMO:
        return start, start, _K_DAY
    if what == _K_OTHER and kind == _ULTIMO:
        return end, end, _K_DAY
    raise _Fail(f"'{word}' applies to a month or a year")


def _split(s: str, depth: int) -> _Span | None:
    """A range "X – Y" (either side may borrow the other's year: "januar–marts 2013")."""
    cuts = [(m.start(), m.end()) for m in _RANGE_SEP.finditer(s)]
    cuts += [(m.start(), m.end()) for m in _LETTER_DASH.finditer(s)]
    failure: _Fail | None = None
    for i, j in cuts:
        left, right = s[:i].strip(), s[j:].strip()
        if not left or not right:
            continue
        try:
            b = _parse(right, depth + 1, ranges=False)
            if b is None:
                continue
            a = _parse(left, depth + 1, ranges=False)
            if a is None and (year := _TRAILING_YEAR.search(right)):
                a = _parse(f"{left} {year[0]}", depth + 1, ranges=False)
        except _Fail as error:
            failure = failure or error
            continue
        if a is None:
            continue
        if b[1] < a[0]:
            failure = _Fail(f"the range ends ({b[1]}) before it starts ({a[0]})")
            continue
        return a[0], b[1], _K_OTHER
    if failure is not None:
        raise failure
    return None


def _parse(s: str, depth: int = 0, *, ranges: bool = True) -> _Span | None:
    if depth > _MAX_DEPTH:
        return None
    span = _core(s)
    if span is not None:
        return span
    if ranges and (m := _RANGE_PREFIX.fullmatch(s)):
        rest = m["rest"]
        for cut in _RANGE_WORDS.finditer(rest):
            try:
                a = _parse(rest[: cut.start()], depth + 1, ranges=False)
                b = _parse(rest[cut.end() :], depth + 1, ranges=False)
                if a is None and b is not None and (y := _TRAILING_YEAR.search(rest)):
                    a = _parse(f"{rest[: cut.start()]} {y[0]}", depth + 1, ranges=False)
            except _Fail:
                continue
            if a is not None and b is not None:
                if b[1] < a[0]:
                    raise _Fail(f"the range ends ({b[1]}) before it starts ({a[0]})")
                return a[0], b[1], _K_OTHER
    if m := _MODIFIER.fullmatch(s):
        inner = _parse(m["rest"], depth + 1, ranges=ranges)
        if inner is not None:
            word = m["mod"]
            return _modify(_MODIFIER_OF[word], word, inner)
    if ranges:
        return _split(s, depth)
    return None


def _normalize(text: str) -> str:
    """Lower case, NFC (a decomposed "å" from a Mac is one letter), one kind of space."""
    text = unicodedata.normalize("NFC", text).lower().translate(_DASHES)
    return " ".join(text.split()).strip(_STRIP)


def _quote(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _error(text: str, reason: str | None) -> PeriodError:
    because = f": {reason}" if reason else ""
    return PeriodError(
        f"cannot read {_quote(text)} as a date or period{because}. "
        f"Accepted forms include {ACCEPTED_FORMS}"
    )


@functools.lru_cache(maxsize=4096)
def _parse_text(text: str) -> Period:
    s = _normalize(text)
    reason: str | None = None
    span: _Span | None = None
    if not s:
        reason = "it is empty"
    elif len(s) > _MAX_LENGTH:
        reason = f"it is longer than {_MAX_LENGTH} characters"
    else:
        try:
            span = _parse(s)
        except _Fail as failure:
            reason = str(failure)
        except (ValueError, OverflowError):  # a year at the edge of the calendar
            reason = "it lies outside the calendar goalcheck handles (years 1 to 9999)"
        if (
            span is None
            and reason is None
            and not _TRAILING_YEAR.search(s)
            and _YEARLESS.search(s)
        ):
            reason = "it names no year (write e.g. '4. kvartal 2009', 'ultimo 2013')"
    if span is None:
        raise _error(text, reason)
    return Period(span[0], span[1])


def parse_period(text: str) -> Period:
    """Read a date or period phrase as the inclusive span of days it names.

    Danish and English, case and spacing ignored: "2009-09-30", "26.11.09", "2013-16",
    "3. kvartal 2009", "Q3 2009", "1. halvår 2013", "maj 2012", "primo 2013",
    "ultimo oktober 2012", "sommeren 2009", "i perioden 2007-2010".  A deadline phrase
    ("inden udgangen af 2009", "senest 1. marts 2007", "by end of 2009", "frem mod 2010")
    reads as the single day of the deadline; a start phrase ("fra januar 2013") as the first
    day.  Raises :class:`~goalcheck.errors.PeriodError` (quoting the text and listing the
    accepted forms) for anything else.  Results are cached, so re-reading is cheap.
    """
    if not isinstance(text, str):
        raise PeriodError(f"expected a date or a period phrase, not {text!r}")
    return _parse_text(text)


def check_supported(day: dt.date) -> dt.date:
    """*day*, if it lies within :data:`MIN_DATE`..:data:`MAX_DATE`; else a PeriodError."""
    if MIN_DATE <= day <= MAX_DATE:
        return day
    hint = (
        "; leave the date out instead of writing a placeholder"
        if day.year >= 9000
        else "; is a digit missing or mistyped?"
        if day.year < 1000
        else ""
    )
    raise PeriodError(
        f"{day.isoformat()} lies outside the dates goalcheck supports "
        f"({MIN_DATE.isoformat()} to {MAX_DATE.isoformat()}){hint}"
    )


def to_date(
    value: dt.date | Period | str | int, *, side: Literal["start", "end"] = "end"
) -> dt.date:
    """A date, or the start or end of the period a phrase (or a bare year number) names.

    A deadline takes the period's end (``side="end"``), a start its start: ``to_date("3.
    kvartal 2009", side="end")`` is 30 September 2009.  A ``datetime`` gives its date.
    Raises :class:`~goalcheck.errors.PeriodError` for a date outside the supported range
    (:data:`MIN_DATE` to :data:`MAX_DATE`), so plans, measurements and evaluation dates are
    checked where they are read.
    """
    if isinstance(value, dt.datetime):
        return check_supported(value.date())
    if isinstance(value, dt.date):
        return check_supported(value)
    if side not in ("start", "end"):
        raise ValueError(f"side must be 'start' or 'end', not {side!r}")
    if isinstance(value, Period):
        period = value
    elif isinstance(value, str):
        period = parse_period(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        period = parse_period(str(value))
    else:
        raise PeriodError(f"expected a date or a period phrase, not {value!r}")
    return check_supported(period.start if side == "start" else period.end)
