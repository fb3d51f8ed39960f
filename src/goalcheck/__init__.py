"""goalcheck: evaluate the goals of public programmes, grants and plans.

The public surface is small: load a plan (:func:`load_plan`), evaluate it at a date with a
rule set (:func:`evaluate`), and read the :class:`Report`.  Everything else lives in private
modules.
"""

from __future__ import annotations

from goalcheck._version import __version__ as _fallback_version
from goalcheck.errors import (
    EvaluationError,
    GoalcheckError,
    InputError,
    PeriodError,
    PlanError,
    Problem,
    RuleError,
    RuleSetNotFoundError,
    TargetNotFoundError,
)
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


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("goalcheck")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return _fallback_version


__version__ = _version()

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
    "Measurement",
    "MeasurementKind",
    "Period",
    "PeriodError",
    "Plan",
    "PlanError",
    "Problem",
    "Recurrence",
    "Relative",
    "RuleError",
    "RuleSetNotFoundError",
    "Target",
    "TargetGroup",
    "TargetKind",
    "TargetNotFoundError",
    "__version__",
    "parse_period",
]
