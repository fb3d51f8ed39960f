"""Reason templates: ``"Pace {pace:.2f} is below {pace_tolerance}"``, checked and rendered.

Only ``{name}`` and ``{name:spec}`` are allowed, where *name* is a fact or parameter and
*spec* a bounded standard format spec (strftime codes for dates).  A template is parsed once
when the rule set loads into pieces (literal text, field name, spec), so rendering is a loop
and a bad template is a located load problem, never a run-time error.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Mapping

from goalcheck._lang.types import Kind
from goalcheck.errors import did_you_mean

__all__ = ["MISSING", "NO_MATCH", "Piece", "TemplateError", "parse_template", "render"]

#: One reason template piece: (literal text, field name or None, format spec).
Piece = tuple[str, str | None, str]

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


def parse_template(text: object, kinds: Mapping[str, Kind]) -> tuple[Piece, ...]:
    """Split a reason template into pieces; *kinds* gives each name a template may use."""
    if not isinstance(text, str):
        raise TemplateError("a reason must be a string")
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as error:
        raise TemplateError(
            f"bad reason template: {error} (write '{{{{' for a literal brace)"
        ) from None
    pieces: list[Piece] = []
    for literal, name, spec, conversion in parsed:
        if name is None:
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
    return tuple(pieces)


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
    text = _render_plain(value, spec, lang)
    if lang == "da" and isinstance(value, int | float) and not isinstance(value, bool):
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
