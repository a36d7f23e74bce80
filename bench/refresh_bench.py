"""Refresh benchmark (``make bench-refresh``, also run by ``make bench``): what a positions refresh costs when a run
adds 100 statements to databases of 1x, 10x and 100x the pipeline benchmark's statements.

1. **Base**: the 181 pages of ``../shared/benchmarks/extraction/scrapinghub-aeb`` (decompressed into a temporary
   folder, never into the repository) through ``claimtrack ingest`` into a fresh database.
2. **Scale**: the base's articles and claims copied N-1 times in SQL under new ids, each copy a later period of
   the same length (the history grows N times, each month is as busy as in the base), then one full refresh
   (timed: what a rebuild costs at that size).
3. **Increment**: 100 claims, one per base article (those with a government and a topic first), copied as new
   articles dated a week after the last one (the news of one run: 100 new statements), then
   ``refresh_positions``: the incremental refresh the ingest flow runs. Timed by step.
4. **Same rows**: at 1x, the incremental result is compared with a full rebuild of the same claims.

Prints a table and writes ``bench/results-refresh.json``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flows.refresh import refresh_positions  # noqa: E402
from positions.refresh import DEFAULT_POSITION_SETTINGS  # noqa: E402

CORPUS = ROOT.parent / "shared" / "benchmarks" / "extraction" / "scrapinghub-aeb" / "html"
RESULTS = ROOT / "bench" / "results-refresh.json"
CLAIMTRACK = Path(sys.executable).parent / "claimtrack"
NEW_STATEMENTS = 100
#: Derived tables compared between an incremental refresh and a full rebuild (timestamps left out).
COMPARED = {
    "statements": "*",
    "claim_statements": "*",
    "statement_features": "*",
    "statement_terms": "*",
    "statement_comparisons": "* exclude (computed_at)",
}


def build_base(work: Path) -> Path:
    """The benchmark pages through ``claimtrack ingest`` (a subprocess, as a user runs it)."""
    pages = work / "pages"
    pages.mkdir(parents=True)
    for page in sorted(CORPUS.glob("*.gz")):
        (pages / page.name.removesuffix(".gz")).write_bytes(gzip.decompress(page.read_bytes()))
    sources = work / "sources.toml"
    sources.write_text(
        f'[[source]]\nname = "bench"\nkind = "directory"\npath = "{pages}"\noutlet = "bench"\n', encoding="utf-8"
    )
    db = work / "base.duckdb"
    done = subprocess.run(
        [str(CLAIMTRACK), "ingest", "--sources", str(sources), "--db", str(db)], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"ingest failed: {done.stderr[-2000:]}")
    shutil.rmtree(pages)
    return db


def span_days(con: duckdb.DuckDBPyConnection) -> int:
    first, last = con.execute("select min(published_at), max(published_at) from claim_records").fetchone() or (0, 0)
    return max(30, (last - first).days + 30) if first and last else 30


def _copy(con: duckdb.DuckDBPyConnection, copy: int, shift_days: int, where: str = "true") -> None:
    """Articles and claims of the base (``where`` on claim_records ``r``) under new ids, ``shift_days`` later."""
    tag = f"#copy-{copy}"
    con.execute(
        f"""
        insert into articles by name
        select * replace (substr(sha256(article_id || '{tag}'), 1, 16) as article_id, url || '{tag}' as url,
                          published_at + interval ({shift_days}) day as published_at)
        from articles where article_id in (select article_id from claim_records r where {where}
                                           and r.article_id in (select article_id from base_articles))
        """
    )
    con.execute(
        f"""
        create or replace temp table copied as
        select r.claim_id as old_id, substr(sha256(r.claim_id || '{tag}'), 1, 16) as claim_id,
               substr(sha256(r.article_id || '{tag}'), 1, 16) as article_id
        from claim_records r where {where} and r.claim_id in (select claim_id from base_claims)
        """
    )
    con.execute(
        f"""
        insert into claim_records by name
        select r.* replace (c.claim_id as claim_id, c.article_id as article_id,
                            r.published_at + interval ({shift_days}) day as published_at,
                            case when r.continues_claim_id is null then null
                                 else substr(sha256(r.continues_claim_id || '{tag}'), 1, 16) end as continues_claim_id)
        from claim_records r join copied c on c.old_id = r.claim_id
        """
    )
    for table in ("claim_topics", "claim_subjects"):
        con.execute(
            f"insert into {table} by name select t.* replace (c.claim_id as claim_id)"
            f" from {table} t join copied c on c.old_id = t.claim_id"
        )


def scaled(base: Path, target: Path, copies: int) -> int:
    """``base`` with its articles and claims ``copies`` times in all (each copy a later period); claims count."""
    shutil.copy(base, target)
    con = duckdb.connect(str(target))
    try:
        con.execute("create temp table base_articles as select article_id from articles")
        con.execute("create temp table base_claims as select claim_id from claim_records")
        step = span_days(con)
        for copy in range(1, copies):
            _copy(con, copy, copy * step)
        found = con.execute("select count(*) from claims").fetchone()
        return int(found[0]) if found else 0
    finally:
        con.close()


def add_news(db: Path, count: int) -> int:
    """``count`` claims, one per base article (those that enter a series first), copied as articles dated a week
    after the last one: the statements one run adds."""
    con = duckdb.connect(str(db))
    try:
        con.execute("create temp table base_articles as select article_id from articles")
        con.execute("create temp table base_claims as select claim_id from claim_records")
        con.execute(
            f"""
            create temp table news as
            with candidates as (
                select r.claim_id, r.article_id,
                       r.government is not null and r.claim_id in (select claim_id from claim_topics) as in_series
                from claims r join articles a on a.article_id = r.article_id
                where r.published_at is not null and a.url not like '%#copy-%'  -- the base's own claims, once
            )
            select claim_id from (
                select *, row_number() over (partition by article_id order by in_series desc, claim_id) as n
                from candidates
            ) where n = 1 order by in_series desc, claim_id limit {count}
            """
        )
        _copy(con, 999_999, 0, "r.claim_id in (select claim_id from news)")
        # One run's news, a minute apart, a week after the last statement: beyond the grouping window, so each is a
        # new statement (copies dated closer would join the stored statements they copy).
        con.execute(
            """
            create temp table dated as
            select c.claim_id, c.article_id,
                   (select max(published_at) from claim_records) + interval 7 day
                   + to_minutes(row_number() over (order by c.claim_id)) as new_at
            from copied c
            """
        )
        # A trailing space: the same words to every rule, but a new text to the caches, so the refresh reads its
        # features and embeddings as it would for unseen news.
        con.execute(
            "update claim_records r set published_at = d.new_at, content = r.content || ' ' from dated d"
            " where r.claim_id = d.claim_id"
        )
        con.execute(
            "update articles a set published_at = d.new_at"
            " from (select article_id, min(new_at) as new_at from dated group by 1) d where a.article_id = d.article_id"
        )
        found = con.execute("select count(*) from news").fetchone()
        return int(found[0]) if found else 0
    finally:
        con.close()


def dump(db: Path) -> dict[str, list[str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: sorted(map(repr, con.execute(f"select {c} from {t}").fetchall())) for t, c in COMPARED.items()}
    finally:
        con.close()


def counts(db: Path) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            t: int((con.execute(f"select count(*) from {t}").fetchone() or (0,))[0])
            for t in ("claims", "statements", "statement_comparisons")
        }
    finally:
        con.close()


def run_scale(base: Path, work: Path, copies: int, nlp: Any, check: bool) -> dict[str, Any]:
    db = work / f"x{copies}.duckdb"
    claims = scaled(base, db, copies)
    clock = time.perf_counter()
    full = refresh_positions(db, nlp=nlp, full=True)
    full_s = time.perf_counter() - clock
    before = counts(db)
    added = add_news(db, NEW_STATEMENTS)
    clock = time.perf_counter()
    increment = refresh_positions(db, nlp=nlp)
    increment_s = time.perf_counter() - clock
    after = counts(db)
    result: dict[str, Any] = {
        "copies": copies,
        "claims": claims,
        "statements": before["statements"],
        "comparisons": before["statement_comparisons"],
        "full_refresh_s": round(full_s, 2),
        "full_seconds": {k: round(v, 2) for k, v in full.seconds.items()},
        "new_claims": added,
        "new_statements": after["statements"] - before["statements"],
        "incremental_mode": increment.mode,
        "incremental_refresh_s": round(increment_s, 3),
        "incremental_seconds": {k: round(v, 3) for k, v in increment.seconds.items()},
        "relabelled": sum(sum(v.values()) for v in increment.labels.values()),
    }
    if check:
        rebuilt = work / f"x{copies}-rebuilt.duckdb"
        shutil.copy(db, rebuilt)
        refresh_positions(rebuilt, nlp=nlp, full=True)
        result["same_rows_as_full_rebuild"] = dump(db) == dump(rebuilt)
        rebuilt.unlink()
    db.unlink()
    return result


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        f"{'scale':>6} {'claims':>8} {'statements':>10} {'full rebuild s':>14} {'+100 stmts: refresh s':>22}"
        f" {'relabelled':>10}  steps (incremental)"
    ]
    for r in rows:
        steps = ", ".join(f"{k} {v:.2f}" for k, v in r["incremental_seconds"].items())
        lines.append(
            f"{str(r['copies']) + 'x':>6} {r['claims']:>8} {r['statements']:>10} {r['full_refresh_s']:>14.1f}"
            f" {r['incremental_refresh_s']:>22.2f} {r['relabelled']:>10}  {steps}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="1,10,100", help="copies of the base (default 1,10,100)")
    parser.add_argument("--keep", type=Path, default=None, help="work in this folder and keep the base database")
    args = parser.parse_args(argv)
    from extractors.nlp import load_pipeline

    nlp = load_pipeline()
    rows = []
    with tempfile.TemporaryDirectory(prefix="claimtrack-refresh-bench-") as scratch:
        work = args.keep or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        base = work / "base.duckdb"
        if not base.exists():
            clock = time.perf_counter()
            base = build_base(work)
            print(f"base: {time.perf_counter() - clock:.1f}s", flush=True)
        for copies in (int(x) for x in args.scales.split(",")):
            rows.append(run_scale(base, work, copies, nlp, check=copies == 1))
            print(json.dumps(rows[-1]), flush=True)
    results = {
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "method": DEFAULT_POSITION_SETTINGS.methods[0],
        "max_candidates": DEFAULT_POSITION_SETTINGS.max_candidates,
        "scales": rows,
    }
    RESULTS.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(table(rows))
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
