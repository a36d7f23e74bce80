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


def test_an_as_clause_attributes_a_clause_holding_an_embedded_question(nlp: Language) -> None:
    # PolNeAR dev, wash-post 2016-09-25 (gold: police / have said / It also does not answer whether Scott had a gun):
    # the question inside the clause is no report of the clause's own, so the as-clause still attributes it.
    text = polnear_paragraph("dev", "wash-post_2016-09-25_phon", "as police have said")
    claim = said(claims_of(nlp, text), "It also does not answer whether Scott had a gun")
    assert (claim.speaker, claim.cue) == ("police", "said")


def test_an_as_clause_with_a_phrase_saying_where_attributes_its_clause(nlp: Language) -> None:
    # PolNeAR train, huff-post 2016-06-23 (gold: David Dayen / noted / invoking the specters of Weimar Germany and
    # Zimbabwe is a classic right-wing scare tactic): "in The Intercept" says where he noted it, not what.
    text = polnear_paragraph("train", "huff-post_2016-06-23_why", "as David Dayen noted in The Intercept")
    claim = said(claims_of(nlp, text), "that invoking the specters of Weimar Germany")
    assert (claim.speaker, claim.cue) == ("David Dayen", "noted")
    assert claim.content.endswith("scare tactic")


def test_an_aside_after_a_dash_closing_the_content_is_the_reporters(nlp: Language) -> None:
    # PolNeAR dev, huff-post 2016-09-10 (gold: Gingrich / dismissed / NATO member Estonia as being in the “suburbs of
    # St. Petersburg”): the appositive after the dash is the writer's comment, as one after a comma is.
    text = polnear_paragraph("dev", "huff-post_2016-09-10_trum", "cynically dismissed NATO member Estonia")
    claim = said(claims_of(nlp, text), "NATO member Estonia")
    assert claim.cue == "dismissed" and claim.content.endswith("“suburbs of St. Petersburg”")


def test_an_aside_between_dashes_after_the_object_is_the_reporters(nlp: Language) -> None:
    # PolNeAR train, huff-post 2016-02-12 (gold: she / opposed / Obama’s Trans-Pacific Partnership trade pact).
    text = polnear_paragraph("train", "huff-post_2016-02-12_the-democratic", "publicly opposed Obama’s")
    claim = said(claims_of(nlp, text), "Obama’s Trans-Pacific Partnership trade pact")
    assert claim.content == "Obama’s Trans-Pacific Partnership trade pact"


def test_an_objects_predicate_after_as_goes_with_the_object(nlp: Language) -> None:
    # PolNeAR dev, nyt 2016-09-30 (gold: Mr. Trump / has repeatedly cited the audit as / the reason he's not releasing
    # his returns): the audit alone says nothing; what he said of it follows "as".
    text = polnear_paragraph("dev", "nyt_2016-09-30_keep-the-r", "cited the audit as the reason")
    claim = said(claims_of(nlp, text), "the audit as the reason")
    assert claim.cue == "cited" and claim.content.endswith("the reason he's not releasing his returns")


def test_what_a_speaker_likens_something_to_goes_with_it(nlp: Language) -> None:
    # PolNeAR dev, nyt 2016-09-19 (gold: Mr. Schultz / likened / RT to the BBC).
    text = polnear_paragraph("dev", "nyt_2016-09-19_old-hands", "likened RT to the BBC")
    claim = said(claims_of(nlp, text), "RT to the BBC")
    assert (claim.speaker, claim.cue) == ("Mr. Schultz", "likened")


def test_a_passive_accusation_without_an_agent_reports_its_subject_with_no_source(nlp: Language) -> None:
    # PolNeAR dev, nyt 2016-09-12 (gold: no source / was accused of / Mr. Quiros … using $50 million for personal
    # expenses ...): what was said is said of the passive subject.
    text = polnear_paragraph("dev", "nyt_2016-09-12_visa", "Mr. Quiros was accused of")
    claim = said(claims_of(nlp, text), "Mr. Quiros")
    assert claim.cue == "accused" and claim.speaker is None
    assert claim.content.endswith("a luxury condominium at Trump Place in New York")


def test_a_passive_with_an_agent_reports_its_subject_with_what_was_said_of_it(nlp: Language) -> None:
    # PolNeAR dev, politico 2016-09-15 (gold: fellow physicians / has been called / Mehmet Oz — Ivy League-trained
    # surgeon and daytime TV star … a charlatan): the predicate is what they called him.
    text = polnear_paragraph("dev", "politico_2016-09-15_trump", "has been called a charlatan")
    claim = said(claims_of(nlp, text), "Mehmet Oz")
    assert (claim.speaker, claim.cue) == ("fellow physicians", "called") and "a charlatan" in claim.content


def test_as_someone_put_it_attributes_the_quote_beside_it(nlp: Language) -> None:
    # PolNeAR dev, nyt 2016-09-30 (gold: Steven M. Rosenthal, ... / recently put it / ''Did Trump lower his taxes
    # ...?''): "put it" reports; "put" alone (put the money in ...) does not.
    text = polnear_paragraph("dev", "nyt_2016-09-30_keep-the-r", "recently put it")
    claim = said(claims_of(nlp, text), "Did Trump lower his taxes")
    assert claim.cue == "put" and claim.speaker is not None and "Rosenthal" in claim.speaker


def test_a_reporting_noun_voiced_by_the_subject_of_its_verb_is_their_claim(nlp: Language) -> None:
    # PolNeAR dev, breitbart 2016-09-30 (gold: Donald Trump / is raising questions about / his microphone problems
    # during Monday’s debate with Hillary Clinton): whoever raises the questions asks them.
    text = polnear_paragraph("dev", "breitbart_2016-09-30_the-lates", "Donald Trump is raising questions about")
    claim = said(claims_of(nlp, text), "his microphone problems")
    assert claim.cue == "questions" and claim.speaker == "Donald Trump"


def test_a_reporting_noun_received_by_the_subject_of_its_verb_is_not_their_claim(nlp: Language) -> None:
    # PolNeAR dev, breitbart 2016-09-30 (gold: no source / questions about / business practices at a foundation ...):
    # Trump faced the questions; he did not ask them.
    text = polnear_paragraph("dev", "breitbart_2016-09-30_the-lates", "Trump has faced questions about")
    assert not any(claim.speaker == "Trump" for claim in claims_of(nlp, text))
