"""Report, Result and Rollup: the JSON contract (schema_version 1) and the accessors."""

from __future__ import annotations

import datetime as dt
import enum
import json
import sys

import pytest

from goalcheck.engine import evaluate
from goalcheck.errors import GoalcheckError, TargetNotFoundError
from goalcheck.model import Area, Initiative, Measurement, Plan, Target
from goalcheck.periods import Period
from goalcheck.report import MissingDependencyError, Report, Result, json_safe

D = dt.date


@pytest.fixture(scope="module")
def report() -> Report:
    june = D(2009, 6, 30)
    plan = Plan(
        id="p",
        title="Plan",
        date="2009-11-26",
        period=Period(D(2009, 1, 1), D(2009, 12, 31)),
        areas=[Area("A", "Area A")],
        initiatives=[
            Initiative(
                "1",
                "One",
                area="A",
                targets=[
                    Target(
                        id="1.1",
                        title="Eleven",
                        direction="at_least",
                        target=10,
                        measurements=[Measurement(june, 12)],
                    ),
                    Target(
                        id="1.2",
                        title="Twelve",
                        direction="at_least",
                        target=10,
                        measurements=[Measurement(june, 1)],
                    ),
                    Target(id="1.3", direction="at_most"),
                ],
            )
        ],
    )
    return evaluate(plan)


def test_to_dict_is_the_json_contract(report: Report) -> None:
    data = report.to_dict()
    assert list(data) == ["schema_version", "as_of", "rules", "results", "rollups", "summary"]
    assert data["schema_version"] == 1
    assert data["as_of"] == "2009-11-26"
    assert data["rules"] == {"name": "default", "version": "1.0"}
    results = data["results"]
    assert isinstance(results, list)
    assert [r["id"] for r in results] == ["1.1", "1.2", "1.3"]
    for entry in results:
        assert list(entry) == [
            "id",
            "title",
            "initiative",
            "status",
            "rule",
            "explanation",
            "facts",
        ]
    first = results[0]
    assert (first["title"], first["initiative"], first["status"], first["rule"]) == (
        "Eleven",
        "1",
        "met",
        "met",
    )
    assert first["explanation"] == "The value 12 meets the target 10 (measured 2009-06-30)."
    assert first["facts"]["measured_on"] == "2009-06-30"  # dates as ISO strings
    assert first["facts"]["value"] == 12.0
    assert list(first["facts"]) == sorted(first["facts"])
    assert data["summary"] == {"met": 1, "on_track": 0, "not_evaluable": 1, "at_risk": 1}
    rollups = data["rollups"]
    assert isinstance(rollups, list)
    assert rollups[0] == {
        "level": "plan",
        "id": "p",
        "title": "Plan",
        "status": "at_risk",
        "counts": {"met": 1, "on_track": 0, "not_evaluable": 1, "at_risk": 1},
    }
    assert [(r["level"], r["id"]) for r in rollups] == [
        ("plan", "p"),
        ("area", "A"),
        ("initiative", "1"),
    ]
    # the whole thing is JSON and survives a round trip
    assert json.loads(json.dumps(data, allow_nan=False)) == data


def test_to_dict_in_danish(report: Report) -> None:
    data = report.to_dict("da")
    first = data["results"][0]  # type: ignore[index]
    assert first["explanation"] == "Værdien 12 opfylder målet 10 (målt 2009-06-30)."
    with pytest.raises(GoalcheckError, match="'en' or 'da'"):
        report.to_dict("fr")


def test_iteration_len_and_lookup(report: Report) -> None:
    assert len(report) == 3
    assert [r.target_id for r in report] == ["1.1", "1.2", "1.3"]
    assert report["1.2"].status == "at_risk"
    with pytest.raises(TargetNotFoundError, match=r"did you mean .1\.2."):
        report["1.20"]


def test_summary_and_filter(report: Report) -> None:
    assert report.summary() == {"met": 1, "on_track": 0, "not_evaluable": 1, "at_risk": 1}
    risky = report.filter("at_risk", "not_evaluable")
    assert [r.target_id for r in risky] == ["1.2", "1.3"]
    assert risky.rollups == report.rollups
    assert len(report.filter("on_track")) == 0
    with pytest.raises(GoalcheckError, match="did you mean 'at_risk'"):
        report.filter("at-risk")


def test_records(report: Report) -> None:
    rows = report.records("da")
    assert rows[0]["id"] == "1.1"
    assert rows[0]["area"] == "A"
    assert rows[0]["label"] == "opfyldt"
    assert rows[0]["measured_on"] == "2009-06-30"
    assert rows[2]["label"] == "kan ikke vurderes"
    assert rows[2]["value"] is None
    assert set(rows[1]) >= {"status", "rule", "explanation", "pace", "target"}


def test_to_dataframe_without_pandas_says_what_to_install(
    report: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingDependencyError, match=r"goalcheck\[pandas\]") as caught:
        report.to_dataframe()
    assert isinstance(caught.value, GoalcheckError)


def test_to_dataframe_with_pandas(report: Report) -> None:
    pd = pytest.importorskip("pandas")
    frame = report.to_dataframe()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame["id"]) == ["1.1", "1.2", "1.3"]


def test_a_result_without_a_rule_set_explains_nothing() -> None:
    result = Result("x", "", None, None, "met", None, {})
    assert result.explanation == ""
    assert result.label("da") == "met"
    with pytest.raises(GoalcheckError):
        result.explain("de")


class _Colour(enum.Enum):
    RED = "red"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (True, True),
        (3, 3),
        (1.5, 1.5),
        (float("nan"), None),
        (float("inf"), None),
        (D(2009, 1, 2), "2009-01-02"),
        (_Colour.RED, "red"),
        ({"a": D(2009, 1, 2)}, {"a": "2009-01-02"}),
        ((1, D(2009, 1, 2)), [1, "2009-01-02"]),
    ],
)
def test_json_safe(value: object, expected: object) -> None:
    assert json_safe(value) == expected


def test_new_result_builds_what_the_constructor_builds() -> None:
    """The engine's fast builder sets every field, private ones included, in order."""
    import attrs

    from goalcheck.report import new_result

    values = ("t1", "Title", "i1", "a1", "met", "r1", {"value": 1.0}, 3, "context")
    fast, slow = new_result(*values), Result(*values)
    for field in attrs.fields(Result):
        assert getattr(fast, field.name) == getattr(slow, field.name), field.name
    assert type(fast) is Result
    assert fast == slow
    assert hash(fast) == hash(slow)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        fast.status = "at_risk"  # type: ignore[misc]
