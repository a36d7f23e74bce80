"""The raw archive: every fetched body kept compressed and content-addressed, so any page can be re-extracted
later without the network (backfills and ``reprocess`` read it).

Layout: ``<root>/<sha[:2]>/<sha>.gz`` holds the body; ``<sha>.json`` beside it the first fetch's URL, final
URL, status, headers and time. Writing is idempotent and atomic (write to a temp file, then rename), so a
killed run leaves either the whole file or none.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from core.pages import FetchResult
from warehouse.connection import disk_full, out_of_space


class RawArchive:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}.gz"

    def put(self, result: FetchResult) -> str | None:
        """Store a successful body; returns its sha256 (None when there is no body)."""
        if result.body is None:
            return None
        sha = result.content_sha256
        assert sha is not None
        target = self.path_for(sha)
        if target.exists():
            return sha
        meta: dict[str, Any] = {
            "url": result.url,
            "final_url": result.final_url,
            "status": result.status,
            "fetched_at": result.fetched_at.isoformat(),
            "headers": result.headers,
            "bytes": len(result.body),
        }
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            _atomic_write(target.with_suffix(".json"), json.dumps(meta, indent=1).encode("utf-8"))
            _atomic_write(target, gzip.compress(result.body, compresslevel=6))
        except OSError as exc:
            if out_of_space(exc):  # every later page would fail the same way: the run stops (core.errors.DiskFull)
                raise disk_full(exc, self.root) from exc
            raise
        return sha

    def get(self, sha256: str) -> bytes:
        return gzip.decompress(self.path_for(sha256).read_bytes())

    def meta(self, sha256: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.path_for(sha256).with_suffix(".json").read_text(encoding="utf-8"))
        return data

    def __contains__(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()


def _atomic_write(path: Path, data: bytes) -> None:
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
