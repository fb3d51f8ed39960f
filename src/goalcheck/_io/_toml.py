"""Write plans as TOML: a small emitter, exact for everything the model holds.

goalcheck reads TOML with the standard library's ``tomllib``, which cannot write; rather
than add a run-time dependency for the other direction, this module emits the subset of
TOML the model needs (see docs/explanation/model.md).  It is generic over attrs classes,
like the loader: fields equal to their default are left out, nested objects become inline
tables, tuples of objects become arrays of tables (``[[initiatives.targets]]``), and floats
are written so that they read back bit for bit.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import os
import re
from collections.abc import Callable
from typing import Any

import attrs

from goalcheck._io._atomic import write_text
from goalcheck._io._structure import field_shapes
from goalcheck.model import Initiative, Plan, Target, check_plan
from goalcheck.periods import Period

__all__ = ["dump_plan", "dumps", "write_plan"]

#: Whether to leave out a field: (the object, the field's name, the object's parent).
Skip = Callable[[Any, str, Any], bool]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\f": "\\f", "\r": "\\r"}
_MAX_EXACT_INT = 2**53


def dump_plan(plan: Plan) -> str:
    """The plan as a TOML document that :func:`goalcheck.load_plan` reads back equal.

    A target inside an initiative does not repeat the initiative's id; the loader fills it
    in (so a plan built in Python with ``initiative=None`` on such targets reads back with
    it set).  Measurements are written inside their targets.
    """
    return dumps(plan, skip=_nested_initiative)


def write_plan(plan: Plan, path: str | os.PathLike[str]) -> None:
    """Write :func:`dump_plan`'s TOML to *path* atomically.

    The plan is checked first as :func:`goalcheck.load_plan` would check the file
    (:func:`goalcheck.model.check_plan`), so a plan that could not be read back is never
    written.  The write itself is :func:`goalcheck._io._atomic.write_text`'s: a reader never
    sees half a plan, a failed write leaves the old file as it was, an existing file keeps
    its permissions, and a symbolic link or device at *path* is refused.
    """
    check_plan(plan)
    write_text(path, dump_plan(plan))


def _nested_initiative(obj: Any, name: str, parent: Any) -> bool:
    return (
        isinstance(obj, Target)
        and name == "initiative"
        and isinstance(parent, Initiative)
        and obj.initiative == parent.id
    )


def dumps(obj: Any, *, skip: Skip | None = None) -> str:
    """The attrs object *obj* as a TOML document (its fields are the top-level keys)."""
    lines: list[str] = []
    _table(obj, (), None, lines, skip or (lambda _obj, _name, _parent: False))
    return "\n".join(lines).lstrip("\n") + "\n"


def _fields(obj: Any, parent: Any, skip: Skip) -> list[tuple[str, str, Any]]:
    """(name, form, value) of each field worth writing."""
    chosen = []
    cls: type = type(obj)
    for name, shape in field_shapes(cls).items():
        value = getattr(obj, name)
        if value is None or (not shape.required and value == shape.default()):
            continue
        if skip(obj, name, parent):
            continue
        chosen.append((name, shape.form, value))
    return chosen


def _table(obj: Any, path: tuple[str, ...], parent: Any, lines: list[str], skip: Skip) -> None:
    fields = _fields(obj, parent, skip)
    arrays = []
    for name, form, value in fields:
        if form == "tables" and value:
            arrays.append((name, value))
        else:
            lines.append(f"{_key(name)} = {_value(value, inline=False, skip=skip, owner=obj)}")
    for name, items in arrays:
        header = ".".join(_key(part) for part in (*path, name))
        for item in items:
            lines += ["", f"[[{header}]]"]
            _table(item, (*path, name), obj, lines, skip)


def _key(name: str) -> str:
    return name if _BARE_KEY.fullmatch(name) else _string(name, multiline=False)


def _value(value: Any, *, inline: bool, skip: Skip, owner: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return _value(value.value, inline=True, skip=skip, owner=owner)
    if isinstance(value, str):
        return _string(value, multiline=not inline and "\n" in value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Period):  # ISO 8601 interval, which parse_period reads back
        return _string(str(value), multiline=False)
    if attrs.has(type(value)):
        pairs = [
            f"{_key(name)} = {_value(item, inline=True, skip=skip, owner=value)}"
            for name, _form, item in _fields(value, owner, skip)
        ]
        return "{ " + ", ".join(pairs) + " }" if pairs else "{}"
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_value(v, inline=True, skip=skip, owner=owner) for v in value) + "]"
    if isinstance(value, dict):  # Target.params
        pairs = [
            f"{_key(str(k))} = {_value(v, inline=True, skip=skip, owner=owner)}"
            for k, v in value.items()
        ]
        return "{ " + ", ".join(pairs) + " }" if pairs else "{}"
    raise TypeError(f"cannot write a {type(value).__name__} as TOML")


def _float(value: float) -> str:
    """A TOML float that reads back as exactly *value*.

    Whole numbers are written without a fraction (``2000``; the model's converters make
    them floats again); the rest use ``repr``, the shortest text that round-trips.
    """
    if not math.isfinite(value):
        raise ValueError(f"cannot write the non-finite number {value!r} in a plan")
    if value.is_integer() and abs(value) < _MAX_EXACT_INT and math.copysign(1, value) > 0:
        return str(int(value))
    return repr(value)


def _string(text: str, *, multiline: bool) -> str:
    """A TOML basic string (multi-line when it holds line breaks and may span lines)."""
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif char == "\n":
            out.append("\n" if multiline else "\\n")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    body = "".join(out)
    return f'"""\n{body}"""' if multiline else f'"{body}"'
