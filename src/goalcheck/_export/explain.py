"""``goalcheck explain``: one target's facts, every rule's outcome in order, and the verdict.

Control characters in the plan's or the rule set's text are shown escaped (``\\x1b``).
The text shows the whole chain an auditor needs: each fact with its value, meaning and formula
(from the fact vocabulary), each rule's condition with the values it read and whether it
matched, and the rule that decided with its reason.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Mapping, Sequence

import attrs

from goalcheck._export._labels import FACT_MEANINGS_DA, fmt_value, label
from goalcheck._text import visible
from goalcheck._vocabulary import FACTS
from goalcheck.model import Target
from goalcheck.report import Result
from goalcheck.rules import RuleSet, RuleTrace

__all__ = ["Explanation", "render_explanation"]


@attrs.frozen
class Explanation:
    """Everything ``explain`` shows about one target at one date."""

    target: Target
    result: Result
    as_of: dt.date
    ruleset: RuleSet
    facts: Mapping[str, object] = attrs.field(hash=False)
    trace: Sequence[RuleTrace] = attrs.field(hash=False)


def _wrap(text: str, indent: int, width: int) -> list[str]:
    pad = " " * indent
    return textwrap.wrap(text, width, initial_indent=pad, subsequent_indent=pad) or [pad]


def render_explanation(ex: Explanation, lang: str = "en", *, width: int = 80) -> str:
    """The explanation as plain text no wider than *width* columns."""
    target, result, rs = ex.target, ex.result, ex.ruleset
    out = _wrap(f"{target.id}  {target.title}".strip(), 0, width)
    rules = f"{label('rules', lang)} {rs.name} {rs.version}".rstrip()
    out.append(f"{label('as_of', lang).capitalize()} {ex.as_of.isoformat()} — {rules}")
    out += ["", f"{label('facts', lang)}:"]
    name_w = max(len(name) for name in FACTS)
    for name, info in FACTS.items():
        value = fmt_value(ex.facts.get(name), lang)
        out.append(f"  {name.ljust(name_w)}  {value}")
        meaning = FACT_MEANINGS_DA.get(name, info.meaning) if lang == "da" else info.meaning
        if info.formula:
            meaning += f" [{label('formula', lang)}: {info.formula}]"
        out += _wrap(meaning, name_w + 4, width)
    out += ["", f"{label('rule_trace', lang)}:"]
    decided = next((t.index for t in ex.trace if t.matched), -1)
    if rs.hit_policy != "first":
        decided = result_index(rs, result)
    digits = len(str(len(ex.trace)))
    indent = 6 + digits
    for item in ex.trace:
        rule = rs.rules[item.index]
        if item.matched:
            mark, outcome = "✔", label("matched", lang)
        else:
            mark, outcome = "✘", label("not_matched", lang)
        if rs.hit_policy == "first" and decided >= 0 and item.index > decided:
            mark, outcome = "·", label("not_reached", lang)
        status = rs.status(rule.status)
        status_label = status.label_da if lang == "da" else status.label_en
        number = f"{item.index + 1}.".rjust(digits + 1)
        out.append(f"  {mark} {number} {item.id} → {status_label}: {outcome}")
        out += _wrap(f"{label('when', lang)} {rule.when}", indent, width)
        if item.values:
            shown = ", ".join(f"{k} = {fmt_value(v, lang)}" for k, v in item.values.items())
            out += _wrap(shown, indent, width)
    out.append("")
    verdict = f"{label('verdict', lang)}: {result.label(lang)}"
    if result.rule is not None:
        verdict += f" ({label('by_rule', lang)} {result.rule})"
    else:
        verdict += f" ({label('no_rule', lang)})"
    out += _wrap(verdict, 0, width)
    explanation = result.explain(lang)
    if explanation:
        out += _wrap(explanation, 2, width)
    # control characters from the plan or the rule set are shown, never obeyed
    return visible("\n".join(out)) + "\n"


def result_index(rs: RuleSet, result: Result) -> int:
    """The index of the rule that decided *result* (``-1`` when none did)."""
    for index, rule in enumerate(rs.rules):
        if rule.id == result.rule:
            return index
    return -1
