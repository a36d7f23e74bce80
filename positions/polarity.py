"""Polarity and modality of a statement: the step similarity cannot do.

Every similarity measure (lexical or neural) scores "China supports peace talks" / "China rejects peace talks"
*higher* than a true paraphrase (``../shared/notes/position-change-anchors.md`` §0.2), so a reversal must be
read from the words: the parity of negators plus negative stance verbs. Two negatives cancel ("will not give
up" ≈ "refuses to cede" ≈ "did not object" is affirmative), which is why parity, not presence, decides.

The stance verb lists are small and hand-kept, seeded from the PLOVER/CAMEO categories REJECT/OPPOSE/DENY
versus SUPPORT/AGREE/ACCEPT.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

NEGATORS = frozenset({"not", "n't", "never", "no", "nor", "neither", "nothing", "none", "nobody"})
#: Dependencies that continue a sentence's main predicate ("will *continue*", "refuses *to give up*",
#: "said it *was* ready"): polarity is read on this chain only, not in relative or adverbial clauses
#: ("defendants who did not ..."), which say nothing about the speaker's stance.
MAIN_CHAIN_DEPS = frozenset({"xcomp", "ccomp", "conj", "aux", "auxpass", "neg", "acomp", "advmod"})
#: Dependents of a main-chain word that carry its negation ("there are *no* grounds", "learned *nothing*").
NEGATED_ARGUMENT_DEPS = frozenset({"dobj", "attr", "nsubj", "nsubjpass", "pobj", "dative"})
#: Verbs (and "against") whose object is what the speaker is *against*: they flip polarity like "not".
NEGATIVE_CUES = frozenset(
    {
        "reject",
        "oppose",
        "refuse",
        "dismiss",
        "deny",
        "condemn",
        "decline",
        "denounce",
        "veto",
        "boycott",
        "against",
        "resist",
        "refute",
        "disagree",
        "renounce",
        "object",
        "criticize",
        "criticise",
        "disapprove",
        "spurn",
        "rebuff",
    }
)
#: Verbs of support: they do not flip polarity, but they are stance words, kept out of lexical similarity.
POSITIVE_CUES = frozenset(
    {
        "support",
        "back",
        "welcome",
        "endorse",
        "accept",
        "agree",
        "favour",
        "favor",
        "approve",
        "praise",
        "appreciate",
        "uphold",
        "embrace",
        "champion",
        "advocate",
    }
)
#: Reporting cues that carry the negation themselves ("denied that ...", "rejected claims that ...").
NEGATIVE_REPORTING_CUES = ("deni", "deny", "reject", "refut", "dismiss", "ruled out", "rule out", "rules out")

MODALITY_MARKERS: dict[str, frozenset[str]] = {
    "condition": frozenset(
        {"if", "unless", "provided", "conditional", "condition", "conditions", "precondition", "preconditions"}
    ),
    "possibility": frozenset({"may", "might", "could", "perhaps", "possibly", "maybe"}),
    "readiness": frozenset({"ready", "willing", "prepared"}),
    "obligation": frozenset({"must", "should", "ought"}),
    "future": frozenset({"will", "shall", "'ll"}),
}
#: A change in these between two otherwise matching statements is a shift, not a reiteration.
SHIFT_MODALITIES = frozenset({"condition", "possibility", "readiness"})


@dataclass(frozen=True, slots=True)
class Polarity:
    value: int  # +1 affirmative, -1 negated
    cues: tuple[str, ...]  # the words that counted, in text order
    modality: tuple[str, ...]  # sorted modality classes present


def _is_negator(token: Token) -> bool:
    if token.dep_ == "neg" or token.lower_ in NEGATORS:
        # "not only ... but also" is emphasis, not negation.
        return not (token.lower_ == "not" and token.i + 1 < len(token.doc) and token.nbor(1).lower_ == "only")
    return False


def _is_negative_cue(token: Token) -> bool:
    lemma = token.lemma_.lower()
    if lemma in NEGATIVE_CUES and (token.pos_ in ("VERB", "AUX") or lemma == "against"):
        return True
    # "rule out" is a phrasal verb: lemma "rule" with the particle "out".
    return lemma == "rule" and any(child.dep_ == "prt" and child.lower_ == "out" for child in token.children)


def main_chain(tokens: Doc | Span) -> set[int]:
    """Token indices of each sentence's main predicate chain (root, xcomp/ccomp/conj verbs, their aux/neg)."""
    doc = tokens if isinstance(tokens, Doc) else tokens.doc
    if not doc.has_annotation("DEP"):
        return {t.i for t in tokens}
    chain: set[int] = set()
    pending = [t for t in tokens if t.dep_ == "ROOT"]
    while pending:
        token = pending.pop()
        if token.i in chain:
            continue
        chain.add(token.i)
        pending.extend(child for child in token.children if child.dep_ in MAIN_CHAIN_DEPS)
    return chain


def _in_scope(token: Token, chain: set[int]) -> bool:
    if token.i in chain:
        return True
    # "no grounds", "nothing new": a negator inside an argument of the main predicate.
    head = token.head if token.dep_ in ("det", "neg", "advmod") else token
    return head.dep_ in NEGATED_ARGUMENT_DEPS and head.head.i in chain


def polarity_of(tokens: Doc | Span, cue: str | None = None) -> Polarity:
    """Polarity of a statement's main predicates (and of its reporting cue: "denied that ..." negates)."""
    cues: list[str] = []
    chain = main_chain(tokens)
    for token in tokens:
        if (_is_negator(token) or _is_negative_cue(token)) and _in_scope(token, chain):
            cues.append(token.lower_)
    if cue_negates(cue):
        cues.append(f"cue:{(cue or '').lower()}")
    return Polarity(value=-1 if len(cues) % 2 else 1, cues=tuple(cues), modality=modality_of(tokens))


def cue_negates(cue: str | None) -> bool:
    """Does the reporting cue itself negate what it reports ("denied", "rejected claims that", "ruled out")?"""
    return bool(cue) and cue.lower().startswith(NEGATIVE_REPORTING_CUES)  # type: ignore[union-attr]


def modality_of(tokens: Iterable[Token]) -> tuple[str, ...]:
    words = {t.lower_ for t in tokens}
    return tuple(sorted(name for name, markers in MODALITY_MARKERS.items() if words & markers))


def is_stance_word(lemma: str) -> bool:
    """Negators and stance verbs: polarity reads them, so lexical similarity leaves them out."""
    return lemma in NEGATORS or lemma in NEGATIVE_CUES or lemma in POSITIVE_CUES
