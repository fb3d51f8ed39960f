"""The encoded source documents 003 (action plan for 2007) and 002 (budget 2013).

Each example must load and validate, match the counts its README states, reproduce the
documents' own totals (the 2007 budget appendix read straight from the source text; budget
2013's funding per initiative, year and type as the text states it), quote the documents
verbatim, and evaluate deterministically at its plan date to its golden JSON report.
Regenerate the golden files only on purpose: ``GOALCHECK_REGEN_GOLDEN=1 pytest
tests/test_examples_b.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections import Counter, defaultdict
from pathlib import Path

import attrs
import pytest

import goalcheck
from goalcheck.model import (
    Direction,
    Funding,
    FundingKind,
    Measurement,
    Plan,
    Target,
    validate_plan,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
GOLDEN = Path(__file__).resolve().parent / "golden"

HP = "handlingsplan-2007"
B13 = "budget-2013"
AS_OF = {HP: dt.date(2006, 9, 5), B13: dt.date(2012, 9, 23)}
SOURCE = {HP: "source-003.txt", B13: "source-002.txt"}
MIO = 1_000_000


def _load(name: str) -> Plan:
    plan: Plan = goalcheck.load_plan(EXAMPLES / name)
    return plan


@pytest.fixture(scope="module")
def hp() -> Plan:
    return _load(HP)


@pytest.fixture(scope="module")
def b13() -> Plan:
    return _load(B13)


def _targets(plan: Plan) -> dict[str, Target]:
    return {t.id: t for t in plan.iter_targets()}


def _lines(plan: Plan) -> list[tuple[str, Funding]]:
    return [(i.id, f) for i in plan.initiatives for f in i.funding] + [
        ("", f) for f in plan.funding
    ]


def _source(name: str) -> str:
    return (EXAMPLES / name / SOURCE[name]).read_text("utf-8")


# --- loading and counts (the README tables) ---------------------------------------------------


@pytest.mark.parametrize("name", [HP, B13])
def test_example_loads_and_validates(name: str) -> None:
    plan = _load(name)
    assert plan.date == AS_OF[name]
    assert validate_plan(plan) == []
    # every plan-level target (an area's result goal) names its area
    areas = {a.id for a in plan.areas}
    for target in plan.targets:
        assert target.area in areas, target.id


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            HP,
            {
                "areas": 6,
                "initiatives": 19,
                "targets": 31,
                "plan_targets": 8,
                "effort": 23,
                "result": 8,
                "directions": {"at_least": 20, "milestone": 9, "at_most": 2},
                "undetermined": ["2/R1"],
                "with_deadline": 31,
                "yearly": 0,
                "measurements": 0,
                "funding": {"budget": 21},
                "funding_types": {
                    ("budget", "drift"): 13,
                    ("budget", "indsats"): 7,
                    ("budget", "other"): 1,
                },
                "target_groups": 16,
                "without_funding": ["4.2"],
            },
        ),
        (
            B13,
            {
                "areas": 0,
                "initiatives": 38,
                "targets": 129,
                "plan_targets": 0,
                "effort": 78,
                "result": 51,
                "directions": {
                    "at_least": 60,
                    "at_most": 4,
                    "milestone": 48,
                    "increase": 11,
                    "decrease": 6,
                },
                "undetermined": ["7.1/2", "18/3"],
                "with_deadline": 71,
                "yearly": 5,
                "measurements": 0,
                "funding": {"budget": 111, "requested": 12},
                "funding_types": {
                    ("budget", "drift"): 52,
                    ("budget", "indsats"): 41,
                    ("budget", "other"): 18,
                    ("requested", "drift"): 5,
                    ("requested", "indsats"): 1,
                    ("requested", "other"): 6,
                },
                "target_groups": 34,
                "without_funding": ["14.1", "14.2"],
            },
        ),
    ],
)
def test_counts_match_the_readme(name: str, expected: dict[str, object]) -> None:
    plan = _load(name)
    targets = list(plan.iter_targets())
    kinds = Counter(t.kind.value for t in targets)
    got = {
        "areas": len(plan.areas),
        "initiatives": len(plan.initiatives),
        "targets": len(targets),
        "plan_targets": len(plan.targets),
        "effort": kinds["effort"],
        "result": kinds["result"],
        "directions": dict(Counter(t.direction.value for t in targets)),
        "undetermined": [t.id for t in targets if t.undetermined],
        "with_deadline": sum(t.deadline is not None for t in targets),
        "yearly": sum(t.recurrence is not None for t in targets),
        "measurements": sum(len(t.measurements) for t in targets),
        "funding": dict(Counter(f.kind.value for _, f in _lines(plan))),
        "funding_types": dict(Counter((f.kind.value, f.type.value) for _, f in _lines(plan))),
        "target_groups": sum(i.target_group is not None for i in plan.initiatives),
        "without_funding": [i.id for i in plan.initiatives if not i.funding],
    }
    assert got == expected


# --- quotes ---------------------------------------------------------------------------------


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("name", [HP, B13])
def test_target_descriptions_quote_the_document(name: str) -> None:
    """A description is the document's words ("[...]" elides), then " — " and our remark."""
    source = _norm(_source(name))
    for target in _load(name).iter_targets():
        quote = target.description.split(" — ")[0]
        parts = [_norm(p) for p in quote.split("[...]") if _norm(p)]
        assert parts, target.id
        for part in parts:
            assert part in source, (target.id, part)


@pytest.mark.parametrize("name", [HP, B13])
def test_ids_are_unique_and_follow_the_scheme(name: str) -> None:
    plan = _load(name)
    for initiative in plan.initiatives:
        assert re.fullmatch(r"\d+(\.\d+)?", initiative.id), initiative.id
        for target in initiative.targets:
            assert re.fullmatch(re.escape(initiative.id) + r"/M?\d+", target.id), target.id
    for target in plan.targets:
        assert target.id == f"{target.area}/R{target.id.rsplit('R', 1)[1]}"


# --- 2007 action plan: the budget appendix, read from the source --------------------------------

ACCOUNTS = [
    ("drift", "Adm. 6.40.51 6.40.53"),
    ("indsats", "Indsats 5.68.98"),
    ("other", "Integration 5.45.60"),
]
# appendix row label -> initiative (rows without amounts map to the initiative they describe)
ROWS = {
    "Jobpatruljer/ 10 nyetablerede jobkonsulenter": "1.1",
    "Indsats som følge af jobpatruljerne": "1.1",
    "Åben rådgivning/vejledning": "1.2",
    "Samarbejde med beboere, foreninger m.v.": "1.3",
    "Indsats for ægtefæller på kontanthjælp": "2.1",
    "Varslingssystem ift. kontanthjælpsloft": "2.2",
    "Deltidsbeskæftigelse til 700 borgere": "2.3",
    "Fagligt team af eksperter til lægelig/psykologisk udredning": "2.4",
    "Trinvis intro til arb.marked via praktik, mentor m.v.": "2.5",
    "Styrket indsats for sygedagpengemodtagere": "2.6",
    "Varsling i samarbejde med Ungdomsvejledning ved frafald": "3.1",
    "Umiddelbar deltagelse i Aktiv Praktikpladssøgning": "3.2",
    "50 udd.forberedende forløb målrettet unge indvandrere": "3.3",
    "Uddannelsesmentorordning, op til 100 forløb": "3.4",
    "Permanentgørelse af projekt for kriminelle unge": "3.5",
    "Yderligere danskuddannelse til familieforsørgede": "4.1",
    "100 sprog- og beskæftigelsesforløb for kont.modtagere": "4.2",
    "Kompetenceudvikling": "5.1",
    "Relevante selvbetjeningsværktøjer": "6.2",
    "Sammenhængende IT- og kvalitetsstyringssystem": "6.1",
}
SECTION_AREAS = [("1",), ("2",), ("3",), ("4",), ("5", "6")]

Amounts = list[float | None]


@attrs.frozen
class Appendix:
    rows: list[tuple[str, Amounts]]  # (label, [I alt, Adm., Indsats, Integration])
    sections: list[tuple[str, Amounts]]  # (section title, subtotal row)
    total: Amounts


def _amount(cell: str) -> float | None:
    cell = re.sub(r"</?u>", "", cell).strip()
    return float(cell.replace(",", ".")) if cell else None


def _appendix() -> Appendix:
    text = _source(HP)
    table = text[text.index("Bilagstabel 1.") :].splitlines()[3:]
    rows: list[tuple[str, Amounts]] = []
    sections: list[tuple[str, Amounts]] = []
    title = ""
    total: Amounts = []
    for line in table:
        cells = line.split("\t")
        if len(cells) != 5:
            continue
        label, amounts = cells[0].strip(), [_amount(c) for c in cells[1:]]
        if label.startswith("<u>Initiativer i alt"):
            total = amounts
        elif label.startswith("<u>"):
            title = re.sub(r"</?u>", "", label)
        elif not label:
            sections.append((title, amounts))
        else:
            rows.append((label.removeprefix("- "), amounts))
    return Appendix(rows, sections, total)


def test_appendix_is_read_from_the_source() -> None:
    appendix = _appendix()
    assert len(appendix.rows) == 23
    assert [t for t, _ in appendix.sections] == [
        "Fokus på boligområder med høj ledighed",
        "Modvirke isolation og fattigdom",
        "Unge skal have en uddannelse",
        "Beskæftigelses via forbedret dansk",
        "Kompetencer og IT skal være i orden",
    ]
    assert appendix.total == [42.5, 25.6, 11.9, 5.0]


def test_appendix_adds_up_to_42_5_mio(hp: Plan) -> None:
    lines = _lines(hp)
    assert sum(f.amount for _, f in lines) == pytest.approx(42.5 * MIO)
    assert {f.year for _, f in lines} == {2007}
    assert {f.kind for _, f in lines} == {FundingKind.BUDGET}
    appendix = _appendix()
    for column, (ftype, account) in enumerate(ACCOUNTS, start=1):
        encoded = [f for _, f in lines if f.account == account]
        assert {f.type.value for f in encoded} == {ftype}
        assert sum(f.amount for f in encoded) == pytest.approx((appendix.total[column] or 0) * MIO)
    assert sum(a.budget or 0 for a in hp.areas) == pytest.approx(42.5 * MIO)
    assert sum(i.budget or 0 for i in hp.initiatives) == pytest.approx(42.5 * MIO)


def test_appendix_cells_are_the_funding_lines(hp: Plan) -> None:
    appendix = _appendix()
    expected: dict[tuple[str, str], float] = defaultdict(float)
    budgets: dict[str, float] = defaultdict(float)
    for label, amounts in appendix.rows:
        if label not in ROWS:
            # the sub-bullets of Kompetenceudvikling and the heading "IT" carry no amounts
            assert amounts == [None] * 4, label
            continue
        initiative = ROWS[label]
        budgets[initiative] += (amounts[0] or 0) * MIO
        for column, (_, account) in enumerate(ACCOUNTS, start=1):
            if amounts[column]:
                expected[(initiative, account)] += (amounts[column] or 0) * MIO
    got: dict[tuple[str, str], float] = defaultdict(float)
    for initiative, line in _lines(hp):
        got[(initiative, line.account or "")] += line.amount
    assert got == pytest.approx(expected)
    assert {i.id: i.budget or 0 for i in hp.initiatives} == pytest.approx(dict(budgets))


def test_two_appendix_rows_do_not_add_up_but_their_area_does(hp: Plan) -> None:
    appendix = _appendix()
    differ = {
        label: (amounts[0], sum(a or 0 for a in amounts[1:]))
        for label, amounts in appendix.rows
        if amounts[0] is not None and amounts[0] != pytest.approx(sum(a or 0 for a in amounts[1:]))
    }
    assert differ == {
        "Varslingssystem ift. kontanthjælpsloft": (2.0, 1.5),
        "Deltidsbeskæftigelse til 700 borgere": (1.0, 1.5),
    }
    initiatives = {i.id: i for i in hp.initiatives}
    for iid, (stated, cells) in {"2.2": (2.0, 1.5), "2.3": (1.0, 1.5)}.items():
        assert initiatives[iid].budget == stated * MIO
        assert sum(f.amount for f in initiatives[iid].funding) == cells * MIO
    # every section's subtotal equals both its "I alt" rows and its account cells
    areas = {a.id: a for a in hp.areas}
    for (title, subtotal), area_ids in zip(appendix.sections, SECTION_AREAS, strict=True):
        members = [i for i in hp.initiatives if i.area in area_ids]
        assert sum(i.budget or 0 for i in members) == pytest.approx((subtotal[0] or 0) * MIO)
        assert sum(f.amount for i in members for f in i.funding) == pytest.approx(
            (subtotal[0] or 0) * MIO
        ), title
        assert sum(areas[a].budget or 0 for a in area_ids) == pytest.approx(
            (subtotal[0] or 0) * MIO
        )


def test_area_budgets_are_the_texts(hp: Plan) -> None:
    # "Fokus på boligområder med høj ledighed (7 mio.kr afsat)" ... "(13,5 mio.kr. afsat)"
    text = _source(HP)
    stated = [
        float(m.replace(",", "."))
        for m in re.findall(r"\((\d+(?:,\d+)?) mio\.kr\.? afsat\)", text)
    ]
    assert stated == [7, 12, 5, 5, 13.5]
    budgets = {a.id: (a.budget or 0) / MIO for a in hp.areas}
    assert [budgets["1"], budgets["2"], budgets["3"], budgets["4"]] == stated[:4]
    assert budgets["5"] + budgets["6"] == stated[4]
    assert "42.5 mio." in text


def test_action_plan_targets(hp: Plan) -> None:
    targets = _targets(hp)
    undetermined = targets["2/R1"]
    assert undetermined.undetermined
    assert undetermined.direction is Direction.AT_MOST
    assert undetermined.target is None
    assert "[XX]" in undetermined.description
    milestone = targets["3.1/1"]
    assert milestone.direction is Direction.MILESTONE
    assert milestone.deadline == dt.date(2007, 3, 1)  # "senest 1. marts 2007"
    deadlines = {
        "1.2/1": dt.date(2007, 7, 1),  # "inden 1. juli 2007"
        "1.3/1": dt.date(2007, 1, 31),  # "primo 2007", read as January 2007 (see README)
        "6.1/1": dt.date(2007, 12, 31),  # "4. kvartal 2007"
        "6.2/1": dt.date(2007, 7, 1),  # "senest 1. juli 2007"
        "6.2/2": dt.date(2007, 12, 31),  # "senest ved udgangen af 2007"
    }
    assert {tid: targets[tid].deadline for tid in deadlines} == deadlines
    assert all(t.start == dt.date(2007, 1, 1) for t in targets.values())
    assert all(t.deadline and t.deadline.year == 2007 for t in targets.values())
    assert targets["5/R2"].direction is Direction.AT_MOST
    assert targets["5/R2"].target == 3
    sizes = {i.id: i.target_group.size for i in hp.initiatives if i.target_group}
    assert sizes["2.1"] == 1000
    assert sizes["4.1"] == 500


# --- budget 2013: funding per initiative, year and type ----------------------------------------

YEARS = (2013, 2014, 2015, 2016)


def _yearly(
    mio: float, ftype: str, years: tuple[int, ...] = YEARS
) -> dict[tuple[int, str], float]:
    return {(year, ftype): mio for year in years}


def _merge(*parts: dict[tuple[int, str], float]) -> dict[tuple[int, str], float]:
    merged: dict[tuple[int, str], float] = defaultdict(float)
    for part in parts:
        for key, value in part.items():
            merged[key] += value
    return dict(merged)


# What the text grants, per initiative (or group of parts), in mio. kr.; "årligt fra 2013 og
# frem" and the permanent Jobbanken model are read for the plan's years 2013–2016.
GRANTED: dict[tuple[str, ...], dict[tuple[int, str], float]] = {
    ("1",): {(2013, "indsats"): 4.0},  # "indsatsmidler svarende til 4,0 mio. kr. i 2013"
    ("2",): {(2013, "drift"): 3.0},  # "servicemidler svarende til 3,0 mio. kr. i 2013"
    ("3",): {(2013, "drift"): 1.0},  # "servicemidler svarende til 1,0 mio. kr. i 2013"
    ("4",): _yearly(57.6, "indsats"),  # "57,6 mio. kr. årligt fra 2013 og frem"
    ("5",): _merge(
        {(2013, "drift"): 2.0, (2013, "indsats"): 8.0},
        _yearly(2.0, "drift", (2014, 2015, 2016)),
        _yearly(4.0, "indsats", (2014, 2015, 2016)),
    ),
    ("6",): _merge({(2013, "drift"): 2.7}, _yearly(3.5, "drift", (2014, 2015, 2016))),
    ("7.1",): _yearly(4.0, "drift"),  # "4,0 mio. kr. årligt til drift i perioden fra 2013-16"
    ("7.2",): _yearly(15.0, "indsats"),  # "15 mio. kr. årligt til indsats i 2013-16"
    ("8",): {(2013, "drift"): 1.7, (2013, "other"): 2.0},  # "samlet set ... 3,7 mio. kr."
    ("9",): _yearly(2.0, "drift"),
    ("10",): _merge(
        _yearly(3.0, "drift"), {(2013, "indsats"): 12.0}, _yearly(7.0, "indsats", YEARS[1:])
    ),
    ("11",): _merge(_yearly(1.1, "drift", (2013, 2014)), _yearly(0.7, "indsats", (2013, 2014))),
    ("12",): _yearly(6.7, "other"),
    ("13",): _merge(_yearly(0.8, "drift"), _yearly(0.3, "indsats")),
    # Ungestrategi: "3,5 mio. kr. årligt til drift ... 2013-16" and "2,0 mio. kr. til indsats i
    # 2013" for all three parts, of which turboforløb "1,1 mio. kr. drift årligt" and "2 mio. kr."
    ("14", "14.1", "14.2", "14.3"): _merge(_yearly(3.5, "drift"), {(2013, "indsats"): 2.0}),
    ("14.3",): _merge(_yearly(1.1, "drift"), {(2013, "indsats"): 2.0}),
    # "samlet 3,1 mio. kr. til indsatsen i perioden 2013 – 2015 og 1,1 mio. kr. i 2016"
    ("15",): _merge(_yearly(3.1, "drift", YEARS[:3]), {(2016, "drift"): 1.1}),
    ("16",): {
        (2013, "drift"): 2.2,
        (2014, "drift"): 3.0,
        (2015, "drift"): 4.7,
        (2016, "drift"): 4.7,
    },
    ("17",): _yearly(10.0, "indsats"),
    ("18",): _yearly(45.0, "indsats"),
    ("19.1", "19.2"): _yearly(10.0, "indsats"),  # "10 mio. kr. årligt ... deles i 2"
    ("19.1",): _yearly(5.0, "indsats"),
    ("20",): {(2013, "indsats"): 5.0},
    ("21",): {},
    ("22",): {},
    ("23",): {(2013, "other"): 1.0},
    ("24",): {(2013, "other"): 1.0},
    ("25",): {(2013, "other"): 1.0},
    ("26",): {(2013, "other"): 1.75},
    ("27",): {(2013, "other"): 0.5},
    ("28",): {(2013, "other"): 0.5},
    ("29",): {(2013, "other"): 0.032},
    ("30",): {(2013, "other"): 2.0},  # "2 mio. kr." = 1,2 + 0,8
    ("31",): {(2013, "other"): 1.0},
    # 0,5 (inklusionsaftale) + 1,8 in 2013 = "en årlig udgift på 2,3 mio. kr."; 2,3 in 2014-16
    ("32",): _merge(
        {(2013, "other"): 0.5, (2013, "drift"): 1.8}, _yearly(2.3, "drift", YEARS[1:])
    ),
    ("33",): {(2013, "other"): 0.15},  # "i alt 0,150 mio. kr. i 2013"
}
REQUESTED = {
    "7.1": 7.8,  # "budgetønske på 7,8 mio. kr. årligt til drift"
    "9": 3.9,  # "Det oprindelige budgetønske var på 3,9 mio. kr."
    "10": 6.0 + 20.4,  # "6 mio. til drift og 20,4 mio. kr. til indsats årligt"
    "17": 4 * 10.2,  # "10,2 mio. kr. årligt i 2013-16"
    "21": 5.6 + 4.3,  # "5,6 mio. kr. årligt til drift"; "(i alt ca. 4,3 mio. kr.)"
    "22": 1.0,  # "1 mio. kr. årligt til drift"
    "26": 0.5,  # "yderligere 0,5 mio. kr. i 2013"
}


def _granted(plan: Plan, ids: tuple[str, ...]) -> dict[tuple[int, str], float]:
    got: dict[tuple[int, str], float] = defaultdict(float)
    for initiative, line in _lines(plan):
        if initiative in ids and line.kind is FundingKind.BUDGET:
            assert line.year is not None
            got[(line.year, line.type.value)] += line.amount / MIO
    return dict(got)


@pytest.mark.parametrize("ids", list(GRANTED), ids=lambda ids: "+".join(ids))
def test_budget_2013_funding_per_year_and_type(b13: Plan, ids: tuple[str, ...]) -> None:
    assert _granted(b13, ids) == pytest.approx(GRANTED[ids])


def test_budget_2013_every_initiative_funding_is_checked(b13: Plan) -> None:
    covered = {i for ids in GRANTED for i in ids}
    assert covered == {i.id for i in b13.initiatives}
    budget = [f for _, f in _lines(b13) if f.kind is FundingKind.BUDGET]
    assert {f.year for f in budget} == set(YEARS)
    by_year = {year: sum(f.amount for f in budget if f.year == year) / MIO for year in YEARS}
    # the totals README.md states
    assert by_year == pytest.approx({2013: 219.632, 2014: 184.6, 2015: 184.5, 2016: 182.5})
    assert sum(by_year.values()) == pytest.approx(771.232)


def test_budget_2013_requested_lines_are_apart_from_the_budget(b13: Plan) -> None:
    requested: dict[str, float] = defaultdict(float)
    for initiative, line in _lines(b13):
        if line.kind is FundingKind.REQUESTED:
            requested[initiative] += line.amount / MIO
    assert requested == pytest.approx(REQUESTED)
    # no granted money at all where the text says so ("Intet aftalt")
    for item in b13.initiatives:
        if item.basis == "Intet aftalt":
            assert all(f.kind is FundingKind.REQUESTED for f in item.funding)


def test_budget_2013_stated_sums(b13: Plan) -> None:
    targets = _targets(b13)
    # "40 mentorforløb i 2013 ... en stigning på 33 pct. i forhold til 2012, hvor ... ca. 30"
    mentor = targets["13/1"]
    assert mentor.target
    assert mentor.baseline is None  # the 30 of 2012 is a comparison, not a head start
    assert "ca. 30 mentorforløb" in mentor.description
    assert round(100 * (mentor.target / 30 - 1)) == 33
    # "60 eksisterende deltagere" + "72 nye brandkadetter" -> "ca. 130"
    assert (targets["32/1"].target or 0) + (targets["32/2"].target or 0) == pytest.approx(
        targets["32/3"].target or 0, rel=0.02
    )
    # jobrotation: 400 offentlige + 50 private = "de 450 jobrotationsforløb"
    assert (targets["8/1"].target or 0) + (targets["8/2"].target or 0) == targets["8/3"].target
    # the target group of "Langtidsledige": ca. 1.500 akademikere + ca. 2.900 ufaglærte
    groups = {i.id: i.target_group for i in b13.initiatives}
    assert groups["10"] is not None
    assert groups["10"].size == 1500 + 2900
    assert groups["16"] is not None
    assert groups["16"].size == 890
    assert groups["16"].size_date == dt.date(2012, 5, 31)


TABLE_1 = {  # Tabel 1: ledige akademikere, 0-3, 4-6, 7-12, 13-18, 19-24 mdr., I alt
    "Under 30 år": ([648, 519, 495, 194, 75], 1931),
    "Over 30 år": ([770, 663, 1175, 769, 544], 3923),
    "I alt": ([1418, 1182, 1670, 963, 619], 5854),
}


def test_budget_2013_table_1(b13: Plan) -> None:
    source = _source(B13)
    for label, (cells, total) in TABLE_1.items():
        printed = "\t".join([label, *(f"{c:,}".replace(",", ".") for c in [*cells, total])])
        assert printed in source, label
    under, over, both = (TABLE_1[k] for k in ("Under 30 år", "Over 30 år", "I alt"))
    assert [u + o for u, o in zip(under[0], over[0], strict=True)] == both[0]
    assert sum(under[0]) == under[1]
    assert under[1] + over[1] == both[1]
    # the document's own arithmetic is 2 off: the over-30 cells add up to 3.921, not 3.923
    assert sum(over[0]) == over[1] - 2
    assert sum(both[0]) == both[1] - 2
    group = {i.id: i.target_group for i in b13.initiatives}["6"]
    assert group is not None
    assert group.size == both[1]


def test_budget_2013_dates(b13: Plan) -> None:
    targets = _targets(b13)
    deadlines = {
        "1/2": dt.date(2013, 1, 1),  # "primo 2013"
        "3/2": dt.date(2012, 10, 31),  # "ultimo oktober 2012"
        "7.1/4": dt.date(2013, 7, 1),  # "medio 2013"
        "7.1/5": dt.date(2012, 11, 15),  # "inden 15. november 2012"
        "12/2": dt.date(2013, 6, 30),  # "i første halvår" (2013)
        "14.3/5": dt.date(2013, 12, 31),  # "inden udgangen af 2013"
        "16/1": dt.date(2016, 12, 31),  # "med udgangen af 2016"
        "17/M1": dt.date(2013, 2, 1),  # "Milepæl 1, 1. februar 2013"
        "17/M2": dt.date(2013, 3, 1),  # "Milepæl 2, 1. marts 2013"
        "18/5": dt.date(2013, 1, 31),  # "31-1-2013"
        "28/6": dt.date(2013, 12, 31),  # "2. halvår 2013"
        "29/2": dt.date(2014, 5, 31),  # "senest maj 2014"
    }
    assert {tid: targets[tid].deadline for tid in deadlines} == deadlines
    assert targets["18/4"].start == dt.date(2012, 10, 1)
    assert targets["15/1"].deadline == dt.date(2015, 12, 31)
    # printed "inden januar 2012", before the plan's own date: read as January 2013
    printed = targets["16/3"]
    assert "date-as-printed" in printed.tags
    assert printed.deadline == dt.date(2012, 12, 31)
    plan_date = b13.date
    assert plan_date is not None
    assert printed.deadline > plan_date
    # windows: 2013-only money is judged in 2013; steps due in 2012 start in 2012
    for tid in ("8/1", "8/2", "8/3", "8/4", "14.3/1", "26/1", "28/2", "28/3", "30/1"):
        assert targets[tid].deadline == dt.date(2013, 12, 31), tid
    for tid in ("2/1", "3/2", "7.1/5", "7.1/6", "14.1/2", "14.2/3", "16/3"):
        assert targets[tid].start == dt.date(2012, 1, 1), tid
    for tid in ("6/1", "11/2", "18/1", "18/2"):  # "op til": a ceiling
        assert targets[tid].direction is Direction.AT_MOST, tid
    assert targets["16/2"].baseline == 890
    for tid in ("7.1/2", "18/3"):
        assert targets[tid].undetermined
        assert " x " in targets[tid].description


# --- evaluation -----------------------------------------------------------------------------


def _report_dict(name: str) -> dict[str, object]:
    report = goalcheck.evaluate(_load(name), AS_OF[name])
    data: dict[str, object] = report.to_dict()
    return data


@pytest.mark.parametrize("name", [HP, B13])
def test_evaluation_at_the_plan_date_is_deterministic(name: str) -> None:
    first = json.dumps(_report_dict(name), sort_keys=True, ensure_ascii=False)
    second = json.dumps(_report_dict(name), sort_keys=True, ensure_ascii=False)
    assert first == second
    data = json.loads(first)
    assert data["as_of"] == AS_OF[name].isoformat()
    plan = _load(name)
    assert [r["id"] for r in data["results"]] == [t.id for t in plan.iter_targets()]
    # a plan before any measurement: nothing can be judged yet; "[XX]" and "x" say why
    rules = {r["id"]: (r["status"], r["rule"]) for r in data["results"]}
    undetermined = {t.id for t in plan.iter_targets() if t.undetermined}
    assert rules == {
        t.id: ("not_evaluable", "undetermined" if t.id in undetermined else "no-data")
        for t in plan.iter_targets()
    }


@pytest.mark.parametrize("name", [HP, B13])
def test_golden_report(name: str) -> None:
    path = GOLDEN / f"{name}.json"
    data = _report_dict(name)
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if os.environ.get("GOALCHECK_REGEN_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path}: run with GOALCHECK_REGEN_GOLDEN=1"
    assert json.loads(path.read_text("utf-8")) == json.loads(text)


def _with(plan: Plan, target_id: str, *measurements: Measurement) -> Plan:
    """The plan with *measurements* added to one initiative target."""

    def add(target: Target) -> Target:
        if target.id != target_id:
            return target
        updated: Target = attrs.evolve(target, measurements=(*target.measurements, *measurements))
        return updated

    # attrs' mypy plugin types evolve() arguments as the converter's (tuple) input
    initiatives = [
        attrs.evolve(i, targets=tuple(add(t) for t in i.targets))  # type: ignore[misc]
        for i in plan.initiatives
    ]
    changed: Plan = attrs.evolve(plan, initiatives=tuple(initiatives))  # type: ignore[arg-type]
    return changed


def test_action_plan_encoding_evaluates_as_the_document_means(hp: Plan) -> None:
    """A status update on the encoded plan: the milestone's date and the count's year work."""
    done = _with(hp, "3.1/1", Measurement(date=dt.date(2007, 2, 20), value=1))
    assert goalcheck.evaluate(done, dt.date(2007, 3, 1))["3.1/1"].status == "met"
    late = goalcheck.evaluate(hp, dt.date(2007, 3, 2))["3.1/1"]
    # overdue and no completion report: an overdue milestone without a report is at risk
    assert (late.status, late.rule) == ("at_risk", "milestone-unreported")
    half = _with(hp, "2.3/1", Measurement(date=dt.date(2007, 6, 30), value=350))
    assert goalcheck.evaluate(half, dt.date(2007, 6, 30))["2.3/1"].status == "on_track"
    short = _with(hp, "2.3/1", Measurement(date=dt.date(2007, 12, 31), value=350))
    assert goalcheck.evaluate(short, dt.date(2008, 1, 15))["2.3/1"].status == "at_risk"
    xx = _with(hp, "1.1/1", Measurement(date=dt.date(2007, 12, 31), value=95))
    report = goalcheck.evaluate(xx, dt.date(2008, 1, 15))
    assert report["1.1/1"].status == "met"
    assert report["2/R1"].status == "not_evaluable"


def test_budget_2013_encoding_evaluates_as_the_document_means(b13: Plan) -> None:
    """The audit's probes: 13/1 has no head start, 2/1 counts 2012, 8/1 is judged in 2013."""
    day = dt.date(2013, 6, 30)
    mentors = _with(b13, "13/1", Measurement(date=day, value=10))
    assert goalcheck.evaluate(mentors, day)["13/1"].status == "at_risk"
    places = _with(b13, "2/1", Measurement(date=dt.date(2012, 12, 15), value=300))
    assert goalcheck.evaluate(places, day)["2/1"].status == "met"
    rotation = _with(b13, "8/1", Measurement(date=day, value=150))
    assert goalcheck.evaluate(rotation, day)["8/1"].status == "at_risk"
    # 16/3 read as due by the end of 2012: not overdue at the plan date
    assert goalcheck.evaluate(b13, dt.date(2012, 10, 1))["16/3"].facts["overdue"] is False


@pytest.mark.parametrize("name", [HP, B13])
def test_examples_round_trip_through_toml(name: str, tmp_path: Path) -> None:
    plan = _load(name)
    path = tmp_path / "plan.toml"
    goalcheck.write_plan(plan, path)
    again = goalcheck.load_plan(path)
    assert again == plan
