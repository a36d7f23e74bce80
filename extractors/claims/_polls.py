"""A poll speaks for its respondents: ``51 percent of respondents said ..., according to a survey``.

Respondents counted in a share (``51 percent of respondents``, ``a greater percentage of voters``, ``majorities of
voters``) are no source of their own: what they said is what the poll found, and the poll is the source the reader
can check (PolNeAR annotates it so). A claim whose speaker is such a share and whose relaying source (``via``) is
a poll or a survey takes the poll as its speaker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from spacy.tokens import Doc

from core.articles import Claim
from extractors.claims._mentions import speaker_head, speaker_name

#: Lemmas that make a mention a poll (``a Washington Post-ABC News survey``, ``early results of exit polls``).
POLL_LEMMAS = frozenset({"poll", "survey"})
#: Words that count respondents by share (numbers and percentages are read from the entity labels).
SHARE_LEMMAS = frozenset(
    {"percent", "percentage", "majority", "half", "third", "quarter", "plurality", "share", "fraction", "most"}
)
_COUNTING_ENTITIES = frozenset({"PERCENT", "CARDINAL"})


def poll_speakers(doc: Doc, claims: Sequence[Claim], titles: frozenset[str]) -> list[Claim]:
    """``claims`` with a poll relaying a share of its respondents made the speaker (see the module docstring)."""
    return [_poll_speaker(doc, claim, titles) for claim in claims]


def _poll_speaker(doc: Doc, claim: Claim, titles: frozenset[str]) -> Claim:
    if claim.speaker_span is None or claim.via_span is None:
        return claim
    speaker = doc.char_span(*claim.speaker_span, alignment_mode="expand")
    via = doc.char_span(*claim.via_span, alignment_mode="expand")
    if speaker is None or via is None or not any(t.lemma_.lower() in POLL_LEMMAS for t in via):
        return claim
    if not any(t.ent_type_ in _COUNTING_ENTITIES or t.lemma_.lower() in SHARE_LEMMAS for t in speaker):
        return claim
    head, is_person = speaker_head(doc, claim.via_span)
    return replace(
        claim,
        speaker=claim.via,
        speaker_span=claim.via_span,
        speaker_name=speaker_name(doc, claim.via_span, titles),
        speaker_head=head,
        speaker_is_person=is_person,
        via=None,
        via_span=None,
    )
