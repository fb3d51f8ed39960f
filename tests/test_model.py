"""Tests for goalcheck.model: constructor checks, enums, and cross-object validation."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from goalcheck import (
    Area,
    Checkpoint,
    Direction,
    Funding,
    Initiative,
    Measurement,
    MeasurementKind,
    Plan,
    PlanError,
    Problem,
    Relative,
    Target,
    TargetGroup,
    TargetNotFoundError,
)
from goalcheck.model import validate_plan


def messages(excinfo: pytest.ExceptionInfo[PlanError]) -> list[tuple[str | None, str]]:
    return [(p.location, p.message) for p in excinfo.value.problems]


def test_dates_accept_period_phrases_and_take_the_right_end() -> None:
    t = Target("t", "at_least", target=1, start="2009-03-01", deadline="2010-06-30")
    assert (t.start, t.deadline) == (dt.date(2009, 3, 1), dt.date(2010, 6, 30))
    assert Measurement(dt.date(2009, 1, 1), "12").value == 12.0


def test_enums_are_read_leniently_and_say_what_was_meant() -> None:
    assert Target("t", "At Least").direction is Direction.AT_LEAST
    assert Target("t", "at-most").direction is Direction.AT_MOST
    with pytest.raises(PlanError) as excinfo:
        Target("t", "at_leest")
    ((location, message),) = messages(excinfo)
    assert location == "direction"
    assert message.endswith("not 'at_leest' (did you mean 'at_least'?)")


def test_direction_signs() -> None:
    assert [d.sign for d in Direction] == [1, -1, 0, 1, -1, 1]


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_are_refused(value: float) -> None:
    with pytest.raises(PlanError, match="must be a finite number"):
        Target("t", "at_least", target=value)
    with pytest.raises(PlanError, match="must be a finite number"):
        Measurement(dt.date(2009, 1, 1), value)
    with pytest.raises(PlanError, match="must be a finite number"):
        Funding(value)


def test_numbers_must_be_numbers() -> None:
    with pytest.raises(PlanError, match="expected a number, not True"):
        Target("t", "at_least", target=True)  # type: ignore[arg-type]
    with pytest.raises(PlanError, match="expected a number, not 'x'"):
        Checkpoint(dt.date(2009, 1, 1), "x")  # type: ignore[arg-type]


def test_target_checks_collect_every_problem() -> None:
    with pytest.raises(PlanError) as excinfo:
        Target(
            "t",
            "between",
            target=5,
            relative="percent",
            start="2010-01-01",
            deadline="2009-12-31",
            checkpoints=[Checkpoint(dt.date(2009, 6, 1), 1), Checkpoint(dt.date(2009, 1, 1), 2)],
        )
    assert messages(excinfo) == [
        ("target_high", "a 'between' target needs target_high"),
        ("baseline", "a relative target needs a baseline to be relative to"),
        ("deadline", "deadline 2009-12-31 is before start 2010-01-01"),
        ("checkpoints[1].date", "checkpoints must be in date order"),
    ]


@pytest.mark.parametrize(
    ("kwargs", "location", "message"),
    [
        ({"direction": "between", "target": 7, "target_high": 3}, "target_high", "low 7 is above"),
        ({"direction": "at_least", "target_high": 3}, "target_high", "only for 'between'"),
        ({"direction": "increase", "target": 3}, "target", "direction only"),
        (
            {"direction": "milestone", "relative": "absolute", "baseline": 0},
            "relative",
            "no sense",
        ),
    ],
)
def test_target_checks(kwargs: dict[str, object], location: str, message: str) -> None:
    with pytest.raises(PlanError) as excinfo:
        Target("t", **kwargs)  # type: ignore[arg-type]
    ((where, text),) = messages(excinfo)
    assert where == location
    assert message in text


def test_valid_targets_of_every_kind() -> None:
    band = Target("b", "between", target=60, target_high=70)
    assert (band.target, band.target_high) == (60.0, 70.0)
    relative = Target("r", "at_most", target=-10, relative="percent", baseline=20)
    assert relative.relative is Relative.PERCENT
    assert Target("u", "at_most").undetermined  # "højst [XX]"
    assert not Target("d", "decrease").undetermined
    assert not Target("m", "milestone").undetermined


def test_measurements_are_kept_in_date_order_whatever_the_input_order() -> None:
    a = Measurement(dt.date(2009, 3, 1), 2)
    b = Measurement(dt.date(2009, 1, 1), 5, kind="forecast")
    c = Measurement(dt.date(2009, 1, 1), 1)
    t = Target("t", "at_least", measurements=[a, b, c])
    assert t.measurements == (c, b, a)
    assert t == Target("t", "at_least", measurements=[c, a, b])
    assert t.actuals == (c, a)
    assert t.forecasts == (b,)
    assert b.kind is MeasurementKind.FORECAST


def test_plan_target_lookup_with_did_you_mean() -> None:
    plan = Plan("p", targets=[Target("1.1", "increase")])
    assert plan.target("1.1").id == "1.1"
    with pytest.raises(TargetNotFoundError, match=r"no target '1\.2' \(did you mean '1\.1'\?\)"):
        plan.target("1.2")
    with pytest.raises(LookupError):
        plan.target("zzz")


def test_target_groups_and_funding() -> None:
    group = TargetGroup("ledige", size="120", size_date="2009-12-31")
    assert (group.size, group.size_date) == (120.0, dt.date(2009, 12, 31))
    line = Funding(1_500_000, year=2013, type="indsats", kind="spent")
    assert (line.type.value, line.kind.value) == ("indsats", "spent")


# --------------------------------------------------------------------------- validate_plan


def pp(message: str, location: str) -> Problem:
    return Problem(message, "plan.toml", location)


def _plan() -> Plan:
    return Plan(
        "p",
        areas=[Area("A"), Area("A")],
        targets=[Target("t", "increase", area="B")],
        initiatives=[
            Initiative("i", area="AA", contributes_to="tt", targets=[Target("t", "decrease")]),
            Initiative("i", targets=[Target("u", "decrease", contributes_to="x")]),
        ],
    )


def test_validate_plan_finds_every_cross_object_problem() -> None:
    assert validate_plan(_plan(), file="plan.toml") == [
        pp("duplicate area id 'A' (first at areas[0])", "areas[1].id"),
        pp("unknown area 'AA' (did you mean 'A'?)", "initiatives[0].area"),
        pp("duplicate initiative id 'i' (first at initiatives[0])", "initiatives[1].id"),
        pp("duplicate target id 't' (first at targets[0])", "initiatives[0].targets[0].id"),
        pp("unknown area 'B'", "targets[0].area"),
        pp(
            "contributes_to names unknown target 'x'",
            "initiatives[1].targets[0].contributes_to",
        ),
        pp(
            "contributes_to names unknown target 'tt' (did you mean 't'?)",
            "initiatives[0].contributes_to",
        ),
    ]


def test_validate_plan_maps_locations_and_knows_ids_that_failed_to_load() -> None:
    def locate(location: str) -> tuple[str | None, str | None]:
        return ("b.toml" if location.startswith("initiatives") else "a.toml"), location.upper()

    problems = validate_plan(_plan(), locate=locate, also_known={"x", "tt"})
    assert [str(p) for p in problems if "target" in p.message] == [
        "b.toml:INITIATIVES[0].TARGETS[0].ID: duplicate target id 't' (first at a.toml:TARGETS[0])"
    ]


def test_a_valid_plan_has_no_problems() -> None:
    plan = Plan(
        "p",
        areas=[Area("A")],
        targets=[Target("R", "at_least", target=1, area="A")],
        initiatives=[
            Initiative("i", area="A", contributes_to="R", targets=[Target("e", "increase")])
        ],
    )
    assert validate_plan(plan) == []
    assert [t.id for t in plan.iter_targets()] == ["R", "e"]


def test_validate_plan_checks_where_targets_say_they_belong() -> None:
    plan = Plan(
        "p",
        targets=[Target("a", "increase", initiative="ii")],
        initiatives=[
            Initiative("i", targets=[Target("b", "increase", initiative="j")]),
            Initiative("k", targets=[Target("c", "increase", initiative="k")]),
        ],
    )
    assert [(p.location, p.message) for p in validate_plan(plan)] == [
        ("targets[0].initiative", "unknown initiative 'ii' (did you mean 'i'?)"),
        (
            "initiatives[0].targets[0].initiative",
            "initiative 'j' differs from the initiative 'i' that holds this target",
        ),
    ]
