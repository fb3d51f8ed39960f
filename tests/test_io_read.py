"""The one input layer: a plan, a rule file and a rule-test file read the same way.

The same defect (a byte-order mark, an unknown key, a bad type, bytes that are not UTF-8, a
TOML syntax error, nesting too deep, an integer too long) gives the same wording and the
same location form in all three, because all three go through ``_io._read`` and
``_io._structure.build``.  Also: the limits (non-regular files, size), the atomic writer,
and bounded suggestion cost for measurements of unknown targets.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

import goalcheck
from goalcheck._io import _assemble
from goalcheck._io._atomic import write_text
from goalcheck._io._read import MAX_INPUT_BYTES, read_bytes, read_text, read_toml
from goalcheck.errors import InputError, LimitError, OptionError, PlanError, RuleError
from goalcheck.ruletest import run_rule_tests

#: A minimal valid file of each kind: (top-level text, text that must come after it).
KINDS: dict[str, tuple[str, str]] = {
    "plan": ('id = "p"\n', ""),
    "rules": ('name = "r"\nversion = "1"\nextends = "default"\n', ""),
    "test": ('rules = "default"\n', '[[cases]]\nexpect = "met"\nfacts = { value = 1 }\n'),
}


def _load(kind: str) -> Callable[[Path], object]:
    return {
        "plan": goalcheck.load_plan,
        "rules": goalcheck.load_rules,
        "test": run_rule_tests,
    }[kind]


def problems(tmp_path: Path, kind: str, data: bytes) -> tuple[type, list[tuple[str, str]]]:
    """The error class and (location, message) pairs loading *data* as *kind* gives."""
    path = tmp_path / f"{kind}.toml"
    path.write_bytes(data)
    with pytest.raises(InputError) as excinfo:
        _load(kind)(path)
    found = [(p.location or "", p.message) for p in excinfo.value.problems]
    for problem in excinfo.value.problems:
        assert problem.file == str(path)
    return type(excinfo.value), found


def document(kind: str, extra: str) -> str:
    top, rest = KINDS[kind]
    return top + extra + rest


@pytest.mark.parametrize("kind", KINDS)
def test_a_byte_order_mark_is_fine_everywhere(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"{kind}.toml"
    path.write_bytes(b"\xef\xbb\xbf" + document(kind, "").encode("utf-8"))
    _load(kind)(path)  # no error


DEFECTS = {
    "unknown key": ("colour = 1\n", ("colour", "unknown key 'colour'")),
    "bad type": ("description = 5\n", ("description", "expected a string, not the number 5")),
    "syntax": ("x = = 1\n", None),
    "too deep": ("x = " + "[" * 100 + "]" * 100 + "\n", None),
}


@pytest.mark.parametrize("defect", DEFECTS)
def test_the_same_defect_reads_the_same_in_every_kind_of_file(tmp_path: Path, defect: str) -> None:
    text, expected = DEFECTS[defect]
    seen = {}
    for kind in KINDS:
        cls, found = problems(tmp_path, kind, document(kind, text).encode("utf-8"))
        # the rule file's own extra problems are not this defect's
        seen[kind] = (cls.__mro__[1] if cls is not LimitError else cls, found[0])
        if expected is not None:
            assert found[0] == expected, kind
    # one wording; the location is "line L, column C" (counted in each file, here line 2..4)
    messages = {found[1] for _, found in seen.values()}
    assert len(messages) == 1, seen
    forms = {found[0].split(" ")[0] for _, found in seen.values()}
    assert len(forms) == 1, seen
    if defect == "too deep":
        assert {cls for cls, _ in seen.values()} == {LimitError}


def test_bytes_that_are_not_utf8_read_the_same_in_every_kind_of_file(tmp_path: Path) -> None:
    messages = set()
    for kind in KINDS:
        data = document(kind, 'x = "\xe6"\n').encode("cp1252")
        _, [(location, message)] = problems(tmp_path, kind, data)
        assert location.startswith("line ")
        assert location.endswith(", column 6")
        messages.add(message.split(" at offset")[0])
    assert messages == {"not UTF-8 text: byte 0xE6"}


@pytest.mark.parametrize("kind", KINDS)
def test_an_integer_too_long_is_one_located_limit_error(tmp_path: Path, kind: str) -> None:
    cls, found = problems(tmp_path, kind, document(kind, "x = " + "9" * 4301 + "\n").encode())
    assert cls is LimitError
    (location, message) = found[0]
    assert location.endswith(", column 5")
    assert message.startswith("an integer has more than 4300 digits")


def test_an_integer_too_large_for_a_float_is_one_located_problem() -> None:
    with pytest.raises(PlanError) as excinfo:
        goalcheck._io.loads_plan(
            'id = "p"\n[[targets]]\nid = "t"\ndirection = "at_least"\ntarget = 1' + "0" * 400,
            "plan.toml",
        )
    (problem,) = excinfo.value.problems
    assert str(problem) == (
        "plan.toml:targets[0].target: an integer of 401 digits is too large for a number "
        "(the largest is about 1.8e308)"
    )
    with pytest.raises(PlanError, match="too large"):
        goalcheck.Target(id="t", direction="at_least", target=10**400)


def test_rule_tests_name_an_unknown_rule_set_at_its_key(tmp_path: Path) -> None:
    _, found = problems(
        tmp_path, "test", document("test", "").replace("default", "defualt").encode()
    )
    ((location, message),) = found
    assert location == "rules"
    assert "did you mean 'default'" in message


def test_a_case_needs_facts_or_a_target(tmp_path: Path) -> None:
    text = 'rules = "default"\n[[cases]]\nexpect = "met"\n'
    _, found = problems(tmp_path, "test", text.encode())
    assert found == [("cases[0]", "give `facts` or `target` (a case needs one of them)")]
    text += "facts = { value = 1 }\ntarget = { direction = 'at_least', target = 1 }\n"
    _, found = problems(tmp_path, "test", text.encode())
    assert found == [("cases[0]", "give either `facts` or `target`, not both")]


TARGET_CASE = """rules = "default"
as_of = "2009-09-30"
[[cases]]
name = "far"
expect = "met"
[cases.target]
direction = "at_least"
target = 10
deadline = "DEADLINE"
measurements = [{ date = "2009-06-30", value = 10 }]
"""


def test_a_placeholder_deadline_in_a_target_case_is_located(tmp_path: Path) -> None:
    data = TARGET_CASE.replace("DEADLINE", "9999-12-31").encode()
    _, [(location, message)] = problems(tmp_path, "test", data)
    assert location == "cases[0].target.deadline"
    assert "9999-12-31" in message


def test_a_target_case_that_raises_fails_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import goalcheck.engine

    def broken(*_args: object, **_kwargs: object) -> object:
        raise ValueError("year 10000 is out of range")

    monkeypatch.setattr(goalcheck.engine, "evaluate_iter", broken)
    path = tmp_path / "cases.toml"
    path.write_text(TARGET_CASE.replace("DEADLINE", "2010-12-31"), encoding="utf-8")
    run = run_rule_tests(path)
    assert run.report().splitlines() == [
        "FAIL far: error: ValueError: year 10000 is out of range",
        "0 passed, 1 failed",
    ]


# --------------------------------------------------------------------------- limits


def test_non_regular_files_are_refused_without_reading() -> None:
    for path in ("/dev/zero", "/dev/null"):
        with pytest.raises(LimitError, match="not a regular file"):
            read_text(Path(path), path)


def test_a_fifo_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "plan.toml"
    os.mkfifo(fifo)
    with pytest.raises(LimitError, match="not a regular file"):
        goalcheck.load_plan(fifo)  # and does not block waiting for a writer


def test_files_over_the_limit_are_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    with big.open("wb") as handle:  # sparse: no 64 MiB written
        handle.truncate(MAX_INPUT_BYTES + 1)
    with pytest.raises(LimitError) as excinfo:
        goalcheck.load_plan(big)
    assert str(excinfo.value) == (
        f"{big}: larger than the 64 MiB goalcheck reads (see the limits reference)"
    )
    assert read_bytes(big, "big", max_bytes=MAX_INPUT_BYTES + 1)[:1] == b"\x00"


def test_read_toml_takes_text_too() -> None:
    assert read_toml("\ufeffa = 1\n", "x.toml") == {"a": 1}
    with pytest.raises(RuleError) as excinfo:
        read_toml("a = \n", "x.toml", error=RuleError)
    assert [str(p) for p in excinfo.value.problems] == [
        "x.toml:line 1, column 5: TOML syntax error: Invalid value"
    ]


def test_many_measurements_of_unknown_targets_cost_a_bounded_number_of_suggestions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = []

    def counting(word: str, choices: object) -> str:
        calls.append(word)
        return ""

    monkeypatch.setattr(_assemble, "did_you_mean", counting)
    rows = "".join(
        f'[[measurements]]\ntarget_id = "gone{i}"\ndate = 2009-01-01\nvalue = 1\n'
        for i in range(300)
    )
    with pytest.raises(PlanError) as excinfo:
        goalcheck._io.loads_plan('id = "p"\n' + rows)
    assert len(excinfo.value.problems) == 300  # every problem kept
    assert len(calls) == _assemble.MAX_SUGGESTIONS


# --------------------------------------------------------------------------- the writer


def test_the_writer_keeps_an_existing_files_mode(tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o600)
    write_text(path, "new")
    assert path.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    write_text(path, b"bytes")
    assert path.read_bytes() == b"bytes"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_the_writer_refuses_links_fifos_and_directories(tmp_path: Path) -> None:
    real = tmp_path / "real.html"
    real.write_text("keep", encoding="utf-8")
    link = tmp_path / "link.html"
    link.symlink_to(real)
    fifo = tmp_path / "fifo.html"
    os.mkfifo(fifo)
    for path, words in (
        (link, "symbolic link"),
        (fifo, "not a regular file"),
        (tmp_path, "directory"),
    ):
        with pytest.raises(OptionError, match=words):
            write_text(path, "x")
    assert real.read_text(encoding="utf-8") == "keep"
    assert link.is_symlink()
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_the_writer_names_the_users_path_and_takes_long_names(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "r.html"
    with pytest.raises(OSError) as excinfo:
        write_text(missing, "x")
    assert excinfo.value.filename == str(missing)
    long = tmp_path / ("r" * 245 + ".html")
    write_text(long, "x")
    assert long.read_text(encoding="utf-8") == "x"


def test_write_plan_refuses_a_plan_load_plan_would_refuse(tmp_path: Path) -> None:
    target = goalcheck.Target(id="a", direction="at_least", target=1)
    plan = goalcheck.Plan(id="p", targets=(target, target))
    with pytest.raises(PlanError) as excinfo:
        goalcheck.write_plan(plan, tmp_path / "dup.toml")
    assert [str(p) for p in excinfo.value.problems] == [
        "targets[1].id: duplicate target id 'a' (first at targets[0])"
    ]
    assert not (tmp_path / "dup.toml").exists()
    with pytest.raises(PlanError) as evaluated:
        goalcheck.evaluate(plan, "2010-01-01")
    assert evaluated.value.problems == excinfo.value.problems
