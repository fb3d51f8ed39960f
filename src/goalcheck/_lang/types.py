"""The kinds of value a rule-language expression can have."""

from __future__ import annotations

import enum

__all__ = ["Kind"]


class Kind(enum.Enum):
    """The value kind of a fact, a parameter or an expression node.

    ``NONE`` is the kind of the literal ``None``; it is only ever accepted as the right-hand
    side of ``is None``, so no node of a checked tree has it.
    """

    NUMBER = "number"
    BOOL = "bool"
    DATE = "date"
    NONE = "none"

    def describe(self) -> str:
        """How messages name the kind: ``a number``, ``a true/false value``, ..."""
        return _DESCRIPTIONS[self]


_DESCRIPTIONS = {
    Kind.NUMBER: "number",
    Kind.BOOL: "true/false value",
    Kind.DATE: "date",
    Kind.NONE: "None",
}
