"""Topics (``seeds/topics.toml``) -> which topics each claim is about, and how that was decided (``claim_topics``).

- ``catalog``: the topics file, validated (:class:`Topic`, :func:`parse_topics`);
- ``terms``: where a topic's terms and patterns occur in a document, whatever the typography (:class:`TopicMatcher`);
- ``context``: what an article is about, from where its topics' terms are;
- ``similarity``: how close a text reads to each topic (sentence embeddings), with each model's thresholds;
- ``decide``: one claim's topics from its own words, its article and its similarity;
- ``component``: the ``claim_topics`` spaCy component that runs them per document.
"""

from __future__ import annotations

from extractors.topics.catalog import TOPICS_FILE, Topic, parse_topics
from extractors.topics.component import TOPICS_VERSION, ClaimTopicsComponent, make_claim_topics
from extractors.topics.terms import TermMatch, TopicMatcher, term_regex, topics_of

__all__ = [
    "TOPICS_FILE",
    "TOPICS_VERSION",
    "ClaimTopicsComponent",
    "TermMatch",
    "Topic",
    "TopicMatcher",
    "make_claim_topics",
    "parse_topics",
    "term_regex",
    "topics_of",
]
