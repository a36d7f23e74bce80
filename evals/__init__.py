"""Evaluations: against benchmark data read from ``../shared`` at run time (never copied here) and against our own
development sets in ``evals/gold/`` (annotated before the product ran on them).

``polnear`` (claims vs PolNeAR), ``linking`` (speaker -> government on benchmark pages), ``maintext`` (article
text), ``attribution`` (speakers and governments on news outside Europe, China and Russia), ``topics`` (topics per
topic), ``series`` (position-change labels on dated series), ``probe`` (minimal pairs of the similarity methods);
``news`` and ``scoring``/``brat`` hold what they share.
"""

__all__ = ["attribution", "linking", "maintext", "polnear", "probe", "series", "topics"]
