"""Reports -> statements: the same words by the same speaker, printed by several outlets (wire copy, rewrites,
trimmed quotes), are one statement with several reports, so counts are not inflated by syndication.

Two claims are reports of one statement when

1. their normalised words overlap: shingle containment (shared word 3-grams over the smaller side's) is at
   least ``min_containment``, over the whole content or over its quoted words alone when both quote at least
   ``min_quoted_words`` words (so trimmed or re-framed quotes still match; rewording does not);
2. the speaker is the same: same curated actor, or one canonical name contains the other's words ("Peskov" /
   "Dmitry Peskov"), or, for near-verbatim text (``verbatim_containment``), the same government;
3. they are close in time: published at most ``max_days_apart`` days apart (undated reports need verbatim text).

Matches are joined transitively (union-find). The statement takes the earliest report as its representative,
and its id from that report's claim id, so the id is stable while that report stays the earliest.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from core.statements import Report, Statement

DEDUP_VERSION = "dedup/1"
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
_QUOTED = re.compile(r"[“\"]([^”\"]+)[”\"]")
_NAME_NOISE = frozenset({"the", "of", "'s", "s", "a", "an", "and", "mr", "mrs", "ms", "dr"})


@dataclass(frozen=True, kw_only=True)
class DedupSettings:
    min_containment: float = 0.7
    verbatim_containment: float = 0.9
    max_days_apart: float = 3.0
    shingle_size: int = 3
    #: Quoted words compared on their own only when both sides quote at least this many (one-word quotes recur).
    min_quoted_words: int = 3
    #: Shingles shared by more claims than this say nothing about identity ("the united states") and are skipped.
    max_postings: int = 200


DEFAULT_DEDUP_SETTINGS = DedupSettings()


def words_of(text: str) -> list[str]:
    normal = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    return _WORD.findall(normal)


def quoted_words(text: str) -> list[str]:
    return [w for piece in _QUOTED.findall(text) for w in words_of(piece)]


def shingles(words: Sequence[str], size: int) -> frozenset[tuple[str, ...]]:
    if len(words) < size:
        return frozenset({tuple(words)}) if words else frozenset()
    return frozenset(tuple(words[i : i + size]) for i in range(len(words) - size + 1))


def _name_words(name: str | None) -> frozenset[str]:
    return frozenset(w for w in words_of(name or "") if w not in _NAME_NOISE)


def _same_speaker(a: Report, b: Report, containment: float, settings: DedupSettings) -> bool:
    if a.actor_id and b.actor_id:
        return a.actor_id == b.actor_id
    left, right = _name_words(a.speaker_canonical), _name_words(b.speaker_canonical)
    if left and right and (left <= right or right <= left):
        return a.government == b.government or a.government is None or b.government is None
    return a.government is not None and a.government == b.government and containment >= settings.verbatim_containment


def _close_in_time(a: Report, b: Report, containment: float, settings: DedupSettings) -> bool:
    if a.published_at is None or b.published_at is None:
        return containment >= settings.verbatim_containment
    return abs((a.published_at - b.published_at).total_seconds()) <= settings.max_days_apart * 86400


def statement_id_for(claim_id: str) -> str:
    return hashlib.sha256(f"statement|{claim_id}".encode()).hexdigest()[:16]


def _first_key(report: Report) -> tuple[float, float, str]:
    """Earliest first (undated last), then the most confident, then by id (deterministic)."""
    when = report.published_at.timestamp() if report.published_at is not None else float("inf")
    return (when, -report.confidence, report.claim_id)


def group_reports(reports: Sequence[Report], settings: DedupSettings = DEFAULT_DEDUP_SETTINGS) -> list[Statement]:
    """Group claims into statements (every claim lands in exactly one)."""
    parent = list(range(len(reports)))
    joined_by: dict[int, str] = {}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    sets = [shingles(words_of(r.content), settings.shingle_size) for r in reports]
    texts = [" ".join(words_of(r.content)) for r in reports]
    quoted = [quoted_words(r.content) for r in reports]
    quote_sets = [
        shingles(q, settings.shingle_size) if len(q) >= settings.min_quoted_words else frozenset() for q in quoted
    ]
    postings: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for index, grams in enumerate(sets):
        for gram in grams:
            postings[gram].append(index)
    for index, grams in enumerate(sets):
        if not grams:
            continue
        shared: Counter[int] = Counter()
        for gram in grams:
            posting = postings[gram]
            if len(posting) > settings.max_postings:
                continue
            shared.update(other for other in posting if other < index)
        for other, common in shared.items():
            containment = common / min(len(grams), len(sets[other]))
            if quote_sets[index] and quote_sets[other]:
                shared_quote = len(quote_sets[index] & quote_sets[other])
                containment = max(containment, shared_quote / min(len(quote_sets[index]), len(quote_sets[other])))
            if containment < settings.min_containment:
                continue
            a, b = reports[index], reports[other]
            if a.article_id == b.article_id and texts[index] != texts[other]:
                continue  # within one article, only a repeated quote is the same statement
            if not (_same_speaker(a, b, containment, settings) and _close_in_time(a, b, containment, settings)):
                continue
            root_a, root_b = find(index), find(other)
            if root_a != root_b:
                parent[root_a] = root_b
                rule = "same_text" if texts[index] == texts[other] else f"shingles:{containment:.2f}"
                joined_by.setdefault(index, rule)
                joined_by.setdefault(other, rule)
    groups: dict[int, list[int]] = defaultdict(list)
    for index in range(len(reports)):
        groups[find(index)].append(index)
    statements = []
    for members in groups.values():
        ordered = sorted(members, key=lambda i: _first_key(reports[i]))
        first = reports[ordered[0]]
        governments = Counter(reports[i].government for i in ordered if reports[i].government)
        government = first.government or (governments.most_common(1)[0][0] if governments else None)
        rules = {reports[i].claim_id: joined_by.get(i, "joined") for i in ordered[1:]}
        rules[first.claim_id] = "first"
        statements.append(
            Statement(
                statement_id=statement_id_for(first.claim_id),
                representative=first,
                government=government,
                reports=tuple(reports[i] for i in ordered),
                rules=rules,
            )
        )
    statements.sort(key=lambda s: _first_key(s.representative))
    return statements
