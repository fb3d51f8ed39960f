"""Funding lines as evaluable budget targets (issue 14).

A plan's and each initiative's funding lines are grouped by *holder* (the plan or the
initiative), ``recipient``, ``year`` and ``type`` (``account`` is a label: spending may be
booked on another account than the grant).  Every group with a ``budget``
line becomes a :class:`BudgetTarget`: an ordinary ``at_most`` target whose threshold is the
allocation, whose measurements are the group's ``spent`` lines (amounts that add up:
accumulation ``sum``) and ``expected`` lines (forecasts of the year's whole spending), whose
start and deadline are the first and last day of the grant year.  The ordinary facts (value,
elapsed, pace, projected, forecast) work on it; :func:`funding_facts` adds the funding facts
(allocated, spent, shares, forecast spend, carry-over).

A ``carry_over`` line of year *Y* is money carried from *Y* into *Y + 1*: it is this year's
``carried_over`` and next year's ``carried_in``, and next year's allocation includes it.

Ids: ``<holder>/funding/<year>``, then ``/<type>`` unless the type is ``other``, then
``/<recipient>`` (lower case, runs of other characters than letters and digits as ``-``) when
the lines name one.  An id that is also a goal's id is a :class:`~goalcheck.errors.PlanError`.
Lines without a year are not evaluated (there is no grant year to judge them in).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import attrs

from goalcheck.errors import PlanError, Problem, RuleError, TargetNotFoundError, did_you_mean
from goalcheck.model import (
    Accumulation,
    Direction,
    Funding,
    FundingKind,
    FundingType,
    Measurement,
    MeasurementKind,
    Plan,
    Target,
)

__all__ = [
    "FUNDING_FACTS",
    "BudgetTarget",
    "applies_to",
    "budget_item",
    "budget_targets",
    "funding_facts",
    "funding_rows",
    "items_for",
    "located_budget_targets",
]

#: The funding facts, in the order :func:`funding_facts` returns them.
FUNDING_FACTS: tuple[str, ...] = (
    "budget_line",
    "allocated",
    "carried_in",
    "spent",
    "spent_share",
    "expected_share",
    "forecast_spend",
    "forecast_share",
    "forecast_given",
    "unspent",
    "carried_over",
    "repayable",
    "grant_year_over",
)

Key = tuple[str, str | None, int, FundingType]
Item = tuple[Target, str | None, str | None]


@attrs.frozen
class BudgetTarget(Target):
    """A target derived from funding lines: spending against an allocation in a grant year."""

    holder: str = attrs.field(default="", kw_only=True)
    year: int = attrs.field(default=0, kw_only=True)
    funding_type: FundingType = attrs.field(default=FundingType.OTHER, kw_only=True)
    recipient: str | None = attrs.field(default=None, kw_only=True)
    account: str | None = attrs.field(default=None, kw_only=True)
    budgeted: float = attrs.field(default=0.0, kw_only=True)  # the year's own budget lines
    carried_in: float = attrs.field(default=0.0, kw_only=True)
    carried_over: float = attrs.field(default=0.0, kw_only=True)
    expected: tuple[Measurement, ...] = attrs.field(default=(), kw_only=True)

    @property
    def allocated(self) -> float:
        return self.budgeted + self.carried_in


def _slug(text: str) -> str:
    return re.sub(r"[^\w]+", "-", text.strip().lower()).strip("-") or "x"


@attrs.define
class _Group:
    budgeted: float = 0.0
    has_budget: bool = False
    carried_over: float = 0.0
    spent: list[Measurement] = attrs.Factory(list)
    expected: list[Measurement] = attrs.Factory(list)
    notes: list[str] = attrs.Factory(list)
    accounts: list[str] = attrs.Factory(list)


def _add(group: _Group, line: Funding, year: int) -> None:
    end = dt.date(year, 12, 31)
    if line.kind is FundingKind.BUDGET:
        group.budgeted += line.amount
        group.has_budget = True
        if line.account and line.account not in group.accounts:
            group.accounts.append(line.account)
        if line.note:
            group.notes.append(line.note)
    elif line.kind is FundingKind.SPENT:
        date = min(line.date, end) if line.date is not None else end
        group.spent.append(Measurement(date, line.amount, note=line.note))
    elif line.kind is FundingKind.EXPECTED:
        kind = MeasurementKind.FORECAST
        group.expected.append(Measurement(end, line.amount, kind, None, line.note, line.date))
    elif line.kind is FundingKind.CARRY_OVER:
        group.carried_over += line.amount


def _groups(holder: str, lines: Iterable[Funding]) -> dict[Key, _Group]:
    groups: dict[Key, _Group] = {}
    for line in lines:
        if line.year is None or line.kind is FundingKind.REQUESTED:
            continue
        key = (holder, line.recipient, line.year, line.type)
        _add(groups.setdefault(key, _Group()), line, line.year)
    return groups


def _id(key: Key) -> str:
    holder, recipient, year, ftype = key
    parts = [holder, "funding", str(year)]
    if ftype is not FundingType.OTHER:
        parts.append(ftype.value)
    if recipient:
        parts.append(_slug(recipient))
    return "/".join(parts)


def _title(key: Key, holder_title: str) -> str:
    """``<recipient or holder's title> <year>[ (<type>)]``: data, not a translated label."""
    _, recipient, year, ftype = key
    kind = "" if ftype is FundingType.OTHER else f" ({ftype.value})"
    return f"{recipient or holder_title} {year}{kind}".strip()


def _derive(
    holder: tuple[str, str],
    lines: Iterable[Funding],
    initiative: str | None,
    area: str | None,
) -> list[BudgetTarget]:
    groups = _groups(holder[0], lines)
    budgeted = {key: group for key, group in groups.items() if group.has_budget}
    targets = []
    for key, group in budgeted.items():
        holder_, recipient, year, ftype = key
        previous = groups.get((holder_, recipient, year - 1, ftype))
        carried_in = previous.carried_over if previous is not None else 0.0
        targets.append(
            BudgetTarget(
                id=_id(key),
                direction=Direction.AT_MOST,
                title=_title(key, holder[1] or holder[0]),
                target=group.budgeted + carried_in,
                unit="kr.",
                start=dt.date(year, 1, 1),
                deadline=dt.date(year, 12, 31),
                accumulation=Accumulation.SUM,
                measurements=(*group.spent, *group.expected),
                initiative=initiative,
                area=area,
                description=" ".join(group.notes),
                tags=("funding",),  # type: ignore[arg-type]  # converter=tuple, seen through a subclass
                holder=holder_,
                year=year,
                funding_type=ftype,
                recipient=recipient,
                account="; ".join(group.accounts) or None,
                budgeted=group.budgeted,
                carried_in=carried_in,
                carried_over=group.carried_over,
                expected=tuple(group.expected),
            )
        )
    return targets


def located_budget_targets(plan: Plan) -> Iterator[Item]:
    """Each budget target with its initiative and area, as the engine judges items."""
    goal_ids = {target.id for target in plan.iter_targets()}
    derived = _derive((plan.id, plan.title), plan.funding, None, None)
    for item in plan.initiatives:
        derived += _derive((item.id, item.title), item.funding, item.id, item.area)
    clashes = [target.id for target in derived if target.id in goal_ids]
    if clashes:
        raise PlanError(
            [
                Problem(f"the budget target id {name!r} is also a goal's id: rename the goal")
                for name in clashes
            ]
        )
    for target in derived:
        yield target, target.initiative, target.area


APPLIES_TO = ("goals", "funding")


def applies_to(ruleset: Any) -> str:
    """The rule set's ``applies_to``: goals (the default) or funding (RuleError otherwise)."""
    value = getattr(ruleset, "applies_to", None) or "goals"
    if value not in APPLIES_TO:
        hint = did_you_mean(value, APPLIES_TO)
        raise RuleError(
            [
                Problem(
                    f"unknown applies_to {value!r}{hint}; use goals or funding",
                    ruleset.source,
                    "applies_to",
                )
            ]
        )
    return str(value)


def items_for(plan: Plan, ruleset: Any, goals: Callable[[Plan], Iterable[Item]]) -> Iterator[Item]:
    """What *ruleset* judges: its ``applies_to`` says goals (the default) or funding."""
    if applies_to(ruleset) == "funding":
        return located_budget_targets(plan)
    return iter(goals(plan))


def budget_item(plan: Plan, target_id: str) -> Item:
    """The budget target *target_id* with its initiative and area (TargetNotFoundError)."""
    items = list(located_budget_targets(plan))
    for item in items:
        if item[0].id == target_id:
            return item
    ids = [item[0].id for item in items]
    raise TargetNotFoundError(f"no budget target {target_id!r}" + did_you_mean(target_id, ids))


def budget_targets(plan: Plan) -> tuple[BudgetTarget, ...]:
    """The plan's budget targets: the plan's own groups first, then each initiative's."""
    return tuple(target for target, _, _ in located_budget_targets(plan))  # type: ignore[misc]


def _latest_forecast(expected: Iterable[Measurement], as_of: dt.date) -> float | None:
    known = [m for m in expected if m.made_on is None or m.made_on <= as_of]
    if not known:
        return None
    made = max((m.made_on or dt.date.min) for m in known)
    return sum(m.value for m in known if (m.made_on or dt.date.min) == made)


def _share(part: float | None, whole: float) -> float | None:
    return None if part is None or whole <= 0 else part / whole


def _elapsed(start: dt.date, end: dt.date, as_of: dt.date) -> float:
    if as_of < start:
        return 0.0
    if as_of >= end:
        return 1.0
    return ((as_of - start).days + 1) / ((end - start).days + 1)


def _forecast(
    target: BudgetTarget, spent: float | None, elapsed: float, over: bool, as_of: dt.date
) -> tuple[float | None, bool]:
    given = _latest_forecast(target.expected, as_of)
    if over:
        return spent, False
    if given is not None:
        return given, True
    if spent is None or elapsed <= 0:
        return None, False
    return spent / elapsed, False


def funding_facts(subject: Target, as_of: dt.date) -> tuple[Any, ...]:
    """The funding facts of *subject* at *as_of* (all ``None`` for a goal), in FUNDING_FACTS order.

    ``spent`` sums the spending lines dated on or before *as_of* (``None`` when there are none);
    ``forecast_spend`` is the spending at the end of the year: once the year is over, what was
    spent; else the latest ``expected`` line made by *as_of*; else spent / expected_share.
    """
    if not isinstance(subject, BudgetTarget):
        return (None,) * len(FUNDING_FACTS)
    start, end = dt.date(subject.year, 1, 1), dt.date(subject.year, 12, 31)
    allocated = subject.allocated
    counted = [m.value for m in subject.actuals if m.date <= as_of]
    spent = sum(counted) if counted else None
    elapsed = _elapsed(start, end, as_of)
    over = as_of >= end
    forecast, given = _forecast(subject, spent, elapsed, over, as_of)
    unspent = None if forecast is None else allocated - forecast
    repayable = None if unspent is None else max(0.0, unspent - subject.carried_over)
    return (
        True,
        allocated,
        subject.carried_in,
        spent,
        _share(spent, allocated),
        elapsed,
        forecast,
        _share(forecast, allocated),
        given,
        unspent,
        subject.carried_over,
        repayable,
        over,
    )


def funding_rows(results: Iterable[Any]) -> list[dict[str, Any]]:
    """One row per budget result (holder, year, type, recipient, account, amounts, status).

    *results* are a report's results (:class:`goalcheck.report.Result`); those that are not
    budget targets (no ``budget_line`` fact) are skipped.  For reports beside the goals.
    """
    rows = []
    for result in results:
        facts = result.facts
        if facts.get("budget_line") is not True:
            continue
        rows.append(
            {
                "id": result.target_id,
                "initiative": result.initiative,
                "title": result.title,
                "status": result.status,
                **{name: facts.get(name) for name in FUNDING_FACTS if name != "budget_line"},
            }
        )
    return rows
