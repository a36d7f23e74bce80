"""Reports -> statements: the same words by the same speaker, printed by several outlets (wire copy, rewrites,
trimmed quotes), are one statement with several reports, so counts are not inflated by syndication.

Two claims are reports of one statement when (:func:`same_statement`, a rule on the pair alone)

1. their normalised words overlap: shingle containment (shared word 3-grams over the smaller side's) is at
   least ``min_containment``, over the whole content or over its quoted words alone when both quote at least
   ``min_quoted_words`` words (so trimmed or re-framed quotes still match; rewording does not);
2. the speaker is the same: same curated actor, or one canonical name contains the other's words ("Peskov" /
   "Dmitry Peskov"), or, for near-verbatim text (``verbatim_containment``), the same government;
3. the reporting cue reads the same way: a "denied" and a "said" report of the same words say opposite things,
   so they are two statements (``positions.polarity.cue_negates``);
4. they are close in time: published at most ``max_days_apart`` days apart; an undated report joins only an
   identical one of its own article (a repeated quote).

Within one article only a repeated quote is the same statement. Matches are joined transitively (union-find), and
since the rule looks at the pair only, grouping any set of reports that holds every report matching one of them
gives the same statements as grouping them all: ``positions.refresh`` regroups only the reports a refresh touches.
The statement takes the earliest report as its representative, and its id from that report's claim id, so the id
is stable while that report stays the earliest.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from core.statements import Report, Statement
from positions.polarity import cue_negates

#: dedup/2: the reporting cue counts (a denial is not a report of the same statement), the pair rule alone decides
#: (no skipped common shingles), undated reports join only identical ones of their article.
DEDUP_VERSION = "dedup/2"
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
_QUOTED = re.compile(r"[“\"]([^”\"]+)[”\"]")
_NAME_NOISE = frozenset({"the", "of", "'s", "s", "a", "an", "and", "mr", "mrs", "ms", "dr"})
_DAY_S = 86400.0


@dataclass(frozen=True, kw_only=True)
class DedupSettings:
    min_containment: float = 0.7
    verbatim_containment: float = 0.9
    max_days_apart: float = 3.0
    shingle_size: int = 3
    #: Quoted words compared on their own only when both sides quote at least this many (one-word quotes recur).
    min_quoted_words: int = 3


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


@dataclass(frozen=True)
class Words:
    """What the pair rule reads from one report, made once."""

    text: str
    grams: frozenset[tuple[str, ...]]
    quote_grams: frozenset[tuple[str, ...]]
    names: frozenset[str]

    @classmethod
    def of(cls, report: Report, settings: DedupSettings) -> Words:
        words = words_of(report.content)
        quoted = quoted_words(report.content)
        quote_grams = shingles(quoted, settings.shingle_size) if len(quoted) >= settings.min_quoted_words else None
        return cls(
            text=" ".join(words),
            grams=shingles(words, settings.shingle_size),
            quote_grams=quote_grams or frozenset(),
            names=_name_words(report.speaker_canonical),
        )


def _containment(a: Words, b: Words) -> float:
    if not a.grams or not b.grams:
        return 0.0
    found = len(a.grams & b.grams) / min(len(a.grams), len(b.grams))
    if a.quote_grams and b.quote_grams:
        shared = len(a.quote_grams & b.quote_grams)
        found = max(found, shared / min(len(a.quote_grams), len(b.quote_grams)))
    return found


def _same_speaker(a: Report, b: Report, wa: Words, wb: Words, containment: float, settings: DedupSettings) -> bool:
    if a.actor_id and b.actor_id:
        return a.actor_id == b.actor_id
    if wa.names and wb.names and (wa.names <= wb.names or wb.names <= wa.names):
        return a.government == b.government or a.government is None or b.government is None
    return a.government is not None and a.government == b.government and containment >= settings.verbatim_containment


def same_statement(
    a: Report, b: Report, wa: Words, wb: Words, settings: DedupSettings = DEFAULT_DEDUP_SETTINGS
) -> str | None:
    """Why ``a`` and ``b`` are reports of one statement (``same_text`` or ``shingles:<containment>``), or None."""
    if a.published_at is None or b.published_at is None:
        same = a.article_id == b.article_id and wa.text == wb.text and bool(wa.text)
        return "same_text" if same and cue_negates(a.cue) == cue_negates(b.cue) else None
    if abs((a.published_at - b.published_at).total_seconds()) > settings.max_days_apart * _DAY_S:
        return None
    if a.article_id == b.article_id and wa.text != wb.text:
        return None  # within one article, only a repeated quote is the same statement
    containment = _containment(wa, wb)
    if containment < settings.min_containment or cue_negates(a.cue) != cue_negates(b.cue):
        return None
    if not _same_speaker(a, b, wa, wb, containment, settings):
        return None
    return "same_text" if wa.text == wb.text else f"shingles:{containment:.2f}"


def statement_id_for(claim_id: str) -> str:
    return hashlib.sha256(f"statement|{claim_id}".encode()).hexdigest()[:16]


def _first_key(report: Report) -> tuple[float, float, str]:
    """Earliest first (undated last), then the most confident, then by id (deterministic)."""
    when = report.published_at.timestamp() if report.published_at is not None else float("inf")
    return (when, -report.confidence, report.claim_id)


def matches(
    reports: Sequence[Report], words: Sequence[Words], settings: DedupSettings, *, among: Sequence[int] | None = None
) -> list[tuple[int, int, str]]:
    """Every matching pair ``(i, j, rule)`` with ``i < j`` (``among``: only pairs with at least one of these).

    Dated reports are walked in time order with an index of the shingles of the reports at most
    ``max_days_apart`` earlier, so each report is checked only against recent reports sharing a shingle."""
    dated = [i for i, r in enumerate(reports) if r.published_at is not None]
    dated.sort(key=lambda i: _first_key(reports[i]))
    wanted = set(among) if among is not None else None
    window: dict[tuple[str, ...], set[int]] = defaultdict(set)
    oldest = 0
    found: list[tuple[int, int, str]] = []
    for index in dated:
        when = reports[index].published_at.timestamp()  # type: ignore[union-attr]
        while reports[dated[oldest]].published_at.timestamp() < when - settings.max_days_apart * _DAY_S:  # type: ignore[union-attr]
            for gram in words[dated[oldest]].grams:
                window[gram].discard(dated[oldest])
            oldest += 1
        candidates: set[int] = set()
        for gram in words[index].grams:
            candidates.update(window.get(gram, ()))
        for other in sorted(candidates):
            if wanted is not None and index not in wanted and other not in wanted:
                continue
            rule = same_statement(reports[index], reports[other], words[index], words[other], settings)
            if rule is not None:
                found.append((min(index, other), max(index, other), rule))
        for gram in words[index].grams:
            window[gram].add(index)
    undated: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, r in enumerate(reports):
        if r.published_at is None:
            undated[(r.article_id, words[i].text)].append(i)
    for members in undated.values():
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                if wanted is not None and i not in wanted and j not in wanted:
                    continue
                rule = same_statement(reports[i], reports[j], words[i], words[j], settings)
                if rule is not None:
                    found.append((i, j, rule))
    return found


def _rule_rank(rule: str) -> float:
    return 2.0 if rule == "same_text" else float(rule.split(":", 1)[1])


def group_reports(reports: Sequence[Report], settings: DedupSettings = DEFAULT_DEDUP_SETTINGS) -> list[Statement]:
    """Group claims into statements (every claim lands in exactly one)."""
    parent = list(range(len(reports)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    words = [Words.of(r, settings) for r in reports]
    best: dict[int, str] = {}
    for i, j, rule in matches(reports, words, settings):
        root_i, root_j = find(i), find(j)
        if root_i != root_j:
            parent[root_i] = root_j
        for k in (i, j):  # each report records its strongest match (the same whatever order pairs come in)
            if k not in best or _rule_rank(rule) > _rule_rank(best[k]):
                best[k] = rule
    groups: dict[int, list[int]] = defaultdict(list)
    for index in range(len(reports)):
        groups[find(index)].append(index)
    statements = [_statement(reports, members, best) for members in groups.values()]
    statements.sort(key=lambda s: _first_key(s.representative))
    return statements


def _statement(reports: Sequence[Report], members: list[int], best: dict[int, str]) -> Statement:
    ordered = sorted(members, key=lambda i: _first_key(reports[i]))
    first = reports[ordered[0]]
    governments = Counter(reports[i].government for i in ordered if reports[i].government)
    # The first report's government, else the most frequent (ties by name: the same whatever the input order).
    ranked = sorted(governments.items(), key=lambda g: (-g[1], g[0] or ""))
    government = first.government or (ranked[0][0] if ranked else None)
    rules = {reports[i].claim_id: best.get(i, "joined") for i in ordered[1:]}
    rules[first.claim_id] = "first"
    return Statement(
        statement_id=statement_id_for(first.claim_id),
        representative=first,
        government=government,
        reports=tuple(reports[i] for i in ordered),
        rules=rules,
    )
