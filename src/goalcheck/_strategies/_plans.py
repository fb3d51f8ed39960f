"""Initiatives and plans: unique ids, resolving references, valid by ``validate_plan``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from goalcheck._strategies import _args as a
from goalcheck._strategies._basic import (
    dates,
    dedupe_ids,
    ids,
    numbers,
    optional_texts,
    seq,
    texts,
    unique_ids,
)
from goalcheck._strategies._define import Args, Definition
from goalcheck._strategies._measures import FUNDINGS
from goalcheck._strategies._targets import default_targets
from goalcheck.model import Area, Initiative, Plan, Target, TargetGroup, TargetKind
from goalcheck.periods import Period

_ANY_DAY = (a.DEFAULT_MIN_DATE, a.DEFAULT_MAX_DATE)


@attrs.frozen
class CollectionSpec:
    targets: SearchStrategy[Target]
    sizes: tuple[int, int]
    max_initiatives: int


def _collection_spec(args: Args) -> CollectionSpec:
    strategy = a.strategy("targets", args["targets"])
    most = args.get("max_initiatives")
    return CollectionSpec(
        strategy if strategy is not None else default_targets(),
        a.sizes(args["min_size"], args["max_size"], 4),
        3 if most is None else a.size("max_initiatives", most),
    )


def _fundings(draw: st.DrawFn) -> Any:
    return seq(draw(st.lists(FUNDINGS.strategy({}), max_size=2)))


def _group(draw: st.DrawFn) -> TargetGroup | None:
    size = draw(st.none() | numbers(0, 1_000_000))
    groups = st.builds(
        TargetGroup,
        description=texts(),
        size=st.just(size),
        size_date=st.none() | dates(*_ANY_DAY),
    )
    return draw(st.none() | groups)


def _draw_initiative(
    draw: st.DrawFn, spec: CollectionSpec, taken: set[str], areas: list[str]
) -> Initiative:
    initiative_id = draw(ids())
    items = draw(st.lists(spec.targets, min_size=spec.sizes[0], max_size=spec.sizes[1]))
    items = [attrs.evolve(t, initiative=initiative_id) for t in dedupe_ids(items, taken)]
    return Initiative(
        id=initiative_id,
        title=draw(texts()),
        area=draw(st.none() | st.sampled_from(areas)) if areas else None,
        basis=draw(optional_texts()),
        target_group=_group(draw),
        owner=draw(optional_texts()),
        description=draw(texts()),
        funding=_fundings(draw),
        targets=seq(items),
        tags=seq(draw(st.lists(ids(), max_size=2, unique=True))),
    )


def _initiative(draw: st.DrawFn, spec: CollectionSpec) -> Initiative:
    return _draw_initiative(draw, spec, set(), [])


INITIATIVES = Definition("initiatives", _collection_spec, _initiative)


def _link(draw: st.DrawFn, items: list[Target], taken: set[str]) -> tuple[list[Target], list[str]]:
    """Effort targets sometimes contribute to an earlier result target."""
    result_ids: list[str] = []
    linked: list[Target] = []
    for item in items:
        if item.kind is TargetKind.EFFORT and result_ids and draw(st.booleans()):
            item = attrs.evolve(item, contributes_to=draw(st.sampled_from(result_ids)))
        elif item.contributes_to is not None and item.contributes_to not in taken:
            item = attrs.evolve(item, contributes_to=None)
        if item.kind is TargetKind.RESULT:
            result_ids.append(item.id)
        linked.append(item)
    return linked, result_ids


def _areas(draw: st.DrawFn) -> list[Area]:
    return [
        Area(
            id=area_id,
            title=draw(texts()),
            budget=draw(st.none() | numbers(0, 1e9)),
            description=draw(texts()),
        )
        for area_id in draw(st.lists(ids(), max_size=3, unique=True))
    ]


def _one_of(values: list[str]) -> SearchStrategy[str | None]:
    return st.none() | st.sampled_from(values) if values else st.none()


def _period(drawn: list[dt.date], items: list[Target]) -> tuple[dt.date, dt.date]:
    """A plan period every target can be judged in: a target without a start starts with
    the period, one without a deadline ends with it, and its start must not pass its end."""
    start, end = drawn
    for t in items:
        if t.start is None and t.deadline is not None:
            start = min(start, t.deadline)
        if t.deadline is None and t.start is not None:
            end = max(end, t.start)
    return start, end


def _draw_plan(draw: st.DrawFn, spec: CollectionSpec) -> Plan:
    areas = _areas(draw)
    area_ids = [area.id for area in areas]
    total = draw(st.integers(*spec.sizes))
    n_initiatives = draw(st.integers(0, spec.max_initiatives))
    # each target goes to the plan itself (slot 0) or to one of the initiatives
    slots = draw(st.lists(st.integers(0, n_initiatives), min_size=total, max_size=total))
    taken: set[str] = set()
    items = dedupe_ids([draw(spec.targets) for _ in range(total)], taken)
    linked, result_ids = _link(draw, items, taken)
    initiative_ids = unique_ids(
        draw(st.lists(ids(), min_size=n_initiatives, max_size=n_initiatives))
    )
    in_area = _one_of(area_ids)
    empty = attrs.evolve(spec, targets=st.nothing(), sizes=(0, 0))
    initiatives = [
        attrs.evolve(
            _draw_initiative(draw, empty, set(), area_ids),
            id=initiative_id,
            targets=seq(
                attrs.evolve(t, initiative=initiative_id, area=draw(in_area))
                for t, slot in zip(linked, slots, strict=True)
                if slot == number
            ),
            contributes_to=draw(_one_of(result_ids)),
        )
        for number, initiative_id in enumerate(initiative_ids, start=1)
    ]
    # plan-level targets may name an initiative (and an area) they belong to
    owners = _one_of(initiative_ids)
    own = [
        attrs.evolve(t, initiative=draw(owners), area=draw(in_area))
        for t, slot in zip(linked, slots, strict=True)
        if slot == 0
    ]
    start, end = _period(sorted(draw(st.lists(dates(*_ANY_DAY), min_size=2, max_size=2))), linked)
    return Plan(
        id=draw(ids()),
        title=draw(texts()),
        owner=draw(optional_texts()),
        period=Period(start=start, end=end) if draw(st.booleans()) else None,
        date=draw(st.none() | dates(*_ANY_DAY)),
        source=draw(optional_texts()),
        description=draw(texts()),
        areas=seq(areas),
        initiatives=seq(initiatives),
        targets=seq(own),
        funding=_fundings(draw),
    )


PLANS = Definition("plans", _collection_spec, _draw_plan)
