"""Scale-out: a real dask.distributed LocalCluster with two worker processes equals one process."""

from __future__ import annotations

import datetime as dt

import pytest

pl = pytest.importorskip("polars")
pytest.importorskip("dask.dataframe")
pytest.importorskip("distributed")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from goalcheck import strategies as gst  # noqa: E402
from goalcheck._columnar._convert import nest, tables_from_targets  # noqa: E402
from goalcheck._columnar._dask import evaluate_dask  # noqa: E402
from goalcheck.frame import evaluate_batch, evaluate_frame  # noqa: E402

AS_OF = dt.date(2024, 6, 30)
# rules over facts both engines compute (the shipped ones may use facts the columnar backend
# does not mirror yet, which it refuses by name)
RULES = """
name = "small"
version = "1"
description = ""
hit_policy = "first"
[statuses.ok]
label_en = "ok"
label_da = "ok"
severity = 0
[statuses.bad]
label_en = "bad"
label_da = "dårlig"
severity = 1
[[rules]]
id = "met"
when = "satisfied or projected_satisfied"
status = "ok"
reason_en = "{value}"
reason_da = "{value}"
[[rules]]
id = "pace"
when = "pace >= 0.9 and not overdue"
status = "ok"
reason_en = "{pace}"
reason_da = "{pace}"
[[rules]]
id = "otherwise"
when = "true"
status = "bad"
reason_en = "-"
reason_da = "-"
"""


@pytest.fixture(scope="module")
def rules(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("rules") / "small.toml"
    path.write_text(RULES, encoding="utf-8")
    return str(path)


def _dataset(targets: list) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    seen: set[str] = set()
    unique = [t for t in targets if not (t.id in seen or seen.add(t.id))]
    return tables_from_targets(unique)


@settings(max_examples=1, deadline=None, suppress_health_check=list(HealthCheck))
@given(targets=st.lists(gst.targets(), min_size=40, max_size=60))
def test_local_cluster_equals_single_process(targets, tmp_path_factory, rules) -> None:
    tables = _dataset(targets)
    nested = nest(*tables)
    folder = tmp_path_factory.mktemp("nested")
    size = -(-nested.height // 4)
    for k in range(4):  # four partitions for two workers
        nested.slice(k * size, size).write_parquet(folder / f"part-{k}.parquet")
    single = evaluate_frame(tables[0], tables[1], AS_OF, rules, checkpoints=tables[2])
    distributed = evaluate_dask(folder, AS_OF, rules, workers=2, processes=True)
    assert distributed.sort("id").select(single.columns).equals(single.sort("id"))


def test_batch_function_equals_evaluate_frame(rules: str) -> None:
    from goalcheck.model import Checkpoint, Measurement, Target

    targets = [
        Target(
            "a",
            "at_least",
            target=10,
            baseline=1,
            start="2024-01-01",
            deadline="2024-12-31",
            measurements=[Measurement("2024-03-31", 4), Measurement("2024-09-30", 9, "forecast")],
        ),
        Target(
            "b",
            "at_most",
            target=50,
            baseline=60,
            start="2023-01-01",
            deadline="2025-12-31",
            checkpoints=[Checkpoint("2024-12-31", 55)],
            measurements=[Measurement("2024-01-31", 58)],
        ),
        Target("c", "milestone", deadline="2024-12-31"),
    ]
    tables = tables_from_targets(targets)
    nested = nest(*tables)
    expected = evaluate_frame(tables[0], tables[1], AS_OF, rules, checkpoints=tables[2])
    for batch in (
        nested,
        nested.to_arrow(),
        nested.to_arrow().to_batches()[0],
        nested.to_pandas(),
    ):
        assert evaluate_batch(batch, AS_OF, rules).equals(expected)
