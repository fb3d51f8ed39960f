"""Small valid rule sets over the fact vocabulary."""

from __future__ import annotations

import functools
import re

import attrs
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from goalcheck._strategies import _args as a
from goalcheck._strategies._basic import numbers
from goalcheck._strategies._define import Args, Definition
from goalcheck.rules import Rule, RuleSet, StatusInfo

_STATUS_POOL = ("met", "on_track", "at_risk", "not_evaluable", "improving", "worsening")
_COMPARE = ("<", "<=", ">", ">=", "==", "!=")
_STATUS_ID = r"[a-z][a-z0-9_]{0,19}"
MAX_UNIQUE = 6


@functools.lru_cache(maxsize=4)
def _facts_of(kind: str) -> tuple[str, ...]:
    from goalcheck._vocabulary import FACTS

    def kind_of(info: object) -> str:
        named = getattr(info, "type", None)  # "number", or a Kind enum's name
        return str(named if named is not None else getattr(info, "kind", "")).lower()

    return tuple(sorted(name for name, info in FACTS.items() if kind_of(info).endswith(kind)))


@attrs.frozen
class RuleSetSpec:
    statuses: tuple[str, ...] | None
    sizes: tuple[int, int]
    hit_policy: str
    catch_all: bool
    max_parameters: int


def _statuses(statuses: object) -> tuple[str, ...] | None:
    if statuses is None:
        return None
    if isinstance(statuses, str) or not isinstance(statuses, list | tuple):
        raise a.fail(f"statuses={statuses!r} must be a list of status ids")
    if not all(isinstance(s, str) for s in statuses):
        raise a.fail(f"statuses={statuses!r} must be a list of status ids")
    fixed = tuple(statuses)
    if not fixed:
        raise a.fail("statuses=[] leaves the rules nothing to give")
    if len(set(fixed)) != len(fixed):
        raise a.fail(f"statuses={statuses!r} repeats an id")
    bad = [s for s in fixed if not re.fullmatch(_STATUS_ID, s)]
    if bad:
        raise a.fail(f"status id {bad[0]!r} must match {_STATUS_ID}")
    return fixed


def _rule_set_spec(args: Args) -> RuleSetSpec:
    hit_policy = args["hit_policy"]
    if hit_policy not in ("first", "unique"):
        raise a.fail(f"hit_policy={hit_policy!r} must be 'first' or 'unique'")
    sizes = a.sizes(args["min_size"], args["max_size"], 5 if hit_policy == "first" else 4)
    if hit_policy == "unique" and sizes[1] > MAX_UNIQUE:
        raise a.fail(
            f"max_size={sizes[1]}: a 'unique' rule set is built as a partition, whose last "
            f"conditions grow with the number of rules; at most {MAX_UNIQUE} rules fit the "
            "rule language's size limit"
        )
    catch_all = a.flag("catch_all", args["catch_all"])
    if not catch_all and sizes[1] == 0:
        raise a.fail("max_size=0 with catch_all=False gives a rule set without rules")
    return RuleSetSpec(
        _statuses(args["statuses"]),
        sizes,
        hit_policy,
        catch_all,
        a.size("max_parameters", args["max_parameters"]),
    )


def _constants() -> SearchStrategy[str]:
    nice = st.sampled_from([0.0, 0.1, 0.5, 0.9, 1.0, 1.5, 2.0, 10.0, 100.0, 365.0, -1.0])
    return (nice | st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False)).map(repr)


def _comparison(draw: st.DrawFn, kind: str, parameters: list[str]) -> tuple[str, list[str]]:
    """A number expression (and the facts it uses) compared with a constant or parameter."""
    right = draw(st.sampled_from(parameters) | _constants()) if parameters else draw(_constants())
    op = draw(st.sampled_from(_COMPARE))
    names = draw(st.lists(st.sampled_from(_facts_of("number")), min_size=2, max_size=2))
    if kind == "arith":
        left = f"{names[0]} {draw(st.sampled_from(['+', '-', '*', '/']))} {names[1]}"
        used = names
    elif kind == "function":
        function = draw(st.sampled_from(["min", "max", "abs"]))
        used = names[:1] if function == "abs" else names
        left = f"{function}({', '.join(used)})"
    else:
        left, used = names[0], names[:1]
    return f"{left} {op} {right}", used


def _atoms(draw: st.DrawFn, parameters: list[str], guarded: bool) -> str:
    """One condition that is true or false (never unknown when *guarded*)."""
    numbers_, bools, dates_ = _facts_of("number"), _facts_of("bool"), _facts_of("date")
    kind = draw(st.sampled_from(["compare", "bool", "none", "arith", "function"]))
    if kind == "none":
        name = draw(st.sampled_from(numbers_ + bools + dates_))
        return f"{name} is {draw(st.sampled_from(['', 'not ']))}None"
    if kind == "bool":
        name = draw(st.sampled_from(bools))
        text = f"{draw(st.sampled_from(['', 'not ']))}{name}"
        return f"({name} is not None and {text})" if guarded else text
    text, used = _comparison(draw, kind, parameters)
    if guarded:
        guards = " and ".join(f"{name} is not None" for name in dict.fromkeys(used))
        text = f"({guards} and {text})"
    return text


def _conditions(draw: st.DrawFn, parameters: list[str], guarded: bool, depth: int = 0) -> str:
    if depth >= 2 or not draw(st.booleans()):
        return _atoms(draw, parameters, guarded)
    shape = draw(st.sampled_from(["and", "or", "not"]))
    left = _conditions(draw, parameters, guarded, depth + 1)
    if shape == "not":
        return f"not ({left})"
    right = _conditions(draw, parameters, guarded, depth + 1)
    return f"({left}) {shape} ({right})"


def _whens(conditions: list[str], spec: RuleSetSpec) -> list[str]:
    if spec.hit_policy != "unique":
        return conditions + (["true"] if spec.catch_all else [])
    # a partition: rule i also requires every earlier condition to be false; the guards
    # keep conditions two-valued, so at most one rule matches (and the catch-all: none)
    whens = [
        " and ".join([f"({c})", *(f"not ({p})" for p in conditions[:i])])
        for i, c in enumerate(conditions)
    ]
    if spec.catch_all:
        whens.append(" and ".join(f"not ({c})" for c in conditions) if conditions else "true")
    return whens


def _draw_rule_set(draw: st.DrawFn, spec: RuleSetSpec) -> RuleSet:
    ids = spec.statuses
    if ids is None:
        ids = tuple(
            draw(st.lists(st.sampled_from(_STATUS_POOL), min_size=1, max_size=4, unique=True))
        )
    statuses = [
        StatusInfo(s, s.replace("_", " "), s.replace("_", " "), i) for i, s in enumerate(ids)
    ]
    n_parameters = draw(st.integers(0, spec.max_parameters))
    parameters = {f"p_{i}": float(draw(numbers(-10, 10))) for i in range(1, n_parameters + 1)}
    unique = spec.hit_policy == "unique"
    n = draw(st.integers(*spec.sizes))
    depth = 2 if unique else 0  # unique: single comparisons, so the partition stays small
    conditions = [_conditions(draw, list(parameters), unique, depth) for _ in range(n)]
    templates = ["", "value {value}", "pace {pace:.2f}", "target {target}"]
    rules = [
        Rule(
            id=f"r{i}",
            when=when,
            status=draw(st.sampled_from(ids)),
            reason_en=draw(st.sampled_from(templates)),
            reason_da=draw(st.sampled_from(templates)),
        )
        for i, when in enumerate(_whens(conditions, spec), start=1)
    ]
    return RuleSet(
        name="generated",
        version="1",
        description="generated by goalcheck.strategies.rule_sets",
        statuses=statuses,
        parameters=parameters,
        hit_policy=spec.hit_policy,
        rules=rules,
    )


RULE_SETS = Definition("rule_sets", _rule_set_spec, _draw_rule_set)
