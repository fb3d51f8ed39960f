"""Benchmark goalcheck against a hand-written baseline and installed rules engines.

Not a test: run it by hand, e.g. ``python benchmarks/run.py --targets 100000 --json``.
Every timing is taken in this one process with ``time.perf_counter`` and reported as a ratio
(time over time), because absolute seconds say more about the machine than about goalcheck.
Every engine's output is checked against goalcheck's before it is timed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import random
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

from goalcheck import evaluate_iter
from goalcheck.facts import facts_of, plan_for
from goalcheck.model import Measurement, MeasurementKind, Target
from goalcheck.rules import load_rules

AS_OF = dt.date(2024, 6, 30)
DIRECTIONS = ("at_least", "at_most", "between", "increase", "decrease", "milestone")
ACCUMULATIONS = ("level", "cumulative")
PACE_TOLERANCE = 0.9
MAX_STALENESS_DAYS = 400


# --------------------------------------------------------------------------- synthetic data


def make_target(i: int, m: int, rng: random.Random) -> Target:
    """One seeded synthetic target: every direction and accumulation occurs."""
    direction = DIRECTIONS[i % 6]
    accumulation = ACCUMULATIONS[(i // 6) % 2]
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
    if rng.random() < 0.03 and direction in ("at_least", "at_most", "between"):
        target = high = None  # undetermined ("højst [XX]")
    measurements = []
    value = baseline
    first = start.toordinal() + rng.randrange(0, 60)
    step = rng.choice((14, 30, 61))
    for k in range(m):
        day = dt.date.fromordinal(first + k * step)
        if direction == "milestone":
            v = 1.0 if rng.random() < 0.05 else 0.0
        elif accumulation == "cumulative":
            v = round(rng.uniform(0, 8), 1)
        else:
            value += rng.uniform(-3, 4)
            v = round(value, 2)
        measurements.append(Measurement(day, v))
    if rng.random() < 0.3:
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
    if value is None and forecast is None:
        return 1
    if f["milestone"] and satisfied:
        return 2
    if satisfied and f["target"] is None and not (cumulative and not overdue):
        return 3
    if (
        satisfied
        and f["target"] is not None
        and not (cumulative and f["direction"] < 0 and not overdue)
    ):
        return 4
    if overdue:
        return 5
    if fs is False:
        return 6
    stale = f["staleness_days"]
    if stale is not None and stale > MAX_STALENESS_DAYS and forecast is None:
        return 7
    pace = f["pace"]
    if pace is not None and pace >= PACE_TOLERANCE and not (cumulative and f["direction"] < 0):
        return 8
    if f["projected_satisfied"]:
        return 9
    if fs:
        return 10
    if f["milestone"]:
        return 11
    return 12


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
    no checkpoints, relative targets or recurrence; one actual per day)."""
    code = target.direction.value
    milestone = code == "milestone"
    cumulative = target.accumulation.value == "cumulative"
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
    cur = b if cumulative else 0.0
    x0 = origin - as_ord
    sn, sx, sxx, sy, sxy = 1, x0, x0 * x0, b, x0 * b
    fc = None
    done = False
    for m in target.measurements:
        o = m.date.toordinal()
        if m.kind is MeasurementKind.ACTUAL:
            if o > as_ord or o < lo:
                continue
            n += 1
            cur = cur + m.value if cumulative else m.value
            if m.value >= 1.0:
                done = True
            x = o - as_ord
            sn += 1
            sx += x
            sxx += x * x
            sy += cur
            sxy += x * cur
            last = o
        elif o >= as_ord and o <= dl and (m.made_on is None or m.made_on <= as_of):
            fc = m.value
    value = cur if n else None
    if value is None and fc is None:
        return 1
    overdue = as_ord > dl
    if value is None:
        satisfied = None
    elif milestone:
        satisfied = done
    else:
        satisfied = _meets(value, code, t, hi, b)
    if milestone and satisfied:
        return 2
    d = 1 if milestone else _SIGN[code]
    if satisfied and t is None and not (cumulative and not overdue):
        return 3
    if satisfied and t is not None and not (cumulative and d < 0 and not overdue):
        return 4
    if overdue:
        return 5
    fs = None if fc is None else _meets(fc, code, t, hi, b)
    if fs is False:
        return 6
    if n and as_ord - last > MAX_STALENESS_DAYS and fc is None:
        return 7
    # pace
    t_eff = None
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
        progress = (value - b) / (t_eff - b)
        if code == "between" and ((d_eff > 0 and value > hi) or (d_eff < 0 and value < t)):  # type: ignore[operator]
            progress = None
        if progress is not None and dl > origin and last >= 0:
            elapsed = (last - origin) / (dl - origin)
            if elapsed > 0 and progress / elapsed >= PACE_TOLERANCE:
                return 8
    if sn >= 2 and not milestone:
        denom = sn * sxx - sx * sx
        if denom > 0:
            slope = (sn * sxy - sx * sy) / denom
            projected = (sy - slope * sx) / sn + slope * (dl - as_ord)
            if _meets(projected, code, t, hi, b):
                return 9
    if fs:
        return 10
    if milestone:
        return 11
    return 12


# --------------------------------------------------------------------------- peers

# rules/default.toml, hit policy "first", with None spelled out for engines that need it
PY_RULES = (
    "undetermined",
    "value is None and forecast is None",
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
    text = text.replace("max_staleness_days", str(MAX_STALENESS_DAYS))
    return text.replace("pace_tolerance", str(PACE_TOLERANCE))


def peer_simpleeval() -> Callable[[dict[str, Any]], int] | None:
    try:
        import simpleeval
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
        import rule_engine
    except ImportError:
        return None
    rules = [rule_engine.Rule(_rule_engine_text(expr)) for expr in PY_RULES]

    def classify(facts: dict[str, Any]) -> int:
        for i, rule in enumerate(rules):
            if rule.matches(facts):
                return i
        return -1

    return classify


PEERS = {"simpleeval": peer_simpleeval, "rule-engine": peer_rule_engine}


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


def per_target_time(n: int, m: int) -> float:
    rules = load_rules("default")
    t0 = time.perf_counter()
    for _ in evaluate_iter(stream_targets(n, m), AS_OF, rules):
        pass
    return (time.perf_counter() - t0) / n


def _gen_time(n: int, m: int) -> float:
    t0 = time.perf_counter()
    for _ in stream_targets(n, m):
        pass
    return (time.perf_counter() - t0) / n


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


def peak_memory_mb(n: int, m: int) -> float:
    import pathlib

    here = str(pathlib.Path(__file__).resolve().parent)
    code = MEMORY_SCRIPT.format(path=here, n=n, m=m)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return round(float(out.stdout.strip().splitlines()[-1]), 1)


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


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=100_000)
    parser.add_argument("--measurements", type=int, default=12)
    parser.add_argument("--quick", action="store_true", help="10,000 targets, no 1M runs")
    parser.add_argument("--skip-1m", action="store_true", help="skip the 1,000,000-target runs")
    parser.add_argument("--json", action="store_true", help="print only the JSON object")
    args = parser.parse_args(argv)
    n = 10_000 if args.quick else args.targets
    m = args.measurements
    skip_1m = args.skip_1m or args.quick
    log: Callable[..., None] = (lambda *a: None) if args.json else print

    targets = make_targets(n, m)
    rules = load_rules("default")
    classify = rules.compile()
    plan = plan_for(rules.fact_names)
    facts = [facts_of(t, AS_OF, plan, None) for t in targets]
    log(f"{n} targets x {m} measurements")

    # (a) dispatch over precomputed facts
    expected = [classify(f) for f in facts]
    hand = [handwritten_classify(f) for f in facts]
    if hand != expected:
        bad = sum(a != b for a, b in zip(hand, expected, strict=True))
        raise SystemExit(f"hand-written dispatch disagrees with goalcheck on {bad} targets")
    t_gc, _ = timed(lambda: [classify(f) for f in facts])
    t_hand, _ = timed(lambda: [handwritten_classify(f) for f in facts])

    # (b) end to end
    ids = [rule.id for rule in rules.rules]
    t_e2e, results = timed(lambda: [r.rule for r in evaluate_iter(targets, AS_OF, rules)])
    t_hand_e2e, hand_e2e = timed(lambda: [handwritten_end_to_end(t, AS_OF) for t in targets])
    e2e_mismatches = sum(ids[h] != r for h, r in zip(hand_e2e, results, strict=True))
    log(f"end-to-end mismatches between hand-written and goalcheck: {e2e_mismatches}")

    engines: dict[str, dict[str, Any]] = {
        "goalcheck": {"per_second": round(n / t_gc), "end_to_end_per_second": round(n / t_e2e)},
        "handwritten": {
            "per_second": round(n / t_hand),
            "end_to_end_per_second": round(n / t_hand_e2e),
            "end_to_end_mismatches": e2e_mismatches,
        },
    }
    # (c) peers, on a sample when they are slow
    sample = facts[: min(n, 20_000)]
    for name, make in PEERS.items():
        peer = make()
        if peer is None:
            log(f"{name}: not installed, skipped")
            continue
        out = [peer(f) for f in sample]
        mismatches = sum(a != b for a, b in zip(out, expected, strict=False))
        t_peer, _ = timed(lambda peer=peer: [peer(f) for f in sample], repeat=1)
        engines[name] = {"per_second": round(len(sample) / t_peer), "mismatches": mismatches}
        log(f"{name}: {engines[name]}")
    peers = [v["per_second"] for k, v in engines.items() if k not in ("goalcheck", "handwritten")]
    vs_peer = round(engines["goalcheck"]["per_second"] / max(peers), 1) if peers else None

    # (d) scaling and (e) memory
    scaling = memory = None
    if not skip_1m:
        small = per_target_time(10_000, m) - _gen_time(10_000, m)
        big = per_target_time(1_000_000, m) - _gen_time(1_000_000, m)
        scaling = round(big / small, 2)
        memory = peak_memory_mb(1_000_000, m)

    # (f) cold start
    cold = cold_start_ratio(3 if args.quick else 7)

    report = {
        "targets": n,
        "measurements_per_target": m,
        "engines": engines,
        "ratios": {
            "dispatch_vs_handwritten": round(t_gc / t_hand, 2),
            "end_to_end_vs_handwritten": round(t_e2e / t_hand_e2e, 2),
            "goalcheck_vs_fastest_peer": vs_peer,
        },
        "scaling_ratio_1m_vs_10k": scaling,
        "cold_start_ratio": cold,
        "peak_memory_mb_1m_streamed": memory,
    }
    print(json.dumps(report, indent=None if args.json else 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
