"""Numbers written by people and spreadsheets: one grammar, one set of messages.

A number's text is *evidence* of the convention it was written in:

* ``12,5``, ``0,125``, ``1.800,5`` and ``1.800.000`` can only be written with ``,`` as the
  decimal mark (Danish, German, ...);
* ``14.5``, ``0.314``, ``70900.0``, ``1,800.5`` and ``1,800,000`` only with ``.``;
* ``1.800`` and ``1,800`` (one to three digits, one separator, exactly three digits) with
  either: 1800 with the separator grouping thousands, 1.8 with it marking decimals;
* plain integers (``70900``, ``1e3``) and space-grouped integers (``1 800``) with both.

:func:`parse_number` reads one value.  Given no convention (``decimal=None``) it reads what
is certain and refuses what is ambiguous; a CSV file or a sheet decides its convention
once, from all its cells (:func:`goalcheck._io._sheet`), and passes it here.  See
docs/reference/csv.md.
"""

from __future__ import annotations

import math
import re
from typing import Literal

__all__ = ["DECIMALS", "Decimal", "classify", "parse_number", "to_float"]

#: The decimal mark of a file: ``"."``, ``","``, or ``None`` to decide from the evidence.
Decimal = Literal[".", ","] | None
DECIMALS = (".", ",")

_SPACES = " \u00a0\u202f\u2009"
_AMBIGUOUS = re.compile(r"[+-]?[1-9]\d{0,2}[.,]\d{3}")
_INTEGER = re.compile(r"[+-]?\d+(?:[eE][+-]?\d+)?")
_POINT = re.compile(r"[+-]?(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?")
_COMMA = re.compile(r"[+-]?\d*,\d+")
_DOT_GROUPS = re.compile(r"[+-]?[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?")
_COMMA_GROUPS = re.compile(r"[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?")
_SPACE_GROUPS = re.compile(rf"[+-]?[1-9]\d{{0,2}}(?:[{_SPACES}]\d{{3}})+(?:([.,])\d+)?")
_NON_FINITE = {"nan", "inf", "infinity"}

#: What a cell's text says about the convention: "." or ",", "?" (either), "" (no
#: evidence: an integer), or None (not a number at all).
Evidence = Literal[".", ",", "?", ""] | None


def _clean(text: str) -> str:
    return text.strip().replace("\u2212", "-")


def classify(text: str) -> Evidence:
    """What *text* says about the decimal mark it was written with (see the module doc)."""
    text = _clean(text)
    if _AMBIGUOUS.fullmatch(text):
        return "?"
    if _INTEGER.fullmatch(text):
        return ""
    if _POINT.fullmatch(text) or _COMMA_GROUPS.fullmatch(text):
        return "."
    if _COMMA.fullmatch(text) or _DOT_GROUPS.fullmatch(text):
        return ","
    spaced = _SPACE_GROUPS.fullmatch(text)
    if spaced:
        mark = spaced.group(1)
        return "." if mark == "." else "," if mark == "," else ""
    return None


def _readings(text: str) -> tuple[str, str]:
    """The two readings of an ambiguous number: (separator groups thousands, marks decimals)."""
    bare = text.lstrip("+-")
    sign = "-" if text.startswith("-") else ""
    grouped = sign + bare.replace(",", "").replace(".", "")
    decimal = sign + repr(float(bare.replace(",", ".")))
    return grouped, decimal


def ambiguity(text: str) -> str:
    """What an ambiguous number could mean: ``'1.800' is ambiguous: 1800 with ...``."""
    clean = _clean(text)
    grouped, decimal = _readings(clean)
    mark = "." if "." in clean else ","
    return (
        f"{text.strip()!r} is ambiguous: {grouped} with {mark!r} grouping thousands, "
        f"or {decimal} with {mark!r} as the decimal mark"
    )


def _finite(number: float, raw: str) -> float:
    if not math.isfinite(number):
        shown = raw.strip() if len(raw.strip()) <= 40 else raw.strip()[:20] + "…"
        raise ValueError(f"{shown!r} is too large for a number (the largest is about 1.8e308)")
    return number


def parse_number(text: str, decimal: Decimal = None) -> float:
    """Read a number written by a person or a spreadsheet; see docs/reference/csv.md.

    With ``decimal=None`` the text must say how to read it: ``12,5`` and ``1.800,5`` are
    read with ``,`` as decimal mark, ``14.5`` and ``1,800.5`` with ``.``, while ``1.800`` and
    ``1,800`` are refused as ambiguous.  With ``decimal="."`` or ``decimal=","`` every text is
    read with that mark, and a text that contradicts it (``12,5`` when the mark is ``.``) is
    refused.  Raises ``ValueError`` with a message that names the text.
    """
    raw = text
    text = _clean(text)
    if text.lstrip("+-").lower() in _NON_FINITE:
        raise ValueError(f"must be a finite number, not {raw!r}")
    evidence = classify(text)
    if evidence is None:
        raise ValueError(f"expected a number, not {raw!r}")
    if evidence == "?" and decimal is None:
        grouped, point = _readings(text)
        raise ValueError(f"{ambiguity(raw)}; write {grouped} or {point} as a number, not text")
    if evidence in DECIMALS and decimal is not None and evidence != decimal:
        raise ValueError(
            f"{raw.strip()!r} can only be read with {evidence!r} as the decimal mark, "
            f"but the decimal mark here is {decimal!r}"
        )
    mark = decimal if evidence in ("?", "") else evidence
    for space in _SPACES:
        text = text.replace(space, "")
    text = text.replace(".", "").replace(",", ".") if mark == "," else text.replace(",", "")
    return _finite(float(text), raw)


def to_float(value: object, decimal: Decimal = None) -> float:
    """*value* as a float: a number, or a string read by :func:`parse_number`.

    Raises ``ValueError`` for booleans, other types, and integers too large for a float
    (rather than ``OverflowError``), so callers report one located problem.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"expected a number, not {value!r}")
    if isinstance(value, str):
        return parse_number(value, decimal)
    try:
        return float(value)
    except OverflowError:
        big = abs(int(value))
        digits = len(str(big)) if big.bit_length() < 14000 else "over 4000"
        raise ValueError(
            f"an integer of {digits} digits is too large for a number "
            "(the largest is about 1.8e308)"
        ) from None
