"""Benchmark goalcheck against a hand-written baseline and installed rules engines.

Not a test: run it by hand, e.g. ``python benchmarks/run.py --targets 100000 --json``.
Every timing is taken in this one process with ``time.perf_counter`` and reported as a ratio
(time over time), because absolute seconds say more about the machine than about goalcheck.
Every engine's output is checked against goalcheck's before it is timed.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import functools
import gc
import itertools
import json
import random
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

from goalcheck import evaluate_iter
from goalcheck.facts import facts_of
from goalcheck.model import Measurement, MeasurementKind, Target
from goalcheck.rules import load_rules

try:
    from goalcheck.facts import fact_plan
except ImportError:  # the facts before they were split into stages
    from goalcheck.facts import plan_for as fact_plan  # type: ignore[attr-defined,no-redef]

AS_OF = dt.date(2024, 6, 30)
DIRECTIONS = ("at_least", "at_most", "between", "increase", "decrease", "milestone")
# level: the latest value counts; cumulative: each actual the running total to its date;
# sum: each actual a per-period amount, the value baseline + the amounts (model.Accumulation)
ACCUMULATIONS = ("level", "cumulative", "sum")
PACE_TOLERANCE = 0.9
MAX_STALENESS_DAYS = 400
# The mix of both generators (make_target, make_frames): the share of targets stated without a
# number, with a forecast, and with no actual at all (a milestone is more often unreported:
# nothing is reported until it is done).  A target with neither actuals nor a forecast has no
# measurement at all: about 2.3 % of the targets.
UNDETERMINED_SHARE = 0.03
FORECAST_SHARE = 0.3
UNREPORTED_SHARE = 0.02
UNREPORTED_MILESTONE_SHARE = 0.10
MIX_VERSION = 3  # bump when the generated data changes (names the cached parquet file)


# --------------------------------------------------------------------------- synthetic data


def make_target(i: int, m: int, rng: random.Random) -> Target:
    """One seeded synthetic target: every direction and accumulation occurs, and targets
    without a number, with a forecast and with no actual reported (so that every rule of the
    default rule set fires, among them no-data and milestone-unreported).

    A level reports a random walk from the baseline; a cumulative target its running total
    (the baseline plus the counts so far, never decreasing); a sum target the counts
    themselves (one decimal), which goalcheck adds to the baseline.  Milestones are levels.
    """
    direction = DIRECTIONS[i % 6]
    accumulation = ACCUMULATIONS[(i // 6) % 3]
    if direction == "milestone":
        accumulation = "level"
    start = dt.date(2023 - rng.randrange(0, 3), 1 + rng.randrange(12), 1)
    deadline = dt.date(2024 + rng.randrange(-1, 3), 12, 31)
    baseline = round(rng.uniform(10, 100), 1)
    target: float | None = None
    high: float | None = None
    if direction == "at_least":
        target = baseline + rng.uniform(-5, 50)
    elif direction == "at_most":
        target = baseline - rng.uniform(-5, 50) if accumulation == "level" else baseline * 5
    elif direction == "between":
        target = baseline + rng.uniform(-20, 30)
        high = target + rng.uniform(1, 20)
    elif direction == "milestone":
        baseline = 0.0
    if rng.random() < UNDETERMINED_SHARE and direction in ("at_least", "at_most", "between"):
        target = high = None  # undetermined ("højst [XX]")
    unreported = UNREPORTED_MILESTONE_SHARE if direction == "milestone" else UNREPORTED_SHARE
    actuals = 0 if rng.random() < unreported else m
    measurements = []
    value = baseline
    first = start.toordinal() + rng.randrange(0, 60)
    step = rng.choice((14, 30, 61))
    for k in range(actuals):
        day = dt.date.fromordinal(first + k * step)
        if direction == "milestone":
            v = 1.0 if rng.random() < 0.05 else 0.0
        elif accumulation == "sum":
            v = round(rng.uniform(0, 8), 1)  # the period's amount
        elif accumulation == "cumulative":
            value += round(rng.uniform(0, 8), 1)  # the running total: baseline + counts
            v = round(value, 2)
        else:
            value += rng.uniform(-3, 4)
            v = round(value, 2)
        measurements.append(Measurement(day, v))
    if rng.random() < FORECAST_SHARE:
        fday = dt.date.fromordinal(AS_OF.toordinal() + rng.randrange(1, 180))
        fv = (target or baseline) + rng.uniform(-10, 10)
        measurements.append(Measurement(fday, round(fv, 1), MeasurementKind.FORECAST))
    return Target(
        f"t{i}",
        direction,
        target=target,
        target_high=high,
        baseline=baseline,
        start=start,
        deadline=deadline,
        accumulation=accumulation,
        measurements=tuple(measurements),
    )


def make_targets(n: int, m: int, seed: int = 20091) -> list[Target]:
    rng = random.Random(seed)
    return [make_target(i, m, rng) for i in range(n)]


def stream_targets(n: int, m: int, seed: int = 20091) -> Iterator[Target]:
    rng = random.Random(seed)
    for i in range(n):
        yield make_target(i, m, rng)


# --------------------------------------------------------------------------- hand-written


def handwritten_classify(f: dict[str, Any]) -> int:
    """rules/default.toml written by hand as if/elif (hit policy "first"): the rule index."""
    value = f["value"]
    forecast = f["forecast"]
    satisfied = f["satisfied"]
    cumulative = f["cumulative"]
    overdue = f["overdue"]
    fs = f["forecast_satisfied"]
    if f["undetermined"]:
        return 0
    if f["expected_late"] and not satisfied:
        return 1
    if f["milestone"] and f["overdue_unreported"]:
        return 2
    if value is None and forecast is None:
        return 3
    if satisfied and f["met_late"] and not (cumulative and f["direction"] < 0 and not overdue):
        return 4
    if f["milestone"] and satisfied:
        return 5
    if satisfied and f["target"] is None and not (cumulative and not overdue):
        return 6
    if (
        satisfied
        and f["target"] is not None
        and not (cumulative and f["direction"] < 0 and not overdue)
    ):
        return 7
    if overdue:
        return 8
    if fs is False:
        return 9
    stale = f["staleness_days"]
    if stale is not None and stale > MAX_STALENESS_DAYS and forecast is None:
        return 10
    pace = f["pace"]
    if pace is not None and pace >= PACE_TOLERANCE and not (cumulative and f["direction"] < 0):
        return 11
    if f["projected_satisfied"]:
        return 12
    if fs:
        return 13
    if f["milestone"]:
        return 14
    return 15


_SIGN = {"at_least": 1, "at_most": -1, "between": 0, "increase": 1, "decrease": -1}


def _meets(x: float, code: str, t: Any, hi: Any, b: float) -> bool | None:
    if code == "at_least":
        return None if t is None else x >= t
    if code == "at_most":
        return None if t is None else x <= t
    if code == "between":
        return None if t is None or hi is None else t <= x <= hi
    if code == "increase":
        return x > b
    if code == "decrease":
        return x < b
    return x >= 1.0


def handwritten_end_to_end(target: Target, as_of: dt.date) -> int:
    """Facts and rules by hand for the synthetic targets (start, deadline, baseline given;
    no checkpoints, relative targets or recurrence; one actual per day).

    The day's value is the level or the running total as reported, or (``sum``) the
    baseline plus the amounts so far, added one at a time in date order; it is also the
    trend's point and what the first day met is read from.  A cumulative or sum target
    counts the actuals from its start on."""
    code = target.direction.value
    milestone = code == "milestone"
    cumulative = target.accumulation.value != "level"
    summed = target.accumulation.value == "sum"
    t = 1.0 if milestone else target.target
    hi = target.target_high
    b = target.baseline if target.baseline is not None else 0.0
    undetermined = t is None and code in ("at_least", "at_most", "between")
    if undetermined:
        return 0
    as_ord = as_of.toordinal()
    origin = target.start.toordinal() - 1  # type: ignore[union-attr]
    dl = target.deadline.toordinal()  # type: ignore[union-attr]
    lo = origin + 1 if cumulative else 0
    n = 0
    last = -1
    cur = b if summed else 0.0
    x0 = origin - as_ord
    sn, sx, sxx, sy, sxy = 1, x0, x0 * x0, b, x0 * b
    fc = late = None
    done = False
    met_on = -1
    for m in target.measurements:
        o = m.date.toordinal()
        if m.kind is MeasurementKind.ACTUAL:
            if o > as_ord or o < lo:
                continue
            n += 1
            cur = cur + m.value if summed else m.value
            if m.value >= 1.0:
                done = True
            if met_on < 0 and (done if milestone else _meets(cur, code, t, hi, b)):
                met_on = o
            x = o - as_ord
            sn += 1
            sx += x
            sxx += x * x
            sy += cur
            sxy += x * cur
            last = o
        elif o >= as_ord and (m.made_on is None or m.made_on <= as_of):
            if o <= dl:
                fc = m.value
            else:
                late = m.value
    value = cur if n else None
    overdue = as_ord > dl
    if value is None:
        satisfied = None
    elif milestone:
        satisfied = done
    else:
        satisfied = _meets(value, code, t, hi, b)
    fs = None if fc is None else _meets(fc, code, t, hi, b)
    d = 1 if milestone else _SIGN[code]
    if late is not None and _meets(late, code, t, hi, b) and fs is not True and not satisfied:
        return 1
    if milestone and overdue and n == 0:
        return 2
    if value is None and fc is None:
        return 3
    met_late = overdue and met_on > dl
    if satisfied and met_late and not (cumulative and d < 0 and not overdue):
        return 4
    if milestone and satisfied:
        return 5
    if satisfied and t is None and not (cumulative and not overdue):
        return 6
    if satisfied and t is not None and not (cumulative and d < 0 and not overdue):
        return 7
    if overdue:
        return 8
    if fs is False:
        return 9
    if n and as_ord - last > MAX_STALENESS_DAYS and fc is None:
        return 10
    # pace
    t_eff: float | None = None
    d_eff = d
    if milestone:
        pass
    elif code == "between":
        if b < t:  # type: ignore[operator]
            t_eff, d_eff = t, 1
        elif b > hi:  # type: ignore[operator]
            t_eff, d_eff = hi, -1
    elif code in ("at_least", "at_most"):
        t_eff = t
    if t_eff is not None and (t_eff - b) * d_eff <= 0:
        t_eff = None
    if value is not None and t_eff is not None and not (cumulative and d < 0):
        progress: float | None = (value - b) / (t_eff - b)
        if code == "between" and ((d_eff > 0 and value > hi) or (d_eff < 0 and value < t)):  # type: ignore[operator]
            progress = None
        if progress is not None and dl > origin and last >= 0:
            elapsed = (last - origin) / (dl - origin)
            if elapsed > 0 and progress / elapsed >= PACE_TOLERANCE:
                return 11
    if sn >= 2 and not milestone:
        denom = sn * sxx - sx * sx
        if denom > 0:
            slope = (sn * sxy - sx * sy) / denom
            projected = (sy - slope * sx) / sn + slope * (dl - as_ord)
            if _meets(projected, code, t, hi, b):
                return 12
    if fs:
        return 13
    if milestone:
        return 14
    return 15


# --------------------------------------------------------------------------- peers

# rules/default.toml, hit policy "first", with None spelled out for engines that need it
PY_RULES = (
    "undetermined",
    "expected_late and (satisfied is None or not satisfied)",
    "milestone and overdue_unreported",
    "value is None and forecast is None",
    "satisfied and met_late and not (cumulative and direction < 0 and not overdue)",
    "milestone and satisfied",
    "satisfied and target is None and not (cumulative and not overdue)",
    "satisfied and target is not None and not (cumulative and direction < 0 and not overdue)",
    "overdue",
    "forecast_satisfied is False",
    "staleness_days is not None and staleness_days > max_staleness_days and forecast is None",
    "pace is not None and pace >= pace_tolerance and not (cumulative and direction < 0)",
    "projected_satisfied",
    "forecast_satisfied",
    "milestone",
    "True",
)


def _rule_engine_text(expr: str) -> str:
    text = expr.replace(" is not None", " != null").replace(" is None", " == null")
    text = text.replace(" is False", " == false").replace("True", "true")
    text = text.replace("False", "false")
    text = text.replace("max_staleness_days", str(MAX_STALENESS_DAYS))
    return text.replace("pace_tolerance", str(PACE_TOLERANCE))


def peer_simpleeval() -> Callable[[dict[str, Any]], int] | None:
    try:
        import simpleeval  # type: ignore[import-untyped]
    except ImportError:
        return None
    ev = simpleeval.SimpleEval()
    parsed = [ev.parse(expr) for expr in PY_RULES]  # the fastest way: parse once
    params = {"pace_tolerance": PACE_TOLERANCE, "max_staleness_days": MAX_STALENESS_DAYS}

    def classify(facts: dict[str, Any]) -> int:
        ev.names = {**facts, **params, "None": None, "True": True, "False": False}
        for i, tree in enumerate(parsed):
            if ev.eval("", previously_parsed=tree):
                return i
        return -1

    return classify


def peer_rule_engine() -> Callable[[dict[str, Any]], int] | None:
    try:
        import rule_engine  # type: ignore[import-untyped]
    except ImportError:
        return None
    rules = [rule_engine.Rule(_rule_engine_text(expr)) for expr in PY_RULES]

    def classify(facts: dict[str, Any]) -> int:
        for i, rule in enumerate(rules):
            if rule.matches(facts):
                return i
        return -1

    return classify


_NAME = re.compile(r"\b[A-Za-z_]\w*\b")
_COMPARED_AFTER = re.compile(r"\s*(==|!=|<=|>=|<|>)")
_COMPARED_BEFORE = re.compile(r"(==|!=|<=|>=|<|>)\s*$")
_ZEN_WORDS = frozenset({"and", "or", "not", "true", "false", "null"})


def _zen_text(expr: str) -> str:
    """*expr* in zen's expression language.  zen's ``and``, ``or`` and ``not`` take only
    booleans (a null operand is an error), while goalcheck's null operand does not match: every
    fact used as a truth value (not compared) is spelled ``(fact == true)``, which is false
    for null as for false."""
    text = _rule_engine_text(expr)

    def truth(found: re.Match[str]) -> str:
        name = found.group(0)
        if (
            name in _ZEN_WORDS
            or _COMPARED_AFTER.match(text, found.end())
            or _COMPARED_BEFORE.search(text, 0, found.start())
        ):
            return name
        return f"({name} == true)"

    return _NAME.sub(truth, text)


def peer_zen_expressions() -> Callable[[dict[str, Any]], int] | None:
    """zen-engine's compiled expressions, one per rule, tested in order (hit policy first)."""
    try:
        import zen
    except ImportError:
        return None
    compiled = [zen.compile_expression(_zen_text(expr)) for expr in PY_RULES]

    def classify(facts: dict[str, Any]) -> int:
        context = _json_facts(facts)
        for i, expression in enumerate(compiled):
            if expression.evaluate(context) is True:
                return i
        return -1

    return classify


def _zen_decision_table() -> dict[str, Any]:
    rules = [{"_id": f"r{i}", "c": _zen_text(e), "o": str(i)} for i, e in enumerate(PY_RULES)]
    table = {
        "hitPolicy": "first",
        "inputs": [{"id": "c", "name": "condition"}],
        "outputs": [{"id": "o", "name": "rule", "field": "rule"}],
        "rules": rules,
    }
    position = {"x": 0, "y": 0}
    return {
        "nodes": [
            {"id": "in", "type": "inputNode", "name": "Request", "position": position},
            {
                "id": "dt",
                "type": "decisionTableNode",
                "name": "rules",
                "position": position,
                "content": table,
            },
            {"id": "out", "type": "outputNode", "name": "Response", "position": position},
        ],
        "edges": [
            {"id": "e1", "sourceId": "in", "targetId": "dt", "type": "edge"},
            {"id": "e2", "sourceId": "dt", "targetId": "out", "type": "edge"},
        ],
    }


def _json_facts(facts: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in facts.items() if not isinstance(v, dt.date)}


def peer_zen_decision_table() -> Callable[[list[dict[str, Any]]], list[int]] | None:
    """zen-engine's decision table (hit policy first) through its batch API."""
    try:
        import zen
    except ImportError:
        return None
    engine = zen.ZenEngine(
        {"loader": {"type": "static", "content": {"default": _zen_decision_table()}}}
    )

    def classify_all(facts: list[dict[str, Any]]) -> list[int]:
        requests: Any = [{"key": "default", "context": _json_facts(f)} for f in facts]
        out = []
        for item in engine.evaluate_batch(requests):
            result = item.get("data", {}).get("result", {}) if item.get("success") else {}
            out.append(int(result.get("rule", -1)))
        return out

    return classify_all


def peer_business_rules() -> Callable[[dict[str, Any]], int] | None:
    """business-rules: variables (None tests as boolean variables), rules as JSON conditions."""
    try:
        from business_rules import run_all  # type: ignore[import-untyped]
        from business_rules.actions import (  # type: ignore[import-untyped]
            BaseActions,
            rule_action,
        )
        from business_rules.fields import FIELD_NUMERIC  # type: ignore[import-untyped]
        from business_rules.variables import (  # type: ignore[import-untyped]
            BaseVariables,
            boolean_rule_variable,
            numeric_rule_variable,
        )
    except ImportError:
        return None
    Method = Callable[..., Any]
    flag: Callable[[Method], Method] = boolean_rule_variable
    number: Callable[[Method], Method] = numeric_rule_variable
    action: Callable[..., Callable[[Method], Method]] = rule_action

    class Facts(BaseVariables):  # type: ignore[misc]
        def __init__(self, facts: dict[str, Any]) -> None:
            self.f = facts

        @flag
        def undetermined(self) -> bool:
            return bool(self.f["undetermined"])

        @flag
        def expected_late(self) -> bool:
            return self.f["expected_late"] is True

        @flag
        def overdue_unreported(self) -> bool:
            return self.f["overdue_unreported"] is True

        @flag
        def met_late(self) -> bool:
            return self.f["met_late"] is True

        @flag
        def no_data(self) -> bool:
            return self.f["value"] is None and self.f["forecast"] is None

        @flag
        def milestone(self) -> bool:
            return bool(self.f["milestone"])

        @flag
        def satisfied(self) -> bool:
            return self.f["satisfied"] is True

        @flag
        def target_missing(self) -> bool:
            return self.f["target"] is None

        @flag
        def cumulative(self) -> bool:
            return bool(self.f["cumulative"])

        @flag
        def overdue(self) -> bool:
            return bool(self.f["overdue"])

        @number
        def direction(self) -> int:
            return int(self.f["direction"])

        @flag
        def forecast_missed(self) -> bool:
            return self.f["forecast_satisfied"] is False

        @flag
        def stale(self) -> bool:
            s = self.f["staleness_days"]
            return s is not None and self.f["forecast"] is None and s > MAX_STALENESS_DAYS

        @flag
        def pace_known(self) -> bool:
            return self.f["pace"] is not None

        @number
        def pace(self) -> float:
            p = self.f["pace"]
            return 0.0 if p is None else p

        @flag
        def projected_satisfied(self) -> bool:
            return self.f["projected_satisfied"] is True

        @flag
        def forecast_satisfied(self) -> bool:
            return self.f["forecast_satisfied"] is True

        @flag
        def always(self) -> bool:
            return True

    class Decide(BaseActions):  # type: ignore[misc]
        def __init__(self) -> None:
            self.index = -1

        @action(params={"index": FIELD_NUMERIC})
        def decide(self, index: float) -> None:
            self.index = int(index)

    def yes(name: str) -> dict[str, Any]:
        return {"name": name, "operator": "is_true", "value": True}

    def no(name: str) -> dict[str, Any]:
        return {"name": name, "operator": "is_false", "value": True}

    rising = {"name": "direction", "operator": "greater_than_or_equal_to", "value": 0}
    not_rising_ceiling = {"any": [no("cumulative"), rising]}
    # not (cumulative and direction < 0 and not overdue)
    not_open_ceiling = {"any": [no("cumulative"), rising, yes("overdue")]}
    conditions = [  # PY_RULES, one for one
        {"all": [yes("undetermined")]},
        {"all": [yes("expected_late"), no("satisfied")]},
        {"all": [yes("milestone"), yes("overdue_unreported")]},
        {"all": [yes("no_data")]},
        {"all": [yes("satisfied"), yes("met_late"), not_open_ceiling]},
        {"all": [yes("milestone"), yes("satisfied")]},
        {
            "all": [
                yes("satisfied"),
                yes("target_missing"),
                {"any": [no("cumulative"), yes("overdue")]},
            ]
        },
        {"all": [yes("satisfied"), no("target_missing"), not_open_ceiling]},
        {"all": [yes("overdue")]},
        {"all": [yes("forecast_missed")]},
        {"all": [yes("stale")]},
        {
            "all": [
                yes("pace_known"),
                {"name": "pace", "operator": "greater_than_or_equal_to", "value": PACE_TOLERANCE},
                not_rising_ceiling,
            ]
        },
        {"all": [yes("projected_satisfied")]},
        {"all": [yes("forecast_satisfied")]},
        {"all": [yes("milestone")]},
        {"all": [yes("always")]},
    ]
    rules = [
        {"conditions": cond, "actions": [{"name": "decide", "params": {"index": i}}]}
        for i, cond in enumerate(conditions)
    ]

    def classify(facts: dict[str, Any]) -> int:
        actions = Decide()
        run_all(
            rule_list=rules,
            defined_variables=Facts(facts),
            defined_actions=actions,
            stop_on_first_trigger=True,
        )
        return actions.index

    return classify


PEERS = {
    "simpleeval": peer_simpleeval,
    "rule-engine": peer_rule_engine,
    "zen-engine": peer_zen_expressions,
    "business-rules": peer_business_rules,
}
# peers that take the whole sample at once
BATCH_PEERS = {"zen-engine-decision-table": peer_zen_decision_table}


# --------------------------------------------------------------------------- timing


def timed(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    """Best of *repeat* runs (gc off while timing), and the last run's result."""
    best = float("inf")
    out = None
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        try:
            t0 = time.perf_counter()
            out = fn()
            best = min(best, time.perf_counter() - t0)
        finally:
            gc.enable()
    return best, out


MEMORY_SCRIPT = """
import resource, sys
sys.path.insert(0, {path!r})
from run import stream_targets, AS_OF
from goalcheck import evaluate_iter
counts = {{}}
for r in evaluate_iter(stream_targets({n}, {m}), AS_OF, "default"):
    counts[r.status] = counts.get(r.status, 0) + 1
try:  # this process's own high-water mark (ru_maxrss can carry the parent's over exec)
    with open("/proc/self/status") as status:
        kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except (OSError, StopIteration):
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(kb / 1024)
"""


COLD_GOALCHECK = (
    "import goalcheck; from goalcheck.model import Target, Measurement; "
    "t = Target('t', 'at_least', target=10, baseline=1, start='2024-01-01', "
    "deadline='2024-12-31', measurements=[Measurement('2024-03-31', 4)]); "
    "list(goalcheck.evaluate_iter([t], '2024-06-30', 'default'))"
)
COLD_BASELINE = "import attrs, dateutil.parser"


def cold_start_ratio(runs: int) -> float:
    def best(code: str) -> float:
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            times.append(time.perf_counter() - t0)
        return min(times)

    return round(best(COLD_GOALCHECK) / best(COLD_BASELINE), 2)


# --------------------------------------------------------------------------- columnar

DIRECTION_NAMES = ("at_least", "at_most", "between", "increase", "decrease", "milestone")


def make_frames(n: int, m: int, seed: int = 20091) -> tuple[Any, Any]:
    """Seeded synthetic targets and measurements as polars tables (numpy, vectorized).

    The same mix as :func:`make_target` (every direction and accumulation: levels as a
    random walk, cumulative targets as a never decreasing running total, sum targets as
    one-decimal amounts; undetermined targets, forecasts on about 30 %, no actual on 2 % of
    the targets and 10 % of the milestones), drawn with numpy so that 10^7 targets take
    seconds.  Measurements come
    target by target in date order, as an export sorted by id would; a target with neither
    actuals nor a forecast has no row at all.
    """
    import numpy as np
    import polars as pl

    rng = np.random.default_rng(seed)
    i = np.arange(n)
    code = i % 6
    acc = np.where(code == 5, 0, (i // 6) % 3)  # into ACCUMULATIONS; milestones are levels
    cum = acc > 0  # counts up: cumulative or sum
    starts = np.array(
        [dt.date(2023 - y, 1 + mo, 1) for y in range(3) for mo in range(12)], dtype="datetime64[D]"
    )
    start = starts[rng.integers(0, 36, n)]
    ends = np.array([dt.date(2024 + k, 12, 31) for k in (-1, 0, 1, 2)], dtype="datetime64[D]")
    deadline = ends[rng.integers(0, 4, n)]
    baseline = np.round(rng.uniform(10, 100, n), 1)
    baseline[code == 5] = 0.0
    target = np.full(n, np.nan)
    high = np.full(n, np.nan)
    sel = code == 0
    target[sel] = baseline[sel] + rng.uniform(-5, 50, sel.sum())
    sel = code == 1
    target[sel] = np.where(
        cum[sel], baseline[sel] * 5, baseline[sel] - rng.uniform(-5, 50, sel.sum())
    )
    sel = code == 2
    target[sel] = baseline[sel] + rng.uniform(-20, 30, sel.sum())
    high[sel] = target[sel] + rng.uniform(1, 20, sel.sum())
    undetermined = (rng.uniform(0, 1, n) < UNDETERMINED_SHARE) & (code <= 2)
    target[undetermined] = np.nan
    high[undetermined] = np.nan
    unreported = np.where(code == 5, UNREPORTED_MILESTONE_SHARE, UNREPORTED_SHARE)
    reported = rng.uniform(0, 1, n) >= unreported
    first = start.astype(np.int64) + rng.integers(0, 60, n)
    step = np.array([14, 30, 61])[rng.integers(0, 3, n)]
    days = first[:, None] + np.arange(m)[None, :] * step[:, None]
    walk = np.round(np.cumsum(rng.uniform(-3, 4, (n, m)), axis=1) + baseline[:, None], 2)
    counts = np.round(rng.uniform(0, 8, (n, m)), 1)  # a sum's amounts
    totals = np.round(np.cumsum(counts, axis=1) + baseline[:, None], 2)  # running totals
    done = (rng.uniform(0, 1, (n, m)) < 0.05).astype(float)
    values = np.select(
        [(code == 5)[:, None], (acc == 1)[:, None], (acc == 2)[:, None]],
        [done, totals, counts],
        walk,
    )
    has_fc = rng.uniform(0, 1, n) < FORECAST_SHARE
    fdays = np.datetime64(AS_OF).astype(np.int64) + rng.integers(1, 180, n)
    fvals = np.round(np.where(np.isnan(target), baseline, target) + rng.uniform(-10, 10, n), 1)
    # rows: each target's actuals, then its forecast if any, merged in date order
    rows_day = np.concatenate([days, fdays[:, None]], axis=1)
    rows_val = np.concatenate([values, fvals[:, None]], axis=1)
    rows_fc = np.zeros((n, m + 1), dtype=bool)
    rows_fc[:, m] = True
    keep = np.empty((n, m + 1), dtype=bool)
    keep[:, :m] = reported[:, None]
    keep[:, m] = has_fc
    order = np.argsort(rows_day + np.where(keep, 0, 10**7), axis=1, kind="stable")

    def take(a: Any) -> Any:
        return np.take_along_axis(a, order, axis=1)

    keep_s = take(keep)
    ids = pl.Series("id", [f"t{k}" for k in range(n)])
    tid = np.broadcast_to(i[:, None], (n, m + 1))[keep_s]
    measurements = pl.DataFrame(
        {
            "target_id": ids.gather(tid),
            "date": take(rows_day)[keep_s].astype("datetime64[D]"),
            "value": take(rows_val)[keep_s],
            "kind": np.where(take(rows_fc)[keep_s], "forecast", "actual"),
        }
    )
    targets = pl.DataFrame(
        {
            "id": ids,
            "direction": np.array(DIRECTION_NAMES)[code],
            "target": target,
            "target_high": high,
            "baseline": baseline,
            "start": start,
            "deadline": deadline,
            "accumulation": np.array(ACCUMULATIONS)[acc],
        }
    ).with_columns(pl.col("target").fill_nan(None), pl.col("target_high").fill_nan(None))
    return targets, measurements


def targets_from_frames(targets: Any, measurements: Any) -> Iterator[Target]:
    """The same targets as model objects, one at a time (measurements are grouped by target
    in target order; a target may have none)."""
    rows = measurements.select("date", "value", "kind").iter_rows()
    runs = measurements.group_by("target_id", maintain_order=True).len()
    counts = dict(zip(runs["target_id"].to_list(), runs["len"].to_list(), strict=True))
    columns = (
        "id",
        "direction",
        "target",
        "target_high",
        "baseline",
        "start",
        "deadline",
        "accumulation",
    )
    for row in targets.select(columns).iter_rows():
        count = counts.get(row[0], 0)
        ms = tuple(Measurement(d, v, k) for d, v, k in itertools.islice(rows, count))
        yield Target(
            row[0],
            row[1],
            target=row[2],
            target_high=row[3],
            baseline=row[4],
            start=row[5],
            deadline=row[6],
            accumulation=row[7],
            measurements=ms,
        )


def _polars_targets(targets: Any, as_of: dt.date) -> Any:
    """One row per target: direction code, sign, window start, deadline, and the goal as a
    closed band ``[lo, up]`` (``meets(x)`` is ``lo <= x <= up`` for every direction: a strict
    ``x > baseline`` is ``x >= nextafter(baseline, inf)``); null bounds when undetermined."""
    import numpy as np
    import polars as pl

    c = pl.col
    code = c("direction").replace_strict(
        dict(zip(DIRECTION_NAMES, range(6), strict=True)), return_dtype=pl.Int8
    )
    t = targets.select(
        code.alias("code"),
        (c("accumulation") != "level").alias("cum"),  # the fact: counts up
        (c("accumulation") == "sum").alias("summed"),  # amounts added to the baseline
        c("start").cast(pl.Int32).alias("s"),
        c("deadline").cast(pl.Int32).alias("dl"),
        c("baseline").alias("b"),
        c("target"),
        c("target_high").alias("hi"),
    )
    k = t["code"].to_numpy()
    b = t["b"].to_numpy()
    tt = t["target"].to_numpy(allow_copy=True)  # NaN where undetermined or none
    hi = t["hi"].to_numpy(allow_copy=True)
    inf = np.full(len(k), np.inf)
    lo = np.select(
        [k == 0, k == 1, k == 2, k == 3, k == 4], [tt, -inf, tt, np.nextafter(b, inf), -inf], 1.0
    )
    up = np.select([k == 1, k == 2, k == 4], [tt, hi, np.nextafter(b, -inf)], inf)
    return t.with_columns(
        pl.Series("lo", lo).fill_nan(None),
        pl.Series("up", up).fill_nan(None),
        d=pl.when(c("code").is_in([1, 4])).then(-1).when(c("code") == 2).then(0).otherwise(1),
        # the first day an actual counts: a running total from the start, a level always
        first=pl.when(c("cum")).then(c("s")).otherwise(-(2**31)),
    )


def _polars_aggregate(t: Any, ids: Any, measurements: Any, a: int) -> Any:
    """One group_by pass over the measurements (grouped by target, in target order, so a
    run of rows is a target and per-target columns are gathered, not joined).  *ids* are
    the targets' ids: a target without measurements has no run, and gets the aggregates of
    no rows (the targets with runs are found with one ``is_in`` of the runs' ids)."""
    import polars as pl

    c = pl.col
    keys = measurements["target_id"]
    ti = keys.rle_id()  # the run number of each row
    heads = keys.filter((ti != ti.shift(1)).fill_null(True))  # each run's id
    present = None if len(heads) == t.height else ids.is_in(heads.implode())
    tp = t if present is None else t.filter(present)  # the targets with a run, in order
    day = measurements["date"].cast(pl.Int32)
    m = pl.DataFrame(
        {
            "ti": ti,
            "day": day,
            "v": measurements["value"],
            "fc": measurements["kind"] == "forecast",
            "first": tp["first"].gather(ti),
            "summed": tp["summed"].gather(ti),
            "b": tp["b"].gather(ti),
            "dl": tp["dl"].gather(ti),
            "lo": tp["lo"].gather(ti),
            "up": tp["up"].gather(ti),
        }
    )
    act = ~c("fc") & (c("day") <= a) & (c("day") >= c("first"))  # the actuals that count
    due = c("fc") & (c("day") >= a)
    x = (c("day") - a).cast(pl.Int64)
    m = m.with_columns(act=act)
    if bool(t["summed"].any()):
        # a sum's day value is its running total: the baseline plus the amounts counted so
        # far, added one at a time in date order, ((b + v1) + v2) + ..., as goalcheck adds
        # them (a row that does not count adds 0.0, which leaves a float unchanged); only
        # the sums' rows go through the per-target cum_sum
        head = (c("ti") != c("ti").shift(1)).fill_null(True)
        amount = pl.when(c("act")).then(c("v")).otherwise(0.0)
        steps = m.select(
            "ti", "summed", step=pl.when(head).then(c("b") + amount).otherwise(amount)
        )
        running = steps.filter("summed").select(c("step").cum_sum().over("ti")).to_series()
        m = m.with_columns(y=m["v"].clone().scatter(steps["summed"].arg_true(), running))
    else:
        m = m.with_columns(y=c("v"))
    y = c("y")  # the day's value: the level, the running total reported, or the sum so far
    # row-wise columns first, so that the group_by only runs plain aggregations
    m = m.select(
        "ti",
        "act",
        pl.when(act).then(c("day")).alias("last"),
        pl.when(act).then(y).alias("y"),
        pl.when(act).then(x).alias("x"),
        pl.when(act).then(x * x).alias("xx"),
        pl.when(act).then(x * y).alias("xy"),
        (act & (c("v") >= 1.0)).alias("done"),
        (act & (c("day") <= c("dl")) & y.is_between(c("lo"), c("up"))).alias("met"),
        pl.when(due & (c("day") <= c("dl"))).then(c("v")).alias("forecast"),
        pl.when(due & (c("day") > c("dl"))).then(c("v")).alias("late"),
    )
    out = m.group_by("ti", maintain_order=True).agg(
        n=c("act").sum(),
        last=c("last").max(),  # dates ascend within a target
        value=c("y").last(ignore_nulls=True),
        done=c("done").any(),
        met_by_deadline=c("met").any(),
        sx=c("x").sum(),
        sxx=c("xx").sum(),
        sy=c("y").sum(),
        sxy=c("xy").sum(),
        forecast=c("forecast").last(ignore_nulls=True),
        late=c("late").last(ignore_nulls=True),
    )
    if present is None:  # every target has measurements
        return pl.concat([t, out.drop("ti")], how="horizontal")
    out = out.with_columns(ti=present.arg_true())  # the run's target index
    f = t.with_row_index("ti").join(out, on="ti", how="left", maintain_order="left")
    return f.drop("ti").with_columns(  # the aggregates of no rows
        c("n").fill_null(0), c("done").fill_null(False), c("met_by_deadline").fill_null(False)
    )


def _polars_facts(f: Any, a: int) -> Any:
    """The derived facts of the default rules, one expression each, per target."""
    import polars as pl

    c = pl.col
    b, v, lo, up = c("b"), c("value"), c("lo"), c("up")
    mile = c("code") == 5

    def meets(x: Any) -> Any:
        return x.is_between(lo, up)

    # the band edge nearer the baseline, and its sign (None: no way to go)
    edge = (
        pl.when(c("code") <= 1)
        .then(c("target"))
        .when((c("code") == 2) & (b < c("target")))
        .then(c("target"))
        .when((c("code") == 2) & (b > c("hi")))
        .then(c("hi"))
    )
    sign = pl.when(c("code") != 2).then(c("d")).when(b > c("hi")).then(-1).otherwise(1)
    f = f.with_columns(edge=edge, sign=sign).with_columns(
        edge=pl.when((c("edge") - b) * c("sign") > 0).then(c("edge"))
    )
    overshot = (c("code") == 2) & (
        ((c("sign") > 0) & (v > c("hi"))) | ((c("sign") < 0) & (v < c("target")))
    )
    progress = pl.when(~overshot).then((v - b) / (c("edge") - b))
    origin = c("s") - 1
    elapsed = (c("last") - origin) / (c("dl") - origin)
    sn = (c("n") + 1).cast(pl.Float64)  # the baseline point at the origin, then the actuals
    x0 = (origin - a).cast(pl.Int64)
    sx = (c("sx").fill_null(0) + x0).cast(pl.Float64)
    sxx = (c("sxx").fill_null(0) + x0 * x0).cast(pl.Float64)
    sy = c("sy").fill_null(0.0) + b
    sxy = c("sxy").fill_null(0.0) + x0 * b
    denominator = sn * sxx - sx * sx
    slope = (sn * sxy - sx * sy) / denominator
    projected = pl.when((c("n") >= 1) & ~mile & (denominator > 0)).then(
        (sy - slope * sx) / sn + slope * (c("dl") - a)
    )
    satisfied = pl.when(mile & (c("n") > 0)).then(c("done")).otherwise(meets(v))
    return f.with_columns(
        satisfied=satisfied,
        overdue=pl.lit(a) > c("dl"),
        fs=meets(c("forecast")),
        late_ok=meets(c("late")),
        pace=pl.when(elapsed > 0).then(progress / elapsed),
        ps=meets(projected),
        stale=a - c("last"),
    )


def handwritten_polars(targets: Any, measurements: Any, as_of: dt.date) -> Any:
    """rules/default.toml and the facts it needs, written by hand in polars for this data.

    Knows what :func:`make_frames` guarantees: start, deadline and baseline given, no
    checkpoints, relative targets, recurrence or forecast dates of issue, one actual per
    day, measurements grouped by target in target order (so a run of rows is a target, not
    a join; a target may have no run).  A sum's day values are its running totals (a
    per-target ``cum_sum`` of the baseline and the amounts, in date order, as goalcheck adds
    them), the trend's points and the first day met read from them.  The rule index of
    every target (as in :data:`PY_RULES`).
    """
    import polars as pl

    c = pl.col
    a = (as_of - dt.date(1970, 1, 1)).days
    t = _polars_targets(targets, as_of)
    f = _polars_facts(_polars_aggregate(t, targets["id"], measurements, a), a)
    sat, cum, od, fs, mile = c("satisfied"), c("cum"), c("overdue"), c("fs"), c("code") == 5
    no_target = c("target").is_null()
    rising_ceiling = cum & (c("d") < 0)
    rule = (
        pl.when(no_target & (c("code") <= 2))
        .then(0)
        .when(c("late_ok") & fs.ne_missing(True) & sat.ne_missing(True))
        .then(1)
        .when(mile & od & (c("n") == 0))
        .then(2)
        .when(c("value").is_null() & c("forecast").is_null())
        .then(3)
        .when(sat & od & ~c("met_by_deadline"))
        .then(4)
        .when(mile & sat)
        .then(5)
        .when(sat & no_target & ~(cum & ~od))
        .then(6)
        .when(sat & ~no_target & ~(rising_ceiling & ~od))
        .then(7)
        .when(od)
        .then(8)
        .when(~fs)
        .then(9)
        .when((c("stale") > MAX_STALENESS_DAYS) & c("forecast").is_null())
        .then(10)
        .when((c("pace") >= PACE_TOLERANCE) & ~rising_ceiling)
        .then(11)
        .when(c("ps"))
        .then(12)
        .when(fs)
        .then(13)
        .when(mile)
        .then(14)
        .otherwise(15)
    )
    return f.select(rule.alias("rule"))["rule"]


def columnar_rules(targets: Any, measurements: Any, rules: Any) -> Any:
    """goalcheck's columnar engine end to end: tables in, the rule of every target out."""
    from goalcheck.frame import evaluate_frame

    return evaluate_frame(targets, measurements, AS_OF, rules)["rule"]


PARQUET_SCRIPT = """
import json, sys, time
sys.path.insert(0, {path!r})
import pyarrow.parquet as pq
from run import AS_OF
from goalcheck.frame import evaluate_batch
from goalcheck.rules import load_rules
rules = load_rules("default")
counts = {{}}
t0 = time.perf_counter()
n = 0
for batch in pq.ParquetFile({file!r}).iter_batches(batch_size={batch}):
    result = evaluate_batch(batch, AS_OF, rules)
    n += result.height
    for status, k in result["status"].value_counts().iter_rows():
        counts[status] = counts.get(status, 0) + k
    del batch, result
elapsed = time.perf_counter() - t0
with open("/proc/self/status") as status:  # this process's high-water mark
    kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({{"targets": n, "seconds": elapsed, "peak_mb": kb / 1024, "statuses": counts}}))
"""


def nested_frame(targets: Any, measurements: Any) -> Any:
    """The nested layout of :func:`goalcheck.frame.evaluate_batch`: one row per target, its
    measurements as a list of ``{date, value, kind}`` structs.  The measurements are grouped
    by target in target order (:func:`make_frames`), so the lists line up with the targets
    when every target has some; a target without measurements gets a null list."""
    import polars as pl

    lists = measurements.group_by("target_id", maintain_order=True).agg(
        measurements=pl.struct("date", "value", "kind")
    )
    if lists.height == targets.height:  # every target has measurements: the lists line up
        return targets.with_columns(lists["measurements"])
    return targets.join(  # a target without measurements gets a null list
        lists, left_on="id", right_on="target_id", how="left", maintain_order="left"
    )


def write_nested_parquet(path: str, n: int, m: int, chunk: int = 1_000_000) -> None:
    """*n* targets in the nested layout, written *chunk* targets at a time (each chunk its own
    seed and id prefix), in row groups of 250,000 targets: memory stays that of one chunk."""
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    writer = None
    try:
        for k, lo in enumerate(range(0, n, chunk)):
            t, ms = make_frames(min(chunk, n - lo), m, seed=20091 + k)
            nested = nested_frame(t, ms)  # then the chunk's prefix on the ids
            table = nested.with_columns(id=f"p{k}-" + nested["id"]).to_arrow()
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema)
            writer.write_table(table, row_group_size=250_000)
            del t, ms, nested, table
    finally:
        if writer is not None:
            writer.close()


def parquet_path(tmp: str, n: int, m: int) -> str:
    import os

    # the mix's version in the name: a file of an older make_frames is not reused
    return os.path.join(tmp, f"nested-{n}x{m}-mix{MIX_VERSION}.parquet")


def ensure_parquet(tmp: str, n: int, m: int, log: Callable[..., None]) -> str:
    """The nested parquet file of *n* targets, written once (at low priority, in a process
    of its own, before anything is timed) and reused by later runs."""
    import os
    import pathlib

    file = parquet_path(tmp, n, m)
    if os.path.exists(file):
        return file
    os.makedirs(tmp, exist_ok=True)
    here = str(pathlib.Path(__file__).resolve().parent)
    part = file + ".tmp"
    code = (
        f"import os, sys; sys.path.insert(0, {here!r}); from run import write_nested_parquet; "
        f"write_nested_parquet({part!r}, {n}, {m}); os.replace({part!r}, {file!r})"
    )
    log(f"writing {file} (once; later runs reuse it) ...")
    t0 = time.perf_counter()
    subprocess.run(["nice", "-n", "10", sys.executable, "-c", code], check=True)
    log(f"  written in {time.perf_counter() - t0:.0f}s")
    return file


def columnar_1e7(file: str, batch: int = 250_000) -> dict[str, Any]:
    """The columnar engine over a nested parquet file, *batch* targets at a time through
    :func:`goalcheck.frame.evaluate_batch`, in a process of its own: targets, seconds, its
    peak memory (VmHWM, MB) and the count of each status."""
    import pathlib

    here = str(pathlib.Path(__file__).resolve().parent)
    code = PARQUET_SCRIPT.format(path=here, file=file, batch=batch)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def dask_matches(targets: Any, measurements: Any, tmp: str) -> bool | None:
    """The LocalCluster run over partitioned parquet equals the single-process run."""
    try:
        from goalcheck._columnar._dask import evaluate_dask
    except ImportError:
        return None
    import os

    path = os.path.join(tmp, "dask-nested")
    os.makedirs(path, exist_ok=True)
    nested = nested_frame(targets, measurements)
    parts = 4
    size = -(-nested.height // parts)
    for k in range(parts):
        nested.slice(k * size, size).write_parquet(os.path.join(path, f"part-{k}.parquet"))
    single = columnar_rules(targets, measurements, "default")
    distributed = evaluate_dask(path, AS_OF, "default", workers=2)
    ordered = distributed.sort("id")
    reference = nested.select("id").with_columns(rule=single).sort("id")
    return bool(
        ordered["id"].to_list() == reference["id"].to_list()
        and ordered["rule"].to_list() == reference["rule"].to_list()
    )


# --------------------------------------------------------------------------- main


def rule_counts(ids: list[str], fired: list[str], log: Callable[..., None]) -> dict[str, int]:
    """How many targets each rule decided (every rule of the set, in its order), logged with
    the rules that never fired: the mismatch checks prove nothing about those."""
    counts = collections.Counter(fired)
    out = {rule: counts.get(rule, 0) for rule in ids}
    log("targets per rule: " + ", ".join(f"{rule} {k}" for rule, k in out.items()))
    never = [rule for rule, k in out.items() if not k]
    if never:
        log(f"WARNING: rules that never fired (not checked by the mismatch counts): {never}")
    return out


def columnar_and_scaling(
    m: int,
    runs: int,
    log: Callable[..., None],
    n: int = 1_000_000,
    before_timing: Callable[[], None] = lambda: None,
) -> tuple[dict[str, Any], float]:
    """Scalar time per target at 10^4 and 10^6, the columnar engine and polars by hand at 10^6.

    The targets are built once as model objects from the same tables the columnar engine
    reads.  Each of *runs* rounds times all four once, in turn, so that a slow spell of the
    machine hits every measurement alike; each figure is the best of its rounds.
    *before_timing* runs once the targets are built, before the first round.
    """
    rules = load_rules("default")
    ids = [rule.id for rule in rules.rules]
    small = make_frames(10_000, m, seed=11)
    big = make_frames(n, m)
    small_targets = list(targets_from_frames(*small))
    big_targets = list(targets_from_frames(*big))
    before_timing()
    best = {
        "small": float("inf"),
        "big": float("inf"),
        "columnar": float("inf"),
        "polars": float("inf"),
    }
    scalar_out: list[str] = []
    columnar_out: list[str] = []
    polars_out: list[int] = []
    log(f"interleaved rounds at {n} targets (scalar per target vs 10^4; columnar; polars):")
    for k in range(runs):
        t_small, _ = timed(  # short: its best of three within the round
            lambda: [r.rule for r in evaluate_iter(small_targets, AS_OF, rules)], repeat=3
        )
        best["small"] = min(best["small"], t_small / len(small_targets))
        t_big, scalar_out = timed(
            lambda: [r.rule for r in evaluate_iter(big_targets, AS_OF, rules)], repeat=1
        )
        best["big"] = min(best["big"], t_big)
        t_col, out = timed(lambda: columnar_rules(*big, rules), repeat=1)
        best["columnar"] = min(best["columnar"], t_col)
        columnar_out = out.to_list()
        t_pol, out = timed(lambda: handwritten_polars(*big, AS_OF), repeat=1)
        best["polars"] = min(best["polars"], t_pol)
        polars_out = out.to_list()
        log(
            f"  round {k + 1}/{runs}: scalar {t_small:.2f}s at 10^4, {t_big:.1f}s at {n}; "
            f"columnar {t_col:.2f}s; polars by hand {t_pol:.2f}s"
        )
    result = {
        "targets": n,
        "scalar_end_to_end_per_second": round(n / best["big"]),
        "columnar_per_second": round(n / best["columnar"]),
        "handwritten_polars_per_second": round(n / best["polars"]),
        "vs_scalar": round(best["big"] / best["columnar"], 1),
        "vs_handwritten_polars": round(best["columnar"] / best["polars"], 2),
        "mismatches_vs_scalar": sum(a != b for a, b in zip(columnar_out, scalar_out, strict=True)),
        "handwritten_polars_mismatches": sum(
            ids[h] != r for h, r in zip(polars_out, scalar_out, strict=True)
        ),
        "rule_counts": rule_counts(ids, scalar_out, log),
    }
    log(
        f"columnar at {n}: {result['columnar_per_second']}/s, {result['vs_scalar']}x the scalar "
        f"engine, {result['vs_handwritten_polars']}x the time of polars by hand; mismatches "
        f"vs scalar: columnar {result['mismatches_vs_scalar']}, "
        f"polars by hand {result['handwritten_polars_mismatches']}"
    )
    return result, round(best["big"] / n / best["small"], 2)


def memory_job(m: int) -> Any:
    """The 10^6 streamed peak-memory run, started in a process of its own (not a timing)."""
    import pathlib

    here = str(pathlib.Path(__file__).resolve().parent)
    code = MEMORY_SCRIPT.format(path=here, n=1_000_000, m=m)
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)


def memory_result(job: Any, log: Callable[..., None]) -> float:
    """Wait for :func:`memory_job`: its peak memory in MB."""
    out, _ = job.communicate()
    if job.returncode:
        raise SystemExit("the streamed peak-memory run failed")
    memory = round(float(out.strip().splitlines()[-1]), 1)
    log(f"peak memory, 10^6 targets streamed through evaluate_iter: {memory} MB")
    return memory


def dask_check(m: int, log: Callable[..., None]) -> bool | None:
    import tempfile

    small_t, small_m = make_frames(20_000, m, seed=7)
    with tempfile.TemporaryDirectory() as tmp:
        ok = dask_matches(small_t, small_m, tmp)
    log(f"dask LocalCluster equals single process: {ok}")
    return ok


def _classify_each(peer: Callable[[Any], int], facts: list[Any]) -> list[int]:
    return [peer(f) for f in facts]


def scalar_and_peers(n: int, m: int, log: Callable[..., None]) -> dict[str, Any]:
    """(a) dispatch over precomputed facts, (b) end to end, (c) the peers on a sample."""
    targets = make_targets(n, m)
    rules = load_rules("default")
    classify = rules.compile()
    plan = fact_plan(rules.fact_names)
    facts = [facts_of(t, AS_OF, plan, None) for t in targets]
    log(f"{n} targets x {m} measurements")
    expected = [classify(f) for f in facts]
    hand = [handwritten_classify(f) for f in facts]
    if hand != expected:
        bad = sum(a != b for a, b in zip(hand, expected, strict=True))
        raise SystemExit(f"hand-written dispatch disagrees with goalcheck on {bad} targets")
    t_gc, _ = timed(lambda: [classify(f) for f in facts])
    t_hand, _ = timed(lambda: [handwritten_classify(f) for f in facts])
    ids = [rule.id for rule in rules.rules]
    t_e2e, results = timed(lambda: [r.rule for r in evaluate_iter(targets, AS_OF, rules)])
    t_hand_e2e, hand_e2e = timed(lambda: [handwritten_end_to_end(t, AS_OF) for t in targets])
    e2e_mismatches = sum(ids[h] != r for h, r in zip(hand_e2e, results, strict=True))
    log(f"end-to-end mismatches between hand-written and goalcheck: {e2e_mismatches}")
    counts = rule_counts(ids, results, log)
    engines: dict[str, dict[str, Any]] = {
        "goalcheck": {"per_second": round(n / t_gc), "end_to_end_per_second": round(n / t_e2e)},
        "handwritten": {
            "per_second": round(n / t_hand),
            "end_to_end_per_second": round(n / t_hand_e2e),
            "end_to_end_mismatches": e2e_mismatches,
        },
    }
    sample = facts[: min(n, 20_000)]  # the peers are slow
    makers: dict[str, Callable[[], Any]] = {**PEERS, **BATCH_PEERS}
    for name, make in makers.items():
        peer = make()
        if peer is None:
            log(f"{name}: not installed, skipped")
            continue
        run_all: Callable[[], list[int]]
        if name in BATCH_PEERS:  # zen-engine's decision table takes the whole sample at once
            run_all = functools.partial(peer, sample)
        else:
            run_all = functools.partial(_classify_each, peer, sample)
        mismatches = sum(a != b for a, b in zip(run_all(), expected, strict=False))
        t_peer, _ = timed(run_all, repeat=1)
        engines[name] = {"per_second": round(len(sample) / t_peer), "mismatches": mismatches}
        log(f"{name}: {engines[name]['per_second']}/s, {mismatches} mismatches")
    return {
        "engines": engines,
        "dispatch_vs_handwritten": round(t_gc / t_hand, 2),
        "end_to_end_vs_handwritten": round(t_e2e / t_hand_e2e, 2),
        "rule_counts": counts,
    }


def make_log(quiet: bool) -> Callable[..., None]:
    """print, each line prefixed with the seconds since the start (nothing under --json)."""
    start = time.perf_counter()

    def log(*parts: Any) -> None:
        if not quiet:
            print(f"[{time.perf_counter() - start:4.0f}s]", *parts, flush=True)

    return log


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--targets", type=int, default=100_000)
    parser.add_argument("--measurements", type=int, default=12)
    parser.add_argument("--quick", action="store_true", help="10,000 targets, no 1M runs")
    parser.add_argument("--skip-1m", action="store_true", help="skip the 1,000,000-target runs")
    parser.add_argument("--json", action="store_true", help="print only the JSON object")
    parser.add_argument("--runs", type=int, default=3, help="interleaved runs at 10^6 (best of)")
    parser.add_argument("--big", type=int, default=1_000_000, help="targets of the 10^6 runs")
    parser.add_argument("--huge", type=int, default=10_000_000, help="targets of the 10^7 run")
    parser.add_argument("--skip-1e7", action="store_true", help="skip the 10^7-target parquet run")
    parser.add_argument("--skip-dask", action="store_true", help="skip the Dask LocalCluster run")
    parser.add_argument(
        "--tmp", default="/tmp/goalcheck-bench", help="where the parquet data is kept"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Nothing else of this benchmark runs beside a timing: the parquet file is written
    before, the memory run overlaps only the building of model objects, the Dask check is
    last."""
    args = parse_args(argv)
    n = 10_000 if args.quick else args.targets
    m = args.measurements
    skip_1m = args.skip_1m or args.quick
    log = make_log(quiet=args.json)
    run_1e7 = not skip_1m and not args.skip_1e7
    file = ensure_parquet(args.tmp, args.huge, m, log) if run_1e7 else None

    scalar = scalar_and_peers(n, m, log)
    engines = scalar["engines"]
    peer_names = [k for k in engines if k not in ("goalcheck", "handwritten")]
    fastest = max(peer_names, key=lambda k: engines[k]["per_second"], default=None)
    vs_peer = None
    if fastest is not None:
        vs_peer = round(engines["goalcheck"]["per_second"] / engines[fastest]["per_second"], 1)

    # (d) scaling and (e) the columnar engine at 10^6: interleaved rounds, best of each
    scaling = memory = None
    columnar: dict[str, Any] = {}
    if not skip_1m:
        # (e) the streamed peak-memory run (not a timing) overlaps building the model
        # objects of the rounds, and is waited for before the first round
        job = memory_job(m)

        def wait() -> None:
            nonlocal memory
            memory = memory_result(job, log)

        columnar, scaling = columnar_and_scaling(m, args.runs, log, args.big, wait)
    # (g) 10^7 targets from parquet, in batches, in a process of its own
    huge: dict[str, Any] = {}
    if file is not None:
        huge = columnar_1e7(file)
        huge["per_second"] = round(huge["targets"] / huge["seconds"])
        huge["peak_mb"] = round(huge["peak_mb"], 1)
        huge["seconds"] = round(huge["seconds"], 1)
        log(
            f"columnar, {huge['targets']} targets from parquet in batches of 250,000: "
            f"{huge['seconds']}s, {huge['per_second']}/s, peak {huge['peak_mb']} MB "
            f"({'under' if huge['peak_mb'] < 2048 else 'OVER'} 2 GB); {huge['statuses']}"
        )
    # (f) cold start
    cold = cold_start_ratio(3 if args.quick else 7)
    # (h) Dask LocalCluster equals single process: not a timing, last
    dask_ok = None if args.skip_dask else dask_check(m, log)

    report = {
        "targets": n,
        "measurements_per_target": m,
        "engines": engines,
        "ratios": {
            "dispatch_vs_handwritten": scalar["dispatch_vs_handwritten"],
            "end_to_end_vs_handwritten": scalar["end_to_end_vs_handwritten"],
            "goalcheck_vs_fastest_peer": vs_peer,
        },
        "scaling_ratio_1m_vs_10k": scaling,
        "cold_start_ratio": cold,
        "peak_memory_mb_1m_streamed": memory,
        "fastest_peer": fastest,
        "columnar": columnar or None,
        "columnar_vs_scalar_end_to_end": columnar.get("vs_scalar"),
        "columnar_vs_handwritten_polars": columnar.get("vs_handwritten_polars"),
        "columnar_1e7": huge or None,
        "columnar_targets_per_second_1e7": huge.get("per_second"),
        "peak_memory_mb_1e7_columnar": huge.get("peak_mb"),
        "dask_matches_single_process": dask_ok,
        # targets per rule id: of the scalar/peer run (the peers check its first 20,000) and
        # of the 10^6 columnar/scalar run
        "rule_counts": scalar["rule_counts"],
        "rule_counts_1e6": columnar.get("rule_counts"),
    }
    print(json.dumps(report, indent=None if args.json else 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
