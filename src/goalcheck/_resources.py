"""Where the files shipped with goalcheck are, installed or not.

A wheel carries the top-level ``rules/`` directory as ``goalcheck/_rules`` (see
``[tool.hatch.build.targets.wheel.force-include]`` in ``pyproject.toml``).  An editable
install or a source checkout has no such directory inside the package, so the lookup falls
back to the checkout's own ``rules/``.  One function decides this, so no caller guesses.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["examples_dir", "shipped_rules_dir"]

_PACKAGE = Path(__file__).resolve().parent


def shipped_rules_dir() -> Path:
    """The directory holding the shipped rule sets (``default.toml``, ...).

    The packaged ``goalcheck/_rules`` when it exists (a wheel install), else the source
    checkout's top-level ``rules/``.  If neither exists the packaged path is returned, so an
    error message names where the rules were expected.
    """
    packaged = _PACKAGE / "_rules"
    if packaged.is_dir():
        return packaged
    checkout = _PACKAGE.parent.parent / "rules"  # src/goalcheck -> src -> repo
    if checkout.is_dir():
        return checkout
    return packaged


def examples_dir() -> Path:
    """The directory holding the bundled example plans (``goalcheck demo`` uses one).

    The wheel carries the top-level ``examples/`` as ``goalcheck/_examples``; a checkout
    falls back to its own ``examples/``, exactly like :func:`shipped_rules_dir`.
    """
    packaged = _PACKAGE / "_examples"
    if packaged.is_dir():
        return packaged
    checkout = _PACKAGE.parent.parent / "examples"
    if checkout.is_dir():
        return checkout
    return packaged
