"""Load plans: a TOML file, a directory of TOML files, or CSV (via :mod:`._csv`).

Each file is read into model objects on its own, with problems located in that file; the
parts are then merged (arrays concatenate, exactly one file sets the plan-level keys),
measurements given apart from their target (a status update in its own file, or
measurements.csv) are attached to it, and the cross-object checks of
:func:`goalcheck.model.validate_plan` run on the whole, with their locations mapped back to
the file and key path (or CSV row) each object came from.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from goalcheck._io._structure import (
    _MISSING,
    FieldShape,
    KeyPath,
    Problems,
    Where,
    build,
    build_tables,
    field_shapes,
    read_text,
)
from goalcheck.errors import PlanError, Problem, did_you_mean
from goalcheck.model import Initiative, Measurement, Plan, Target, validate_plan

__all__ = [
    "Located",
    "Loose",
    "Parts",
    "assemble",
    "load_plan",
    "load_toml_files",
    "loads_plan",
]

StrPath = str | os.PathLike[str]

#: The key of a loose measurement (one not nested in its target) that names its target.
TARGET_ID = "target_id"


@attrs.frozen
class Located:
    """A top-level object, the file it came from, where in it, and where its targets are."""

    obj: Any
    file: str | None
    where: Where
    targets: tuple[Where, ...] = ()


@attrs.frozen
class Loose:
    """A measurement given apart from its target."""

    target_id: str
    measurement: Measurement
    file: str | None
    where: Where


@attrs.define
class Parts:
    """What the files of one plan hold, before merging."""

    plan: Plan | None = None
    areas: list[Located] = attrs.Factory(list)
    initiatives: list[Located] = attrs.Factory(list)
    targets: list[Located] = attrs.Factory(list)
    funding: list[Located] = attrs.Factory(list)
    measurements: list[Loose] = attrs.Factory(list)
    failed_target_ids: set[str] = attrs.Factory(set)
    problems: list[Problem] = attrs.Factory(list)


# --------------------------------------------------------------------------- entry point


def load_plan(path: StrPath) -> Plan:
    """Load a plan from a TOML file, a directory of TOML files, or CSV.

    *path* may be a ``.toml`` file; a directory, whose ``*.toml`` files are merged (in name
    order); a directory holding ``targets.csv`` (and optionally ``measurements.csv``); or a
    ``targets.csv`` file itself.  Raises :class:`~goalcheck.errors.PlanError` listing every
    problem found, each with its file and location.
    """
    from goalcheck._io._csv import load_csv

    shown = os.fspath(path)
    p = Path(path)
    if p.is_dir():
        tomls = sorted(child for child in p.iterdir() if child.suffix == ".toml")
        csv_targets = p / "targets.csv"
        if csv_targets.is_file():
            if tomls:
                raise PlanError(
                    Problem(
                        "holds both targets.csv and .toml files; keep one kind of plan "
                        "in a directory",
                        shown,
                    )
                )
            measurements = p / "measurements.csv"
            return load_csv(csv_targets, measurements if measurements.is_file() else None)
        if not tomls:
            raise PlanError(Problem("no .toml files (nor targets.csv) in this directory", shown))
        return load_toml_files([(f, os.path.join(shown, f.name)) for f in tomls], shown)
    if p.suffix.lower() == ".csv" and p.is_file():
        sibling = p.with_name("measurements.csv")
        return load_csv(p, sibling if sibling.is_file() and sibling != p else None)
    if not p.exists():
        raise PlanError(Problem("no such file or directory", shown))
    return load_toml_files([(p, shown)], None)


# --------------------------------------------------------------------------- TOML

_AT = re.compile(r" \(at (line \d+, column \d+|end of document)\)$")


def read_toml(path: Path | str, problems: Problems) -> dict[str, Any] | None:
    """A TOML document (from a file, or given as text), or ``None`` after recording why not."""
    text = path if isinstance(path, str) else read_text(path, problems)
    if text is None:
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        match = _AT.search(message)
        location = match.group(1) if match else None
        message = message[: match.start()] if match else message
        problems.add(f"TOML syntax error: {message}", location)
        return None


def loads_plan(text: str, file: str | None = None) -> Plan:
    """A plan from the text of one TOML document; *file* names it in problems."""
    return load_toml_files([(text, file or "<string>")], None)


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
        data = read_toml(path, problems)
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


def read_loose(
    data: Mapping[str, Any], where: Where, problems: Problems, file: str | None
) -> list[Loose]:
    """A measurement that names its target with ``target_id`` (none if it has problems)."""
    target_id = data.get(TARGET_ID)
    if target_id is None:
        problems.add(where.missing(TARGET_ID), where.key(TARGET_ID))
    elif not isinstance(target_id, str):
        problems.add(f"expected a string, not {target_id!r}", where.key(TARGET_ID))
        target_id = None
    measurement = build(Measurement, data, where, problems, extra_keys=frozenset({TARGET_ID}))
    if measurement is None or target_id is None:
        return []
    return [Loose(target_id, measurement, file, where)]


# --------------------------------------------------------------------------- merging

_TOP = re.compile(
    r"((?:areas|initiatives|targets|funding)\[\d+\](?:\.targets\[\d+\])?)(?:\.(.+))?"
)


def assemble(parts: Parts) -> Plan:
    """The merged plan, or :class:`PlanError` with every problem found on the way."""
    problems = list(parts.problems)
    initiatives = [located.obj for located in parts.initiatives]
    own = [located.obj for located in parts.targets]
    ids = [t.id for t in own] + [t.id for ini in initiatives for t in ini.targets]
    known = set(ids) | parts.failed_target_ids
    extra: dict[str, list[Measurement]] = {}
    for loose in parts.measurements:
        if loose.target_id in known:
            extra.setdefault(loose.target_id, []).append(loose.measurement)
        else:
            problems.append(
                Problem(
                    f"measurement for unknown target {loose.target_id!r}"
                    + did_you_mean(loose.target_id, ids),
                    loose.file,
                    loose.where.key(TARGET_ID),
                )
            )

    def attach(target: Target) -> Target:
        more = extra.get(target.id)
        if not more:
            return target
        return attrs.evolve(target, measurements=(*target.measurements, *more))

    def attach_all(initiative: Initiative) -> Initiative:
        targets: Any = tuple(map(attach, initiative.targets))
        return attrs.evolve(initiative, targets=targets)

    merged: dict[str, Any] = {
        "areas": tuple(located.obj for located in parts.areas),
        "initiatives": tuple(map(attach_all, initiatives)),
        "targets": tuple(map(attach, own)),
        "funding": tuple(located.obj for located in parts.funding),
    }
    plan = attrs.evolve(parts.plan if parts.plan is not None else Plan(id=""), **merged)
    origins: dict[str, tuple[str | None, Where]] = {}
    for name in ("areas", "targets", "funding", "initiatives"):
        for k, located in enumerate(getattr(parts, name)):
            origins[f"{name}[{k}]"] = (located.file, located.where)
            for j, where in enumerate(located.targets):
                origins[f"{name}[{k}].targets[{j}]"] = (located.file, where)

    def locate(location: str) -> tuple[str | None, str | None]:
        match = _TOP.fullmatch(location)
        if match is None or match.group(1) not in origins:
            return None, location
        file, where = origins[match.group(1)]
        rest = match.group(2)
        return file, where.key(rest) if rest else where.whole

    problems += validate_plan(plan, locate=locate, also_known=parts.failed_target_ids)
    if problems:
        raise PlanError(problems)
    return plan
