"""Build model objects from plain data (TOML tables, CSV rows), collecting every problem.

The builder is generic over attrs classes: it reads each class's fields, type hints,
converters and validators, so a field added to the model later is loaded (and dumped, see
:mod:`goalcheck._io._toml`) without touching this module.  Instead of stopping at the first
bad value it records a located :class:`~goalcheck.errors.Problem` for each one and carries
on, so a user fixes a file in one pass.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from goalcheck._io._number import parse_number
from goalcheck.errors import InputError, Problem, did_you_mean
from goalcheck.periods import to_date

__all__ = [
    "CsvRow",
    "FieldShape",
    "KeyPath",
    "Problems",
    "Where",
    "build",
    "build_tables",
    "field_shapes",
]


# --------------------------------------------------------------------------- locations


class Where(typing.Protocol):
    """How a loader names a place in its input: a TOML key path or a CSV row."""

    @property
    def whole(self) -> str | None:
        """The location of the object itself."""
        ...

    def key(self, name: str) -> str:
        """The location of one of the object's keys (or columns)."""
        ...

    def table(self, name: str) -> Where:
        """The location of a nested table."""
        ...

    def item(self, name: str, index: int) -> Where:
        """The location of one table in an array of tables."""
        ...

    def missing(self, name: str) -> str:
        """The message for a required key (or cell) that is not given."""
        ...


@attrs.frozen
class KeyPath:
    """A TOML key path such as ``initiatives[3].targets[0]``."""

    prefix: str = ""

    @property
    def whole(self) -> str | None:
        return self.prefix or None

    def key(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def table(self, name: str) -> KeyPath:
        return KeyPath(self.key(name))

    def item(self, name: str, index: int) -> KeyPath:
        return KeyPath(f"{self.key(name)}[{index}]")

    def missing(self, name: str) -> str:
        return f"missing required key {name!r}"


@attrs.frozen
class CsvRow:
    """A spreadsheet row as its user counts it (the header is row 1), in a sheet if named."""

    row: int
    sheet: str | None = None

    @property
    def whole(self) -> str | None:
        return f"sheet {self.sheet}, row {self.row}" if self.sheet else f"row {self.row}"

    def key(self, name: str) -> str:
        return f"{self.whole}, column {name}"

    def table(self, name: str) -> CsvRow:
        return self

    def item(self, name: str, index: int) -> CsvRow:
        return self

    def missing(self, name: str) -> str:
        return f"{name} is required, but the cell is empty"


@attrs.define
class Problems:
    """The problems found so far in one load, all of them located in *file*."""

    file: str | None
    found: list[Problem] = attrs.Factory(list)

    def add(self, message: str, location: str | None) -> None:
        self.found.append(Problem(message, self.file, location))

    def add_error(self, error: Exception, where: Where, name: str | None = None) -> None:
        """Record what a converter, validator or constructor raised, located under *where*.

        An :class:`InputError` from the model locates its problems relative to the object
        (``"deadline"``, ``"checkpoints[0].date"``) or not at all; they are re-rooted here.
        """
        if isinstance(error, InputError):
            for problem in error.problems:
                location: str | None
                if name is not None:
                    location = where.key(name)
                elif problem.location:
                    location = where.key(problem.location)
                else:
                    location = where.whole
                self.add(problem.message, location)
        else:
            self.add(str(error), where.key(name) if name is not None else where.whole)


# --------------------------------------------------------------------------- field shapes


@attrs.frozen
class FieldShape:
    """What a field holds, read from its type hint.

    *form* is ``"scalar"`` (a string, number, date, enum, ...), ``"table"`` (one attrs
    object), ``"tables"`` (a tuple of attrs objects) or ``"list"`` (a tuple of scalars);
    *type* is the class of the scalar, object or items (``None`` when the hint is a union
    of several types).
    """

    field: attrs.Attribute[Any]
    form: str
    type: Any

    @property
    def name(self) -> str:
        return self.field.name

    @property
    def required(self) -> bool:
        return self.field.default is attrs.NOTHING

    def default(self) -> Any:
        default: Any = self.field.default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            return default.factory()
        return default


def _shape(field: attrs.Attribute[Any], hint: Any) -> FieldShape:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        hint = args[0] if len(args) == 1 else None
    if typing.get_origin(hint) is tuple:
        item = typing.get_args(hint)[0]
        if isinstance(item, type) and attrs.has(item):
            return FieldShape(field, "tables", item)
        return FieldShape(field, "list", item)
    if isinstance(hint, type) and attrs.has(hint):
        return FieldShape(field, "table", hint)
    return FieldShape(field, "scalar", hint)


@functools.cache
def field_shapes(cls: type) -> dict[str, FieldShape]:
    """Each init field of the attrs class *cls* by name, with its shape."""
    hints = typing.get_type_hints(cls)
    return {
        field.name: _shape(field, hints.get(field.name))
        for field in attrs.fields(cls)
        if field.init
    }


# --------------------------------------------------------------------------- building


_MISSING: Any = object()

Nested = Callable[[FieldShape, Any, Where, Problems], Any]


def build(
    cls: type,
    data: Mapping[str, Any],
    where: Where,
    problems: Problems,
    *,
    extra_keys: frozenset[str] = frozenset(),
    nested: Nested | None = None,
) -> Any:
    """An instance of *cls* from *data*, or ``None`` after recording why it cannot be built.

    Every key is checked: unknown keys (other than *extra_keys*, which the caller handles)
    and missing required ones are problems, each value goes through the field's converter
    and validator, and the constructor's own checks run last.  *nested* may override how a
    ``"tables"`` field is built (the plan loader uses it to tell targets their initiative);
    it returns the tuple, or ``_MISSING`` after recording problems.
    """
    shapes = field_shapes(cls)
    before = len(problems.found)
    for key in data:
        if key not in shapes and key not in extra_keys:
            problems.add(f"unknown key {key!r}" + did_you_mean(key, shapes), where.key(key))
    kwargs: dict[str, Any] = {}
    for name, shape in shapes.items():
        if name not in data:
            if shape.required:
                problems.add(where.missing(name), where.key(name))
            continue
        value = data[name]
        if shape.form == "tables":
            built = (nested or build_tables)(shape, value, where, problems)
        elif shape.form == "table" and isinstance(value, Mapping):
            built = build(shape.type, value, where.table(name), problems)
            built = _MISSING if built is None else built
        elif shape.form == "table" and shape.field.converter is None:
            # only a converter (like Plan.period's, which reads phrases) accepts a non-table
            problems.add(f"expected a table, not {_describe(value)}", where.key(name))
            built = _MISSING
        else:
            built = _scalar(shape, value, where, problems)
        if built is not _MISSING:
            kwargs[name] = built
    if len(problems.found) > before:
        return None
    try:
        return cls(**kwargs)
    except (InputError, ValueError, TypeError) as error:
        problems.add_error(error, where)
        return None


def build_tables(shape: FieldShape, value: Any, where: Where, problems: Problems) -> Any:
    """A ``"tables"`` field: each table built in turn, or ``_MISSING`` if any failed."""
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        problems.add(
            f"expected an array of tables ([[{shape.name}]]), not {_describe(value)}",
            where.key(shape.name),
        )
        return _MISSING
    built = [
        build(shape.type, item, where.item(shape.name, i), problems)
        for i, item in enumerate(value)
    ]
    return _MISSING if any(b is None for b in built) else tuple(built)


class _Bad(Exception):
    """A value of the wrong type; the message says what was expected."""


def _scalar(shape: FieldShape, value: Any, where: Where, problems: Problems) -> Any:
    """A scalar or list field, coerced, converted and validated, or ``_MISSING``."""
    location = where.key(shape.name)
    try:
        if shape.form == "list":
            if not isinstance(value, list):
                raise _Bad(f"expected an array, not {_describe(value)}")
            items = []
            for i, item in enumerate(value):
                location = f"{where.key(shape.name)}[{i}]"
                items.append(_coerce(shape.type, item))
            location = where.key(shape.name)
            value = items
        else:
            value = _coerce(shape.type, value)
    except _Bad as error:
        problems.add(str(error), location)
        return _MISSING
    field = shape.field
    try:
        if field.converter is None:
            if shape.type is dt.date and isinstance(value, str):  # e.g. Period.start
                value = to_date(value, side="start" if shape.name == "start" else "end")
        elif not isinstance(field.converter, attrs.Converter):
            value = field.converter(value)
    except (InputError, ValueError, TypeError) as error:
        problems.add_error(error, where, shape.name)
        return _MISSING
    if field.validator is not None:
        # Run the validator now so that every field's problem is reported, not only the
        # first one the constructor meets.  A validator that needs the whole object fails
        # here in some other way; the constructor runs it again and reports what it finds.
        try:
            field.validator(None, field, value)
        except (InputError, ValueError) as error:
            problems.add_error(error, where, shape.name)
            return _MISSING
        except (AttributeError, TypeError):
            pass  # the validator needs the instance; the constructor runs it
    return value


def _coerce(kind: Any, value: Any) -> Any:
    """*value* checked against the scalar type *kind*; raises :class:`_Bad`.

    Strings become numbers with :func:`parse_number`, so TOML strings and CSV cells are
    read the same way; dates and enums are left to the field's converter.
    """
    if kind is None:
        return value
    if kind is str:
        if not isinstance(value, str):
            raise _Bad(f"expected a string, not {_describe(value)}")
        return value
    if kind is bool:
        if not isinstance(value, bool):
            raise _Bad(f"expected true or false, not {_describe(value)}")
        return value
    if kind is int or kind is float:
        return _number(kind, value)
    if kind is dt.date:
        if isinstance(value, dt.time) or not isinstance(value, dt.date | str):
            raise _Bad(f"expected a date or a period phrase, not {_describe(value)}")
        return value
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        if not isinstance(value, str):
            raise _Bad(f"expected a string, not {_describe(value)}")
        return value
    return value


def _number(kind: type, value: Any) -> Any:
    """A number field's value: a number, or a string read by :func:`parse_number`."""
    if isinstance(value, str):
        try:
            number: Any = parse_number(value)
        except ValueError as error:
            raise _Bad(str(error)) from None
    elif isinstance(value, bool) or not isinstance(value, int | float):
        raise _Bad(f"expected a number, not {_describe(value)}")
    else:
        number = value
    if kind is int:
        if isinstance(number, float) and not number.is_integer():
            raise _Bad(f"expected a whole number, not {_describe(value)}")
        return int(number)
    return number


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return f"the {type(value).__name__} {value.isoformat()}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, list):
        return "an array"
    if isinstance(value, Mapping):
        return "a table"
    return type(value).__name__
