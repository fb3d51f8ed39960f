"""Property tests for goalcheck.periods: round trips, start <= end, only PeriodError."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import assume, given
from hypothesis import strategies as st

from goalcheck.errors import PeriodError
from goalcheck.periods import (
    Period,
    elapsed_share,
    parse_period,
    to_date,
    whole_months,
    years_between,
)

YEARS = st.integers(1900, 2100)
DATES = st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))

DANISH_MONTHS = (
    "januar februar marts april maj juni juli august september oktober november december"
)
ENGLISH_MONTHS = (
    "January February March April May June July August September October November December"
)


SEASONS = ["sommeren", "foråret", "efteråret", "summer", "autumn"]


@st.composite
def periods(draw: st.DrawFn) -> Period:
    a, b = sorted(draw(st.lists(st.dates(), min_size=2, max_size=2)))
    return Period(a, b)


@st.composite
def core_phrases(draw: st.DrawFn) -> str:
    """A phrase naming a day or a span, built from the grammar's pieces: always readable."""
    year = draw(YEARS)
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, 28))
    forms = [
        f"{year}",
        f"{year:04d}-{month:02d}",
        f"{year:04d}-{month:02d}-{day:02d}",
        f"{day}.{month}.{year % 100:02d}",
        f"{day:02d}-{month:02d}-{year}",
        f"{day}/{month}/{year}",
        f"{draw(st.integers(1, 4))}. kvartal {year}",
        f"{draw(st.integers(1, 4))}. kvt. {year}",
        f"Q{draw(st.integers(1, 4))} {year}",
        f"{draw(st.sampled_from(['first', 'second', 'third', 'fourth']))} quarter of {year}",
        f"{draw(st.integers(1, 2))}. halvår {year}",
        f"H{draw(st.integers(1, 2))} {year}",
        f"{draw(st.sampled_from(['første', 'andet']))} halvår {year}",
        f"{day}. {DANISH_MONTHS.split()[month - 1]} {year}",
        f"{ENGLISH_MONTHS.split()[month - 1]} {day}, {year}",
        f"{day} {ENGLISH_MONTHS.split()[month - 1]} {year}",
        f"{DANISH_MONTHS.split()[month - 1]} {year}",
        f"{ENGLISH_MONTHS.split()[month - 1][:3]} {year}",
        f"{draw(st.sampled_from(SEASONS))} {year}",
        f"vinteren {year}/{(year + 1) % 100:02d}",
        f"{year}-{year + draw(st.integers(1, 9))}",
        f"{year}–{(year + draw(st.integers(1, 9))) % 100:02d}",
    ]
    return draw(st.sampled_from(forms))


END_WORDS = [
    "inden udgangen af",
    "ved udgangen af",
    "senest",
    "frem mod",
    "til og med",
    "by end of",
    "end of",
    "by",
]
START_WORDS = ["fra og med", "fra", "pr.", "as of", "beginning of"]
WITHIN_WORDS = ["i løbet af", "i perioden", "i", "during", "in", "within"]
PART_WORDS = ["primo", "medio", "ultimo", "early", "mid", "late"]


def _casing(draw: st.DrawFn, text: str) -> str:
    style = draw(st.sampled_from(["same", "upper", "title", "spaced"]))
    if style == "upper":
        return text.upper()
    if style == "title":
        return text.title()
    if style == "spaced":
        return "  " + text.replace(" ", " \t ") + " "
    return text


@given(DATES)
def test_iso_dates_round_trip(day: dt.date) -> None:
    assert parse_period(day.isoformat()) == Period(day, day)
    assert to_date(day.isoformat(), side="start") == day
    assert to_date(day.isoformat(), side="end") == day


@given(st.dates())
def test_every_iso_date_round_trips(day: dt.date) -> None:
    assert parse_period(day.isoformat()) == Period.day(day)


@given(periods())
def test_str_of_a_period_round_trips(period: Period) -> None:
    assert parse_period(str(period)) == period


@given(st.data(), core_phrases())
def test_core_phrases_are_read_and_ordered(data: st.DataObject, phrase: str) -> None:
    period = parse_period(phrase)
    assert period.start <= period.end
    assert parse_period(_casing(data.draw, phrase)) == period


@given(st.data(), core_phrases(), st.sampled_from(END_WORDS))
def test_a_deadline_phrase_is_the_last_day(data: st.DataObject, phrase: str, word: str) -> None:
    period = parse_period(phrase)
    deadline = parse_period(_casing(data.draw, f"{word} {phrase}"))
    assert deadline == Period.day(period.end)


@given(core_phrases(), st.sampled_from(START_WORDS))
def test_a_start_phrase_is_the_first_day(phrase: str, word: str) -> None:
    period = parse_period(phrase)
    assert parse_period(f"{word} {phrase}") == Period.day(period.start)


@given(core_phrases(), st.sampled_from(WITHIN_WORDS))
def test_a_within_phrase_is_the_period_itself(phrase: str, word: str) -> None:
    assert parse_period(f"{word} {phrase}") == parse_period(phrase)


@given(core_phrases(), st.sampled_from(["inden", "before"]))
def test_before_a_period_is_on_or_before_its_start(phrase: str, word: str) -> None:
    period = parse_period(phrase)
    before = parse_period(f"{word} {phrase}")
    assert before.is_day
    if period.is_day:
        assert before == period
    else:
        assert before.end == period.start - dt.timedelta(days=1)


@given(core_phrases(), st.sampled_from(PART_WORDS))
def test_a_part_lies_within_the_period_or_is_rejected(phrase: str, word: str) -> None:
    period = parse_period(phrase)
    try:
        part = parse_period(f"{word} {phrase}")
    except PeriodError:
        return
    assert period.start <= part.start <= part.end <= period.end


@given(core_phrases(), core_phrases(), st.sampled_from([" – ", " - ", "/", " til ", " to "]))
def test_a_range_spans_both_ends_or_is_rejected(left: str, right: str, sep: str) -> None:
    a, b = parse_period(left), parse_period(right)
    if b.end < a.start:
        with pytest.raises(PeriodError, match="before it starts"):
            parse_period(f"{left}{sep}{right}")
    else:
        assert parse_period(f"{left}{sep}{right}") == Period(a.start, b.end)


@given(st.text())
def test_arbitrary_text_raises_nothing_but_period_error(text: str) -> None:
    try:
        period = parse_period(text)
    except PeriodError as error:
        message = str(error)
    else:
        message = "cannot read"
        assert period.start <= period.end
    assert "cannot read" in message


TOKENS = [
    "0",
    "1",
    "2",
    "9",
    "13",
    "16",
    "29",
    "31",
    "32",
    "2009",
    "2013",
    "9999",
    "0000",
    ".",
    "-",
    "–",
    "/",
    ",",
    ":",
    "(",
    ")",
    "..",
    "primo",
    "medio",
    "ultimo",
    "inden",
    "senest",
    "udgangen",
    "af",
    "ved",
    "i",
    "løbet",
    "frem",
    "mod",
    "til",
    "og",
    "med",
    "kvartal",
    "kvt.",
    "q3",
    "h1",
    "halvår",
    "første",
    "third",
    "quarter",
    "half",
    "of",
    "the",
    "by",
    "end",
    "mid",
    "early",
    "late",
    "before",
    "after",
    "during",
    "fra",
    "from",
    "between",
    "and",
    "maj",
    "marts",
    "march",
    "sommeren",
    "vinteren",
    "uge",
    "week",
    "w53",
]


@given(st.lists(st.sampled_from(TOKENS), max_size=8).map(" ".join))
def test_grammar_shaped_noise_raises_nothing_but_period_error(text: str) -> None:
    try:
        period = parse_period(text)
    except PeriodError:
        return
    assert period.start <= period.end


@given(st.dates(), st.dates())
def test_years_between_is_antisymmetric(a: dt.date, b: dt.date) -> None:
    assert years_between(a, b) == -years_between(b, a)


@given(DATES, st.integers(-150, 150))
def test_years_between_whole_anniversaries_is_exact(a: dt.date, n: int) -> None:
    assume(not (a.month == 2 and a.day == 29))
    assert years_between(a, a + relativedelta(years=n)) == n


@given(DATES, DATES)
def test_years_between_is_whole_years_plus_a_share(a: dt.date, b: dt.date) -> None:
    assume(a <= b)
    years = years_between(a, b)
    whole = int(years)
    assert a + relativedelta(years=whole) <= b
    assert 0.0 <= years - whole < 1.0
    assert abs(years - (b - a).days / 365.2425) < 0.01 + 1 / 365


@given(DATES, DATES, DATES)
def test_years_between_grows_with_the_later_date(a: dt.date, b: dt.date, c: dt.date) -> None:
    b, c = sorted((b, c))
    assert years_between(a, b) <= years_between(a, c)


@given(DATES, DATES)
def test_whole_months_is_the_largest_fitting_count(a: dt.date, b: dt.date) -> None:
    n = whole_months(a, b)
    assert whole_months(b, a) == -n
    if a <= b:
        assert a + relativedelta(months=n) <= b < a + relativedelta(months=n + 1)


@given(periods(), st.dates(), st.dates())
def test_elapsed_share_is_monotone_and_anchored(period: Period, x: dt.date, y: dt.date) -> None:
    x, y = sorted((x, y))
    s, e = period.start, period.end
    assert elapsed_share(s, e, x) <= elapsed_share(s, e, y)
    assert elapsed_share(s, e, e) == 1.0
    assert 0.0 <= elapsed_share(s, e, x, clamp=True) <= 1.0
    if s > dt.date.min:
        assert elapsed_share(s, e, s - dt.timedelta(days=1)) == 0.0
