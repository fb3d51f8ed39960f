"""goalcheck: evaluate the goals of public programmes, grants and plans.

The public surface is small: load a plan (:func:`load_plan`), evaluate it at a date with a
rule set (:func:`evaluate`), and read the :class:`Report`.  Everything else lives in private
modules.
"""

from __future__ import annotations

from goalcheck._io import dump_plan, load_csv, load_plan, write_plan
from goalcheck._io._iati import load_iati
from goalcheck._io._opensdg import load_opensdg
from goalcheck._version import __version__ as _fallback_version
from goalcheck.engine import evaluate, evaluate_iter
from goalcheck.errors import (
    EvaluationError,
    GoalcheckError,
    InputError,
    LimitError,
    MissingDependencyError,
    OptionError,
    PeriodError,
    PlanError,
    Problem,
    RuleError,
    RuleSetNotFoundError,
    TargetNotFoundError,
    UnknownNameError,
)
from goalcheck.facts import compute_facts
from goalcheck.frame import evaluate_frame
from goalcheck.model import (
    Accumulation,
    Area,
    Checkpoint,
    Direction,
    Funding,
    FundingKind,
    FundingType,
    Initiative,
    Measurement,
    MeasurementKind,
    Plan,
    Recurrence,
    Relative,
    Target,
    TargetGroup,
    TargetKind,
)
from goalcheck.periods import Period, parse_period
from goalcheck.report import Report, Result, Rollup
from goalcheck.rules import Rule, RuleSet, StatusInfo, list_rules, load_rules


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("goalcheck")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return _fallback_version


__version__: str  # read from the package metadata on first use: importlib.metadata is slow


def __getattr__(name: str) -> str:
    if name == "__version__":
        global __version__
        __version__ = _version()
        return __version__
    raise AttributeError(f"module 'goalcheck' has no attribute {name!r}")


__all__ = [
    "Accumulation",
    "Area",
    "Checkpoint",
    "Direction",
    "EvaluationError",
    "Funding",
    "FundingKind",
    "FundingType",
    "GoalcheckError",
    "Initiative",
    "InputError",
    "LimitError",
    "Measurement",
    "MeasurementKind",
    "MissingDependencyError",
    "OptionError",
    "Period",
    "PeriodError",
    "Plan",
    "PlanError",
    "Problem",
    "Recurrence",
    "Relative",
    "Report",
    "Result",
    "Rollup",
    "Rule",
    "RuleError",
    "RuleSet",
    "RuleSetNotFoundError",
    "StatusInfo",
    "Target",
    "TargetGroup",
    "TargetKind",
    "TargetNotFoundError",
    "UnknownNameError",
    "__version__",
    "compute_facts",
    "dump_plan",
    "evaluate",
    "evaluate_frame",
    "evaluate_iter",
    "list_rules",
    "load_csv",
    "load_iati",
    "load_opensdg",
    "load_plan",
    "load_rules",
    "parse_period",
    "write_plan",
]
