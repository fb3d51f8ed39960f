"""Small cached building blocks shared by the model strategies."""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Iterable
from typing import Any

import attrs
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from goalcheck.model import Target


@functools.lru_cache(maxsize=512)
def dates(lo: dt.date, hi: dt.date) -> SearchStrategy[dt.date]:
    """Cached: building (and validating) a fresh strategy per draw is most of the cost."""
    return st.dates(lo, hi)


@functools.lru_cache(maxsize=64)
def sampled(values: Iterable[Any]) -> SearchStrategy[Any]:
    return st.sampled_from(tuple(values))


@functools.lru_cache(maxsize=512)
def numbers(lo: float, hi: float) -> SearchStrategy[float]:
    """Finite floats in [lo, hi], often whole numbers (counts are common in plans)."""
    floats = st.floats(lo, hi, allow_nan=False, allow_infinity=False, allow_subnormal=False)
    ilo, ihi = math.ceil(lo), math.floor(hi)
    if ilo > ihi:
        return floats
    return st.one_of(st.integers(ilo, ihi).map(float), floats)


@functools.lru_cache(maxsize=1)
def ids() -> SearchStrategy[str]:
    return st.from_regex(r"[A-Za-z][A-Za-z0-9_.-]{0,9}", fullmatch=True)


@functools.lru_cache(maxsize=4)
def texts(*, min_size: int = 0) -> SearchStrategy[str]:
    """Printable text without surrounding space (as a file would keep it)."""
    chars = st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs"))
    return (
        st.text(chars, min_size=min_size, max_size=30)
        .map(str.strip)
        .filter(lambda s: len(s) >= min_size)
    )


@functools.lru_cache(maxsize=1)
def optional_texts() -> SearchStrategy[str | None]:
    return st.none() | texts(min_size=1)


def seq(items: Iterable[Any]) -> Any:
    """A tuple for a model field (typed ``Any``: mypy cannot type attrs' ``converter=tuple``)."""
    return tuple(items)


def rarely(draw: st.DrawFn) -> bool:
    """True about one time in eight; shrinks to False."""
    return draw(st.booleans()) and draw(st.booleans()) and draw(st.booleans())


def decide(draw: st.DrawFn, choice: bool | None, *, rare: bool = False) -> bool:
    if choice is not None:
        return choice
    return rarely(draw) if rare else draw(st.booleans())


def unique_ids(names: list[str], taken: set[str] | None = None) -> list[str]:
    """*names* with a ``-2``, ``-3``, ... suffix on each one already used (or in *taken*)."""
    taken = set() if taken is None else taken
    result = []
    for base in names:
        new, k = base, 1
        while new in taken:
            k += 1
            new = f"{base}-{k}"
        taken.add(new)
        result.append(new)
    return result


def dedupe_ids(items: list[Target], taken: set[str]) -> list[Target]:
    """Give every target an id not in *taken* (adding the new ids to it)."""
    new_ids = unique_ids([item.id for item in items], taken)
    return [
        item if item.id == new else attrs.evolve(item, id=new)
        for item, new in zip(items, new_ids, strict=True)
    ]
