"""Read IATI activity files (versions 2.01-2.03): results as targets, budgets as funding.

The file is streamed with the standard library's expat parser, one ``iati-activity`` at a
time (each is built as a small tree, read, and dropped), so a file of any size is read in
the memory of its largest activity.  A DOCTYPE, an entity declaration or an external entity
is refused before anything is expanded ("billion laughs", external files), and so is
nesting deeper than :data:`MAX_DEPTH`: each ends in one :class:`~goalcheck.errors.LimitError`
or :class:`~goalcheck.errors.PlanError` naming the file, line and column.

Mapping (docs/reference/id-mapping.md): an activity is an initiative; each indicator period
a target ``<activity>/r<i>/i<j>/p<k>`` (1-based), titled by result and indicator, tagged
``result:<i>``; ``@ascending`` (default 1) gives at_least / at_most; ``@measure`` 1 unit,
2 percentage; 3-5 (nominal, ordinal, qualitative) are skipped with a warning; the baseline
(``@iso-date`` or ``@year``, ``@value``); the period's target value, its start and its end
(the deadline); each actual a measurement at the period end.  IATI reports each period's
values for that period, so every period is its own target.  Budgets are budget funding lines
by the year of their period start; disbursements (3) and expenditure (4) spent lines.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

import attrs

from goalcheck._io._read import InputWarning
from goalcheck.errors import LimitError, PlanError, Problem
from goalcheck.model import Funding, Initiative, Measurement, Plan, Target, mark_checked

__all__ = ["MAX_DEPTH", "load_iati"]

#: The deepest element nesting accepted (an activity file needs about 8).
MAX_DEPTH = 64
_CHUNK = 1 << 20
_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_SPENT = {"3", "4"}


class _Refused(Exception):
    def __init__(self, error: Exception) -> None:
        self.error = error


@attrs.define
class _Reader:
    """Expat callbacks that build one activity at a time."""

    shown: str
    parser: Any
    activities: list[Initiative] = attrs.Factory(list)
    depth: int = 0
    builder: ET.TreeBuilder | None = None
    default_lang: str = "en"
    version: str | None = None
    count: int = 0

    def _where(self) -> str:
        return (
            f"line {self.parser.CurrentLineNumber}, column {self.parser.CurrentColumnNumber + 1}"
        )

    def refuse(self, what: str) -> None:
        message = f"{what} refused (entities could expand without bound or read other files)"
        raise _Refused(PlanError(Problem(message, self.shown, self._where())))

    def refuse_external(self, *_: object) -> int:
        self.refuse("an external entity is")
        return 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            message = f"elements nested deeper than {MAX_DEPTH} levels"
            raise _Refused(LimitError(Problem(message, self.shown, self._where())))
        if name == "iati-activities" and self.depth == 1:
            self.version = attributes.get("version")
        if name == "iati-activity" and self.builder is None:
            self.builder = ET.TreeBuilder()
            self.count += 1
        if self.builder is not None:
            attrs_ = {(_LANG if k == "xml:lang" else k): v for k, v in attributes.items()}
            self.builder.start(name, attrs_)

    def end(self, name: str) -> None:
        self.depth -= 1
        if self.builder is None:
            return
        self.builder.end(name)
        if name == "iati-activity" and self.depth <= 1:
            element = self.builder.close()
            self.builder = None
            self.activities.append(_activity(element, self.shown, self.count))

    def data(self, text: str) -> None:
        if self.builder is not None:
            self.builder.data(text)


def _parser(reader_shown: str) -> tuple[Any, _Reader]:
    parser = expat.ParserCreate()
    reader = _Reader(reader_shown, parser)
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.data
    parser.StartDoctypeDeclHandler = lambda *_: reader.refuse("a DOCTYPE declaration is")
    parser.EntityDeclHandler = lambda *_: reader.refuse("an entity declaration is")
    parser.ExternalEntityRefHandler = reader.refuse_external
    parser.buffer_text = True
    return parser, reader


def _feed(stream: IO[bytes], parser: Any, reader: _Reader) -> None:
    try:
        while chunk := stream.read(_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Refused as refused:
        raise refused.error from None
    except expat.ExpatError as error:
        where = f"line {error.lineno}, column {error.offset + 1}"
        message = f"XML syntax error: {expat.ErrorString(error.code)}"
        raise PlanError(Problem(message, reader.shown, where)) from None
    except RecursionError:
        message = "XML nested too deeply"
        raise LimitError(Problem(message, reader.shown, reader._where())) from None


# -- reading one activity ------------------------------------------------------------------


def _narrative(element: ET.Element | None, lang: str) -> str:
    if element is None:
        return ""
    texts = [(n.get(_LANG), (n.text or "").strip()) for n in element.iter("narrative")]
    if not texts:
        return (element.text or "").strip()  # 1.x style: text in the element itself
    for code, text in texts:
        if (code or lang) == lang and text:
            return text
    return next((text for _, text in texts if text), "")


def _number(text: str | None) -> float | None:
    if text is None or not text.strip():
        return None
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _date(element: ET.Element | None) -> dt.date | None:
    if element is None:
        return None
    text = (element.get("iso-date") or "").strip()[:10]
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _any(items: list[Any]) -> Any:
    """A list as the tuple a model field holds (typed Any: attrs' tuple converter)."""
    return tuple(items)


def _warn(shown: str, where: str, message: str) -> None:
    warnings.warn(InputWarning(f"{shown}:{where}: {message}"), stacklevel=4)


@attrs.frozen
class _Context:
    shown: str
    activity: str
    lang: str
    where: str


def _baseline(indicator: ET.Element) -> tuple[float | None, dt.date | None]:
    baseline = indicator.find("baseline")
    if baseline is None:
        return None, None
    date = _date(baseline)
    year = (baseline.get("year") or "").strip()
    if date is None and year.isdigit() and len(year) == 4:
        date = dt.date(int(year), 12, 31)
    return _number(baseline.get("value")), date


def _tags(indicator: ET.Element, i: int) -> list[str]:
    """``result:<i>``, and the indicator's ``aggregation-status`` (across activities) if given."""
    tags = [f"result:{i + 1}"]
    status = (indicator.get("aggregation-status") or "").strip()
    if status:
        tags.append(f"aggregation-status:{status}")
    return tags


def _first_value(period: ET.Element, tag: str) -> float | None:
    for element in period.findall(tag):
        value = _number(element.get("value"))
        if value is not None:
            return value
    return None


def _period_target(
    ctx: _Context,
    indicator: ET.Element,
    period: ET.Element,
    ids: tuple[int, int, int],
    result_title: str,
) -> Target | None:
    i, j, k = ids
    where = f"{ctx.where}.result[{i}].indicator[{j}].period[{k}]"
    start, end = _date(period.find("period-start")), _date(period.find("period-end"))
    if end is None:
        _warn(ctx.shown, where, "a period without period-end/@iso-date is skipped")
        return None
    ascending = (indicator.get("ascending") or "1").strip().lower() not in ("0", "false")
    baseline, baseline_date = _baseline(indicator)
    actuals = [_number(a.get("value")) for a in period.findall("actual")]
    measurements = [
        Measurement(end, v, source=f"{ctx.activity}") for v in actuals if v is not None
    ]
    title = _narrative(indicator.find("title"), ctx.lang)
    return Target(
        id=f"{ctx.activity}/r{i + 1}/i{j + 1}/p{k + 1}",
        direction="at_least" if ascending else "at_most",
        title=f"{title} ({start or ''}–{end})" if title else f"indicator {j + 1} ({end})",
        target=_first_value(period, "target"),
        unit="%" if (indicator.get("measure") or "1").strip() == "2" else "",
        baseline=baseline,
        baseline_date=baseline_date if baseline is not None else None,
        start=start,
        deadline=end,
        measurements=measurements[:1],
        tags=_any(_tags(indicator, i)),
        description=result_title,
    )


def _indicator_targets(
    ctx: _Context, indicator: ET.Element, ij: tuple[int, int], result_title: str
) -> Iterator[Target]:
    i, j = ij
    measure = (indicator.get("measure") or "1").strip()
    where = f"{ctx.where}.result[{i}].indicator[{j}]"
    if measure not in ("1", "2"):
        kind = {"3": "nominal", "4": "ordinal", "5": "qualitative"}.get(measure, measure)
        _warn(ctx.shown, where, f"a {kind} indicator (measure {measure}) is skipped")
        return
    for k, period in enumerate(indicator.findall("period")):
        target = _period_target(ctx, indicator, period, (i, j, k), result_title)
        if target is not None:
            if len(period.findall("actual")) > 1:
                _warn(ctx.shown, f"{where}.period[{k}]", "several actuals: the first is used")
            yield target


def _currency(value: ET.Element | None, default: str | None) -> str:
    code = (value.get("currency") if value is not None else None) or default
    return f", {code}" if code else ""


def _funding(activity: ET.Element) -> list[Funding]:
    """Budgets as budget lines by the year of their start; disbursements and expenditure spent."""
    currency = activity.get("default-currency")
    lines: list[Funding] = []
    for budget in activity.findall("budget"):
        value = budget.find("value")
        amount = _number(value.text if value is not None else None)
        start = _date(budget.find("period-start"))
        if amount is not None:
            kind = "original" if budget.get("type", "1") == "1" else "revised"
            note = f"budget ({kind}){_currency(value, currency)}"
            lines.append(Funding(amount, start.year if start else None, note=note))
    for transaction in activity.findall("transaction"):
        type_ = transaction.find("transaction-type")
        code = (type_.get("code") or "").strip() if type_ is not None else ""
        if code not in _SPENT:
            continue
        value = transaction.find("value")
        amount = _number(value.text if value is not None else None)
        date = _date(transaction.find("transaction-date"))
        if amount is not None:
            note = ("disbursement" if code == "3" else "expenditure") + _currency(value, currency)
            year = date.year if date else None
            lines.append(Funding(amount, year, kind="spent", note=note, date=date))
    return lines


def _activity(element: ET.Element, shown: str, n: int) -> Initiative:
    identifier = (element.findtext("iati-identifier") or "").strip() or f"activity-{n}"
    lang = element.get(_LANG) or element.get("default-language") or "en"
    ctx = _Context(shown, identifier, lang, f"iati-activity[{n - 1}]")
    targets: list[Target] = []
    for i, result in enumerate(element.findall("result")):
        for j, indicator in enumerate(result.findall("indicator")):
            result_title = _narrative(result.find("title"), lang)
            targets += _indicator_targets(ctx, indicator, (i, j), result_title)
    return Initiative(
        id=identifier,
        title=_narrative(element.find("title"), lang),
        description=_narrative(element.find("description"), lang),
        funding=_any(_funding(element)),
        targets=_any(targets),
    )


def load_iati(path: str | Path, *, title: str | None = None) -> Plan:
    """Read an IATI activity file (2.01-2.03) into a plan: activities are initiatives."""
    file = Path(path)
    shown = str(path)
    if not file.is_file():
        raise PlanError(Problem("not a file (expected an IATI activity XML file)", shown))
    parser, reader = _parser(shown)
    with file.open("rb") as stream:
        _feed(stream, parser, reader)
    if reader.version is not None and not reader.version.startswith("2.0"):
        _warn(shown, "iati-activities", f"version {reader.version}: read as 2.03")
    if reader.count == 0:
        raise PlanError(Problem("no iati-activity element: not an IATI activity file", shown))
    plan = Plan(
        id=file.stem,
        title=title or f"IATI activities: {file.name}",
        initiatives=_any(reader.activities),
        source=shown,
    )
    from goalcheck.model import validate_plan

    problems = validate_plan(plan, file=shown)
    if problems:
        raise PlanError(problems)
    mark_checked(plan)
    return plan
