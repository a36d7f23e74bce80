"""Issue 14 (PolNeAR recall, third round): each rule on PolNeAR train/dev sentences read from ../shared at test
time (skipped without it)."""

from __future__ import annotations

import pytest
from spacy.language import Language

from tests.claimtext import claims_of, said
from tests.test_attribution_frames import POLNEAR, polnear_paragraph

pytestmark = pytest.mark.skipif(not (POLNEAR / "dev").is_dir(), reason=f"PolNeAR is not at {POLNEAR}")


def test_a_charge_with_an_offence_reports_the_offence(nlp: Language) -> None:
    # PolNeAR dev, nyt 2016-09-12 (gold: federal prosecutors / charged / two Vermont developers, … with defrauding
    # investors from at least 74 countries): what someone is charged with is what the charge says of them.
    text = polnear_paragraph("dev", "nyt_2016-09-12_visa", "charged two Vermont developers")
    claim = said(claims_of(nlp, text), "defrauding investors")
    assert (claim.speaker, claim.cue) == ("federal prosecutors", "charged")


def test_a_charge_with_an_offence_in_a_relative_clause(nlp: Language) -> None:
    # PolNeAR train, huff-post 2016-05-12 (gold: who / charged / Zimmerman with second-degree murder in the Martin
    # shooting).
    text = polnear_paragraph("train", "huff-post_2016-05-12_george", "charged Zimmerman with")
    claim = said(claims_of(nlp, text), "second-degree murder")
    assert claim.cue == "charged"


def test_a_concern_expressed_reports_what_it_is_about(nlp: Language) -> None:
    # PolNeAR dev, wash-post 2016-09-25 (gold: Voting rights advocates / have expressed deep concern about / the
    # policy): the verb's object is an attitude, and what the attitude is about is the content.
    text = polnear_paragraph("dev", "wash-post_2016-09-25_federal-court", "expressed deep concern")
    claim = said(claims_of(nlp, text), "the policy")
    assert claim.content == "the policy" and claim.speaker == "Voting rights advocates"


def test_misgivings_expressed_report_whom_they_are_about(nlp: Language) -> None:
    # PolNeAR dev, nyt 2016-09-19 (gold: Younger black voters, in particular, / have expressed misgivings about /
    # Mrs. Clinton).
    text = polnear_paragraph("dev", "nyt_2016-09-19_obama-sees", "expressed misgivings about")
    claim = said(claims_of(nlp, text), "Mrs. Clinton")
    assert claim.content.startswith("Mrs. Clinton") and claim.speaker is not None
    assert "Younger black voters" in claim.speaker


def test_calling_for_someone_to_act_reports_the_act(nlp: Language) -> None:
    # PolNeAR train, breitbart 2016-03-01: "is calling for some of his Republican rivals to drop out": the parser
    # reads "for" as opening a clause with its own subject, which is what is called for.
    text = polnear_paragraph("train", "breitbart_2016-03-01_the-latest-sanders", "is calling for some of his")
    claim = said(claims_of(nlp, text), "for some of his Republican rivals")
    assert claim.speaker == "Ted Cruz" and claim.content.endswith("to drop out")
