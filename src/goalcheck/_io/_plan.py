"""Load TOML plans: one document, or the files of a plan directory.

Each file is read (:func:`goalcheck._io._read.read_toml`) and built into model objects on
its own, with problems located in that file by key path; the parts are then merged by
:func:`goalcheck._io._assemble.assemble` (arrays concatenate, exactly one file sets the
plan-level keys, loose measurements join their targets) and checked as a whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from goalcheck._io._assemble import Located, Parts, assemble, read_loose
from goalcheck._io._read import read_toml
from goalcheck._io._structure import (
    _MISSING,
    FieldShape,
    KeyPath,
    Problems,
    Where,
    build,
    build_tables,
    field_shapes,
)
from goalcheck.errors import InputError, Problem, did_you_mean
from goalcheck.model import Initiative, Plan, Target

__all__ = ["load_toml_files", "loads_plan"]


def loads_plan(text: str, file: str | None = None) -> Plan:
    """A plan from the text of one TOML document; *file* names it in problems."""
    return load_toml_files([(text, file or "<string>")], None)


def _read(
    path: Path | str, shown: str, problems: Problems, *, alone: bool
) -> dict[str, Any] | None:
    """The file's document, or ``None`` after recording why not (raising, when *alone*).

    A file on its own raises what it raised (a :class:`~goalcheck.errors.LimitError` stays
    one); in a directory its problems join the other files'.
    """
    try:
        return read_toml(path, shown)
    except InputError as error:
        if alone:
            raise
        problems.found += error.problems
        return None


def load_toml_files(files: list[tuple[Path | str, str]], directory: str | None) -> Plan:
    """Merge the plan files *files* (path or text, name to show); *directory* names them."""
    parts = Parts()
    shapes = field_shapes(Plan)
    scalar_keys = [name for name, shape in shapes.items() if shape.form != "tables"]
    known_keys = [*shapes, "measurements"]
    scalars: list[tuple[str, dict[str, Any], Problems]] = []
    unreadable = False
    for path, shown in files:
        problems = Problems(shown)
        data = _read(path, shown, problems, alone=len(files) == 1)
        unreadable = unreadable or data is None
        if data is not None:
            for key in data:
                if key not in known_keys:
                    problems.add(f"unknown key {key!r}" + did_you_mean(key, known_keys), key)
            mine = {key: value for key, value in data.items() if key in scalar_keys}
            if mine:
                scalars.append((shown, mine, problems))
            _read_parts(data, shown, problems, parts)
        parts.problems += problems.found
    if len(scalars) > 1:
        first = scalars[0][0]
        for shown, mine, _ in scalars[1:]:
            parts.problems.append(
                Problem(
                    f"plan-level keys ({', '.join(mine)}) are set here and in {first}; "
                    "set them in one file only",
                    shown,
                    next(iter(mine)),
                )
            )
    elif not scalars and not unreadable:  # (an unreadable file may be the one that sets it)
        parts.problems.append(
            Problem(
                "no file sets the plan's id (and other plan-level keys)",
                directory if directory is not None else files[0][1],
            )
        )
    parts.targets_unread = unreadable
    if scalars:
        shown, mine, _ = scalars[0]
        problems = Problems(shown)
        parts.plan = build(Plan, mine, KeyPath(), problems)
        parts.problems += problems.found
    return assemble(parts)


def _read_parts(data: Mapping[str, Any], file: str, problems: Problems, parts: Parts) -> None:
    """Build the arrays of tables of one file into *parts*."""
    root = KeyPath()
    shapes = field_shapes(Plan)
    for name, kind in (("areas", parts.areas), ("funding", parts.funding)):
        if name in data:
            built = build_tables(shapes[name], data[name], root, problems)
            if built is not _MISSING:
                kind += [Located(obj, file, root.item(name, i)) for i, obj in enumerate(built)]
    if "targets" in data:
        _read_targets(data["targets"], root, problems, parts, file, None)
    if "initiatives" in data:
        _read_initiatives(data["initiatives"], root, problems, parts, file)
    if "measurements" in data:
        _read_loose(data["measurements"], root, problems, parts, file)


def _is_tables(value: Any, name: str, where: Where, problems: Problems) -> bool:
    if isinstance(value, list) and all(isinstance(item, Mapping) for item in value):
        return True
    problems.add(f"expected an array of tables ([[{name}]])", where.key(name))
    return False


def _read_targets(
    value: Any,
    where: Where,
    problems: Problems,
    parts: Parts,
    file: str,
    initiative: str | None,
) -> list[Target | None]:
    """Build a ``targets`` array; targets in an initiative learn its id."""
    if not _is_tables(value, "targets", where, problems):
        return [None]
    built: list[Target | None] = []
    for i, data in enumerate(value):
        here = where.item("targets", i)
        if initiative is not None and "initiative" not in data:
            data = {**data, "initiative": initiative}  # validate_plan checks a given one
        target = build(Target, data, here, problems)
        if target is None and isinstance(data.get("id"), str):
            parts.failed_target_ids.add(data["id"])
        if initiative is None and target is not None:
            parts.targets.append(Located(target, file, here))
        built.append(target)
    return built


def _read_initiatives(
    value: Any, where: Where, problems: Problems, parts: Parts, file: str
) -> None:
    if not _is_tables(value, "initiatives", where, problems):
        return
    for i, data in enumerate(value):
        here = where.item("initiatives", i)
        initiative_id = data.get("id")
        targets: list[Target | None] = []

        def nested(
            shape: FieldShape,
            value: Any,
            where: Where,
            problems: Problems,
            *,
            initiative_id: Any = initiative_id,
            targets: list[Target | None] = targets,
        ) -> Any:
            if shape.name != "targets":
                return build_tables(shape, value, where, problems)
            given = initiative_id if isinstance(initiative_id, str) else None
            targets += _read_targets(value, where, problems, parts, file, given)
            return _MISSING if None in targets else tuple(targets)

        initiative = build(Initiative, data, here, problems, nested=nested)
        if initiative is not None:
            wheres = tuple(here.item("targets", j) for j in range(len(initiative.targets)))
            parts.initiatives.append(Located(initiative, file, here, wheres))
        else:  # its targets' own problems are reported; references to them are not unknown
            parts.failed_target_ids.update(t.id for t in targets if t is not None)


def _read_loose(value: Any, where: Where, problems: Problems, parts: Parts, file: str) -> None:
    if not _is_tables(value, "measurements", where, problems):
        return
    for i, data in enumerate(value):
        here = where.item("measurements", i)
        parts.measurements.extend(read_loose(data, here, problems, file))
