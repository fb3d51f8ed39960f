"""The typed domain model: plans, initiatives, targets, measurements and funding.

All classes are frozen, slotted attrs classes, so a loaded plan can be shared, hashed and
compared.  Dates may be given as :class:`datetime.date` or as any period phrase goalcheck
understands (``"ultimo 2009"``, ``"3. kvartal 2009"``): a deadline or a measurement takes the
period's end, a start its start.  Constructors check each object on its own and raise
:class:`~goalcheck.errors.PlanError` naming the field; checks across objects (unique ids,
``contributes_to`` references) live in :func:`validate_plan`.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import weakref
from collections.abc import Callable, Collection, Iterator, Mapping
from typing import Any

import attrs

from goalcheck._io._number import to_float
from goalcheck.errors import PlanError, Problem, did_you_mean
from goalcheck.periods import Period, to_date

__all__ = [
    "Accumulation",
    "Area",
    "Checkpoint",
    "Direction",
    "Funding",
    "FundingKind",
    "FundingType",
    "Initiative",
    "Measurement",
    "MeasurementKind",
    "Plan",
    "Recurrence",
    "Relative",
    "Target",
    "TargetGroup",
    "TargetKind",
    "validate_plan",
]


class _Choice(enum.StrEnum):
    """A string enum whose lookup error says what the choices are and which one was meant."""

    def __repr__(self) -> str:
        # ``Direction.AT_LEAST``: a repr that is valid Python, so a failing example that
        # Hypothesis prints can be pasted (str() stays the plain value).
        return f"{type(self).__name__}.{self.name}"

    @classmethod
    def parse(cls, value: object, *, field: str) -> Any:
        if isinstance(value, cls):
            return value
        text = str(value).strip().lower().replace("-", "_").replace(" ", "_")
        try:
            return cls(text)
        except ValueError:
            choices = [member.value for member in cls]
            raise PlanError(
                Problem(
                    f"{field} must be one of {', '.join(choices)}, not {value!r}"
                    + did_you_mean(text, choices),
                    location=field,
                )
            ) from None


class TargetKind(_Choice):
    """Whether a target measures what is done (effort) or what it achieves (result)."""

    EFFORT = "effort"  # indsatsmål
    RESULT = "result"  # resultatmål, effektmål


class Direction(_Choice):
    """Which values satisfy a target."""

    AT_LEAST = "at_least"  # mindst
    AT_MOST = "at_most"  # højst
    BETWEEN = "between"  # a band [target, target_high]
    INCREASE = "increase"  # direction only: higher is better, no number
    DECREASE = "decrease"  # direction only: lower is better, no number
    MILESTONE = "milestone"  # done when an actual value >= 1 is reported

    @property
    def sign(self) -> int:
        """+1 when higher is better, -1 when lower is better, 0 for bands and milestones."""
        if self in (Direction.AT_LEAST, Direction.INCREASE, Direction.MILESTONE):
            return 1
        if self in (Direction.AT_MOST, Direction.DECREASE):
            return -1
        return 0


class Relative(_Choice):
    """How a target relative to the baseline is stated."""

    ABSOLUTE = "absolute"  # target is a change in the metric's unit (e.g. percentage points)
    PERCENT = "percent"  # target is a percent change: -10 = "reduce by 10 %"


class Accumulation(_Choice):
    """How measurements add up."""

    LEVEL = "level"  # a stock or rate: the latest value counts
    CUMULATIVE = "cumulative"  # each actual is the running total to its date (in the window)
    SUM = "sum"  # each actual is a per-period amount; the value is their sum (+ baseline)


class Recurrence(_Choice):
    """A target that applies anew each period."""

    YEARLY = "yearly"  # årligt, om året
    QUARTERLY = "quarterly"  # kvartalsvis
    MONTHLY = "monthly"  # månedligt


class MeasurementKind(_Choice):
    """Whether a value was observed or is expected."""

    ACTUAL = "actual"
    FORECAST = "forecast"  # forventes, det vurderes at


class FundingType(_Choice):
    """The budget type of a funding line."""

    DRIFT = "drift"  # operating funds
    INDSATS = "indsats"  # programme funds
    ANLAEG = "anlaeg"  # capital funds
    OTHER = "other"


class FundingKind(_Choice):
    """What a funding amount records."""

    BUDGET = "budget"  # planned or granted
    SPENT = "spent"  # used
    CARRY_OVER = "carry_over"  # overført to a later year
    REQUESTED = "requested"  # budgetønske: asked for, not (or not yet) granted
    EXPECTED = "expected"  # forventet udgift: spending expected for the year (a forecast)


def _finite(field: str) -> Any:
    def check(_instance: object, _attribute: object, value: float | None) -> None:
        if value is not None and not math.isfinite(value):
            raise PlanError(
                Problem(f"{field} must be a finite number, not {value!r}", None, field)
            )

    return check


def _to_float(value: object) -> float:
    # strings are read like a CSV cell on its own: "12,5" is 12.5, "1.800" is refused
    try:
        return to_float(value)
    except ValueError as error:
        raise PlanError(str(error)) from None


def _opt_float(value: object) -> float | None:
    return None if value is None else _to_float(value)


def _param_value(name: str, value: object) -> float | bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    try:
        number = to_float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        message = f"a parameter is a number or true/false, not {value!r}"
        raise PlanError(Problem(message, None, f"params.{name}"))
    return number


def _params(value: object) -> dict[str, float | bool]:
    """A target's own parameters: names to numbers or true/false (``None``: none)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise PlanError(Problem(f"params must be a table, not {value!r}", None, "params"))
    return {str(name): _param_value(str(name), v) for name, v in value.items()}


def _start_date(value: dt.date | str | None) -> dt.date | None:
    return None if value is None else to_date(value, side="start")


def _end_date(value: dt.date | str | None) -> dt.date | None:
    return None if value is None else to_date(value, side="end")


def _req_end_date(value: dt.date | str) -> dt.date:
    return to_date(value, side="end")


def _opt_period(value: Period | str | None) -> Period | None:
    if value is None:
        return value
    from goalcheck.periods import check_supported, parse_period

    period = value if isinstance(value, Period) else parse_period(value)
    check_supported(period.start)  # the plan's period gives targets their dates (F3)
    check_supported(period.end)
    return period


def _direction(value: object) -> Direction:
    return Direction.parse(value, field="direction")  # type: ignore[no-any-return]


def _target_kind(value: object) -> TargetKind:
    return TargetKind.parse(value, field="kind")  # type: ignore[no-any-return]


def _relative(value: object) -> Relative | None:
    if value is None or value == "":
        return None
    return Relative.parse(value, field="relative")  # type: ignore[no-any-return]


def _accumulation(value: object) -> Accumulation:
    return Accumulation.parse(value, field="accumulation")  # type: ignore[no-any-return]


def _recurrence(value: object) -> Recurrence | None:
    if value is None or value == "":
        return None
    return Recurrence.parse(value, field="recurrence")  # type: ignore[no-any-return]


def _measurement_kind(value: object) -> MeasurementKind:
    return MeasurementKind.parse(value, field="kind")  # type: ignore[no-any-return]


def _funding_type(value: object) -> FundingType:
    return FundingType.parse(value, field="type")  # type: ignore[no-any-return]


def _funding_kind(value: object) -> FundingKind:
    return FundingKind.parse(value, field="kind")  # type: ignore[no-any-return]


@attrs.frozen
class Checkpoint:
    """A point on a trajectory: *value* is the target due by *date* ("30 in 2009")."""

    date: dt.date = attrs.field(converter=_req_end_date)
    value: float = attrs.field(converter=_to_float, validator=_finite("checkpoints.value"))


@attrs.frozen
class Measurement:
    """A value of a target's metric on a date: an actual observation or a forecast.

    The target it belongs to is the one that holds it (``Target.measurements``); the CSV
    interchange names it in its ``target_id`` column.

    For a forecast, ``date`` is when the predicted value is due and ``made_on`` (optional) is
    when the forecast was made; evaluation at an earlier date ignores it.
    """

    date: dt.date = attrs.field(converter=_req_end_date)
    value: float = attrs.field(converter=_to_float, validator=_finite("value"))
    kind: MeasurementKind = attrs.field(
        default=MeasurementKind.ACTUAL, converter=_measurement_kind
    )
    source: str | None = None
    note: str | None = None
    made_on: dt.date | None = attrs.field(default=None, converter=_end_date)


@attrs.frozen
class Funding:
    """A funding line: an amount in DKK for a year, of a budget type.

    ``recipient`` names who the line goes to when one plan allocates to several (a
    municipality, a centre); ``positions`` is how many full-time posts (årsværk) it pays
    for, when the text counts the money in people ("ca. 71 jobkonsulenter").
    """

    amount: float = attrs.field(converter=_to_float, validator=_finite("amount"))
    year: int | None = None
    type: FundingType = attrs.field(default=FundingType.OTHER, converter=_funding_type)
    kind: FundingKind = attrs.field(default=FundingKind.BUDGET, converter=_funding_kind)
    account: str | None = None
    note: str | None = None
    recipient: str | None = None
    positions: float | None = attrs.field(
        default=None, converter=_opt_float, validator=_finite("positions")
    )
    # spent: the day the spending is counted to (default: the end of the year); expected: the
    # day the forecast was made (docs/how-to/evaluate-funding.md)
    date: dt.date | None = attrs.field(default=None, converter=_end_date)


@attrs.frozen
class TargetGroup:
    """Who an initiative is for (målgruppe), and how many they are when the text says."""

    description: str = ""
    size: float | None = attrs.field(default=None, converter=_opt_float, validator=_finite("size"))
    size_date: dt.date | None = attrs.field(default=None, converter=_end_date)


def _band_problems(target: Target) -> list[Problem]:
    low, high = target.target, target.target_high
    if target.direction is not Direction.BETWEEN:
        if high is not None:
            return [Problem("target_high is only for 'between' targets", None, "target_high")]
        return []
    if low is not None and high is None:
        return [Problem("a 'between' target needs target_high", None, "target_high")]
    if low is not None and high is not None and low > high:
        return [Problem(f"between: low {low:g} is above high {high:g}", None, "target_high")]
    return []


def _relative_problems(target: Target) -> list[Problem]:
    d = target.direction
    problems: list[Problem] = []
    if d in (Direction.INCREASE, Direction.DECREASE) and target.target is not None:
        other = "at_least" if d is Direction.INCREASE else "at_most"
        problems.append(
            Problem(
                f"a {d.value!r} target is direction only: drop target, or use {other!r} "
                '(with relative = "percent" for a change against the baseline)',
                None,
                "target",
            )
        )
    if target.relative is not None:
        if target.baseline is None:
            problems.append(
                Problem("a relative target needs a baseline to be relative to", None, "baseline")
            )
        if d in (Direction.MILESTONE, Direction.INCREASE, Direction.DECREASE):
            problems.append(Problem(f"relative makes no sense for {d.value!r}", None, "relative"))
    return problems


def _date_problems(target: Target) -> list[Problem]:
    problems: list[Problem] = []
    if target.start is not None and target.deadline is not None and target.deadline < target.start:
        problems.append(
            Problem(f"deadline {target.deadline} is before start {target.start}", None, "deadline")
        )
    previous: dt.date | None = None
    for i, checkpoint in enumerate(target.checkpoints):
        if previous is not None and checkpoint.date <= previous:
            problems.append(
                Problem("checkpoints must be in date order", None, f"checkpoints[{i}].date")
            )
        previous = checkpoint.date
    return problems


def _target_problems(target: Target) -> list[Problem]:
    return [*_band_problems(target), *_relative_problems(target), *_date_problems(target)]


def _check_target(instance: Target) -> None:
    problems = _target_problems(instance)
    if problems:
        raise PlanError(problems)


def _sorted_measurements(values: Any) -> tuple[Measurement, ...]:
    # by value too, so that the order measurements were given in never matters (not even for
    # same-day values, whose floating-point sum would otherwise depend on it)
    return tuple(sorted(values, key=lambda m: (m.date, m.kind != MeasurementKind.ACTUAL, m.value)))


@attrs.frozen
class Target:
    """A goal with a number (or a direction, or a milestone) and usually a date.

    ``target`` is ``None`` for direction-only targets (``increase``/``decrease``), for
    milestones, and for undetermined targets ("højst [XX]"), which evaluate as not
    evaluable.  With ``relative`` set, ``target`` is a change against ``baseline``:
    ``relative="percent", target=-10`` reads "reduce by 10 %".
    """

    id: str
    direction: Direction = attrs.field(converter=_direction)
    title: str = ""
    kind: TargetKind = attrs.field(default=TargetKind.RESULT, converter=_target_kind)
    target: float | None = attrs.field(
        default=None, converter=_opt_float, validator=_finite("target")
    )
    target_high: float | None = attrs.field(
        default=None, converter=_opt_float, validator=_finite("target_high")
    )
    relative: Relative | None = attrs.field(default=None, converter=_relative)
    unit: str = ""
    baseline: float | None = attrs.field(
        default=None, converter=_opt_float, validator=_finite("baseline")
    )
    baseline_date: dt.date | None = attrs.field(default=None, converter=_end_date)
    start: dt.date | None = attrs.field(default=None, converter=_start_date)
    deadline: dt.date | None = attrs.field(default=None, converter=_end_date)
    accumulation: Accumulation = attrs.field(default=Accumulation.LEVEL, converter=_accumulation)
    recurrence: Recurrence | None = attrs.field(default=None, converter=_recurrence)
    checkpoints: tuple[Checkpoint, ...] = attrs.field(default=(), converter=tuple)
    measurements: tuple[Measurement, ...] = attrs.field(default=(), converter=_sorted_measurements)
    initiative: str | None = None
    contributes_to: str | None = None
    description: str = ""
    reported_status: str | None = None
    reported_text: str | None = None
    tags: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    area: str | None = None  # the action area of a plan-level target (an area's resultatmål)
    # a natural limit of the metric (100 for a share that cannot exceed 100 %): Open SDG scales
    # a direction-only target's thresholds by how close the baseline is to it
    limit: float | None = attrs.field(
        default=None, converter=_opt_float, validator=_finite("limit")
    )
    # rule-set parameters this target overrides for itself (checked when evaluated)
    params: dict[str, float | bool] = attrs.field(factory=dict, converter=_params, hash=False)

    def __attrs_post_init__(self) -> None:
        _check_target(self)

    @property
    def undetermined(self) -> bool:
        """True when the direction needs a number and none is given ("højst [XX]")."""
        return self.target is None and self.direction in (
            Direction.AT_LEAST,
            Direction.AT_MOST,
            Direction.BETWEEN,
        )

    @property
    def actuals(self) -> tuple[Measurement, ...]:
        return tuple(m for m in self.measurements if m.kind is MeasurementKind.ACTUAL)

    @property
    def forecasts(self) -> tuple[Measurement, ...]:
        return tuple(m for m in self.measurements if m.kind is MeasurementKind.FORECAST)


@attrs.frozen
class Area:
    """An action area (indsatsområde) that groups initiatives."""

    id: str
    title: str = ""
    budget: float | None = attrs.field(
        default=None, converter=_opt_float, validator=_finite("budget")
    )
    description: str = ""


@attrs.frozen
class Initiative:
    """An initiative (initiativ, indsats, projekt) with its funding and targets."""

    id: str
    title: str = ""
    area: str | None = None
    basis: str | None = None  # aftalegrundlag
    target_group: TargetGroup | None = None
    owner: str | None = None
    description: str = ""
    contributes_to: str | None = None
    funding: tuple[Funding, ...] = attrs.field(default=(), converter=tuple)
    targets: tuple[Target, ...] = attrs.field(default=(), converter=tuple)
    tags: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    # The total the document states for the initiative ("I alt"), which need not be the sum
    # of its funding lines when the document's own table does not add up.
    budget: float | None = attrs.field(
        default=None, converter=_opt_float, validator=_finite("budget")
    )


@attrs.frozen
class Plan:
    """A programme, grant or plan: areas, initiatives, plan-level targets and funding."""

    id: str
    title: str = ""
    owner: str | None = None
    period: Period | None = attrs.field(default=None, converter=_opt_period)
    date: dt.date | None = attrs.field(default=None, converter=_end_date)
    source: str | None = None
    description: str = ""
    areas: tuple[Area, ...] = attrs.field(default=(), converter=tuple)
    initiatives: tuple[Initiative, ...] = attrs.field(default=(), converter=tuple)
    targets: tuple[Target, ...] = attrs.field(default=(), converter=tuple)
    funding: tuple[Funding, ...] = attrs.field(default=(), converter=tuple)

    def iter_targets(self) -> Iterator[Target]:
        """Every target: the plan's own first, then each initiative's, in file order."""
        yield from self.targets
        for initiative in self.initiatives:
            yield from initiative.targets

    def target(self, target_id: str) -> Target:
        """The target with this id; raises TargetNotFoundError with a "did you mean"."""
        from goalcheck.errors import TargetNotFoundError

        ids = []
        for target in self.iter_targets():
            if target.id == target_id:
                return target
            ids.append(target.id)
        raise TargetNotFoundError(f"no target {target_id!r}" + did_you_mean(target_id, ids))


Locate = Callable[[str], tuple[str | None, str | None]]
"""Maps a location in a whole plan (``initiatives[3].targets[0].id``) to (file, location)."""


@attrs.define
class _Checker:
    """Collects cross-object problems, located through *locate* (or in *file*)."""

    file: str | None
    locate: Locate | None
    problems: list[Problem] = attrs.Factory(list)

    def at(self, location: str) -> tuple[str | None, str | None]:
        return self.locate(location) if self.locate is not None else (self.file, location)

    def add(self, message: str, location: str) -> None:
        self.problems.append(Problem(message, *self.at(location)))

    def first_at(self, location: str, other: str) -> str:
        """Where *location* is, as seen from *other* (with its file when that differs)."""
        first_file, first = self.at(location)
        here_file, _ = self.at(other)
        if first_file is not None and first_file != here_file:
            return f"{first_file}:{first}"
        return str(first)

    def unknown(self, what: str, value: str, known: Collection[str], location: str) -> None:
        self.add(f"unknown {what} {value!r}" + did_you_mean(value, known), location)


def _check_areas(plan: Plan, check: _Checker) -> dict[str, int]:
    first: dict[str, int] = {}
    for i, area in enumerate(plan.areas):
        if area.id in first:
            where = check.first_at(f"areas[{first[area.id]}]", f"areas[{i}]")
            check.add(f"duplicate area id {area.id!r} (first at {where})", f"areas[{i}].id")
        first.setdefault(area.id, i)
    return first


def _check_initiatives(plan: Plan, check: _Checker, area_ids: Collection[str]) -> dict[str, int]:
    first: dict[str, int] = {}
    for i, initiative in enumerate(plan.initiatives):
        here = f"initiatives[{i}]"
        if initiative.id in first:
            where = check.first_at(f"initiatives[{first[initiative.id]}]", here)
            check.add(
                f"duplicate initiative id {initiative.id!r} (first at {where})", f"{here}.id"
            )
        first.setdefault(initiative.id, i)
        if initiative.area is not None and initiative.area not in area_ids:
            check.unknown("area", initiative.area, area_ids, f"{here}.area")
    return first


def _check_membership(plan: Plan, check: _Checker, initiative_ids: Collection[str]) -> None:
    """A plan-level target names a known initiative; a nested one only its own."""
    for j, target in enumerate(plan.targets):
        if target.initiative is not None and target.initiative not in initiative_ids:
            check.unknown(
                "initiative", target.initiative, initiative_ids, f"targets[{j}].initiative"
            )
    for i, initiative in enumerate(plan.initiatives):
        for j, target in enumerate(initiative.targets):
            if target.initiative is not None and target.initiative != initiative.id:
                check.add(
                    f"initiative {target.initiative!r} differs from the initiative "
                    f"{initiative.id!r} that holds this target",
                    f"initiatives[{i}].targets[{j}].initiative",
                )


def _located_targets(plan: Plan) -> list[tuple[str, Target]]:
    located = [(f"targets[{j}]", t) for j, t in enumerate(plan.targets)]
    for i, initiative in enumerate(plan.initiatives):
        located += [
            (f"initiatives[{i}].targets[{j}]", t) for j, t in enumerate(initiative.targets)
        ]
    return located


def _check_targets(
    check: _Checker, located: list[tuple[str, Target]], area_ids: Collection[str]
) -> dict[str, str]:
    seen: dict[str, str] = {}
    for where, target in located:
        if target.id in seen:
            first = check.first_at(seen[target.id], where)
            check.add(f"duplicate target id {target.id!r} (first at {first})", f"{where}.id")
        else:
            seen[target.id] = where
    for where, target in located:
        if target.area is not None and target.area not in area_ids:
            check.unknown("area", target.area, area_ids, f"{where}.area")
    return seen


def _check_references(
    plan: Plan, check: _Checker, located: list[tuple[str, Target]], known: Collection[str]
) -> None:
    target_ids = [target.id for _, target in located]
    references = [(where, target.contributes_to) for where, target in located]
    references += [
        (f"initiatives[{i}]", ini.contributes_to) for i, ini in enumerate(plan.initiatives)
    ]
    for where, ref in references:
        if ref is not None and ref not in known:
            check.add(
                f"contributes_to names unknown target {ref!r}" + did_you_mean(ref, target_ids),
                f"{where}.contributes_to",
            )


def validate_plan(
    plan: Plan,
    *,
    file: str | None = None,
    locate: Locate | None = None,
    also_known: Collection[str] = (),
) -> list[Problem]:
    """Problems across objects: duplicate ids, unknown references, misplaced targets.

    References are areas (``Initiative.area``, ``Target.area``), initiatives (a plan-level
    ``Target.initiative``; a target inside an initiative may only name that one) and
    targets (``contributes_to``).

    Locations are key paths in *plan*, in *file*.  A loader that merged several files (or
    read CSV rows) passes *locate* to turn them into its own; *also_known* are target ids
    that exist in the input but could not be built (their own problems are reported), so
    that references to them are not reported as unknown as well.
    """
    check = _Checker(file, locate)
    area_ids = _check_areas(plan, check)
    initiative_ids = _check_initiatives(plan, check, area_ids)
    _check_membership(plan, check, initiative_ids)
    located = _located_targets(plan)
    seen = _check_targets(check, located, area_ids)
    _check_references(plan, check, located, set(seen) | set(also_known))
    from goalcheck._facts._checks import check_inherited_dates, warn_decreasing_totals

    for message, location in check_inherited_dates(plan.period, located):
        check.add(message, location)
    warn_decreasing_totals(located, check.at)
    return check.problems


#: Plans already checked, by id(): a loaded plan is not checked again by evaluate().
_CHECKED: weakref.WeakValueDictionary[int, Plan] = weakref.WeakValueDictionary()


def mark_checked(plan: Plan) -> None:
    """Record that *plan* passed :func:`validate_plan` (the loaders call this)."""
    _CHECKED[id(plan)] = plan


def check_plan(plan: Plan) -> None:
    """Raise :class:`~goalcheck.errors.PlanError` if *plan* has problems across objects.

    The same problems :func:`goalcheck.load_plan` reports for a file (duplicate ids, unknown
    references), located by key path in the plan; ``evaluate()`` and ``write_plan()`` call
    this, so a plan built in Python is held to the same rules as one loaded from a file.
    A plan that was loaded, or checked before, is not checked again.
    """
    if _CHECKED.get(id(plan)) is plan:
        return
    problems = validate_plan(plan)
    if problems:
        raise PlanError(problems)
    mark_checked(plan)
