"""The government, topic and similarity method that ``claimtrack positions`` and ``report`` ask for, checked
against what the database holds before anything is drawn: a typo is an error listing what is there
(:class:`~core.errors.UnknownChoice`, exit 2), never an empty timeline or report that exits 0."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from core.errors import UnknownChoice

#: The similarity methods position labels are computed with (``positions.similarity.METHODS``; repeated here so
#: that ``--help`` does not import spaCy, and a test keeps the two equal).
SIMILARITY_METHODS = ("lexical", "minilm-onnx")
#: Values listed in an error message; the rest are counted.
MAX_LISTED = 20


def government_code(value: str) -> str:
    """``--government`` as stored: upper-case ISO alpha-3 or IGO code (``chn`` -> ``CHN``)."""
    return value.strip().upper()


def topic_id(value: str) -> str:
    """``--topic`` as stored: topic ids are lower-case slugs (``Ukraine-War`` -> ``ukraine-war``)."""
    return value.strip().lower()


def listing(counts: Counter[str]) -> str:
    """``CHN (12), RUS (3), …``: most statements first."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    shown = ", ".join(f"{name} ({count})" for name, count in ranked[:MAX_LISTED])
    return shown + (f", … and {len(ranked) - MAX_LISTED} more" if len(ranked) > MAX_LISTED else "")


def check_choices(db: Path, *, government: str | None, topic: str | None, method: str) -> None:
    """Raise :class:`UnknownChoice` when ``db`` holds no dated statement by ``government``, none on ``topic`` (by
    that government, when one is given), or no position labels by ``method`` while it holds statements."""
    from warehouse import reads  # here, so that `claimtrack --help` does not load DuckDB

    pairs = reads.pairs(db)
    if not pairs:
        if government or topic:
            raise UnknownChoice(
                f"{db} holds no dated statements yet: run `claimtrack ingest` (or `claimtrack rebuild`)"
            )
        return
    governments: Counter[str] = Counter()
    topics: Counter[str] = Counter()  # of the government asked for, or of all
    for g, t, n in pairs:
        governments[g] += n
        if government in (None, g):
            topics[t] += n
    if government is not None and government not in governments:
        raise UnknownChoice(f"no dated statements by government {government!r}; governments: {listing(governments)}")
    if topic is not None and topic not in topics:
        whose = f" by {government}" if government else ""
        raise UnknownChoice(f"no dated statements on topic {topic!r}{whose}; topics{whose}: {listing(topics)}")
    labelled = [name for name in SIMILARITY_METHODS if reads.comparison_labels(db, name)]
    if method not in labelled:
        raise UnknownChoice(
            f"no position labels by the {method} method in {db}: run `claimtrack rebuild --method {method}`"
            f" (labelled: {', '.join(labelled) or 'none yet'})"
        )
