"""Tests for goalcheck._resources: the shipped rules are found in a checkout and a wheel."""

from __future__ import annotations

from pathlib import Path

import pytest

from goalcheck import _resources


def test_the_shipped_rules_are_found_where_this_goalcheck_runs_from() -> None:
    # from a wheel the packaged copy wins; from a checkout, the top-level rules/ folder
    here = Path(_resources.__file__).resolve().parent
    if (here / "_rules").is_dir():
        assert _resources.shipped_rules_dir() == here / "_rules"
    else:
        assert _resources.shipped_rules_dir() == here.parent.parent / "rules"
    assert (_resources.shipped_rules_dir() / "default.toml").is_file()


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
