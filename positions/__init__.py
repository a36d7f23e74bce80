"""Position tracking: statements (de-duplicated reports), their language, and how each government's stated
position on a topic changes over time.

Plain Python, testable without Prefect. Reads and writes go through ``warehouse.reads`` and ``warehouse.writes``.

- ``dedup``: claims -> statements (the same words by the same speaker in several outlets are one statement)
- ``features``: a statement's content lemmas, key phrases, polarity and modality (spaCy)
- ``polarity``: negation parity and stance cue verbs (why "rejects" never reads as a reiteration of "supports")
- ``similarity``: the ``Similarity`` protocol, the lexical baseline and the optional MiniLM (ONNX) model
- ``changes``: nearest earlier statement and the label new / reiteration / shift / reversal
- ``refresh``: the function ``claimtrack rebuild`` and the ingest flow call to recompute all of it
- ``timeline`` / ``report``: the terminal timeline and the self-contained HTML report
"""
