"""The goalcheck exception hierarchy.

Every error goalcheck raises on purpose derives from :class:`GoalcheckError`, so a caller can
catch them all in one place.  Each subclass also derives from the builtin it resembles
(``ValueError``, ``LookupError``, ``OSError``), so code that does not know goalcheck still
catches what it expects.

Errors about input carry one or more :class:`Problem` objects, each with the file, the
location inside it (a TOML key path such as ``initiatives[3].targets[0].deadline`` or a CSV
``row 4, column deadline``) and a message.  Loaders collect every problem they find before
raising, in the manner of cattrs' exception groups, so a user fixes a file in one pass.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

import attrs

__all__ = [
    "EvaluationError",
    "GoalcheckError",
    "InputError",
    "LimitError",
    "MissingDependencyError",
    "OptionError",
    "PeriodError",
    "PlanError",
    "Problem",
    "RuleError",
    "RuleSetNotFoundError",
    "TargetNotFoundError",
    "UnknownNameError",
    "did_you_mean",
]


@attrs.frozen
class Problem:
    """One thing wrong with an input, and where it is.

    *file* is the path as the user gave it (``None`` for objects built in Python),
    *location* a TOML key path (``initiatives[3].targets[0].deadline``), a CSV location
    (``row 4, column deadline``) or a rule location (``rules[2] 'met', column 7``).
    """

    message: str
    file: str | None = None
    location: str | None = None

    def __str__(self) -> str:
        where = ":".join(part for part in (self.file, self.location) if part)
        return f"{where}: {self.message}" if where else self.message


class GoalcheckError(Exception):
    """The root of every error goalcheck raises on purpose."""


class InputError(GoalcheckError, ValueError):
    """Some input was malformed; ``problems`` lists every problem found, each located.

    ``str(error)`` is the first problem on one line (with a count of the others), which is
    what the command line prints after ``error:``; ``error.report()`` lists them all.
    """

    problems: tuple[Problem, ...]

    def __init__(self, problems: Problem | str | Sequence[Problem]) -> None:
        if isinstance(problems, str):
            problems = (Problem(problems),)
        elif isinstance(problems, Problem):
            problems = (problems,)
        self.problems = tuple(problems)
        if not self.problems:
            raise ValueError("an InputError needs at least one problem")
        super().__init__(self._summary())

    def _summary(self) -> str:
        first = str(self.problems[0])
        more = len(self.problems) - 1
        if more:
            first += f" (and {more} more problem{'s' if more > 1 else ''})"
        return first

    def report(self) -> str:
        """Every problem, one per line."""
        return "\n".join(str(problem) for problem in self.problems)


class PlanError(InputError):
    """A plan file, a CSV file or a model object is malformed."""


class PeriodError(InputError):
    """A date or period phrase could not be read."""


class RuleError(InputError):
    """A rule set or a rule test file is malformed or unsafe."""


class RuleSetNotFoundError(GoalcheckError, LookupError):
    """No shipped rule set has this name and no file has this path."""


class TargetNotFoundError(GoalcheckError, LookupError):
    """A plan has no target with this id."""


class EvaluationError(GoalcheckError, RuntimeError):
    """Evaluation failed, e.g. two rules matched under the ``unique`` hit policy."""


class OptionError(GoalcheckError, ValueError):
    """An option given in Python or on the command line has a value it cannot take.

    A bad language, output format, status, decimal mark or engine: the message names the
    option, the value and the values it takes (with a did-you-mean where one is close).
    """


class UnknownNameError(GoalcheckError, LookupError):
    """A name looked up in a collection (a status, a rule, a parameter) is not there."""


class LimitError(InputError):
    """An input is larger, deeper or costlier than goalcheck's documented limits allow."""


class MissingDependencyError(GoalcheckError, ImportError):
    """A feature needs an optional extra that is not installed; the message names the extra."""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return ``" (did you mean 'x'?)"`` for the closest choice, or ``""`` if none is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
