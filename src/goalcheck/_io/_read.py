"""Read input files: one way for plans, CSV files, rule sets and rule tests.

Every input goes through :func:`read_text` (a file's bytes as text) and, for TOML,
:func:`read_toml`, so a byte-order mark, a file that is not UTF-8, a FIFO or device, an
enormous file, a syntax error, nesting too deep or an integer too long are reported with
the same wording and the same location form whichever kind of file it is::

    plan.toml:line 3, column 9: TOML syntax error: Invalid value
    rules.toml: not UTF-8 text: byte 0xE6 at offset 40 cannot be decoded; save it as UTF-8

The limits are documented in docs/reference/limits.md.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from pathlib import Path
from typing import Any

from goalcheck.errors import InputError, LimitError, PlanError, Problem

__all__ = [
    "MAX_INPUT_BYTES",
    "MAX_INT_DIGITS",
    "MAX_NESTING",
    "InputWarning",
    "decode_utf8",
    "read_bytes",
    "read_text",
    "read_toml",
]

#: The largest input file goalcheck reads (64 MiB): about 2.5 million CSV measurement rows.
MAX_INPUT_BYTES = 64 * 1024 * 1024
#: How deep arrays and tables may nest in a TOML file.
MAX_NESTING = 64
#: The longest integer literal (Python's own limit for converting text to int).
MAX_INT_DIGITS = 4300


class InputWarning(UserWarning):
    """An input was read, but with a guess its user should know about (such as its encoding)."""


_AT = re.compile(r" \(at (line \d+, column \d+|end of document)\)$")
_LONG_INT = re.compile(rf"[0-9][0-9_]{{{MAX_INT_DIGITS},}}")


def _size(number: int) -> str:
    return f"{number // (1024 * 1024)} MiB" if number >= 1024 * 1024 else f"{number} bytes"


def read_bytes(
    path: Path,
    shown: str,
    *,
    error: type[InputError] = PlanError,
    max_bytes: int = MAX_INPUT_BYTES,
) -> bytes:
    """The bytes of the regular file *path*, at most *max_bytes* of them.

    A FIFO, device or socket is refused without reading from it (``/dev/zero`` would never
    end), as is a file larger than *max_bytes*: both with :class:`LimitError`.  A missing or
    unreadable file is an *error* naming *shown*.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except IsADirectoryError:
        raise error(Problem("is a directory, not a file", shown)) from None
    except FileNotFoundError:
        raise error(Problem("no such file or directory", shown)) from None
    except OSError as oops:
        raise error(Problem(f"cannot read the file: {oops.strerror or oops}", shown)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise error(Problem("is a directory, not a file", shown))
        if not stat.S_ISREG(info.st_mode):
            raise LimitError(
                Problem(
                    "not a regular file (a FIFO, device or socket); goalcheck reads files only",
                    shown,
                )
            )
        if info.st_size > max_bytes:
            raise LimitError(_too_big(shown, max_bytes))
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(max_bytes + 1)
    except OSError as oops:
        raise error(Problem(f"cannot read the file: {oops.strerror or oops}", shown)) from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:  # it grew while being read
        raise LimitError(_too_big(shown, max_bytes))
    return data


def _too_big(shown: str, max_bytes: int) -> Problem:
    return Problem(
        f"larger than the {_size(max_bytes)} goalcheck reads (see the limits reference)", shown
    )


def decode_utf8(data: bytes, shown: str, *, error: type[InputError] = PlanError) -> str:
    """*data* as UTF-8 text, a byte-order mark dropped; else an *error* naming the byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as oops:
        start = oops.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
        before = data[:start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise error(
            Problem(
                f"not UTF-8 text: byte 0x{data[start]:02X} at offset {start} cannot be decoded; "
                "save the file as UTF-8",
                shown,
                f"line {line}, column {column}",
            )
        ) from None


def read_text(
    path: Path,
    shown: str,
    *,
    error: type[InputError] = PlanError,
    max_bytes: int = MAX_INPUT_BYTES,
) -> str:
    """The text of the UTF-8 file *path* (with or without a byte-order mark, which is dropped).

    *shown* is the name problems give the file (the path as the user wrote it); *error* the
    :class:`~goalcheck.errors.InputError` subclass to raise (``PlanError`` for plans,
    ``RuleError`` for rule files and rule tests).  Files that are not regular, or larger
    than *max_bytes*, are refused with :class:`~goalcheck.errors.LimitError`.
    """
    return decode_utf8(
        read_bytes(path, shown, error=error, max_bytes=max_bytes), shown, error=error
    )


def read_toml(
    source: Path | str, shown: str, *, error: type[InputError] = PlanError
) -> dict[str, Any]:
    """A TOML document: the file *source*, or (a ``str``) the text itself.

    A syntax error is one problem, ``TOML syntax error: <message>`` located at
    ``line L, column C``; nesting deeper than :data:`MAX_NESTING` and integers longer than
    :data:`MAX_INT_DIGITS` digits are :class:`~goalcheck.errors.LimitError`.
    """
    if isinstance(source, str):
        text = source.removeprefix("\ufeff")
    else:
        text = read_text(source, shown, error=error)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as oops:
        message = str(oops)
        match = _AT.search(message)
        location = match.group(1) if match else None
        message = message[: match.start()] if match else message
        raise error(Problem(f"TOML syntax error: {message}", shown, location)) from None
    except RecursionError:
        raise _too_deep(text, shown) from None
    except ValueError as oops:  # int() refusing a literal of more than 4300 digits
        raise _too_long(text, shown, oops) from None
    if _depth_exceeds(data, MAX_NESTING):
        raise _too_deep(text, shown)
    return data


def _line_column(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


def _too_long(text: str, shown: str, oops: ValueError) -> LimitError:
    match = _LONG_INT.search(text)
    return LimitError(
        Problem(
            f"an integer has more than {MAX_INT_DIGITS} digits, more than goalcheck reads",
            shown,
            _line_column(text, match.start()) if match else None,
        )
    )


def _too_deep(text: str, shown: str) -> LimitError:
    return LimitError(
        Problem(
            f"arrays or tables nested more than {MAX_NESTING} deep, more than goalcheck reads",
            shown,
            _deep_place(text),
        )
    )


def _deep_place(text: str) -> str | None:
    """Where brackets first open more than :data:`MAX_NESTING` deep (strings skipped roughly)."""
    depth = 0
    quote = ""
    for offset, char in enumerate(text):
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return _line_column(text, offset)
        elif char in "]}":
            depth = max(depth - 1, 0)
    return None


def _depth_exceeds(data: Any, limit: int) -> bool:
    """Whether lists and dicts in *data* nest more than *limit* deep (without recursing)."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
    return False
