"""The methodology rule sets (open-sdg, eurostat, un-progress-2023) against hand-computed cases.

Every case has its baseline on 2010-01-01, its value on 2015-01-01 and its deadline on
2020-01-01: 5 of 10 calendar years.  Going from 100 to 200 needs CAGR 2^(1/10) - 1 = 7.177 %
a year; from 200 down to 100 needs 0.5^(1/10) - 1 = -6.697 %.  The rule test files in
rules/tests hold more cases; these go through the public Python API and the command line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import goalcheck
from goalcheck.cli import main
from goalcheck.model import Measurement, Target

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
    ("growth", "expected"),
    [
        (0.0151, "substantial_progress"),
        (0.0149, "moderate_progress"),
        (0.0051, "moderate_progress"),
        (0.0049, "limited_progress"),
        (0.0001, "limited_progress"),
        (-0.0001, "deterioration"),
    ],
)
def test_direction_only_growth_thresholds(direction: str, growth: float, expected: str) -> None:
    sign = 1 if direction == "increase" else -1
    t = target(direction, 100, 100 * (1 + sign * growth) ** 5)
    assert goalcheck.compute_facts(t, AS_OF)["growth"] == pytest.approx(growth)
    assert status(t, "open-sdg") == expected
    assert status(t, "eurostat") == "not_evaluable"


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
