"""The names a rule may use: facts of one target at one date.

This table is the single source of truth shared by the expression checker (which rejects
unknown names when a rule set loads), the fact computation (which must produce exactly these),
lint (which uses the types) and the reference docs (which are generated from it).
"""

from __future__ import annotations

import attrs

from goalcheck._lang.types import Kind

__all__ = ["FACTS", "FactInfo"]


@attrs.frozen
class FactInfo:
    """What a fact is: its kind (number, bool or date), meaning and formula.

    ``type`` is the kind's name (``"number"``, ``"bool"``, ``"date"``), kept for callers that
    compare strings; ``kind`` is the :class:`~goalcheck._lang.types.Kind` itself.
    """

    name: str
    type: str
    meaning: str
    formula: str = ""
    kind: Kind = attrs.field(init=False)

    @kind.default
    def _kind(self) -> Kind:
        return Kind(self.type)


def _facts(*rows: tuple[str, str, str, str]) -> dict[str, FactInfo]:
    return {name: FactInfo(name, kind, meaning, formula) for name, kind, meaning, formula in rows}


FACTS: dict[str, FactInfo] = _facts(
    (
        "value",
        "number",
        "the metric at as_of: the latest actual (level, and cumulative: the running total "
        "as reported), or the baseline plus the amounts so far (sum)",
        "level, cumulative: last actual by date; sum: baseline + sum(actuals)",
    ),
    ("measured_on", "date", "date of the latest actual", "max(actual.date)"),
    (
        "n_actual",
        "number",
        "number of actuals counted (on or before as_of, within the window)",
        "count(actuals)",
    ),
    ("staleness_days", "number", "days since the latest actual", "as_of - measured_on"),
    (
        "target",
        "number",
        "the threshold in force: the next checkpoint due, relative targets resolved, "
        "1 for a milestone, the lower bound of a band",
        "absolute: baseline + change; percent: baseline * (1 + change / 100)",
    ),
    ("target_high", "number", "upper bound of a 'between' band (resolved)", ""),
    (
        "direction",
        "number",
        "+1 higher is better, -1 lower is better, 0 a band",
        "at_least, increase, milestone: +1; at_most, decrease: -1; between: 0",
    ),
    ("undetermined", "bool", "the target needs a number the plan does not give", ""),
    ("milestone", "bool", "the target is a milestone (done or not)", ""),
    (
        "cumulative",
        "bool",
        "the metric counts up within its window (accumulation 'cumulative' or 'sum')",
        "",
    ),
    (
        "satisfied",
        "bool",
        "value meets the target",
        "at_least: v >= t; at_most: v <= t; between: lo <= v <= hi; increase: v > b; "
        "decrease: v < b; milestone: an actual >= 1 was reported",
    ),
    (
        "baseline",
        "number",
        "starting value (0 at start for cumulative targets unless given; 0 each year for "
        "yearly cumulative targets)",
        "",
    ),
    ("baseline_date", "date", "date of the baseline (the start when not given)", ""),
    (
        "start",
        "date",
        "start of the evaluated period (1 January for yearly targets)",
        "target.start, else the plan period's start",
    ),
    (
        "deadline",
        "date",
        "the date the threshold in force is due (31 December for yearly targets, the "
        "checkpoint's date for trajectories)",
        "",
    ),
    (
        "progress",
        "number",
        "share of the way from baseline to target (to the nearer edge of a band)",
        "(v - b) / (t - b)",
    ),
    (
        "elapsed",
        "number",
        "share of the period start to deadline elapsed at measured_on",
        "(measured_on - origin) / (deadline - origin) in days, origin = end of the day "
        "before start (or the baseline date)",
    ),
    ("elapsed_now", "number", "share of the period elapsed at as_of", "as elapsed, at as_of"),
    ("pace", "number", "progress relative to elapsed time", "progress / elapsed"),
    (
        "projected",
        "number",
        "least-squares linear trend through the baseline point and the actuals, at the "
        "deadline (needs 2 points on distinct dates)",
        "a + b * deadline",
    ),
    ("projected_satisfied", "bool", "projected meets the target", "as satisfied, for projected"),
    (
        "forecast",
        "number",
        "the latest forecast made on or before as_of and due between as_of and the deadline",
        "",
    ),
    ("forecast_date", "date", "the date the forecast is due", ""),
    ("forecast_satisfied", "bool", "forecast meets the target", "as satisfied, for forecast"),
    (
        "overdue",
        "bool",
        "as_of is after the deadline (false without a deadline)",
        "as_of > deadline",
    ),
    ("days_left", "number", "days from as_of to the deadline", "deadline - as_of"),
    (
        "years_left",
        "number",
        "calendar-exact years from as_of to the deadline (negative when overdue)",
        "years_between(as_of, deadline)",
    ),
    (
        "growth",
        "number",
        "direction-adjusted compound annual growth rate from baseline to value (a fraction: "
        "0.015 = 1.5 % a year in the good direction)",
        "d * ((v / b) ** (1 / years(baseline_date, measured_on)) - 1)",
    ),
    (
        "growth_required",
        "number",
        "compound annual growth rate needed from baseline to target by the deadline (signed)",
        "(t / b) ** (1 / years(baseline_date, deadline)) - 1",
    ),
    (
        "growth_ratio",
        "number",
        "observed over required growth (1 = exactly on the required path)",
        "growth / abs(growth_required)",
    ),
    (
        "anticipated_ratio",
        "number",
        "anticipated share of the way at the deadline if the observed growth rate continues",
        "(v * (1 + CAGR) ** years(measured_on, deadline) - b) / (t - b)",
    ),
    (
        "late_forecast",
        "number",
        "the latest forecast made on or before as_of and due after the deadline",
        "",
    ),
    ("late_forecast_date", "date", "the date the late forecast is due", ""),
    (
        "expected_late",
        "bool",
        "only a forecast due after the deadline says the target will be met: expected late "
        "(never for a recurring goal, whose later forecasts are about a later period)",
        "not recurring, late_forecast meets the target and forecast_satisfied is not true",
    ),
    (
        "met_on",
        "date",
        "the first day (in the window, up to as_of) whose value met the target",
        "min(day: value(day) meets t)",
    ),
    (
        "met_late",
        "bool",
        "the target was first met after its deadline (false if on time or never)",
        "met_on > deadline",
    ),
    (
        "overdue_unreported",
        "bool",
        "the deadline has passed and no actual was reported (in the window)",
        "overdue and n_actual == 0",
    ),
    ("limit", "number", "a natural limit of the metric (Target.limit)", "target.limit"),
    (
        "limit_coefficient",
        "number",
        "Open SDG's scaling of a direction-only target's growth thresholds near its limit "
        "(1 far from it or without one, 0 at it; 1 beside a numeric target)",
        "b = |baseline|, L = |limit|: 1 if b >= 2L; 1 - (b/L)**4.44 if b <= L; "
        "else 1 - ((2L - b)/L)**4.44",
    ),
    (
        "target_met",
        "bool",
        "Open SDG's target-met test: a numeric target reached by the value, a target of 0 "
        "read as 0.001; never for direction-only targets",
        "at_least: v >= t; at_most: v <= t (t = 0.001 when 0); between, milestone: satisfied",
    ),
    (
        "progress_value",
        "number",
        "Open SDG's (sdg-build 2.4) progress value: R with a target, g without; sign -1 for "
        "a negative baseline, a baseline or target of 0 read as 0.001; None for opposite "
        "signs, less than a year or no required growth",
        "g = sign * d * CAGR(v, b); R = g / |CAGR(t, b)| (years per the rule set)",
    ),
    (
        "score",
        "number",
        "Open SDG's series score from -5 to 5 (5 when target_met; None without a progress "
        "value); the mean_score rollup averages it",
        "with a target: R >= 0.6: min(7.1429 R - 4.2857, 5), else max(4.1667 R - 2.5, -5); "
        "without: g < 0: max(125 g - 2.5, -5); C = 0: 5; g >= 0.015C: min(500 g/C - 5, 5); "
        "g >= 0.005C: 250 g/C - 1.25; else 500 g/C - 2.5",
    ),
    # funding facts (issue 14, goalcheck._funding): None for goals, set for budget targets
    ("budget_line", "bool", "the target is a budget target derived from funding lines", ""),
    (
        "allocated",
        "number",
        "the grant year's allocation: its budget lines plus the carry-over from the year before",
        "sum(budget) + carried_in",
    ),
    ("carried_in", "number", "carried over into this year from the year before", ""),
    (
        "spent",
        "number",
        "spending to date: the spent lines dated on or before as_of (None without any)",
        "sum(spent, date <= as_of)",
    ),
    ("spent_share", "number", "share of the allocation spent to date", "spent / allocated"),
    (
        "expected_share",
        "number",
        "share of the grant year elapsed at as_of: the share a linear spending would have spent",
        "days elapsed / days in the year, 0..1",
    ),
    (
        "forecast_spend",
        "number",
        "spending by the end of the grant year: what was spent once the year is over, else "
        "the latest expected line made by as_of, else a linear projection",
        "spent (year over); expected; spent / expected_share",
    ),
    ("forecast_share", "number", "forecast spend as a share", "forecast_spend / allocated"),
    ("forecast_given", "bool", "forecast_spend comes from an expected line", ""),
    (
        "unspent",
        "number",
        "the allocation left unspent at the end of the year (negative: overspent)",
        "allocated - forecast_spend",
    ),
    ("carried_over", "number", "carried over from this year into the next", ""),
    (
        "repayable",
        "number",
        "unspent and not carried over: to be repaid at the end of the grant year",
        "max(0, unspent - carried_over)",
    ),
    ("grant_year_over", "bool", "as_of is on or after the last day of the grant year", ""),
)
