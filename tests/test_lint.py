"""goalcheck lint: planted mistakes are found with an example; shipped rule sets are clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from goalcheck.cli import main
from goalcheck.lint import Finding, lint_rules
from goalcheck.rules import list_rules

HEAD = """
name = "planted"
version = "1"
hit_policy = "{policy}"

[statuses.good]
label_en = "good"
label_da = "god"
severity = 0

[statuses.bad]
label_en = "bad"
label_da = "dårlig"
severity = 1

[parameters.cap]
default = 0.9
"""


def write(tmp_path: Path, rules: str, policy: str = "first") -> Path:
    path = tmp_path / "planted.toml"
    path.write_text(HEAD.format(policy=policy) + rules, encoding="utf-8")
    return path


def defects(path: Path) -> list[Finding]:
    """The findings about the rules (the planted header has a parameter few rules use)."""
    return [finding for finding in lint_rules(path) if finding.kind != "unused-parameter"]


def rule(rule_id: str, when: str, status: str = "good") -> str:
    return (
        f'\n[[rules]]\nid = "{rule_id}"\nwhen = "{when}"\nstatus = "{status}"\n'
        f'reason_en = "{rule_id}"\nreason_da = "{rule_id}"\n'
    )


@pytest.mark.parametrize("info", list_rules(), ids=lambda info: info.name)
def test_every_shipped_rule_set_is_clean(info: object) -> None:
    assert lint_rules(info.name) == []  # type: ignore[attr-defined]


def test_a_clean_rule_set_has_no_findings(tmp_path: Path) -> None:
    path = write(tmp_path, rule("high", "pace >= cap") + rule("rest", "true", "bad"))
    assert lint_rules(path) == []


def test_a_planted_unreachable_rule_is_found_with_its_shadow(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        rule("wide", "pace >= 0.5")
        + rule("narrow", "pace >= 0.9", "bad")  # every pace >= 0.9 is also >= 0.5
        + rule("rest", "true", "bad"),
    )
    [finding] = defects(path)
    assert finding.kind == "shadowed"
    assert finding.location == "rules[1] 'narrow'"
    assert "'wide'" in finding.message
    assert finding.example is not None
    pace = finding.example["pace"]
    assert isinstance(pace, float)
    assert pace >= 0.9


def test_an_unsatisfiable_rule_is_found(tmp_path: Path) -> None:
    path = write(tmp_path, rule("never", "pace > 2 and pace < 1") + rule("rest", "true", "bad"))
    [finding] = defects(path)
    assert finding.kind == "never-matches"
    assert finding.location == "rules[0] 'never'"


def test_a_planted_gap_is_found_with_an_uncovered_input(tmp_path: Path) -> None:
    path = write(tmp_path, rule("up", "pace >= cap") + rule("down", "pace < 0.5", "bad"))
    [finding] = lint_rules(path)
    assert finding.kind == "gap"
    assert finding.example is not None
    pace = finding.example["pace"]
    # the gap is [0.5, 0.9) or a missing pace
    assert pace is None or (isinstance(pace, float) and 0.5 <= pace < 0.9)


def test_a_planted_overlap_under_unique_is_found(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        rule("up", "pace >= 0.5")
        + rule("down", "pace <= 0.6", "bad")
        + rule("none", "pace is None", "bad"),
        policy="unique",
    )
    [finding] = defects(path)
    assert finding.kind == "overlap"
    assert "'up' and 'down'" in finding.message
    assert finding.example is not None
    pace = finding.example["pace"]
    assert isinstance(pace, float)
    assert 0.5 <= pace <= 0.6


def test_load_problems_are_findings(tmp_path: Path) -> None:
    path = write(tmp_path, rule("typo", "pase >= cap") + rule("rest", "true", "bad"))
    [finding] = lint_rules(path)
    assert finding.kind == "load"
    assert "did you mean 'pace'" in finding.message
    assert finding.location is not None
    assert "rules[0]" in finding.location


def test_lint_is_deterministic(tmp_path: Path) -> None:
    path = write(tmp_path, rule("up", "pace >= cap") + rule("down", "pace < 0.5", "bad"))
    assert lint_rules(path) == lint_rules(path)


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = write(tmp_path, rule("high", "pace >= cap") + rule("rest", "true", "bad"))
    assert main(["lint", str(clean)]) == 0
    assert "no problems found" in capsys.readouterr().out
    gap = write(tmp_path, rule("up", "pace >= cap"))
    assert main(["lint", str(gap)]) == 1
    out = capsys.readouterr().out
    assert "gap:" in out
    assert "1 problem found" in out
    assert main(["lint", str(tmp_path / "missing.toml")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:")
    assert "Traceback" not in err


def test_a_closing_catch_all_is_not_reported_even_when_unreachable(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        rule("high", "pace >= cap")
        + rule("low", "pace < cap", "bad")
        + rule("none", "pace is None", "bad")
        + rule("rest", "true", "bad"),
    )
    assert lint_rules(path) == []


# -- the planted corpus -----------------------------------------------------------------------

CORPUS = sorted((Path(__file__).parent / "data" / "lint").glob("*.toml"))


def _canonical(finding: Finding) -> str:
    """A finding in the corpus's '# expect:' notation."""
    if finding.kind == "shadowed":
        culprit = finding.message.split("matched first by ", 1)[1]
        return f"shadowed {finding.location} by {culprit}"
    if finding.kind == "overlap":
        first = finding.message.split("'")[1]
        return f"overlap {finding.location} with '{first}'"
    if finding.kind == "gap":
        return "gap"
    return f"{finding.kind} {finding.location}"


@pytest.mark.parametrize("path", CORPUS, ids=lambda path: path.stem)
def test_the_corpus_finds_every_planted_defect_and_nothing_else(path: Path) -> None:
    expected = sorted(
        line.removeprefix("# expect: ").strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("# expect: ")
    )
    findings = lint_rules(path)
    assert sorted(_canonical(finding) for finding in findings) == expected
    for finding in findings:
        assert "sampling" not in finding.message  # the corpus is decided exactly
        if finding.kind in ("shadowed", "gap", "overlap"):
            assert finding.example is not None


def test_the_corpus_covers_every_kind_of_defect() -> None:
    planted = " ".join(path.read_text(encoding="utf-8") for path in CORPUS)
    for kind in ("shadowed", "gap", "overlap", "never-matches", "unused-parameter"):
        assert f"# expect: {kind}" in planted
    assert "together" in planted


def test_the_culprit_is_the_rule_that_covers_not_the_first_that_overlaps() -> None:
    # usability finding 14: 'faster' was said to be shadowed by 'no-data'.
    (finding,) = lint_rules(CORPUS[0])
    assert "by 'fast'" in finding.message
    assert finding.example == {"pace": 1.2}


@pytest.mark.parametrize(
    ("path", "example"),
    [("03-gap.toml", {"pace": 0.5}), ("04-overlap-unique.toml", {"pace": 0.5})],
)
def test_examples_use_round_numbers(path: str, example: dict[str, object]) -> None:
    (finding,) = [f for f in lint_rules(CORPUS[0].parent / path) if f.example is not None]
    assert finding.example == example


def test_an_unused_parameter_is_flagged(tmp_path: Path) -> None:
    path = write(tmp_path, rule("high", "pace >= 1") + rule("rest", "true", "bad"))
    (finding,) = lint_rules(path)
    assert (finding.kind, finding.location) == ("unused-parameter", "parameters.cap")


def test_missing_danish_texts_are_flagged(tmp_path: Path) -> None:
    path = write(tmp_path, rule("high", "pace >= cap") + rule("rest", "true", "bad"))
    text = path.read_text(encoding="utf-8").replace('label_da = "god"', 'label_da = "good"')
    path.write_text(text.replace('reason_da = "rest"\n', ""), encoding="utf-8")
    found = {(f.kind, f.location) for f in lint_rules(path)}
    assert found == {
        ("missing-translation", "statuses.good.label_da"),
        ("missing-translation", "rules[1] 'rest'.reason_da"),
    }


def test_conditions_the_reasoning_cannot_decide_fall_back_to_sampling(tmp_path: Path) -> None:
    # value + target is arithmetic on facts: the reasoning treats it as unknown, finds the
    # gap by searching for facts, and says so.
    path = write(tmp_path, rule("big", "value + target > 10") + rule("none", "value is None"))
    (finding,) = defects(path)
    assert finding.kind == "gap"
    assert "found by sampling" in finding.message
    assert finding.example is not None
