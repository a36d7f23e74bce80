"""The ``claim_topics`` spaCy component: fills ``Claim.topics`` of ``doc._.claims``.

Per document: find the terms of every topic (``terms``), weigh the topics the article names (``context``), check
by similarity that its title and lede read as the topics it seems to be about (``similarity``), then decide each
claim's topics (``decide``).
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from spacy.language import Language
from spacy.tokens import Doc

from core.articles import Claim, ClaimTopic
from core.config import SeedFile, fingerprint
from extractors.claims.component import text_of
from extractors.component_files import ComponentFiles
from extractors.topics.catalog import TOPICS_FILE, Topic, parse_topics
from extractors.topics.context import DEFAULT_CONTEXT, ArticleTopics, ContextSettings, article_topics, lede_end
from extractors.topics.decide import decide_topics
from extractors.topics.similarity import TopicSimilarity
from extractors.topics.terms import TermMatch, TopicMatcher, topics_of

if TYPE_CHECKING:
    from extractors.seeds import Seeds

#: The version of the topic rules: part of the claims extractor version, with the topics file's hash and the
#: similarity's model and thresholds.
TOPICS_VERSION = "topics/3"

#: The article's title, when the caller knows it (``extractors.nlp.TextItem.title``): its terms weigh the most.
Doc.set_extension("title", default=None, force=True)

Scores = Mapping[str, float] | None


@Language.factory("claim_topics", assigns=["doc._.claims"], requires=["doc._.claims", "token.lemma"])
def make_claim_topics(nlp: Language, name: str) -> ClaimTopicsComponent:
    return ClaimTopicsComponent(nlp, name)


class ClaimTopicsComponent(ComponentFiles):
    """Fills ``Claim.topics`` of ``doc._.claims``. Its data is the topics file (``initialize(seeds=...)``); the terms
    are compiled with the pipeline's own lemmatizer, so the component keeps ``nlp`` (as spaCy's span_ruler does)
    and compiles them again when the pipeline is loaded from disk."""

    file_names = (TOPICS_FILE,)

    def __init__(self, nlp: Language, name: str, context: ContextSettings = DEFAULT_CONTEXT) -> None:
        self.nlp = nlp
        self.name = name
        self.context = context
        self.matcher: TopicMatcher | None = None
        self.similarity: TopicSimilarity | None = None

    def use_seeds(self, seeds: Seeds) -> None:
        self._use_topics(seeds.topics)

    def use_files(self, files: Mapping[str, SeedFile]) -> None:
        self._use_topics(parse_topics(files[TOPICS_FILE]))

    def _use_topics(self, topics: Sequence[Topic]) -> None:
        self.matcher = TopicMatcher(self.nlp, topics)
        self.similarity = TopicSimilarity(topics)

    def warm(self) -> None:
        """Load the sentence embedder and the topics' prototypes now (an extraction worker, before its first job),
        rather than on the first article about a topic."""
        if self.similarity is not None:
            self.similarity.scores([])

    @property
    def fingerprint(self) -> str:
        """Hash of the topics file, the rules' version and the similarity's model and thresholds: part of the
        claims extractor version (``extractors.nlp``)."""
        similarity = self.similarity.version if self.similarity else ""
        return fingerprint(self.seed_files, salt=f"{TOPICS_VERSION}+{similarity}")

    def __call__(self, doc: Doc) -> Doc:
        self.require_data()
        assert self.matcher is not None and self.similarity is not None
        claims: list[Claim] = doc._.claims or []
        if not claims:
            return doc
        text = text_of(doc)
        matches = self.matcher.matches(doc)
        own = [topics_of(c.content_spans, matches) for c in claims]
        title: str = doc._.title or ""
        lede = lede_end(text, self.context)
        article = article_topics(
            matches, self.matcher.text_topics(title), [[t.topic for t in o] for o in own], lede, self.context
        )
        scores: list[Scores] = [None] * len(claims)
        if article.uncertain(self.context):
            article = self._read_lede(f"{title}\n{text[:lede]}".strip()[: self.context.lede_read_chars], article)
        if article.about:
            scores = self._read_claims(doc, text, article, matches, claims, own)
        thresholds = self.similarity.thresholds
        doc._.claims = [
            replace(c, topics=decide_topics(o, c.content_spans, article, s, thresholds))
            for c, o, s in zip(claims, own, scores, strict=True)
        ]
        return doc

    def _read_lede(self, lede: str, article: ArticleTopics) -> ArticleTopics:
        """The article kept about the topics its terms settle and those its title and lede read as."""
        assert self.similarity is not None
        row = self.similarity.scores([lede])[0]
        threshold = self.similarity.thresholds.article_at_least
        close = {t for t, score in zip(self.similarity.topic_ids, row.tolist(), strict=True) if score >= threshold}
        uncertain = set(article.uncertain(self.context))
        return article.keep_about(t for t in article.about if t not in uncertain or t in close)

    def _read_claims(
        self,
        doc: Doc,
        text: str,
        article: ArticleTopics,
        matches: Sequence[TermMatch],
        claims: Sequence[Claim],
        own: Sequence[tuple[ClaimTopic, ...]],
    ) -> list[Scores]:
        """The cosines of each claim whose words name no topic but whose paragraph names a topic the article is
        not about (where its topic is in doubt); None for the others. One embedding batch of their sentences."""
        assert self.similarity is not None
        paragraphs = Paragraphs(text)
        others = [m.start for m in matches if m.topic_id not in article.about]
        readers = [i for i, o in enumerate(own) if not o and paragraphs.holds_any(claims[i], others)]
        scores: list[Scores] = [None] * len(claims)
        if not readers:
            return scores
        sentences = Sentences(doc)
        rows = self.similarity.scores([sentences.around(text, claims[i]) for i in readers])
        for i, row in zip(readers, rows, strict=True):
            scores[i] = dict(zip(self.similarity.topic_ids, row.tolist(), strict=True))
        return scores


class Paragraphs:
    """The lines of a text (a paragraph per line, as the article extractor writes them)."""

    def __init__(self, text: str) -> None:
        self.starts = [0, *(i + 1 for i, char in enumerate(text) if char == "\n")]
        self.length = len(text)

    def holds_any(self, claim: Claim, offsets: Sequence[int]) -> bool:
        """Does one of ``offsets`` lie in the paragraphs the claim's content runs through?"""
        first = bisect.bisect_right(self.starts, claim.start_char) - 1
        last = bisect.bisect_right(self.starts, max(claim.start_char, claim.end_char - 1))
        start, end = self.starts[first], self.starts[last] if last < len(self.starts) else self.length
        return any(start <= offset < end for offset in offsets)


class Sentences:
    """The sentence bounds of a document."""

    def __init__(self, doc: Doc) -> None:
        self.bounds = [(s.start_char, s.end_char) for s in doc.sents]
        self.starts = [s for s, _ in self.bounds]

    def around(self, text: str, claim: Claim) -> str:
        """The sentences the claim's content lies in (speaker and cue with it): what its similarity is read on."""
        if not self.bounds:
            return claim.content
        first = max(0, bisect.bisect_right(self.starts, claim.start_char) - 1)
        last = max(first, bisect.bisect_left(self.starts, claim.end_char) - 1)
        return text[min(self.bounds[first][0], claim.start_char) : max(self.bounds[last][1], claim.end_char)]
