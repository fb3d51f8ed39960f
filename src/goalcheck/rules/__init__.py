"""Rule sets: statuses, parameters and ordered rules over facts, loaded from TOML files.

A rule set classifies one target from its facts: the rules are tried in order and the first
whose ``when`` condition is true gives the status (hit policy ``first``), or exactly one rule
may match (hit policy ``unique``).  Conditions are checked when the rule set loads (see
:mod:`goalcheck._lang`) and compiled into one Python function per parameter binding, so
nothing in a rule file can run code and classification costs about as much as a hand-written
``if``/``elif``.  Every problem in a file is collected and raised as one
:class:`~goalcheck.errors.RuleError`, each located (``rules[2].when, column 7``).

The package is split by job: :mod:`._model` (the data classes, compile, classify, trace,
bind), :mod:`._check` (the checks every rule set passes, and its limits), :mod:`._template`
(reason templates) and :mod:`._load` (shipped names, paths, the cache, ``extends``).
"""

from __future__ import annotations

from goalcheck.rules._check import HIT_POLICIES, MAX_RULES, MAX_TOTAL_COST, TONES
from goalcheck.rules._load import (
    MAX_EXTENDS,
    MAX_RULE_FILE_BYTES,
    _shipped,
    _shipped_dir,
    list_rules,
    load_rules,
)
from goalcheck.rules._model import (
    Parameter,
    ParameterValue,
    Rule,
    RuleSet,
    RuleSetInfo,
    RuleTrace,
    StatusInfo,
)
from goalcheck.rules._template import render as _render

__all__ = [
    "HIT_POLICIES",
    "MAX_EXTENDS",
    "MAX_RULES",
    "MAX_RULE_FILE_BYTES",
    "MAX_TOTAL_COST",
    "TONES",
    "Parameter",
    "ParameterValue",
    "Rule",
    "RuleSet",
    "RuleSetInfo",
    "RuleTrace",
    "StatusInfo",
    "list_rules",
    "load_rules",
]

# Kept importable for callers of the single-module layout (tests monkeypatch _shipped_dir
# on goalcheck.rules._load).
del _shipped, _shipped_dir, _render
