"""Extraction worker processes: same results as in-process, clear errors, a dead worker replaced."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from spacy.language import Language

from claimtrack.cli import main
from core.errors import ConfigError, ExtractError
from core.pages import FetchedPage, FetchResult, PageRef
from core.settings import resolve_processes, usable_cpus
from extractors.nlp import extractor_version, seed_files
from extractors.pipeline import extract_by_source
from extractors.workers import extraction_pool, split_jobs
from tests.conftest import FIXTURES, SEED_ARTICLE

MODEL = "en_core_web_sm"


def page(url: str, body: bytes, content_type: str, source: str) -> FetchedPage:
    fetch = FetchResult(
        url=url, final_url=url, fetched_at=datetime.now(UTC), status=200, body=body, content_type=content_type
    )
    return FetchedPage(PageRef(url=url), fetch, source=source)


def pages() -> list[FetchedPage]:
    html = "text/html; charset=utf-8"
    return [
        page("http://a.test/kyiv", (FIXTURES / "pages" / "kyiv-talks.html").read_bytes(), html, "a"),
        page("http://b.test/seed", SEED_ARTICLE.read_bytes(), "text/plain; charset=utf-8", "b"),
        page("http://a.test/empty", b"<html><body><p>Cookies.</p></body></html>", html, "a"),
        page("http://a.test/gaza", (FIXTURES / "pages" / "gaza-aid.html").read_bytes(), html, "a"),
        page("http://b.test/wire", (FIXTURES / "articles" / "jeddah-wire-rewrite-2023-08-09.txt").read_bytes(),
             "text/plain", "b"),
    ]


def test_processes_setting() -> None:
    assert resolve_processes("auto") == resolve_processes(None) == min(usable_cpus(), 4)
    assert resolve_processes("3") == resolve_processes(3) == 3
    with pytest.raises(ConfigError, match="at least 1"):
        resolve_processes("0")
    with pytest.raises(ConfigError, match="positive number or 'auto'"):
        resolve_processes("two")


def test_split_jobs_keeps_order_and_balances() -> None:
    jobs = split_jobs(list(range(25)), workers=2)
    assert [x for job in jobs for x in job] == list(range(25))
    assert len(jobs) == 5 and {len(job) for job in jobs} == {5}  # 25 items / (2 workers x 3 jobs) -> 5 per job
    assert len(split_jobs(list(range(26)), workers=2)) == 6
    assert split_jobs([1], workers=4) == [[1]]
    assert split_jobs([], workers=2) == []


def test_worker_pool_gives_what_one_process_gives(nlp: Language) -> None:
    batch = pages()
    outlets = {"a": "Outlet A", "b": None}
    alone = extract_by_source(batch, outlets, nlp)
    spread = extract_by_source(batch, outlets, nlp, processes=2, model=MODEL)
    assert [a.article.url for a in spread.articles] == [a.article.url for a in alone.articles]
    assert len(spread.articles) == 4
    assert spread.errors == alone.errors and list(spread.errors) == ["http://a.test/empty"]
    for ours, theirs in zip(spread.articles, alone.articles, strict=True):
        assert ours.claims == theirs.claims
        assert ours.claims_version == theirs.claims_version == extractor_version(nlp)
        assert ours.outlet == theirs.outlet
    seed = next(a for a in spread.articles if a.article.url == "http://b.test/seed")
    assert len(seed.claims) == 16 and {c.government for c in seed.claims} >= {"CHN", "RUS", "UKR"}
    # The pool stays for the next batch: the same worker processes answer.
    pool = extraction_pool(MODEL, 2, extractor_version(nlp), seed_files(nlp))
    assert pool.wait_ready() == pool.wait_ready() and os.getpid() not in pool.wait_ready()


def die(_: object) -> None:
    os._exit(3)


def test_a_dead_worker_is_a_clear_error_and_the_pool_is_replaced(nlp: Language) -> None:
    version, seeds = extractor_version(nlp), seed_files(nlp)
    pool = extraction_pool(MODEL, 2, version, seeds)
    with pytest.raises(ExtractError, match="worker process died"):
        pool.map(die, [1, 2])
    assert pool.broken
    fresh = extraction_pool(MODEL, 2, version, seeds)
    assert fresh is not pool and not fresh.broken
    again = extract_by_source(pages()[:2], {}, nlp, processes=2, model=MODEL)
    assert len(again.articles) == 2 and again.articles[1].claims


def test_cli_rejects_a_bad_process_count(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", "--processes", "0", "--sources", "/nonexistent.toml"]) == 2
    assert "processes must be at least 1" in capsys.readouterr().err


KILLED_PARENT = """
import os, signal, sys
from extractors.seeds import process_seeds
from extractors.workers import ExtractionPool
pool = ExtractionPool("en_core_web_sm", 2, process_seeds().files)
if sys.argv[1] == "ready":
    print(" ".join(map(str, pool.wait_ready())), flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.parametrize("when", ["ready", "starting"])
def test_workers_leave_when_their_parent_is_killed(when: str) -> None:
    """A run killed with SIGKILL (by an operator, the OOM killer or a cancelled flow) leaves no worker behind,
    whether its workers were serving or still starting: the pipe they inherited closes, so whoever reads the
    run's output sees its end instead of waiting forever."""
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_PARENT, when], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    output, errors = child.communicate(timeout=120)  # returns only when every holder of the pipes has exited
    assert child.returncode == -signal.SIGKILL, errors
    if when == "ready":
        workers = [int(pid) for pid in output.split()]
        assert len(workers) == 2 and not any(alive(pid) for pid in workers)


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_statement_features_read_in_the_workers_equal_those_read_here(nlp: Language) -> None:
    from positions.features import StatementText, analyse
    from positions.refresh import Workers, _analyse_in_pool

    said = [
        ("CHN", "said", "China supports a ceasefire and will not send weapons to Russia."),
        ("CHN", "denied", "the talks helped to consolidate international consensus"),
        ("UKR", "insisted", "Ukraine's territorial integrity must be respected"),
        ("USA", None, "sanctions on Iran would stay until the nuclear programme is verified"),
        ("RUS", "said", "the Kremlin rejects any talks on these terms"),
    ]
    items = [
        StatementText(statement_id=f"s{i}", content=text, government=government, cue=cue)
        for i, (government, cue, text) in enumerate(said)
    ]
    spread = _analyse_in_pool(nlp, items, Workers(2, MODEL), batch_size=2)
    assert spread == analyse(nlp, items)
    assert spread[1].polarity == -1 and len({f.normalized_text for f in spread}) == len(items)  # "denied" negates
