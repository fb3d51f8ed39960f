"""The helpers generated code may call: the only names it can reach besides facts and parameters.

Each helper gives ``None`` for a ``None`` operand and for a result that is not a finite
number (division by zero, overflow, NaN), which is the language's documented semantics; the
fast generated form inlines the same tests and falls back to these on an exception.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from typing import Any

from goalcheck._lang.types import Kind
from goalcheck.errors import EvaluationError

__all__ = ["SAFE_OPS", "namespace", "safe_pow", "type_checker"]


def safe_pow(base: object, exponent: object) -> float | None:
    """``base ** exponent`` computed on floats, in constant time whatever the exponent.

    ``None`` for a ``None`` operand, a result too large for a float, ``0 ** -1``, a negative
    base with a fractional exponent (Python would give a complex number), and a result that
    is not finite.
    """
    if base is None or exponent is None:
        return None
    try:
        result: object = float(base) ** float(exponent)  # type: ignore[arg-type]
    except (OverflowError, ZeroDivisionError, ValueError, TypeError):
        return None
    return result if isinstance(result, float) and math.isfinite(result) else None


def _finite(value: Any) -> Any:
    # x - x is 0 for every finite int or float and NaN (true) for inf and NaN.
    return None if value - value else value


def _safe(op: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def apply(left: Any, right: Any) -> Any:
        if left is None or right is None:
            return None
        try:
            return _finite(op(left, right))
        except ArithmeticError:
            return None

    return apply


#: The safe binary operators by symbol, and the names generated code calls them by.
SAFE_OPS: dict[str, tuple[str, Callable[[Any, Any], Any]]] = {
    "+": ("_add", _safe(operator.add)),
    "-": ("_sub", _safe(operator.sub)),
    "*": ("_mul", _safe(operator.mul)),
    "/": ("_div", _safe(operator.truediv)),
    "//": ("_floordiv", _safe(operator.floordiv)),
    "%": ("_mod", _safe(operator.mod)),
}


def _min(*args: Any) -> Any:
    return None if None in args else min(args)


def _max(*args: Any) -> Any:
    return None if None in args else max(args)


def _abs(value: Any) -> Any:
    return None if value is None else abs(value)


def _round(value: Any, digits: int | None = None) -> Any:
    if value is None:
        return None
    try:
        return round(value, digits)
    except (OverflowError, ValueError):
        return None


def _neg(value: Any) -> Any:
    return None if value is None else -value


def namespace() -> dict[str, Any]:
    """A fresh global namespace for generated code: no builtins, only the helpers."""
    names: dict[str, Any] = {
        "__builtins__": {},
        "_pow": safe_pow,
        "_min": _min,
        "_max": _max,
        "_abs": _abs,
        "_round": _round,
        "_neg": _neg,
        "_KeyError": KeyError,
        "_ArithmeticError": ArithmeticError,
        "_TypeError": TypeError,
    }
    for name, function in SAFE_OPS.values():
        names[name] = function
    return names


def type_checker(fact_kinds: Mapping[str, Kind]) -> Callable[[Mapping[str, object]], None]:
    """A function raising :class:`EvaluationError` naming every fact of the wrong type."""

    def bad_types(facts: Mapping[str, object]) -> None:
        wrong = []
        for name, kind in sorted(fact_kinds.items()):
            value = facts.get(name)
            if value is None:
                continue
            if kind is Kind.BOOL and not isinstance(value, bool):
                wrong.append(f"{name}={value!r} (expected true/false)")
            elif kind is Kind.NUMBER and (
                isinstance(value, bool) or not isinstance(value, int | float)
            ):
                wrong.append(f"{name}={value!r} (expected a number)")
        if wrong:
            raise EvaluationError("facts of the wrong type: " + ", ".join(wrong))

    return bad_types
