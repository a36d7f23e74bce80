"""Crawler benchmark (``make bench-crawl``): 2,000 pages over 20 local hosts (ports), then the same again when
every page answers 304.

Run 1 does the real per-batch work of an ingest run: fetch (politeness on: per-host limit 2, zero delay,
robots.txt read per host), archive every body, extract (trafilatura + spaCy claims, or less with
``--extract``) and store fetches, articles and claims in DuckDB. Run 2 rechecks every page with its ETag: each
answers 304, so nothing is archived or extracted. Reported per run: pages/s of the fetch phase and of the whole
run, CPU seconds (client and server separately), peak RSS and RSS after each batch (flat memory), machine load.

Results go to ``bench/results-crawl.json`` (gitignored) and a table on stdout. The server runs in its own
process (asyncio, keep-alive), so its CPU is not the client's; on a 2-core machine they share the cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.crawl import discover_sync, fetch_batch_sync, plan_crawl  # noqa: E402
from crawler.fetch import FetchSettings  # noqa: E402
from crawler.sources import Source, with_private_hosts  # noqa: E402
from extractors.pipeline import Extraction, extract_by_source  # noqa: E402
from flows.store import cached_robots, store_fetched, store_listings  # noqa: E402
from warehouse.reads import known_pages  # noqa: E402

HOSTS = 20
PAGES_PER_HOST = 100
RESULTS = ROOT / "bench" / "results-crawl.json"

PARAGRAPHS = [
    "The foreign minister said on Monday that talks with neighbouring states would resume next month in Geneva.",
    "“We are ready to listen to every proposal,” the spokesman told reporters at the ministry in the capital.",
    "According to the defence ministry, the exercises will continue until the end of the week along the border.",
    "Officials in Brussels said the European Union would consider further measures if the situation worsened.",
    "The prime minister’s office declined to comment on the reports, citing the ongoing negotiations.",
    "Analysts said the agreement could ease tensions in the region, though several questions remained open.",
]


def page_html(host: int, number: int) -> bytes:
    body = "".join(f"<p>{PARAGRAPHS[(number + i) % len(PARAGRAPHS)]} (Host {host}, story {number}, part {i}.)</p>"
                   for i in range(10))  # fmt: skip
    nav = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(40))
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>Story {number} from host {host}</title>"
        f"<meta property='article:published_time' content='2024-05-{1 + number % 28:02d}T10:00:00Z'></head>"
        f"<body><header><nav><ul>{nav}</ul></nav></header><main><article><h1>Story {number}</h1>{body}"
        f"</article></main><footer>{'<p>Footer text and links.</p>' * 20}</footer></body></html>"
    ).encode()


# --- the server (its own process) ---------------------------------------------------------------------


def serve(ports: list[int], ready: Any, stop: Any) -> None:
    pages = {h: {n: page_html(h, n) for n in range(PAGES_PER_HOST)} for h in range(len(ports))}

    async def handle(host: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        port = ports[host]
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
                status, body, extra = 200, b"", ""
                if path == "/robots.txt":
                    body, kind = b"User-agent: *\nAllow: /\n", "text/plain"
                elif path == "/list.txt":
                    links = "\n".join(f"http://127.0.0.1:{port}/story/{n}" for n in range(PAGES_PER_HOST))
                    body, kind = links.encode(), "text/plain"
                elif path.startswith("/story/"):
                    number = int(path.rsplit("/", 1)[1])
                    etag = f'"h{host}-s{number}"'
                    kind, extra = "text/html; charset=utf-8", f"ETag: {etag}\r\n"
                    if headers.get("if-none-match") == etag:
                        status = 304
                    else:
                        body = pages[host][number]
                else:
                    status, body, kind = 404, b"not found", "text/plain"
                reason = {200: "OK", 304: "Not Modified", 404: "Not Found"}[status]
                head = f"HTTP/1.1 {status} {reason}\r\nContent-Type: {kind}\r\nContent-Length: {len(body)}\r\n"
                writer.write(f"{head}{extra}\r\n".encode() + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        servers = []
        for index, port in enumerate(ports):
            servers.append(
                await asyncio.start_server(lambda r, w, i=index: handle(i, r, w), "127.0.0.1", port, backlog=256)
            )
        ready.set()
        while not stop.is_set():
            await asyncio.sleep(0.1)
        for server in servers:
            server.close()

    asyncio.run(main())


def free_ports(count: int) -> list[int]:
    import socket

    sockets, ports = [], []
    for _ in range(count):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        sockets.append(s)
        ports.append(s.getsockname()[1])
    for s in sockets:
        s.close()
    return ports


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# --- one run ------------------------------------------------------------------------------------------


def one_run(sources: list[Source], db: Path, settings: FetchSettings, nlp: Any, server_pid: int) -> dict[str, Any]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = usage.ru_utime + usage.ru_stime
    server_cpu_before = cpu_seconds(server_pid)
    load_before = os.getloadavg()
    started = time.perf_counter()
    phase = {"discover_plan": 0.0, "fetch": 0.0, "extract": 0.0, "store": 0.0}
    phase_cpu = dict.fromkeys(phase, 0.0)
    cpu_started = time.process_time()
    robots = partial(cached_robots, db, db.parent / "raw", max_age_s=settings.robots_cache_s)
    found = discover_sync(sources, partial(known_pages, db), settings, robots=robots)
    plan = plan_crawl(found, known_pages(db, [r.url for s in found.sources for r in s.refs]), settings, robots)
    phase["discover_plan"] = time.perf_counter() - started
    phase_cpu["discover_plan"] = time.process_time() - cpu_started
    hosts = found.hosts
    outlets = {s.name: s.outlet for s in sources}
    counts = {"requests": 0, "ok": 0, "not_modified": 0, "failed": 0, "extracted": 0, "articles": 0, "claims": 0}
    rss_after_batch = []
    for batch in plan.batches:
        t, c = time.perf_counter(), time.process_time()
        fetched = fetch_batch_sync(batch, settings, hosts)
        phase["fetch"] += time.perf_counter() - t
        phase_cpu["fetch"] += time.process_time() - c
        t, c = time.perf_counter(), time.process_time()
        extraction = Extraction()
        if fetched.pages and nlp is not None:
            extraction = extract_by_source(fetched.pages, outlets, nlp)
        phase["extract"] += time.perf_counter() - t
        phase_cpu["extract"] += time.process_time() - c
        counts["extracted"] += len(fetched.pages)
        t, c = time.perf_counter(), time.process_time()
        stored = store_fetched(fetched, extraction, db, db.parent / "raw", "bench")
        phase["store"] += time.perf_counter() - t
        phase_cpu["store"] += time.process_time() - c
        for _, result in fetched.fetches:
            counts["requests"] += result.attempts
            counts["ok"] += result.ok
            counts["not_modified"] += result.not_modified
            counts["failed"] += bool(result.error)
        counts["articles"] += sum(c.new_articles + c.updated_articles for c in stored.values())
        counts["claims"] += sum(c.claims for c in stored.values())
        rss_after_batch.append(round(rss_mb(), 1))
    store_listings(found, plan, set(), db, db.parent / "raw", "bench")
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    pages = counts["ok"] + counts["not_modified"]
    return {
        "pages": pages,
        **counts,
        "wall_s": round(wall, 2),
        "phase_s": {k: round(v, 2) for k, v in phase.items()},
        "phase_cpu_s": {k: round(v, 2) for k, v in phase_cpu.items()},
        "fetch_pages_per_s": round(pages / phase["fetch"], 1) if phase["fetch"] else None,
        # Load-independent capacity: pages per second of client CPU in the fetch phase (one core's worth).
        "fetch_pages_per_cpu_s": round(pages / phase_cpu["fetch"], 1) if phase_cpu["fetch"] else None,
        "run_pages_per_s": round(pages / wall, 1),
        "client_cpu_s": round(usage.ru_utime + usage.ru_stime - cpu_before, 2),
        "server_cpu_s": round(cpu_seconds(server_pid) - server_cpu_before, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "rss_after_batch_mb": rss_after_batch,
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "hosts_skipped": hosts.skipped(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--extract", choices=("claims", "none"), default="claims",
                        help="extraction work in run 1: trafilatura + spaCy claims (default), or none")  # fmt: skip
    parser.add_argument("--concurrency", type=int, default=FetchSettings().concurrency, help="global request cap")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    nlp = None
    if args.extract == "claims":
        from extractors.nlp import load_pipeline

        nlp = load_pipeline()
    ports = free_ports(HOSTS)
    ready, stop = multiprocessing.Event(), multiprocessing.Event()
    server = multiprocessing.Process(target=serve, args=(ports, ready, stop), daemon=True)
    server.start()
    if not ready.wait(30):
        print("bench-crawl: the local server did not start", file=sys.stderr)
        return 1
    assert server.pid is not None
    work = Path(tempfile.mkdtemp(prefix="claimtrack-bench-crawl-"))
    db = work / "bench.duckdb"
    sources = [
        Source(name=f"host{i}", kind="urls", url=f"http://127.0.0.1:{port}/list.txt", allow_private=True, recheck=True)
        for i, port in enumerate(ports)
    ]
    settings = with_private_hosts(
        replace(FetchSettings(), per_host_delay_s=0, per_host_concurrency=2, concurrency=args.concurrency), sources
    )
    try:
        print(f"bench-crawl: {HOSTS} hosts x {PAGES_PER_HOST} pages, extraction: {args.extract}", flush=True)
        first = one_run(sources, db, settings, nlp, server.pid)
        print(f"  run 1 done in {first['wall_s']} s", flush=True)
        second = one_run(sources, db, settings, nlp, server.pid)
        print(f"  run 2 done in {second['wall_s']} s", flush=True)
        archive_mb = sum(p.stat().st_size for p in (work / "raw").rglob("*") if p.is_file()) / 1e6
    finally:
        stop.set()
        server.join(10)
        shutil.rmtree(work, ignore_errors=True)

    result = {
        "benchmark": "crawl",
        "hosts": HOSTS,
        "pages_per_host": PAGES_PER_HOST,
        "page_bytes": len(page_html(0, 0)),
        "extraction": args.extract,
        "settings": {
            "per_host_concurrency": 2,
            "per_host_delay_s": 0,
            "concurrency": args.concurrency,
            "batch_size": settings.batch_size,
        },
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "run1_full": first,
        "run2_all_304": second,
        "speedup_run": round(first["wall_s"] / second["wall_s"], 1),
        "speedup_fetch_phase": round(first["phase_s"]["fetch"] / second["phase_s"]["fetch"], 1),
        "archive_mb": round(archive_mb, 1),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(table(result))
    print(f"\nresults: {args.out}")
    return 0


def table(result: dict[str, Any]) -> str:
    rows = [("", "run 1 (200 + extract)", "run 2 (all 304)")]
    a, b = result["run1_full"], result["run2_all_304"]
    for label, key in [
        ("pages", "pages"),
        ("HTTP requests (pages)", "requests"),
        ("pages extracted", "extracted"),
        ("wall s", "wall_s"),
        ("pages/s (whole run)", "run_pages_per_s"),
        ("pages/s (fetch phase)", "fetch_pages_per_s"),
        ("pages per client CPU-s (fetch)", "fetch_pages_per_cpu_s"),
        ("client CPU s", "client_cpu_s"),
        ("server CPU s", "server_cpu_s"),
        ("peak RSS MB", "peak_rss_mb"),
    ]:
        rows.append((label, str(a[key]), str(b[key])))
    for name in ("fetch", "extract", "store", "discover_plan"):
        rows.append((f"  {name} s (cpu s)", f"{a['phase_s'][name]} ({a['phase_cpu_s'][name]})",
                     f"{b['phase_s'][name]} ({b['phase_cpu_s'][name]})"))  # fmt: skip
    rss = a["rss_after_batch_mb"]
    rows.append(("RSS after batch 1/10/last", f"{rss[0]}/{rss[min(9, len(rss) - 1)]}/{rss[-1]}",
                 "/".join(str(x) for x in (b["rss_after_batch_mb"][0], b["rss_after_batch_mb"][-1]))))  # fmt: skip
    rows.append(("load avg before", str(a["load_before"]), str(b["load_before"])))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
             for r in rows]  # fmt: skip
    speedups = f"{result['speedup_run']}x   fetch phase only: {result['speedup_fetch_phase']}x"
    lines.append(f"run 1 / run 2 wall time: {speedups}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
