"""A database of really extracted claims: the seed article, its wire rewrite, and the politics pages of the
shared extraction benchmarks, run through the ingest flow's own task functions (crawl -> extract -> store)
without Prefect (topics from ``seeds/topics.toml``), then refreshed by ``positions.refresh``.

The benchmark pages are read from ``../shared`` at test time (never copied into the repository).
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

from crawler.fetch import DEFAULT_FETCH_SETTINGS
from crawler.sources import Source, with_private_hosts
from flows.ingest import discover, extract, fetch, listings, plan, store

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
BENCHMARKS = SHARED / "benchmarks" / "extraction"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED_ARTICLES = ROOT / "seeds" / "articles"
#: A second outlet's rewrite of the seed article (same quotes, other framing): exercises statement grouping.
WIRE_ARTICLES = FIXTURES / "articles"


def benchmark_pages() -> list[tuple[str, Path, str]]:
    """``(outlet, gzipped html, page id)`` of the politics/government pages of both benchmarks."""
    pages = []
    for folder in ("scrapinghub-aeb", "trafilatura-eval-en"):
        listing = json.loads((BENCHMARKS / folder / "news-with-quotes.json").read_text(encoding="utf-8"))
        for entry in listing["politics_government"]:
            html = BENCHMARKS / folder / "html" / f"{entry['id']}.gz"
            if not html.exists():
                html = BENCHMARKS / folder / "html" / f"{entry['id']}.html.gz"
            pages.append((entry["outlet"], html, entry["id"]))
    return pages


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def sources_for(workdir: Path, *, with_benchmarks: bool) -> list[Source]:
    sources = [
        Source(name="sample-articles", kind="directory", path=SEED_ARTICLES, outlet="claimtrack sample"),
        Source(name="wire-rewrite", kind="directory", path=WIRE_ARTICLES, outlet="Wire Rewrite (fixture)"),
    ]
    if with_benchmarks:
        by_outlet: dict[str, Path] = {}
        for outlet, html, page_id in benchmark_pages():
            folder = by_outlet.setdefault(outlet, workdir / "pages" / _slug(outlet))
            folder.mkdir(parents=True, exist_ok=True)
            name = page_id if page_id.endswith(".html") else f"{page_id[:16]}.html"
            (folder / name).write_bytes(gzip.decompress(html.read_bytes()))
        sources += [
            Source(name=f"bench-{_slug(o)}", kind="directory", path=p, outlet=o) for o, p in sorted(by_outlet.items())
        ]
    return sources


def ingest_sources(db: Path, sources: list[Source], archive: Path, model: str = "en_core_web_sm") -> None:
    """What one ingest run does, with the flow's task functions (``.fn``: no Prefect needed)."""
    crawler = with_private_hosts(DEFAULT_FETCH_SETTINGS, sources)
    found = discover.fn(sources, str(db), str(archive), crawler)
    crawl = plan.fn(found, str(db), str(archive), crawler)
    hosts = found.hosts
    outlets = {s.name: s.outlet for s in sources}
    for batch in crawl.batches:
        fetched = fetch.fn(batch, crawler, hosts)
        hosts = fetched.hosts
        store.fn(fetched, extract.fn(fetched, outlets, str(db), model), str(db), str(archive), "test-run")
    listings.fn(found, crawl, set(), str(db), str(archive), "test-run")


def build(db: Path, workdir: Path, *, with_benchmarks: bool) -> None:
    """Ingest (the pipeline tags topics from seeds/topics.toml), refresh positions: the database the tests read."""
    from flows.refresh import refresh_positions
    from positions.refresh import PositionSettings

    ingest_sources(db, sources_for(workdir, with_benchmarks=with_benchmarks), workdir / "raw")
    # Both similarity methods, so method comparisons (docs/schema.md question 9) have rows to compare.
    refresh_positions(db, settings=PositionSettings(methods=("lexical", "minilm-onnx")))
    shutil.rmtree(workdir / "pages", ignore_errors=True)
