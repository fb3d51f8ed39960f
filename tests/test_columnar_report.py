"""The columnar backend's reports are the scalar engine's, rollups included.

``report_for`` (:func:`goalcheck.frame.explain_rows`, ``goalcheck evaluate --engine columnar``)
against :func:`goalcheck.evaluate` on the plan the CSV reader makes of the same rows: the same
results in the same order, and the same rollups (plan, each area, each initiative, the rule
set's method) over the *whole* table, whichever rows are explained.  On the shipped examples
(written as CSV files, every output format) and on generated plans (initiatives interleaved,
areas lent by an initiative's first target, default / mean-score / share-met rule sets); the
number of generated examples is bounded by the active Hypothesis profile ("ci" by default).
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

pl = pytest.importorskip("polars")

import goalcheck  # noqa: E402
from goalcheck import strategies as gst  # noqa: E402
from goalcheck._columnar import _report, evaluate_tables  # noqa: E402
from goalcheck._columnar._cli import evaluate_files  # noqa: E402
from goalcheck._columnar._convert import tables_from_targets  # noqa: E402
from goalcheck._columnar._report import report_for  # noqa: E402
from goalcheck._io._csv import load_tables  # noqa: E402
from goalcheck._io._sheet import Table  # noqa: E402
from goalcheck.engine import _located  # noqa: E402
from goalcheck.errors import GoalcheckError  # noqa: E402
from goalcheck.frame import explain_rows  # noqa: E402
from goalcheck.model import Plan, Target  # noqa: E402
from goalcheck.report import Report  # noqa: E402
from goalcheck.rules import RuleSet, load_rules  # noqa: E402

REL = 1e-9
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EXAMPLE_NAMES = sorted(p.name for p in EXAMPLES.iterdir() if (p / "plan.toml").is_file())
SHARE_MET = (
    'extends = "open-sdg"\nname = "share"\nversion = "1"\n'
    '[rollup]\nmethod = "share_met"\nmet = "target_achieved"\n'
    'bands = [{ min = 0.5, status = "moderate_progress" }, { status = "deterioration" }]\n'
)


@pytest.fixture(scope="module")
def share_met(tmp_path_factory: pytest.TempPathFactory) -> RuleSet:
    path = tmp_path_factory.mktemp("rules") / "share.toml"
    path.write_text(SHARE_MET, encoding="utf-8")
    return load_rules(path)


# --- comparing reports -------------------------------------------------------------------------


def _differences(got: object, expected: object, where: str = "report") -> list[str]:
    """Where two JSON-like values differ; floats may differ by 1e-9 relative (the columnar
    facts are the scalar ones within that, see tests/test_columnar_equivalence.py)."""
    if isinstance(got, dict) and isinstance(expected, dict):
        if list(got) != list(expected):
            return [f"{where}: keys {list(got)} != {list(expected)}"]
        return [d for k in got for d in _differences(got[k], expected[k], f"{where}.{k}")]
    if isinstance(got, list) and isinstance(expected, list):
        if len(got) != len(expected):
            return [f"{where}: {len(got)} items != {len(expected)}"]
        return [
            d
            for i, (a, b) in enumerate(zip(got, expected, strict=True))
            for d in _differences(a, b, f"{where}[{i}]")
        ]
    if isinstance(got, float) and isinstance(expected, float):
        if math.isclose(got, expected, rel_tol=REL, abs_tol=1e-12):
            return []
    elif got == expected and type(got) is type(expected):
        return []
    return [f"{where}: {got!r} != {expected!r}"]


def _as_data(report: Report) -> dict[str, Any]:
    data = report.to_dict()
    data["results"] = [
        {**r, "explanation_da": result.explain("da")}
        for r, result in zip(data["results"], report.results, strict=True)
    ]
    return data


def assert_same_report(got: Report, expected: Report) -> None:
    problems = _differences(_as_data(got), _as_data(expected))
    assert not problems, "\n".join(problems[:20])
    # the rollup scores are the scalar ones exactly wherever the targets' scores are
    scores = [(r.facts.get("score"), e.facts.get("score")) for r, e in zip(got, expected)]
    if all(a == b for a, b in scores) and len(got) == len(expected):
        assert [r.score for r in got.rollups] == [r.score for r in expected.rollups]


# --- CSV plans ---------------------------------------------------------------------------------


def _rows(frame: pl.DataFrame) -> list[list[Any]]:
    return [list(frame.columns), *map(list, frame.iter_rows())]


def csv_plan(targets: list[Target], plan_id: str = "p") -> tuple[Plan, pl.DataFrame, pl.DataFrame]:
    """The targets' tables, and the plan the CSV reader makes of those very rows."""
    table, measurements, _ = tables_from_targets(targets)
    rows, mrows = _rows(table), _rows(measurements)
    plan = load_tables(
        Plan(id=plan_id),
        ("targets.csv", lambda: Table(rows)),
        ("measurements.csv", lambda: Table(mrows)),
        decimal=None,
    )
    return plan, table, measurements


def _example_targets(name: str) -> list[Target]:
    """An example plan's targets as CSV rows: the initiative's area on its first target only
    (the others take it from the initiative, as the CSV reader lends it)."""
    plan = goalcheck.load_plan(EXAMPLES / name)
    seen: set[str | None] = set()
    out = []
    for target, initiative, area in _located(plan):
        first = initiative not in seen
        seen.add(initiative)
        lent = area if initiative is None or first else None
        out.append(attrs.evolve(target, initiative=initiative, area=lent, checkpoints=()))
    return out


def _as_of(name: str) -> dt.date:
    date = goalcheck.load_plan(EXAMPLES / name).date
    assert date is not None
    return date


def columnar_report(
    plan: Plan,
    table: pl.DataFrame,
    measurements: pl.DataFrame,
    as_of: dt.date,
    ruleset: RuleSet,
    **keywords: Any,
) -> Report:
    results = evaluate_tables(table, measurements, as_of, ruleset)
    return report_for(results, as_of, ruleset, targets=table, plan=plan, **keywords)


# --- the examples ------------------------------------------------------------------------------


@pytest.mark.parametrize("rules", ["default", "open-sdg", "un-progress-2023"])
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_an_example_reports_as_the_scalar_engine(name: str, rules: str) -> None:
    plan, table, measurements = csv_plan(_example_targets(name), name)
    as_of, ruleset = _as_of(name), load_rules(rules)
    expected = goalcheck.evaluate(plan, as_of, ruleset)
    got = columnar_report(plan, table, measurements, as_of, ruleset)
    assert_same_report(got, expected)
    for status in expected.statuses:  # any subset: its results, the whole plan's rollups
        chosen = columnar_report(
            plan, table, measurements, as_of, ruleset, rows=pl.col("status") == status
        )
        assert_same_report(chosen, expected.filter(status))


def test_the_examples_have_areas_initiatives_and_mean_scores() -> None:
    """The example comparisons above are not vacuous."""
    name = "beskaeftigelsesaftale-2009"
    plan, *_ = csv_plan(_example_targets(name), name)
    report = goalcheck.evaluate(plan, _as_of(name), "open-sdg")
    levels = [r.level for r in report.rollups]
    assert levels.count("area") >= 2
    assert levels.count("initiative") >= 5
    assert sum(r.score is not None for r in report.rollups) >= 5
    assert len({r.status for r in report.rollups}) >= 3


def _write_csv(name: str, folder: Path) -> tuple[str, str]:
    table, measurements, _ = tables_from_targets(_example_targets(name))
    folder.mkdir(parents=True)
    paths = (folder / "targets.csv", folder / "measurements.csv")
    table.write_csv(paths[0])
    measurements.write_csv(paths[1])
    return str(paths[0]), str(paths[1])


def _cli(argv: list[str], out: Path) -> bytes:
    from goalcheck.cli import main

    assert main([*argv, "-o", str(out)]) in (0, 1)
    return out.read_bytes()


@pytest.mark.parametrize("rules", ["default", "open-sdg"])
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_cli_json_of_an_example_is_the_scalar_one(tmp_path: Path, name: str, rules: str) -> None:
    targets, measurements = _write_csv(name, tmp_path / name)
    base = ["evaluate", "--targets", targets, "--measurements", measurements]
    base += ["--as-of", _as_of(name).isoformat(), "--rules", rules, "--format", "json"]
    scalar = _cli(base, tmp_path / "s.json")
    assert _cli([*base, "--engine", "columnar"], tmp_path / "c.json") == scalar


@pytest.mark.parametrize(
    "options",
    [["--status", "at_risk"], ["--compare-to", "2009-06-30"], ["--title", "Aftale 2009"]],
)
def test_cli_status_and_compare_to_are_the_scalar_ones(tmp_path: Path, options: list[str]) -> None:
    name = "beskaeftigelsesaftale-2009"
    targets, measurements = _write_csv(name, tmp_path / name)
    base = ["evaluate", "--targets", targets, "--measurements", measurements, *options]
    base += ["--as-of", _as_of(name).isoformat(), "--format", "json"]
    scalar = _cli(base, tmp_path / "s.json")
    assert _cli([*base, "--engine", "columnar"], tmp_path / "c.json") == scalar


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown", "html", "xlsx"])
@pytest.mark.parametrize("rules", ["default", "open-sdg"])
def test_cli_every_format_is_the_scalar_one(tmp_path: Path, fmt: str, rules: str) -> None:
    name = "beskaeftigelsesaftale-2009"
    targets, measurements = _write_csv(name, tmp_path / name)
    base = ["evaluate", "--targets", targets, "--measurements", measurements]
    base += ["--as-of", _as_of(name).isoformat(), "--rules", rules, "--format", fmt]
    scalar = _cli(base, tmp_path / f"s.{fmt}")
    assert _cli([*base, "--engine", "columnar"], tmp_path / f"c.{fmt}") == scalar


@pytest.mark.parametrize("whole_plan", [True, False])
@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_evaluate_files_reports_as_the_scalar_engine(
    tmp_path: Path, suffix: str, whole_plan: bool
) -> None:
    """The files' report, with the whole plan or only its areas and initiatives."""
    name = "jobkonsulenter-2007"
    targets, measurements = _write_csv(name, tmp_path / name)
    expected_plan = goalcheck.load_csv(targets, measurements, title="T")
    if suffix == "parquet":
        for path in (targets, measurements):
            pl.read_csv(path).write_parquet(Path(path).with_suffix(".parquet"))
        targets, measurements = (
            str(Path(p).with_suffix(".parquet")) for p in (targets, measurements)
        )
    as_of, ruleset = _as_of(name), load_rules("open-sdg")
    plan, report = evaluate_files(
        targets, measurements, as_of, ruleset, {}, title="T", whole_plan=whole_plan
    )
    assert_same_report(report, goalcheck.evaluate(expected_plan, as_of, ruleset))
    assert (plan.id, plan.title) == (expected_plan.id, "T")
    assert plan.areas == expected_plan.areas
    assert [(i.id, i.area) for i in plan.initiatives] == [
        (i.id, i.area) for i in expected_plan.initiatives
    ]
    if whole_plan:
        assert plan == expected_plan
    else:
        assert not any(i.targets for i in plan.initiatives)
        assert not plan.targets


def test_explain_rows_gives_the_whole_tables_rollups() -> None:
    """The public face: the plan's rollup has the id ``rows`` (no plan given), else the same."""
    name = "beskaeftigelsesaftale-2009"
    plan, table, measurements = csv_plan(_example_targets(name), name)
    as_of = _as_of(name)
    results = goalcheck.evaluate_frame(table, measurements, as_of, "open-sdg")
    got = explain_rows(
        results, as_of, "open-sdg", rows=pl.col("status") == "limited_progress", targets=table
    )
    expected = goalcheck.evaluate(plan, as_of, "open-sdg").filter("limited_progress")
    assert got.rollups[0].id == "rows"
    expected = attrs.evolve(
        expected, rollups=(attrs.evolve(expected.rollups[0], id="rows"), *expected.rollups[1:])
    )
    assert_same_report(got, expected)


# --- generated plans ---------------------------------------------------------------------------


def _unique_ids(targets: list[Target]) -> list[Target]:
    seen: set[str] = set()
    return [t for t in targets if t.id not in seen and not seen.add(t.id)]  # type: ignore[func-returns-value]


@st.composite
def placed_targets(draw: st.DrawFn) -> list[Target]:
    """Generated targets in a few initiatives (interleaved) and areas, as CSV rows place them:
    an initiative's targets name its area or none."""
    targets = draw(st.lists(gst.targets(), min_size=1, max_size=8).map(_unique_ids))
    initiatives = ["I1", "I2", "I3"]
    area_of = {i: draw(st.sampled_from([None, "A", "B", "C"])) for i in initiatives}
    out = []
    for target in targets:
        initiative = draw(st.sampled_from([None, *initiatives]))
        if initiative is None:
            area = draw(st.sampled_from([None, "A", "B", "C"]))
        else:
            area = draw(st.sampled_from([None, area_of[initiative]]))
        try:
            out.append(attrs.evolve(target, initiative=initiative, area=area, checkpoints=()))
        except GoalcheckError:  # a target that needs its checkpoints
            continue
    assume(out)
    return out


dates = st.dates(min_value=dt.date(1999, 1, 1), max_value=dt.date(2032, 12, 31))
RULES = ["default", "open-sdg", "un-progress-2023"]


def _check_generated(targets: list[Target], as_of: dt.date, ruleset: RuleSet, data: Any) -> None:
    try:
        plan, table, measurements = csv_plan(targets)
    except GoalcheckError:  # the CSV reader refuses it: nothing to compare with
        assume(False)
        raise
    expected = goalcheck.evaluate(plan, as_of, ruleset)
    results = evaluate_tables(table, measurements, as_of, ruleset)
    assert_same_report(report_for(results, as_of, ruleset, targets=table, plan=plan), expected)
    statuses = data.draw(st.sets(st.sampled_from(expected.statuses)), label="statuses")
    rows = pl.col("status").is_in(sorted(statuses))
    chosen = report_for(results, as_of, ruleset, rows=rows, targets=table, plan=plan)
    assert_same_report(chosen, expected.filter(*statuses))
    ids = data.draw(st.sets(st.sampled_from([t.id for t in targets])), label="ids")
    by_id = report_for(results, as_of, ruleset, rows=ids, targets=table, plan=plan)
    assert [r.target_id for r in by_id] == [r.target_id for r in expected if r.target_id in ids]
    assert by_id.rollups == chosen.rollups


@pytest.mark.parametrize("rules", RULES)
@given(targets=placed_targets(), as_of=dates, data=st.data())
def test_generated_plans_report_as_the_scalar_engine(rules: str, targets, as_of, data) -> None:
    _check_generated(targets, as_of, load_rules(rules), data)


@given(targets=placed_targets(), as_of=dates, data=st.data())
def test_generated_plans_with_a_share_met_rollup(share_met, targets, as_of, data) -> None:
    _check_generated(targets, as_of, share_met, data)


# --- what the rollups must not be --------------------------------------------------------------


def _interleaved() -> list[Target]:
    """Initiatives interleaved with plan-level targets; an initiative's area on a later row."""
    from goalcheck.model import Measurement

    def target(tid: str, initiative: str | None, area: str | None, value: float) -> Target:
        return Target(
            id=tid,
            direction="at_least",
            target=10.0,
            baseline=0.0,
            start=dt.date(2024, 1, 1),
            deadline=dt.date(2024, 12, 31),
            initiative=initiative,
            area=area,
            measurements=(Measurement(date=dt.date(2024, 6, 30), value=value),),
        )

    return [
        target("a", "I2", None, 1.0),
        target("b", None, "B", 11.0),
        target("c", "I1", "A", 2.0),
        target("d", "I2", "A", 12.0),
        target("e", None, None, 5.0),
    ]


def test_rollups_over_the_chosen_rows_only_are_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """A report_for that rolled up only the explained rows fails the comparison."""
    plan, table, measurements = csv_plan(_interleaved())
    as_of, ruleset = dt.date(2024, 6, 30), load_rules("open-sdg")
    expected = goalcheck.evaluate(plan, as_of, ruleset).filter("target_achieved")
    results = evaluate_tables(table, measurements, as_of, ruleset)
    rows = pl.col("status") == "target_achieved"
    assert_same_report(
        report_for(results, as_of, ruleset, rows=rows, targets=table, plan=plan), expected
    )
    assert sum(expected.rollups[0].counts.values()) == 5 > len(expected)
    wrong = report_for(results.filter(rows), as_of, ruleset, targets=table, plan=plan)
    with pytest.raises(AssertionError):
        assert_same_report(wrong, expected)
    original = _report._placed
    # a mutant that ignores the table's placement of rows: no areas lent, table order kept
    monkeypatch.setattr(
        _report,
        "_placed",
        lambda results, table: original(results.drop("initiative", strict=False), None),
    )
    mutant = report_for(results, as_of, ruleset, targets=table, plan=plan)
    with pytest.raises(AssertionError):
        assert_same_report(mutant, goalcheck.evaluate(plan, as_of, ruleset))


def test_the_scalar_order_and_the_lent_area() -> None:
    plan, table, measurements = csv_plan(_interleaved())
    as_of = dt.date(2024, 6, 30)
    results = evaluate_tables(table, measurements, as_of, "default")
    report = report_for(results, as_of, "default", targets=table, plan=plan)
    assert [(r.target_id, r.initiative, r.area) for r in report] == [
        ("b", None, "B"),
        ("e", None, None),
        ("a", "I2", "A"),
        ("d", "I2", "A"),
        ("c", "I1", "A"),
    ]
    assert [(r.level, r.id, sum(r.counts.values())) for r in report.rollups] == [
        ("plan", "p", 5),
        ("area", "B", 1),
        ("area", "A", 3),
        ("initiative", "I2", 2),
        ("initiative", "I1", 1),
    ]


def test_only_the_chosen_rows_become_results(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rollups of a large table are counted in polars: one Result per chosen row only."""
    import goalcheck.report as report_module

    n = 20_000
    results = pl.DataFrame(
        {
            "id": [f"t{i}" for i in range(n)],
            "status": ["at_risk" if i % 7 == 0 else "on_track" for i in range(n)],
            "rule": ["otherwise" if i % 7 == 0 else "on-pace" for i in range(n)],
            "initiative": [f"I{i % 100}" for i in range(n)],
            "area": [f"A{i % 10}" for i in range(n)],
        }
    )
    made: list[int] = []
    original = report_module.Result.__init__

    def counting(self: Any, *args: Any, **kwargs: Any) -> None:
        made.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(report_module.Result, "__init__", counting)
    report = report_for(results, "2024-06-30", "default", rows=["t7", "t8"])
    assert len(made) == 2 == len(report)
    assert [r.id for r in report.rollups[:2]] == ["rows", "A0"]
    assert len(report.rollups) == 1 + 10 + 100
    assert report.rollups[0].counts["at_risk"] == len(range(0, n, 7))
    assert report.rollups[0].status == "at_risk"


# --- the mean score's sum ----------------------------------------------------------------------


def _neumaier(values: list[float]) -> float:
    """CPython 3.12's sum() of floats (Objects/bltinmodule.c), in Python."""
    total, c = 0.0 + values[0], 0.0
    for x in values[1:]:
        t = total + x
        c += (total - t) + x if abs(total) >= abs(x) else (x - t) + total
        total = t
    return total + c if c and math.isfinite(c) else total


def _plain(values: list[float]) -> float:
    """CPython 3.11's sum() of floats: left to right."""
    total: float = 0
    for x in values:
        total += x
    return total


HARD = st.lists(
    st.sampled_from([1e16, -1e16, 1.0, 0.1, -0.0, 3.3, 1e-10, -2.5, 5.0]) | st.floats(-5, 5),
    min_size=1,
    max_size=40,
)


@pytest.mark.parametrize(("compensated", "reference"), [(True, _neumaier), (False, _plain)])
@given(values=HARD)
def test_a_groups_score_sum_is_pythons(
    compensated: bool, reference: Callable[[list[float]], float], values: list[float]
) -> None:
    method = _report.rollup_of(load_rules("open-sdg"))
    frame = pl.DataFrame({"status": ["x"] * len(values), "score": values})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_report, "_COMPENSATED", compensated)
        total = _report._scores(frame, None, method)[None].total
    expected = reference(values)
    assert total == expected
    assert math.copysign(1, total) == math.copysign(1, expected)


def test_the_running_pythons_sum_is_the_one_used() -> None:
    values = [1e16, 1.0, -1e16, 0.1, 3.3]
    assert (_neumaier if sys.version_info >= (3, 12) else _plain)(values) == sum(values)
    method = _report.rollup_of(load_rules("open-sdg"))
    frame = pl.DataFrame({"status": ["x"] * len(values), "score": values})
    assert _report._scores(frame, None, method)[None].total == sum(values)


def test_results_in_another_order_than_the_targets_join_by_id() -> None:
    """Results shuffled against the targets table: each row keeps its own initiative and area,
    and the groups their counts (the order is the results table's)."""
    plan, table, measurements = csv_plan(_interleaved())
    as_of = dt.date(2024, 6, 30)
    results = evaluate_tables(table, measurements, as_of, "default")
    straight = report_for(results, as_of, "default", targets=table, plan=plan)
    shuffled = results.reverse()
    twice = pl.concat([table, table])  # duplicated ids: the first row counts
    for targets in (table, twice):
        got = report_for(shuffled, as_of, "default", targets=targets, plan=plan)
        assert {(r.target_id, r.initiative, r.area) for r in got} == {
            (r.target_id, r.initiative, r.area) for r in straight
        }
        assert sorted(got.rollups, key=lambda r: (r.level, r.id)) == sorted(
            straight.rollups, key=lambda r: (r.level, r.id)
        )
