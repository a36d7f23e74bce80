"""Extraction on several cores: worker processes that each load the claims pipeline once, then take pages.

Page -> article (trafilatura) -> claims (spaCy and our rules) is CPU-bound Python, so threads cannot spread it
over cores, and ``nlp.pipe(n_process=N)`` starts new processes on every call (one per batch) and leaves
trafilatura on one core. A pool started once per process and kept for the run does both stages in parallel
and pays the model load once per worker.

Workers are *spawned*, not forked: the parent is a Prefect flow process with threads of its own (API client,
log shipping), and forking a threaded process can deadlock the child. A worker reads no seed file and no
setting for its data: it is handed the seed files' bytes the parent's pipeline holds (``extractors.nlp.seed_files``)
and builds the same pipeline from them, so its claims carry the parent's extractor version. The pool is keyed by
the model and that version: another one (an edited actors or topics file) starts a new pool, and claims never
mix versions.
"""

from __future__ import annotations

import atexit
import math
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.process import BaseProcess
from typing import TypeVar

from core.config import SeedFile
from core.errors import ExtractError
from core.lifetime import watch_parent

T = TypeVar("T")
R = TypeVar("R")

#: Jobs per worker a batch is cut into: small enough to balance uneven pages, large enough for nlp.pipe batching.
JOBS_PER_WORKER = 3


def _warm(model: str, parent: int, seed_files: Sequence[SeedFile]) -> None:
    """Worker initializer: leave with the parent, take the parent's seed data, then load the pipeline (with the
    topics' sentence embedder) before the first job arrives."""
    watch_parent(parent)
    from extractors.nlp import load_pipeline
    from extractors.seeds import Seeds, use_seeds
    from extractors.topics import ClaimTopicsComponent

    use_seeds(Seeds.parse(seed_files))
    topics = load_pipeline(model).get_pipe("claim_topics")
    assert isinstance(topics, ClaimTopicsComponent)
    topics.warm()


def _ready() -> int:
    return os.getpid()


class ExtractionPool:
    """``processes`` spawned workers with ``model`` loaded and initialized with ``seed_files`` (the parent's).
    :meth:`map` runs a module-level function over jobs."""

    def __init__(self, model: str, processes: int, seed_files: Sequence[SeedFile]) -> None:
        self.model = model
        self.processes = processes
        self._executor = ProcessPoolExecutor(
            max_workers=processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_warm,
            initargs=(model, os.getpid(), tuple(seed_files)),
        )
        # Start every worker now, so the model loads while the caller is still discovering and fetching.
        self._warming: list[Future[int]] = [self._executor.submit(_ready) for _ in range(processes)]

    def map(self, function: Callable[[T], R], jobs: Iterable[T]) -> list[R]:
        """``function(job)`` for every job, spread over the workers; results in job order."""
        try:
            return list(self._executor.map(function, jobs))
        except BrokenProcessPool as exc:
            raise ExtractError(
                f"an extraction worker process died ({exc}); the batch is left for the next run. If this repeats, "
                "look for an out-of-memory kill (dmesg) or run with CLAIMTRACK_PROCESSES=1 to see the error in-process"
            ) from exc

    def wait_ready(self) -> list[int]:
        """Block until every worker has its model loaded; their process ids."""
        return [future.result() for future in self._warming]

    @property
    def broken(self) -> bool:
        return bool(getattr(self._executor, "_broken", False))

    def close(self) -> None:
        if self.broken:
            # CPython's executor ends a broken pool's workers with SIGTERM and then waits for each; a worker that
            # was still starting when the pool broke can miss it and idle forever, and the wait with it (seen in
            # CI: a run hung replacing a pool whose worker the OOM killer took). SIGKILL cannot be missed.
            processes: dict[int, BaseProcess] = getattr(self._executor, "_processes", None) or {}
            for process in list(processes.values()):
                process.kill()
        self._executor.shutdown(wait=True, cancel_futures=True)


_pools: dict[tuple[str, int, str], ExtractionPool] = {}
_lock = threading.Lock()


def extraction_pool(model: str, processes: int, version: str, seed_files: Sequence[SeedFile]) -> ExtractionPool:
    """The process's pool for this model, size and extractor version, its workers built from ``seed_files`` (those
    of the parent's pipeline that has ``version``); started on first use, kept until exit. A pool of another
    version, or one whose worker died, is shut down and replaced."""
    key = (model, processes, version)
    with _lock:
        pool = _pools.get(key)
        if pool is not None and not pool.broken:
            return pool
        for other in [k for k in _pools if k[0] == model]:
            _pools.pop(other).close()
        pool = _pools[key] = ExtractionPool(model, processes, seed_files)
        return pool


@atexit.register
def close_pools() -> None:
    with _lock:
        while _pools:
            _pools.popitem()[1].close()


def split_jobs(items: Sequence[T], workers: int, per_worker: int = JOBS_PER_WORKER) -> list[list[T]]:
    """``items`` cut into consecutive chunks, about ``per_worker`` chunks per worker (order kept)."""
    if not items:
        return []
    size = max(1, math.ceil(len(items) / (workers * per_worker)))
    return [list(items[i : i + size]) for i in range(0, len(items), size)]
