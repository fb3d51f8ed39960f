"""Hypothesis profiles: ``ci`` (the default) keeps the suite fast, ``dev`` is thorough.

Select one with ``HYPOTHESIS_PROFILE=dev pytest``.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# In CI every test runs: a test that needs an optional extra or a real component (Chromium)
# gets it installed by .ci/run, so a skip there means something is missing, and fails the run.
_SKIPPED: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        _SKIPPED.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("CI") and _SKIPPED and exitstatus == 0:
        print(f"\nerror: {len(_SKIPPED)} test(s) skipped in CI, where nothing may be skipped:")
        for nodeid in _SKIPPED:
            print(f"  {nodeid}")
        session.exitstatus = 1
