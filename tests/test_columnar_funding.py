"""The columnar backend judges budget targets as the scalar engine does (issue 17).

A funding table (one row per funding line: ``holder`` and the fields of
:class:`goalcheck.model.Funding`) passed as ``funding=`` to ``evaluate_frame`` gives, with a
rule set that applies to funding, the results of ``goalcheck.evaluate(plan, as_of, rules)``:
same ids in the same order, same status, same rule, every fact the rule set reads equal (floats
within 1e-9 relative, ``None`` kept apart from NaN and from False).  A Hypothesis property over
generated plans whose funding lines share holders, recipients, types and neighbouring years (so
carry-overs, dated spending and forecasts meet), bounded by the active profile; example tests
on the bundled examples; located problems for bad input; and mutants of the funding facts that
the property must catch.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import attrs
import pytest
from hypothesis import Phase, assume, given, settings
from hypothesis import strategies as st

pl = pytest.importorskip("polars")

import goalcheck  # noqa: E402
from goalcheck import list_rules, load_rules  # noqa: E402
from goalcheck import strategies as gst  # noqa: E402
from goalcheck._columnar import _funding as columnar_funding  # noqa: E402
from goalcheck._columnar import evaluate_tables  # noqa: E402
from goalcheck._columnar._convert import tables_from_targets  # noqa: E402
from goalcheck._columnar._engine import COMPUTED  # noqa: E402
from goalcheck._funding import FUNDING_FACTS  # noqa: E402
from goalcheck.errors import PlanError, RuleError  # noqa: E402
from goalcheck.frame import evaluate_frame, explain_rows  # noqa: E402
from goalcheck.model import Funding, Plan  # noqa: E402

REL = 1e-9
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
FUNDING_SETS = sorted(
    name
    for name in (info.name if hasattr(info, "name") else str(info) for info in list_rules())
    if getattr(load_rules(name), "applies_to", None) == "funding"
)
SCHEMA = {
    "holder": pl.String,
    "amount": pl.Float64,
    "year": pl.Int64,
    "type": pl.String,
    "kind": pl.String,
    "date": pl.Date,
    "recipient": pl.String,
    "account": pl.String,
    "note": pl.String,
    "positions": pl.Float64,
}


def same(a: object, b: object) -> bool:
    """Equal: bools and None exactly (None is not False, not NaN), floats within 1e-9."""
    if a is None or b is None:
        return a is b
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=REL, abs_tol=1e-12)
    return a == b


def funding_table(plan: Plan) -> pl.DataFrame:
    """The plan's funding lines, then each initiative's, one row each with its holder."""
    rows: dict[str, list[object]] = {name: [] for name in SCHEMA}
    holders = [(plan.id, plan.funding), *((item.id, item.funding) for item in plan.initiatives)]
    for holder, lines in holders:
        for line in lines:
            rows["holder"].append(holder)
            for name in SCHEMA:
                if name != "holder":
                    value = getattr(line, name)
                    rows[name].append(getattr(value, "value", value))
    return pl.DataFrame(rows, schema=SCHEMA)


def columnar(plan: Plan, as_of: dt.date, rules: object, **parameters: object) -> pl.DataFrame:
    goals = tables_from_targets(plan.iter_targets())
    return evaluate_tables(
        goals[0],
        goals[1],
        as_of,
        rules,  # type: ignore[arg-type]
        checkpoints=goals[2],
        parameters=parameters,
        funding=funding_table(plan),
    )


def check(plan: Plan, as_of: dt.date, rules: object, **parameters: object) -> None:
    """The columnar results of *plan*'s funding equal goalcheck.evaluate's."""
    try:
        report = goalcheck.evaluate(plan, as_of, rules, **parameters)  # type: ignore[arg-type]
    except PlanError:  # a budget target id that is also a goal's: refused by both
        with pytest.raises(PlanError, match="is also a goal's id"):
            columnar(plan, as_of, rules, **parameters)
        return
    table = columnar(plan, as_of, rules, **parameters)
    expected = report.results
    assert table["id"].to_list() == [r.target_id for r in expected]
    for result, row in zip(expected, table.iter_rows(named=True), strict=True):
        assert (row["status"], row["rule"]) == (result.status, result.rule), (result.facts, row)
        for name, value in result.facts.items():
            assert same(row[name], value), (result.target_id, name, row[name], value)


# --- generated plans with funding lines -------------------------------------------------------

recipients = st.sampled_from([None, "", "A", "a b", "A-B", "Københavns Kommune", " "])
amounts = st.sampled_from([50.0, 100.0, 150.0, 1e6]) | st.sampled_from([0.0, -50.0])
line_dates = st.dates(min_value=dt.date(2018, 6, 1), max_value=dt.date(2022, 6, 30))
as_of_dates = (
    st.sampled_from(
        [dt.date(2019, 12, 30), dt.date(2019, 12, 31), dt.date(2020, 1, 1), dt.date(2020, 2, 29)]
    )
    | st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2021, 12, 31))
    | st.dates(min_value=dt.date(2018, 1, 1), max_value=dt.date(2023, 1, 31))
)


kinds = st.sampled_from(
    ["budget"] * 3 + ["spent"] * 4 + ["expected"] * 2 + ["carry_over"] * 2 + ["requested"]
)
years = st.sampled_from([2019, 2020, 2021])


@st.composite
def funding_lines(draw: st.DrawFn, min_size: int = 0) -> list[Funding]:
    """One holder's lines: goalcheck.strategies funding lines, each given one of a few
    (recipient, type) pairs drawn first, a year in 2019-2021 (mostly), a kind (mostly budget
    and spent), a date or none and sometimes a round amount, so that groups, carry-overs into
    the next year, spending during the year and same-day lines meet."""
    pairs = draw(
        st.lists(
            st.tuples(recipients, st.sampled_from(["other", "drift"])), min_size=1, max_size=2
        )
    )
    held = st.sampled_from(draw(st.lists(years, min_size=1, max_size=2, unique=True)))
    lines = []
    for line in draw(st.lists(gst.fundings(max_value=1e6), min_size=min_size, max_size=10)):
        recipient, ftype = draw(st.sampled_from(pairs))
        year = draw(held | held | held | years | st.none())
        in_year = st.dates(dt.date(year or 2020, 1, 1), dt.date(year or 2020, 12, 31))
        lines.append(
            attrs.evolve(
                line,
                amount=draw(amounts | st.just(line.amount)),
                year=year,
                kind=draw(kinds),
                recipient=recipient,
                type=ftype,
                date=draw(st.none() | in_year | line_dates),
            )
        )
    return lines


@st.composite
def funded_plans(draw: st.DrawFn) -> Plan:
    plan = draw(gst.plans(max_size=2, max_initiatives=2))
    initiatives = [attrs.evolve(item, funding=draw(funding_lines())) for item in plan.initiatives]
    assume(plan.id not in {item.id for item in initiatives})  # a holder id names one holder
    return attrs.evolve(plan, funding=draw(funding_lines(min_size=3)), initiatives=initiatives)


def test_the_funding_facts_are_mirrored() -> None:
    assert set(FUNDING_FACTS) <= COMPUTED
    assert FUNDING_SETS == ["funding"]


@pytest.mark.parametrize("name", FUNDING_SETS)
@given(plan=funded_plans(), as_of=as_of_dates)
def test_shipped_funding_rule_sets_agree(name: str, plan: Plan, as_of: dt.date) -> None:
    check(plan, as_of, load_rules(name))


@given(
    plan=funded_plans(),
    as_of=as_of_dates,
    under=st.sampled_from([0.0, 0.05, 0.5, 1.0]),
    over=st.sampled_from([0.0, 0.1, 1.0]),
)
def test_funding_parameters_agree(plan: Plan, as_of: dt.date, under: float, over: float) -> None:
    check(plan, as_of, "funding", underspend_tolerance=under, overspend_tolerance=over)


@given(plan=funded_plans(), as_of=as_of_dates, ruleset=gst.rule_sets())
def test_generated_rule_sets_on_budget_targets_agree(plan, as_of, ruleset) -> None:
    """Generated rules over the whole vocabulary, applied to funding: the ordinary facts of
    a budget target (value, pace, forecast, ...) agree as well as the funding facts."""
    check(plan, as_of, attrs.evolve(ruleset, applies_to="funding"))


# --- mutants: a broken fact fails the property --------------------------------------------------

MUTANTS = {
    "repayable ignores the carry-over": lambda t: t.with_columns(repayable=pl.col("unspent")),
    "allocated without carried_in": lambda t: t.with_columns(
        allocated=pl.col("allocated") - pl.col("carried_in")
    ),
    "forecast_given after the year": lambda t: t.with_columns(
        forecast_given=pl.col("forecast_given") | pl.col("grant_year_over")
    ),
    "spent_share of the forecast": lambda t: t.with_columns(spent_share=pl.col("forecast_share")),
}


@pytest.mark.parametrize("mutant", sorted(MUTANTS))
def test_a_broken_fact_fails_the_property(monkeypatch, mutant: str) -> None:
    original = columnar_funding.funding_facts_frame

    def broken(prepared, as_of):  # type: ignore[no-untyped-def]
        return MUTANTS[mutant](original(prepared, as_of))

    monkeypatch.setattr(columnar_funding, "funding_facts_frame", broken)

    @settings(max_examples=300, phases=[Phase.generate], database=None)
    @given(plan=funded_plans(), as_of=as_of_dates)
    def prop(plan: Plan, as_of: dt.date) -> None:
        check(plan, as_of, "funding")

    with pytest.raises(AssertionError):
        prop()


# --- the bundled examples ------------------------------------------------------------------------


def _funded(path: Path) -> bool:
    plan = goalcheck.load_plan(path)
    return bool(plan.funding) or any(item.funding for item in plan.initiatives)


FUNDED = sorted(path.name for path in EXAMPLES.iterdir() if path.is_dir() and _funded(path))


def test_the_examples_have_funding() -> None:
    assert "jobkonsulenter-2007" in FUNDED


@pytest.mark.parametrize("name", FUNDED)
@pytest.mark.parametrize(
    "as_of", ["2007-06-30", "2007-12-31", "2008-04-24", "2013-09-30", "2014-12-31"]
)
def test_the_examples_agree(name: str, as_of: str) -> None:
    check(goalcheck.load_plan(EXAMPLES / name), dt.date.fromisoformat(as_of), "funding")


def test_the_grant_example() -> None:
    """docs/how-to/evaluate-funding.md, section 3: 2007 and 2008 at risk of underspending."""
    plan = goalcheck.load_plan(EXAMPLES / "jobkonsulenter-2007")
    table = evaluate_frame(as_of="2008-04-24", rules="funding", funding=funding_table(plan))
    rows = {row["id"]: row for row in table.iter_rows(named=True)}
    y2007 = rows["jobkonsulenter-2007/funding/2007/københavns-kommune"]
    y2008 = rows["jobkonsulenter-2007/funding/2008/københavns-kommune"]
    assert (y2007["status"], y2008["status"]) == ("underspend_risk", "underspend_risk")
    assert y2007["repayable"] == 398_526.0
    assert y2008["allocated"] == 40_898_526.0
    assert y2008["forecast_given"] is True
    assert rows["jobkonsulenter-2007/funding/2009/københavns-kommune"]["status"] == (
        "not_evaluable"
    )


def test_pandas_and_arrow_funding_tables_agree() -> None:
    plan = goalcheck.load_plan(EXAMPLES / "jobkonsulenter-2007")
    lines = funding_table(plan)
    expected = evaluate_frame(as_of="2008-04-24", rules="funding", funding=lines)
    for other in (lines.to_pandas(), lines.to_arrow()):
        got = evaluate_frame(as_of="2008-04-24", rules="funding", funding=other)
        assert got.equals(expected)


def test_text_cells_are_read_like_the_model() -> None:
    """Numbers, years and dates as text, choices in any case, ``-`` for ``_``."""
    text = pl.DataFrame(
        {
            "holder": ["p", "p", "p", "p"],
            "amount": ["100", "12,5", "40", "30"],
            "year": ["2020", "2020", "2020", "2020"],
            "type": ["Drift", "drift", "DRIFT", "drift"],
            "kind": ["budget", "Spent", "carry-over", "expected"],
            "date": [None, "2020-03-31", None, "2. kvartal 2020"],
        }
    )
    table = evaluate_frame(as_of="2020-06-30", rules="funding", funding=text)
    row = table.row(0, named=True)
    assert row["id"] == "p/funding/2020/drift"
    assert (row["spent"], row["carried_over"], row["forecast_spend"]) == (12.5, 40.0, 30.0)


def test_explanations_of_budget_rows_are_the_scalar_ones() -> None:
    plan = goalcheck.load_plan(EXAMPLES / "jobkonsulenter-2007")
    report = goalcheck.evaluate(plan, "2008-04-24", "funding")
    table = evaluate_frame(as_of="2008-04-24", rules="funding", funding=funding_table(plan))
    rows = explain_rows(table, "2008-04-24", "funding", rows=pl.col("status") != "x")
    for mine, theirs in zip(rows.results, report.results, strict=True):
        assert mine.explain("da") == theirs.explain("da")
        assert mine.explain("en") == theirs.explain("en")


# --- goals, applies_to, and what a table without funding gives ---------------------------------


def test_a_goals_rule_set_judges_the_goals_and_gives_goals_no_funding_facts() -> None:
    plan = goalcheck.load_plan(EXAMPLES / "jobkonsulenter-2007")
    goals = tables_from_targets(plan.iter_targets())
    table = evaluate_frame(
        goals[0],
        goals[1],
        "2008-04-24",
        checkpoints=goals[2],
        period=plan.period,
        funding=funding_table(plan),
    )
    assert table["id"].to_list() == [t.id for t in plan.iter_targets()]
    expected = goalcheck.evaluate(plan, "2008-04-24")
    assert table["status"].to_list() == [r.status for r in expected.results]


def test_goal_rows_read_the_funding_facts_as_null() -> None:
    """A goals rule set reading funding facts: every one is null for a goal (scalar: None)."""
    plan = goalcheck.load_plan(EXAMPLES / "jobkonsulenter-2007")
    goals = list(plan.iter_targets())
    ruleset = attrs.evolve(load_rules("funding"), applies_to=None)
    table = evaluate_tables(*tables_from_targets(goals)[:2], "2008-04-24", ruleset)
    scalar = list(goalcheck.evaluate_iter(goals, "2008-04-24", ruleset))
    assert (
        table["status"].to_list() == [r.status for r in scalar] == ["not_evaluable"] * len(goals)
    )
    for name in FUNDING_FACTS:
        if name in table.columns:
            assert table[name].null_count() == table.height


def test_no_funding_table_no_budget_rows() -> None:
    table = evaluate_frame(as_of="2020-01-01", rules="funding")
    assert table.height == 0
    assert {"id", "status", "rule"} <= set(table.columns)


def test_an_unknown_applies_to_is_refused_as_by_the_scalar_engine() -> None:
    ruleset = attrs.evolve(load_rules("funding"), applies_to="fundng")
    with pytest.raises(RuleError, match=r"unknown applies_to 'fundng'.*'funding'"):
        evaluate_frame(as_of="2020-01-01", rules=ruleset)


def test_a_budget_id_that_is_a_goal_id_is_refused() -> None:
    targets = pl.DataFrame({"id": ["p/funding/2020"], "direction": ["at_least"]})
    lines = pl.DataFrame({"holder": ["p"], "amount": [1.0], "year": [2020]})
    with pytest.raises(PlanError, match="'p/funding/2020' is also a goal's id"):
        evaluate_frame(targets, as_of="2020-06-30", rules="funding", funding=lines)


# --- bad input: one located line per problem -----------------------------------------------------


def problems_of(**kwargs: object) -> list[str]:
    with pytest.raises(PlanError) as caught:
        evaluate_frame(as_of="2020-06-30", rules="funding", **kwargs)
    return [str(problem) for problem in caught.value.problems]


def test_bad_cells_are_located_one_line_each() -> None:
    lines = pl.DataFrame(
        {
            "holder": ["p", None, "p", "p"],
            "amount": ["1", "2", "x", "4"],
            "year": ["2020", "2020.5", "2020", "0"],
            "kind": ["budget", "spend", "budget", "budget"],
            "type": ["drift", "drif", "other", "other"],
            "date": [None, None, "not a date", None],
        }
    )
    found = problems_of(funding=lines)
    assert all("\n" not in line for line in found)
    assert "funding:index 1, column holder: holder is required" in found
    assert "funding:index 2, column amount: expected a number, not 'x'" in found
    assert any(p.startswith("funding:index 1, column year: year must be a whole") for p in found)
    assert any(p.startswith("funding:index 3, column year: year must be a whole") for p in found)
    kind = [p for p in found if p.startswith("funding:index 1, column kind:")]
    assert len(kind) == 1
    assert "did you mean 'spent'" in kind[0].lower()
    kind_type = [p for p in found if p.startswith("funding:index 1, column type:")]
    assert len(kind_type) == 1
    assert "'drift'" in kind_type[0]
    assert any(p.startswith("funding:index 2, column date:") for p in found)


def test_unknown_and_missing_columns() -> None:
    found = problems_of(funding=pl.DataFrame({"holdr": ["p"], "ammount": [1.0]}))
    assert any("unknown column 'ammount'" in p and "'amount'" in p for p in found)
    assert any("unknown column 'holdr'" in p and "'holder'" in p for p in found)
    assert sum("missing required column" in p for p in found) == 2


def test_non_finite_amounts_are_refused() -> None:
    lines = pl.DataFrame({"holder": ["p"], "amount": [math.inf], "year": [2020]})
    assert problems_of(funding=lines) == [
        "funding:index 0, column amount: amount must be a finite number, not inf"
    ]


def test_goal_and_funding_problems_are_reported_together() -> None:
    targets = pl.DataFrame({"id": ["a"], "direction": ["at_lest"]})
    lines = pl.DataFrame({"holder": ["p"], "amount": ["many"]})
    found = problems_of(targets=targets, funding=lines)
    assert any(p.startswith("targets:index 0, column direction:") for p in found)
    assert any(p.startswith("funding:index 0, column amount:") for p in found)


def test_a_bad_funding_table_is_refused_beside_goals_too() -> None:
    targets = pl.DataFrame({"id": ["a"], "direction": ["at_least"], "target": [1.0]})
    lines = pl.DataFrame({"holder": ["p"], "amount": [1.0], "kind": ["bugdet"]})
    with pytest.raises(PlanError, match="did you mean 'budget'"):
        evaluate_frame(targets, as_of="2020-06-30", funding=lines)


def test_a_funding_table_must_be_a_table() -> None:
    with pytest.raises(goalcheck.errors.GoalcheckError, match="funding must be a polars"):
        evaluate_frame(as_of="2020-06-30", rules="funding", funding=[1, 2])
