"""The methodology rule sets (open-sdg, eurostat, un-progress-2023) against hand-computed cases.

Every case has its baseline on 2010-01-01, its value on 2015-01-01 and its deadline on
2020-01-01: 5 of 10 calendar years.  Going from 100 to 200 needs CAGR 2^(1/10) - 1 = 7.177 %
a year; from 200 down to 100 needs 0.5^(1/10) - 1 = -6.697 %.  The rule test files in
rules/tests hold more cases; these go through the public Python API and the command line.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import goalcheck
from goalcheck.cli import main
from goalcheck.errors import PlanError, RuleError
from goalcheck.model import Initiative, Measurement, Plan, Target
from goalcheck.periods import years_between

UP = 2**0.1 - 1  # required CAGR, 100 -> 200 in 10 years
DOWN = 0.5**0.1 - 1  # required CAGR, 200 -> 100 in 10 years
AS_OF = "2015-06-30"


def target(direction: str, baseline: float, value: float, goal: float | None = None) -> Target:
    return Target(
        id="T",
        title="t",
        direction=direction,
        target=goal,
        baseline=baseline,
        baseline_date="2010-01-01",
        deadline="2020-01-01",
        measurements=[Measurement(date="2015-01-01", value=value)],
    )


def at_ratio(direction: str, ratio: float) -> Target:
    """A target whose observed CAGR is *ratio* times the required one."""
    if direction == "at_least":
        return target(direction, 100, 100 * (1 + ratio * UP) ** 5, 200)
    return target(direction, 200, 200 * (1 + ratio * DOWN) ** 5, 100)


def status(t: Target, rules: str) -> str:
    [result] = goalcheck.evaluate_iter([t], AS_OF, rules)
    return result.status


@pytest.mark.parametrize("direction", ["at_least", "at_most"])
def test_growth_ratio_is_hand_computed(direction: str) -> None:
    facts = goalcheck.compute_facts(at_ratio(direction, 0.5), AS_OF)
    assert facts["growth_ratio"] == pytest.approx(0.5)
    assert facts["growth_required"] == pytest.approx(UP if direction == "at_least" else DOWN)


RATIO_CASES = [
    (0.96, "substantial_progress", "significant_progress"),
    (0.94, "moderate_progress", "moderate_progress"),
    (0.61, "moderate_progress", "moderate_progress"),
    (0.59, "limited_progress", "insufficient_progress"),
    (0.01, "limited_progress", "insufficient_progress"),
    (-0.01, "deterioration", "movement_away"),
]


@pytest.mark.parametrize("direction", ["at_least", "at_most"])
@pytest.mark.parametrize(("ratio", "open_sdg", "eurostat"), RATIO_CASES)
def test_ratio_thresholds(direction: str, ratio: float, open_sdg: str, eurostat: str) -> None:
    t = at_ratio(direction, ratio)
    assert status(t, "open-sdg") == open_sdg
    assert status(t, "eurostat") == eurostat


@pytest.mark.parametrize(("direction", "value"), [("at_least", 200.0), ("at_most", 100.0)])
def test_target_reached(direction: str, value: float) -> None:
    baseline, goal = (100, 200) if direction == "at_least" else (200, 100)
    t = target(direction, baseline, value, goal)
    assert status(t, "open-sdg") == "target_achieved"
    assert status(t, "eurostat") == "significant_progress"
    assert status(t, "un-progress-2023") == "met_or_on_track"


@pytest.mark.parametrize("direction", ["increase", "decrease"])
@pytest.mark.parametrize(
    ("growth", "expected", "eurostat"),
    [
        (0.0151, "substantial_progress", "significant_progress"),
        (0.0149, "moderate_progress", "significant_progress"),
        (0.0101, "moderate_progress", "significant_progress"),
        (0.0099, "moderate_progress", "moderate_progress"),
        (0.0051, "moderate_progress", "moderate_progress"),
        (0.0049, "limited_progress", "moderate_progress"),
        (0.0001, "limited_progress", "moderate_progress"),
        (-0.0001, "deterioration", "moderate_movement_away"),
        (-0.0099, "deterioration", "moderate_movement_away"),
        (-0.0101, "deterioration", "significant_movement_away"),
    ],
)
def test_direction_only_growth_thresholds(
    direction: str, growth: float, expected: str, eurostat: str
) -> None:
    sign = 1 if direction == "increase" else -1
    t = target(direction, 100, 100 * (1 + sign * growth) ** 5)
    facts = goalcheck.compute_facts(t, AS_OF)
    assert facts["growth"] == pytest.approx(growth)
    assert facts["progress_value"] == pytest.approx(growth)
    assert status(t, "open-sdg") == expected
    assert status(t, "eurostat") == eurostat


@pytest.mark.parametrize("direction", ["at_least", "at_most"])
@pytest.mark.parametrize(
    ("cr", "expected"),
    [
        (0.96, "met_or_on_track"),
        (0.94, "fair_progress"),
        (0.11, "fair_progress"),
        (0.09, "stagnation_or_regression"),
        (-0.2, "stagnation_or_regression"),
    ],
)
def test_un_current_status_ratio(direction: str, cr: float, expected: str) -> None:
    # Half way in time, value = b * (1 + c)^5 and the anticipated value b * (1 + c)^10,
    # so CR = ((v / b)^2 * b - b) / (t - b), i.e. v = sqrt(b * (b + cr * (t - b))).
    baseline, goal = (100.0, 200.0) if direction == "at_least" else (200.0, 100.0)
    value = (baseline * (baseline + cr * (goal - baseline))) ** 0.5
    t = target(direction, baseline, value, goal)
    assert goalcheck.compute_facts(t, AS_OF)["anticipated_ratio"] == pytest.approx(cr)
    assert status(t, "un-progress-2023") == expected


def test_no_data_is_not_evaluable() -> None:
    t = Target(id="T", title="t", direction="at_least", target=200, baseline=100)
    for rules in ("open-sdg", "eurostat", "un-progress-2023"):
        assert status(t, rules) == "not_evaluable"


def test_cli_evaluates_csv_with_a_direction_only_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    targets = tmp_path / "targets.csv"
    targets.write_text(
        "id,title,direction,target,baseline,baseline_date,deadline\n"
        "A,Up to 200,at_least,200,100,2010-01-01,2020-01-01\n"
        "B,More,increase,,100,2010-01-01,2020-01-01\n",
        encoding="utf-8",
    )
    measurements = tmp_path / "measurements.csv"
    measurements.write_text(
        f"target_id,date,value\nA,2015-01-01,{100 * (1 + 0.5 * UP) ** 5}\n"
        f"B,2015-01-01,{100 * 1.02**5}\n",
        encoding="utf-8",
    )
    code = main(
        [
            "evaluate",
            "--targets",
            str(targets),
            "--measurements",
            str(measurements),
            "--rules",
            "open-sdg",
            "--as-of",
            AS_OF,
            "--format",
            "json",
        ]
    )
    data = json.loads(capsys.readouterr().out)
    assert data["rules"]["name"] == "open-sdg"
    assert {r["id"]: r["status"] for r in data["results"]} == {
        "A": "limited_progress",
        "B": "substantial_progress",
    }
    assert code == 0


# --- issue 15: per-target parameters, whole years, rollups -------------------------------------


def yearly(direction: str, baseline: float, value: float, **kw: object) -> Target:
    """Baseline in 2015, the value in 2020, deadline 2030 (dates written as years)."""
    return Target(
        id=str(kw.pop("id", "T")),
        title="t",
        direction=direction,
        baseline=baseline,
        baseline_date="2015",
        deadline="2030",
        measurements=[Measurement(date=str(kw.pop("date", "2020")), value=value)],
        **kw,  # type: ignore[arg-type]
    )


def test_a_target_parameter_changes_the_verdict_and_shows_in_the_explanation() -> None:
    plain = yearly("increase", 100, 108.2601)  # +1.6 % a year
    own = yearly("increase", 100, 108.2601, params={"substantial_growth": 0.02})
    [a, b] = goalcheck.evaluate_iter([plain, own], "2021-06-30", "open-sdg")
    assert (a.status, b.status) == ("substantial_progress", "moderate_progress")
    assert "1.5%" in a.explanation
    assert "2.0%" not in a.explanation
    assert "2.0%" in b.explanation  # the target's own threshold is the one cited
    assert "substantial_growth = 0.02" in b.explanation  # and it says it is the target's own
    assert "substantial_growth" not in a.explanation.split("(")[-1]
    assert "substantial_growth = 0,02" in b.explain("da")


def test_a_target_parameter_wins_over_the_evaluation_parameter() -> None:
    own = yearly("increase", 100, 108.2601, params={"substantial_growth": 0.015})
    [result] = goalcheck.evaluate_iter([own], "2021-06-30", "open-sdg", substantial_growth=0.02)
    assert result.status == "substantial_progress"


def test_an_unknown_target_parameter_is_refused_with_did_you_mean() -> None:
    t = yearly("increase", 100, 108, params={"substantial_grwoth": 0.02})
    plan = Plan(id="p", targets=[t])
    with pytest.raises(PlanError) as caught:
        goalcheck.evaluate(plan, "2021-06-30", "open-sdg")
    message = str(caught.value)
    assert "substantial_grwoth" in message
    assert "did you mean 'substantial_growth'" in message
    assert "T" in message  # names the target
    with pytest.raises(PlanError, match="did you mean 'substantial_growth'"):
        list(goalcheck.evaluate_iter([t], "2021-06-30", "open-sdg"))


def test_a_target_parameter_of_the_wrong_type_is_refused() -> None:
    t = yearly("increase", 100, 108, params={"substantial_growth": True})
    with pytest.raises(PlanError, match="must be a number"):
        goalcheck.evaluate(Plan(id="p", targets=[t]), "2021-06-30", "open-sdg")


def test_whole_years_give_sdg_builds_figure_for_a_mid_year_value() -> None:
    # 100 in "2015" (31 December 2015), 104 on 30 June 2020: 4.497 calendar years, 5 whole.
    t = yearly("increase", 100, 104, date="2020-06-30")
    facts = goalcheck.compute_facts(t, "2021-06-30")
    calendar = years_between(dt.date(2015, 12, 31), dt.date(2020, 6, 30))
    assert facts["growth"] == pytest.approx(1.04 ** (1 / calendar) - 1)  # calendar-exact
    [result] = goalcheck.evaluate_iter([t], "2021-06-30", "open-sdg")
    assert result.facts["progress_value"] == 1.04 ** (1 / 5) - 1  # whole years, bit for bit
    assert result.status == "moderate_progress"  # 0.787 % a year; calendar years: 0.875 %


def test_open_sdg_rolls_an_initiative_up_by_mean_score() -> None:
    series = [
        yearly("increase", 100, 108.2601, id="a"),  # +1.6 %: score 3.0
        yearly("increase", 100, 99.0, id="b"),  # -0.2 %: score -2.75
        yearly("at_least", 100, 110.0, id="c", target=105),  # met: score 5
    ]
    plan = Plan(id="p", initiatives=[Initiative(id="I", targets=series)])
    report = goalcheck.evaluate(plan, "2021-06-30", "open-sdg")
    scores = [report[t].facts["score"] for t in "abc"]
    [initiative] = [r for r in report.rollups if r.level == "initiative"]
    assert initiative.method == "mean_score"
    assert initiative.score == pytest.approx(sum(scores) / 3)  # type: ignore[arg-type]
    assert initiative.status == "moderate_progress"  # (3.0 - 2.75 + 5) / 3 = 1.75
    assert initiative.to_dict()["score"] == initiative.score
    worst = goalcheck.evaluate(plan, "2021-06-30", "eurostat")
    assert all("score" not in r.to_dict() for r in worst.rollups)


def test_every_met_series_makes_the_indicator_achieved() -> None:
    series = [yearly("at_least", 100, 110.0, id=i, target=105) for i in "ab"]
    series.append(yearly("increase", 100, 10, id="c", date="2015"))  # no score: ignored
    plan = Plan(id="p", initiatives=[Initiative(id="I", targets=series)])
    report = goalcheck.evaluate(plan, "2021-06-30", "open-sdg")
    [initiative] = [r for r in report.rollups if r.level == "initiative"]
    assert initiative.status == "target_achieved"
    assert report["c"].status == "not_evaluable"


def test_share_met_rollup_from_a_rule_set_that_extends_open_sdg(tmp_path: Path) -> None:
    rules = tmp_path / "share.toml"
    rules.write_text(
        'extends = "open-sdg"\nname = "share"\nversion = "1"\n'
        '[rollup]\nmethod = "share_met"\nmet = "target_achieved"\n'
        'bands = [{ min = 0.5, status = "moderate_progress" }, { status = "deterioration" }]\n',
        encoding="utf-8",
    )
    series = [
        yearly("at_least", 100, 110.0, id="a", target=105),
        yearly("increase", 100, 99.0, id="b"),
        yearly("increase", 100, 10, id="c", date="2015"),  # not evaluable: not counted
    ]
    plan = Plan(id="p", initiatives=[Initiative(id="I", targets=series)])
    report = goalcheck.evaluate(plan, "2021-06-30", rules)
    [initiative] = [r for r in report.rollups if r.level == "initiative"]
    assert (initiative.method, initiative.score, initiative.status) == (
        "share_met",
        0.5,
        "moderate_progress",
    )


def test_a_misspelt_rollup_method_is_refused(tmp_path: Path) -> None:
    rules = tmp_path / "bad.toml"
    rules.write_text(
        'extends = "open-sdg"\nname = "bad"\nversion = "1"\nrollup = "mean_scores"\n', "utf-8"
    )
    with pytest.raises(RuleError, match="did you mean 'mean_score'"):
        goalcheck.evaluate(Plan(id="p"), "2021-06-30", rules)


def test_a_misspelt_years_option_is_refused(tmp_path: Path) -> None:
    rules = tmp_path / "bad.toml"
    rules.write_text(
        'extends = "open-sdg"\nname = "bad"\nversion = "1"\nyears = "hole"\n', "utf-8"
    )
    with pytest.raises(RuleError, match="did you mean 'whole'"):
        goalcheck.evaluate(Plan(id="p"), "2021-06-30", rules)


def test_csv_limit_and_param_columns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    targets = tmp_path / "targets.csv"
    targets.write_text(
        "id,title,direction,baseline,baseline_date,deadline,limit,param.substantial_growth\n"
        "A,Near the limit,increase,90,2015,2030,100,\n"
        "B,Own threshold,increase,100,2015,2030,,0.02\n",
        encoding="utf-8",
    )
    measurements = tmp_path / "measurements.csv"
    measurements.write_text(
        "target_id,date,value\nA,2020,92.602\nB,2020,108.2601\n", encoding="utf-8"
    )
    code = main(
        [
            "evaluate",
            "--targets",
            str(targets),
            "--measurements",
            str(measurements),
            "--rules",
            "open-sdg",
            "--as-of",
            "2021-06-30",
            "--format",
            "json",
        ]
    )
    data = json.loads(capsys.readouterr().out)
    results = {r["id"]: r for r in data["results"]}
    assert results["A"]["status"] == "substantial_progress"  # 0.57 % >= 1.5 % x C(90, 100)
    assert results["A"]["facts"]["limit_coefficient"] == pytest.approx(0.37362, abs=1e-5)
    assert results["B"]["status"] == "moderate_progress"  # 1.6 % < its own 2 %
    assert "this target's own parameters: substantial_growth = 0.02" in results["B"]["explanation"]
    [plan_rollup] = [r for r in data["rollups"] if r["level"] == "plan"]
    assert plan_rollup["method"] == "mean_score"
    assert code == 0
