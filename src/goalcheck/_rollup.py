"""How a group of results (an initiative, an area, the plan) gets one status.

A rule set chooses the method with its top-level ``rollup`` key:

* ``"worst"`` (the default): the most severe status among the group's targets;
* ``"mean_score"``: Open SDG's indicator status.  The mean of the targets' ``score`` facts
  that are not None, mapped to a status through ``bands``; the ``met`` status only when every
  scored target has it; the ``none`` status when no target has a score;
* ``"share_met"``: the share of evaluable targets (status other than ``none``) that have a
  ``met`` status, mapped through ``bands``.

The short form is a string (``rollup = "worst"``); the long form a table::

    [rollup]
    method = "mean_score"
    met = "target_achieved"
    none = "not_evaluable"
    bands = [{ min = 2.5, status = "substantial_progress" }, { status = "deterioration" }]

:func:`parse_rollup` checks it against the rule set's statuses (with did-you-mean) and
:func:`apply_rollup` re-rolls the worst-status rollups the engine computed.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol, TypeVar

import attrs

from goalcheck.errors import Problem, RuleError, did_you_mean

__all__ = [
    "METHODS",
    "YEARS",
    "Band",
    "RollupMethod",
    "apply_rollup",
    "check_years",
    "parse_rollup",
    "rollup_of",
]

METHODS = ("worst", "mean_score", "share_met")
#: A rule set's ``years`` option: how the growth facts count the years between two dates.
YEARS = ("calendar", "whole")
_KEYS = ("method", "met", "none", "bands")


@attrs.frozen
class Band:
    """Scores (or shares) from ``low`` up, until the band above, have ``status``."""

    low: float
    status: str


@attrs.frozen
class RollupMethod:
    """A rule set's rollup: its method, the met and none statuses, and the bands."""

    method: str = "worst"
    met: tuple[str, ...] = ()
    none: str | None = None
    bands: tuple[Band, ...] = ()

    @property
    def facts(self) -> frozenset[str]:
        """The facts the method reads from each result."""
        return frozenset({"score"}) if self.method == "mean_score" else frozenset()

    def band(self, x: float) -> str | None:
        for band in self.bands:
            if x >= band.low:
                return band.status
        return None

    def judge(self, items: Sequence[tuple[str, float | None]]) -> tuple[str | None, float | None]:
        """The group's (status, score) from its members' (status, score)."""
        scored = [(status, score) for status, score in items if score is not None]
        return self.decide(
            Counter(status for status, _ in items),
            len(scored),
            sum(status not in self.met for status, _ in scored),
            sum(score for _, score in scored),
        )

    def decide(
        self, counts: Mapping[str, int], scored: int, unmet: int, total: float
    ) -> tuple[str | None, float | None]:
        """The group's (status, score) from its members' number per status and, for
        ``mean_score``, how many have a score, how many of those are not met, and the sum
        of their scores (what the columnar backend counts without a Python object per row)."""
        if not sum(counts.values()):
            return None, None
        if self.method == "mean_score":
            if not scored:
                return self.none, None
            mean = total / scored
            if not unmet:
                return self.met[0], mean
            return self.band(mean), mean
        evaluable = {status: n for status, n in counts.items() if status != self.none}
        if not sum(evaluable.values()):
            return self.none, None
        met = sum(n for status, n in evaluable.items() if status in self.met)
        share = met / sum(evaluable.values())
        return self.band(share), share


WORST = RollupMethod()


class _StatusInfo(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def severity(self) -> int: ...


def parse_rollup(
    value: object, statuses: Sequence[_StatusInfo], file: str | None = None
) -> RollupMethod:
    """The rollup a rule file's ``rollup`` value states (None: worst); RuleError if wrong."""
    if value is None:
        return WORST
    table: Mapping[str, Any] = {"method": value} if isinstance(value, str) else {}
    problems: list[Problem] = []
    if not isinstance(value, str | Mapping):
        problems.append(Problem("rollup must be a method name or a table", file, "rollup"))
    elif isinstance(value, Mapping):
        table = value
        for key in table:
            if key not in _KEYS:
                hint = did_you_mean(str(key), _KEYS)
                problems.append(Problem(f"unknown key {key!r}{hint}", file, f"rollup.{key}"))
    ids = [info.id for info in statuses]
    method = table.get("method", "worst")
    if method not in METHODS:
        hint = did_you_mean(str(method), METHODS)
        problems.append(
            Problem(
                f"unknown rollup method {method!r}{hint}; use one of {', '.join(METHODS)}",
                file,
                "rollup.method" if isinstance(value, Mapping) else "rollup",
            )
        )
    ranked = sorted(statuses, key=lambda info: info.severity)
    met = _statuses(table.get("met", ranked[0].id if ranked else ()), ids, file, problems)
    none = _statuses(table.get("none", ranked[-1].id if ranked else ()), ids, file, problems)
    bands = _bands(table.get("bands", ()), ids, file, problems)
    if method in ("mean_score", "share_met") and not bands and not problems:
        problems.append(Problem(f"rollup {method!r} needs bands", file, "rollup.bands"))
    if problems:
        raise RuleError(problems)
    if method == "worst":
        return WORST
    return RollupMethod(str(method), met, none[0] if none else None, bands)


def _statuses(
    value: object, ids: Sequence[str], file: str | None, problems: list[Problem]
) -> tuple[str, ...]:
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list | tuple):
        problems.append(Problem("expected a status or a list of statuses", file, "rollup"))
        return ()
    for name in names:
        if name not in ids:
            hint = did_you_mean(str(name), ids)
            problems.append(Problem(f"unknown status {name!r}{hint}", file, "rollup"))
    return tuple(str(name) for name in names)


def _bands(
    value: object, ids: Sequence[str], file: str | None, problems: list[Problem]
) -> tuple[Band, ...]:
    if not isinstance(value, list | tuple):
        problems.append(Problem("bands must be a list of tables", file, "rollup.bands"))
        return ()
    bands: list[Band] = []
    for i, entry in enumerate(value):
        where = f"rollup.bands[{i}]"
        if not isinstance(entry, Mapping) or not isinstance(entry.get("status"), str):
            problems.append(Problem("a band is a table with a status (and min)", file, where))
            continue
        low = entry.get("min", -math.inf)
        if isinstance(low, bool) or not isinstance(low, int | float) or math.isnan(low):
            problems.append(Problem(f"min must be a number, not {low!r}", file, f"{where}.min"))
            continue
        if bands and low >= bands[-1].low:
            problems.append(Problem("bands must go from the highest min down", file, where))
        _statuses(entry["status"], ids, file, problems)
        bands.append(Band(float(low), entry["status"]))
    return tuple(bands)


def check_years(value: object, file: str | None = None) -> str | None:
    """A rule set's ``years`` option checked: None, ``"calendar"`` or ``"whole"``."""
    if value is None or value in YEARS:
        return value
    hint = did_you_mean(str(value), YEARS)
    raise RuleError(
        Problem(f"years must be one of {', '.join(YEARS)}, not {value!r}{hint}", file, "years")
    )


def rollup_of(ruleset: object) -> RollupMethod:
    """The rollup of a rule set (its ``rollup`` attribute, parsed; worst without one)."""
    return parse_rollup(getattr(ruleset, "rollup", None), getattr(ruleset, "statuses", ()))


class _Result(Protocol):
    @property
    def initiative(self) -> str | None: ...
    @property
    def area(self) -> str | None: ...
    @property
    def status(self) -> str: ...
    @property
    def facts(self) -> Mapping[str, object]: ...


class _Rollup(Protocol):
    @property
    def level(self) -> str: ...
    @property
    def id(self) -> str: ...


def _score(result: _Result) -> float | None:
    score = result.facts.get("score")
    return float(score) if isinstance(score, int | float) and not isinstance(score, bool) else None


_R = TypeVar("_R", bound=_Rollup)


def apply_rollup(
    method: RollupMethod, rollups: Sequence[_R], results: Iterable[_Result]
) -> tuple[_R, ...]:
    """*rollups* (worst status, with counts) with the status and score *method* gives."""
    if method.method == "worst":
        return tuple(rollups)
    members: dict[tuple[str, str | None], list[tuple[str, float | None]]] = {}
    everyone: list[tuple[str, float | None]] = []
    for result in results:
        item = (result.status, _score(result))
        everyone.append(item)
        if result.initiative is not None:
            members.setdefault(("initiative", result.initiative), []).append(item)
        if result.area is not None:
            members.setdefault(("area", result.area), []).append(item)
    out = []
    for rollup in rollups:
        items = everyone if rollup.level == "plan" else members.get((rollup.level, rollup.id), [])
        status, score = method.judge(items)
        out.append(attrs.evolve(rollup, status=status, method=method.method, score=score))  # type: ignore[misc]
    return tuple(out)
