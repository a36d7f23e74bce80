"""One claim's topics, from its own words, its article, and how close its sentence reads to each topic.

1. **Its own words** (``term``, score 1.0): every topic a term or pattern of which is in its content.
2. **Its article** (``article``, score: the topic's share of the article's topic weight): a claim inherits the
   topics its article is about (``extractors.topics.context``), unless its own words point elsewhere: its own terms
   name only topics the article is not about and names nowhere else (a claim on tariffs in a story about the war;
   but a claim on sanctions in a story about a nuclear deal that talks of sanctions throughout inherits the deal),
   or (for a claim whose words name no topic) another topic, not the article's, reads clearly closer to its
   sentence (``elsewhere_at_least``, ``elsewhere_margin``).
3. **Similarity** (``similarity``, score: the cosine): a claim whose words name no topic also gets each topic its
   article names anywhere that its sentence reads close to (``mentioned_at_least``), such as the nuclear plant in a
   story about the war.

Similarity is read only for the claims whose words name no topic in an article that is about some topic: the
claims where it decides something, so that extraction costs little more on stories about nothing in the topics
file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from core.articles import ClaimTopic, Span
from extractors.topics.context import ArticleTopics
from extractors.topics.similarity import TopicThresholds


def decide_topics(
    own: tuple[ClaimTopic, ...],
    spans: Sequence[Span],
    article: ArticleTopics,
    scores: Mapping[str, float] | None = None,
    thresholds: TopicThresholds | None = None,
) -> tuple[ClaimTopic, ...]:
    """The claim's topics: ``own`` (found by its terms in its content, ``spans``), then those inherited from
    ``article``, then those its ``scores`` (cosine per topic id, when similarity was read for the claim) add."""
    named = {t.topic for t in own}
    if named and not named & set(article.about) and not any(article.named_outside(t, spans) for t in named):
        return own
    decided = list(own)
    for topic in article.about:
        if topic in named or (scores is not None and thresholds and _elsewhere(topic, article, scores, thresholds)):
            continue
        decided.append(ClaimTopic(topic, None, "article", article.share(topic)))
    if scores is not None and thresholds is not None:
        have = {t.topic for t in decided}
        for topic in sorted(article.weights):
            if topic not in have and scores.get(topic, 0.0) >= thresholds.mentioned_at_least:
                decided.append(ClaimTopic(topic, None, "similarity", round(scores[topic], 3)))
    return tuple(decided)


def _elsewhere(topic: str, article: ArticleTopics, scores: Mapping[str, float], thresholds: TopicThresholds) -> bool:
    """Does another topic, not the article's, read clearly closer to the claim than ``topic``?"""
    mine = scores.get(topic, 0.0)
    return any(
        other not in article.about
        and score >= thresholds.elsewhere_at_least
        and score >= mine + thresholds.elsewhere_margin
        for other, score in scores.items()
    )
