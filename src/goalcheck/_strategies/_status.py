"""Targets that a rule set classifies a given way, built rather than filtered where possible.

Before the first example, the spec samples the scenario knobs (:mod:`._scenarios`) with a
seeded random generator, evaluates each scenario's target with the rule set, and keeps the
knobs that give the status: a *pool* of known hits, ordered simplest first, and per category
of knobs the *box* (the range of each whole-number knob) the hits span.  A draw then picks a
hit from the pool, draws fresh knobs inside its category's box and checks the status; after
a few misses it builds the hit itself, which is known to have the status.  So a draw never
fails, whatever the rule set, as long as the scenarios reach the status at all.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import attrs
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from goalcheck._strategies import _args as a
from goalcheck._strategies import _scenarios as sc
from goalcheck._strategies._basic import ids
from goalcheck._strategies._define import Args, Definition
from goalcheck._strategies._targets import TARGETS
from goalcheck.errors import GoalcheckError, did_you_mean
from goalcheck.model import Target
from goalcheck.rules import RuleSet, load_rules

ATTEMPTS = 4  # fresh scenarios per draw before the draw falls back on a known hit
_POOL = 64  # hits kept
_ENOUGH = 96  # hits after which sampling stops
_MIN_SAMPLES, _MAX_SAMPLES = 400, 4000


@attrs.frozen
class Calibration:
    pool: tuple[sc.Knobs, ...]
    boxes: dict[sc.Category, dict[str, tuple[int, int]]]
    samples: int
    hits: int


@attrs.define(eq=False)
class StatusSpec:
    status: str
    as_of: dt.date
    rules: RuleSet
    parameters: dict[str, Any]
    candidates: SearchStrategy[Target] | None
    _calibration: Calibration | None = None

    def status_of(self, target: Target) -> str | None:
        """The status *target* gets (None where the rule set gives none, e.g. a gap)."""
        from goalcheck.engine import evaluate_iter

        try:
            (result,) = evaluate_iter([target], self.as_of, self.rules, **self.parameters)
        except GoalcheckError:
            return None
        return result.status

    @property
    def calibration(self) -> Calibration:
        if self._calibration is None:
            self._calibration = calibrate(self)
        return self._calibration


def _boxes(hits: list[sc.Knobs]) -> dict[sc.Category, dict[str, tuple[int, int]]]:
    boxes: dict[sc.Category, dict[str, tuple[int, int]]] = {}
    for knobs in hits:
        box = boxes.setdefault(knobs.category, {})
        for name, n in zip(sc.RANGES, knobs.numbers, strict=True):
            lo, hi = box.get(name, (n, n))
            box[name] = (min(lo, n), max(hi, n))
    return boxes


def _near_hit(rng: random.Random, hit: sc.Knobs) -> sc.Knobs:
    """*hit* with each whole-number knob, by a coin toss, drawn afresh from its whole range."""
    numbers = tuple(
        rng.randint(*sc.RANGES[name]) if rng.random() < 0.5 else n
        for name, n in zip(sc.RANGES, hit.numbers, strict=True)
    )
    return sc.Knobs(hit.category, numbers)


def calibrate(spec: StatusSpec) -> Calibration:
    """Sample scenarios (seeded: the same every run) and keep those that get the status."""
    rng = random.Random(f"{spec.rules.name}:{spec.status}:{spec.as_of}")
    choose = sc.RandomChooser(rng)
    hits: list[sc.Knobs] = []
    samples = 0
    while samples < _MAX_SAMPLES and (samples < _MIN_SAMPLES or len(hits) < _ENOUGH):
        samples += 1
        if samples > _MIN_SAMPLES and hits and rng.random() < 0.5:
            knobs = _near_hit(rng, rng.choice(hits))  # a rare status: look around its hits
        else:
            knobs = sc.draw_knobs(choose)
        if spec.status_of(sc.build(knobs, spec.as_of)) == spec.status:
            hits.append(knobs)
    pool = tuple(sorted(set(hits), key=sc.simplicity)[:_POOL])
    return Calibration(pool, _boxes(hits), samples, len(hits))


def _status_spec(args: Args) -> StatusSpec:
    status = args["status"]
    if not isinstance(status, str):
        raise a.fail(f"status={status!r} must be a status id (a string)")
    day = a.required_date("as_of", args["as_of"])
    rules, parameters = args["rules"], args["parameters"]
    try:
        rule_set = load_rules(rules)
        rule_set.bind(**parameters)
    except GoalcheckError as error:
        raise a.fail(f"rules={rules!r}: {error}") from None
    known = [info.id for info in rule_set.statuses]
    if status not in known:
        raise a.fail(
            f"rule set {rule_set.name!r} has no status {status!r}{did_you_mean(status, known)}; "
            f"its statuses are {', '.join(known)}"
        )
    if not any(rule.status == status for rule in rule_set.rules):
        raise a.fail(f"no rule of rule set {rule_set.name!r} gives status {status!r}")
    candidates = a.strategy("targets", args["targets"])
    return StatusSpec(status, day, rule_set, dict(parameters), candidates)


def _near(as_of: dt.date) -> SearchStrategy[Target]:
    """Targets with data at *as_of*, their dates within five years either side of it."""
    lo, hi = a.shift(as_of, -5 * 365), a.shift(as_of, 5 * 365)
    return TARGETS.strategy({"min_date": lo, "max_date": hi, "as_of": as_of})


def _filtered(draw: st.DrawFn, spec: StatusSpec, candidates: SearchStrategy[Target]) -> Target:
    for _ in range(ATTEMPTS * 3):
        candidate = draw(candidates)
        if spec.status_of(candidate) == spec.status:
            return candidate
    assume(False)
    raise AssertionError("unreachable")  # pragma: no cover


def _built(draw: st.DrawFn, spec: StatusSpec, calibration: Calibration) -> Target:
    hit = draw(st.sampled_from(calibration.pool))
    box = calibration.boxes[hit.category]
    target_id = draw(ids())
    for _ in range(ATTEMPTS):
        knobs = sc.Knobs(hit.category, sc.draw_numbers(sc.DrawChooser(draw), box))
        candidate = sc.build(knobs, spec.as_of, target_id)
        if spec.status_of(candidate) == spec.status:
            return candidate
    return sc.build(hit, spec.as_of, target_id)  # known to have the status


def _draw_with_status(draw: st.DrawFn, spec: StatusSpec) -> Target:
    if spec.candidates is not None:
        return _filtered(draw, spec, spec.candidates)
    calibration = spec.calibration
    if not calibration.pool:
        return _filtered(draw, spec, _near(spec.as_of))
    return _built(draw, spec, calibration)


TARGETS_WITH_STATUS = Definition("targets_with_status", _status_spec, _draw_with_status)
