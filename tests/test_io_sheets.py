"""Spreadsheets as analysts save them (issue 13), through the API and the command line.

Number conventions per file, separators, encodings, Excel's habits, workbooks, hostile
files, and every problem listed without follow-on cascades.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
import zipfile
from pathlib import Path

import pytest

import goalcheck
from goalcheck._io._read import InputWarning
from goalcheck.cli import main
from goalcheck.errors import LimitError, MissingDependencyError, OptionError, PlanError

AS_OF = "2013-09-30"

# The same plan three ways: a machine export ('.' decimals), Danish Excel and its twin.
EXPORT_TARGETS = """id,title,direction,target,baseline,deadline
S1,Andel i job,at_least,81.444,80.1,2013-12-31
S2,Ledighed,at_most,0.314,0.4,2013-12-31
S3,Beskæftigede,at_least,70900.0,70000,2013-12-31
"""
EXPORT_MEASUREMENTS = """target_id,date,value
S1,2013-06-30,81.2
S2,2013-06-30,0.33
S3,2013-06-30,70500
"""

DANISH_TARGETS = (
    "id;title;initiative;area;direction;target;baseline;deadline\r\n"
    "A1;Beskæftigede;job;Beskæftigelse;at_least;1.800;1.650,5;2013-12-31\r\n"
    "A2;Ledighed;job;Beskæftigelse;at_most;4,5;5,2;2013-12-31\r\n"
    "A3;Forløb;afklaring;Uddannelse;at_least;250;;2013-12-31\r\n"
)
DANISH_MEASUREMENTS = (
    "target_id;date;value;note\r\n"
    'A1;2013-06-30;1.720;"første\r\nhalvår"\r\n'
    "A2;2013-06-30;4,9;\r\n"
    "A3;2013-06-30;130;\r\n"
)
TWIN_TARGETS = (
    "id,title,initiative,area,direction,target,baseline,deadline\n"
    "A1,Beskæftigede,job,Beskæftigelse,at_least,1800,1650.5,2013-12-31\n"
    "A2,Ledighed,job,Beskæftigelse,at_most,4.5,5.2,2013-12-31\n"
    "A3,Forløb,afklaring,Uddannelse,at_least,250,,2013-12-31\n"
)
TWIN_MEASUREMENTS = (
    'target_id,date,value,note\nA1,2013-06-30,1720,"første\nhalvår"\nA2,2013-06-30,4.9,\n'
    "A3,2013-06-30,130,\n"
)


def pair(folder: Path, targets: bytes | str, measurements: bytes | str) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    t, m = folder / "targets.csv", folder / "measurements.csv"
    for path, data in ((t, targets), (m, measurements)):
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return t, m


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def danish(tmp_path: Path) -> tuple[Path, Path]:
    return pair(
        tmp_path / "dk",
        DANISH_TARGETS.encode("cp1252"),
        DANISH_MEASUREMENTS.encode("cp1252"),
    )


def twin(tmp_path: Path) -> tuple[Path, Path]:
    return pair(tmp_path / "twin", TWIN_TARGETS, TWIN_MEASUREMENTS)


def values(plan: goalcheck.Plan) -> list[tuple[object, ...]]:
    return [
        (t.id, t.target, t.baseline, tuple((m.date, m.value, m.note) for m in t.measurements))
        for t in plan.iter_targets()
    ]


# --------------------------------------------------------------------------- number conventions


def test_a_dot_decimal_export_loads_exactly(tmp_path: Path) -> None:
    t, m = pair(tmp_path, EXPORT_TARGETS, EXPORT_MEASUREMENTS)
    plan = goalcheck.load_csv(t, m)
    assert [target.target for target in plan.targets] == [81.444, 0.314, 70900.0]


def test_a_dot_decimal_export_loads_exactly_from_the_cli(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    t, m = pair(tmp_path, EXPORT_TARGETS, EXPORT_MEASUREMENTS)
    code, out, err = cli(capsys, "evaluate", "--targets", str(t), "--measurements", str(m),
                         "--as-of", AS_OF, "--format", "json")  # fmt: skip
    assert (code, err) == (0, "")
    targets = {r["id"]: r["facts"]["target"] for r in json.loads(out)["results"]}
    assert targets == {"S1": 81.444, "S2": 0.314, "S3": 70900.0}


def test_a_danish_excel_file_loads_like_its_utf8_twin(tmp_path: Path) -> None:
    with pytest.warns(InputWarning, match="read as cp1252") as caught:
        dk = goalcheck.load_csv(*danish(tmp_path), plan_id="p")
    assert len(caught) == 2  # one for each file, naming it
    tw = goalcheck.load_csv(*twin(tmp_path), plan_id="p")
    assert values(dk) == values(tw)
    assert dk == tw
    assert values(dk)[0][:3] == ("A1", 1800.0, 1650.5)
    # the area column is kept with an initiative column: the initiative is in that area
    assert [(i.id, i.area) for i in dk.initiatives] == [
        ("job", "Beskæftigelse"),
        ("afklaring", "Uddannelse"),
    ]


def test_a_danish_excel_file_reports_like_its_twin_from_the_cli(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    reports = []
    for t, m in (danish(tmp_path), twin(tmp_path)):
        argv = ["--targets", str(t), "--measurements", str(m), "--as-of", AS_OF]
        code, out, err = cli(capsys, "evaluate", *argv, "--format", "json", "--title", "T")
        assert code == 0
        reports.append(json.loads(out))
        warnings = err.splitlines()
        assert all(line.startswith("warning: ") for line in warnings)
    assert reports[0]["results"] == reports[1]["results"]
    assert cli(capsys, "evaluate", "--targets", str(danish(tmp_path)[0]), "--as-of", AS_OF)[
        2
    ].startswith("warning: ")


def test_digit_groups_alone_are_refused_once_naming_decimal(tmp_path: Path) -> None:
    t, m = pair(
        tmp_path,
        "id,direction,target,baseline\nT1,at_least,1.800,1.500\nT2,at_least,2.500,\n",
        "target_id,date,value\nT1,2013-06-30,1.700\n",
    )
    with pytest.raises(PlanError) as excinfo:
        goalcheck.load_csv(t)
    (problem,) = excinfo.value.problems
    assert problem.location == "row 2, column target"
    assert "--decimal" in problem.message
    assert 'decimal=","' in problem.message
    assert [x.target for x in goalcheck.load_csv(t, m, decimal=",").targets] == [1800.0, 2500.0]
    assert [x.target for x in goalcheck.load_csv(t, decimal=".").targets] == [1.8, 2.5]
    with pytest.raises(OptionError, match="decimal must be"):
        goalcheck.load_csv(t, decimal=";")  # type: ignore[arg-type]


def test_digit_groups_alone_are_one_cli_line_naming_decimal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    t, _ = pair(tmp_path, "id,direction,target\nT1,at_least,1.800\nT2,at_least,2.500\n", "")
    code, _, err = cli(capsys, "evaluate", "--targets", str(t), "--as-of", AS_OF)
    assert code == 2
    (line,) = err.splitlines()
    assert line.startswith(f"error: {t}:row 2, column target: '1.800' is ambiguous")
    assert "--decimal" in line
    code, out, err = cli(capsys, "evaluate", "--targets", str(t), "--as-of", AS_OF,
                         "--decimal", ",", "--format", "json")  # fmt: skip
    assert code == 0
    assert [r["facts"]["target"] for r in json.loads(out)["results"]] == [1800.0, 2500.0]


def test_conflicting_evidence_names_both_cells(tmp_path: Path) -> None:
    t, _ = pair(
        tmp_path, 'id,direction,target,baseline\nT1,at_least,14.5,\nT2,at_least,"12,5",1.800\n', ""
    )
    with pytest.raises(PlanError) as excinfo:
        goalcheck.load_csv(t)
    (problem,) = excinfo.value.problems
    assert problem.location == "row 3, column target"
    assert "'14.5' (row 2, column target)" in problem.message
    assert "'12,5'" in problem.message


def test_an_explicit_decimal_mark_refuses_cells_that_contradict_it(tmp_path: Path) -> None:
    t, _ = pair(tmp_path, "id,direction,target\nT1,at_least,14.5\n", "")
    with pytest.raises(PlanError) as excinfo:
        goalcheck.load_csv(t, decimal=",")
    assert [str(p).removeprefix(f"{t}:") for p in excinfo.value.problems] == [
        "row 2, column target: '14.5' can only be read with '.' as the decimal mark, "
        "but the decimal mark here is ','"
    ]


def test_a_semicolon_file_reads_digit_groups_as_thousands(tmp_path: Path) -> None:
    t, _ = pair(tmp_path, "id;direction;target\nT1;at_least;1.800\n", "")
    assert goalcheck.load_csv(t).targets[0].target == 1800.0


def test_model_strings_follow_the_csv_rules() -> None:
    with pytest.raises(PlanError, match="ambiguous"):
        goalcheck.Target(id="x", direction="at_least", target="1.800")
    assert goalcheck.Target(id="x", direction="at_least", target="12,5").target == 12.5
    assert goalcheck.Target(id="x", direction="at_least", target="1.800,5").target == 1800.5
    assert goalcheck.Measurement(date="2013-06-30", value="0.314").value == 0.314


# --------------------------------------------------------------------------- dialects, encodings


@pytest.mark.parametrize(
    "data",
    [
        b"id\tdirection\ttarget\r\nT1\tat_least\t12.5\r\n",
        "id\tdirection\ttarget\r\nT1\tat_least\t12.5\r\n".encode("utf-16"),  # Unicode text
        b"\xef\xbb\xbfid;direction;target;;\r\nT1;at_least;12,5;;\r\n;;;;\r\n",  # Excel
        b"id,direction,target,,\nT1,at_least,12.5,,\n",
    ],
    ids=["tab", "utf-16", "excel-semicolon-bom-trailing", "trailing-commas"],
)
def test_dialects_excel_writes(tmp_path: Path, data: bytes) -> None:
    t, _ = pair(tmp_path, data, "")
    assert [(x.id, x.target) for x in goalcheck.load_csv(t).targets] == [("T1", 12.5)]


def test_an_encoding_can_be_given(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    t, _ = pair(tmp_path, "id,title,direction\nT1,Økonomi,increase\n".encode("cp1252"), "")
    assert goalcheck.load_csv(t, encoding="cp1252").targets[0].title == "Økonomi"
    assert goalcheck.load_csv(t, encoding="latin-1").targets[0].title == "Økonomi"
    with pytest.raises(PlanError, match="not utf-8 text: byte 0xD8"):
        goalcheck.load_csv(t, encoding="utf-8")
    code, out, err = cli(capsys, "evaluate", "--targets", str(t), "--encoding", "cp1252",
                         "--as-of", AS_OF, "--format", "json")  # fmt: skip
    assert (code, err) == (0, "")
    assert json.loads(out)["results"][0]["title"] == "Økonomi"


# --------------------------------------------------------------------------- every problem listed


MISSPELT = "id,dirction,target\nT1,at_least,10\nT1,at_most,5\n"


def test_a_misspelt_header_and_a_duplicate_id_are_both_reported(tmp_path: Path) -> None:
    t, m = pair(tmp_path, MISSPELT, "target_id,date,value\n" + "T1,2013-06-30,1\n" * 35)
    with pytest.raises(PlanError) as excinfo:
        goalcheck.load_csv(t)
    assert [(p.location, p.message) for p in excinfo.value.problems] == [
        ("row 1, column dirction", "unknown column 'dirction' (did you mean 'direction'?)"),
        ("row 3, column id", "duplicate target id 'T1' (first at row 2, column id)"),
    ]
    with pytest.raises(PlanError) as excinfo:
        goalcheck.load_csv(t, m)
    assert [(p.file, p.message) for p in excinfo.value.problems][2:] == [
        (str(m), "35 measurements name targets that did not load")
    ]


def test_a_misspelt_header_and_a_duplicate_id_are_two_cli_lines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    t, m = pair(tmp_path, MISSPELT, "target_id,date,value\n" + "T1,2013-06-30,1\n" * 35)
    code, _, err = cli(capsys, "evaluate", "--targets", str(t), "--as-of", AS_OF)
    assert code == 2
    assert err.splitlines() == [
        f"error: {t}:row 1, column dirction: unknown column 'dirction' "
        "(did you mean 'direction'?)",
        f"error: {t}:row 3, column id: duplicate target id 'T1' (first at row 2, column id)",
    ]
    code, _, err = cli(capsys, "evaluate", "--targets", str(t), "--measurements", str(m))
    # sorted by file: measurements.csv before targets.csv; one folded line, no cascade
    assert err.splitlines()[0] == f"error: {m}: 35 measurements name targets that did not load"
    assert len(err.splitlines()) == 3


def test_the_cli_prints_at_most_50_problems_sorted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rows = "".join(f"T{i},at_least,lots\n" for i in range(120))
    t, _ = pair(tmp_path, "id,direction,target\n" + rows, "")
    code, _, err = cli(capsys, "evaluate", "--targets", str(t))
    lines = err.splitlines()
    assert code == 2
    assert len(lines) == 51
    assert lines[0].startswith(f"error: {t}:row 2, column target:")
    assert lines[9].startswith(f"error: {t}:row 11, column target:")  # 11 after 9, not after 1
    assert lines[-1] == "error: … and 70 more"
    with pytest.raises(PlanError) as excinfo:
        goalcheck.load_csv(t)
    assert len(excinfo.value.problems) == 120  # the API keeps them all


# --------------------------------------------------------------------------- workbooks


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    xlsxwriter = pytest.importorskip("xlsxwriter")
    book = xlsxwriter.Workbook(str(path))
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), dates)
                elif value is not None:
                    sheet.write(r, c, value)
    book.close()
    return path


def _typed_rows(text: str) -> list[list[object]]:
    """The twin CSV's rows with numbers as numbers and dates as dates, as Excel holds them."""
    rows: list[list[object]] = []
    for line in io.StringIO(text).read().split("\n"):
        if not line:
            continue
        row: list[object] = []
        for cell in next(iter([line.split(",")])):
            try:
                row.append(float(cell))
            except ValueError:
                try:
                    row.append(dt.date.fromisoformat(cell))
                except ValueError:
                    row.append(cell or None)
        rows.append(row)
    return rows


MEASUREMENT_ROWS = [
    ["target_id", "date", "value", "note"],
    ["A1", dt.date(2013, 6, 30), 1720, "første\nhalvår"],
    ["A2", dt.date(2013, 6, 30), 4.9, None],
    ["A3", dt.date(2013, 6, 30), 130, None],
]


def test_a_workbook_evaluates_like_the_csv_pair_it_was_made_from(tmp_path: Path) -> None:
    book = workbook(
        tmp_path / "twin.xlsx",
        {"targets": _typed_rows(TWIN_TARGETS), "measurements": MEASUREMENT_ROWS},
    )
    from_book = goalcheck.load_plan(book)
    from_csv = goalcheck.load_csv(*twin(tmp_path), plan_id="twin")
    assert from_book == from_csv
    assert goalcheck.evaluate(from_book, AS_OF).records() == (
        goalcheck.evaluate(from_csv, AS_OF).records()
    )
    # two workbooks, one sheet each, work as --targets and --measurements
    t = workbook(tmp_path / "t.xlsx", {"Ark1": _typed_rows(TWIN_TARGETS)})
    m = workbook(tmp_path / "m.xlsx", {"measurements": MEASUREMENT_ROWS})
    assert values(goalcheck.load_csv(t, m)) == values(from_csv)


def test_a_workbook_reports_like_the_csv_pair_from_the_cli(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    book = workbook(
        tmp_path / "twin.xlsx",
        {"targets": _typed_rows(TWIN_TARGETS), "measurements": MEASUREMENT_ROWS},
    )
    t, m = twin(tmp_path)
    _, from_book, _ = cli(capsys, "evaluate", str(book), "--as-of", AS_OF, "--format", "json")
    _, from_csv, _ = cli(capsys, "evaluate", "--targets", str(t), "--measurements", str(m),
                         "--as-of", AS_OF, "--format", "json")  # fmt: skip
    assert json.loads(from_book)["results"] == json.loads(from_csv)["results"]


def test_workbook_problems_name_the_sheet(tmp_path: Path) -> None:
    book = workbook(
        tmp_path / "bad.xlsx",
        {"targets": [["id", "direction", "target"], ["T1", "at_least", "lots"]]},
    )
    with pytest.raises(PlanError) as excinfo:
        goalcheck.load_plan(book)
    assert [str(p) for p in excinfo.value.problems] == [
        f"{book}:sheet targets, row 2, column target: expected a number, not 'lots'"
    ]
    other = workbook(tmp_path / "other.xlsx", {"a": [["id"]], "b": [["id"]]})
    with pytest.raises(PlanError, match="no sheet named 'targets'"):
        goalcheck.load_plan(other)


def test_hostile_workbooks_end_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    garbage = tmp_path / "garbage.xlsx"
    garbage.write_bytes(b"\x00\x01binary" * 100)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w") as archive:
        archive.writestr("xl/workbook.xml", b"x")
    data = bytearray(bomb.read_bytes())
    central = data.index(b"PK\x01\x02")
    data[central + 24 : central + 28] = (2**32 - 1).to_bytes(4, "little")  # claims 4 GiB
    bomb.write_bytes(bytes(data))
    for path, words in ((garbage, "not a workbook"), (bomb, "unpacks to")):
        code, _, err = cli(capsys, "evaluate", str(path))
        assert code == 2
        (line,) = err.splitlines()
        assert line.startswith(f"error: {path}: ")
        assert words in line
    with pytest.raises(LimitError):
        goalcheck.load_plan(bomb)
    named_csv = tmp_path / "targets.csv"
    named_csv.write_bytes(b"PK\x03\x04" + bytes(100))
    code, _, err = cli(capsys, "evaluate", "--targets", str(named_csv))
    assert err == f"error: {named_csv}: is a workbook (a zip file), not CSV: name it .xlsx\n"


def test_without_the_extra_a_workbook_is_one_clear_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = workbook(tmp_path / "p.xlsx", {"targets": [["id", "direction"], ["T", "increase"]]})
    monkeypatch.setitem(sys.modules, "python_calamine", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'goalcheck\[xlsx\]'"):
        goalcheck.load_plan(book)
    code, _, err = cli(capsys, "evaluate", str(book))
    assert code == 2
    assert err == (
        "error: reading workbooks needs the xlsx extra: pip install 'goalcheck[xlsx]'\n"
    )


def test_the_cli_refuses_an_output_suffix_that_contradicts_the_format(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    t, _ = pair(tmp_path, "id,direction\nT1,increase\n", "")
    for argv, words in (
        (["--format", "html", "-o", str(tmp_path / "out.xlsx")], "the suffix .xlsx means xlsx"),
        (["-o", str(tmp_path / "out.pdf")], "cannot tell the format from the suffix .pdf"),
        (["--format", "xlsx"], "give --output FILE.xlsx"),
    ):
        code, _, err = cli(capsys, "evaluate", "--targets", str(t), *argv)
        assert code == 2
        (line,) = err.splitlines()
        assert words in line
    assert not list(tmp_path.glob("out.*"))


def test_explain_takes_targets_and_measurements(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    t, m = twin(tmp_path)
    code, out, _ = cli(capsys, "explain", "--targets", str(t), "--measurements", str(m), "A1",
                       "--as-of", AS_OF)  # fmt: skip
    assert code == 0
    assert "A1" in out
