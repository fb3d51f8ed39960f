"""Tests for goalcheck._resources: the shipped rules are found in a checkout and a wheel."""

from __future__ import annotations

from pathlib import Path

import pytest

from goalcheck import _resources


def test_checkout_falls_back_to_top_level_rules() -> None:
    here = Path(_resources.__file__).resolve().parent
    if (here / "_rules").is_dir():
        pytest.skip("running from an installed wheel")
    assert _resources.shipped_rules_dir() == here.parent.parent / "rules"


def test_packaged_rules_win(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "site-packages" / "goalcheck"
    (package / "_rules").mkdir(parents=True)
    monkeypatch.setattr(_resources, "_PACKAGE", package)
    assert _resources.shipped_rules_dir() == package / "_rules"


def test_neither_returns_the_packaged_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "a" / "b" / "goalcheck"
    package.mkdir(parents=True)
    monkeypatch.setattr(_resources, "_PACKAGE", package)
    assert _resources.shipped_rules_dir() == package / "_rules"
