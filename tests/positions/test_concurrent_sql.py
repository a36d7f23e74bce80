"""`claimtrack sql` in one process while another process writes batch after batch (as an ingest does)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from warehouse.reads import run_sql
from warehouse.writes import store_batch

ROOT = Path(__file__).resolve().parent.parent.parent
BATCHES = 60

#: A writer process: many short store_batch transactions, each a new article with one claim.
WRITER = f"""
import sys
from dataclasses import replace
from pathlib import Path
sys.path.insert(0, {str(ROOT)!r})
from tests.test_warehouse import batch
from warehouse.writes import store_batch

db = Path(sys.argv[1])
template = batch()
print("writing", flush=True)
for n in range({BATCHES}):
    record = template.articles[0]
    article = replace(record.article, url=f"https://news.example.org/{{n}}")
    store_batch(db, replace(template, fetches=[], articles=[replace(record, article=article)]))
print("done", flush=True)
"""


def test_claimtrack_sql_succeeds_while_an_ingest_writes(db: Path, tmp_path: Path) -> None:
    from tests.test_warehouse import batch

    store_batch(db, batch())
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None and writer.stdout.readline().strip() == "writing"
    claimtrack = Path(sys.executable).parent / "claimtrack"
    seen: list[int] = []
    failures: list[str] = []
    while writer.poll() is None:
        done = subprocess.run(
            [str(claimtrack), "sql", "--db", str(db), "--format", "csv", "select count(*) from claims"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0:
            failures.append(done.stderr)
        else:
            seen.append(int(done.stdout.splitlines()[1]))
    _out, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err
    assert failures == []
    # Reads happened during the ingest, each saw a committed state, and the states only grew.
    assert seen, "the reader never got a turn while the writer ran"
    print(f"{len(seen)} reads during the ingest, counts {seen[0]}..{seen[-1]}")
    assert seen == sorted(seen) and all(1 <= n <= BATCHES + 1 for n in seen)
    assert run_sql(db, "select count(*) from claims").rows == [(BATCHES + 1,)]
