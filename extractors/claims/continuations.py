"""Continuation quotes share what was decided for the claim they continue.

A quote-only paragraph that carries on the speaker of the paragraph before it becomes a claim of its own whose
``Claim.continues`` holds the index of the claim it continues. Each later step that decides something about a
claim's speaker (its canonical name in ``_speakers``, its government in ``linking.governments``) decides it once,
for the claim that names the speaker, and the continuations copy it: :func:`decide_in_order`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from core.articles import Claim


def decide_in_order(
    claims: Sequence[Claim], decide: Callable[[Claim, list[Claim]], Claim], *, inherit: Sequence[str]
) -> list[Claim]:
    """Each claim of one document through ``decide(claim, decided)`` in document order, where ``decided`` holds
    the claims before it as decided; a continuation of an earlier claim takes that claim's ``inherit`` fields, as
    decided, instead."""
    decided: list[Claim] = []
    for claim in claims:
        if claim.continues is not None and claim.continues < len(decided):
            parent = decided[claim.continues]
            decided.append(replace(claim, **{name: getattr(parent, name) for name in inherit}))
        else:
            decided.append(decide(claim, decided))
    return decided
