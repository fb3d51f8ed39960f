"""Rule sets: loading, checking, located errors, extends, compile, trace, reason."""

from __future__ import annotations

import datetime as dt
import pickle
import tempfile
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goalcheck.errors import (
    EvaluationError,
    LimitError,
    OptionError,
    RuleError,
    RuleSetNotFoundError,
    UnknownNameError,
)
from goalcheck.rules import Rule, RuleSet, StatusInfo, list_rules, load_rules
from goalcheck.rules import _load as rules_module
from goalcheck.rules._template import render

DATA = Path(__file__).parent / "data" / "rules"
BASIC = DATA / "basic.toml"

HEADER = """
name = "t"
version = "1"

[statuses.good]
label_en = "good"
label_da = "god"
severity = 0

[statuses.bad]
label_en = "bad"
label_da = "dårlig"
severity = 2

[parameters.tolerance]
default = 0.9
"""


def write(tmp_path: Path, body: str, name: str = "rules.toml", header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text(header + textwrap.dedent(body), encoding="utf-8")
    return path


def rule(when: str, rule_id: str = "r", status: str = "good", reason: str = "why") -> str:
    return (
        f"\n[[rules]]\nid = {rule_id!r}\nwhen = '''{when}'''\nstatus = {status!r}\n"
        f"reason_en = '''{reason}'''\n"
    )


def load_error(path: Path) -> RuleError:
    with pytest.raises(RuleError) as info:
        load_rules(path)
    return info.value


# -- loading ----------------------------------------------------------------------------------


def test_load_the_test_rule_set() -> None:
    rs = load_rules(BASIC)
    assert rs.name == "basic"
    assert rs.version == "1.0"
    assert rs.hit_policy == "first"
    assert [status.id for status in rs.statuses] == [
        "met",
        "on_track",
        "at_risk",
        "not_evaluable",
    ]
    assert rs.statuses[1] == StatusInfo("on_track", "on track", "på rette spor", 1, tone="ok")
    assert rs.parameters == {"tolerance": 0.9, "trust_forecasts": True}
    assert rs.parameter_info[0].description == "Smallest pace that counts as on track."
    assert [rule.id for rule in rs.rules][:2] == ["no-data", "met"]
    assert rs.rules[3] == Rule(
        "on-pace",
        "pace >= tolerance",
        "on_track",
        "The pace {pace:.2f} is at least {tolerance}.",
        "Tempoet {pace:.2f} er mindst {tolerance}.",
    )
    assert rs.fact_names == {
        "value",
        "forecast",
        "satisfied",
        "overdue",
        "pace",
        "forecast_satisfied",
        "target",
    }
    assert rs.source == str(BASIC)
    assert len(rs.trees) == len(rs.rules)
    assert rs.rule_names(3) == {"pace", "tolerance"}


def test_load_by_str_path_and_pass_through() -> None:
    rs = load_rules(str(BASIC))
    assert load_rules(rs) is rs
    assert load_rules(BASIC) is rs  # cached until the file changes


def test_a_changed_file_is_reloaded(tmp_path: Path) -> None:
    path = write(tmp_path, rule("true"))
    first = load_rules(path)
    path.write_text(path.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert load_rules(path) is not first


def test_load_rules_rejects_other_types() -> None:
    with pytest.raises(TypeError):
        load_rules(3)  # type: ignore[arg-type]


def test_every_shipped_rule_set_loads() -> None:
    # Whatever is in rules/ (the engine ships default.toml); checked without skipping.
    for info in list_rules():
        rs = load_rules(info.name)
        assert rs.version == info.version
        assert rs.compile()({}) >= -1


def test_shipped_names_and_did_you_mean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rules_module, "_shipped_dir", lambda: DATA)
    infos = {info.name: info for info in list_rules()}
    assert {"basic", "unique"} <= infos.keys()
    assert infos["basic"].version == "1.0"
    assert infos["unique"].description.startswith("Overlapping rules")
    assert load_rules("basic").name == "basic"
    with pytest.raises(RuleSetNotFoundError, match=r"did you mean 'basic'.*basic, .*unique"):
        load_rules("basci")


def test_missing_files_and_directories(tmp_path: Path) -> None:
    with pytest.raises(RuleSetNotFoundError, match="no rule set file"):
        load_rules(tmp_path / "nope.toml")
    with pytest.raises(RuleSetNotFoundError, match="directory"):
        load_rules(tmp_path)
    with pytest.raises(RuleSetNotFoundError, match="no rule set named 'nope-at-all'"):
        load_rules("nope-at-all")


def test_invalid_toml_is_located(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('name = "x"\nversion = [\n', encoding="utf-8")
    error = load_error(path)
    assert error.problems[0].file == str(path)
    assert error.problems[0].location in ("end of document", "line 3, column 1")
    assert "TOML syntax error" in str(error)


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('name = "æøå"'.encode("latin-1"))
    assert "UTF-8" in str(load_error(path))


# -- located problems -------------------------------------------------------------------------


def test_problems_are_collected_and_located(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        rule("vaue > 1", "a")
        + rule("true", "b", status="god")
        + rule("pace >= tolerance", "c", reason="{pase}")
        + "reson_en = 'x'\n",
    )
    error = load_error(path)
    found = {(problem.location, problem.message) for problem in error.problems}
    assert len(error.problems) == 4
    assert all(problem.file == str(path) for problem in error.problems)
    assert (
        "rules[0].when, column 1",
        "rule 'a': unknown name 'vaue' (did you mean 'value'?)",
    ) in found
    messages = " ".join(message for _, message in found)
    assert "unknown status 'god' (did you mean 'good'?)" in messages
    assert "unknown name {pase} in the reason (did you mean 'pace'?)" in messages
    assert "unknown key 'reson_en' (did you mean 'reason_en'?)" in messages
    assert "(and 3 more problems)" in str(error)
    assert len(error.report().splitlines()) == 4


def test_structure_problems(tmp_path: Path) -> None:
    header = 'hit_policy = "firts"\ncolour = 1\n' + HEADER
    path = write(
        tmp_path,
        """
        [statuses.meh]
        label_en = "meh"

        [parameters.cap]
        description = "no default"

        [parameters.flag]
        default = "yes"

        [[rules]]
        id = "x"
        status = "good"
        """,
        header=header,
    )
    error = load_error(path)
    text = error.report()
    assert "unknown hit policy 'firts' (did you mean 'first'?)" in text
    assert "unknown key 'colour'" in text
    assert "statuses.meh.severity: missing required key 'severity'" in text
    assert "parameters.cap: a new parameter needs a default" in text
    assert "parameters.flag.default: default must be a number or true/false" in text
    assert "rules[0].when: missing required key 'when'" in text


def test_name_and_version_are_required(tmp_path: Path) -> None:
    path = write(tmp_path, rule("true"), header=HEADER.replace('name = "t"\nversion = "1"', ""))
    text = load_error(path).report()
    assert "name: missing required key 'name'" in text
    assert "version: missing required key 'version'" in text


def test_version_must_be_a_string(tmp_path: Path) -> None:
    path = write(tmp_path, rule("true"), header=HEADER.replace('version = "1"', "version = 1"))
    assert "version: expected a string, not the number 1" in str(load_error(path))


def test_duplicate_rule_ids_and_bad_parameters(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        rule("true", "a") + rule("true", "a") + "\n[parameters.value]\ndefault = 1\n",
    )
    text = load_error(path).report()
    assert "rule id 'a' is used twice" in text
    assert "has the name of a fact" in text


@pytest.mark.parametrize(
    ("template", "fragment"),
    [
        ("{value.__class__}", "plain fact or parameter name"),
        ("{value[0]}", "plain fact or parameter name"),
        ("{value!r}", "'!r' is not allowed"),
        ("{0}", "plain fact or parameter name"),
        ("{}", "plain fact or parameter name"),
        ("{_value}", "plain fact or parameter name"),
        ("{valeu}", "did you mean 'value'"),
        ("{value:{tolerance}}", "bad format"),
        ("{value:1000000000}", "too wide"),
        ("{value:.100f}", "too wide"),
        ("{value:xyz}", "bad format"),
        ("{measured_on:.1f}", "bad format"),
        ("{measured_on:%d %H %Y}", "bad format"),
        ("{satisfied:%d}", "bad format"),
        ("unbalanced {", "bad reason template"),
        ("unbalanced }", "bad reason template"),
    ],
)
def test_reason_templates_are_checked(tmp_path: Path, template: str, fragment: str) -> None:
    path = write(tmp_path, rule("true", reason=template))
    (problem,) = load_error(path).problems
    assert problem.location == "rules[0].reason_en"
    assert fragment in problem.message


def test_templates_with_braces_and_specs_render(tmp_path: Path) -> None:
    path = write(tmp_path, rule("true", reason="{{literal}} {value:>8.2f}|{tolerance:.0%}"))
    rs = load_rules(path)
    assert rs.reason(0, {"value": 3.14159}) == "{literal}     3.14|90%"
    assert rs.reason(0, {}) == "{literal} n/a|90%"
    assert (
        rs.reason(0, {}, "da") == "{literal} ukendt|90\N{NO-BREAK SPACE}%"
    )  # English template, Danish numbers


def test_dates_render_with_strftime_specs(tmp_path: Path) -> None:
    path = write(tmp_path, rule("true", reason="{measured_on:%d.%m.%Y} {measured_on}"))
    rs = load_rules(path)
    assert rs.reason(0, {"measured_on": dt.date(2009, 9, 30)}) == "30.09.2009 2009-09-30"


# -- hostile rule files never run code --------------------------------------------------------

HOSTILE = [
    "__import__('os').system('touch {marker}')",
    "().__class__.__bases__[0].__subclasses__()",
    "value.__class__",
    "(lambda: __import__('os').system('touch {marker}'))()",
    "[__import__('os').system('touch {marker}') for x in (1,)]",
    "eval(\"__import__('os').system('touch {marker}')\")",
    "exec('import os')",
    "open('{marker}', 'w')",
    "'' is None",
    "10 ** 10 ** 10 ** 10 > satisfied",
    "(" * 5000 + "1" + ")" * 5000,
    "not " * 5000 + "satisfied",
    "value > 1 or " * 500 + "true",
    "__builtins__ is None",
    "globals() is None",
    "breakpoint() is None",
]


@pytest.mark.parametrize("when", HOSTILE)
def test_hostile_conditions_fail_at_load_and_never_run(tmp_path: Path, when: str) -> None:
    marker = tmp_path / "pwned"
    path = write(tmp_path, rule(when.replace("{marker}", str(marker)), "evil"))
    error = load_error(path)
    problem = error.problems[0]
    assert problem.file == str(path)
    assert problem.location is not None
    assert problem.location.startswith("rules[0].when")
    assert "rule 'evil'" in problem.message
    assert not marker.exists()


def test_a_hostile_rule_set_built_in_python_is_rejected_too(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    evil = Rule("evil", f"__import__('os').system('touch {marker}')", "good", "x")
    with pytest.raises(RuleError, match=r"rules\[0\]\.when, column 1"):
        RuleSet("x", "1", "", [StatusInfo("good", "g", "g", 0)], {}, "first", [evil])
    assert not marker.exists()


# -- evaluation -------------------------------------------------------------------------------

BEHIND = {
    "value": 1,
    "satisfied": False,
    "overdue": False,
    "pace": 0.5,
    "forecast": 3,
    "forecast_satisfied": True,
}


@pytest.mark.parametrize(
    ("facts", "rule_id"),
    [
        ({}, "no-data"),
        ({"forecast": 2, "forecast_satisfied": True}, "forecast"),
        ({"forecast": 2}, "otherwise"),
        ({"value": 1, "satisfied": True}, "met"),
        ({"value": 1, "satisfied": False, "overdue": True}, "deadline-passed"),
        ({"value": 1, "pace": 0.9}, "on-pace"),
        ({"value": 1, "pace": 0.89}, "otherwise"),
        (BEHIND, "forecast"),
    ],
)
def test_first_policy_classifies(facts: dict[str, object], rule_id: str) -> None:
    rs = load_rules(BASIC)
    index = rs.compile()(facts)
    assert rs.rules[index].id == rule_id


def test_compile_is_cached_per_binding() -> None:
    rs = load_rules(BASIC)
    assert rs.compile() is rs.compile()
    assert rs.compile(tolerance=0.5) is rs.compile(tolerance=0.5)
    assert rs.compile(tolerance=0.5) is not rs.compile()


def test_parameter_overrides_change_the_verdict() -> None:
    rs = load_rules(BASIC)
    assert rs.rules[rs.compile(tolerance=0.5)(BEHIND)].id == "on-pace"
    assert rs.rules[rs.compile(trust_forecasts=False)(BEHIND)].id == "otherwise"
    assert rs.classify(BEHIND, trust_forecasts=False) == rs.status("at_risk")
    assert rs.bind(tolerance=1) == {"tolerance": 1, "trust_forecasts": True}


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"tolerence": 0.5}, "unknown parameter 'tolerence' (did you mean 'tolerance'?)"),
        ({"tolerance": True}, "parameter 'tolerance' must be a number, not True"),
        ({"tolerance": "0.5"}, "must be a number"),
        ({"trust_forecasts": 1}, "parameter 'trust_forecasts' must be a true/false value, not 1"),
    ],
)
def test_parameter_overrides_are_checked(overrides: dict[str, object], fragment: str) -> None:
    rs = load_rules(BASIC)
    with pytest.raises(RuleError) as info:
        rs.compile(**overrides)
    assert fragment in str(info.value)
    with pytest.raises(RuleError):
        rs.trace({}, **overrides)
    with pytest.raises(RuleError):
        rs.reason(0, {}, **overrides)


def test_unique_policy_raises_on_overlap() -> None:
    rs = load_rules(DATA / "unique.toml")
    classify = rs.compile()
    assert rs.rules[classify({"value": 5, "target": 10})].id == "below"
    assert rs.rules[classify({"value": 15, "target": 10})].id == "above"
    assert classify({}) == -1
    with pytest.raises(EvaluationError, match=r"'above' and 'big' .*'unique'"):
        classify({"value": 150, "target": 10})


def test_trace_explains_every_rule() -> None:
    rs = load_rules(BASIC)
    traces = rs.trace({"value": 1, "pace": 0.5, "satisfied": False})
    assert [trace.matched for trace in traces] == [False, False, False, False, False, True]
    assert traces[3].values == {"pace": 0.5, "tolerance": 0.9}
    assert traces[0].values == {"forecast": None, "value": 1}
    assert str(traces[3]) == "on-pace: did not match (pace=0.5, tolerance=0.9)"
    assert str(traces[5]) == "otherwise: matched"
    assert rs.trace({"pace": 0.5}, tolerance=0.4)[3].matched is True


def test_reason_renders_in_both_languages() -> None:
    rs = load_rules(BASIC)
    facts = {"value": 12.0, "target": 10, "pace": 0.91234}
    assert rs.reason(1, facts) == "The value 12 meets the target 10."
    assert rs.reason(1, facts, "da") == "Værdien 12 opfylder målet 10."
    assert rs.reason(3, facts) == "The pace 0.91 is at least 0.9."
    assert rs.reason(3, facts, tolerance=0.8) == "The pace 0.91 is at least 0.8."
    assert rs.reason(3, {}) == "The pace n/a is at least 0.9."
    assert rs.reason(-1, facts) == "no rule matched"
    assert rs.reason(-1, facts, "da") == "ingen regel passede"
    with pytest.raises(OptionError, match="language"):
        rs.reason(1, facts, "de")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0.123456789, "0.12"),
        (2.0, "2"),
        (1234567.8, "1,234,567.8"),
        (-0.001, "0"),
        (10**400, "1" + "0" * 400),
        (True, "true"),
        (dt.date(2009, 9, 30), "2009-09-30"),
        (7, "7"),
    ],
)
def test_default_rendering_of_values(value: object, shown: str) -> None:
    assert render(value, "", "en") == shown


def test_a_spec_that_does_not_fit_the_value_falls_back() -> None:
    assert render("text", ".1f", "en") == "text"


def test_lookups_with_did_you_mean() -> None:
    rs = load_rules(BASIC)
    assert rs.rule("met").status == "met"
    with pytest.raises(UnknownNameError, match="did you mean 'met'"):
        rs.rule("mte")
    with pytest.raises(LookupError, match="did you mean 'at_risk'"):
        rs.status("at-risk")


def test_when_may_be_a_toml_boolean(tmp_path: Path) -> None:
    path = write(
        tmp_path, "\n[[rules]]\nid = 'always'\nwhen = true\nstatus = 'good'\nreason_en = 'x'\n"
    )
    assert load_rules(path).compile()({}) == 0


# -- extends ----------------------------------------------------------------------------------


def test_extends_overrides_and_extends(tmp_path: Path) -> None:
    (tmp_path / "basic.toml").write_bytes(BASIC.read_bytes())
    child = tmp_path / "child.toml"
    child.write_text(
        textwrap.dedent(
            """
            name = "child"
            version = "2.0"
            extends = "basic.toml"

            [statuses.at_risk]
            label_en = "in danger"

            [statuses.stale]
            label_en = "stale"
            label_da = "forældet"
            severity = 4

            [parameters.tolerance]
            default = 0.75

            [parameters.max_age]
            default = 365
            description = "Oldest usable measurement, in days."

            [[rules]]
            id = "stale"
            when = "staleness_days > max_age"
            status = "stale"
            reason_en = "The latest measurement is {staleness_days} days old."
            before = "met"

            [[rules]]
            id = "forecast"
            remove = true

            [[rules]]
            id = "deadline-passed"
            when = "overdue and not satisfied"
            """
        ),
        encoding="utf-8",
    )
    rs = load_rules(child)
    base = load_rules(BASIC)
    assert rs.name == "child"
    assert rs.hit_policy == "first"
    assert [rule.id for rule in rs.rules] == [
        "no-data",
        "stale",
        "met",
        "deadline-passed",
        "on-pace",
        "otherwise",
    ]
    assert rs.parameters == {"tolerance": 0.75, "trust_forecasts": True, "max_age": 365}
    assert rs.parameter_descriptions["tolerance"] == base.parameter_descriptions["tolerance"]
    assert rs.status("at_risk") == StatusInfo("at_risk", "in danger", "i risiko", 2, tone="warn")
    assert rs.status("stale").label_da == "forældet"
    changed = rs.rule("deadline-passed")
    assert changed.when == "overdue and not satisfied"
    assert changed.reason_en == base.rule("deadline-passed").reason_en
    assert rs.rules[rs.compile()({"value": 1, "staleness_days": 400})].id == "stale"
    assert "staleness_days" in rs.fact_names


def test_extends_by_relative_path_and_order(tmp_path: Path) -> None:
    (tmp_path / "common").mkdir()
    base = write(tmp_path, rule("true", "a") + rule("false", "b"), name="common/base.toml")
    child = tmp_path / "child.toml"
    child.write_text(
        'name = "c"\nversion = "1"\nextends = "common/base.toml"\norder = ["b", "a"]\n',
        encoding="utf-8",
    )
    assert base.exists()
    assert [rule.id for rule in load_rules(child).rules] == ["b", "a"]


@pytest.mark.parametrize(
    ("extends", "fragment"),
    [
        ("../base.toml", "no '..'"),
        ("/etc/passwd", "no absolute paths"),
        ("sub/../../base.toml", "no '..'"),
        ("common/notes.txt", "must name a .toml rule file"),
        ("missing.toml", "no rule set file 'missing.toml' next to this file"),
        ("x" * 300, "no rule set named 'xxxx"),
        ("sub/" + "x" * 300 + ".toml", "no rule set file 'sub/xxx"),
    ],
)
def test_extends_reads_only_shipped_sets_and_files_in_its_folder(
    tmp_path: Path, extends: str, fragment: str
) -> None:
    # F11: a rule file cannot make goalcheck open a file outside its own folder.
    write(tmp_path, rule("true", "a"), name="base.toml")
    (tmp_path / "sub").mkdir()
    child = tmp_path / "sub" / "child.toml"
    child.write_text(f'name = "c"\nversion = "1"\nextends = "{extends}"\n', encoding="utf-8")
    (problem,) = [p for p in load_error(child).problems if p.location == "extends"]
    assert problem.file == str(child)
    assert fragment in problem.message
    assert len(problem.message) < 300


def test_extends_through_a_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    write(tmp_path, rule("true", "a"), name="base.toml")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "link.toml").symlink_to(tmp_path / "base.toml")
    child = tmp_path / "sub" / "child.toml"
    child.write_text('name = "c"\nversion = "1"\nextends = "link.toml"\n', encoding="utf-8")
    assert "leads outside this file's folder" in str(load_error(child))


def test_security_reproducers_for_rule_files_end_in_one_located_line() -> None:
    # F4/F11 reproducers kept in tests/data/security: each is one clear, located problem.
    data = DATA / "hostile"
    for name, where, fragment in [
        ("13-extends.rules.toml", "extends", "no '..'"),
        ("13b-extends.rules.toml", "extends", "no absolute paths"),
        ("16-long-extends.rules.toml", "extends", "no rule set named"),
        ("15-nul-in-name.rules.toml", "name", "control character"),
        ("05-param-400-digits.rules.toml", "parameters.", "too large"),
    ]:
        with pytest.raises(RuleError) as info:
            load_rules(data / name)
        problem = info.value.problems[0]
        assert problem.file == str(data / name), name
        assert problem.location is not None
        assert problem.location.startswith(where), name
        assert fragment in problem.message, name


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    # F15: rule files read like plans, with or without a BOM.
    path = write(tmp_path, rule("true"))
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_rules(path).name == "t"


def test_a_rule_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    # F2: a 6 MB rule file is refused before it is parsed, naming the limit.
    path = write(tmp_path, rule("true") + "# " + "x" * 6_000_000 + "\n")
    with pytest.raises(LimitError) as info:
        load_rules(path)
    assert "larger than the 1 MiB goalcheck reads" in str(info.value)


def test_rule_count_and_total_cost_are_limited() -> None:
    from goalcheck.rules import MAX_RULES, MAX_TOTAL_COST

    good = StatusInfo("good", "good", "god", 0)
    many = [Rule(f"r{i}", "value > 1", "good") for i in range(MAX_RULES + 1)]
    with pytest.raises(LimitError, match=r"2001 rules, more than the limit of 2000 \(MAX_RULES\)"):
        RuleSet("x", "1", "", [good], {}, "first", many)
    # Each of these is under MAX_COST, but together they exceed the total budget.
    eq = "satisfied"
    for _ in range(5):
        eq = f"((value > 1) == {eq})"
    (cost,) = RuleSet("x", "1", "", [good], {}, "first", [Rule("r", eq, "good")]).costs
    fits = MAX_TOTAL_COST // cost
    costly = [Rule(f"r{i}", eq, "good") for i in range(fits + 1)]
    with pytest.raises(LimitError, match=r"MAX_TOTAL_COST"):
        RuleSet("x", "1", "", [good], {}, "first", costly)
    fine = RuleSet("x", "1", "", [good], {}, "first", costly[:fits])
    assert sum(fine.costs) <= MAX_TOTAL_COST


class _Evil(float):
    """The F1 reproducer's shape: a float whose repr is code (it would fail if pasted)."""

    def __repr__(self) -> str:
        return "__import__('os').system('echo CODE RAN') * 0 + 0.5"


@pytest.mark.parametrize(
    "value",
    [_Evil(0.5), 0.5, 1, __import__("fractions").Fraction(1, 2)],
    ids=["float-subclass", "float", "int", "fraction"],
)
def test_parameters_of_any_real_type_are_data(value: object) -> None:
    # F1: a float subclass with a hostile repr, an int, a Fraction: all become plain data.
    rs = load_rules(BASIC)
    assert rs.classify({"pace": 0.75, "value": 1}, tolerance=value) is not None
    bound = rs.bind(tolerance=value)["tolerance"]
    assert type(bound) in (int, float)
    assert bound == 0.5 or bound == 1


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (float("nan"), "must be a finite number"),
        (float("inf"), "must be a finite number"),
        (9 * 10**399, "too large"),
    ],
)
def test_non_finite_parameters_are_refused(value: object, fragment: str) -> None:
    with pytest.raises(RuleError) as info:
        load_rules(BASIC).compile(tolerance=value)
    (problem,) = info.value.problems
    assert problem.location == "parameters.tolerance"
    assert fragment in problem.message


def test_non_finite_parameter_defaults_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, rule("pace > tolerance"), header=HEADER.replace("0.9", "nan"))
    assert "parameters.tolerance.default: default must be a finite number, not nan" in (
        load_error(path).report()
    )


def test_status_tones(tmp_path: Path) -> None:
    rs = load_rules("default")
    assert {info.id: info.tone for info in rs.statuses} == {
        "met": "good",
        "on_track": "ok",
        "not_evaluable": "none",
        "at_risk": "bad",
    }
    path = write(
        tmp_path, rule("true"), header=HEADER.replace("severity = 2", 'severity = 2\ntone = "bda"')
    )
    assert (
        "statuses.bad.tone: unknown tone 'bda' (did you mean 'bad'?)" in load_error(path).report()
    )
    plain = load_rules(write(tmp_path, rule("true"), name="plain.toml"))
    assert [info.tone for info in plain.statuses] == ["good", "bad"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ('order = ["a"]', "order must list every rule; missing: b"),
        ('order = ["a", "b", "c"]', "unknown rule 'c'"),
        ('order = ["a", "b", "a"]', "more than once"),
        ("order = 3", "order: expected an array, not the number 3"),
        ('[[rules]]\nid = "x"\nremove = true', "cannot remove unknown rule 'x'"),
        ('[[rules]]\nid = "a"\nremove = true\nstatus = "bad"', "takes only id and remove"),
        (
            '[[rules]]\nid = "a"\nremove = "yes"',
            "rules[0].remove: expected true or false, not 'yes'",
        ),
        ('[[rules]]\nid = "a"\nbefore = "bb"', "before: unknown rule 'bb' (did you mean 'b'?)"),
        ('[[rules]]\nid = "a"\nbefore = "b"\nafter = "b"', "not both"),
        ("[parameters.tolerance]\ndefault = true", "the override must be too"),
        ('[[rules]]\nid = "a"\nwhen = "vaue > 1"', "unknown name 'vaue'"),
        ('extends = "nonexistent-set"', "no rule set named"),
        (
            "[parameters.tolerence]\ndefault = 1.0",
            "parameter 'tolerence' is new here but no rule uses it (did you mean 'tolerance'?)",
        ),
    ],
)
def test_extends_problems_are_located_in_the_child(
    tmp_path: Path, body: str, fragment: str
) -> None:
    write(tmp_path, rule("true", "a") + rule("false", "b"), name="base.toml")
    child = tmp_path / "child.toml"
    extends = "" if body.startswith("extends") else 'extends = "base.toml"\n'
    child.write_text(f'name = "c"\nversion = "1"\n{extends}{body}\n', encoding="utf-8")
    error = load_error(child)
    assert fragment in error.report()
    assert all(problem.file == str(child) for problem in error.problems)


def test_problems_in_the_parent_are_located_in_the_parent(tmp_path: Path) -> None:
    base = write(tmp_path, rule("vaue > 1", "a"), name="base.toml")
    child = tmp_path / "child.toml"
    child.write_text('name = "c"\nversion = "1"\nextends = "base.toml"\n', encoding="utf-8")
    (problem,) = load_error(child).problems
    assert problem.file == str(base)
    assert problem.location == "rules[0].when, column 1"


def test_extends_cycles_are_rejected(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(
        'name = "a"\nversion = "1"\nextends = "b.toml"\n', encoding="utf-8"
    )
    (tmp_path / "b.toml").write_text(
        'name = "b"\nversion = "1"\nextends = "a.toml"\n', encoding="utf-8"
    )
    assert "cycle" in str(load_error(tmp_path / "a.toml"))


# -- building in Python -----------------------------------------------------------------------


def test_a_rule_set_checks_itself() -> None:
    good = StatusInfo("good", "good", "god", 0)
    rs = RuleSet("x", "1", "", [good], {"cap": 2}, "first", [Rule("r", "value > cap", "good")])
    assert rs.compile()({"value": 3}) == 0
    with pytest.raises(RuleError) as info:
        RuleSet("", "", "", [], {"Bad Name": 1, "flag": "x"}, "any", [])
    text = info.value.report()
    for fragment in (
        "needs a name",
        "needs a version",
        "unknown hit policy",
        "at least one status",
        "parameter name 'Bad Name'",
        "parameter 'flag' must be a number or true/false",
        "at least one rule",
    ):
        assert fragment in text
    with pytest.raises(RuleError, match="defined twice"):
        RuleSet("x", "1", "", [good, good], {}, "first", [Rule("r", "true", "good")])
    with pytest.raises(RuleError, match="whole number"):
        RuleSet("x", "1", "", [StatusInfo("g", "g", "g", True)], {}, "first", [])
    with pytest.raises(RuleError, match="must be letters"):
        RuleSet("x", "1", "", [good], {}, "first", [Rule("bad id", "true", "good")])


# -- fuzzing the loader -----------------------------------------------------------------------

LINES = [
    'name = "fuzz"',
    'version = "1"',
    "version = 1",
    'description = "d"',
    'hit_policy = "unique"',
    'hit_policy = "first"',
    "hit_policy = 3",
    'order = ["r", "s"]',
    "order = [1]",
    'extends = "nonexistent"',
    "extends = 5",
    "statuses = 3",
    "rules = 'x'",
    "parameters = [1]",
    "[statuses.a]",
    "[statuses.b]",
    "[[statuses]]",
    'label_en = "a"',
    "label_en = 1",
    'label_da = "å"',
    "severity = 1",
    "severity = true",
    'severity = "high"',
    "[parameters.cap]",
    "[parameters.value]",
    "default = 1.5",
    "default = true",
    'default = "x"',
    "[[rules]]",
    'id = "r"',
    'id = "s"',
    "id = 3",
    'when = "value > cap"',
    'when = "satisfied"',
    "when = true",
    "when = 3",
    'when = "value.__class__"',
    'status = "a"',
    'status = "c"',
    'reason_en = "{value} {cap:.1f}"',
    'reason_en = "{value!r}"',
    "reason_da = 7",
    'before = "r"',
    "before = 3",
    'after = "s"',
    "remove = true",
    "remove = 1",
    "[rules.x]",
    "junk",
    "= =",
]


@given(st.lists(st.sampled_from(LINES), max_size=30))
def test_any_rule_file_loads_or_raises_rule_errors(lines: list[str]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "fuzz.toml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        try:
            rs: RuleSet | None = load_rules(path)
        except RuleError as error:
            problems = error.problems
            rs = None
    if rs is None:
        assert problems
        assert all(problem.message and problem.file == str(path) for problem in problems)
    else:
        assert rs.compile()({}) >= -1


def _any_facts() -> st.SearchStrategy[dict[str, object]]:
    from goalcheck._vocabulary import FACTS

    values = {
        "number": st.one_of(st.none(), st.integers(-3, 500), st.floats(-3, 3)),
        "bool": st.sampled_from([None, True, False]),
        "date": st.sampled_from([None, dt.date(2009, 9, 30)]),
    }
    return st.fixed_dictionaries({name: values[info.type] for name, info in FACTS.items()})


@given(_any_facts(), st.booleans())
def test_shipped_rule_sets_agree_with_their_traces(facts: dict[str, object], drop: bool) -> None:
    # The fast classifier (complete facts) or its safe twin (facts missing) and the per-rule
    # trace functions are compiled separately from the same trees: they must agree.
    shown = {k: v for k, v in facts.items() if v is not None} if drop else facts
    for info in [*list_rules(), None]:
        rs = load_rules(info.name) if info else load_rules(BASIC)
        index = rs.compile()(shown)
        matched = [trace.index for trace in rs.trace(shown) if trace.matched]
        if rs.hit_policy == "first":
            assert index == (matched[0] if matched else -1)
        assert isinstance(rs.reason(index, shown), str)
        assert isinstance(rs.reason(index, shown, "da"), str)


def test_a_compiled_rule_set_pickles() -> None:
    rs = load_rules(BASIC)
    rs.compile()
    copy = pickle.loads(pickle.dumps(rs))
    assert copy.rules == rs.rules
    assert copy.parameters == rs.parameters
    assert copy.source == rs.source
    assert copy.compile()(BEHIND) == rs.compile()(BEHIND)


def test_rollup_and_years_pass_through_and_inherit(tmp_path: Path) -> None:
    base = write(
        tmp_path,
        rule("true"),
        name="base.toml",
        header='rollup = {method = "mean_score"}\n' + HEADER,
    )
    rs = load_rules(base)
    assert (rs.rollup, rs.years) == ({"method": "mean_score"}, None)
    child = tmp_path / "child.toml"
    child.write_text('name = "c"\nversion = "1"\nextends = "base.toml"\nyears = "whole"\n')
    rs = load_rules(child)
    assert (rs.rollup, rs.years) == ({"method": "mean_score"}, "whole")
    assert pickle.loads(pickle.dumps(rs)).years == "whole"


def test_spec_less_numbers_render_like_the_tables(tmp_path: Path) -> None:
    assert render(1750.5, "", "da") == "1.750,5"
    assert render(1750.5, ".1f", "da") == "1750,5"
    assert render(0.25, ".0%", "da") == "25\N{NO-BREAK SPACE}%"


CONDITIONAL = (
    "{if value is None}no value{elif value > target}above {target}"
    "{elif value == target}at target{else}below by {gap}{end}."
)


@pytest.mark.parametrize(
    ("facts", "text"),
    [
        ({}, "Value: no value."),
        ({"value": 12, "target": 10}, "Value: above 10."),
        ({"value": 10, "target": 10}, "Value: at target."),
        ({"value": 8, "target": 10}, "Value: below by 2."),
        ({"value": 8}, "Value: below by n/a."),  # unknown comparisons fall to else
    ],
)
def test_conditional_reason_templates(tmp_path: Path, facts: dict[str, object], text: str) -> None:
    body = rule("true", reason="Value: " + CONDITIONAL.replace("{gap}", "{baseline}"))
    rs = load_rules(write(tmp_path, body))
    if "value" in facts and "target" in facts:
        facts = {**facts, "baseline": facts["target"] - facts["value"]}  # type: ignore[operator]
    elif facts:
        facts = {**facts, "baseline": None}
    assert rs.reason(0, facts) == text
    assert {"value", "target", "baseline"} <= rs.used_names()


def test_conditions_in_templates_use_parameters_and_literal_braces(tmp_path: Path) -> None:
    body = rule("true", reason="{{x}} {if pace >= tolerance}on pace{else}slow{end} {{if}}")
    rs = load_rules(write(tmp_path, body))
    assert rs.reason(0, {"pace": 1}) == "{x} on pace {if}"
    assert rs.reason(0, {"pace": 0.5}) == "{x} slow {if}"
    assert rs.reason(0, {"pace": 0.5}, tolerance=0.4) == "{x} on pace {if}"
    assert rs.reason(0, {"pace": 1}, "da") == "{x} on pace {if}"  # no reason_da: English


@pytest.mark.parametrize(
    ("template", "fragment"),
    [
        ("{if vaue > 1}x{end}", "in {if vaue > 1}: unknown name 'vaue' (did you mean 'value'?)"),
        ("{if value}x{end}", "must be a true/false value, not a number"),
        ("{if satisfied}x", "{if} without {end}"),
        ("x{end}", "{end} without {if}"),
        ("{else}x", "{else} without {if}"),
        ("{if satisfied}{if overdue}x{end}{end}", "cannot be nested"),
        ("{if satisfied}a{else}b{elif overdue}c{end}", "{elif} after {else}"),
        ("{if satisfied}{value!r}{end}", "'!r' is not allowed"),
    ],
)
def test_bad_conditional_templates_are_located(
    tmp_path: Path, template: str, fragment: str
) -> None:
    path = write(tmp_path, rule("true", reason=template))
    (problem,) = load_error(path).problems
    assert problem.location == "rules[0].reason_en"
    assert fragment in problem.message
