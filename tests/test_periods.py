"""Tests for goalcheck.periods: phrases from the source documents, errors, arithmetic."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

import goalcheck
from goalcheck.errors import GoalcheckError, InputError, PeriodError
from goalcheck.periods import (
    ACCEPTED_FORMS,
    Period,
    elapsed_share,
    half_year_period,
    month_period,
    parse_period,
    quarter_period,
    to_date,
    whole_months,
    year_period,
    years_between,
)

D = dt.date

# (phrase, expected start, expected end).  Danish phrases are quoted from the five source
# documents (/work/shared/seeds); the English ones are their equivalents.
PHRASES: list[tuple[str, str, str]] = [
    # ISO dates and months
    ("2009-09-30", "2009-09-30", "2009-09-30"),
    ("2009-09", "2009-09-01", "2009-09-30"),
    ("2012-02", "2012-02-01", "2012-02-29"),
    ("2011-12", "2011-12-01", "2011-12-31"),  # ISO month, not the years 2011-2012
    ("2009-09-30 00:00:00", "2009-09-30", "2009-09-30"),  # spreadsheet export
    ("2009-07-01/2009-09-30", "2009-07-01", "2009-09-30"),  # ISO interval (str(Period))
    # numeric day-month-year
    ("26.11.09", "2009-11-26", "2009-11-26"),
    ("24-04-2008", "2008-04-24", "2008-04-24"),
    ("1-10-2012", "2012-10-01", "2012-10-01"),
    ("31-1-2013", "2013-01-31", "2013-01-31"),
    ("05.09.2006", "2006-09-05", "2006-09-05"),
    ("07.05.12", "2012-05-07", "2012-05-07"),
    ("1/10/2012", "2012-10-01", "2012-10-01"),
    ("11.2009", "2009-11-01", "2009-11-30"),
    # years and ranges of years
    ("2009", "2009-01-01", "2009-12-31"),
    ("2013-16", "2013-01-01", "2016-12-31"),
    ("2013-2016", "2013-01-01", "2016-12-31"),
    ("2013–2016", "2013-01-01", "2016-12-31"),
    ("2013 – 2015", "2013-01-01", "2015-12-31"),
    ("2011–12", "2011-01-01", "2012-12-31"),
    ("2009/10", "2009-01-01", "2010-12-31"),
    ("2009-13", "2009-01-01", "2013-12-31"),  # 13 is no month: the years 2009-2013
    ("i perioden 2007-2010", "2007-01-01", "2010-12-31"),
    ("i perioden 2007 -2010", "2007-01-01", "2010-12-31"),
    ("i perioden fra 2013-16", "2013-01-01", "2016-12-31"),
    ("fra 2013 til og med 2016", "2013-01-01", "2016-12-31"),
    ("in the period 2007-2010", "2007-01-01", "2010-12-31"),
    ("from 2013 to 2016", "2013-01-01", "2016-12-31"),
    ("between 2009 and 2011", "2009-01-01", "2011-12-31"),
    ("året 2009", "2009-01-01", "2009-12-31"),
    # quarters
    ("3. kvartal 2009", "2009-07-01", "2009-09-30"),
    ("3. kvt. 2009", "2009-07-01", "2009-09-30"),
    ("1. kvartal 2007", "2007-01-01", "2007-03-31"),
    ("4. kvartal 2008", "2008-10-01", "2008-12-31"),
    ("tredje kvartal 2009", "2009-07-01", "2009-09-30"),
    ("Q3 2009", "2009-07-01", "2009-09-30"),
    ("q4-2009", "2009-10-01", "2009-12-31"),
    ("2009Q2", "2009-04-01", "2009-06-30"),
    ("third quarter 2009", "2009-07-01", "2009-09-30"),
    ("the 3rd quarter of 2009", "2009-07-01", "2009-09-30"),
    # half-years
    ("1. halvår 2013", "2013-01-01", "2013-06-30"),
    ("2. halvår 2013", "2013-07-01", "2013-12-31"),
    ("1. halvår af 2013", "2013-01-01", "2013-06-30"),
    ("første halvår 2010", "2010-01-01", "2010-06-30"),
    ("H1 2013", "2013-01-01", "2013-06-30"),
    ("H2/2013", "2013-07-01", "2013-12-31"),
    ("first half of 2013", "2013-01-01", "2013-06-30"),
    ("second half-year 2012", "2012-07-01", "2012-12-31"),
    ("2. halvår 2011 - 1. halvår 2012", "2011-07-01", "2012-06-30"),
    # month names, Danish and English, with and without a day
    ("1. marts 2007", "2007-03-01", "2007-03-01"),
    ("2. april 2009", "2009-04-02", "2009-04-02"),
    ("den 2. april 2009", "2009-04-02", "2009-04-02"),
    ("d. 20. juni 2006", "2006-06-20", "2006-06-20"),
    ("1. jan. 2007", "2007-01-01", "2007-01-01"),
    ("13. februar 2007", "2007-02-13", "2007-02-13"),
    ("maj 2012", "2012-05-01", "2012-05-31"),
    ("maj måned 2007", "2007-05-01", "2007-05-31"),
    ("februar 2008", "2008-02-01", "2008-02-29"),
    ("i januar 2013", "2013-01-01", "2013-01-31"),
    ("March 1, 2007", "2007-03-01", "2007-03-01"),
    ("1 March 2007", "2007-03-01", "2007-03-01"),
    ("1st of March 2007", "2007-03-01", "2007-03-01"),
    ("Sept 5, 2006", "2006-09-05", "2006-09-05"),
    ("May 2012", "2012-05-01", "2012-05-31"),
    ("13-okt-2012", "2012-10-13", "2012-10-13"),
    ("januar/februar 2013", "2013-01-01", "2013-02-28"),
    ("jan-mar 2013", "2013-01-01", "2013-03-31"),
    ("1. oktober 2012 – 31. januar 2013", "2012-10-01", "2013-01-31"),
    ("from March 2007 to June 2008", "2007-03-01", "2008-06-30"),
    # primo / medio / ultimo of a year (accounting) and of a month (thirds)
    ("primo 2013", "2013-01-01", "2013-01-01"),
    ("medio 2013", "2013-07-01", "2013-07-01"),
    ("ultimo 2007", "2007-12-31", "2007-12-31"),
    ("primo juli 2007", "2007-07-01", "2007-07-10"),
    ("medio juli 2007", "2007-07-11", "2007-07-20"),
    ("ultimo oktober 2012", "2012-10-21", "2012-10-31"),
    ("ultimo februar 2007", "2007-02-21", "2007-02-28"),
    ("ultimo 3. kvartal 2009", "2009-09-30", "2009-09-30"),
    ("mid 2010", "2010-07-01", "2010-07-01"),
    ("mid-2010", "2010-07-01", "2010-07-01"),
    ("midten af 2010", "2010-07-01", "2010-07-01"),
    ("early 2010", "2010-01-01", "2010-04-30"),
    ("late 2010", "2010-09-01", "2010-12-31"),
    ("early March 2007", "2007-03-01", "2007-03-10"),
    ("late February 2008", "2008-02-21", "2008-02-29"),
    # seasons and weeks
    ("sommeren 2009", "2009-06-01", "2009-08-31"),
    ("efteråret 2007", "2007-09-01", "2007-11-30"),
    ("foråret 2012", "2012-03-01", "2012-05-31"),
    ("summer 2009", "2009-06-01", "2009-08-31"),
    ("vinteren 2009/10", "2009-12-01", "2010-02-28"),
    ("uge 23 2009", "2009-06-01", "2009-06-07"),
    ("2009-W23", "2009-06-01", "2009-06-07"),
    # deadline phrases: the day of the deadline
    ("inden udgangen af 2009", "2009-12-31", "2009-12-31"),
    ("ved udgangen af 2009", "2009-12-31", "2009-12-31"),
    ("ved udgangen af 3. kvartal 2009", "2009-09-30", "2009-09-30"),
    ("senest ved udgangen af 2010", "2010-12-31", "2010-12-31"),
    ("senest ultimo 2009", "2009-12-31", "2009-12-31"),
    ("senest 1. marts 2007", "2007-03-01", "2007-03-01"),
    ("senest 1. juni 2007", "2007-06-01", "2007-06-01"),
    ("senest maj 2014", "2014-05-31", "2014-05-31"),
    ("senest i januar 2009", "2009-01-31", "2009-01-31"),
    ("inden 1. juli 2007", "2007-07-01", "2007-07-01"),
    ("inden 15. december 2012", "2012-12-15", "2012-12-15"),
    ("inden sommeren 2009", "2009-05-31", "2009-05-31"),
    ("inden januar 2012", "2011-12-31", "2011-12-31"),
    ("frem mod 2010", "2010-12-31", "2010-12-31"),
    ("frem til december 2013", "2013-12-31", "2013-12-31"),
    ("til og med 2016", "2016-12-31", "2016-12-31"),
    ("by end of 2009", "2009-12-31", "2009-12-31"),
    ("end of 2009", "2009-12-31", "2009-12-31"),
    ("by the end of Q3 2009", "2009-09-30", "2009-09-30"),
    ("by March 2007", "2007-03-31", "2007-03-31"),
    ("no later than 1 March 2007", "2007-03-01", "2007-03-01"),
    ("before 1 July 2007", "2007-07-01", "2007-07-01"),
    ("before 2010", "2009-12-31", "2009-12-31"),
    ("after 2009", "2010-01-01", "2010-01-01"),
    # start phrases: the first day
    ("fra og med februar 2010", "2010-02-01", "2010-02-01"),
    ("fra januar 2013", "2013-01-01", "2013-01-01"),
    ("pr. 1. oktober 2012", "2012-10-01", "2012-10-01"),
    ("i begyndelsen af september 2012", "2012-09-01", "2012-09-01"),
    ("as of 1 October 2012", "2012-10-01", "2012-10-01"),
    # within phrases: the period itself
    ("i løbet af 2007", "2007-01-01", "2007-12-31"),
    ("i løbet af 2009", "2009-01-01", "2009-12-31"),
    ("during 2007", "2007-01-01", "2007-12-31"),
    ("in 2007", "2007-01-01", "2007-12-31"),
    ("within Q4 2007", "2007-10-01", "2007-12-31"),
    # case, spacing, punctuation
    ("  ULTIMO   2007. ", "2007-12-31", "2007-12-31"),
    ("(primo juli 2007)", "2007-07-01", "2007-07-10"),
    ("3.\u00a0kvartal\u00a02009", "2009-07-01", "2009-09-30"),
    ("INDEN UDGANGEN AF 2009", "2009-12-31", "2009-12-31"),
    ("1. halva\u030ar 2013", "2013-01-01", "2013-06-30"),  # decomposed å (macOS)
    ("2013\u20142016", "2013-01-01", "2016-12-31"),  # em dash
]


def test_the_table_is_large_enough() -> None:
    assert len(PHRASES) >= 60
    assert len({phrase for phrase, _, _ in PHRASES}) == len(PHRASES)


@pytest.mark.parametrize(("phrase", "start", "end"), PHRASES)
def test_phrase(phrase: str, start: str, end: str) -> None:
    period = parse_period(phrase)
    assert (period.start, period.end) == (D.fromisoformat(start), D.fromisoformat(end))


@pytest.mark.parametrize(
    ("danish", "english"),
    [
        ("3. kvartal 2009", "Q3 2009"),
        ("1. halvår 2013", "first half of 2013"),
        ("1. marts 2007", "March 1, 2007"),
        ("maj 2012", "May 2012"),
        ("inden udgangen af 2009", "by end of 2009"),
        ("i løbet af 2007", "during 2007"),
        ("inden 1. juli 2007", "before 1 July 2007"),
        ("medio 2010", "mid 2010"),
        ("sommeren 2009", "summer 2009"),
    ],
)
def test_danish_and_english_agree(danish: str, english: str) -> None:
    assert parse_period(danish) == parse_period(english)


UNREADABLE = [
    "32.13.2013",
    "ultimo",
    "kvartal 2009",
    "",
    "   ",
    "hello",
    "4. kvartal",
    "5. kvartal 2009",
    "3. halvår 2009",
    "årets udgang",
    "udgangen af året",
    "1. maj",
    "29.02.2009",
    "2009-02-30",
    "2009-00",
    "2016-2013",
    "1. oktober 2012 – 31. januar 2012",  # a typo in 002: the phase ends before it starts
    "vinteren 2009",
    "medio 3. kvartal 2009",
    "uge 54 2009",
    "0000",
    "after 9999-12-31",
    "i " * 200 + "2009",
]


@pytest.mark.parametrize("text", UNREADABLE)
def test_unreadable_text_is_rejected_with_the_text_and_the_forms(text: str) -> None:
    with pytest.raises(PeriodError) as caught:
        parse_period(text)
    message = str(caught.value)
    assert repr(text if len(text) <= 60 else text[:57] + "...") in message
    assert ACCEPTED_FORMS in message
    assert "3. kvartal 2009" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("32.13.2013", "there is no day 32.13.2013"),
        ("ultimo", "names no year"),
        ("4. kvartal", "names no year"),
        ("årets udgang", "names no year"),
        ("", "empty"),
        ("2016-2013", "ends (2013) before it starts (2016)"),
        ("1. oktober 2012 – 31. januar 2012", "ends (2012-01-31) before it starts (2012-10-01)"),
        ("vinteren 2009", "vinteren 2009/10"),
        ("3. halvår 2009", "two halves"),
        ("medio 3. kvartal 2009", "'medio' applies to a month or a year"),
    ],
)
def test_the_error_says_why_where_it_can(text: str, reason: str) -> None:
    with pytest.raises(PeriodError, match="cannot read") as caught:
        parse_period(text)
    assert reason in str(caught.value)


def test_period_error_is_an_input_error_and_a_value_error() -> None:
    with pytest.raises(PeriodError) as caught:
        parse_period("ultimo")
    assert isinstance(caught.value, InputError)
    assert isinstance(caught.value, GoalcheckError)
    assert isinstance(caught.value, ValueError)
    assert caught.value.problems[0].message == str(caught.value)


@pytest.mark.parametrize("value", [None, 2009.0, b"2009", ["2009"]])
def test_parse_period_rejects_non_text(value: object) -> None:
    with pytest.raises(PeriodError, match="expected a date or a period phrase"):
        parse_period(value)  # type: ignore[arg-type]


def test_a_long_text_is_quoted_shortened() -> None:
    text = "x" * 500
    with pytest.raises(PeriodError) as caught:
        parse_period(text)
    assert "x" * 57 + "..." in str(caught.value)
    assert "x" * 58 not in str(caught.value)


def test_parse_period_is_exported_and_cached() -> None:
    assert goalcheck.parse_period is parse_period
    assert goalcheck.Period is Period
    assert parse_period("3. kvartal 2009") is parse_period("3. kvartal 2009")


# --- to_date ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "start", "end"),
    [
        ("inden udgangen af 2009", "2009-12-31", "2009-12-31"),
        ("3. kvartal 2009", "2009-07-01", "2009-09-30"),
        ("i løbet af 2007", "2007-01-01", "2007-12-31"),
        ("2013-16", "2013-01-01", "2016-12-31"),
        ("ultimo oktober 2012", "2012-10-21", "2012-10-31"),
        (2009, "2009-01-01", "2009-12-31"),
        (Period(D(2009, 1, 5), D(2009, 2, 6)), "2009-01-05", "2009-02-06"),
        (D(2009, 3, 4), "2009-03-04", "2009-03-04"),
        (dt.datetime(2009, 3, 4, 15, 30), "2009-03-04", "2009-03-04"),
    ],
)
def test_to_date_takes_the_side(value: object, start: str, end: str) -> None:
    assert to_date(value, side="start") == D.fromisoformat(start)  # type: ignore[arg-type]
    assert to_date(value, side="end") == D.fromisoformat(end)  # type: ignore[arg-type]


def test_to_date_defaults_to_the_end() -> None:
    assert to_date("Q3 2009") == D(2009, 9, 30)


def test_to_date_returns_a_plain_date_for_a_datetime() -> None:
    day = to_date(dt.datetime(2009, 3, 4, 15, 30))
    assert type(day) is dt.date


@pytest.mark.parametrize("value", [True, None, 3.5, object()])
def test_to_date_rejects_other_types(value: object) -> None:
    with pytest.raises(PeriodError):
        to_date(value)  # type: ignore[arg-type]


def test_to_date_rejects_an_unknown_side() -> None:
    with pytest.raises(ValueError, match="side"):
        to_date("2009", side="middle")  # type: ignore[arg-type]


def test_to_date_raises_period_error_for_an_unreadable_phrase() -> None:
    with pytest.raises(PeriodError, match="'ultimo'"):
        to_date("ultimo", side="end")


# --- Period -----------------------------------------------------------------------------


def test_period_rejects_an_end_before_its_start() -> None:
    with pytest.raises(PeriodError, match="before it starts"):
        Period(D(2009, 2, 1), D(2009, 1, 31))


def test_period_rejects_non_dates() -> None:
    with pytest.raises(TypeError):
        Period("2009-01-01", D(2009, 1, 1))  # type: ignore[arg-type]


def test_period_is_frozen_and_hashable() -> None:
    period = parse_period("Q3 2009")
    with pytest.raises(AttributeError):
        period.start = D(2009, 1, 1)  # type: ignore[misc]
    assert {period, parse_period("3. kvartal 2009")} == {period}


def test_period_contains_both_ends_only() -> None:
    period = parse_period("Q3 2009")
    assert period.contains(D(2009, 7, 1))
    assert period.contains(D(2009, 9, 30))
    assert not period.contains(D(2009, 6, 30))
    assert not period.contains(D(2009, 10, 1))
    assert D(2009, 8, 15) in period
    assert "2009-08-15" not in period


def test_period_days_and_is_day() -> None:
    assert parse_period("2012").days == 366
    assert parse_period("februar 2009").days == 28
    assert parse_period("ultimo 2009").is_day
    assert not parse_period("Q1 2009").is_day
    assert Period.day(D(2009, 1, 1)) == Period(D(2009, 1, 1), D(2009, 1, 1))


def test_period_str_is_an_iso_interval() -> None:
    assert str(parse_period("3. kvartal 2009")) == "2009-07-01/2009-09-30"
    assert str(parse_period("senest 1. marts 2007")) == "2007-03-01"
    assert parse_period("Q3 2009").isoformat() == "2009-07-01/2009-09-30"


def test_period_overlaps() -> None:
    q3 = parse_period("Q3 2009")
    assert q3.overlaps(parse_period("september 2009"))
    assert q3.overlaps(parse_period("30.09.09"))
    assert not q3.overlaps(parse_period("Q4 2009"))
    assert not q3.overlaps(parse_period("30.06.09"))


def test_periods_order_by_start_then_end() -> None:
    periods = [parse_period("Q3 2009"), parse_period("2009"), parse_period("H1 2009")]
    assert sorted(periods) == [
        parse_period("H1 2009"),
        parse_period("2009"),
        parse_period("Q3 2009"),
    ]


# --- arithmetic ---------------------------------------------------------------------------


def test_named_periods() -> None:
    assert year_period(2009) == Period(D(2009, 1, 1), D(2009, 12, 31))
    assert month_period(2012, 2) == Period(D(2012, 2, 1), D(2012, 2, 29))
    assert quarter_period(2009, 4) == Period(D(2009, 10, 1), D(2009, 12, 31))
    assert half_year_period(2013, 2) == Period(D(2013, 7, 1), D(2013, 12, 31))


@pytest.mark.parametrize(("function", "number"), [(quarter_period, 5), (half_year_period, 3)])
def test_named_periods_reject_numbers_out_of_range(function: object, number: int) -> None:
    with pytest.raises(PeriodError):
        function(2009, number)  # type: ignore[operator]


@pytest.mark.parametrize(
    ("a", "b", "years"),
    [
        ("2015-01-01", "2023-01-01", 8.0),
        ("2023-01-01", "2015-01-01", -8.0),
        ("2009-01-01", "2009-01-01", 0.0),
        ("2024-01-01", "2024-07-01", 182 / 366),
        ("2023-01-01", "2023-07-02", 182 / 365),
        ("2012-02-29", "2013-02-28", 1.0),  # 29 February's anniversary is 28 February
        ("2012-02-29", "2016-02-29", 4.0),
        ("2007-01-01", "2010-12-31", 3 + 364 / 365),
        ("2009-07-01", "2010-01-01", 184 / 365),
    ],
)
def test_years_between(a: str, b: str, years: float) -> None:
    assert years_between(D.fromisoformat(a), D.fromisoformat(b)) == pytest.approx(years)


def test_years_between_eight_years_is_exact() -> None:
    assert years_between(D(2015, 1, 1), D(2023, 1, 1)) == 8.0


@pytest.mark.parametrize(
    ("a", "b", "months"),
    [
        ("2009-01-01", "2009-01-31", 0),
        ("2009-01-01", "2009-02-01", 1),
        ("2009-01-31", "2009-02-28", 1),  # month ends clip, as in relativedelta
        ("2009-01-31", "2009-02-27", 0),
        ("2007-01-01", "2010-12-31", 47),
        ("2007-01-01", "2011-01-01", 48),
        ("2009-03-15", "2009-01-15", -2),
        ("2009-03-15", "2009-01-16", -1),
    ],
)
def test_whole_months(a: str, b: str, months: int) -> None:
    assert whole_months(D.fromisoformat(a), D.fromisoformat(b)) == months


@pytest.mark.parametrize(
    ("at", "share"),
    [
        ("2008-12-31", 0.0),  # the end of the day before the start
        ("2009-01-01", 1 / 365),
        ("2009-07-02", 183 / 365),
        ("2009-12-31", 1.0),
        ("2010-12-31", 2.0),
        ("2008-12-30", -1 / 365),
    ],
)
def test_elapsed_share_counts_whole_inclusive_days(at: str, share: float) -> None:
    start, end = D(2009, 1, 1), D(2009, 12, 31)
    assert elapsed_share(start, end, D.fromisoformat(at)) == pytest.approx(share)
    clamped = min(max(share, 0.0), 1.0)
    assert elapsed_share(start, end, D.fromisoformat(at), clamp=True) == pytest.approx(clamped)
    assert year_period(2009).elapsed_share(D.fromisoformat(at)) == pytest.approx(share)


def test_elapsed_share_of_one_day() -> None:
    day = D(2009, 3, 1)
    assert elapsed_share(day, day, day) == 1.0
    assert elapsed_share(day, day, D(2009, 2, 28)) == 0.0


# --- the reference page ---------------------------------------------------------------------

REFERENCE = Path(__file__).resolve().parent.parent / "docs" / "reference" / "periods.md"
_ROW = re.compile(r"^\| `([^`]+)` \| (\d{4}-\d{2}-\d{2}) \| (\d{4}-\d{2}-\d{2}) \|$", re.M)


def test_every_example_on_the_reference_page_is_true() -> None:
    rows = _ROW.findall(REFERENCE.read_text(encoding="utf-8"))
    assert len(rows) >= 90
    wrong = [
        (phrase, str(parse_period(phrase)), f"{start}/{end}")
        for phrase, start, end in rows
        if (parse_period(phrase).start, parse_period(phrase).end)
        != (D.fromisoformat(start), D.fromisoformat(end))
    ]
    assert wrong == []


def test_the_reference_page_quotes_the_accepted_forms_of_the_message() -> None:
    text = " ".join(REFERENCE.read_text(encoding="utf-8").split())
    assert ACCEPTED_FORMS.startswith("2009-09-30, 26.11.09, 2009-09, maj 2012, 1. marts 2007")
    assert "include 2009-09-30, 26.11.09, 2009-09, maj 2012, 1. marts 2007, ..." in text
