"""Scale-out on Dask: the batch function mapped over a partitioned parquet dataset.

The dataset is in the *nested* layout (one row per target, its measurements in a list
column; see :func:`goalcheck.frame.evaluate_batch`), so any partitioning by target keeps a
target with its measurements and each partition is judged on its own.  Needs the ``dask``
extra (``pip install 'goalcheck[dask]'``).
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import polars as pl

from goalcheck.engine import resolve_as_of

__all__ = ["evaluate_dask", "evaluate_partition"]


def evaluate_partition(
    partition: Any, as_of: dt.date, rules: Any, parameters: dict[str, Any]
) -> Any:
    """One Dask partition (a pandas DataFrame) -> its results (a pandas DataFrame)."""
    from goalcheck._columnar import evaluate_nested

    frame = pl.from_pandas(partition.reset_index(drop=True))
    result = evaluate_nested(frame, as_of, rules, parameters)
    return result.to_pandas(use_pyarrow_extension_array=True)


def _meta(path: str, as_of: dt.date, rules: Any, parameters: dict[str, Any]) -> Any:
    """The result's columns and types, from the first few targets of the dataset."""
    import glob

    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    files = sorted(glob.glob(os.path.join(path, "*.parquet"))) if os.path.isdir(path) else [path]
    first = next(pq.ParquetFile(files[0]).iter_batches(batch_size=8))
    from goalcheck._columnar import evaluate_nested

    sample = evaluate_nested(first, as_of, rules, parameters)
    return sample.to_pandas(use_pyarrow_extension_array=True).iloc[:0]


def evaluate_dask(
    path: str | os.PathLike[str],
    as_of: dt.date | str,
    rules: Any = "default",
    *,
    workers: int = 2,
    processes: bool = True,
    client: Any = None,
    **parameters: Any,
) -> pl.DataFrame:
    """Judge a partitioned parquet dataset on a Dask cluster; the results as one table.

    Without *client*, starts a ``dask.distributed.LocalCluster`` of *workers* worker
    processes (threads with ``processes=False``) for the call and closes it afterwards.
    """
    import dask.dataframe as dd
    from dask.distributed import Client, LocalCluster

    day = resolve_as_of(as_of)
    source = os.fspath(path)
    meta = _meta(source, day, rules, dict(parameters))
    frame = dd.read_parquet(source, dtype_backend="pyarrow")
    results = frame.map_partitions(
        evaluate_partition, day, rules, dict(parameters), meta=meta, align_dataframes=False
    )
    if client is not None:
        return pl.from_pandas(client.compute(results).result())
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers,
            threads_per_worker=1,
            processes=processes,
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as local,  # type: ignore[no-untyped-call]
    ):
        return pl.from_pandas(local.compute(results).result())
