"""Several processes writing one DuckLake at once (``CLAIMTRACK_WAREHOUSE=ducklake``): overlapping work is stored
once, nothing is lost, conflicting commits are retried, and a reader keeps reading while they write."""

from __future__ import annotations

import logging
import multiprocessing
import os
import random
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from core.articles import ClaimTopic
from core.pages import FetchResult
from tests.test_warehouse import record
from warehouse.reads import run_sql
from warehouse.writes import Batch, ensure_schema, store_batches

TEXT = "The Brazilian foreign minister said that Brasilia would host the summit on article {n}."
#: Articles every writer stores (the overlap two ingests of the same sources have) and each writer's own.
SHARED, OWN, BATCH = 30, 15, 5


def _batch(numbers: list[int], run_id: str) -> Batch:
    records, fetches = [], []
    for n in numbers:
        url = f"https://news.example.org/{n}"
        base = record(TEXT.format(n=n))
        claim = replace(base.claims[0], topics=(ClaimTopic("summits", "summit"),))
        records.append(replace(base, article=replace(base.article, url=url), final_url=url, claims=[claim]))
        fetches.append(FetchResult(url=url, final_url=url, fetched_at=datetime.now(UTC), status=200, body=b"x"))
    return Batch(run_id=run_id, source="test", fetches=fetches, articles=records)


def _write(env: dict[str, str], db: str, numbers: list[int], seed: int, retries_out: str = "") -> None:
    """One writer process: its articles, in batches, in its own order; writes how many commits it retried."""
    os.environ.update(env)
    retried = _RetryCount()
    logging.getLogger("warehouse.connection").addHandler(retried)
    logging.getLogger("warehouse.connection").setLevel(logging.INFO)
    random.Random(seed).shuffle(numbers)
    for start in range(0, len(numbers), BATCH):
        store_batches(Path(db), [_batch(numbers[start : start + BATCH], f"run-{seed}")])
    if retries_out:
        Path(retries_out).write_text(str(retried.count))


class _RetryCount(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += "conflicted" in record.getMessage()


def _read(env: dict[str, str], db: str, stop: str, out: str) -> None:
    """A reader (``claimtrack sql``'s path) counting articles until told to stop; writes what it saw."""
    os.environ.update(env)
    seen = []
    while not Path(stop).exists():
        seen.append(str(run_sql(Path(db), "select count(*) from articles").rows[0][0]))
        time.sleep(0.05)
    Path(out).write_text(" ".join(seen))


def _lake_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k.startswith("CLAIMTRACK_")}


def test_three_writers_and_a_reader_store_everything_once(db: Path, lake: Path, tmp_path: Path) -> None:
    ensure_schema(db)
    env = _lake_env()
    context = multiprocessing.get_context("spawn")
    stop, seen = tmp_path / "stop", tmp_path / "seen"
    reader = context.Process(target=_read, args=(env, str(db), str(stop), str(seen)))
    reader.start()
    writers = [
        context.Process(
            target=_write,
            args=(env, str(db), [*range(SHARED), *range(100 * (w + 1), 100 * (w + 1) + OWN)], w, f"{tmp_path}/r{w}"),
        )
        for w in range(3)
    ]
    for process in writers:
        process.start()
    for process in writers:
        process.join(timeout=300)
    stop.touch()
    reader.join(timeout=60)
    assert [p.exitcode for p in writers] == [0, 0, 0]
    assert reader.exitcode == 0

    expected = SHARED + 3 * OWN
    rows = run_sql(
        db,
        "select (select count(*) from articles), (select count(distinct article_id) from articles),"
        " (select count(*) from claim_records), (select count(distinct claim_id) from claim_records),"
        " (select count(*) from claim_topics), (select count(distinct (claim_id, topic)) from claim_topics),"
        " (select count(*) from fetches), (select count(distinct (url, fetched_at)) from fetches),"
        " (select count(distinct fetch_id) from fetches)",
    ).rows[0]
    assert rows[:6] == (expected, expected, expected, expected, expected, expected)
    assert rows[6] == rows[7] == rows[8] == 3 * (SHARED + OWN)  # every process's fetches, each once
    counts = [int(n) for n in seen.read_text().split()]
    assert counts and counts == sorted(counts)  # the reader never saw rows vanish, nor failed
    assert counts[-1] <= expected
    retried = sum(int((tmp_path / f"r{w}").read_text()) for w in range(3))
    print(f"{retried} conflicting commits retried; the reader read {len(counts)} times while they wrote")


def test_claim_kept_unique_when_the_same_batch_is_stored_twice_at_once(db: Path, lake: Path) -> None:
    ensure_schema(db)
    env = _lake_env()
    context = multiprocessing.get_context("spawn")
    same = list(range(BATCH))
    writers = [context.Process(target=_write, args=(env, str(db), list(same), 0)) for _ in range(2)]
    for process in writers:
        process.start()
    for process in writers:
        process.join(timeout=120)
    assert [p.exitcode for p in writers] == [0, 0]
    assert run_sql(db, "select count(*), count(distinct claim_id) from claim_records").rows == [(BATCH, BATCH)]


