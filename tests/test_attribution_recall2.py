"""Issue 14 (PolNeAR recall, second round): each rule on PolNeAR train/dev sentences read from ../shared at test
time (skipped without it)."""

from __future__ import annotations

import pytest
from spacy.language import Language

from tests.claimtext import claims_of, said
from tests.test_attribution_frames import POLNEAR, polnear_paragraph

pytestmark = pytest.mark.skipif(not (POLNEAR / "dev").is_dir(), reason=f"PolNeAR is not at {POLNEAR}")


def test_a_question_asked_in_a_passive_participle_has_no_source(nlp: Language) -> None:
    # PolNeAR train, breitbart 2016-04-14 (gold: no source / Asked / if Trump's comments had rattled them as well):
    # whoever asked is not named, and Ryan, the subject of the clause it hangs on, is the one asked.
    text = polnear_paragraph("train", "breitbart_2016-04-14_the-latest", "Asked if Trump’s comments")
    claim = said(claims_of(nlp, text), "if Trump’s comments had rattled them")
    assert claim.cue == "Asked" and claim.speaker is None


def test_an_order_asked_in_a_passive_participle_has_no_source(nlp: Language) -> None:
    # PolNeAR dev, politico 2016-09-17 (gold: no source / Asked / to describe the device that caused the explosion).
    text = polnear_paragraph("dev", "politico_2016-09-17_de-blasio", "Asked to describe the device")
    claim = said(claims_of(nlp, text), "to describe the device that caused the explosion")
    assert claim.cue == "Asked" and claim.speaker is None
