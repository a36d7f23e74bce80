"""DuckLake benchmark (part of ``make bench``): the warehouse's write path on the DuckLake backend against the
single DuckDB file, on the same batches, and what the shared Postgres catalog allows.

1. **Catalog commits per second**: one-row insert transactions on a DuckLake whose catalog is a local Postgres
   (fsync on, as in production), from 1 and from 2 processes at once. Every DuckLake commit is a Postgres
   transaction on the catalog, so this is the ceiling of write transactions for all machines together.
2. **Store throughput**: ``warehouse.writes.store_batches`` of synthetic articles (10 per batch, one claim and
   one topic each), into the single file, into the DuckLake from 1 writer process, and from 2 writer processes
   at once (disjoint articles; every transaction takes the write mark, so they take turns at commit and the
   loser runs again): articles per second, commits retried.

Needs Postgres (Debian's ``postgresql``; ``tests/pgserver.py`` starts one in a temp folder); without it, prints
why and writes nothing. Prints a table and writes ``bench/results-lake.json``.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import platform
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.settings import WarehouseSettings  # noqa: E402
from tests.pgserver import postgres_bin, start_postgres  # noqa: E402

RESULTS = ROOT / "bench" / "results-lake.json"
COMMITS = 200
ARTICLES = 200
BATCH = 10


def _commits(env: dict[str, str], count: int, tag: int, out: Any) -> None:
    os.environ.update(env)
    from warehouse.backend import open_lake

    con = open_lake(WarehouseSettings.from_env(), read_only=False)
    started = time.perf_counter()
    for n in range(count):
        con.execute("insert into commit_probe values (?, ?)", [tag, n])
    out.put(time.perf_counter() - started)
    con.close()


def commit_rate(env: dict[str, str], processes: int) -> float:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [context.Process(target=_commits, args=(env, COMMITS, p, queue)) for p in range(processes)]
    for worker in workers:
        worker.start()
    seconds = [queue.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join()
    return processes * COMMITS / max(seconds)


def _store(env: dict[str, str], db: str, numbers: list[int], out: Any) -> None:
    os.environ.update(env)
    from tests.test_ducklake_concurrency import _batch, _RetryCount
    from warehouse.writes import store_batches

    retried = _RetryCount()
    logging.getLogger("warehouse.connection").addHandler(retried)
    logging.getLogger("warehouse.connection").setLevel(logging.INFO)
    started = time.perf_counter()
    for start in range(0, len(numbers), BATCH):
        store_batches(Path(db), [_batch(numbers[start : start + BATCH], "bench")])
    out.put((time.perf_counter() - started, retried.count))


def store_rate(env: dict[str, str], db: Path, writers: int) -> dict[str, float]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    share = ARTICLES // writers
    base = int(time.time() * 1000) % 10**9  # fresh article ids on every run
    shares = [list(range(base + w * share, base + (w + 1) * share)) for w in range(writers)]
    workers = [context.Process(target=_store, args=(env, str(db), numbers, queue)) for numbers in shares]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=1200) for _ in workers]
    for worker in workers:
        worker.join()
    seconds = max(r[0] for r in results)
    return {"articles_per_s": round(ARTICLES / seconds, 1), "seconds": round(seconds, 2),
            "retried_commits": sum(r[1] for r in results)}  # fmt: skip


def main() -> int:
    if postgres_bin() is None:
        print("lake bench: skipped, Postgres is not installed (make postgres)")
        return 0
    server = start_postgres(durable=True)
    tmp = Path(tempfile.mkdtemp(prefix="claimtrack-lake-bench-"))
    try:
        lake_env = {
            "CLAIMTRACK_WAREHOUSE": "ducklake",
            "CLAIMTRACK_LAKE_CATALOG": server.create_database("bench"),
            "CLAIMTRACK_LAKE_DATA": str(tmp / "lake"),
        }
        (tmp / "lake").mkdir()
        os.environ.update(lake_env)
        from warehouse.backend import open_lake
        from warehouse.writes import ensure_schema

        ensure_schema(tmp / "lake.duckdb")
        con = open_lake(WarehouseSettings.from_env(), read_only=False)
        con.execute("create table commit_probe (tag integer, n integer)")
        con.close()
        results: dict[str, Any] = {
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "catalog_commits_per_s_1_process": round(commit_rate(lake_env, 1), 1),
            "catalog_commits_per_s_2_processes": round(commit_rate(lake_env, 2), 1),
        }
        file_env = {"CLAIMTRACK_WAREHOUSE": "duckdb"}
        results["store_file_1_writer"] = store_rate(file_env, tmp / "file.duckdb", 1)
        results["store_lake_1_writer"] = store_rate(lake_env, tmp / "lake.duckdb", 1)
        results["store_lake_2_writers"] = store_rate(lake_env, tmp / "lake.duckdb", 2)
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    for key, value in results.items():
        print(f"{key:40} {value}")
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
