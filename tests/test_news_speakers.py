"""Speakers and governments on real news from every region (issue 14), one test per kind of failure.

The sentences are quoted from the dev half of ``evals/gold/attribution/`` (real reporting, 2017-2025), short.
"""

from __future__ import annotations

from datetime import date

from spacy.language import Language

from core.articles import Claim
from extractors.nlp import TextItem, extract_claims


def claims_of(nlp: Language, text: str, when: date | None = None) -> list[Claim]:
    return next(extract_claims(nlp, [TextItem(text, when)]))


def said(claims: list[Claim], start: str) -> Claim:
    """The claim whose content starts with ``start``."""
    found = [c for c in claims if c.content.lstrip("“\"‘'").startswith(start)]
    assert found, [(c.speaker, c.content[:40]) for c in claims]
    return found[0]


# -- 6. clean speaker spans and names ----------------------------------------------------------------------------


def test_names_keep_their_hyphens_and_particles(nlp: Language) -> None:
    claims = claims_of(
        nlp,
        "South Korean Prime Minister Lee Nak-yeon said in Seoul on Thursday that his country has confirmed the "
        "permission.\n\nH.H. Sheikh Abdullah bin Zayed Al Nahyan, Deputy Prime Minister and Minister of Foreign "
        "Affairs, condemned in the strongest terms the blatant and cowardly Israeli attack that targeted the State of "
        "Qatar, emphasising that this reckless aggression constitutes a flagrant violation of Qatar’s sovereignty.",
        date(2019, 8, 8),
    )
    assert said(claims, "his country").speaker_canonical == "Lee Nak-yeon"
    assert said(claims, "this reckless").speaker_canonical == "Abdullah bin Zayed Al Nahyan"


def test_the_spokespersons_own_name_not_the_principals(nlp: Language) -> None:
    claim = claims_of(
        nlp,
        "Spokesperson for President Muhammadu Buhari, Garba Shehu, has asked Nigerians to be prepared to see his "
        "principal soon.",
    )[0]
    assert claim.speaker_name == "Garba Shehu"


def test_a_wire_dateline_is_not_a_speaker_label(nlp: Language) -> None:
    claim = claims_of(
        nlp,
        "SEOUL: North Korean leader Kim Jong Un said the country would not hesitate to use all available offensive "
        "forces, state news agency KCNA reported on Friday.",
        date(2024, 10, 4),
    )[0]
    assert claim.speaker == "North Korean leader Kim Jong Un" and claim.government == "PRK"
    transcript = claims_of(nlp, "ZAKHAROVA: We have said many times that the sanctions are illegal.")[0]
    assert transcript.speaker == "ZAKHAROVA" and transcript.cue == ":"


# -- demonyms and names of countries the tables lacked -----------------------------------------------------------


def test_demonyms_of_the_philippines_and_korea(nlp: Language) -> None:
    claims = claims_of(
        nlp,
        "The China Coast Guard fired water cannons at three Philippine vessels, the Philippine Coast Guard said.\n\n"
        "However, the ROK premier expressed the view that Japan’s “economic attack” on South Korea was unfair.",
        date(2023, 12, 10),
    )
    assert said(claims, "The China Coast Guard").government == "PHL"
    assert said(claims, "the view").government == "KOR"


def test_a_regions_demonym_is_not_a_country(nlp: Language) -> None:
    claims = claims_of(
        nlp,
        "President Donald Trump on Sunday announced tariffs on Colombia after the South American nation’s president, "
        "Gustavo Petro, said his country will not accept deportation flights from the United States.",
        date(2025, 1, 26),
    )
    petro = said(claims, "his country")
    assert petro.speaker_canonical == "Gustavo Petro"
    assert not (petro.link_evidence or "").startswith("demonym:")
