"""Issue 14 (PolNeAR recall): reports found by their frame rather than their verb, and the outermost of two nested
reports, on PolNeAR train/dev sentences read from ../shared at test time (skipped without it)."""

from __future__ import annotations

import pytest
from spacy.language import Language

from tests.claimtext import claims_of, said
from tests.conftest import SHARED

POLNEAR = SHARED / "benchmarks" / "attribution" / "polnear" / "data"

pytestmark = pytest.mark.skipif(not (POLNEAR / "dev").is_dir(), reason=f"PolNeAR is not at {POLNEAR}")


def polnear_paragraph(split: str, article: str, words: str) -> str:
    """The paragraph of a PolNeAR article (``split``, name prefix ``article``) that contains ``words``."""
    (path,) = (POLNEAR / split / "text").glob(f"{article}*.txt")
    found = [line for line in path.read_text(encoding="utf-8").splitlines() if words in line]
    assert found, f"{words!r} is not in {path}"
    return found[0]


def test_a_verb_outside_the_lexicon_reports_in_a_reports_frame(nlp: Language) -> None:
    # PolNeAR train, huff-post 2016-03-09 (gold: Bret Baier / noticed / that none of the networks cut away ...).
    text = polnear_paragraph("train", "huff-post_2016-03-09_networks", "noticed that none of the networks")
    claim = said(claims_of(nlp, text), "none of the networks cut away")
    assert claim.cue == "noticed" and claim.speaker is not None and "Bret Baier" in claim.speaker


def test_a_frame_cue_needs_a_finite_clause_with_its_own_subject(nlp: Language) -> None:
    # PolNeAR train, huff-post 2016-02-03 (gold: Philip Bump / illustrates / just how few people actually voted ...):
    # a wh-clause whose subject is its own is reported as well.
    text = polnear_paragraph("train", "huff-post_2016-02-03_huffpolls", "Philip Bump illustrates")
    (claim,) = claims_of(nlp, text)
    assert claim.cue == "illustrates" and claim.speaker is not None and "Philip Bump" in claim.speaker
    assert claim.content.startswith("just how few people actually voted")


def test_the_outermost_of_two_nested_reports_is_the_attribution(nlp: Language) -> None:
    # PolNeAR dev, nyt 2016-09-30 (gold: A Quinnipiac University poll ... / found / 74 percent ... said ...): the
    # voters' "said" inside what the poll found used to win as the surer cue, naming the voters as the source.
    text = polnear_paragraph("dev", "nyt_2016-09-30_keep-the-returns", "Quinnipiac University poll")
    claim = said(claims_of(nlp, text), "74 percent of likely voters")
    assert claim.cue == "found" and claim.speaker == "A Quinnipiac University poll"
    assert claim.content.endswith("should release his tax returns")


def test_a_headline_opening_with_a_name_and_a_colon_attributes_it(nlp: Language) -> None:
    # PolNeAR dev, breitbart 2016-09-25 (gold: Pence / : / Gennifer Flowers Won’t Be at Debate, ...): the tagger
    # reads the headline's "Pence" as a common noun, but the article names him as a person below it.
    (path,) = (POLNEAR / "dev" / "text").glob("breitbart_2016-09-25_pence-gen*.txt")
    headline, _, rest = path.read_text(encoding="utf-8").partition("\n")
    text = headline + "\n" + rest[: rest.index("Pence") + 200]
    claim = said(claims_of(nlp, text), "Gennifer Flowers Won’t Be at Debate")
    assert (claim.speaker, claim.cue) == ("Pence", ":")


def test_an_attribution_ending_its_paragraph_with_a_colon_introduces_the_next(nlp: Language) -> None:
    # PolNeAR dev, west-journal 2016-09-26 (gold: Limbaugh / added: / And from a supposed front-runner, ...): the
    # next paragraph is what he added, though it opens with no quote mark.
    (path,) = (POLNEAR / "dev" / "text").glob("west-journal_2016-09-26_rush-l*.txt")
    paragraphs = path.read_text(encoding="utf-8").split("\n\n")
    (at,) = [i for i, p in enumerate(paragraphs) if p.strip() == "Limbaugh added:"]
    claim = said(claims_of(nlp, "\n\n".join(paragraphs[at : at + 2])), "And from a supposed front-runner")
    assert (claim.speaker, claim.cue) == ("Limbaugh", "added")


def test_a_headline_label_of_a_few_words_naming_a_source_attributes_it(nlp: Language) -> None:
    # PolNeAR train, breitbart 2016-07-19 (gold: Former AG Mukasey at RNC / : / Clinton email scandal ...).
    (path,) = (POLNEAR / "train" / "text").glob("breitbart_2016-07-19_former-ag*.txt")
    text = path.read_text(encoding="utf-8")[:600]
    claim = said(claims_of(nlp, text), "Clinton email scandal disqualifies her")
    assert claim.cue == ":" and claim.speaker is not None and "Mukasey" in claim.speaker
