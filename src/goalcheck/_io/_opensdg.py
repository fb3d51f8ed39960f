"""Read an Open SDG data repository as sdg-build 2.4 selects its progress data.

A repository has ``data/indicator_<id>.csv`` (Year, disaggregation columns, Value; also
Series, Units, Progress) and indicator configuration in ``indicator-config/<id>.yml`` and/or
``meta/<id>.yml`` / ``meta/<id>.md`` front matter (deep-merged in that order).  Each indicator
with ``auto_progress_calculation: true`` becomes an initiative (its goal the area) with one
target per ``progress_calculation_options`` item, selected and named as sdg-build does (the
rules are in docs/reference/id-mapping.md and docs/how-to/evaluate-open-sdg.md).

A selection that sdg-build would not score (nothing selected, several sub-series left, a
duplicated year, a non-numeric value, no data in or after the base year) gives a target
without data or without a baseline, and an :class:`InputWarning` naming the file; a repository
that cannot be read at all (no data or configuration, bad YAML, a CSV without Year or Value)
raises :class:`~goalcheck.errors.PlanError` with located problems.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from goalcheck._io._read import InputWarning, read_text
from goalcheck.errors import MissingDependencyError, PlanError, Problem
from goalcheck.model import Area, Initiative, Measurement, Plan, Target, mark_checked

__all__ = ["DEFAULT_NON_DISAGGREGATION", "MAX_TAG", "load_opensdg", "series_tag"]

#: Columns that are never disaggregations (sdg-build's defaults with Open SDG's usual extras).
DEFAULT_NON_DISAGGREGATION = (
    "Year",
    "Value",
    "Units",
    "Series",
    "GeoCode",
    "Progress",
    "Observation status",
    "Unit multiplier",
    "Unit measure",
    "COMMENT_OBS",
    "SOURCE_DETAIL",
)
#: sdg-build cuts a series tag longer than this.
MAX_TAG = 122
#: What pandas reads as a missing cell (read_csv's default na_values).
_NA = frozenset(
    (
        "",
        "#N/A",
        "#N/A N/A",
        "#NA",
        "-1.#IND",
        "-1.#QNAN",
        "-NaN",
        "-nan",
        "1.#IND",
        "1.#QNAN",
        "<NA>",
        "N/A",
        "NA",
        "NULL",
        "NaN",
        "None",
        "n/a",
        "nan",
        "null",
    )
)
_THRESHOLDS = {"high": "substantial", "med": "moderate", "low": "limited"}


def _yaml() -> Any:
    import importlib

    try:
        return importlib.import_module("yaml")
    except ImportError:
        raise MissingDependencyError(
            "reading an Open SDG repository needs PyYAML: pip install 'goalcheck[opensdg]'"
        ) from None


# -- files ---------------------------------------------------------------------------------


def _shown(root: Path, shown_root: str, file: Path) -> str:
    return f"{shown_root.rstrip('/')}/{file.relative_to(root).as_posix()}"


def _parse_yaml(text: str, shown: str) -> Any:
    yaml = _yaml()
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else None
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise PlanError(Problem(f"YAML syntax error: {problem}", shown, where)) from None
    except RecursionError:
        raise PlanError(Problem("YAML nested too deeply", shown)) from None


def _front_matter(text: str, shown: str) -> str:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return ""
    for i, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            return "\n".join(lines[1:i])
    raise PlanError(Problem("front matter has no closing '---'", shown, "line 1"))


def _read_meta(file: Path, shown: str) -> dict[str, Any]:
    text = read_text(file, shown)
    if file.suffix == ".md":
        text = _front_matter(text, shown)
    data = _parse_yaml(text, shown)
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        kind = type(data).__name__
        raise PlanError(Problem(f"indicator configuration must be a mapping, not {kind}", shown))
    return {str(k): v for k, v in data.items()}


def _merge(into: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(into.get(key), Mapping):
            into[key] = _merge(dict(into[key]), value)
        else:
            into[key] = value
    return into


def _indicator_id(file: Path) -> str:
    return file.stem.removeprefix("indicator_")


def _meta_files(root: Path) -> list[Path]:
    files: list[Path] = []
    for folder, patterns in (("indicator-config", ("*.yml",)), ("meta", ("*.yml", "*.md"))):
        for pattern in patterns:
            files += sorted((root / folder).glob(pattern))
    return [f for f in files if f.is_file()]


@attrs.define
class _Table:
    """One indicator's CSV: column names and rows of raw cells."""

    shown: str
    columns: list[str]
    rows: list[dict[str, str]]


def _read_table(file: Path, shown: str) -> _Table:
    text = read_text(file, shown)
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    if not header:
        raise PlanError(Problem("empty CSV file: expected a header with Year and Value", shown))
    columns = [c.strip() for c in header]
    missing = [name for name in ("Year", "Value") if name not in columns]
    if missing:
        raise PlanError(
            Problem(f"no {' or '.join(missing)} column (columns: {', '.join(columns)})", shown)
        )
    rows: list[dict[str, str]] = []
    for n, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(columns):
            message = f"{len(cells)} cells but the header has {len(columns)} columns"
            raise PlanError(Problem(message, shown, f"row {n}"))
        row = dict(zip(columns, cells, strict=False))
        row["\0row"] = str(n)
        rows.append(row)
    return _Table(shown, columns, rows)


# -- selection -----------------------------------------------------------------------------


def _na(cell: str | None) -> bool:
    return cell is None or cell in _NA


def _text(value: object) -> str:
    """A configured value as sdg-build prints it in a tag (``None`` for an empty value)."""
    if isinstance(value, float) and value.is_integer():
        return str(value)
    return "None" if value is None else str(value)


@attrs.frozen
class _Option:
    series: object = None
    unit: object = None
    disaggregation: tuple[tuple[str, object], ...] = ()
    has_series: bool = False
    has_unit: bool = False


def _warn(shown: str, where: str | None, message: str) -> None:
    location = f"{shown}:{where}" if where else shown
    warnings.warn(InputWarning(f"{location}: {message}"), stacklevel=3)


def _filter(
    rows: list[dict[str, str]], columns: Sequence[str], field: str, value: object
) -> tuple[list[dict[str, str]], str | None]:
    """Rows whose *field* is *value* (an empty value selects empty cells); or why none."""
    if field not in columns:
        return [], f"column {field!r} is not in the data"
    if value is None:
        return [r for r in rows if _na(r.get(field))], None
    wanted = _text(value)
    kept = [r for r in rows if r.get(field) == wanted]
    if not kept:
        return [], f"{field} {wanted!r} does not occur in the data"
    return kept, None


def _select(
    table: _Table, option: _Option, non_disaggregation: frozenset[str]
) -> tuple[list[dict[str, str]], str | None]:
    """sdg-build's selection: series, unit and disaggregation filters, then the headline rule."""
    rows = table.rows
    filters: list[tuple[str, object]] = []
    if option.has_unit:
        filters.append(("Units", option.unit))
    if option.has_series:
        filters.append(("Series", option.series))
    filters += list(option.disaggregation)
    for field, value in filters:
        rows, why = _filter(rows, table.columns, field, value)
        if why is not None:
            return [], why
    selected = {field for field, _ in option.disaggregation}
    others = [c for c in table.columns if c not in non_disaggregation and c not in selected]
    rows = [r for r in rows if all(_na(r.get(c)) for c in others)]
    for column in ("Series", "Units", *sorted(selected)):
        if column in table.columns:
            values = {r.get(column) for r in rows}
            if len(values) > 1:
                shown = ", ".join(sorted(repr(v) for v in values if v is not None))
                return [], f"several sub-series are left in column {column!r} ({shown})"
    return rows, None


def _years(table: _Table) -> dict[int, int | None]:
    """Each row's year as sdg-build reads it (a Year longer than 4 characters is cut to 4)."""
    cells = {int(r["\0row"]): r.get("Year", "") or "" for r in table.rows}
    cut = any(len(c) > 4 for c in cells.values())
    years: dict[int, int | None] = {}
    for n, cell in cells.items():
        try:
            years[n] = int(cell[:4] if cut else cell)
        except ValueError:
            years[n] = None
    return years


def _values(
    table: _Table, rows: list[dict[str, str]], years: Mapping[int, int | None]
) -> tuple[dict[int, float], str | None]:
    value_column = "Progress" if "Progress" in table.columns else "Value"
    points: dict[int, float] = {}
    for row in rows:
        cell = row.get(value_column)
        if _na(cell):
            continue
        n = int(row["\0row"])
        year = years[n]
        if year is None:
            return {}, f"row {n}: Year {row.get('Year')!r} is not a year"
        try:
            value = float(str(cell))
        except ValueError:
            return {}, f"row {n}: {value_column} {cell!r} is not a number"
        if not math.isfinite(value):
            continue
        if year in points:
            return {}, f"row {n}: a second value for year {year}"
        points[year] = value
    return points, None


# -- options -> targets --------------------------------------------------------------------


def _flatten(items: object, shown: str, where: str) -> list[tuple[str, Mapping[str, Any]]]:
    if not isinstance(items, list) or not items:
        return [(f"{where}[0]", {})]
    out: list[tuple[str, Mapping[str, Any]]] = []
    for i, item in enumerate(items):
        here = f"{where}[{i}]"
        if isinstance(item, Mapping) and "group" in item:
            _warn(shown, here, "a group's series are averaged with the indicator's other series")
            out += _flatten(item["group"], shown, f"{here}.group")
        elif isinstance(item, Mapping):
            out.append((here, item))
        else:
            raise PlanError(Problem(f"an option must be a mapping, not {item!r}", shown, here))
    return out


def _option(config: Mapping[str, Any], shown: str, where: str) -> _Option:
    disaggregation: list[tuple[str, object]] = []
    raw = config.get("disaggregation") or []
    if isinstance(raw, Mapping):
        raw = [raw]
    if not isinstance(raw, list):
        raise PlanError(Problem("disaggregation must be a list", shown, f"{where}.disaggregation"))
    for j, entry in enumerate(raw):
        if not isinstance(entry, Mapping) or "field" not in entry:
            here = f"{where}.disaggregation[{j}]"
            raise PlanError(Problem("a disaggregation needs field and value", shown, here))
        disaggregation.append((str(entry["field"]), entry.get("value")))
    return _Option(
        series=config.get("series"),
        unit=config.get("unit"),
        disaggregation=tuple(disaggregation),
        has_series=config.get("series") is not None,
        has_unit=config.get("unit") is not None,
    )


def series_tag(indicator: str, config: Mapping[str, Any]) -> str:
    """The key sdg-build gives a series in ``indicator_calculation_components.yml``."""
    parts = [indicator]
    for key in ("series", "unit"):
        if config.get(key) is not None:
            parts.append(_text(config[key]))
    raw = config.get("disaggregation") or []
    for entry in [raw] if isinstance(raw, Mapping) else raw:
        if isinstance(entry, Mapping):
            parts.append(_text(entry.get("value")))
    return _truncate(parts)


def _truncate(parts: list[str]) -> str:
    tag = " / ".join(parts)
    if len(tag) <= MAX_TAG:
        return tag
    budget = MAX_TAG - 3 * (len(parts) - 1)
    whole: set[int] = set()
    left = len(parts)
    for i in sorted(range(len(parts)), key=lambda k: (len(parts[k]), k)):
        if len(parts[i]) * left <= budget:
            whole.add(i)
            budget -= len(parts[i])
            left -= 1
        else:
            break
    out: list[str] = []
    for i, part in enumerate(parts):
        if i in whole:
            out.append(part)
            continue
        width = budget // left
        budget -= width
        left -= 1
        out.append(part[: width - 3] + "...")
    return " / ".join(out)


def _number(config: Mapping[str, Any], key: str, shown: str, where: str) -> float | None:
    value = config.get(key)
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if isinstance(value, bool) or not math.isfinite(number):
        message = f"{key} must be a number, not {value!r}"
        raise PlanError(Problem(message, shown, f"{where}.{key}"))
    return number


def _year(config: Mapping[str, Any], key: str, default: int, shown: str, where: str) -> int:
    number = _number(config, key, shown, where)
    if number is None:
        return default
    if not number.is_integer() or not 1000 <= number <= 9999:
        message = f"{key} must be a year, not {config[key]!r}"
        raise PlanError(Problem(message, shown, f"{where}.{key}"))
    return int(number)


def _params(
    config: Mapping[str, Any], with_target: bool, shown: str, where: str
) -> dict[str, Any]:
    raw = config.get("progress_thresholds") or {}
    if not isinstance(raw, Mapping):
        message = "progress_thresholds must be a mapping of high, med, low"
        raise PlanError(Problem(message, shown, f"{where}.progress_thresholds"))
    params: dict[str, Any] = {}
    suffix = "ratio" if with_target else "growth"
    for key in raw:
        if key not in _THRESHOLDS:
            _warn(shown, f"{where}.progress_thresholds.{key}", "not high, med or low: ignored")
            continue
        number = _number(raw, key, shown, f"{where}.progress_thresholds")
        if number is not None:
            params[f"{_THRESHOLDS[key]}_{suffix}"] = number
    return params


def _any(items: list[Any]) -> Any:
    """A list as the tuple a model field holds (typed Any: attrs' tuple converter)."""
    return tuple(items)


def _year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def _base_year(points: Mapping[int, float], configured: int) -> int | None:
    if configured in points:
        return configured
    later = [year for year in points if year > configured]
    return min(later) if later else None


def _series(
    table: _Table | None, option: _Option, non_dis: frozenset[str], tag: str, shown: str
) -> dict[int, float] | None:
    """The year -> value points one option selects, or None (with a warning saying why)."""
    if table is None:
        _warn(shown, None, f"series {tag!r}: the indicator has no data file")
        return None
    rows, why = _select(table, option, non_dis)
    points: dict[int, float] = {}
    if why is None:
        points, why = _values(table, rows, _years(table))
    if why is None and not points:
        why = "no rows with a value are selected"
    if why is not None:
        _warn(table.shown, None, f"series {tag!r}: {why}; not evaluable")
        return None
    return points


def _target(
    indicator: str,
    config: Mapping[str, Any],
    table: _Table | None,
    non_dis: frozenset[str],
    shown: str,
    where: str,
) -> Target:
    tag = series_tag(indicator, config)
    goal = _number(config, "target", shown, where)
    positive = config.get("direction") == "positive"
    if goal is None:
        direction = "increase" if positive else "decrease"
    else:
        direction = "at_least" if positive else "at_most"
    configured = _year(config, "base_year", 2015, shown, where)
    deadline = _year(config, "target_year", 2030, shown, where)
    found = _series(table, _option(config, shown, where), non_dis, tag, shown)
    baseline: float | None = None
    base: int | None = None
    measurements: list[Measurement] = []
    if found is not None:
        base = _base_year(found, configured)
        if base is None:
            data = table.shown if table is not None else shown
            message = f"series {tag!r}: no data in or after the base year {configured}"
            _warn(data, None, message + "; no baseline")
        else:
            baseline = found[base]
        first = base if base is not None else min(found)
        measurements = [
            Measurement(_year_end(y), v, source=f"{indicator}:{y}")
            for y, v in sorted(found.items())
            if y >= first
        ]
    unit = config.get("unit")
    return Target(
        id=tag,
        direction=direction,
        title=tag,
        target=goal,
        unit="" if unit is None else str(unit),
        baseline=baseline,
        baseline_date=_year_end(base) if base is not None else None,
        deadline=_year_end(deadline),
        measurements=measurements,
        limit=_number(config, "limit", shown, where) if goal is None else None,
        params=_params(config, goal is not None, shown, where),
        description=f"{shown}:{where}",
    )


def _unique(targets: Iterable[Target], shown: str) -> list[Target]:
    seen: set[str] = set()
    out: list[Target] = []
    for target in targets:
        if target.id in seen:
            n = 2
            while f"{target.id} ({n})" in seen:
                n += 1
            new = f"{target.id} ({n})"
            _warn(shown, None, f"two series have the tag {target.id!r}: the later is {new!r}")
            target = attrs.evolve(target, id=new)
        seen.add(target.id)
        out.append(target)
    return out


def _auto(meta: Mapping[str, Any]) -> bool:
    flag = meta.get("auto_progress_calculation")
    return flag is True or (isinstance(flag, str) and flag.strip().lower() == "true")


def _initiative(
    indicator: str,
    meta: Mapping[str, Any],
    table: _Table | None,
    non_dis: frozenset[str],
    shown: str,
) -> Initiative:
    options = _flatten(
        meta.get("progress_calculation_options"), shown, "progress_calculation_options"
    )
    targets = [_target(indicator, c, table, non_dis, shown, w) for w, c in options]
    name = meta.get("indicator_name") or meta.get("graph_title") or ""
    return Initiative(
        id=indicator,
        title=str(name),
        area=indicator.split("-")[0],
        targets=_any(_unique(targets, shown)),
    )


def _load_meta(root: Path, shown_root: str) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    metas: dict[str, dict[str, Any]] = {}
    where: dict[str, str] = {}
    problems: list[Problem] = []
    for file in _meta_files(root):
        shown = _shown(root, shown_root, file)
        try:
            data = _read_meta(file, shown)
        except PlanError as error:
            problems += error.problems
            continue
        key = _indicator_id(file)
        metas[key] = _merge(metas.get(key, {}), data)
        if "progress_calculation_options" in data or key not in where:
            where[key] = shown
    if problems:
        raise PlanError(problems)
    return metas, where


def load_opensdg(
    path: str | Path,
    *,
    title: str | None = None,
    non_disaggregation_columns: Sequence[str] = DEFAULT_NON_DISAGGREGATION,
) -> Plan:
    """Read an Open SDG data repository into a plan for the ``open-sdg`` rule set.

    Initiatives are the indicators with ``auto_progress_calculation: true`` (area: the goal),
    targets their configured series, with sdg-build's series tags as ids.  Needs PyYAML
    (``pip install 'goalcheck[opensdg]'``).
    """
    root = Path(path)
    shown_root = str(path)
    if not root.is_dir():
        raise PlanError(
            Problem("not a directory (expected an Open SDG data repository)", shown_root)
        )
    data_files = sorted(f for f in (root / "data").glob("indicator_*.csv") if f.is_file())
    if not data_files and not _meta_files(root):
        message = (
            "not an Open SDG data repository: no data/indicator_*.csv and no "
            "indicator-config/*.yml, meta/*.yml or meta/*.md"
        )
        raise PlanError(Problem(message, shown_root))
    metas, meta_shown = _load_meta(root, shown_root)
    non_dis = frozenset(non_disaggregation_columns)
    tables: dict[str, _Table] = {}
    problems: list[Problem] = []
    for file in data_files:
        try:
            tables[_indicator_id(file)] = _read_table(file, _shown(root, shown_root, file))
        except PlanError as error:
            problems += error.problems
    if problems:
        raise PlanError(problems)
    initiatives = [
        _initiative(key, metas[key], tables.get(key), non_dis, meta_shown[key])
        for key in sorted(metas, key=_sort_key)
        if _auto(metas[key])
    ]
    return _plan(root, title, initiatives)


def _sort_key(indicator: str) -> tuple[tuple[int, str], ...]:
    return tuple((int(p), "") if p.isdigit() else (10**9, p) for p in indicator.split("-"))


def _plan(root: Path, title: str | None, initiatives: list[Initiative]) -> Plan:
    goals = sorted({i.area for i in initiatives if i.area}, key=_sort_key)
    dates = [m.date for i in initiatives for t in i.targets for m in t.measurements]
    plan = Plan(
        id=root.resolve().name or "open-sdg",
        title=title or f"Open SDG data: {root.resolve().name}",
        date=max(dates) if dates else None,
        areas=_any([Area(id=g, title=f"Goal {g}") for g in goals]),
        initiatives=_any(initiatives),
        source=str(root),
    )
    from goalcheck.model import validate_plan

    problems = validate_plan(plan, file=str(root))
    if problems:
        raise PlanError(problems)
    mark_checked(plan)
    return plan
