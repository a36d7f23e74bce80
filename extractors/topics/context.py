"""What an article is about, read from where its topics' terms are: the topics its claims may inherit.

A topic's weight in an article (one document given to the pipeline, with its title when the caller knows it) adds
up, with the weights of :class:`ContextSettings`:

1. the title names it (a term of the topic in the title): 3;
2. the lede names it (the first paragraphs, see :func:`lede_end`): 2;
3. every place a term of the topic is found in the text: 1;
4. every claim whose own words name it: 1.

The article is about each topic whose weight is at least ``about_at_least`` and at least ``share_of_top`` of the
heaviest topic's: a story about the war in Ukraine that mentions sanctions once is not about sanctions. Whether its
title and lede *read* as the topic is checked afterwards, by similarity (``extractors.topics.similarity``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from extractors.topics.terms import TermMatch


@dataclass(frozen=True, kw_only=True)
class ContextSettings:
    title_weight: int = 3
    lede_weight: int = 2
    mention_weight: int = 1
    claim_weight: int = 1
    #: An article is about a topic of at least this weight (two mentions and a claim, a lede and a mention) ...
    about_at_least: int = 3
    #: ... that weighs at least this share of the heaviest topic's.
    share_of_top: float = 0.5
    #: A topic this heavy is settled by its terms; a lighter one is kept only if the title and lede read as it
    #: (similarity), which costs an embedding: most stories about a topic name it often enough to skip it.
    certain_at_least: int = 8
    #: The lede runs to the end of the first paragraph that ends after this many characters ...
    lede_min_chars: int = 200
    #: ... and never beyond this many.
    lede_max_chars: int = 1000
    #: How much of the title and lede is read for similarity (about 64 word pieces: as good as more, on the dev
    #: half, and half the cost).
    lede_read_chars: int = 300


DEFAULT_CONTEXT = ContextSettings()


@dataclass(frozen=True)
class ArticleTopics:
    """The topics named in one article, with their weights, and those it is about."""

    #: Every topic a term of which is found in the article (title included), with its weight.
    weights: Mapping[str, int]
    #: The topics the article is about, heaviest first.
    about: tuple[str, ...]
    #: Where each topic's terms are found in the text (start offsets), and the topics its title names.
    places: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    title: frozenset[str] = frozenset()

    def named_outside(self, topic: str, spans: Sequence[tuple[int, int]]) -> bool:
        """Does the title, or the text outside ``spans`` (a claim's content), name ``topic``?"""
        return topic in self.title or any(
            not any(s <= place < e for s, e in spans) for place in self.places.get(topic, ())
        )

    def share(self, topic: str) -> float:
        """The topic's share of the weight of the topics the article names: the score of an inherited topic."""
        total = sum(self.weights.values())
        return round(self.weights.get(topic, 0) / total, 3) if total else 0.0

    def uncertain(self, settings: ContextSettings = DEFAULT_CONTEXT) -> tuple[str, ...]:
        """The topics the article seems to be about whose terms do not settle it (lighter than ``certain_at_least``)."""
        return tuple(t for t in self.about if self.weights[t] < settings.certain_at_least)

    def keep_about(self, topics: Iterable[str]) -> ArticleTopics:
        """The same article about only ``topics`` (those its lede reads as)."""
        kept = set(topics)
        return replace(self, about=tuple(t for t in self.about if t in kept))


def lede_end(text: str, settings: ContextSettings = DEFAULT_CONTEXT) -> int:
    """Where the lede ends: the first paragraph break at or after ``lede_min_chars``, capped at ``lede_max_chars``
    (the whole text when it is shorter)."""
    cut = text.find("\n", settings.lede_min_chars)
    end = len(text) if cut < 0 else cut
    return min(end, settings.lede_max_chars, len(text))


def article_topics(
    matches: Sequence[TermMatch],
    title_topics: Iterable[str],
    claim_topics: Iterable[Iterable[str]],
    lede: int,
    settings: ContextSettings = DEFAULT_CONTEXT,
) -> ArticleTopics:
    """The weights of the topics named in an article: ``matches`` in its text (the lede ends at offset ``lede``),
    the topics named in its title, the own-term topics of each of its claims."""
    weights: Counter[str] = Counter()
    title = frozenset(title_topics)
    for topic in title:
        weights[topic] += settings.title_weight
    places = {(m.topic_id, m.start) for m in matches}
    for topic, _ in places:
        weights[topic] += settings.mention_weight
    for topic in {t for t, start in places if start < lede}:
        weights[topic] += settings.lede_weight
    for topics in claim_topics:
        for topic in set(topics):
            weights[topic] += settings.claim_weight
    heaviest = max(weights.values(), default=0)
    about = tuple(
        topic
        for topic, weight in sorted(weights.items(), key=lambda item: (-item[1], item[0]))
        if weight >= settings.about_at_least and weight >= settings.share_of_top * heaviest
    )
    starts: dict[str, list[int]] = {}
    for topic, start in sorted(places):
        starts.setdefault(topic, []).append(start)
    return ArticleTopics(dict(weights), about, {t: tuple(s) for t, s in starts.items()}, title)
