"""One claim per paragraph of a quote that runs over several paragraphs.

The annotation guide counts a multi-paragraph quote as one statement per paragraph (``“A ⏎ “B,” Kabui said`` is
two statements, both Kabui's), and a paragraph is the unit a reader quotes. The attribution rules first gather
such a quote into the claim of the paragraph that names its speaker (so every paragraph gets that speaker); this
step then cuts the claim at its paragraph breaks. Each part keeps the speaker, cue and confidence; a part after
the speaker's paragraph continues it (``Claim.continues``), a part before it names the same speaker span, so both
resolve to the same person and government.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import replace

from core.articles import Claim, Span
from extractors.claims._content import spans_text
from extractors.claims._quotes import QuoteIndex, paragraphs


def one_claim_per_paragraph(claims: Sequence[Claim], text: str) -> list[Claim]:
    """``claims`` with every claim whose content spans lie in several paragraphs cut into one claim per paragraph;
    ``continues`` indices follow the claims they pointed at."""
    starts = [start for start, _ in paragraphs(text)]
    grouped = [_by_paragraph(claim.content_spans, starts) for claim in claims]
    if all(len(groups) < 2 for groups in grouped):
        return list(claims)  # the usual case: nothing to cut, no quotes to find again
    quotes = QuoteIndex.of(text)
    result: list[Claim] = []
    speaking: list[int] = []  # per old claim, the new index of its part in the speaker's paragraph
    for claim, groups in zip(claims, grouped, strict=True):
        known = claim.continues is not None and claim.continues < len(speaking)  # continuations look back
        parent = speaking[claim.continues] if known and claim.continues is not None else None
        speaker_part = _speaker_part(claim, groups, starts)
        base = len(result)
        for k, spans in enumerate(groups):
            # A part after the speaker's paragraph continues it (or what it continues); a part before cannot.
            continues = base + speaker_part if parent is None and k > speaker_part else parent
            result.append(_part(claim, spans, text, quotes, continues, whole=len(groups) == 1))
        speaking.append(base + speaker_part)
    return result


def _by_paragraph(spans: Sequence[Span], starts: list[int]) -> list[list[Span]]:
    """``spans`` grouped by the paragraph each starts in, in order."""
    groups: dict[int, list[Span]] = {}
    for span in spans:
        groups.setdefault(bisect.bisect_right(starts, span[0]), []).append(span)
    return [groups[p] for p in sorted(groups)]


def _speaker_part(claim: Claim, groups: list[list[Span]], starts: list[int]) -> int:
    """Which part holds the attribution: the one in the cue's (or speaker's) paragraph, else the first."""
    anchor = claim.cue_span or claim.speaker_span
    if anchor is None or len(groups) < 2:
        return 0
    paragraph = bisect.bisect_right(starts, anchor[0])
    for k, spans in enumerate(groups):
        if bisect.bisect_right(starts, spans[0][0]) == paragraph:
            return k
    return 0


def _part(
    claim: Claim, spans: list[Span], text: str, quotes: QuoteIndex, continues: int | None, *, whole: bool
) -> Claim:
    if whole:
        return replace(claim, continues=continues)
    content = spans_text(text, spans)
    quoted = sum(quotes.quoted_chars(s, e) for s, e in spans) >= sum(e - s for s, e in spans) - 2
    kind = "direct" if quoted and claim.kind in ("direct", "mixed") else claim.kind
    return replace(claim, content=content, content_spans=tuple(spans), kind=kind, continues=continues)
