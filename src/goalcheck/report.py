"""Results of an evaluation: a :class:`Result` per target, :class:`Rollup` per group, a Report.

A Result keeps the facts its rule set used and the index of the winning rule, and renders its
explanation only when asked (``result.explanation``, ``result.explain("da")``): building
sentences for a million targets nobody reads would cost more than evaluating them.

``Report.to_dict()`` is the JSON contract of ``--format json`` (``schema_version`` 1):
facts are made JSON-safe there (dates as ISO strings, enums as their values, floats as they
are, so a number round-trips exactly; rounding is left to presentation formats).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol

import attrs

from goalcheck.errors import GoalcheckError, MissingDependencyError, did_you_mean

__all__ = [
    "SCHEMA_VERSION",
    "MissingDependencyError",
    "Report",
    "Result",
    "Rollup",
    "json_safe",
    "make_rollup",
]

SCHEMA_VERSION = 1


class _StatusInfo(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def label_en(self) -> str: ...
    @property
    def label_da(self) -> str: ...
    @property
    def severity(self) -> int: ...


class _RuleSet(Protocol):
    """What a report needs from a rule set (``goalcheck.rules.RuleSet`` provides it)."""

    @property
    def name(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def statuses(self) -> Sequence[_StatusInfo]: ...
    def reason(
        self, index: int, facts: Mapping[str, object], lang: str = ..., **overrides: Any
    ) -> str: ...


@attrs.frozen
class _Context:
    """What a result needs to explain itself later; shared by every result of one run."""

    ruleset: _RuleSet
    overrides: Mapping[str, Any] = attrs.field(factory=dict, hash=False)


def _check_lang(lang: str) -> str:
    if lang not in ("en", "da"):
        raise GoalcheckError(f"language must be 'en' or 'da', not {lang!r}")
    return lang


@attrs.frozen
class Result:
    """The verdict on one target at one date: its status, the rule that decided, the facts.

    ``facts`` holds the facts the rule set uses (its conditions and reason templates).
    ``explanation`` (English) and ``explain(lang)`` render the winning rule's reason with those
    facts; nothing is rendered until asked.
    """

    target_id: str
    title: str
    initiative: str | None
    area: str | None
    status: str
    rule: str | None
    facts: Mapping[str, object] = attrs.field(hash=False, repr=False)
    _index: int = attrs.field(default=-1, repr=False, eq=False, hash=False, alias="index")
    _context: _Context | None = attrs.field(
        default=None, repr=False, eq=False, hash=False, alias="context"
    )

    @property
    def explanation(self) -> str:
        """The English explanation."""
        return self.explain("en")

    def explain(self, lang: str = "en") -> str:
        """The winning rule's reason rendered with the facts, in English (en) or Danish (da)."""
        _check_lang(lang)
        if self._context is None or self._index < 0:
            return ""
        return self._context.ruleset.reason(
            self._index, self.facts, lang, **dict(self._context.overrides)
        )

    def label(self, lang: str = "en") -> str:
        """The status's label in English or Danish (the status id if the rule set has none)."""
        _check_lang(lang)
        if self._context is not None:
            for info in self._context.ruleset.statuses:
                if info.id == self.status:
                    return info.label_da if lang == "da" else info.label_en
        return self.status


@attrs.frozen
class Rollup:
    """A group of targets (an initiative, an area or the whole plan) and its worst status.

    ``status`` is the most severe status among the group's targets (``None`` for a group with
    no targets); ``counts`` maps every status of the rule set to how many targets have it.
    """

    level: str  # "plan" | "area" | "initiative"
    id: str
    title: str
    status: str | None
    counts: Mapping[str, int] = attrs.field(hash=False)

    def to_dict(self) -> dict[str, object]:
        return {
            "level": self.level,
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "counts": dict(self.counts),
        }


def json_safe(value: object) -> object:
    """A JSON-encodable form of a fact: dates as ISO strings, enums as values."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return str(value)


def _severity(ruleset: _RuleSet) -> dict[str, int]:
    return {info.id: info.severity for info in ruleset.statuses}


def make_rollup(
    level: str,
    group_id: str,
    title: str,
    statuses: Iterable[str] | Mapping[str, int],
    ruleset: _RuleSet,
) -> Rollup:
    """A group's rollup from its statuses (or their counts): the most severe one, and counts.

    ``counts`` lists every status of the rule set, in its order, zeros included.
    """
    severity = _severity(ruleset)
    counts = dict.fromkeys(severity, 0)
    if isinstance(statuses, Mapping):
        for status, n in statuses.items():
            counts[status] = counts.get(status, 0) + n
    else:
        for status in statuses:
            counts[status] = counts.get(status, 0) + 1
    present = [s for s, n in counts.items() if n]
    worst = max(present, key=lambda s: (severity.get(s, 1 << 30), s)) if present else None
    return Rollup(level, group_id, title, worst, counts)


@attrs.frozen
class Report:
    """All results of one evaluation, with rollups; iterable, sized, indexable by target id."""

    as_of: dt.date
    rules: _RuleSet
    results: tuple[Result, ...]
    rollups: tuple[Rollup, ...] = ()
    _by_id: dict[str, Result] = attrs.field(
        init=False, repr=False, eq=False, hash=False, factory=dict
    )

    def __iter__(self) -> Iterator[Result]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    def __getitem__(self, target_id: str) -> Result:
        if not self._by_id:
            for result in self.results:
                self._by_id.setdefault(result.target_id, result)
        try:
            return self._by_id[target_id]
        except KeyError:
            from goalcheck.errors import TargetNotFoundError

            raise TargetNotFoundError(
                f"no result for target {target_id!r}" + did_you_mean(target_id, self._by_id)
            ) from None

    @property
    def statuses(self) -> tuple[str, ...]:
        """The rule set's status ids, in its own order."""
        return tuple(info.id for info in self.rules.statuses)

    def summary(self) -> dict[str, int]:
        """How many targets have each status (every status of the rule set, zeros included)."""
        counts = dict.fromkeys(self.statuses, 0)
        for result in self.results:
            counts[result.status] = counts.get(result.status, 0) + 1
        return counts

    def filter(self, *statuses: str) -> Report:
        """A report with only the results whose status is one of *statuses* (rollups kept)."""
        known = self.statuses
        for status in statuses:
            if status not in known:
                raise GoalcheckError(
                    f"unknown status {status!r}; the rule set {self.rules.name!r} has "
                    + ", ".join(known)
                    + did_you_mean(status, known)
                )
        wanted = frozenset(statuses)
        kept = tuple(r for r in self.results if r.status in wanted)
        return Report(self.as_of, self.rules, kept, self.rollups)

    def records(self, lang: str = "en") -> list[dict[str, object]]:
        """One flat dict per result: id, title, initiative, area, status, label, rule,
        explanation, then each fact (JSON-safe), for tables and spreadsheets."""
        _check_lang(lang)
        rows: list[dict[str, object]] = []
        for r in self.results:
            row: dict[str, object] = {
                "id": r.target_id,
                "title": r.title,
                "initiative": r.initiative,
                "area": r.area,
                "status": r.status,
                "label": r.label(lang),
                "rule": r.rule,
                "explanation": r.explain(lang),
            }
            for name, value in r.facts.items():
                row.setdefault(name, json_safe(value))
            rows.append(row)
        return rows

    def to_dict(self, lang: str = "en") -> dict[str, object]:
        """The JSON report contract (schema_version 1)."""
        _check_lang(lang)
        return {
            "schema_version": SCHEMA_VERSION,
            "as_of": self.as_of.isoformat(),
            "rules": {"name": self.rules.name, "version": self.rules.version},
            "results": [
                {
                    "id": r.target_id,
                    "title": r.title,
                    "initiative": r.initiative,
                    "status": r.status,
                    "rule": r.rule,
                    "explanation": r.explain(lang),
                    "facts": {k: json_safe(v) for k, v in sorted(r.facts.items())},
                }
                for r in self.results
            ],
            "rollups": [rollup.to_dict() for rollup in self.rollups],
            "summary": self.summary(),
        }

    def to_dataframe(self, lang: str = "en") -> Any:
        """The records as a pandas DataFrame (needs the ``pandas`` extra)."""
        try:
            import pandas as pd  # type: ignore[import-untyped,unused-ignore]
        except ImportError:
            raise MissingDependencyError(
                "Report.to_dataframe() needs pandas: pip install 'goalcheck[pandas]'"
            ) from None
        return pd.DataFrame.from_records(self.records(lang))
