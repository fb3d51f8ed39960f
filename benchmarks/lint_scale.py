"""Time ``lint_rules`` on generated rule sets of N rules (not a test; run by hand).

    python benchmarks/lint_scale.py 1000            # "small" rules, as in the security review
    python benchmarks/lint_scale.py 1000 --kind bands

Prints one JSON line: rules, seconds, findings by kind.  The "small" rule set is the security
review's (``value > i and pace >= 0.d``, then a catch-all), where most rules are shadowed.
"""

from __future__ import annotations

import argparse
import collections
import json
import tempfile
import time
from pathlib import Path

from goalcheck.lint import lint_rules

HEADER = """name = "many"
version = "1"
[statuses.a]
label_en = "a"
label_da = "a-da"
severity = 0
[statuses.b]
label_en = "b"
label_da = "b-da"
severity = 1
"""


def when(kind: str, i: int) -> str:
    if kind == "small":
        return f"value > {i} and pace >= 0.{i % 9 + 1}"
    # disjoint bands: nothing shadowed, one gap-free partition
    return f"{i} <= value < {i + 1} and (satisfied or pace >= 0.{i % 9 + 1})"


def write(kind: str, n: int, path: Path) -> None:
    parts = [HEADER]
    for i in range(n):
        parts.append(
            f'\n[[rules]]\nid = "r{i}"\nwhen = "{when(kind, i)}"\nstatus = "a"\n'
            f'reason_en = "rule {i}"\nreason_da = "regel {i}"\n'
        )
    parts.append('\n[[rules]]\nid = "catch"\nwhen = "true"\nstatus = "b"\n')
    parts.append('reason_en = "x"\nreason_da = "x"\n')
    path.write_text("".join(parts), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int)
    parser.add_argument("--kind", choices=("small", "bands"), default="small")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rules.toml"
        write(args.kind, args.n, path)
        start = time.perf_counter()
        findings = lint_rules(path)
        seconds = time.perf_counter() - start
    kinds = collections.Counter(finding.kind for finding in findings)
    sampled = sum("sampling" in finding.message for finding in findings)
    print(
        json.dumps(
            {
                "rules": args.n + 1,
                "kind": args.kind,
                "seconds": round(seconds, 2),
                "findings": dict(kinds),
                "by_sampling": sampled,
            }
        )
    )


if __name__ == "__main__":
    main()
