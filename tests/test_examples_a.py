"""The encoded source documents 004 (Q3 2009 status) and 000/001 (job consultants 2007).

Each example must load, match the counts its README states, reproduce the documents' own
totals, quote the documents verbatim, evaluate deterministically at its document date, match
its golden JSON report, and agree with the document's stated verdicts as often as the README
says.  Regenerate the golden files only on purpose: ``GOALCHECK_REGEN_GOLDEN=1 pytest
tests/test_examples_a.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections import Counter
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import goalcheck
from goalcheck.model import Funding, FundingKind, MeasurementKind, Plan, Target

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
GOLDEN = Path(__file__).resolve().parent / "golden"

Q3 = "beskaeftigelsesaftale-2009"
JK = "jobkonsulenter-2007"
AS_OF = {Q3: dt.date(2009, 9, 30), JK: dt.date(2008, 4, 24)}
SOURCES = {Q3: ["source-004.txt"], JK: ["source-000.txt", "source-001.txt"]}
CONSULTANT = 375_000  # "gennemsnitlig årsværkspris på 375.000 kr. (løn)"


def _load(name: str) -> Plan:
    plan: Plan = goalcheck.load_plan(EXAMPLES / name)
    return plan


@pytest.fixture(scope="module")
def q3() -> Plan:
    return _load(Q3)


@pytest.fixture(scope="module")
def jk() -> Plan:
    return _load(JK)


def _targets(plan: Plan) -> dict[str, Target]:
    return {t.id: t for t in plan.iter_targets()}


def _actuals(target: Target) -> list[float]:
    return [m.value for m in target.measurements if m.kind is MeasurementKind.ACTUAL]


def _forecasts(target: Target) -> list[float]:
    return [m.value for m in target.measurements if m.kind is MeasurementKind.FORECAST]


def _lines(plan: Plan, account: str) -> list[Funding]:
    return [f for f in plan.funding if f.account == account]


# --- counts (the README tables) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            Q3,
            {
                "areas": 3,
                "initiatives": 18,
                "targets": 36,
                "plan_targets": 2,
                "effort": 29,
                "result": 7,
                "reported": 10,
                "actual": 21,
                "forecast": 16,
                "measured_targets": 25,
                "yearly": 11,
                "checkpointed": 1,
                "directions": {"at_least": 29, "milestone": 5, "decrease": 1, "increase": 1},
                "funding": 0,
            },
        ),
        (
            JK,
            {
                "areas": 4,
                "initiatives": 4,
                "targets": 15,
                "plan_targets": 7,
                "effort": 10,
                "result": 5,
                "reported": 4,
                "actual": 11,
                "forecast": 1,
                "measured_targets": 10,
                "yearly": 0,
                "checkpointed": 0,
                "directions": {"at_least": 9, "at_most": 3, "milestone": 2, "decrease": 1},
                "funding": 32,
            },
        ),
    ],
)
def test_counts_match_the_readme(name: str, expected: dict[str, object]) -> None:
    plan = _load(name)
    targets = list(plan.iter_targets())
    kinds = Counter(t.kind.value for t in targets)
    measurements = Counter(m.kind.value for t in targets for m in t.measurements)
    got = {
        "areas": len(plan.areas),
        "initiatives": len(plan.initiatives),
        "targets": len(targets),
        "plan_targets": len(plan.targets),
        "effort": kinds["effort"],
        "result": kinds["result"],
        "reported": sum(t.reported_status is not None for t in targets),
        "actual": measurements["actual"],
        "forecast": measurements["forecast"],
        "measured_targets": sum(bool(t.measurements) for t in targets),
        "yearly": sum(t.recurrence is not None for t in targets),
        "checkpointed": sum(bool(t.checkpoints) for t in targets),
        "directions": dict(Counter(t.direction.value for t in targets)),
        "funding": len(plan.funding) + sum(len(i.funding) for i in plan.initiatives),
    }
    assert got == expected


def test_plan_dates(q3: Plan, jk: Plan) -> None:
    assert q3.date == AS_OF[Q3]
    assert jk.date == AS_OF[JK]
    assert q3.source is not None
    assert "26.11.09" in q3.source


# --- the Q3 2009 status report --------------------------------------------------------------

Q3_IDS = [
    "1/R", "3/R",
    "1.1", "1.2/1", "1.2/2", "1.2/R", "1.3", "1.4/1", "1.4/2", "1.5", "1.5/R", "1.6",
    "1.7/1", "1.7/2", "1.7/3", "1.8", "1.9/1", "1.9/2", "1.10/1", "1.10/2",
    "2.1", "2.1/R", "2.2/1", "2.2/2", "2.2/3", "2.3/1", "2.3/2", "2.3/3", "2.4",
    "3.1", "3.1/R", "3.2", "3.3/1", "3.3/2", "3.3/R", "3.4",
]  # fmt: skip

Q3_REPORTED = {
    "1.1": "on_track",
    "1.2/1": "at_risk",
    "1.2/2": "on_track",
    "1.4/1": "at_risk",
    "1.4/2": "at_risk",
    "1.7/3": "at_risk",
    "1.9/1": "on_track",
    "1.10/1": "on_track",
    "2.4": "on_track",
    "3.3/1": "on_track",
}


def test_q3_ids_follow_the_document_numbering(q3: Plan) -> None:
    assert [t.id for t in q3.iter_targets()] == Q3_IDS
    numbers = [f"1.{i}" for i in range(1, 11)] + [f"2.{i}" for i in range(1, 5)]
    numbers += [f"3.{i}" for i in range(1, 5)]
    assert [i.id for i in q3.initiatives] == numbers
    for initiative in q3.initiatives:
        assert initiative.area == initiative.id.split(".")[0]
        for target in initiative.targets:
            assert target.id.split("/")[0] == initiative.id


def test_q3_contributions(q3: Plan) -> None:
    by_id = {i.id: i for i in q3.initiatives}
    jobplan = {"1.1", "1.2", "1.3", "1.4", "1.6", "1.7", "1.8", "1.9", "1.10", "2.1", "2.2"}
    assert {i for i, ini in by_id.items() if ini.contributes_to == "1/R"} == jobplan
    assert {i for i, ini in by_id.items() if ini.contributes_to == "3/R"} == {
        "3.1",
        "3.2",
        "3.3",
        "3.4",
    }
    targets = _targets(q3)
    assert targets["1.3"].contributes_to == "1.2/R"  # "bidrage til opfylde resultatmålet for 1.2"


def test_q3_reported_statuses(q3: Plan) -> None:
    got = {t.id: t.reported_status for t in q3.iter_targets() if t.reported_status}
    assert got == Q3_REPORTED


def test_q3_measurements_reproduce_the_documents_totals(q3: Plan) -> None:
    t = _targets(q3)
    # 1.3: "211 forløb" so far, "100" expected in Q4, "311 forløb i 2009"
    assert _actuals(t["1.3"]) == [211]
    assert _forecasts(t["1.3"]) == [211 + 100] == [311]
    # cumulative actuals are running totals, as the document prints them
    # 1.9/2: 43 created in Q3; "Samlet status for 2009 er indtil videre 102"
    assert _actuals(t["1.9/2"]) == [102 - 43, 102]
    # 1.10/1: 75 booked in Q1-Q2, 7 in Q3, "I alt er 82 borgere"
    assert _actuals(t["1.10/1"]) == [75, 75 + 7]
    # 3.4 counts company placements ("skal virksomhedsplaceres"): løntilskud + praktik, of
    # the year's "Løntilskud: 2 (8) Praktik: 3 (27) Uddannelse: 6 (12) Ordinær
    # beskæftigelse: 3 (9) I alt: 14 (56)"
    assert _actuals(t["3.4"]) == [(8 - 2) + (27 - 3), 8 + 27] == [30, 35]
    # 2.1: 90 women at CBSI + ca. 153 with an external provider = 243
    assert _actuals(t["2.1"]) == [90 + 153]
    # 1.2/2: 350 places = 1400 courses a year from 2010, + 400 from 1.3 = the 1.800 goal
    forecast = t["1.2/2"].forecasts[0]
    assert forecast.value == 1400 + 400 == t["1.2/2"].target
    assert forecast.date == dt.date(2010, 12, 31)
    assert t["1.2/2"].start == dt.date(2010, 1, 1)  # "fra og med 2010"
    # forecasts that say a goal comes late or not at all (1.2/1, 1.8 after their deadline)
    assert _forecasts(t["1.7/3"]) == [0]
    assert t["1.2/1"].forecasts[0].date > t["1.2/1"].deadline
    assert t["1.8"].forecasts[0].date == dt.date(2010, 2, 28) > t["1.8"].deadline
    # 1.4/1: "mindst to gange om ugen 40 uger om året"
    assert t["1.4/1"].target == 2 * 40


def test_q3_forecasts_are_made_at_the_status_date(q3: Plan) -> None:
    forecasts = [m for t in q3.iter_targets() for m in t.forecasts]
    assert forecasts
    assert {m.made_on for m in forecasts} == {AS_OF[Q3]}
    assert all(m.date >= AS_OF[Q3] for m in forecasts)


def test_q3_actuals_are_dated_within_the_reported_quarters(q3: Plan) -> None:
    dates = {m.date for t in q3.iter_targets() for m in t.actuals}
    assert max(dates) == AS_OF[Q3]
    assert dt.date(2009, 8, 20) in dates  # 1.9/1 "medio august"
    assert min(dates) >= dt.date(2009, 6, 30)


def test_q3_deadlines(q3: Plan) -> None:
    t = _targets(q3)
    end_2009 = dt.date(2009, 12, 31)
    for tid in ("1.1", "1.3", "1.6", "1.8", "3.1", "3.3/1", "1.4/2", "2.1"):
        assert t[tid].deadline == end_2009, tid
    assert t["2.2/1"].deadline == dt.date(2009, 1, 31)
    assert t["2.2/2"].deadline == dt.date(2009, 1, 31)
    assert t["3/R"].deadline == dt.date(2010, 12, 31)
    assert [(c.date, c.value) for c in t["3.3/2"].checkpoints] == [
        (end_2009, 30),
        (dt.date(2011, 12, 31), 50),
    ]


# --- the job consultants grant and account ------------------------------------------------

TABLE_NOTE = re.compile(
    r"ca\. (\d+) jobkonsulenter .*målgruppe (\d+) fuldtidspersoner = (\d+),(\d+) % af (\d+)"
)


def test_jk_ids_and_reported_statuses(jk: Plan) -> None:
    assert [t.id for t in jk.targets] == ["R1", "R2", "R3", "R4", "MG", "K1", "K2"]
    assert [t.id for i in jk.initiatives for t in i.targets] == [
        "A/1",
        "B/1",
        "B/2",
        "B/3",
        "C/1",
        "D/1",
        "D/2",
        "D/3",
    ]
    got = {t.id: t.reported_status for t in jk.iter_targets() if t.reported_status}
    assert got == {"R1": "on_track", "R2": "met", "R3": "met", "R4": "not_evaluable"}


def test_jk_result_goals(jk: Plan) -> None:
    t = _targets(jk)
    assert (t["R1"].direction.value, t["R1"].target, t["R1"].baseline) == ("at_least", 64, 54.4)
    assert _actuals(t["R1"]) == [57.3]
    assert (t["R2"].direction.value, t["R2"].target, t["R2"].baseline) == ("at_most", 18, 19.56)
    assert _actuals(t["R2"]) == [17.04]
    r3 = t["R3"]
    assert (r3.direction.value, r3.target, r3.relative, r3.baseline) == (
        "at_most",
        -10,
        goalcheck.Relative.PERCENT,
        5627,
    )
    assert _actuals(r3) == [4393]
    decline = (5627 - 4393) / 5627 * 100  # "faldet med næsten 22 %"
    assert 21.5 < decline < 22
    assert t["R4"].target == 30
    assert not t["R4"].measurements
    for rid in ("R1", "R2", "R3", "R4"):
        assert t[rid].deadline == dt.date(2010, 12, 31)


def test_jk_target_group_development(jk: Plan) -> None:
    mg = _targets(jk)["MG"]
    assert mg.baseline == 9500
    assert _actuals(mg) == [7774, 7183]
    assert _forecasts(mg) == [6000]
    decline = (9500 - 7183) / 9500 * 100  # "altså et fald 25 procentpoint" (rounded)
    assert round(decline) == 24
    assert abs(decline - 25) < 1


def test_jk_consultants_by_centre_add_up_to_93(jk: Plan) -> None:
    centres = _lines(jk, "fordeling på centre")
    assert {f.recipient: f.positions for f in centres} == {
        "JC Musvågevej": 31,
        "JC Nyropsgade": 15,
        "JC Skelbækgade": 16,
        "CJF Vester Søgade": 7,
        "CAB": 12,
        "CBSI": 5,
        "CKB": 7,
    }
    assert sum(f.positions or 0 for f in centres) == 93
    # derived amounts: 93 consultants a year = the "forventede udgift ... 34,9 mill. kr."
    assert all(f.amount == (f.positions or 0) * CONSULTANT for f in centres)
    assert sum(f.amount for f in centres) == 93 * CONSULTANT == 34_875_000
    expected_2008 = [f for f in _lines(jk, "Københavns Kommune 2007-2008") if f.positions]
    assert any(round(f.amount / 1e5) == round(93 * CONSULTANT / 1e5) for f in expected_2008)


def test_jk_hires_per_area_add_up_to_87_not_93(jk: Plan) -> None:
    # the account's areas A-D grant 44 + 21 + 4 + 18 consultants; the centre table says 93
    t = _targets(jk)
    granted = [t[i].target or 0 for i in ("A/1", "B/1", "C/1", "D/1")]
    hired = [_actuals(t[i])[0] for i in ("A/1", "B/1", "C/1", "D/1")]
    assert granted == [44, 21, 4, 18]
    assert sum(granted) == 87 != 93
    assert hired == [37, 21, 4, 18]


def test_jk_grant_lines(jk: Plan) -> None:
    grant = _lines(jk, "hovedkonto 6, administration (løn)")
    assert [(f.year, f.amount, f.recipient) for f in grant] == [
        (year, 26_898_526, "Københavns Kommune") for year in (2007, 2008, 2009, 2010)
    ]
    # "et beløb svarende til 71 jobkonsulenter à 375.000 kr.": 71.7 posts, rounded down
    assert 26_898_526 // CONSULTANT == 71
    assert 71 * CONSULTANT == 26_625_000 != 26_898_526
    assert all(f.positions == 71 for f in grant)
    (pool,) = _lines(jk, "AMS pulje")
    assert pool.amount == 300_000_000
    assert pool.recipient == "15 kommuner"


def test_jk_spending_and_carry_over(jk: Plan) -> None:
    lines = {
        (f.year, f.kind, f.positions): f.amount for f in _lines(jk, "Københavns Kommune 2007-2008")
    }
    allocated_2007 = lines[(2007, FundingKind.BUDGET, 93)]
    spent_2007 = lines[(2007, FundingKind.SPENT, None)]
    carried = lines[(2007, FundingKind.CARRY_OVER, None)]
    pool_2008 = lines[(2008, FundingKind.BUDGET, None)]
    expected_2008 = lines[(2008, FundingKind.EXPECTED, 93)]
    # 14,530 mill. = 93 consultants for 5/12 of a year at 375.000
    assert abs(allocated_2007 - 93 * CONSULTANT * 5 / 12) < 2_000
    # "mindreforbrug på ca. 14 mill." = grant - spent, rounded
    assert round((26_898_526 - spent_2007) / 1e6) == carried / 1e6 == 14
    # "samlede pulje ... 40,9 mill." = 26,9 + 14
    assert round((26_898_526 + carried) / 1e5) == pool_2008 / 1e5 == 409
    # "inden for rammerne af den samlede bevilling"
    assert expected_2008 <= pool_2008


def test_jk_allocation_table(jk: Plan) -> None:
    table = _lines(jk, "AMS bilag 2: fordeling af midlerne")
    assert len(table) == 15
    recipients = [f.recipient for f in table]
    assert recipients[:5] == ["København", "Århus", "Odense", "Ålborg", "Esbjerg"]
    rows = []
    for line in table:
        match = TABLE_NOTE.search(line.note or "")
        assert match, line.note
        posts, count, whole, frac, population = match.groups()
        assert line.positions == int(posts)
        assert line.amount == int(posts) * CONSULTANT  # derived: posts x 375.000
        share = float(f"{whole}.{frac}")
        assert abs(int(count) / int(population) * 100 - share) < 0.006, line.recipient
        rows.append((line.recipient, int(count)))
    counts = [c for _, c in rows]
    # "De 15 kommuner har sammenlagt 23.777 ... svarende til 56 pct. af ... (42.266)"
    assert sum(counts) == 23_777
    assert round(sum(counts) / 42_266 * 100) == 56
    # the five named first have the largest absolute numbers
    assert {r for r, _ in sorted(rows, key=lambda r: -r[1])[:5]} == set(recipients[:5])
    # minimum grant: five consultants; ca. 194 consultants x 4 years ≈ "ca. 300 mio. kr."
    assert min(f.positions or 0 for f in table) == 5
    posts = sum(f.positions or 0 for f in table)
    assert posts == 194
    assert abs(posts * CONSULTANT * 4 - 300_000_000) / 300_000_000 < 0.05
    # Copenhagen's row matches its grant: 9.519 ≈ "ca. 9.500 (medio 2005)", 71 posts
    assert rows[0] == ("København", 9519)
    assert table[0].positions == 71


# --- quotes ---------------------------------------------------------------------------------


def _canon(text: str) -> str:
    """Drop whitespace and hyphens: PDF line breaks split words and sentences anywhere."""
    return re.sub(r"[\s\-]+", "", text)


@pytest.mark.parametrize("name", [Q3, JK])
def test_reported_texts_are_verbatim_quotes(name: str) -> None:
    source = _canon("".join((EXAMPLES / name / s).read_text("utf-8") for s in SOURCES[name]))
    quoted = [t for t in _load(name).iter_targets() if t.reported_text]
    assert quoted
    for target in quoted:
        assert _canon(target.reported_text or "") in source, target.id


@pytest.mark.parametrize("name", [Q3, JK])
def test_every_reported_status_has_its_quote(name: str) -> None:
    for target in _load(name).iter_targets():
        if target.reported_status is not None:
            assert target.reported_text, target.id


# --- evaluation -----------------------------------------------------------------------------


# The document's verdict vs the engine's (default rules) where the document states one; the
# disagreements are explained in each example's README.
# Every stated verdict agrees since the examples are encoded as the documents read: 1.2/2
# is judged in 2010, 1.7/3 has its forecast of 0, 1.2/1 its forecast after the deadline.
AGREEMENT = {Q3: (10, 10), JK: (4, 4)}
DISAGREEMENTS: dict[str, dict[str, tuple[str, str]]] = {Q3: {}, JK: {}}


def _report_dict(name: str) -> dict[str, object]:
    report = goalcheck.evaluate(_load(name), AS_OF[name])
    data: dict[str, object] = report.to_dict()
    return data


@pytest.mark.parametrize("name", [Q3, JK])
def test_evaluation_at_the_document_date_is_deterministic(name: str) -> None:
    first = json.dumps(_report_dict(name), sort_keys=True, ensure_ascii=False)
    second = json.dumps(_report_dict(name), sort_keys=True, ensure_ascii=False)
    assert first == second
    data = json.loads(first)
    assert data["as_of"] == AS_OF[name].isoformat()
    assert [r["id"] for r in data["results"]] == [t.id for t in _load(name).iter_targets()]


@pytest.mark.parametrize("name", [Q3, JK])
def test_golden_report(name: str) -> None:
    path = GOLDEN / f"{name}.json"
    data = _report_dict(name)
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if os.environ.get("GOALCHECK_REGEN_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path}: run with GOALCHECK_REGEN_GOLDEN=1"
    assert json.loads(path.read_text("utf-8")) == json.loads(text), (
        f"the report of {name} differs from {path.name}: if the engine or rules changed on "
        "purpose, review and regenerate with GOALCHECK_REGEN_GOLDEN=1"
    )


@pytest.mark.parametrize("name", [Q3, JK])
def test_document_verdicts_vs_engine(name: str) -> None:
    plan = _load(name)
    report = goalcheck.evaluate(plan, AS_OF[name])
    stated = {t.id: t.reported_status for t in plan.iter_targets() if t.reported_status}
    engine = {tid: report[tid].status for tid in stated}
    agree = sum(stated[tid] == engine[tid] for tid in stated)
    assert (agree, len(stated)) == AGREEMENT[name]
    differ = {tid: (stated[tid], engine[tid]) for tid in stated if stated[tid] != engine[tid]}
    assert differ == DISAGREEMENTS[name]


@pytest.mark.parametrize("name", [Q3, JK])
def test_examples_round_trip_through_toml(name: str, tmp_path: Path) -> None:
    plan = _load(name)
    path = tmp_path / "plan.toml"
    goalcheck.write_plan(plan, path)
    again = goalcheck.load_plan(path)
    assert again == plan
    assert goalcheck.dump_plan(again) == goalcheck.dump_plan(plan)


STATUSES = {"met", "on_track", "at_risk", "not_evaluable"}


def _known_at(plan: Plan, day: dt.date) -> Plan:
    """The plan as it was known on *day*: actuals dated, forecasts made, on or before it."""

    def keep(target: Target) -> Target:
        kept = [
            m
            for m in target.measurements
            if (m.made_on or m.date if m.kind is MeasurementKind.FORECAST else m.date) <= day
        ]
        return attrs.evolve(target, measurements=kept)

    return attrs.evolve(
        plan,
        targets=[keep(t) for t in plan.targets],
        initiatives=[
            attrs.evolve(i, targets=[keep(t) for t in i.targets]) for i in plan.initiatives
        ],
    )


@settings(max_examples=25)
@given(
    name=st.sampled_from([Q3, JK]),
    day=st.dates(min_value=dt.date(2006, 1, 1), max_value=dt.date(2012, 12, 31)),
)
def test_any_date_evaluates_every_target_using_only_what_was_known(
    name: str, day: dt.date
) -> None:
    plan = _load(name)
    report = goalcheck.evaluate(plan, day)
    assert [r.target_id for r in report] == [t.id for t in plan.iter_targets()]
    assert {r.status for r in report} <= STATUSES
    # nothing reported after the evaluation date changes the verdicts
    earlier = goalcheck.evaluate(_known_at(plan, day), day)
    assert [(r.target_id, r.status, r.rule) for r in earlier] == [
        (r.target_id, r.status, r.rule) for r in report
    ]
