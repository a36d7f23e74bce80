"""What the later steps read from a statement's words, in one spaCy pass: content lemmas (lexical similarity),
key phrases (``position_terms``), polarity and modality, and the text with the government's own names
replaced (for embedding models).

The government's own names (China, Chinese, Beijing, Zhongnanhai, Wang Yi ...) are dropped: the government is
already known from the row, and keeping them makes every statement of China look alike and a paraphrase
that says "Beijing" instead of "China" look different (``position-change-anchors.md`` §0.3).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Token

from core.config import fingerprint
from core.statements import StatementFeatures
from extractors.linking.actors import ACTORS_FILE
from extractors.linking.gazetteer import COUNTRIES_FILE
from extractors.seeds import Seeds, process_seeds
from positions import markers as marker_rules
from positions import polarity as polarity_rules
from positions.markers import Markers, markers_of
from positions.polarity import Polarity, is_stance_word, polarity_of

#: Bump when the code that reads features changes. features/2: the cache key includes the reporting cue (rows
#: of features/1 were keyed on the words alone, so they cannot tell "said X" from "denied X" and are not reused).
#: features/3: figures, conditions and continuity/change words (``positions.markers``), and the normalised text
#: is stored (an embedding method no longer re-reads every statement).
FEATURES_VERSION = "features/3"
#: Parts of speech whose lemmas carry content (the rest are function words).
CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ"})
#: What an own-government name becomes in ``normalized_text`` (read naturally by sentence encoders).
GOVERNMENT_PLACEHOLDER = "the government"
#: spaCy components the analysis needs; claimtrack's own components and NER are skipped (faster).
NEEDED_PIPES = ("tok2vec", "tagger", "attribute_ruler", "lemmatizer", "parser")


@dataclass(frozen=True, kw_only=True)
class StatementText:
    """What is analysed: a statement's words, whose government it is, and the reporting cue."""

    statement_id: str
    content: str
    government: str | None
    cue: str | None = None

    @property
    def features_key(self) -> str:
        """What this statement's features are cached under (with its government): a hash of every per-statement
        input of :func:`analyse_doc` besides the government, i.e. the words *and* the reporting cue, because
        polarity reads the cue ("denied that X" negates X, "said X" does not)."""
        cue = (self.cue or "").lower()  # polarity_of reads the cue lower-cased, and None like ""
        return hashlib.sha256(f"{cue}\x1f{self.content}".encode()).hexdigest()


class OwnNames:
    """Each government's own names as lower-cased word sequences: countries.tsv terms plus its actors."""

    def __init__(self, seeds: Seeds) -> None:
        self.by_code: dict[str, set[tuple[str, ...]]] = {}
        for words, place in seeds.places.terms.items():
            self.by_code.setdefault(place.code, set()).add(words)
        for alias, entries in seeds.actors.by_name.items():
            for actor in entries:
                if actor.government:
                    self.by_code.setdefault(actor.government, set()).add(tuple(alias.split()))
        self.longest = max((len(w) for names in self.by_code.values() for w in names), default=1)
        #: Hash of the tables the names come from (``countries.tsv`` and the actors file): part of the version.
        self.fingerprint = fingerprint([seeds.file(COUNTRIES_FILE), seeds.file(ACTORS_FILE)])

    def token_mask(self, tokens: Sequence[Token], government: str | None) -> list[bool]:
        """True for tokens that belong to a mention of ``government``'s own names (possessive 's included)."""
        mask = [False] * len(tokens)
        names = self.by_code.get(government or "", set())
        if not names:
            return mask
        words = [t.lower_.replace("’", "'") for t in tokens]
        i = 0
        while i < len(words):
            for n in range(min(self.longest, len(words) - i), 0, -1):
                if tuple(words[i : i + n]) in names:
                    end = i + n
                    if end < len(words) and words[end] in ("'s", "'"):
                        end += 1
                    for k in range(i, end):
                        mask[k] = True
                    i = end
                    break
            else:
                i += 1
        return mask


@cache
def own_names(seeds: Seeds) -> OwnNames:
    """The own names of ``seeds``' tables, made once per seed data (a derived index, not a file read)."""
    return OwnNames(seeds)


def default_own_names() -> OwnNames:
    """The own names of the process's seed data: the same tables the process's pipelines link with."""
    return own_names(process_seeds())


def _normalized_text(doc: Doc, mask: Sequence[bool]) -> str:
    parts: list[str] = []
    previous_masked = False
    for token, masked in zip(doc, mask, strict=True):
        if masked:
            if not previous_masked:
                parts.append(GOVERNMENT_PLACEHOLDER + token.whitespace_)
            elif token.whitespace_ and parts:
                parts[-1] = parts[-1].rstrip() + token.whitespace_
            previous_masked = True
            continue
        parts.append(token.text_with_ws)
        previous_masked = False
    return "".join(parts).strip()


def _noun_chunks(doc: Doc, mask: Sequence[bool]) -> Iterator[str]:
    """Multi-word noun chunks, lower-cased, without leading determiners/pronouns or own names."""
    if not doc.has_annotation("DEP"):
        return
    for chunk in doc.noun_chunks:
        words = [
            t.lower_
            for t in chunk
            if not mask[t.i]
            and t.dep_ not in ("poss", "case")  # "Ukraine's territorial integrity" -> "territorial integrity"
            and t.pos_ not in ("DET", "PRON", "PUNCT", "PART")
            and (t.is_alpha or "-" in t.text)
        ]
        while words and words[0] in ("'s", "a", "an", "the"):
            words.pop(0)
        if len(words) >= 2:
            yield " ".join(words)


def features_of(
    polarity: Polarity,
    lemmas: Sequence[str],
    normalized: str,
    terms: dict[tuple[str, str], int],
    markers: Markers | None = None,
) -> StatementFeatures:
    return StatementFeatures(
        lemmas=tuple(lemmas),
        polarity=polarity.value,
        polarity_cues=polarity.cues,
        modality=polarity.modality,
        normalized_text=normalized,
        terms=terms,
        amounts=markers.amounts if markers else (),
        conditions=markers.conditions if markers else (),
        aspect=markers.aspect if markers else (),
    )


def analyse_doc(doc: Doc, government: str | None, cue: str | None, own: OwnNames | None = None) -> StatementFeatures:
    own = own or default_own_names()
    mask = own.token_mask(list(doc), government)
    lemmas: list[str] = []
    terms: Counter[tuple[str, str]] = Counter()
    for token, masked in zip(doc, mask, strict=True):
        if masked or not token.is_alpha or token.is_stop or token.pos_ not in CONTENT_POS:
            continue
        lemma = token.lemma_.lower()
        if len(lemma) < 2:
            continue
        if not is_stance_word(lemma):
            lemmas.append(lemma)
        if len(lemma) > 2:
            terms[(lemma, "lemma")] += 1
    for chunk in _noun_chunks(doc, mask):
        terms[(chunk, "noun_chunk")] += 1
    normalized = _normalized_text(doc, mask)
    markers = markers_of(doc, cue, polarity_rules.main_chain(doc))
    return features_of(polarity_of(doc, cue), sorted(set(lemmas)), normalized, dict(terms), markers)


def _rules_digest() -> str:
    """A hash of the word lists and settings features are read with: editing one changes ``features_version``."""
    rules = {
        "negators": sorted(polarity_rules.NEGATORS),
        "negative": sorted(polarity_rules.NEGATIVE_CUES),
        "positive": sorted(polarity_rules.POSITIVE_CUES),
        "reporting": list(polarity_rules.NEGATIVE_REPORTING_CUES),
        "chain": sorted(polarity_rules.MAIN_CHAIN_DEPS),
        "arguments": sorted(polarity_rules.NEGATED_ARGUMENT_DEPS),
        "modality": {k: sorted(v) for k, v in sorted(polarity_rules.MODALITY_MARKERS.items())},
        "content_pos": sorted(CONTENT_POS),
        "units": sorted(marker_rules.UNITS.items()),
        "conditions": sorted(marker_rules.CONDITION_WORDS),
        "continuity": sorted(marker_rules.CONTINUITY),
        "change": sorted(marker_rules.CHANGE),
        "aspect_scope": "main chain",
        "placeholder": GOVERNMENT_PLACEHOLDER,
        "pipes": list(NEEDED_PIPES),
    }
    return hashlib.sha256(json.dumps(rules, sort_keys=True).encode()).hexdigest()[:8]


def features_version(model_meta: Mapping[str, Any], own: OwnNames | None = None) -> str:
    """The version stored features are reused under: :data:`FEATURES_VERSION` plus the other inputs that shape
    every statement's features, so changing one recomputes them all instead of mixing old and new features:
    the spaCy model (name and version; its lemmas and parses), the polarity word lists, and the seed files the
    government's own names come from (``countries.tsv`` and the actors file; ``own``, by default the process's)."""
    model = f"{model_meta.get('lang', 'xx')}_{model_meta.get('name', 'model')}-{model_meta.get('version', '0')}"
    seeds = (own or default_own_names()).fingerprint
    return f"{FEATURES_VERSION}+{model}+rules-{_rules_digest()}+seeds-{seeds}"


def analyse_job(job: tuple[str, Sequence[StatementText], int]) -> list[StatementFeatures]:
    """One chunk of :func:`analyse` in an extraction worker process, with the pipeline it already loaded."""
    from extractors.nlp import load_pipeline

    model, items, batch_size = job
    return analyse(load_pipeline(model), items, batch_size=batch_size)


def analyse(
    nlp: Language, items: Sequence[StatementText], *, batch_size: int = 64, own: OwnNames | None = None
) -> list[StatementFeatures]:
    """StatementFeatures of many statements, in input order (one ``nlp.pipe`` pass, only the components needed)."""
    own = own or default_own_names()
    disabled = [name for name in nlp.pipe_names if name not in NEEDED_PIPES]
    docs = nlp.pipe((item.content for item in items), batch_size=batch_size, disable=disabled)
    return [analyse_doc(doc, item.government, item.cue, own) for doc, item in zip(docs, items, strict=True)]
