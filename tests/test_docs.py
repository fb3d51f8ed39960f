"""The docs keep their promises: every runnable example runs as printed, every ``--help``
example runs, the nav lists every page, and the indexes link what they should.

A code block is *runnable* when the line before its opening fence is ``<!-- runnable -->``
(see docs/explanation/runnable-docs.md).  In a block whose lines start with ``$ ``, those
lines are commands and the lines after each are its expected output; otherwise every line is
a command (a trailing ``\\`` continues it, ``#`` starts a comment).  ``<!-- runnable exit=1 -->``
expects exit status 1 of the last command.  A block marked ``<!-- output -->`` right after a
runnable one is the expected output of that block's last command.  Expected output matches
line by line, in order, with runs of spaces collapsed; ``...`` in a line matches anything.
Commands run with ``bash`` in a scratch directory holding copies of ``examples/`` and
``rules/`` and the placeholder files the docs use (``plan.toml``, ``targets.csv``, ...).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
import warnings
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
#: programs a runnable block may call (anything else is a typo or belongs in a plain block)
ALLOWED = {"goalcheck", "cat", "ls", "head", "tail", "echo", "cd", "grep", "wc", "test"}
_MARK = re.compile(r"^<!--\s*(runnable|output)(?:\s+exit=(\d+))?\s*-->\s*$")
_COMMENT = re.compile(r"\s+#\s.*$")  # "  # a comment" after a command
_FENCE = re.compile(r"^(```+|~~~+)\s*([\w.+-]*)")


@attrs.frozen
class Command:
    line: str
    expected: tuple[str, ...] = ()


@attrs.frozen
class Block:
    page: str
    lineno: int
    commands: tuple[Command, ...]
    exit: int = 0

    @property
    def id(self) -> str:
        return f"{self.page}:{self.lineno}"


def _fenced(lines: list[str], start: int) -> tuple[list[str], int]:
    """The body of the fenced block opening at *start*, and the index after its close."""
    fence = _FENCE.match(lines[start])
    assert fence is not None, f"line {start + 1}: a marker must precede a fenced code block"
    body: list[str] = []
    for i in range(start + 1, len(lines)):
        if lines[i].strip().startswith(fence.group(1)):
            return body, i + 1
        body.append(lines[i])
    raise AssertionError(f"line {start + 1}: unclosed code block")


def _commands(body: list[str]) -> list[Command]:
    if any(line.startswith("$ ") for line in body):
        commands: list[Command] = []
        for line in body:
            if line.startswith("$ "):
                commands.append(Command(line[2:]))
            elif commands:
                last = commands[-1]
                if last.line.endswith("\\") and not last.expected:
                    commands[-1] = Command(last.line[:-1] + " " + line.strip())
                else:
                    commands[-1] = Command(last.line, (*last.expected, line))
        return commands
    joined: list[str] = []
    for raw in body:
        line = _COMMENT.sub("", raw).strip()
        if joined and joined[-1].endswith("\\"):
            joined[-1] = joined[-1][:-1].rstrip() + " " + line
        elif line and not line.startswith("#"):
            joined.append(line)
    return [Command(line) for line in joined]


def parse(page: str, text: str) -> list[Block]:
    """The runnable blocks of one Markdown page."""
    lines = text.splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        mark = _MARK.match(lines[i])
        if mark is None:
            i += 1
            continue
        following = lines[i + 1] if i + 1 < len(lines) else ""
        assert _FENCE.match(following), (
            f"{page}:{i + 1}: a marker must stand on the line before a fenced code block"
        )
        body, after = _fenced(lines, i + 1)
        if mark.group(1) == "output":
            assert blocks, f"{page}:{i + 1}: output without a runnable block before it"
            last = blocks[-1]
            done = Command(last.commands[-1].line, tuple(body))
            blocks[-1] = attrs.evolve(last, commands=(*last.commands[:-1], done))
        else:
            exit_status = int(mark.group(2) or 0)
            blocks.append(Block(page, i + 2, tuple(_commands(body)), exit_status))
        i = after
    return blocks


def _pages() -> Iterator[Path]:
    yield from sorted(DOCS.rglob("*.md"))


BLOCKS = [
    block
    for path in _pages()
    for block in parse(str(path.relative_to(DOCS)), path.read_text("utf-8"))
]


# --- running -------------------------------------------------------------------------------


def _collapse(text: str) -> str:
    return " ".join(text.split())


def output_problems(expected: tuple[str, ...], output: str) -> list[str]:
    """The expected lines not found in *output*, in order (spaces collapsed, ``...`` = any)."""
    missing: list[str] = []
    lines = [_collapse(line) for line in output.splitlines()]
    at = 0
    for want in (_collapse(line) for line in expected):
        if not want or want == "...":
            continue
        parts = [re.escape(part.strip()) for part in want.split("...")]
        pattern = re.compile(".*".join(parts))
        for k in range(at, len(lines)):
            if pattern.search(lines[k]):
                at = k + 1
                break
        else:
            missing.append(want)
    return missing


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch directory with the examples, the rule sets and the docs' placeholder files."""
    import goalcheck

    home = tmp_path_factory.mktemp("docs")
    shutil.copytree(ROOT / "examples", home / "examples")
    shutil.copytree(ROOT / "rules", home / "rules")
    shutil.copy(ROOT / "tests" / "data" / "cli-targets.csv", home / "targets.csv")
    shutil.copy(ROOT / "tests" / "data" / "cli-measurements.csv", home / "measurements.csv")
    with warnings.catch_warnings():  # a placeholder file: the examples' own tests judge them
        warnings.simplefilter("ignore")
        plan = goalcheck.load_plan(ROOT / "examples" / "beskaeftigelsesaftale-2009")
        (home / "plan.toml").write_text(goalcheck.dump_plan(plan), "utf-8")
    mine = (ROOT / "rules" / "default.toml").read_text("utf-8")
    mine = mine.replace('name = "default"', 'name = "my-rules"', 1)
    (home / "my-rules.toml").write_text(mine, "utf-8")
    (home / "rules" / "my-rules.toml").write_text(mine, "utf-8")
    # more placeholder files (a workbook, ...): whatever tests/data/docs holds
    extra = ROOT / "tests" / "data" / "docs"
    if extra.is_dir():
        shutil.copytree(extra, home, dirs_exist_ok=True)
    return home


def run(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    program = command.split()[0]
    assert program in ALLOWED, f"{command!r}: {program!r} is not a program docs may run"
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
        "COLUMNS": "100",
        "NO_COLOR": "1",
    }
    return subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def block_problems(block: Block, cwd: Path) -> list[str]:
    problems: list[str] = []
    for n, command in enumerate(block.commands, start=1):
        done = run(command.line, cwd)
        want = block.exit if n == len(block.commands) else 0
        if done.returncode != want:
            problems.append(
                f"{command.line!r} exited {done.returncode}, not {want}: "
                f"{(done.stderr or done.stdout).strip()[-500:]}"
            )
            continue
        missing = output_problems(command.expected, done.stdout + done.stderr)
        if missing:
            problems.append(
                f"{command.line!r}: output lacks {missing[0]!r}\n{done.stdout[-1500:]}"
            )
    return problems


def test_some_blocks_are_runnable() -> None:
    assert len(BLOCKS) >= 5
    assert sum(len(block.commands) for block in BLOCKS) >= 10


@pytest.mark.parametrize("block", BLOCKS, ids=[block.id for block in BLOCKS])
def test_runnable_block(block: Block, sandbox: Path) -> None:
    assert block.commands, f"{block.id}: a runnable block without a command"
    problems = block_problems(block, sandbox)
    assert not problems, "\n".join(problems)


# --- the runner itself -----------------------------------------------------------------------

PAGE = """\
Text.

<!-- runnable -->
```console
$ goalcheck period "Q3 2009"
2009-07-01 ... 2009-09-30
$ goalcheck rules
default
```

<!-- runnable exit=2 -->
```sh
goalcheck period \\
  "no such period"   # a comment
```

```sh
goalcheck not run: no marker
```

<!-- runnable -->
```sh
goalcheck period 2013
```
<!-- output -->
```text
2013-01-01 2013-12-31
```
"""


def test_parser_reads_the_markers() -> None:
    blocks = parse("x.md", PAGE)
    assert [b.lineno for b in blocks] == [4, 12, 22]
    assert blocks[0].commands == (
        Command('goalcheck period "Q3 2009"', ("2009-07-01 ... 2009-09-30",)),
        Command("goalcheck rules", ("default",)),
    )
    assert blocks[1].exit == 2
    assert blocks[1].commands == (Command('goalcheck period "no such period"'),)
    assert blocks[2].commands == (Command("goalcheck period 2013", ("2013-01-01 2013-12-31",)),)


def test_runner_passes_good_blocks_and_fails_bad_ones(tmp_path: Path) -> None:
    good = parse("x.md", PAGE)
    assert all(block_problems(block, tmp_path) == [] for block in good)
    wrong_output = attrs.evolve(good[2], commands=(Command("goalcheck period 2013", ("2014",)),))
    assert block_problems(wrong_output, tmp_path)
    wrong_exit = attrs.evolve(good[1], exit=0)
    assert block_problems(wrong_exit, tmp_path)
    with pytest.raises(AssertionError, match="not a program"):
        run("rm -rf /", tmp_path)


def test_output_matching() -> None:
    output = "id   status\n1.1  met\n1.2  at   risk\n"
    assert output_problems(("id status", "1.2 at risk"), output) == []
    assert output_problems(("1.2 ... risk",), output) == []
    assert output_problems(("1.2 at risk", "1.1 met"), output) == ["1.1 met"]  # order counts


# --- the examples in --help ------------------------------------------------------------------


def help_text(*args: str) -> str:
    done = run(" ".join(["goalcheck", *args, "--help"]), ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout


def help_examples(text: str) -> list[str]:
    """The commands under an ``example:``/``examples:`` heading of a help text."""
    commands: list[str] = []
    inside = False
    for line in text.splitlines():
        if re.match(r"^examples?:\s*$", line):
            inside = True
            continue
        if inside and not line.strip():
            inside = False
        elif inside and line.strip().startswith("goalcheck "):
            commands.append(line.strip())
        elif inside and commands and commands[-1].endswith("\\"):
            commands[-1] = commands[-1][:-1] + " " + line.strip()
    return commands


def _subcommands() -> list[str]:
    text = help_text()
    listed = re.findall(r"^    (\w[\w-]*)\s", text, flags=re.MULTILINE)
    assert {"evaluate", "explain", "demo"} <= set(listed), text
    return listed


SUBCOMMANDS = _subcommands()
HELP_EXAMPLES = [
    (name, command)
    for name in ["", *SUBCOMMANDS]
    for command in help_examples(help_text(*([name] if name else [])))
]


def test_every_subcommand_help_has_an_example() -> None:
    with_examples = {name for name, _ in HELP_EXAMPLES}
    assert set(SUBCOMMANDS) <= with_examples


@pytest.mark.parametrize(("name", "command"), HELP_EXAMPLES, ids=[c for _, c in HELP_EXAMPLES])
def test_help_example_runs(name: str, command: str, sandbox: Path, tmp_path: Path) -> None:
    # a fresh copy per example: an example may write files (-o report.json)
    home = tmp_path / "home"
    shutil.copytree(sandbox, home)
    done = run(command, home)
    # lint, test and --fail-on report findings with exit status 1; 2 is always an error
    allowed = {0, 1} if re.search(r"^goalcheck (lint|test)\b|--fail-on", command) else {0}
    assert done.returncode in allowed, f"{command!r} exited {done.returncode}: {done.stderr}"


# --- the site's structure ------------------------------------------------------------------


def _nav_pages() -> set[str]:
    text = (ROOT / "mkdocs.yml").read_text("utf-8")
    nav = text[text.index("\nnav:") : text.index("\nvalidation:")]
    return set(re.findall(r"([\w./-]+\.md)\s*$", nav, flags=re.MULTILINE))


def test_every_page_is_in_the_nav() -> None:
    pages = {str(path.relative_to(DOCS)) for path in _pages()}
    assert pages - _nav_pages() == set(), "add these pages to the nav in mkdocs.yml"
    assert _nav_pages() - pages == set(), "the nav names pages that do not exist"


def test_nav_is_in_diataxis_order() -> None:
    text = (ROOT / "mkdocs.yml").read_text("utf-8")
    order = [
        text.index(f"\n  - {section}")
        for section in ("Tutorial", "How-to", "Reference", "Explanation")
    ]
    assert order == sorted(order)


def test_reference_index_links_every_reference_page() -> None:
    index = (DOCS / "reference" / "index.md").read_text("utf-8")
    linked = set(re.findall(r"\]\(([\w.-]+\.md)(?:#[\w-]*)?\)", index))
    pages = {path.name for path in (DOCS / "reference").glob("*.md")} - {"index.md"}
    assert pages - linked == set(), "link these pages from docs/reference/index.md"


def test_every_section_index_links_its_pages() -> None:
    for section in ("tutorial", "how-to", "explanation"):
        index = (DOCS / section / "index.md").read_text("utf-8")
        linked = set(re.findall(r"\]\(([\w.-]+\.md)(?:#[\w-]*)?\)", index))
        pages = {path.name for path in (DOCS / section).glob("*.md")} - {"index.md"}
        assert pages - linked == set(), f"link these pages from docs/{section}/index.md"


def test_install_page_names_every_extra() -> None:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"][
        "optional-dependencies"
    ]
    page = (DOCS / "how-to" / "install.md").read_text("utf-8")
    missing = [extra for extra in extras if f"goalcheck[{extra}]" not in page]
    assert missing == [], "describe these extras in docs/how-to/install.md"


def test_api_reference_covers_the_public_names() -> None:
    import goalcheck

    pages = "".join(path.read_text("utf-8") for path in (DOCS / "reference").glob("api*.md"))
    documented = set(re.findall(r"^::: goalcheck\.(\w+)", pages, flags=re.MULTILINE))
    errors = {name for name in goalcheck.__all__ if name.endswith("Error") or name == "Problem"}
    wanted = set(goalcheck.__all__) - {"__version__"} - errors
    assert wanted - documented == set(), "add these names to a docs/reference/api-*.md page"
    assert "errors" in documented
    assert "strategies" in documented
