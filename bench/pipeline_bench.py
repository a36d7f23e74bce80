"""Pipeline benchmark (``make bench``): speed, memory and quality of the whole pipeline and of its stages, in one run.

The 181 pages of ``../shared/benchmarks/extraction/scrapinghub-aeb`` (read in place, never copied; decompressed in
memory) are served by a local HTTP server (its own process) behind generated sitemaps:

1. **End to end**: ``claimtrack backfill`` of the sitemap into a fresh DuckDB, as a user runs it (a subprocess,
   Prefect in ephemeral mode, the real flow): pages/s over the flow's own duration (``runs.started_at`` to
   ``finished_at``: model load, discovery, fetching, extraction, storing, positions refresh) and over the whole
   command (Prefect start-up included), articles, claims, peak RSS of the whole process tree (sampled).
2. **Stages alone**, on the same pages with the same process layout (the product's worker pool, same number of
   processes): trafilatura only (``extract_article``), the claims pipeline only (``extract_claims`` over the
   article texts), and bare ``nlp.pipe`` of the same model over the same texts.
3. **Ratios**: end to end / stages combined (``overhead_ratio``), claims / bare ``nlp.pipe``, and the speed-up of
   two processes over one (end to end, and stages alone).
4. **Incremental**: the same backfill again with nothing changed: wall time next to Prefect's own start-up
   (a no-op flow in the same ephemeral mode), and the row counts, which must not move.
5. **Scale**: the corpus 10 times under distinct URLs (and distinct bytes, so nothing is re-used from an identical
   body) into a fresh database: flow time against 1x, peak memory.
6. **Quality**: main-text F1 of our extraction settings and of trafilatura defaults (``evals.maintext``).
7. **For months of running**: the database file and the raw archive per 1,000 articles, and ``claimtrack sql`` (a
   process each, as a user runs it) on the ten questions of docs/schema.md, at 1x and 10x.

Prints a table and writes ``bench/results.json``. Stage timings take the best of ``--rounds`` (noise on a shared
machine only ever adds time); the end-to-end runs are single runs, so the ratios lean against us.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import duckdb  # only for its version in the results: tables are read through warehouse/

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.settings import DEFAULT_MODEL  # noqa: E402
from evals.maintext import GoldPage, default_corpus, evaluate, load_corpus, ours, trafilatura_defaults  # noqa: E402
from extractors.nlp import load_pipeline, seed_files  # noqa: E402
from extractors.workers import JOBS_PER_WORKER, ExtractionPool  # noqa: E402
from tests.positions.test_schema_questions import questions  # noqa: E402  (the ten questions of docs/schema.md)
from warehouse.reads import pipeline_counts  # noqa: E402

RESULTS = ROOT / "bench" / "results.json"
CLAIMTRACK = Path(sys.executable).parent / "claimtrack"
SCALE = 10
#: The targets of issue 17 ("the pipeline at the speed of its NLP"); two_core_speedup is for a quiet machine.
TARGETS = {
    "overhead_ratio": (">=", 0.85),
    "overhead_ratio_10x": (">=", 0.95),
    "claims_vs_bare_nlp": (">=", 0.92),
    "two_core_speedup": (">=", 1.8),
    "rerun_over_prefect_startup_s": ("<=", 2.0),
    "scale10_time_ratio": ("<=", 10.5),
    "scale10_rss_ratio": ("<=", 1.1),
    "extraction_f1": (">=", 0.95),
}


# --- the site: the corpus behind sitemaps, in its own process ------------------------------------------------


def serve(bodies: dict[str, bytes], copies: int, port_out: Any, stop: Any) -> None:
    def sitemap(count: int) -> bytes:
        urls = "".join(
            f"<url><loc>http://127.0.0.1:{port}/c{copy}/{page_id}.html</loc></url>"
            for copy in range(count)
            for page_id in sorted(bodies)
        )
        return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            kind = "text/html; charset=utf-8"
            if path == "/robots.txt":
                body, kind = b"User-agent: *\nAllow: /\n", "text/plain"
            elif path.startswith("/sitemap-") and path.endswith(".xml"):
                body, kind = sitemaps.get(path, b""), "application/xml"
            else:
                copy, _, name = path.lstrip("/").partition("/")
                body = bodies.get(name.removesuffix(".html"), b"")
                if body and copy not in ("", "c0"):
                    # Each copy's bytes differ (a trailing comment), so the 10x run extracts every page instead of
                    # re-using the stored extraction of an identical body (extractors.pipeline.reuse_prior).
                    body += f"\n<!-- {copy} -->\n".encode()
            if not body:
                self.send_response(404)
                body, kind = b"not found", "text/plain"
            else:
                self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    port = httpd.server_address[1]
    sitemaps = {"/sitemap-1.xml": sitemap(1), f"/sitemap-{copies}.xml": sitemap(copies)}
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    port_out.put(port)
    stop.wait()
    httpd.shutdown()


# --- measuring a process tree ----------------------------------------------------------------------------------


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def tree_rss_mb(root: int) -> float:
    """Resident memory of ``root`` and all its descendants, in MB."""
    tree, todo, total = _children(), [root], 0
    while todo:
        pid = todo.pop()
        todo += tree.get(pid, [])
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
                    break
        except OSError:
            continue
    return total / 1024


class TreeSampler:
    """Samples the tree's RSS every ``interval_s`` while a command runs: peak and the series."""

    def __init__(self, pid: int, interval_s: float = 0.25) -> None:
        self.pid, self.interval_s = pid, interval_s
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._started = time.perf_counter()
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.perf_counter() - self._started, tree_rss_mb(self.pid)))
            self._stop.wait(self.interval_s)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak_mb(self) -> float:
        return max((mb for _, mb in self.samples), default=0.0)


def run_command(argv: Sequence[str], env: dict[str, str]) -> dict[str, Any]:
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(process.pid)
    out, err = process.communicate()
    sampler.stop()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"bench: {' '.join(argv[:3])} failed ({process.returncode}):\n{err[-3000:]}")
    return {"wall_s": wall, "peak_rss_mb": sampler.peak_mb, "rss_samples": sampler.samples, "stdout": out}


def warehouse_counts(db: Path) -> dict[str, Any]:
    counts = pipeline_counts(db, "backfill")
    if counts.flow_s is None:
        raise SystemExit(f"bench: no finished backfill run recorded in {db}")
    return {
        "flow_s": counts.flow_s,
        "fetches": counts.fetches,
        "articles": counts.articles,
        "claims": counts.claims,
        "claim_records": counts.claim_records,
    }


def backfill(sources: Path, db: Path, processes: int, env: dict[str, str], pages: int) -> dict[str, Any]:
    ran = run_command(
        [
            str(CLAIMTRACK),
            "backfill",
            "--sources",
            str(sources),
            "--db",
            str(db),
            "--processes",
            str(processes),
            "--json",
        ],
        env,
    )
    summary = json.loads(ran.pop("stdout"))
    counts = warehouse_counts(db)
    return {
        **counts,
        "pages": pages,
        "processes": processes,
        "status": summary.get("status"),
        "batches": summary.get("batches"),
        "wall_s": round(ran["wall_s"], 2),
        "peak_rss_mb": round(ran["peak_rss_mb"], 1),
        "rss_mb_at_quarters": quarters(ran["rss_samples"]),
        "pages_per_s": round(pages / counts["flow_s"], 2),
        "pages_per_s_with_startup": round(pages / ran["wall_s"], 2),
    }


def size_on_disk(db: Path, articles: int) -> dict[str, Any]:
    """The database file (with its WAL) and the raw archive beside it, in all and per 1,000 articles."""
    db_bytes = sum(p.stat().st_size for p in (db, db.with_name(db.name + ".wal")) if p.exists())
    archive = db.parent / "raw"  # claimtrack's default: the archive beside the database (core.settings)
    raw_bytes = sum(p.stat().st_size for p in archive.rglob("*") if p.is_file()) if archive.is_dir() else 0
    per_1k = 1000 / max(1, articles)
    return {
        "db_mb": round(db_bytes / 1e6, 1),
        "raw_archive_mb": round(raw_bytes / 1e6, 1),
        "db_mb_per_1k_articles": round(db_bytes / 1e6 * per_1k, 1),
        "raw_archive_mb_per_1k_articles": round(raw_bytes / 1e6 * per_1k, 1),
    }


def sql_questions(db: Path, env: dict[str, str]) -> dict[str, Any]:
    """``claimtrack sql`` (a new process each, as a user runs it) on each of the ten questions of docs/schema.md:
    wall seconds and rows, and the start-up alone (``select 1``) to read them against."""

    def ask(sql: str) -> tuple[float, int]:
        ran = run_command([str(CLAIMTRACK), "sql", "--db", str(db), "--format", "json", sql], env)
        return ran["wall_s"], len(json.loads(ran["stdout"]))

    startup = min(ask("select 1")[0] for _ in range(2))
    asked = []
    for number, _, sql in questions():
        wall, rows = ask(sql)
        asked.append({"question": number, "wall_s": round(wall, 2), "rows": rows})
    return {
        "startup_s": round(startup, 2),
        "questions": asked,
        "total_s": round(sum(q["wall_s"] for q in asked), 2),
        "slowest_s": max(q["wall_s"] for q in asked),
    }


def quarters(samples: list[tuple[float, float]]) -> list[float]:
    """Tree RSS at 25/50/75/100 % of the run (flat memory shows as flat numbers)."""
    if not samples:
        return []
    return [
        round(samples[min(len(samples) - 1, int(len(samples) * q) - (q == 1.0))][1], 1) for q in (0.25, 0.5, 0.75, 1.0)
    ]


def prefect_startup(env: dict[str, str]) -> float:
    """Wall time of a no-op flow in Prefect's ephemeral mode, with the same ``PREFECT_HOME``: the floor any run pays."""
    code = "from prefect import flow\n\n@flow\ndef noop() -> int:\n    return 1\n\nnoop()\n"
    return run_command([sys.executable, "-c", code], env)["wall_s"]


# --- stages alone: run in the product's worker pool ------------------------------------------------------------


def stage_articles(job: tuple[list[tuple[str, bytes]], str]) -> list[tuple[str, str | None]]:
    """Trafilatura only: (text, ISO date) of each page that yields an article."""
    from core.errors import ExtractError
    from extractors.article import extract_article

    pages, content_type = job
    texts = []
    for url, html in pages:
        try:
            article = extract_article(html, url, content_type=content_type)
        except ExtractError:
            continue
        texts.append((article.text, article.published_at.date().isoformat() if article.published_at else None))
    return texts


def stage_claims(job: tuple[list[tuple[str, str | None]], str]) -> int:
    """The claims pipeline only (spaCy + our components, as the pipeline calls it): claims found."""
    from datetime import date

    from extractors.nlp import TextItem, extract_claims, load_pipeline

    texts, model = job
    items = [TextItem(text, date.fromisoformat(day) if day else None) for text, day in texts]
    return sum(len(claims) for claims in extract_claims(load_pipeline(model), items))


_bare: dict[str, Any] = {}


def stage_bare(job: tuple[list[tuple[str, str | None]], str]) -> int:
    """Bare ``nlp.pipe`` with the same model over the same texts: tokens parsed."""
    import spacy

    from extractors.nlp import resolve_model

    texts, model = job
    if model not in _bare:
        _bare[model] = spacy.load(resolve_model(model))
    return sum(len(doc) for doc in _bare[model].pipe(text for text, _ in texts))


def chunks(items: Sequence[Any], count: int) -> list[list[Any]]:
    size = max(1, -(-len(items) // count))
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def timed(run: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


def stages(pages: list[GoldPage], model: str, processes: int, rounds: int) -> dict[str, Any]:
    """The three stages over the corpus, ``processes`` workers (1: in this process), best of ``rounds``."""
    inputs = [(f"http://127.0.0.1/c0/{p.page_id}.html", p.html) for p in pages]
    content_type = "text/html; charset=utf-8"
    if processes > 1:
        pool = ExtractionPool(model, processes, seed_files(load_pipeline(model)))
        pool.wait_ready()

        def spread(function: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
            return pool.map(function, items)
    else:
        pool = None

        def spread(function: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
            return [function(item) for item in items]

    try:
        jobs = processes * JOBS_PER_WORKER  # as many jobs per worker as the pipeline cuts a batch into
        page_jobs = [(chunk, content_type) for chunk in chunks(inputs, jobs)]
        # Warm-up outside the timed rounds: lazy imports, the bare model, first-call allocations.
        texts = [t for part in spread(stage_articles, page_jobs) for t in part]
        text_jobs = [(chunk, model) for chunk in chunks(texts, jobs)]
        spread(stage_bare, [(chunk[:2], m) for chunk, m in text_jobs[:processes]])
        spread(stage_claims, [(chunk[:2], m) for chunk, m in text_jobs[:processes]])
        t_articles = t_claims = t_bare = float("inf")
        claims = tokens = 0
        for _ in range(rounds):  # interleaved, so noise hits every stage alike
            t, _ = timed(lambda: spread(stage_articles, page_jobs))
            t_articles = min(t_articles, t)
            t, found = timed(lambda: spread(stage_claims, text_jobs))
            t_claims, claims = min(t_claims, t), sum(found)
            t, parsed = timed(lambda: spread(stage_bare, text_jobs))
            t_bare, tokens = min(t_bare, t), sum(parsed)
    finally:
        if pool is not None:
            pool.close()
    n = len(pages)
    return {
        "processes": processes,
        "articles": len(texts),
        "chars": sum(len(t) for t, _ in texts),
        "claims": claims,
        "tokens": tokens,
        "trafilatura_s": round(t_articles, 2),
        "claims_s": round(t_claims, 2),
        "bare_nlp_s": round(t_bare, 2),
        "trafilatura_pages_per_s": round(n / t_articles, 2),
        "claims_pages_per_s": round(n / t_claims, 2),
        "bare_nlp_pages_per_s": round(n / t_bare, 2),
        "stages_pages_per_s": round(n / (t_articles + t_claims), 2),
        "claims_vs_bare_nlp": round(t_bare / t_claims, 3),
    }


# --- the run -----------------------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )  # fmt: skip
    mem_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    import spacy
    import trafilatura

    return {
        "cpus": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "spacy": spacy.__version__,
        "trafilatura": trafilatura.__version__,
        "duckdb": duckdb.__version__,
        "load_avg_before": [round(x, 2) for x in os.getloadavg()],
    }


def write_sources(path: Path, port: int, copies: int) -> Path:
    path.write_text(
        "# generated by bench/pipeline_bench.py\n"
        "[crawler]\nper_host_delay_s = 0.0\n\n"
        f'[[source]]\nname = "aeb-x{copies}"\nkind = "sitemap"\nurl = "http://127.0.0.1:{port}/sitemap-{copies}.xml"\n'
        'outlet = "benchmark"\nallow_private = true\n',
        encoding="utf-8",
    )
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=default_corpus(), help="the scrapinghub-aeb folder")
    parser.add_argument("--processes", type=int, default=2, help="worker processes of the parallel runs (default 2)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the stage timings (best counts)")
    parser.add_argument("--skip-scale", action="store_true", help=f"leave out the {SCALE}x run (saves minutes)")
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    if not (args.corpus / "ground-truth.json").is_file():
        print(f"bench: corpus not found at {args.corpus} (the scrapinghub-aeb folder of ../shared); "
              "pass --corpus DIR", file=sys.stderr)  # fmt: skip
        return 2
    if not CLAIMTRACK.exists():
        print(f"bench: {CLAIMTRACK} not found: run it with the project's .venv (make bench)", file=sys.stderr)
        return 2
    pages = load_corpus(args.corpus)
    n = len(pages)
    result: dict[str, Any] = {"benchmark": "pipeline", "pages": n, "machine": machine(), "model": args.model}
    work = Path(tempfile.mkdtemp(prefix="claimtrack-bench-"))
    env = {
        **os.environ,
        "PREFECT_HOME": str(work / "prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "CLAIMTRACK_MODEL": args.model,
    }
    env.pop("PREFECT_API_URL", None)  # always the ephemeral mode, never a server the caller points at
    context = multiprocessing.get_context("spawn")
    port_out, stop = context.Queue(), context.Event()
    server = context.Process(
        target=serve, args=({p.page_id: p.html for p in pages}, SCALE, port_out, stop), daemon=True
    )
    server.start()
    port = port_out.get(timeout=30)
    one, ten = write_sources(work / "x1.toml", port, 1), write_sources(work / f"x{SCALE}.toml", port, SCALE)
    steps = 6 if not args.skip_scale else 5
    try:
        say(f"[1/{steps}] Prefect start-up (first run creates the ephemeral database; the second is timed)")
        prefect_startup(env)
        result["prefect_startup_s"] = round(prefect_startup(env), 2)

        say(f"[2/{steps}] end to end, {n} pages, {args.processes} processes")
        e2e = backfill(one, work / "e2e" / "e2e.duckdb", args.processes, env, n)
        say(f"      {e2e['flow_s']:.1f} s in the flow, {e2e['wall_s']} s in all, {e2e['articles']} articles")
        e2e["disk"] = size_on_disk(work / "e2e" / "e2e.duckdb", e2e["articles"])
        say("      claimtrack sql: the ten questions of docs/schema.md")
        e2e["sql"] = sql_questions(work / "e2e" / "e2e.duckdb", env)
        say(f"[3/{steps}] the same backfill again (nothing changed)")
        rerun = backfill(one, work / "e2e" / "e2e.duckdb", args.processes, env, n)
        unchanged = all(rerun[k] == e2e[k] for k in ("fetches", "articles", "claims", "claim_records"))
        say(f"      {rerun['wall_s']} s; rows unchanged: {unchanged}")
        say(f"[4/{steps}] end to end, {n} pages, 1 process")
        single = backfill(one, work / "e2e-1" / "e2e-1.duckdb", 1, env, n)
        say(f"      {single['flow_s']:.1f} s in the flow")

        say(f"[5/{steps}] stages alone: {args.processes} processes, then 1, best of {args.rounds}")
        staged = stages(pages, args.model, args.processes, args.rounds)
        staged_one = stages(pages, args.model, 1, args.rounds)

        scale = None
        if not args.skip_scale:
            say(f"[6/{steps}] {SCALE}x: {n * SCALE} pages under distinct URLs, {args.processes} processes")
            scale = backfill(ten, work / f"x{SCALE}" / f"x{SCALE}.duckdb", args.processes, env, n * SCALE)
            say(f"      {scale['flow_s']:.1f} s in the flow, peak {scale['peak_rss_mb']} MB")
            scale["disk"] = size_on_disk(work / f"x{SCALE}" / f"x{SCALE}.duckdb", scale["articles"])
            say(f"      claimtrack sql at {SCALE}x: the ten questions of docs/schema.md")
            scale["sql"] = sql_questions(work / f"x{SCALE}" / f"x{SCALE}.duckdb", env)

        say("quality: main-text F1 (ours, trafilatura defaults)")
        quality = [evaluate(pages, "claimtrack", ours()), evaluate(pages, "trafilatura defaults", trafilatura_defaults)]
    finally:
        stop.set()
        server.join(10)
        shutil.rmtree(work, ignore_errors=True)

    result.update(
        {
            "e2e": e2e,
            "rerun": rerun,
            "e2e_one_process": single,
            "stages": staged,
            "stages_one_process": staged_one,
            "scale": scale,
            "e2e_pages_per_s": e2e["pages_per_s"],
            "stages_pages_per_s": staged["stages_pages_per_s"],
            "overhead_ratio": round(e2e["pages_per_s"] / staged["stages_pages_per_s"], 3),
            "overhead_ratio_10x": round(scale["pages_per_s"] / staged["stages_pages_per_s"], 3) if scale else None,
            "claims_vs_bare_nlp": staged["claims_vs_bare_nlp"],
            "two_core_speedup": round(single["flow_s"] / e2e["flow_s"], 2),
            "two_core_speedup_stages": round(
                (staged_one["trafilatura_s"] + staged_one["claims_s"]) / (staged["trafilatura_s"] + staged["claims_s"]),
                2,
            ),
            "rerun_s": rerun["wall_s"],
            "rerun_rows_unchanged": unchanged,
            "rerun_over_prefect_startup_s": round(rerun["wall_s"] - result["prefect_startup_s"], 2),
            "scale10_time_ratio": round(scale["flow_s"] / e2e["flow_s"], 2) if scale else None,
            "scale10_rss_ratio": round(scale["peak_rss_mb"] / e2e["peak_rss_mb"], 2) if scale else None,
            "peak_rss_mb": max(r["peak_rss_mb"] for r in (e2e, rerun, single, scale) if r),
            "extraction_f1": round(quality[0].quality.f1, 4),
            "extraction_f1_trafilatura_defaults": round(quality[1].quality.f1, 4),
            "extraction": [
                {
                    "name": q.name,
                    "precision": round(q.quality.precision, 4),
                    "recall": round(q.quality.recall, 4),
                    "f1": round(q.quality.f1, 4),
                    "empty": q.quality.empty,
                    "pages_per_s": round(q.pages_per_s, 1),
                }
                for q in quality
            ],
            "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
    )
    result["targets"] = {key: met(result.get(key), *rule) for key, rule in TARGETS.items()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(table(result))
    print(f"\nresults: {args.out}")
    return 0


def met(value: Any, op: str, bound: float) -> dict[str, Any]:
    ok = None if value is None else (value >= bound if op == ">=" else value <= bound)
    return {"value": value, "target": f"{op} {bound}", "met": ok}


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def table(r: dict[str, Any]) -> str:
    m, e2e, one, st, st1 = r["machine"], r["e2e"], r["e2e_one_process"], r["stages"], r["stages_one_process"]
    scale = r["scale"]
    rows: list[tuple[str, str, str]] = [
        ("measure", "value", "target"),
        ("pages", str(r["pages"]), ""),
        (f"end to end, {e2e['processes']} processes: pages/s (flow)", f"{e2e['pages_per_s']}", ""),
        ("  wall s (flow / whole command)", f"{e2e['flow_s']:.1f} / {e2e['wall_s']}", ""),
        ("  articles, claims", f"{e2e['articles']}, {e2e['claims']}", ""),
        ("  peak RSS of the process tree, MB", f"{e2e['peak_rss_mb']}", ""),
        ("end to end, 1 process: pages/s (flow)", f"{one['pages_per_s']}", ""),
        (f"stages alone, {st['processes']} processes: pages/s", f"{st['stages_pages_per_s']}", ""),
        ("  trafilatura only, pages/s", f"{st['trafilatura_pages_per_s']}", ""),
        ("  claims pipeline only, pages/s", f"{st['claims_pages_per_s']}", ""),
        ("  bare nlp.pipe, pages/s", f"{st['bare_nlp_pages_per_s']}", ""),
        ("stages alone, 1 process: pages/s", f"{st1['stages_pages_per_s']}", ""),
        (
            "overhead_ratio (e2e / stages; at 10x)",
            f"{r['overhead_ratio']}; {r['overhead_ratio_10x']}",
            ">= 0.85; >= 0.95",
        ),
        ("claims_vs_bare_nlp", f"{r['claims_vs_bare_nlp']} (1 process: {st1['claims_vs_bare_nlp']})", ">= 0.92"),
        (
            "two_core_speedup (e2e; stages)",
            f"{r['two_core_speedup']}; {r['two_core_speedup_stages']}",
            ">= 1.8 (quiet)",
        ),
        ("rerun_s (Prefect start-up alone)", f"{r['rerun_s']} ({r['prefect_startup_s']})", "<= start-up + 2"),
        ("  rows unchanged by the rerun", str(r["rerun_rows_unchanged"]), "True"),
    ]
    disk, sql = e2e["disk"], e2e["sql"]
    rows += [
        ("database MB per 1,000 articles (raw archive)",
         f"{disk['db_mb_per_1k_articles']} ({disk['raw_archive_mb_per_1k_articles']})", ""),
        ("claimtrack sql, ten questions: total s (slowest; start-up)",
         f"{sql['total_s']} ({sql['slowest_s']}; {sql['startup_s']})", ""),
    ]  # fmt: skip
    if scale:
        rows += [
            (f"scale10_time_ratio ({scale['pages']} pages, {scale['flow_s']:.0f} s)", f"{r['scale10_time_ratio']}",
             "<= 10.5"),
            ("  database MB per 1,000 articles at 10x (raw archive)",
             f"{scale['disk']['db_mb_per_1k_articles']} ({scale['disk']['raw_archive_mb_per_1k_articles']})", ""),
            ("  claimtrack sql at 10x, ten questions: total s (slowest)",
             f"{scale['sql']['total_s']} ({scale['sql']['slowest_s']})", ""),
            ("  peak RSS 10x / 1x, MB (scale10_rss_ratio)",
             f"{scale['peak_rss_mb']} / {e2e['peak_rss_mb']} ({r['scale10_rss_ratio']})", "<= 1.1"),
            ("  RSS at 25/50/75/100 % of the 10x run, MB", "/".join(str(x) for x in scale["rss_mb_at_quarters"]), ""),
        ]  # fmt: skip
    rows += [
        ("extraction_f1 (ours)", f"{r['extraction_f1']}", ">= 0.95"),
        ("  trafilatura defaults", f"{r['extraction_f1_trafilatura_defaults']}", ""),
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        f"machine: {m['cpu']}, {m['usable_cpus']} usable cores, {m['memory_gb']} GB, Python {m['python']}, spaCy "
        f"{m['spacy']}, trafilatura {m['trafilatura']}, DuckDB {m['duckdb']}, load {m['load_avg_before']}"
    ]
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    missed = [key for key, verdict in r["targets"].items() if verdict["met"] is False]
    lines.append("targets missed: " + (", ".join(missed) if missed else "none"))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
