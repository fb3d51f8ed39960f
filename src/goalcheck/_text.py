"""Words and numbers for people, shared by every place that writes them.

Neutral ground: this module imports nothing from goalcheck but the errors, so the rule
engine (reason templates) and the report formats can both use it without an import cycle.

- :data:`Lang` and :func:`check_lang`: the one language check (``en`` or ``da``).
- :func:`fmt_number`: numbers as people read them, the same in explanations and tables.
- :func:`visible`: text for a terminal, with control characters shown instead of obeyed.
"""

from __future__ import annotations

import math
import re
from typing import Literal

from goalcheck.errors import OptionError, did_you_mean

__all__ = ["LANGS", "Lang", "check_lang", "fmt_number", "visible"]

Lang = Literal["en", "da"]
"""A report language: English or Danish."""

LANGS: tuple[Lang, ...] = ("en", "da")


def check_lang(lang: object) -> Lang:
    """*lang* if it is ``en`` or ``da``, else an :class:`~goalcheck.errors.OptionError`."""
    if lang not in LANGS:
        raise OptionError(
            f"language must be 'en' or 'da', not {lang!r}" + did_you_mean(str(lang), LANGS)
        )
    return lang


def fmt_number(value: float, lang: str, *, digits: int = 2) -> str:
    """A number for people: thousands grouped, at most *digits* decimals, Danish marks in da.

    ``fmt_number(1750, "en")`` is ``1,750``, ``fmt_number(1750.5, "da")`` is ``1.750,5``.
    """
    if not math.isfinite(value):
        return str(value)
    rounded = round(value, digits)
    if rounded == int(rounded):
        text = f"{int(rounded):,}"
    else:
        text = f"{rounded:,.{digits}f}".rstrip("0").rstrip(".")
    if text == "-0":
        text = "0"
    if lang == "da":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


# C0 controls but newline, DEL, C1 controls, and the bidirectional overrides and isolates
# (they reorder what a reader sees, as in "Trojan Source").
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """*text* with control characters written out (``\\x1b``) so a terminal cannot obey them.

    Newlines are kept; a tab becomes ``\\x09``.  Plain text is returned unchanged.
    """
    return _CONTROL.sub(_escape, text)
