"""Merge the parts of a plan read from its files, and check the whole.

Each loader (TOML files, CSV, workbook sheets) reads its objects into :class:`Parts`, each
:class:`Located` in the file and place it came from; :func:`assemble` merges them (loose
measurements attached to their targets) and runs :func:`goalcheck.model.validate_plan` on
the whole, with locations mapped back to the file and key path (or row) of each object.

Follow-on problems are folded: measurements of targets that failed to load are counted in
one problem per file, not reported one by one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from goalcheck._io._structure import Problems, Where, build
from goalcheck.errors import PlanError, Problem, did_you_mean
from goalcheck.model import Initiative, Measurement, Plan, Target, mark_checked, validate_plan

__all__ = ["TARGET_ID", "Located", "Loose", "Parts", "StrPath", "assemble", "read_loose"]

StrPath = str | os.PathLike[str]

#: The key of a loose measurement (one not nested in its target) that names its target.
TARGET_ID = "target_id"

#: How many unknown target ids get a "did you mean": each costs a pass over every id.
MAX_SUGGESTIONS = 10


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
    #: A targets file (or a required column of it) could not be read, so an id that is not
    #: known may still be one of its targets.
    targets_unread: bool = False
    problems: list[Problem] = attrs.Factory(list)


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


_TOP = re.compile(
    r"((?:areas|initiatives|targets|funding)\[\d+\](?:\.targets\[\d+\])?)(?:\.(.+))?"
)


def _attach_loose(
    parts: Parts, ids: list[str]
) -> tuple[dict[str, list[Measurement]], list[Problem]]:
    """Loose measurements by target id, and the problems of those naming no known target.

    Measurements of a target that failed to load are not problems of their own; when a
    whole targets file (or its header) could not be read, the measurements naming targets
    that are not known are counted in one problem per file instead of one each.
    """
    known = set(ids)
    extra: dict[str, list[Measurement]] = {}
    problems: list[Problem] = []
    orphans: dict[str | None, int] = {}
    hints: dict[str, str] = {}  # difflib is linear in the ids: a bounded number of calls
    for loose in parts.measurements:
        if loose.target_id in known:
            extra.setdefault(loose.target_id, []).append(loose.measurement)
        elif parts.targets_unread:  # its target may be any of those that did not load
            orphans[loose.file] = orphans.get(loose.file, 0) + 1
        elif loose.target_id in parts.failed_target_ids:
            pass  # the target's own problems are reported
        else:
            hint = hints.get(loose.target_id, "")
            if loose.target_id not in hints and len(hints) < MAX_SUGGESTIONS:
                hint = hints[loose.target_id] = did_you_mean(loose.target_id, ids)
            problems.append(
                Problem(
                    f"measurement for unknown target {loose.target_id!r}{hint}",
                    loose.file,
                    loose.where.key(TARGET_ID),
                )
            )
    for file, count in orphans.items():
        noun = "measurement names a target" if count == 1 else "measurements name targets"
        problems.append(Problem(f"{count} {noun} that did not load", file))
    return extra, problems


def _locator(parts: Parts) -> Callable[[str], tuple[str | None, str | None]]:
    """Map a key path in the merged plan back to the file and place its object came from."""
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

    return locate


def assemble(parts: Parts) -> Plan:
    """The merged plan, or :class:`PlanError` with every problem found on the way."""
    initiatives = [located.obj for located in parts.initiatives]
    own = [located.obj for located in parts.targets]
    ids = [t.id for t in own] + [t.id for ini in initiatives for t in ini.targets]
    extra, orphans = _attach_loose(parts, ids)

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
    problems = [*parts.problems, *orphans]
    problems += validate_plan(plan, locate=_locator(parts), also_known=parts.failed_target_ids)
    if problems:
        raise PlanError(problems)
    mark_checked(plan)
    return plan
