"""A report arranged for people: rows with labels in one language, grouped by area and initiative.

Every presentation format (table, Markdown, HTML, CSV) reads this one arrangement, so they
agree on order, grouping, labels and wording.  When the plan is at hand, each row also carries
its target (for charts) and every fact of the target at the report's date, not only the facts
the rule set used, so a progress bar can be drawn under any rule set.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from goalcheck._export._labels import label, tone
from goalcheck.model import Plan, Target
from goalcheck.report import Report, Result

__all__ = ["Group", "Row", "View", "build_view"]


@attrs.frozen
class Row:
    """One target's verdict, ready to print."""

    id: str
    title: str
    initiative: str | None
    area: str | None
    status: str
    label: str
    tone: str
    rule: str | None
    explanation: str
    facts: Mapping[str, object] = attrs.field(hash=False)
    target: Target | None = attrs.field(default=None, hash=False)

    def fact(self, name: str) -> object:
        return self.facts.get(name)

    def number(self, name: str) -> float | None:
        value = self.facts.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return float(value)


@attrs.frozen
class Group:
    """An area, an initiative or the plan's own targets, with its rolled-up status."""

    level: str
    id: str | None
    title: str
    status: str | None
    label: str
    tone: str
    rows: tuple[Row, ...] = ()
    children: tuple[Group, ...] = ()

    @property
    def all_rows(self) -> tuple[Row, ...]:
        return self.rows + tuple(row for child in self.children for row in child.all_rows)


@attrs.frozen
class SummaryItem:
    status: str
    label: str
    tone: str
    count: int


@attrs.frozen
class View:
    """The whole report for people: header facts, summary, rows and groups."""

    lang: str
    title: str
    plan_id: str | None
    as_of: dt.date
    rules_name: str
    rules_version: str
    rows: tuple[Row, ...]
    summary: tuple[SummaryItem, ...]
    groups: tuple[Group, ...]

    def meta(self) -> str:
        """``As of 2009-09-30 · rule set default 1.0``, in the view's language."""
        rules = f"{label('rules', self.lang)} {self.rules_name} {self.rules_version}".rstrip()
        return f"{label('as_of', self.lang).capitalize()} {self.as_of.isoformat()} · {rules}"


def _all_facts(target: Target, as_of: dt.date, plan: Plan) -> Mapping[str, object]:
    from goalcheck.facts import compute_facts

    return compute_facts(target, as_of, period=plan.period)


def _status_labels(report: Report, lang: str) -> dict[str, str]:
    return {
        info.id: (info.label_da if lang == "da" else info.label_en)
        for info in report.rules.statuses
    }


def build_view(report: Report, lang: str = "en", plan: Plan | None = None) -> View:
    """Arrange *report* for people in *lang*; *plan* adds targets, titles and all facts."""
    labels = _status_labels(report, lang)
    severities = {info.id: info.severity for info in report.rules.statuses}
    targets: dict[str, Target] = {}
    if plan is not None:
        for target in plan.iter_targets():
            targets.setdefault(target.id, target)

    def row_of(result: Result) -> Row:
        target = targets.get(result.target_id)
        facts: dict[str, object] = {}
        if target is not None and plan is not None:
            facts.update(_all_facts(target, report.as_of, plan))
        facts.update(result.facts)
        return Row(
            id=result.target_id,
            title=result.title,
            initiative=result.initiative,
            area=result.area,
            status=result.status,
            label=labels.get(result.status, result.status),
            tone=tone(result.status, severities),
            rule=result.rule,
            explanation=result.explain(lang),
            facts=facts,
            target=target,
        )

    rows = tuple(row_of(result) for result in report.results)
    summary = tuple(
        SummaryItem(status, labels.get(status, status), tone(status, severities), count)
        for status, count in report.summary().items()
    )
    groups = _group(report, rows, lang, plan, labels, severities)
    title = (plan.title or plan.id) if plan is not None else label("report", lang)
    return View(
        lang=lang,
        title=title,
        plan_id=plan.id if plan is not None else None,
        as_of=report.as_of,
        rules_name=report.rules.name,
        rules_version=str(report.rules.version),
        rows=rows,
        summary=summary,
        groups=groups,
    )


def _group(
    report: Report,
    rows: tuple[Row, ...],
    lang: str,
    plan: Plan | None,
    labels: dict[str, str],
    severities: dict[str, int],
) -> tuple[Group, ...]:
    rollups = {(r.level, r.id): r for r in report.rollups}
    titles: dict[tuple[str, str], str] = {(r.level, r.id): r.title for r in report.rollups}
    area_order: list[str] = []
    initiative_order: list[str] = []
    initiative_area: dict[str, str | None] = {}
    if plan is not None:
        for area in plan.areas:
            titles[("area", area.id)] = area.title or titles.get(("area", area.id), "")
            area_order.append(area.id)
        for initiative in plan.initiatives:
            key = ("initiative", initiative.id)
            titles[key] = initiative.title or titles.get(key, "")
            initiative_order.append(initiative.id)
            initiative_area[initiative.id] = initiative.area
    for row in rows:
        if row.area is not None and row.area not in area_order:
            area_order.append(row.area)
        if row.initiative is not None and row.initiative not in initiative_order:
            initiative_order.append(row.initiative)
        if row.initiative is not None:
            initiative_area.setdefault(row.initiative, row.area)

    def make(level: str, gid: str | None, title: str, **kw: Any) -> Group:
        rollup = rollups.get((level, gid)) if gid is not None else None
        status = rollup.status if rollup is not None else None
        return Group(
            level=level,
            id=gid,
            title=title,
            status=status,
            label=labels.get(status, status) if status is not None else "",
            tone=tone(status, severities),
            **kw,
        )

    def initiative_group(iid: str) -> Group | None:
        members = tuple(r for r in rows if r.initiative == iid)
        if not members:
            return None
        return make("initiative", iid, titles.get(("initiative", iid), "") or iid, rows=members)

    groups: list[Group] = []
    plan_rows = tuple(r for r in rows if r.initiative is None)
    if plan_rows:
        groups.append(make("plan", None, label("plan_targets", lang), rows=plan_rows))
    for area_id in [*area_order, None]:
        children = []
        for iid in initiative_order:
            if initiative_area.get(iid) == area_id:
                child = initiative_group(iid)
                if child is not None:
                    children.append(child)
        if not children:
            continue
        if area_id is None:
            if area_order:
                groups.append(make("area", None, label("no_area", lang), children=tuple(children)))
            else:
                groups.extend(children)
        else:
            title = titles.get(("area", area_id), "") or area_id
            groups.append(make("area", area_id, title, children=tuple(children)))
    return tuple(groups)
