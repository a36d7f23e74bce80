"""How close a text reads to each topic: the cosine between its sentence embedding (``extractors.embeddings``) and
the topic's *prototype*, the normalised mean of the embeddings of its description and examples (``topics.toml``).

Cosines of one model live on one scale and another model's on another, so the thresholds that turn them into
decisions belong to the model: :data:`TOPIC_THRESHOLDS` keeps them by the embedder's name, and :attr:`version`
(model and thresholds) is part of the claims version.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy

from core.errors import ConfigError
from extractors.embeddings import EMBEDDER_NAME, sentence_embedder
from extractors.topics.catalog import Topic


@dataclass(frozen=True, kw_only=True)
class TopicThresholds:
    """Where one model's cosines turn into topic decisions (measured on the dev half of ``evals/gold/topics``)."""

    #: An article is about a topic its terms name only if its title and lede read at least this close to it.
    article_at_least: float
    #: A claim does not inherit an article's topic when another topic, not the article's, reads at least this
    #: close to the claim's sentence ...
    elsewhere_at_least: float
    #: ... and closer than the inherited one by this much.
    elsewhere_margin: float
    #: A claim gets a topic its article names (a term anywhere) when its sentence reads at least this close to it.
    mentioned_at_least: float

    def describe(self) -> str:
        return (
            f"article>={self.article_at_least:g},elsewhere>={self.elsewhere_at_least:g}+{self.elsewhere_margin:g},"
            f"mentioned>={self.mentioned_at_least:g}"
        )


#: The thresholds of each embedder, by its name.
TOPIC_THRESHOLDS: dict[str, TopicThresholds] = {
    EMBEDDER_NAME: TopicThresholds(
        article_at_least=0.25, elsewhere_at_least=0.45, elsewhere_margin=0.1, mentioned_at_least=0.35
    ),
}


class TopicSimilarity:
    """Scores texts against the prototypes of ``topics`` with the process's embedder (one onnxruntime thread:
    extraction spreads over processes, not threads). Holds no model: it can travel to worker processes."""

    def __init__(self, topics: Sequence[Topic], embedder: str = EMBEDDER_NAME) -> None:
        if embedder not in TOPIC_THRESHOLDS:
            known = ", ".join(TOPIC_THRESHOLDS)
            raise ConfigError(f"no topic thresholds for the embedder {embedder!r} (known: {known}): measure them first")
        self.topic_ids = tuple(t.topic_id for t in topics)
        self.embedder = embedder
        self.thresholds = TOPIC_THRESHOLDS[embedder]
        self.prototype_texts = tuple((t.description, *t.examples) for t in topics)

    @property
    def version(self) -> str:
        return f"{self.embedder}+{self.thresholds.describe()}"

    def scores(self, texts: Sequence[str]) -> Any:
        """Cosines, shape ``(len(texts), len(topic_ids))``."""
        return sentence_embedder().embed(texts) @ prototypes(self.prototype_texts).T


# The prototypes of each topics file, embedded once per process (~70 short texts, ~0.5 s).
_prototypes: dict[tuple[tuple[str, ...], ...], Any] = {}
_lock = threading.Lock()


def prototypes(texts: tuple[tuple[str, ...], ...]) -> Any:
    """One unit row per topic: the normalised mean embedding of its texts (description and examples)."""
    with _lock:
        if texts not in _prototypes:
            embedder = sentence_embedder()
            means = numpy.stack([embedder.embed(list(group)).mean(axis=0) for group in texts])
            _prototypes[texts] = means / numpy.linalg.norm(means, axis=1, keepdims=True).clip(1e-12)
        return _prototypes[texts]
