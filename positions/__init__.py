"""Position tracking, derived without I/O: statements (de-duplicated reports), their language, and how each
government's stated position on a topic changes over time.

- ``dedup``: claims -> statements (the same words by the same speaker in several outlets are one statement)
- ``features``: a statement's content lemmas, key phrases, polarity and modality (spaCy)
- ``polarity``: negation parity and stance cue verbs (why "rejects" never reads as a reiteration of "supports")
- ``similarity``: the ``Similarity`` protocol, the lexical baseline and the MiniLM (ONNX) model
- ``changes``: the label new / reiteration / shift / reversal and its evidence
- ``refresh``: ``derive_positions``, what ``flows.refresh`` writes after reading the claims
"""

from positions.refresh import DEFAULT_POSITION_SETTINGS, PositionSettings, RefreshSummary, derive_positions
from positions.similarity import Similarity, similarity_for

__all__ = [
    "DEFAULT_POSITION_SETTINGS",
    "PositionSettings",
    "RefreshSummary",
    "Similarity",
    "derive_positions",
    "similarity_for",
]
