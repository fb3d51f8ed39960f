"""goalcheck.load_opensdg: an Open SDG data repository read as sdg-build 2.4 selects its data."""

from __future__ import annotations

import json
import shutil
import sys
import warnings
from pathlib import Path

import pytest

import goalcheck
from goalcheck._io._opensdg import series_tag
from goalcheck.cli import main
from goalcheck.errors import PlanError

REPO = Path(__file__).parent / "data" / "opensdg" / "repo"


def _load(path: Path = REPO) -> goalcheck.Plan:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return goalcheck.load_opensdg(path)


def _targets(plan: goalcheck.Plan) -> dict[str, goalcheck.Target]:
    return {t.id: t for t in plan.iter_targets()}


def _cagr(v1: float, v0: float, t1: int, t0: int) -> float:
    return float((v1 / v0) ** (1 / (t1 - t0)) - 1)


# -- hand-computed from docs/explanation/methodologies.md (the written method) -------------
# 1-1-1, one unnamed series, target 2 by 2030, direction negative (default): 10 (2015) -> 8 (2020)
R_111 = -1 * _cagr(8, 10, 2020, 2015) / abs(_cagr(2, 10, 2030, 2015))
S_111 = max(4.1667 * R_111 - 2.5, -5)  # R < 0.6
# 3-2-1 / Under-5 ...: base year 2015 missing -> 2016 (40), latest 2021 (38.5), no target, negative
G_U5 = -1 * _cagr(38.5, 40, 2021, 2016)
S_U5 = 250 * G_U5 - 1.25  # 0.005 <= g < 0.015
# 3-2-1 / Skilled birth attendance: positive, limit 100, 90 (2015) -> 92 (2020)
C_SBA = 1 - (90 / 100) ** 4.44
G_SBA = _cagr(92, 90, 2020, 2015)
S_SBA = 250 * G_SBA / C_SBA - 1.25  # 0.005 C <= g < 0.015 C
# 3-2-1 / Neonatal mortality: target 12, latest 11 -> target achieved, score 5
S_321 = (S_U5 + S_SBA + 5) / 3
# 4-1-1 / Female: Year "2015-2016" reads 2015; 80 -> 90 (2019), target 100 by 2030, positive
R_F = _cagr(90, 80, 2019, 2015) / abs(_cagr(100, 80, 2030, 2015))
S_F = min(7.1429 * R_F - 4.2857, 5)


def test_hand_computed_values_are_the_ones_pinned() -> None:
    assert round(R_111, 4) == 0.4290
    assert round(S_111, 4) == -0.7124
    assert round(G_U5, 5) == 0.00762
    assert round(S_U5, 4) == 0.6538
    assert round(C_SBA, 4) == 0.3736
    assert round(S_SBA, 4) == 1.6978
    assert round(S_321, 4) == 2.4505  # below 2.5: moderate
    assert 0.95 < R_F < 2.5
    assert S_F == 5


EXPECTED = {
    "1-1-1": ("limited_progress", S_111),
    "3-2-1 / Under-5 mortality / Per 1000 live births": ("moderate_progress", S_U5),
    "3-2-1 / Skilled birth attendance / Percent": ("moderate_progress", S_SBA),
    "3-2-1 / Neonatal mortality": ("target_achieved", 5.0),
    # its own progress_thresholds high 2.5 moves the status, not the score
    "4-1-1 / Female": ("moderate_progress", S_F),
    "4-1-1 / Male": ("not_evaluable", None),  # no data in or after base year 2022
    "6-1-1 / Access to sanitation": ("not_evaluable", None),  # series absent
    "6-1-1 / Access to water": ("not_evaluable", None),  # duplicate year
}
INDICATORS = {
    "1-1-1": ("limited_progress", S_111),
    "3-2-1": ("moderate_progress", S_321),
    "4-1-1": ("substantial_progress", S_F),  # mean of scored series 5, not all met
    "6-1-1": ("not_evaluable", None),
}


def test_cli_json_gives_hand_computed_statuses_scores_and_indicator_statuses(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["evaluate", "--opensdg", str(REPO), "--rules", "open-sdg", "--format", "json"])
    out = capsys.readouterr().out
    assert code == 0
    report = json.loads(out)
    results = {r["id"]: r for r in report["results"]}
    assert set(results) == set(EXPECTED)
    for tag, (status, score) in EXPECTED.items():
        assert results[tag]["status"] == status, tag
        got = results[tag]["facts"]["score"]
        assert got == pytest.approx(score, abs=1e-12) if score is not None else got is None, tag
    rollups = {
        (r.get("level"), r.get("id")): r
        for r in report["rollups"]
        if r.get("level") == "initiative"
    }
    for indicator, (status, score) in INDICATORS.items():
        rollup = rollups[("initiative", indicator)]
        assert rollup["status"] == status, indicator
        if score is None:
            assert rollup.get("score") is None
        else:
            assert rollup["score"] == pytest.approx(score, abs=1e-12), indicator


def test_selection_rules() -> None:
    plan = _load()
    targets = _targets(plan)
    # only indicators with auto_progress_calculation true (5-1-1 is off; 'true' counts)
    assert [i.id for i in plan.initiatives] == ["1-1-1", "3-2-1", "4-1-1", "6-1-1"]
    assert [a.id for a in plan.areas] == ["1", "3", "4", "6"]
    # headline rows only (the Female rows of 1-1-1 are not in the series)
    one = targets["1-1-1"]
    assert [(m.date.year, m.value) for m in one.measurements] == [
        (2015, 10),
        (2016, 9.6),
        (2020, 8),
    ]
    assert one.direction is goalcheck.Direction.AT_MOST
    assert one.target == 2
    assert one.deadline is not None
    assert one.deadline.isoformat() == "2030-12-31"
    # base year: the first later year present
    u5 = targets["3-2-1 / Under-5 mortality / Per 1000 live births"]
    assert u5.baseline == 40
    assert u5.baseline_date is not None
    assert u5.baseline_date.year == 2016
    assert u5.direction is goalcheck.Direction.DECREASE
    sba = targets["3-2-1 / Skilled birth attendance / Percent"]
    assert sba.limit == 100
    assert sba.direction is goalcheck.Direction.INCREASE
    female = targets["4-1-1 / Female"]
    assert female.baseline == 80
    assert [m.date.year for m in female.measurements] == [2015, 2019]
    assert female.params == {"substantial_ratio": 2.5}
    male = targets["4-1-1 / Male"]
    assert male.baseline is None
    assert male.baseline_date is None
    assert targets["6-1-1 / Access to water"].measurements == ()


def test_problems_are_located_warnings() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        goalcheck.load_opensdg(REPO)
    messages = [str(w.message) for w in caught]
    assert any("indicator_4-1-1.csv" in m and "base year 2022" in m for m in messages)
    assert any("indicator_6-1-1.csv" in m and "second value for year 2016" in m for m in messages)
    assert any("'Access to sanitation' does not occur" in m for m in messages)


def test_tags() -> None:
    assert series_tag("1-1-1", {}) == "1-1-1"
    assert series_tag("3-2-1", {"series": "S", "unit": "U"}) == "3-2-1 / S / U"
    config = {"disaggregation": [{"field": "Sex", "value": None}, {"field": "Age", "value": "15"}]}
    assert series_tag("12-2-1", config) == "12-2-1 / None / 15"
    long = (
        "Participation rate of youth and adults in formal and non-formal education and training "
        "in the previous 12 months"
    )
    config = {
        "series": long,
        "unit": "Adjusted gender parity index",
        "disaggregation": [{"field": "Age", "value": "15-64 years old"}],
    }
    tag = series_tag("4-5-1", config)
    assert tag == (
        "4-5-1 / Participation rate of youth and adults in formal and non-forma... / "
        "Adjusted gender parity index / 15-64 years old"
    )
    assert len(tag) == 122


def _copy(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(REPO, repo)
    return repo


def test_bad_yaml_is_one_located_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = _copy(tmp_path)
    (repo / "indicator-config" / "1-1-1.yml").write_text("a: [1, 2\nb: c\n", encoding="utf-8")
    with pytest.raises(PlanError) as error:
        goalcheck.load_opensdg(repo)
    assert "indicator-config/1-1-1.yml:line" in str(error.value)
    code = main(["evaluate", "--opensdg", str(repo), "--rules", "open-sdg"])
    err = capsys.readouterr().err
    assert code == 2
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1
    assert "1-1-1.yml:line" in lines[0]
    assert "YAML syntax error" in lines[0]


def test_malformed_repository_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "--opensdg", str(tmp_path), "--rules", "open-sdg"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "not an Open SDG data repository" in err[0]
    assert str(tmp_path) in err[0]
    repo = _copy(tmp_path)
    (repo / "data" / "indicator_1-1-1.csv").write_text("Year,Sex\n2015,\n", encoding="utf-8")
    assert main(["evaluate", "--opensdg", str(repo)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "indicator_1-1-1.csv" in err[0]
    assert "no Value column" in err[0]


def test_opensdg_excludes_plan(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "plan.toml", "--opensdg", str(REPO)]) == 2
    assert "one of PLAN" in capsys.readouterr().err


def test_round_trip_to_toml(tmp_path: Path) -> None:
    plan = _load()
    goalcheck.write_plan(plan, tmp_path / "plan.toml")
    again = goalcheck.load_plan(tmp_path / "plan.toml")
    assert [t.id for t in again.iter_targets()] == [t.id for t in plan.iter_targets()]
    before = goalcheck.evaluate(plan, rules="open-sdg")
    after = goalcheck.evaluate(again, plan.date, rules="open-sdg")
    assert [r.status for r in before] == [r.status for r in after]


def test_missing_pyyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "yaml", None)  # import yaml raises ImportError
    with pytest.raises(goalcheck.MissingDependencyError, match=r"goalcheck\[opensdg\]"):
        goalcheck.load_opensdg(REPO)


def test_explain_a_series(capsys: pytest.CaptureFixture[str]) -> None:
    tag = "3-2-1 / Skilled birth attendance / Percent"
    assert main(["explain", "--opensdg", str(REPO), "--rules", "open-sdg", tag]) == 0
    out = capsys.readouterr().out
    assert "limit_coefficient" in out
    assert "moderate_progress" in out or "moderate progress" in out
    assert main(["explain", "--opensdg", str(REPO), "--rules", "open-sdg", "3-2-1 / S"]) == 2
    assert f"{REPO}: no target '3-2-1 / S'" in capsys.readouterr().err


def _repo(tmp_path: Path, csv: str, config: str, name: str = "9-1-1") -> Path:
    repo = tmp_path / "r"
    (repo / "data").mkdir(parents=True, exist_ok=True)
    (repo / "indicator-config").mkdir(exist_ok=True)
    if csv:
        (repo / "data" / f"indicator_{name}.csv").write_text(csv, encoding="utf-8")
    (repo / "indicator-config" / f"{name}.yml").write_text(config, encoding="utf-8")
    return repo


def _points(target: goalcheck.Target) -> list[tuple[int, float]]:
    return [(m.date.year, m.value) for m in target.measurements]


MORE = """Year,Series,Sex,Age,Progress,Value
2015,A,,,1,100
2016,A,,,NA,101
2020,A,,,2,102
2015,A,Female,,5,200
2020,A,Female,,6,210
2015,A,Female,15-24,7,300
2020,A,Female,15-24,8,310
2015,B,,,1,9
"""


def test_more_selection_rules(tmp_path: Path) -> None:
    config = """auto_progress_calculation: true
progress_calculation_options:
  - series: A
  - series: A
    disaggregation: [{field: Sex, value: Female}]
  - series: A
    disaggregation: [{field: Sex, value: Female}, {field: Age, value: 15-24}]
  - series: A
    disaggregation: [{field: Sex, value: }]
  - {}
  - series: A
    disaggregation: [{field: Region, value: North}]
  - group:
      - series: A
"""
    repo = _repo(tmp_path, MORE, config)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plan = goalcheck.load_opensdg(repo)
    targets = list(plan.iter_targets())
    ids = [t.id for t in targets]
    assert ids == [
        "9-1-1 / A",
        "9-1-1 / A / Female",
        "9-1-1 / A / Female / 15-24",
        "9-1-1 / A / None",
        "9-1-1",
        "9-1-1 / A / North",
        "9-1-1 / A (2)",  # the group's series: the same tag as the first
    ]
    # Progress replaces Value; NA dropped; headline rows only (Sex and Age empty)
    assert _points(targets[0]) == [(2015, 1), (2020, 2)]
    # with a disaggregation, the other disaggregation columns (Age) must be empty
    assert _points(targets[1]) == [(2015, 5), (2020, 6)]
    assert _points(targets[2]) == [(2015, 7), (2020, 8)]
    # an empty configured value selects the empty cells
    assert _points(targets[3]) == [(2015, 1), (2020, 2)]
    # no series option: two Series values are left -> nothing
    assert targets[4].measurements == ()
    # a filter on a missing column selects nothing
    assert targets[5].measurements == ()
    assert _points(targets[6]) == [(2015, 1), (2020, 2)]
    messages = " ".join(str(w.message) for w in caught)
    assert "several sub-series are left in column 'Series'" in messages
    assert "column 'Region' is not in the data" in messages
    assert "averaged with the indicator's other series" in messages
    assert "the later is '9-1-1 / A (2)'" in messages


def test_no_data_file_and_auto_off(tmp_path: Path) -> None:
    repo = _repo(tmp_path, "", "auto_progress_calculation: true\n")
    (repo / "indicator-config" / "9-2-1.yml").write_text("auto_progress_calculation: false\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plan = goalcheck.load_opensdg(repo)
    assert [i.id for i in plan.initiatives] == ["9-1-1"]
    (target,) = plan.iter_targets()
    assert target.id == "9-1-1"
    assert target.measurements == ()
    assert any("has no data file" in str(w.message) for w in caught)


def test_meta_md_front_matter_and_merge(tmp_path: Path) -> None:
    repo = _repo(tmp_path, "Year,Value\n2015,4\n2019,2\n", "auto_progress_calculation: true\n")
    (repo / "meta").mkdir()
    (repo / "meta" / "9-1-1.md").write_text(
        "---\nindicator_name: Name from meta\nprogress_calculation_options:\n"
        "  - target: 1\n    target_year: 2025\n---\nProse.\n",
        encoding="utf-8",
    )
    plan = _load(repo)
    (initiative,) = plan.initiatives
    assert initiative.title == "Name from meta"
    (target,) = initiative.targets
    assert target.target == 1
    assert target.deadline is not None
    assert target.deadline.year == 2025


@pytest.mark.parametrize(
    ("config", "words"),
    [
        ("- a\n- b\n", "must be a mapping, not list"),
        (
            "auto_progress_calculation: true\nprogress_calculation_options: [{target: x}]\n",
            "target must be a number",
        ),
        (
            "auto_progress_calculation: true\nprogress_calculation_options: [{base_year: 15.5}]\n",
            "base_year must be a year",
        ),
    ],
)
def test_bad_configuration_is_located(tmp_path: Path, config: str, words: str) -> None:
    repo = _repo(tmp_path, "Year,Value\n2015,1\n", config)
    with pytest.raises(PlanError) as error:
        goalcheck.load_opensdg(repo)
    assert words in str(error.value)
    assert "9-1-1.yml" in str(error.value)
