"""Funding evaluated (issue 14): budget targets from funding lines, the `funding` rule set.

The golden files ``tests/golden/jobkonsulenter-2007.funding.{en,da}.json`` are the grant
example (documents 000 + 001) judged by the funding rules at the account's date; regenerate
them only on purpose: ``GOALCHECK_REGEN_GOLDEN=1 pytest tests/test_funding.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

import goalcheck
from goalcheck import output
from goalcheck._funding import BudgetTarget, budget_targets, funding_facts, funding_rows
from goalcheck.errors import PlanError, RuleError
from goalcheck.model import Area, Funding, Initiative, Plan, Target

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
JK = ROOT / "examples" / "jobkonsulenter-2007"
BUDGET = ROOT / "examples" / "budget-2013"
ACCOUNT_DATE = dt.date(2008, 4, 24)


def _plan(*lines: Funding, plan_lines: tuple[Funding, ...] = ()) -> Plan:
    return Plan(
        id="p",
        title="Plan",
        areas=[Area(id="A")],
        initiatives=[Initiative(id="i1", title="Initiative one", area="A", funding=lines)],
        funding=plan_lines,
    )


def _by_id(plan: Plan) -> dict[str, BudgetTarget]:
    return {target.id: target for target in budget_targets(plan)}


def _facts(target: BudgetTarget, as_of: dt.date) -> dict[str, object]:
    from goalcheck._funding import FUNDING_FACTS

    return dict(zip(FUNDING_FACTS, funding_facts(target, as_of), strict=True))


# --- derivation -----------------------------------------------------------------------------


def test_one_budget_target_per_holder_year_type_and_recipient() -> None:
    plan = _plan(
        Funding(1000, 2013, "drift"),
        Funding(500, 2013, "drift", account="other account"),  # same group: account is a label
        Funding(300, 2013, "indsats"),
        Funding(800, 2014, "drift"),
        Funding(99, 2013, "drift", "requested"),  # not granted: not counted
        Funding(77, None, "drift"),  # no year: not evaluated
        Funding(10, 2015, "drift", "spent"),  # spending without a budget: no target
        plan_lines=(Funding(2000, 2013, recipient="Jobcenter Nord"),),
    )
    targets = _by_id(plan)
    assert sorted(targets) == [
        "i1/funding/2013/drift",
        "i1/funding/2013/indsats",
        "i1/funding/2014/drift",
        "p/funding/2013/jobcenter-nord",
    ]
    drift = targets["i1/funding/2013/drift"]
    assert drift.allocated == drift.target == 1500
    assert (drift.start, drift.deadline) == (dt.date(2013, 1, 1), dt.date(2013, 12, 31))
    assert (drift.initiative, drift.area) == ("i1", "A")
    assert drift.title == "Initiative one 2013 (drift)"
    assert targets["p/funding/2013/jobcenter-nord"].title == "Jobcenter Nord 2013"
    assert targets["p/funding/2013/jobcenter-nord"].initiative is None


def test_carry_over_moves_into_the_next_years_allocation() -> None:
    plan = _plan(
        Funding(100, 2007),
        Funding(40, 2007, kind="spent"),
        Funding(55, 2007, kind="carry_over"),
        Funding(100, 2008),
    )
    targets = _by_id(plan)
    first, second = targets["i1/funding/2007"], targets["i1/funding/2008"]
    assert (first.carried_over, first.carried_in, first.allocated) == (55, 0, 100)
    assert (second.carried_in, second.allocated) == (55, 155)
    facts = _facts(first, dt.date(2008, 3, 1))
    assert facts["unspent"] == 60
    assert facts["repayable"] == 5
    assert facts["grant_year_over"] is True


def test_a_budget_id_that_is_a_goals_id_is_a_plan_error() -> None:
    goal = Target(id="i1/funding/2013", direction="at_least", target=1, deadline="2013-12-31")
    plan = Plan(
        id="p", initiatives=[Initiative(id="i1", funding=[Funding(1, 2013)], targets=[goal])]
    )
    with pytest.raises(PlanError, match="also a goal's id"):
        budget_targets(plan)


# --- facts ----------------------------------------------------------------------------------


def test_spent_to_date_counts_only_lines_dated_by_as_of() -> None:
    plan = _plan(
        Funding(1200, 2013),
        Funding(300, 2013, kind="spent", date="2013-03-31"),
        Funding(300, 2013, kind="spent", date="2013-06-30"),
        Funding(999, 2013, kind="spent"),  # undated: the year's last day
    )
    (target,) = budget_targets(plan)
    at_q1 = _facts(target, dt.date(2013, 4, 15))
    assert at_q1["spent"] == 300
    assert at_q1["spent_share"] == 0.25
    at_q2 = _facts(target, dt.date(2013, 6, 30))
    assert at_q2["spent"] == 600
    assert at_q2["expected_share"] == pytest.approx(181 / 365)
    # linear projection: spent / elapsed share of the year
    assert at_q2["forecast_spend"] == pytest.approx(600 * 365 / 181)
    assert at_q2["forecast_given"] is False
    over = _facts(target, dt.date(2014, 1, 1))
    assert over["spent"] == over["forecast_spend"] == 1599
    assert over["grant_year_over"] is True


def test_the_latest_expected_line_made_by_as_of_is_the_forecast() -> None:
    plan = _plan(
        Funding(1000, 2013),
        Funding(100, 2013, kind="spent", date="2013-02-28"),
        Funding(700, 2013, kind="expected", date="2013-03-01"),
        Funding(950, 2013, kind="expected", date="2013-09-01"),
    )
    (target,) = budget_targets(plan)
    assert _facts(target, dt.date(2013, 2, 28))["forecast_given"] is False
    spring = _facts(target, dt.date(2013, 5, 1))
    assert (spring["forecast_spend"], spring["forecast_given"]) == (700, True)
    assert spring["forecast_share"] == 0.7
    assert _facts(target, dt.date(2013, 10, 1))["forecast_spend"] == 950


def test_a_year_not_begun_without_spending_has_no_forecast() -> None:
    (target,) = budget_targets(_plan(Funding(1000, 2014)))
    facts = _facts(target, dt.date(2013, 6, 1))
    assert facts["expected_share"] == 0.0
    assert facts["spent"] is None
    assert facts["forecast_spend"] is None


def test_goals_have_no_funding_facts() -> None:
    goal = Target(id="g", direction="at_least", target=1)
    assert set(funding_facts(goal, ACCOUNT_DATE)) == {None}


# --- the rule set ---------------------------------------------------------------------------


def _status(plan: Plan, as_of: str) -> dict[str, str]:
    report = goalcheck.evaluate(plan, as_of, rules="funding")
    return {result.target_id: result.status for result in report.results}


def test_each_status_from_spending() -> None:
    within = _plan(Funding(1000, 2013), Funding(480, 2013, kind="spent", date="2013-06-30"))
    assert _status(within, "2013-06-30") == {"i1/funding/2013": "within_budget"}
    under = _plan(Funding(1000, 2013), Funding(200, 2013, kind="spent", date="2013-06-30"))
    assert _status(under, "2013-06-30") == {"i1/funding/2013": "underspend_risk"}
    over = _plan(Funding(1000, 2013), Funding(700, 2013, kind="spent", date="2013-06-30"))
    assert _status(over, "2013-06-30") == {"i1/funding/2013": "overspend_risk"}
    spent_over = _plan(Funding(1000, 2013), Funding(1001, 2013, kind="spent", date="2013-06-30"))
    report = goalcheck.evaluate(spent_over, "2013-07-01", rules="funding")
    assert report.results[0].rule == "overspent"
    none = _plan(Funding(1000, 2013))
    assert _status(none, "2013-06-30") == {"i1/funding/2013": "not_evaluable"}


def test_the_default_rules_still_judge_the_goals_only() -> None:
    plan = goalcheck.load_plan(JK)
    ids = [result.target_id for result in goalcheck.evaluate(plan, ACCOUNT_DATE).results]
    assert ids == [target.id for target in plan.iter_targets()]


def test_an_unknown_applies_to_is_a_rule_error(tmp_path: Path) -> None:
    source = (ROOT / "rules" / "funding.toml").read_text("utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(source.replace('applies_to = "funding"', 'applies_to = "fundng"'), "utf-8")
    with pytest.raises(RuleError, match="did you mean 'funding'"):
        goalcheck.evaluate(_plan(Funding(1, 2013)), "2013-06-30", rules=bad)


def test_a_spending_line_with_a_date_loads_from_toml(tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.toml"
    plan_file.write_text(
        'id = "p"\n[[initiatives]]\nid = "i1"\n'
        "[[initiatives.funding]]\namount = 1000\nyear = 2013\n"
        '[[initiatives.funding]]\namount = 300\nyear = 2013\nkind = "spent"\ndate = 2013-03-31\n'
        '[[initiatives.funding]]\namount = 900\nyear = 2013\nkind = "expected"\n'
        'date = "2013-04-01"\n',
        "utf-8",
    )
    plan = goalcheck.load_plan(plan_file)
    assert plan.initiatives[0].funding[1].date == dt.date(2013, 3, 31)
    report = goalcheck.evaluate(plan, "2013-04-30", rules="funding")
    (result,) = report.results
    assert (result.status, result.facts["forecast_spend"]) == ("underspend_risk", 900)


# --- the examples ---------------------------------------------------------------------------


def test_the_grant_shows_the_repayment_risk_the_letter_describes() -> None:
    plan = goalcheck.load_plan(JK)
    report = goalcheck.evaluate(plan, ACCOUNT_DATE, rules="funding")
    results = {result.target_id: result for result in report.results}
    y2007 = results["jobkonsulenter-2007/funding/2007/københavns-kommune"]
    y2008 = results["jobkonsulenter-2007/funding/2008/københavns-kommune"]
    assert (y2007.status, y2008.status) == ("underspend_risk", "underspend_risk")
    # 001:L306-308: 12,5 mill. spent of 26,9; ca. 14 mill. carried over (0,4 mill. neither)
    assert y2007.facts["spent"] == 12_500_000
    assert y2007.facts["repayable"] == 398_526
    # 001:L308-310: 26,9 + 14 = "40,9 mill."; expected 34,9 mill. "inden for rammerne"
    assert y2008.facts["allocated"] == 40_898_526
    assert y2008.facts["forecast_spend"] == 34_900_000
    assert "repaid" in y2008.explain("en")
    assert "tilbagebetales" in y2008.explain("da")
    assert results["jobkonsulenter-2007/funding/2009/københavns-kommune"].status == (
        "not_evaluable"
    )


def test_the_budget_lines_of_2013_evaluate() -> None:
    plan = goalcheck.load_plan(BUDGET)
    report = goalcheck.evaluate(plan, plan.date, rules="funding")
    assert report.results
    assert {result.status for result in report.results} == {"not_evaluable"}
    assert {result.initiative for result in report.results} <= {i.id for i in plan.initiatives}


@pytest.mark.parametrize("lang", ["en", "da"])
def test_golden_funding_report(lang: str) -> None:
    plan = goalcheck.load_plan(JK)
    report = goalcheck.evaluate(plan, ACCOUNT_DATE, rules="funding")
    text = output.render(report, "json", lang, plan=plan)
    path = GOLDEN / f"jobkonsulenter-2007.funding.{lang}.json"
    if os.environ.get("GOALCHECK_REGEN_GOLDEN") == "1":
        path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    assert path.exists(), f"no golden file {path}: run with GOALCHECK_REGEN_GOLDEN=1"
    assert json.loads(path.read_text("utf-8")) == json.loads(text), (
        f"the funding report differs from {path.name}: if that is on purpose, review and "
        "regenerate with GOALCHECK_REGEN_GOLDEN=1"
    )


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown", "html"])
@pytest.mark.parametrize("lang", ["en", "da"])
def test_every_format_shows_the_budget_targets(fmt: str, lang: str) -> None:
    plan = goalcheck.load_plan(JK)
    report = goalcheck.evaluate(plan, ACCOUNT_DATE, rules="funding")
    text = output.render(report, fmt, lang, plan=plan, width=200)
    label = "risiko for mindreforbrug" if lang == "da" else "underspend risk"
    assert label in text or (fmt in ("json", "csv") and "underspend_risk" in text)
    assert "2008" in text


def test_funding_rows_per_initiative_and_year() -> None:
    plan = _plan(Funding(1000, 2013, "drift"), Funding(1000, 2013, "drift", "spent"))
    report = goalcheck.evaluate(plan, "2014-01-15", rules="funding")
    (row,) = funding_rows(report.results)
    assert row["id"] == "i1/funding/2013/drift"
    assert row["initiative"] == "i1"
    assert (row["allocated"], row["spent"], row["status"]) == (1000, 1000, "within_budget")
    goals = goalcheck.evaluate(plan, "2014-01-15")
    assert funding_rows(goals.results) == []


def test_spending_and_expected_lines_survive_a_dump(tmp_path: Path) -> None:
    from goalcheck._io import dump_plan

    plan = goalcheck.load_plan(JK)
    again = tmp_path / "plan.toml"
    again.write_text(dump_plan(plan), "utf-8")
    reloaded = goalcheck.load_plan(again)
    assert reloaded.funding == plan.funding
    assert [f.date for f in reloaded.funding if f.kind.value == "expected"] == [ACCOUNT_DATE]


def test_one_budget_target_is_judged_and_explained_alone() -> None:
    from goalcheck.engine import evaluate_target
    from goalcheck.errors import TargetNotFoundError

    plan = goalcheck.load_plan(JK)
    name = "jobkonsulenter-2007/funding/2008/københavns-kommune"
    result = evaluate_target(plan, name, ACCOUNT_DATE, rules="funding")
    assert (result.target_id, result.status) == (name, "underspend_risk")
    with pytest.raises(TargetNotFoundError, match="did you mean"):
        evaluate_target(plan, name[:-1], ACCOUNT_DATE, rules="funding")
    assert evaluate_target(plan, "R2", ACCOUNT_DATE).status == "met"  # goals as before


@pytest.mark.parametrize(("lang", "words"), [("en", "must be repaid"), ("da", "tilbagebetales")])
def test_explain_a_budget_target(lang: str, words: str) -> None:
    plan = goalcheck.load_plan(JK)
    name = "jobkonsulenter-2007/funding/2007/københavns-kommune"
    text = output.explain(plan, name, ACCOUNT_DATE, "funding", lang)
    assert name in text
    assert words in text
    assert "repayable" in text


# --- funding beside the goals in every report (issue 14) ------------------------------------


def _jk_report_with_funding() -> tuple[object, object]:
    from goalcheck.output import with_funding

    plan = goalcheck.load_plan("examples/jobkonsulenter-2007")
    report = goalcheck.evaluate(plan, "2008-04-24")
    return plan, with_funding(report, plan)


def test_funding_beside_the_goals_in_json() -> None:
    _, report = _jk_report_with_funding()
    data = report.to_dict()  # type: ignore[attr-defined]
    assert {r["status"] for r in data["results"]} <= {
        "met",
        "on_track",
        "at_risk",
        "not_evaluable",
    }
    rows = {row["id"]: row for row in data["funding"]}
    grant_2007 = next(
        row for row in rows.values() if row["allocated"] == 26_898_526 and row["spent"]
    )
    assert grant_2007["status"] == "underspend_risk"
    assert grant_2007["spent"] == 12_500_000


@pytest.mark.parametrize(
    ("fmt", "lang", "heading", "status"),
    [
        ("table", "en", "Funding", "underspend risk"),
        ("table", "da", "Økonomi", "risiko for mindreforbrug"),
        ("markdown", "en", "## Funding", "underspend risk"),
        ("html", "da", '<section class="funding"><h2>Økonomi</h2>', "risiko for mindreforbrug"),
    ],
)
def test_funding_beside_the_goals_in_every_format(
    fmt: str, lang: str, heading: str, status: str
) -> None:
    from goalcheck.output import render

    plan, report = _jk_report_with_funding()
    text = render(report, fmt, lang, plan=plan, width=100)  # type: ignore[arg-type]
    assert heading in text
    assert status in text
    assert ("26,898,526" if lang == "en" else "26.898.526") in text


def test_the_cli_shows_funding_when_the_plan_reports_spending(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from goalcheck.cli import main

    args = ["evaluate", "examples/jobkonsulenter-2007", "--as-of", "2008-04-24"]
    assert main(args) == 0
    assert "underspend risk" in capsys.readouterr().out
    assert main([*args, "--no-funding"]) == 0
    assert "underspend risk" not in capsys.readouterr().out
    # the demo plan has no funding lines: nothing changes
    assert main(["evaluate", "examples/beskaeftigelsesaftale-2009", "--funding"]) in (0, 1)
    assert "Funding" not in capsys.readouterr().out
