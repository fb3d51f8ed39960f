"""Tests for the CSV interchange: targets.csv and measurements.csv."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import goalcheck
from goalcheck import Direction, MeasurementKind, Plan, PlanError, Relative
from goalcheck._io import parse_number
from goalcheck._io._csv import measurement_columns, target_columns
from goalcheck._io._read import InputWarning

HEADER = (
    "id,title,initiative,kind,direction,target,target_high,relative,unit,"
    "baseline,baseline_date,start,deadline,accumulation"
)
TARGETS = f"""{HEADER}
T1,Mindst 500 deltagere,jobbus,effort,at_least,500,,,deltagere,,,2010-01-01,2010-12-31,cumulative
T2,Ledighed ned 10 %,,result,at_most,-10,,percent,pct.,"12,5",2009-12-31,,2010-12-31,level
T3,Band,jobbus,result,between,60,70,,pct.,,,,ultimo 2010,
"""
MEASUREMENTS = """target_id,date,value,kind,note
T1,2010-03-31,100,,
T1,2010-06-30,120,actual,stigende
T2,2010-06-30,"11,9",forecast,
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path: Path, targets: str, measurements: str | None = None) -> Plan:
    t = write(tmp_path, "targets.csv", targets)
    m = None if measurements is None else write(tmp_path, "measurements.csv", measurements)
    return goalcheck.load_csv(t, m, plan_id="p")


def problems_of(tmp_path: Path, targets: str, measurements: str | None = None) -> list[str]:
    with pytest.raises(PlanError) as excinfo:
        load(tmp_path, targets, measurements)
    prefix = str(tmp_path) + "/"
    return [str(p).removeprefix(prefix) for p in excinfo.value.problems]


def test_columns_follow_the_contract() -> None:
    assert target_columns()[:14] == [
        "id",
        "direction",
        "title",
        "kind",
        "target",
        "target_high",
        "relative",
        "unit",
        "baseline",
        "baseline_date",
        "start",
        "deadline",
        "accumulation",
        "recurrence",
    ]
    assert set(HEADER.split(",")) <= set(target_columns())
    assert {"target_id", "date", "value", "kind", "note"} <= set(measurement_columns())


def test_targets_and_measurements_load(tmp_path: Path) -> None:
    plan = load(tmp_path, TARGETS, MEASUREMENTS)
    assert plan.id == "p"
    assert [t.id for t in plan.targets] == ["T2"]
    (jobbus,) = plan.initiatives
    assert jobbus.id == "jobbus"
    assert [t.id for t in jobbus.targets] == ["T1", "T3"]
    t1, t3 = jobbus.targets
    assert t1.initiative == "jobbus"
    assert [(m.value, m.kind) for m in t1.measurements] == [
        (100.0, MeasurementKind.ACTUAL),  # empty kind = the default
        (120.0, MeasurementKind.ACTUAL),
    ]
    assert t1.measurements[1].note == "stigende"
    t2 = plan.targets[0]
    assert (t2.relative, t2.baseline, t2.target) == (Relative.PERCENT, 12.5, -10.0)
    assert t2.measurements[0].value == 11.9
    assert t2.start is None  # empty cell = not given
    assert t3.direction is Direction.BETWEEN
    assert t3.deadline == dt.date(2010, 12, 31)  # a period phrase


def test_plan_id_defaults_to_the_directory_name(tmp_path: Path) -> None:
    folder = tmp_path / "my-plan"
    folder.mkdir()
    write(folder, "targets.csv", TARGETS)
    write(folder, "measurements.csv", MEASUREMENTS)
    plan = goalcheck.load_csv(folder / "targets.csv")
    assert plan.id == "my-plan"
    assert all(not t.measurements for t in plan.iter_targets())
    # load_plan finds the CSV files in a directory, or next to targets.csv
    assert goalcheck.load_plan(folder) == goalcheck.load_csv(
        folder / "targets.csv", folder / "measurements.csv"
    )
    assert goalcheck.load_plan(folder / "targets.csv") == goalcheck.load_plan(folder)


def test_a_directory_with_csv_and_toml_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "targets.csv", TARGETS)
    write(tmp_path, "plan.toml", 'id = "x"')
    with pytest.raises(PlanError, match=r"holds both targets\.csv and \.toml files"):
        goalcheck.load_plan(tmp_path)


def test_blank_rows_are_skipped_but_rows_keep_their_spreadsheet_numbers(
    tmp_path: Path,
) -> None:
    text = f"\ufeff{HEADER}\n,,,,,,,,,,,,,\n\nT1,,,,at_leest,,,,,,,,,\n"  # with a BOM
    assert problems_of(tmp_path, text) == [
        "targets.csv:row 4, column direction: direction must be one of at_least, at_most, "
        "between, increase, decrease, milestone, not 'at_leest' (did you mean 'at_least'?)"
    ]


def test_unknown_and_duplicate_columns(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, "id,direction,dealine,direction,colour\nT1,increase,,,\n")
    assert problems[0] == (
        "targets.csv:row 1, column dealine: unknown column 'dealine' (did you mean 'deadline'?)"
    )
    assert (
        problems[1]
        == "targets.csv:row 1, column direction: column 'direction' appears more than once"
    )
    assert problems[2].startswith(
        "targets.csv:row 1, column colour: unknown column 'colour' (expected some of id, "
    )
    assert len(problems) == 3


def test_missing_required_columns_are_reported_once(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, "id,title\nT1,a\nT2,b\n", "target_id,value\nT1,1\n")
    assert problems == [
        "targets.csv:row 1: missing required column 'direction'",
        "measurements.csv:row 1: missing required column 'date'",
    ]


def test_empty_files(tmp_path: Path) -> None:
    (problem,) = problems_of(tmp_path, "")
    assert problem.startswith("targets.csv:row 1: no header row; expected the columns id,")


def test_rows_of_the_wrong_width_hint_at_decimal_commas(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, "id,direction,target\nT1,at_least,12,5\nT2,at_least\n")
    assert problems == [
        "targets.csv:row 2: has 4 cells, but the header has 3; a number with a decimal comma "
        'must be quoted, as in "12,5"',
        "targets.csv:row 3: has 2 cells, but the header has 3",
    ]


def test_malformed_numbers_and_dates_are_located(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        "id,direction,target,baseline,deadline\n"
        "T1,at_least,lots,1.800,2010-13-45\n"
        "T2,at_least,nan,inf,\n",
    )
    # the file's only evidence for its decimal mark is 1.800: one problem says so
    assert problems[0] == (
        "targets.csv:row 2, column baseline: '1.800' is ambiguous: 1800 with '.' grouping "
        "thousands, or 1.8 with '.' as the decimal mark, and no other number in the file "
        'says which: pass --decimal , (decimal=",") or --decimal . (decimal=".")'
    )
    assert problems[1] == "targets.csv:row 2, column target: expected a number, not 'lots'"
    assert problems[2].startswith("targets.csv:row 2, column deadline: ")
    assert "2010-13-45" in problems[2]
    assert problems[3] == "targets.csv:row 3, column target: must be a finite number, not 'nan'"
    assert problems[4] == "targets.csv:row 3, column baseline: must be a finite number, not 'inf'"
    assert len(problems) == 5


def test_target_checks_are_located_by_row_and_column(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        "id,direction,target,target_high,relative,start,deadline\n"
        "T1,at_least,1,,,2011-01-01,2010-12-31\n"
        "T2,between,9,3,,,\n"
        "T3,at_most,-10,,percent,,\n",
    )
    assert problems == [
        "targets.csv:row 2, column deadline: deadline 2010-12-31 is before start 2011-01-01",
        "targets.csv:row 3, column target_high: between: low 9 is above high 3",
        "targets.csv:row 4, column baseline: a relative target needs a baseline to be relative to",
    ]


def test_duplicate_ids_and_unknown_targets_are_located(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        "id,direction,initiative\nT1,increase,\nT1,increase,a\n",
        "target_id,date,value,kind\nT11,2010-01-01,1,\n,2010-01-01,1,\nT1,2010-01-01,1,guess\n",
    )
    assert problems == [
        "measurements.csv:row 3, column target_id: target_id is required, but the cell is empty",
        "measurements.csv:row 4, column kind: kind must be one of actual, forecast, not 'guess'",
        "measurements.csv:row 2, column target_id: measurement for unknown target 'T11' "
        "(did you mean 'T1'?)",
        "targets.csv:row 3, column id: duplicate target id 'T1' (first at row 2)",
    ]


def test_a_missing_file_is_a_problem(tmp_path: Path) -> None:
    t = write(tmp_path, "targets.csv", TARGETS)
    with pytest.raises(PlanError) as excinfo:
        goalcheck.load_csv(t, tmp_path / "nope.csv")
    (problem,) = excinfo.value.problems
    assert problem.file == str(tmp_path / "nope.csv")
    assert problem.message == "no such file or directory"


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12", 12.0),
        ("-3.25", -3.25),
        ("1e3", 1000.0),
        ("0.800", 0.8),
        ("1.8", 1.8),
        ("1.8000", 1.8),
        ("12,5", 12.5),
        ("0,125", 0.125),
        ("1234,567", 1234.567),
        ("1.800.000", 1800000.0),
        ("1.800,5", 1800.5),
        ("1,800,000", 1800000.0),
        ("1,800.5", 1800.5),
        ("1 800", 1800.0),
        ("1\u00a0800,5", 1800.5),
        ("\u221210", -10.0),
        (" 7 ", 7.0),
    ],
)
def test_numbers_people_write(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["1.800", "1,800", "-2.500", "999,999"])
def test_thousands_or_decimals_is_ambiguous(text: str) -> None:
    with pytest.raises(ValueError, match="ambiguous"):
        parse_number(text)


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "1,2,3", "12 %", "1..2", "--1"])
def test_not_numbers(text: str) -> None:
    with pytest.raises(ValueError, match="expected a number"):
        parse_number(text)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_repr_of_any_float_reads_back_unless_ambiguous(value: float) -> None:
    text = repr(value)
    whole, _, decimals = text.lstrip("-").partition(".")
    if len(decimals) == 3 and len(whole) <= 3 and whole[0] != "0":  # "1.250": 1250 or 1.25?
        with pytest.raises(ValueError, match="ambiguous"):
            parse_number(text)
    else:
        assert parse_number(text) == value


@given(st.integers(0, 10**6), st.integers(1, 99))
def test_decimal_commas_with_one_or_two_decimals_read_back(whole: int, cents: int) -> None:
    assert parse_number(f"{whole},{cents:02d}") == float(f"{whole}.{cents:02d}")


def test_the_reference_documents_every_column() -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs/reference/csv.md").read_text(
        encoding="utf-8"
    )
    missing = [c for c in target_columns() + measurement_columns() if f"`{c}`" not in doc]
    assert missing == []


@given(st.text(max_size=30))
def test_any_cell_text_is_a_number_or_a_value_error(text: str) -> None:
    try:
        value = parse_number(text)
    except ValueError:
        return
    assert math.isfinite(value)


@given(
    st.lists(
        st.lists(
            st.sampled_from(["T1", "at_least", "12,5", "1.800", "", "x", '"', "2009"]), max_size=6
        ),
        max_size=5,
    )
)
def test_any_csv_loads_or_raises_plan_error(rows: list[list[str]]) -> None:
    import tempfile

    text = "id,direction,target,deadline\n" + "\n".join(",".join(r) for r in rows) + "\n"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "targets.csv"
        path.write_text(text, encoding="utf-8")
        try:
            goalcheck.load_csv(path)
            problems = []
        except PlanError as error:
            problems = list(error.problems)
        assert all(p.file == str(path) and p.location for p in problems)


def test_quoted_cells_may_hold_line_breaks_and_rows_count_records(tmp_path: Path) -> None:
    text = 'id,direction,title,target\nT1,at_least,"two\r\nli\u2028nes",1\nT2,at_leest,,\n'
    problems = problems_of(tmp_path, text)
    assert len(problems) == 1
    assert problems[0].startswith("targets.csv:row 3, column direction:")
    plan = load(tmp_path, text.replace("at_leest", "at_least"))
    # a line break in a cell is "\n", as a spreadsheet holds it, whatever the file's line ends
    assert plan.targets[0].title == "two\nli\u2028nes"


def test_files_that_are_not_utf8(tmp_path: Path) -> None:
    # not UTF-8: read as cp1252 (what Windows Excel writes), with one warning
    path = tmp_path / "targets.csv"
    path.write_bytes(b"id,direction\nT\xe6,increase\n")
    with pytest.warns(InputWarning, match="not UTF-8; read as cp1252"):
        plan = goalcheck.load_csv(path)
    assert [t.id for t in plan.targets] == ["T\u00e6"]
    # bytes cp1252 does not define either: the UTF-8 error, naming the byte and its place
    path.write_bytes(b"id,direction\nT\x81,increase\n")
    with pytest.raises(PlanError) as excinfo:
        goalcheck.load_csv(path)
    (problem,) = excinfo.value.problems
    assert problem.message == (
        "not UTF-8 text: byte 0x81 at offset 14 cannot be decoded; save the file as UTF-8"
    )
    assert problem.location == "line 2, column 2"
