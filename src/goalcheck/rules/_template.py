"""Reason templates: ``"Pace {pace:.2f} is below {pace_tolerance}"``, checked and rendered.

Only ``{name}`` and ``{name:spec}`` are allowed, where *name* is a fact or parameter and
*spec* a bounded standard format spec (strftime codes for dates), plus conditional wording:
``{if COND}text{elif COND}text{else}text{end}``, where each COND is a condition of the rule
language (same checker, same names, same Kleene semantics: the first arm whose condition is
*true* is rendered).  A template is parsed once when the rule set loads, so rendering is a
loop and a bad template is a located load problem, never a run-time error.

Numbers without a spec are written as the report tables write them
(:func:`goalcheck._text.fmt_number`: ``1,750`` / ``1.750``, at most two decimals).
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Mapping

import attrs

from goalcheck._lang.check import check
from goalcheck._lang.evaluate import evaluate
from goalcheck._lang.nodes import Name, Node, walk
from goalcheck._lang.types import Kind
from goalcheck._text import fmt_number
from goalcheck.errors import RuleError, did_you_mean

__all__ = [
    "MISSING",
    "NO_MATCH",
    "Branch",
    "Piece",
    "Template",
    "TemplateError",
    "parse_template",
    "render",
    "render_template",
    "template_names",
]

#: One reason template piece: (literal text, field name or None, format spec).
Piece = tuple[str, str | None, str]


@attrs.frozen
class Branch:
    """``{if}...{elif}...{else}...{end}``: each arm's condition (``None`` for else) and pieces."""

    arms: tuple[tuple[Node | None, tuple[Piece, ...]], ...]
    names: frozenset[str]


#: A parsed template: pieces and branches in order.
Template = tuple[Piece | Branch, ...]

#: How a ``None`` value renders, and the reason when no rule matched, by language.
MISSING = {"en": "n/a", "da": "ukendt"}
NO_MATCH = {"en": "no rule matched", "da": "ingen regel passede"}

_FORMAT_SPEC = re.compile(
    r"(?:(?P<fill>.)?[<>=^])?[-+ ]?z?#?0?(?P<width>\d+)?[_,]?(?:\.(?P<precision>\d+))?"
    r"[bcdeEfFgGnosxX%]?\Z",
    re.DOTALL,
)
_DATE_SPEC = re.compile(r"(?:%[dmyYbBaAjeV]|[ .,/:\-])*\Z")
_FIELD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_MAX_WIDTH = 40
_MAX_PRECISION = 15
_SAMPLES: dict[Kind, object] = {
    Kind.NUMBER: 1.5,
    Kind.BOOL: True,
    Kind.DATE: dt.date(2000, 1, 1),
}
_DANISH_MARKS = str.maketrans({",": ".", ".": ","})


class TemplateError(ValueError):
    """A reason template is malformed; the message says how (the caller locates it)."""


_TAG = re.compile(r"\s*(?:(if|elif)\s+(\S.*?)|(else|end))\s*\Z", re.DOTALL)


def _segments(text: str) -> list[tuple[str, re.Match[str] | None]]:
    """*text* cut at its ``{if ..}``, ``{elif ..}``, ``{else}`` and ``{end}`` tags."""
    parts: list[tuple[str, re.Match[str] | None]] = []
    start = index = 0
    while index < len(text):
        if text.startswith("{{", index):
            index += 2
            continue
        if text[index] == "{":
            close = text.find("}", index)
            match = _TAG.match(text, index + 1, close) if close > 0 else None
            if match is not None:
                parts.append((text[start:index], match))
                start = index = close + 1
                continue
        index += 1
    parts.append((text[start:], None))
    return parts


def _condition(
    word: str, source: str, facts: Mapping[str, Kind], parameters: Mapping[str, Kind]
) -> Node:
    try:
        return check(source, facts, parameters).tree
    except RuleError as error:
        problem = error.problems[0]
        where = f" ({problem.location})" if problem.location else ""
        raise TemplateError(f"in {{{word} {source}}}: {problem.message}{where}") from None


def parse_template(
    text: object, facts: Mapping[str, Kind], parameters: Mapping[str, Kind]
) -> Template:
    """Parse a reason template; *facts* and *parameters* give the names it may use."""
    if not isinstance(text, str):
        raise TemplateError("a reason must be a string")
    kinds = {**facts, **parameters}
    items: list[Piece | Branch] = []
    arms: list[tuple[Node | None, list[Piece]]] | None = None
    for literal, tag in _segments(text):
        pieces = _parse_plain(literal, kinds)
        (items if arms is None else arms[-1][1]).extend(pieces)
        if tag is None:
            continue
        word = tag.group(1) or tag.group(3)
        if word in ("if", "elif", "else") and (word == "if") != (arms is None):
            raise TemplateError(
                "{if} cannot be nested: close the first one with {end}"
                if word == "if"
                else f"{{{word}}} without {{if}}"
            )
        if arms is not None and arms[-1][0] is None and word in ("elif", "else"):
            raise TemplateError(f"{{{word}}} after {{else}}")
        if word == "end":
            if arms is None:
                raise TemplateError("{end} without {if}")
            items.append(_branch(arms))
            arms = None
        elif word == "else":
            assert arms is not None
            arms.append((None, []))
        else:
            node = _condition(word, tag.group(2), facts, parameters)
            arms = [] if arms is None else arms
            arms.append((node, []))
    if arms is not None:
        raise TemplateError("{if} without {end}")
    return tuple(items)


def _branch(arms: list[tuple[Node | None, list[Piece]]]) -> Branch:
    names: set[str] = set()
    for node, pieces in arms:
        if node is not None:
            names |= {item.id for item in walk(node) if isinstance(item, Name)}
        names.update(name for _, name, _ in pieces if name)
    return Branch(tuple((node, tuple(pieces)) for node, pieces in arms), frozenset(names))


def template_names(template: Template) -> set[str]:
    """Every fact and parameter *template* reads, in placeholders and conditions."""
    names: set[str] = set()
    for item in template:
        if isinstance(item, Branch):
            names |= item.names
        elif item[1]:
            names.add(item[1])
    return names


def render_template(template: Template, values: Mapping[str, object], lang: str) -> str:
    """*template* rendered with *values* (facts and parameters; missing ones are ``None``)."""
    parts: list[str] = []
    for item in template:
        pieces: tuple[Piece, ...] = ()
        if isinstance(item, Branch):
            for node, arm in item.arms:
                if node is None or evaluate(node, values) is True:
                    pieces = arm
                    break
        else:
            pieces = (item,)
        for literal, name, spec in pieces:
            parts.append(literal)
            if name is not None:
                parts.append(render(values.get(name), spec, lang))
    return "".join(parts)


def _parse_plain(text: str, kinds: Mapping[str, Kind]) -> list[Piece]:
    """Split plain template text (no tags) into pieces."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as error:
        raise TemplateError(
            f"bad reason template: {error} (write '{{{{' for a literal brace)"
        ) from None
    pieces: list[Piece] = []
    for literal, name, spec, conversion in parsed:
        if name is None:
            if literal:
                pieces.append((literal, None, ""))
            continue
        if conversion is not None:
            raise TemplateError(f"'!{conversion}' is not allowed in {{{name}!{conversion}}}")
        if not _FIELD.fullmatch(name):
            raise TemplateError(
                f"placeholder {{{name}}} must be a plain fact or parameter name "
                "(no '.', '[', '_' prefixes or positions)"
            )
        if name not in kinds:
            raise TemplateError(
                f"unknown name {{{name}}} in the reason{did_you_mean(name, kinds)}"
            )
        pieces.append((literal, name, _check_spec(name, spec or "", kinds[name])))
    return pieces


def _check_spec(name: str, spec: str, kind: Kind) -> str:
    if kind is Kind.DATE:
        if not _DATE_SPEC.match(spec):
            raise TemplateError(
                f"bad format {spec!r} in {{{name}:{spec}}}; dates take strftime codes "
                "such as %d.%m.%Y"
            )
        return spec
    match = _FORMAT_SPEC.match(spec)
    if "{" in spec or "}" in spec or "%" in spec[:-1] or match is None:
        raise TemplateError(f"bad format {spec!r} in {{{name}:{spec}}}")
    width, precision = match.group("width"), match.group("precision")
    if (width and int(width) > _MAX_WIDTH) or (precision and int(precision) > _MAX_PRECISION):
        raise TemplateError(
            f"format {spec!r} in {{{name}:{spec}}} is too wide (width at most {_MAX_WIDTH}, "
            f"precision at most {_MAX_PRECISION})"
        )
    if spec:
        try:
            format(_SAMPLES[kind], spec)
        except (ValueError, TypeError):
            raise TemplateError(
                f"format {spec!r} does not suit {name!r} (a {kind.value})"
            ) from None
    return spec


def render(value: object, spec: str, lang: str) -> str:
    """One value for a reason: its *spec* if it fits, else a plain form; Danish marks in da."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and not spec:
        try:
            return fmt_number(float(value), lang)  # type: ignore[arg-type]
        except OverflowError:
            return str(value)
    text = _render_plain(value, spec, lang)
    if lang == "da" and number:
        # Danish writes 1.234,5 and 98 %
        text = text.translate(_DANISH_MARKS)
        if text.endswith("%") and not text.endswith(" %"):
            text = text[:-1] + "\N{NO-BREAK SPACE}%"
    return text


def _render_plain(value: object, spec: str, lang: str) -> str:
    if value is None:
        return MISSING[lang]
    if isinstance(value, dt.date) and not spec:
        return value.isoformat()
    if spec:
        try:
            return format(value, spec)
        except (ValueError, TypeError, OverflowError):
            pass
    if isinstance(value, bool):
        if lang == "da":
            return "ja" if value else "nej"
        return str(value).lower()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.4g}" if abs(value) < 1e6 else f"{value:.0f}"
    return str(value)
