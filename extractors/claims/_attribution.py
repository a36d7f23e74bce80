"""Rules that turn one parsed ``Doc`` into claims. No state, no I/O: ``attribute(doc, options)``.

The cascade, in order (each step only adds what earlier steps did not cover):

1. quotes   find quoted passages per paragraph (``_quotes``), so no odd mark can spoil the document;
2. cues     every reporting verb outside quotes (lemma list in ``data/cue_verbs.tsv``) gets a source
            (its subject, an inherited subject for ``told ... and stressed``, a passive agent) and a content
            (the complement its frame allows, or the quote right beside it);
3. according ``according to X, ...`` claims, or a ``via`` on the claim it relays (nested sources);
4. leftovers quotes nobody claimed: split quotes join the claim before them in the paragraph, quote-only
            paragraphs continue the last speaker;
5. kinds    direct / mixed / indirect from how much of the content sits inside quote marks.

Speaker canonicalisation across the whole document is ``_speakers.resolve_speakers``.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from extractors.claims._lexicon import EXPLETIVES, PRONOUNS, Cue, default_cues, titles
from extractors.claims._model import Claim, ClaimKind
from extractors.claims._quotes import Quote, find_quotes, paragraphs

#: Dependency labels under which a verb is used as a noun modifier, never a reporting cue.
_NON_CLAUSE_DEPS = frozenset({"amod", "compound", "nmod", "pobj", "dobj", "nsubj", "nsubjpass", "attr", "acl"})
#: Subordinators that turn a complement into a question, not a statement ("did not say whether ...").
_QUESTION_MARKERS = frozenset({"whether", "if", "how", "what", "when", "why", "who", "where", "which"})
#: Trivial contents that carry no statement ("said so", "denied it").
_EMPTY_CONTENT = frozenset({"so", "it", "this", "that", "nothing", "something", "anything", "yes", "no", "otherwise"})
_EDGE_PUNCT = " \t\n,;:–—-"
_CLOSING_MARKS = "”\"’»'"


@dataclass(frozen=True, kw_only=True)
class AttributionOptions:
    """Knobs of the rule cascade; defaults were tuned on PolNeAR train/dev."""

    #: Cue classes to extract: ``speech`` always; ``belief`` (thinks, considers) and ``knowledge`` (knew, found).
    cue_classes: frozenset[str] = frozenset({"speech", "belief", "knowledge"})
    #: Shortest content worth keeping, in characters.
    min_content_chars: int = 8
    #: How many paragraphs a quote-only paragraph may reach back for its speaker.
    continuation_reach: int = 2
    #: Keep statements with no named source (``it was reported that ...``).
    keep_unsourced: bool = True


DEFAULT_OPTIONS = AttributionOptions()


@dataclass
class _Draft:
    """A claim under construction; offsets are doc character offsets."""

    cue_token: Token | None
    cue_text: str | None
    cue_span: tuple[int, int] | None
    cue_class: str
    source: Token | None
    spans: list[tuple[int, int]]
    frame: str
    via: Token | None = None
    according: bool = False
    continues: _Draft | None = None
    confidence: float = 0.7


class _Quotes:
    """Sorted quotes with fast "which quote holds this offset" lookups."""

    def __init__(self, quotes: Sequence[Quote]) -> None:
        self.items = list(quotes)
        self.starts = [q.start for q in self.items]

    def at(self, position: int) -> Quote | None:
        i = bisect.bisect_right(self.starts, position) - 1
        if i >= 0 and self.items[i].contains(position):
            return self.items[i]
        return None

    def inside(self, token: Token) -> bool:
        """True when the token sits strictly inside a quote (the marks themselves do not count)."""
        quote = self.at(token.idx)
        return quote is not None and quote.start < token.idx

    def overlapping(self, start: int, end: int) -> list[Quote]:
        i = max(bisect.bisect_right(self.starts, start) - 1, 0)
        found = []
        for quote in self.items[i:]:
            if quote.start >= end:
                break
            if quote.end > start:
                found.append(quote)
        return found


def attribute(
    doc: Doc, options: AttributionOptions = DEFAULT_OPTIONS, cues: dict[str, Cue] | None = None
) -> list[Claim]:
    """All claims in ``doc``, in text order, speakers not yet resolved across the document."""
    cues = cues if cues is not None else default_cues()
    text = doc.text
    quotes = _Quotes(find_quotes(text))
    paras = paragraphs(text)
    drafts: list[_Draft] = []
    # 2. cues
    for token in doc:
        cue = _cue_for(token, cues, quotes, options)
        if cue is not None:
            draft = _draft_from_cue(token, cue, quotes, text)
            if draft is not None:
                drafts.append(draft)
    # 3. according to
    for token in doc:
        if token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
            _apply_according(token, drafts, quotes, text)
    drafts = _drop_overlaps(drafts)
    # 4. leftover quotes
    drafts = _attach_leftover_quotes(drafts, quotes, paras, text, options)
    # 5. claims
    finished = [(d, _finish(d, quotes, text, doc)) for d in drafts]
    kept = [(d, c) for d, c in finished if c is not None and _keep(c, options)]
    position = {id(d): i for i, (d, _) in enumerate(kept)}
    return [replace(c, continues=position.get(id(d.continues))) if d.continues is not None else c for d, c in kept]


# -- 2. cues ----------------------------------------------------------------------------------------------------


def _cue_for(token: Token, cues: dict[str, Cue], quotes: _Quotes, options: AttributionOptions) -> Cue | None:
    if token.pos_ not in ("VERB", "AUX"):
        return None
    cue = cues.get(token.lemma_.lower())
    if cue is None or cue.cue_class not in options.cue_classes:
        return None
    if token.dep_ in _NON_CLAUSE_DEPS or quotes.inside(token):
        return None
    if any(child.dep_ == "neg" for child in token.children) and token.lemma_.lower() not in ("deny", "reject"):
        return None
    return cue


def _draft_from_cue(verb: Token, cue: Cue, quotes: _Quotes, text: str) -> _Draft | None:
    source, passive_unsourced = _source_of(verb)
    if source is not None and quotes.inside(source):
        return None
    spans, frame = _content_from_frames(verb, cue, source)
    if not spans:
        adjacent = _adjacent_quote(verb, source, quotes, text)
        if adjacent is None:
            return None
        spans, frame = [(adjacent.start, adjacent.end)], "quote"
    if source is None and not passive_unsourced:
        return None
    cue_tokens = [verb] + [c for c in verb.children if c.dep_ == "prt"]
    cue_start = min(t.idx for t in cue_tokens)
    cue_end = max(t.idx + len(t) for t in cue_tokens)
    confidence = {"clause": 0.85, "quote": 0.9, "oprd": 0.7, "xcomp": 0.65, "object": 0.6}[frame]
    if cue.cue_class != "speech":
        confidence -= 0.15
    if source is None:
        confidence -= 0.2
    return _Draft(
        cue_token=verb,
        cue_text=text[cue_start:cue_end],
        cue_span=(cue_start, cue_end),
        cue_class=cue.cue_class,
        source=source,
        spans=spans,
        frame=frame,
        confidence=confidence,
    )


def _source_of(verb: Token) -> tuple[Token | None, bool]:
    """The token heading the speaker mention, and whether the claim is a sourceless passive.

    ``told ... and stressed``: a conjoined verb inherits its head's subject; ``tried to reassure``: so does an
    infinitive complement; ``..., saying that``: so does a participle clause; ``X, who said``: the relative
    clause's antecedent is the source; ``it was reported that``: no source at all.
    """
    current: Token | None = verb
    for _ in range(4):
        assert current is not None
        subject = None
        passive = None
        for child in current.children:
            if child.dep_ in ("nsubj", "csubj"):
                subject = child
            elif child.dep_ == "nsubjpass":
                passive = child
            elif child.dep_ == "agent":
                agents = [g for g in child.children if g.dep_ == "pobj"]
                if agents:
                    return agents[0], False
        if subject is not None:
            if subject.lower_ in ("who", "that", "which") and current.dep_ == "relcl":
                return current.head, False
            if subject.lower_ in EXPLETIVES and subject.dep_ != "nsubj":
                return None, True
            return subject, False
        if passive is not None:
            if passive.lower_ in EXPLETIVES:
                return None, True
            if current.lemma_ == "quote":  # X was quoted as saying
                return passive, False
            return None, current is verb and verb.lemma_ in ("report", "say", "believe", "think", "expect")
        if current.dep_ in ("conj", "xcomp") or (current.dep_ == "advcl" and current.tag_ == "VBG"):
            current = current.head
            continue
        if current.dep_ == "relcl":
            return current.head, False
        return None, False
    return None, False


def _content_from_frames(verb: Token, cue: Cue, source: Token | None) -> tuple[list[tuple[int, int]], str]:
    children = list(verb.children)
    source_ids = {t.i for t in source.subtree} if source is not None else set()

    def span_of(heads: Iterable[Token]) -> list[tuple[int, int]]:
        tokens = [t for head in heads for t in head.subtree if t.i not in source_ids and t.i != verb.i]
        if not tokens:
            return []
        tokens.sort(key=lambda t: t.i)
        start_tok = tokens[0]
        while start_tok.dep_ == "mark" and start_tok.lower_ == "that" and start_tok.i < tokens[-1].i:
            tokens = tokens[1:]
            start_tok = tokens[0]
        return [(tokens[0].idx, tokens[-1].idx + len(tokens[-1]))]

    if "clause" in cue.frames:
        clauses = [c for c in children if c.dep_ in ("ccomp", "csubj") and c.i not in source_ids]
        if not clauses:
            clauses = [c for c in children if c.dep_ == "parataxis" and c.i < verb.i]
        clauses = [c for c in clauses if not _is_question(c)]
        if clauses:
            return span_of(clauses), "clause"
    objects = [c for c in children if c.dep_ == "dobj"]
    if "oprd" in cue.frames and objects:
        predicates = [c for c in children if c.dep_ in ("oprd", "ccomp", "xcomp")]
        predicates += [c for o in objects for c in o.children if c.dep_ == "prep" and c.lower_ == "as"]
        predicates += [c for c in children if c.dep_ == "prep" and c.lower_ == "as"]
        if predicates:
            return span_of(objects + predicates), "oprd"
    if "xcomp" in cue.frames:
        infinitives = [c for c in children if c.dep_ == "xcomp" and any(a.lower_ == "to" for a in c.children)]
        preps = [c for c in children if c.dep_ == "prep" and c.lower_ in ("for", "on") and verb.lemma_ == "call"]
        if infinitives or preps:
            return span_of(objects + infinitives + preps if verb.lemma_ != "tell" else infinitives), "xcomp"
    if "object" in cue.frames and objects:
        meaningful = [o for o in objects if o.lower_ not in _EMPTY_CONTENT and o.pos_ != "PRON"]
        if meaningful:
            return span_of(meaningful), "object"
    return [], ""


def _is_question(clause: Token) -> bool:
    first = clause.left_edge
    return (first.lower_ in _QUESTION_MARKERS and first.i < clause.i) or any(
        c.dep_ == "mark" and c.lower_ in ("whether", "if") for c in clause.children
    )


def _adjacent_quote(verb: Token, source: Token | None, quotes: _Quotes, text: str) -> Quote | None:
    """The quote directly before (“…,” X said) or after (X said: “…”) the attribution, in its paragraph."""
    attribution = [verb] + (list(source.subtree) if source is not None else [])
    first = min(t.idx for t in attribution)
    last = max(t.idx + len(t) for t in attribution)
    para_start = text.rfind("\n", 0, first) + 1
    para_end = text.find("\n", last)
    para_end = len(text) if para_end < 0 else para_end
    before = [q for q in quotes.overlapping(para_start, first) if q.end <= first]
    if before and _only_glue(text[before[-1].end : first]):
        return before[-1]
    after = [q for q in quotes.overlapping(last, para_end) if q.start >= last]
    if after and _only_glue(text[last : after[0].start], allow_words=verb.i < (source.i if source else verb.i)):
        return after[0]
    return None


def _only_glue(gap: str, allow_words: bool = False) -> bool:
    """Is the text between a quote and its attribution only punctuation (and, for "said X:", nothing more)?"""
    stripped = gap.strip(" \t,:;–—-")
    return not stripped or (allow_words and len(stripped.split()) <= 3 and stripped.endswith(("that",)))


# -- 3. according to --------------------------------------------------------------------------------------------


def _apply_according(according: Token, drafts: list[_Draft], quotes: _Quotes, text: str) -> None:
    to = according.doc[according.i + 1]
    objects = [c for c in to.children if c.dep_ == "pobj"] or [c for c in according.children if c.dep_ == "pobj"]
    if not objects or quotes.inside(according):
        return
    source = objects[0]
    phrase = {t.i for t in according.subtree} | {t.i for t in to.subtree}
    head = according.head
    for draft in drafts:
        if draft.cue_token is not None and draft.cue_token == head:
            draft.via = source  # “…,” Wang said, according to China's Foreign Ministry
            return
    sentence = according.sent
    tokens = [t for t in sentence if t.i not in phrase and not t.is_space]
    if head.i not in phrase and head.sent == sentence:
        clause = [t for t in head.subtree if t.i not in phrase]
        if len(clause) >= 3:
            tokens = clause
    tokens = [t for t in tokens if t.i not in phrase]
    if not tokens:
        return
    start = tokens[0].idx
    end = tokens[-1].idx + len(tokens[-1])
    drafts.append(
        _Draft(
            cue_token=according,
            cue_text=text[according.idx : to.idx + len(to)],
            cue_span=(according.idx, to.idx + len(to)),
            cue_class="speech",
            source=source,
            spans=[(start, end)],
            frame="according",
            according=True,
            confidence=0.75,
        )
    )


# -- overlaps and leftovers -------------------------------------------------------------------------------------


def _drop_overlaps(drafts: list[_Draft]) -> list[_Draft]:
    """Where two drafts claim the same content, keep the surer one (a quote frame beats an object frame)."""
    drafts = sorted(drafts, key=lambda d: -d.confidence)
    kept: list[_Draft] = []
    for draft in drafts:
        s, e = draft.spans[0]
        clash = False
        for other in kept:
            os_, oe = other.spans[0]
            overlap = min(e, oe) - max(s, os_)
            if overlap > 0.5 * min(e - s, oe - os_):
                clash = True
                break
        if not clash:
            kept.append(draft)
    kept.sort(key=lambda d: d.spans[0][0])
    return kept


def _covered(draft_spans: Iterable[tuple[int, int]], quote: Quote) -> bool:
    return any(s < quote.end and quote.start < e for s, e in draft_spans)


def _attach_leftover_quotes(
    drafts: list[_Draft], quotes: _Quotes, paras: list[tuple[int, int]], text: str, options: AttributionOptions
) -> list[_Draft]:
    all_spans = [s for d in drafts for s in d.spans]
    para_starts = [p[0] for p in paras]
    result = list(drafts)
    for quote in quotes.items:
        if _covered(all_spans, quote) or quote.single:
            continue
        p = bisect.bisect_right(para_starts, quote.start) - 1
        if p < 0:
            continue
        para_start, para_end = paras[p]
        in_para = [d for d in result if para_start <= d.spans[0][0] < para_end and d.frame != "according"]
        before = [d for d in in_para if d.spans[0][0] < quote.start and d.source is not None]
        if before:
            # Split quote: “A,” X said. “B.”: B is more of the same claim when nothing else intervenes.
            draft = before[-1]
            claimed_end = max(e for _, e in draft.spans)
            between = [q for q in quotes.overlapping(claimed_end, quote.start) if q.start >= claimed_end]
            if draft.frame in ("quote", "clause") and not between and _starts_sentence(text, quote.start, para_start):
                draft.spans.append((quote.start, quote.end))
                all_spans.append((quote.start, quote.end))
            continue
        if in_para:
            continue
        # Continuation: a paragraph that is (mostly) a quote, after a paragraph whose speaker was talking.
        if text[para_start:para_end].lstrip()[:1] not in '“"«' or (quote.end - quote.start) < 0.6 * (
            para_end - para_start
        ):
            continue
        previous = _last_speaking_draft(result, para_starts, p, options.continuation_reach)
        if previous is None:
            continue
        result.append(
            _Draft(
                cue_token=previous.cue_token,
                cue_text=previous.cue_text,
                cue_span=previous.cue_span,
                cue_class=previous.cue_class,
                source=previous.source,
                spans=[(quote.start, quote.end)],
                frame="continuation",
                via=previous.via,
                continues=previous if previous.continues is None else previous.continues,
                confidence=0.6,
            )
        )
        all_spans.append((quote.start, quote.end))
    result.sort(key=lambda d: d.spans[0][0])
    return result


def _starts_sentence(text: str, position: int, para_start: int) -> bool:
    before = text[para_start:position].rstrip()
    return not before or before[-1] in ".!?”\"'’:"


def _last_speaking_draft(drafts: list[_Draft], para_starts: list[int], p: int, reach: int) -> _Draft | None:
    lower = para_starts[max(p - reach, 0)]
    upper = para_starts[p]
    candidates = [d for d in drafts if lower <= d.spans[0][0] < upper and d.source is not None]
    if not candidates:
        return None
    last = max(candidates, key=lambda d: d.spans[0][0])
    if last.frame not in ("quote", "clause", "continuation"):
        return None
    # Only continue across paragraphs that themselves were this speaker's (no other claim in between).
    return last


# -- 5. finishing -----------------------------------------------------------------------------------------------


def _finish(draft: _Draft, quotes: _Quotes, text: str, doc: Doc) -> Claim | None:
    spans = [_snap(s, e, quotes, text) for s, e in draft.spans]
    spans = [s for s in spans if s[1] > s[0]]
    if not spans:
        return None
    spans.sort()
    kind = _kind_of(spans, quotes, draft.according)
    content = " … ".join(text[s:e] for s, e in spans) if len(spans) > 1 else text[spans[0][0] : spans[0][1]]
    speaker_span = _mention_span(draft.source) if draft.source is not None else None
    via_span = _mention_span(draft.via) if draft.via is not None else None
    confidence = draft.confidence
    if draft.source is not None and draft.source.lower_ in PRONOUNS:
        confidence -= 0.1
    name = speaker_name(doc, speaker_span) if speaker_span else None
    head, is_person = speaker_head(doc, speaker_span) if speaker_span else (None, False)
    return Claim(
        kind=kind,
        content=content,
        content_spans=tuple(spans),
        cue=draft.cue_text,
        cue_span=draft.cue_span,
        cue_class=draft.cue_class,
        speaker=text[speaker_span[0] : speaker_span[1]] if speaker_span else None,
        speaker_span=speaker_span,
        speaker_name=name,
        speaker_head=head,
        speaker_is_person=is_person,
        via=text[via_span[0] : via_span[1]] if via_span else None,
        via_span=via_span,
        confidence=round(max(min(confidence, 0.99), 0.05), 2),
    )


def _snap(start: int, end: int, quotes: _Quotes, text: str) -> tuple[int, int]:
    """Trim edge punctuation, then grow to whole quotes where the content starts or ends inside one."""
    while start < end and text[start] in _EDGE_PUNCT:
        start += 1
    while end > start and text[end - 1] in _EDGE_PUNCT:
        end -= 1
    opening = quotes.at(start)
    if opening is not None and opening.start < start:
        start = opening.start
    elif start > 0 and (q := quotes.at(start - 1)) is not None and q.start == start - 1:
        start -= 1
    closing = quotes.at(max(end - 1, start))
    if closing is not None and closing.end > end:
        end = closing.end
    while end > start and text[end - 1] in " \t\n,;:–—-":
        end -= 1
    return start, end


def _kind_of(spans: list[tuple[int, int]], quotes: _Quotes, according: bool) -> ClaimKind:
    if according:
        return "according_to"
    total = sum(e - s for s, e in spans)
    quoted = 0
    for s, e in spans:
        for q in quotes.overlapping(s, e):
            quoted += max(0, min(e, q.end) - max(s, q.start))
    if quoted == 0:
        return "indirect"
    if quoted >= total - 2:
        return "direct"
    return "mixed"


def _mention_span(head: Token) -> tuple[int, int]:
    """The full speaker mention: titles, possessives and appositives, but no relative clause or verb."""
    keep = [head]
    for child in head.children:
        if child.dep_ in ("relcl", "acl", "parataxis", "advcl", "ccomp") or (
            child.dep_ == "advmod" and child.i > head.i
        ):
            continue
        keep.extend(child.subtree)
    tokens = sorted({t.i: t for t in keep}.values(), key=lambda t: t.i)
    # A mention never swallows a verb of the sentence (parse errors can make that happen).
    tokens = [t for t in tokens if not (t.pos_ in ("VERB", "AUX") and t.dep_ in ("ROOT", "ccomp", "conj"))]
    # Keep the contiguous stretch around the head.
    ids = [t.i for t in tokens]
    lo = hi = ids.index(head.i)
    while lo > 0 and ids[lo - 1] == ids[lo] - 1:
        lo -= 1
    while hi < len(ids) - 1 and ids[hi + 1] == ids[hi] + 1:
        hi += 1
    tokens = tokens[lo : hi + 1]
    while len(tokens) > 1 and (tokens[-1].is_punct or tokens[-1].is_space):
        tokens = tokens[:-1]
    while len(tokens) > 1 and (tokens[0].is_punct or tokens[0].is_space):
        tokens = tokens[1:]
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1])


def _keep(claim: Claim, options: AttributionOptions) -> bool:
    if claim.speaker is None and not options.keep_unsourced:
        return False
    stripped = claim.content.strip(" “”\"'‘’.,")
    return len(stripped) >= options.min_content_chars and stripped.lower() not in _EMPTY_CONTENT


def speaker_name(doc: Doc | Span, span: tuple[int, int]) -> str | None:
    """The person-name part of a speaker mention (``Kremlin spokesman Dmitry Peskov`` -> ``Dmitry Peskov``).

    Uses the parse (runs of proper nouns) before the entity labels, because NER mislabels rare names.
    """
    mention = doc.char_span(span[0], span[1], alignment_mode="expand")
    if mention is None:
        return None
    for ent in mention.ents:
        if ent.label_ == "PERSON":
            words = [t for t in ent if t.lower_ not in titles() and not t.is_punct and t.tag_ != "POS"]
            if words:
                return " ".join(t.text for t in words)
    best: list[Token] = []
    run: list[Token] = []
    for token in mention:
        if token.pos_ == "PROPN" and token.lower_ not in titles() and token.ent_type_ not in ("GPE", "NORP"):
            nxt = token.nbor(1) if token.i + 1 < len(token.doc) else None
            if nxt is not None and nxt.tag_ == "POS":
                run = []  # a possessive (Zelenskyy's office) names someone else
                continue
            run.append(token)
            if len(run) > len(best):
                best = list(run)
        else:
            run = []
    if best:
        return " ".join(t.text for t in best)
    return None


def speaker_head(doc: Doc | Span, span: tuple[int, int]) -> tuple[str | None, bool]:
    """The lower-cased head word of a speaker mention and whether a PERSON entity is in it."""
    mention = doc.char_span(span[0], span[1], alignment_mode="expand")
    if mention is None:
        return None, False
    return mention.root.lower_, any(e.label_ == "PERSON" for e in mention.ents)
