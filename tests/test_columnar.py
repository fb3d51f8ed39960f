"""The columnar backend's public face: input tables, errors, explanations, no polars import."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pl = pytest.importorskip("polars")

import goalcheck  # noqa: E402
from goalcheck import evaluate_frame  # noqa: E402
from goalcheck.errors import EvaluationError, PlanError  # noqa: E402
from goalcheck.frame import explain_rows  # noqa: E402

AS_OF = "2024-06-30"
TARGETS = {
    "id": ["t1", "t2", "t3"],
    "direction": ["at_least", "at_most", "between"],
    "target": [10.0, 5.0, 60.0],
    "target_high": [None, None, 70.0],
    "baseline": [1.0, 10.0, 50.0],
    "start": ["2024-01-01", "2024-01-01", "1. kvartal 2024"],
    "deadline": ["2024-12-31", "ultimo 2024", "2024-12-31"],
}
MEASUREMENTS = {
    "target_id": ["t1", "t2", "t2", "t3"],
    "date": ["2024-03-31", "2024-02-29", "2024-05-31", "2024-04-30"],
    "value": ["4", "9", "8,5", "65"],
    "kind": ["actual", "actual", "actual", "forecast"],
}


RULES = """
name = "small"
version = "1"
description = "A few rules over facts both engines compute."
hit_policy = "first"
[statuses.met]
label_en = "met"
label_da = "opfyldt"
severity = 0
[statuses.on_track]
label_en = "on track"
label_da = "på rette vej"
severity = 1
[statuses.not_evaluable]
label_en = "not evaluable"
label_da = "kan ikke vurderes"
severity = 2
[statuses.at_risk]
label_en = "at risk"
label_da = "i risiko"
severity = 3
[parameters.pace_tolerance]
default = 0.9
[[rules]]
id = "no-data"
when = "value is None and forecast is None"
status = "not_evaluable"
reason_en = "No data."
reason_da = "Ingen data."
[[rules]]
id = "met"
when = "satisfied"
status = "met"
reason_en = "The value {value} meets the target {target}."
reason_da = "Værdien {value} opfylder målet {target}."
[[rules]]
id = "on-pace"
when = "pace >= pace_tolerance"
status = "on_track"
reason_en = "A pace of {pace:.2f}, at least {pace_tolerance}."
reason_da = "Et tempo på {pace:.2f}, mindst {pace_tolerance}."
[[rules]]
id = "forecast"
when = "forecast_satisfied"
status = "on_track"
reason_en = "The forecast {forecast} meets the target."
reason_da = "Forventningen {forecast} opfylder målet."
[[rules]]
id = "otherwise"
when = "true"
status = "at_risk"
reason_en = "Nothing says the target {target} will be met."
reason_da = "Intet tyder på, at målet {target} nås."
"""


@pytest.fixture
def rules(tmp_path) -> str:
    path = tmp_path / "small.toml"
    path.write_text(RULES, encoding="utf-8")
    return str(path)


def _scalar(rules: str) -> dict[str, tuple[str, str | None]]:
    plan = goalcheck.Plan(
        "p",
        targets=[
            goalcheck.Target(
                "t1",
                "at_least",
                target=10,
                baseline=1,
                start="2024-01-01",
                deadline="2024-12-31",
                measurements=[goalcheck.Measurement("2024-03-31", 4)],
            ),
            goalcheck.Target(
                "t2",
                "at_most",
                target=5,
                baseline=10,
                start="2024-01-01",
                deadline="2024-12-31",
                measurements=[
                    goalcheck.Measurement("2024-02-29", 9),
                    goalcheck.Measurement("2024-05-31", 8.5),
                ],
            ),
            goalcheck.Target(
                "t3",
                "between",
                target=60,
                target_high=70,
                baseline=50,
                start="2024-01-01",
                deadline="2024-12-31",
                measurements=[goalcheck.Measurement("2024-04-30", 65, "forecast")],
            ),
        ],
    )
    return {r.target_id: (r.status, r.rule) for r in goalcheck.evaluate(plan, AS_OF, rules)}


@pytest.mark.parametrize("kind", ["polars", "pandas", "arrow", "lazy"])
def test_tables_of_every_kind_give_the_scalar_verdicts(kind: str, rules: str) -> None:
    targets, measurements = pl.DataFrame(TARGETS), pl.DataFrame(MEASUREMENTS)
    if kind == "pandas":
        targets, measurements = targets.to_pandas(), measurements.to_pandas()
    elif kind == "arrow":
        targets, measurements = targets.to_arrow(), measurements.to_arrow()
    elif kind == "lazy":
        targets, measurements = targets.lazy(), measurements.lazy()
    result = evaluate_frame(targets, measurements, AS_OF, rules)
    assert result.columns[:3] == ["id", "status", "rule"]
    got = {row["id"]: (row["status"], row["rule"]) for row in result.iter_rows(named=True)}
    assert got == _scalar(rules)


def test_unsorted_measurements_and_targets_out_of_order(rules: str) -> None:
    targets = pl.DataFrame(TARGETS).reverse()
    measurements = pl.DataFrame(MEASUREMENTS).reverse()
    result = evaluate_frame(targets, measurements, AS_OF, rules)
    assert result["id"].to_list() == ["t3", "t2", "t1"]
    got = {row["id"]: (row["status"], row["rule"]) for row in result.iter_rows(named=True)}
    assert got == _scalar(rules)


def test_problems_are_located_by_table_row_and_column() -> None:
    targets = dict(
        TARGETS, direction=["at_least", "at-most", "atleast"], deadline=["x", None, None]
    )
    measurements = dict(MEASUREMENTS, target_id=["t1", "t9", "t2", "t3"])
    with pytest.raises(PlanError) as caught:
        evaluate_frame(pl.DataFrame(targets), pl.DataFrame(measurements), AS_OF)
    text = str(caught.value.report() if hasattr(caught.value, "report") else caught.value)
    assert "targets:index 2, column direction" in text
    assert "did you mean 'at_least'" in text
    assert "targets:index 0, column deadline" in text
    assert "at-most" not in text  # a spelling the model accepts too


def test_unknown_target_and_unknown_column() -> None:
    measurements = dict(MEASUREMENTS, target_id=["t1", "t9", "t2", "t3"])
    with pytest.raises(
        PlanError, match=r"measurements:index 1, column target_id: unknown target 't9'"
    ):
        evaluate_frame(pl.DataFrame(TARGETS), pl.DataFrame(measurements), AS_OF)
    with pytest.raises(PlanError, match=r"unknown column 'dedline'.*did you mean 'deadline'"):
        evaluate_frame(pl.DataFrame(TARGETS).with_columns(dedline=pl.lit(1)), None, AS_OF)


def test_no_matching_rule_is_an_evaluation_error(tmp_path) -> None:
    rules = tmp_path / "r.toml"
    rules.write_text(
        'name = "r"\nversion = "1"\ndescription = ""\nhit_policy = "first"\n'
        '[statuses.ok]\nlabel_en = "ok"\nlabel_da = "ok"\nseverity = 0\n'
        '[[rules]]\nid = "only"\nwhen = "overdue"\nstatus = "ok"\n'
        'reason_en = "x"\nreason_da = "x"\n'
    )
    with pytest.raises(EvaluationError, match="matched target 't1'"):
        evaluate_frame(pl.DataFrame(TARGETS), pl.DataFrame(MEASUREMENTS), AS_OF, rules)


def test_explanations_for_some_rows_match_the_scalar_report(rules: str) -> None:
    result = evaluate_frame(pl.DataFrame(TARGETS), pl.DataFrame(MEASUREMENTS), AS_OF, rules)
    report = explain_rows(result, AS_OF, rules, rows=pl.col("status") == "on_track")
    scalar = {
        r.target_id: r
        for r in goalcheck.evaluate(
            goalcheck.Plan(
                "p",
                targets=[
                    goalcheck.Target(
                        "t1",
                        "at_least",
                        target=10,
                        baseline=1,
                        start="2024-01-01",
                        deadline="2024-12-31",
                        measurements=[goalcheck.Measurement("2024-03-31", 4)],
                    )
                ],
            ),
            AS_OF,
            rules,
        )
    }
    assert [r.target_id for r in report] == ["t1"]
    assert report["t1"].explanation == scalar["t1"].explanation
    assert report["t1"].explain("da") == scalar["t1"].explain("da")
    assert report.summary()["on_track"] == 1


def test_parameters_override_like_the_scalar_engine(rules: str) -> None:
    strict = evaluate_frame(
        pl.DataFrame(TARGETS), pl.DataFrame(MEASUREMENTS), AS_OF, rules, pace_tolerance=5.0
    )
    assert strict.filter(pl.col("id") == "t1")["rule"].item() != "on-pace"


def test_import_goalcheck_does_not_import_polars() -> None:
    code = "import sys, goalcheck, goalcheck.frame; print('polars' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_dates_parsed_from_text_and_dates(rules: str) -> None:
    targets = pl.DataFrame(TARGETS).with_columns(
        pl.col("start").str.replace("1. kvartal 2024", "2024-01-01").str.to_date()
    )
    result = evaluate_frame(targets, pl.DataFrame(MEASUREMENTS), dt.date(2024, 6, 30), rules)
    got = {row["id"]: (row["status"], row["rule"]) for row in result.iter_rows(named=True)}
    assert got == _scalar(rules)


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_cli_engine_columnar_gives_the_scalar_report(tmp_path, suffix: str, rules: str) -> None:
    from goalcheck.cli import main

    targets, measurements = pl.DataFrame(TARGETS), pl.DataFrame(MEASUREMENTS)
    paths = []
    for name, table in (("targets", targets), ("measurements", measurements)):
        path = tmp_path / f"{name}.{suffix}"
        table.write_csv(path) if suffix == "csv" else table.write_parquet(path)
        paths.append(str(path))
    scalar_json, columnar_json = tmp_path / "s.json", tmp_path / "c.json"
    base = ["evaluate", "--targets", paths[0], "--measurements", paths[1], "--as-of", AS_OF]
    base += ["--rules", rules]
    if suffix == "csv":
        assert main([*base, "--format", "json", "-o", str(scalar_json)]) == 0
    assert main([*base, "--engine", "columnar", "--format", "json", "-o", str(columnar_json)]) == 0
    import json

    got = json.loads(columnar_json.read_text())["results"]
    assert {r["id"]: (r["status"], r["rule"]) for r in got} == _scalar(rules)
    if suffix == "csv":
        expected = json.loads(scalar_json.read_text())["results"]
        assert [(r["id"], r["explanation"]) for r in got] == [
            (r["id"], r["explanation"]) for r in expected
        ]


def test_cli_engine_columnar_locates_problems(tmp_path, capsys) -> None:
    from goalcheck.cli import main

    path = tmp_path / "targets.csv"
    pl.DataFrame(dict(TARGETS, deadline=["2024-12-31", "soon", "2024-12-31"])).write_csv(path)
    assert main(["evaluate", "--targets", str(path), "--engine", "columnar"]) == 2
    err = capsys.readouterr().err
    assert "targets.csv:row 3, column deadline" in err


def test_duplicate_target_ids_are_located() -> None:
    targets = dict(TARGETS, id=["t1", "t2", "t1"])
    with pytest.raises(PlanError, match=r"targets:index 2, column id: duplicate target id 't1'"):
        evaluate_frame(pl.DataFrame(targets), None, AS_OF)


# --- per-target parameters -------------------------------------------------------------------

OWN = {
    "id": ["a", "b"],
    "direction": ["at_least", "at_least"],
    "target": [10.0, 10.0],
    "baseline": [0.0, 0.0],
    "start": ["2024-01-01", "2024-01-01"],
    "deadline": ["2024-12-31", "2024-12-31"],
}
OWN_MEASUREMENTS = {"target_id": ["a", "b"], "date": ["2024-06-01"] * 2, "value": [3.0, 3.0]}


def test_a_targets_own_parameter_beats_the_override() -> None:
    """``param.<name>`` (text cells, as a CSV file has them) where given, else the override."""
    targets = pl.DataFrame({**OWN, "param.pace_tolerance": ["0,1", None]})
    result = evaluate_frame(targets, pl.DataFrame(OWN_MEASUREMENTS), AS_OF, pace_tolerance=0.95)
    assert result["rule"].to_list() == ["on-pace", "otherwise"]
    lenient = evaluate_frame(targets, pl.DataFrame(OWN_MEASUREMENTS), AS_OF, pace_tolerance=0.2)
    assert lenient["rule"].to_list() == ["on-pace", "on-pace"]


def test_own_parameters_are_refused_as_the_scalar_engine_refuses_them() -> None:
    measurements = pl.DataFrame(OWN_MEASUREMENTS)
    unknown = pl.DataFrame({**OWN, "param.pace_tolerence": [None, 0.5]})
    with pytest.raises(PlanError) as caught:
        evaluate_frame(unknown, measurements, AS_OF)
    assert "targets:index 1, column param.pace_tolerence: target 'b': unknown parameter " in str(
        caught.value
    )
    assert "did you mean 'pace_tolerance'" in str(caught.value)
    wrong_kind = pl.DataFrame({**OWN, "param.pace_tolerance": [True, None]})
    with pytest.raises(PlanError, match="parameter 'pace_tolerance' must be a number, not True"):
        evaluate_frame(wrong_kind, measurements, AS_OF)
    empty = pl.DataFrame({**OWN, "param.nothing": [None, None]})
    assert evaluate_frame(empty, measurements, AS_OF).height == 2  # no value: nothing to refuse


def test_an_explained_row_names_its_targets_own_parameters_as_the_scalar_engine() -> None:
    """explain_rows reads ``param.<name>`` from the targets: the same sentence as a Result."""
    from goalcheck import evaluate_iter
    from goalcheck.model import Measurement, Target

    targets = pl.DataFrame({**OWN, "param.pace_tolerance": ["0,1", None]})
    measurements = pl.DataFrame(OWN_MEASUREMENTS)
    result = evaluate_frame(targets, measurements, AS_OF, pace_tolerance=0.95)
    report = explain_rows(result, AS_OF, "default", targets=targets, pace_tolerance=0.95)
    scalar = [
        Target(
            i,
            "at_least",
            target=10.0,
            baseline=0.0,
            start="2024-01-01",
            deadline="2024-12-31",
            measurements=[Measurement("2024-06-01", 3.0)],
            params=params,
        )
        for i, params in (("a", {"pace_tolerance": 0.1}), ("b", {}))
    ]
    expected = list(evaluate_iter(scalar, AS_OF, "default", pace_tolerance=0.95))
    for lang in ("en", "da"):
        got = [r.explain(lang) for r in report.results]
        assert got == [r.explain(lang) for r in expected]
    assert "this target's own parameters: pace_tolerance = 0.1" in report.results[0].explanation
    assert "own parameters" not in report.results[1].explanation


def _sum_target(target_id: str, values: list[float], days: list[str]) -> goalcheck.Target:
    return goalcheck.Target(
        target_id,
        "at_most",
        target=0.6,
        baseline=0.1,
        accumulation="sum",
        start="2024-01-01",
        deadline="2024-12-31",
        measurements=[goalcheck.Measurement(d, v) for d, v in zip(days, values, strict=True)],
    )


def _both(targets: list[goalcheck.Target], as_of: str) -> tuple[list[tuple], list[tuple]]:
    from goalcheck._columnar._convert import tables_from_targets

    t, m, _ = tables_from_targets(targets)
    m = m.reverse()  # as an export that lists the newest first
    columnar = evaluate_frame(t, m, as_of).select("status", "rule", "value").rows()
    day = dt.date.fromisoformat(as_of)
    scalar = [(r.status, r.rule, r.facts["value"]) for r in goalcheck.evaluate_iter(targets, day)]
    return columnar, scalar


@pytest.mark.parametrize("as_of", ["2024-06-30", "2025-01-31"])
def test_a_sums_amounts_are_added_one_at_a_time_as_the_scalar_engine_adds_them(
    as_of: str,
) -> None:
    # 0.1 + 0.2 + 0.3 is 0.6000000000000001, 0.1 + (0.2 + 0.3) is 0.6: adding a target's
    # amounts before its baseline made "at most 0.6" met after the deadline, against the
    # scalar engine's "deadline-passed"
    days = ["2024-02-01", "2024-03-01", "2024-03-01", "2024-04-01"]
    targets = [
        _sum_target("a", [0.2, 0.3], days[:2]),
        _sum_target("same-day", [0.3, 0.2], days[1:3]),  # one day, listed against value order
        _sum_target("three", [0.1, 0.05, 0.15, 0.2], days),
    ]
    columnar, scalar = _both(targets, as_of)
    assert columnar == scalar  # values compared exactly, not within a tolerance
    assert columnar[0][2] == 0.1 + 0.2 + 0.3 != 0.6


@settings(max_examples=60, deadline=None)
@given(
    amounts=st.lists(
        st.tuples(st.integers(0, 40), st.integers(-50, 500).map(lambda k: k / 10)),
        min_size=1,
        max_size=8,
    ),
    target=st.integers(0, 300).map(lambda k: k / 10),
)
def test_a_sums_value_and_verdict_equal_the_scalar_engines_exactly(
    amounts: list[tuple[int, float]], target: float
) -> None:
    start = dt.date(2024, 1, 1)
    days = [(start + dt.timedelta(days=d)).isoformat() for d, _ in amounts]
    made = attrs.evolve(
        _sum_target("s", [v for _, v in amounts], days), target=target, baseline=0.3
    )
    for as_of in ("2024-01-20", "2025-03-01"):
        columnar, scalar = _both([made], as_of)
        assert columnar == scalar


@settings(max_examples=40, deadline=None)
@given(
    changes=st.lists(st.integers(-100, 300), min_size=2, max_size=20),
    baseline=st.integers(1, 5000).map(lambda k: k / 10),
)
def test_a_percent_targets_threshold_is_the_scalar_engines_to_the_bit(
    changes: list[int], baseline: float
) -> None:
    # polars divides a column by a scalar through its reciprocal: -69 / 100 came out as
    # -0.6900000000000001, so "at least -69 %" of 1.0 was 0.30999999999999994, not 0.31...05
    targets = [
        goalcheck.Target(
            f"p{i}",
            "at_least",
            target=float(change),
            relative="percent",
            baseline=baseline,
            deadline="2025-12-31",
            measurements=[goalcheck.Measurement("2024-01-31", baseline)],
        )
        for i, change in enumerate(changes)
    ]
    from goalcheck._columnar._convert import tables_from_targets

    t, m, _ = tables_from_targets(targets)
    columnar = evaluate_frame(t, m, AS_OF)["target"].to_list()
    day = dt.date.fromisoformat(AS_OF)
    assert columnar == [r.facts["target"] for r in goalcheck.evaluate_iter(targets, day)]


@settings(max_examples=60, deadline=None)
@given(
    runs=st.lists(
        st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=30),
        min_size=1,
        max_size=40,
    ),
    long_run=st.booleans(),
)
def test_run_sums_add_one_value_at_a_time_as_python_does(
    runs: list[list[float]], long_run: bool
) -> None:
    import itertools

    from goalcheck._columnar import _scan

    if long_run:  # longer than a stepped run: the per-group cum_sum
        runs = [*runs, [0.1] * (_scan._STEPPED_RUNS + 1)]
    values = pl.Series([v for run in runs for v in run], dtype=pl.Float64)
    first = pl.Series([k == 0 for run in runs for k in range(len(run))])
    expected = [total for run in runs for total in itertools.accumulate(run)]
    assert _scan._run_sums(values, first).to_list() == expected
