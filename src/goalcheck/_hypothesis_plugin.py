"""Hypothesis entry point: make ``st.from_type(Target)`` and friends work out of the box.

``pyproject.toml`` names :func:`_register` under ``[project.entry-points.hypothesis]``, so
Hypothesis calls it when it is imported.  Registration is lazy: each type maps to a
``st.deferred`` strategy, so importing Hypothesis imports only :mod:`goalcheck.model`, not
:mod:`goalcheck.strategies`, and a broken strategies module cannot break ``import hypothesis``.
"""

from __future__ import annotations

from typing import Any

__all__: list[str] = []


def _strategy(name: str) -> Any:
    from hypothesis import strategies as st

    def build() -> Any:
        from goalcheck import strategies

        return getattr(strategies, name)()

    return st.deferred(build)


def _register() -> None:
    """Register a type strategy for each generated model class."""
    from hypothesis import strategies as st

    from goalcheck.model import Checkpoint, Funding, Initiative, Measurement, Plan, Target

    for cls, name in (
        (Checkpoint, "checkpoints"),
        (Funding, "fundings"),
        (Initiative, "initiatives"),
        (Measurement, "measurements"),
        (Plan, "plans"),
        (Target, "targets"),
    ):
        st.register_type_strategy(cls, _strategy(name))
