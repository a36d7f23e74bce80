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


# -- 1. an entity layer: a titled mention speaks for every later mention of the person ---------------------------


def test_a_title_given_outside_any_claim_flows_to_the_later_surname(nlp: Language) -> None:
    claims = claims_of(
        nlp,
        "Japanese Ambassador Kazuhiko Koshikawa, in a Tweet yesterday, posted a group photo of the three national "
        "security advisers taken after their trilateral meeting in Tokyo on Friday.\n\n"
        "“Today marks a historic milestone as Japan, the US and the Philippines’ NSAs come together for trilateral "
        "meeting,” Koshikawa said.",
        date(2023, 6, 18),
    )
    claim = said(claims, "Today marks")
    assert (claim.speaker_canonical, claim.government) == ("Kazuhiko Koshikawa", "JPN")
    assert claim.link_evidence == "coref:Japanese Ambassador Kazuhiko Koshikawa"


def test_descriptions_resolve_to_the_person_the_article_names(nlp: Language) -> None:
    claims = claims_of(
        nlp,
        "This is what President Andres Manuel Lopez Obrador on Wednesday explained in his morning press conference "
        "at the National Palace.\n\nThe head of State argued that Ebrard is one of the five aspirants of the "
        "coalition.\n\nThe president added that this process has already started.",
        date(2023, 6, 7),
    )
    for start in ("Ebrard is one", "this process"):
        claim = said(claims, start)
        assert claim.speaker_canonical == "Andres Manuel Lopez Obrador" and claim.speaker_resolution == "description"


def test_a_title_given_later_still_describes_the_person(nlp: Language) -> None:
    claims = claims_of(
        nlp,
        "Marcos said this after Coast Guard Commodore Jay Tarriela said the next administration should continue the "
        "policy.\n\nIn his podcast episode released on Saturday, June 21, the President said the government did not "
        "back down.\n\n“We did not yield. We continue to protect the sovereignty of the Republic,” he said.\n\n"
        "President Marcos has also warned against appeasement in the West Philippine issue.",
        date(2025, 6, 21),
    )
    assert said(claims, "the government did not").speaker_canonical == "Marcos"
    assert said(claims, "We did not yield").speaker_canonical == "Marcos"
    assert said(claims, "the next administration").speaker_canonical == "Jay Tarriela"


def test_the_president_is_the_untitled_speaker_just_named(nlp: Language) -> None:
    claims = claims_of(
        nlp,
        "In a succinct message posted on his social media account, Petro wrote that his statement is a response to "
        "Pablo Beltran, second-in-command of the guerrilla group.\n\n“Try peace for Colombia. It’s not necessary to "
        "destroy an entire city,” the president wrote.",
        date(2025, 10, 13),
    )
    assert said(claims, "Try peace").speaker_canonical == "Petro"


def test_a_surname_the_tagger_missed_and_an_outlet_it_read_as_a_person(nlp: Language) -> None:
    claims = claims_of(
        nlp,
        "The United Nations High Commissioner for Refugees (UNHCR) representative for Afghanistan, Arafat Jamal, has "
        "expressed concern over the deportation of Afghan migrants from Iran, Tolo News reported.\n\n"
        "In an interview with Tolo News, Jamal urged the world not to forget Afghanistan during this critical time."
        '\n\nHe said: "It was important ten years ago, it is still important today."',
        date(2025, 7, 17),
    )
    for start in ("the world not to forget", "It was important"):
        claim = said(claims, start)
        assert (claim.speaker_canonical, claim.government) == ("Arafat Jamal", "XUN"), claim.link_evidence


def test_the_articles_entities_survive_msgpack(nlp: Language) -> None:
    # With n_process > 1 spaCy ships each Doc back as msgpack, extensions included (extractors.docpack).
    import srsly

    doc = nlp("Foreign Ministry spokesperson Esmail Baghaei said Iran would attend.\n\nBaghaei said it was important.")
    entities = doc._.entities
    assert entities.entities and srsly.msgpack_loads(srsly.msgpack_dumps({"e": entities}))["e"] == entities
