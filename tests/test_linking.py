"""Speaker -> government, actor type and evidence, on real-looking sentences through the real pipeline."""

from __future__ import annotations

from datetime import date

import pytest
from spacy.language import Language

from core.articles import Claim
from extractors.linking.gazetteer import outlet_country
from extractors.nlp import TextItem, extract_claims
from extractors.seeds import process_seeds
from tests.claimtext import claims_of
from tests.conftest import SHARED


def only(nlp: Language, text: str, when: date | None = None) -> Claim:
    found = claims_of(nlp, text, when)
    assert len(found) == 1, [(c.speaker, c.content) for c in found]
    return found[0]


@pytest.mark.parametrize(
    "text, government, actor_type, evidence",
    [
        ("China's ambassador to Britain said Beijing would not sit on its hands.", "CHN", "diplomat", "possessive"),
        ("A spokesperson for the British Foreign Office said settlements were illegal.", "GBR", "diplomat", "demonym"),
        ("The Kremlin said the talks were doomed to fail.", "RUS", "government", "metonym"),
        ("NATO said it would send more troops to the eastern flank.", "XNT", "igo", "country"),
        ("Sen. Ted Cruz, R-Texas, said the prison system had failed.", "USA", "legislature", "title"),
        ("The Russian defence ministry said its forces had taken the village.", "RUS", "military", "demonym"),
    ],
)
def test_state_speakers(nlp: Language, text: str, government: str, actor_type: str, evidence: str) -> None:
    claim = only(nlp, text)
    assert (claim.government, claim.actor_type) == (government, actor_type), claim.link_evidence
    assert claim.link_evidence is not None and claim.link_evidence.split(":")[0] == evidence


@pytest.mark.parametrize(
    "text, actor_type",
    [
        ("A Russian analyst said the sanctions would not change Moscow's course.", "expert"),
        ("Politico reported that the talks had stalled.", "media"),
        ("Zippy Duvall, the president of the American Farm Bureau, said farmers faced hardship.", "non_state"),
        ("Israeli settlers said the decision paved the way for annexation.", "non_state"),
        ("Former foreign minister Jean Dupont said France had made a mistake.", "non_state"),
        ("Amnesty International said the crackdown must end.", "non_state"),
        ("The Supreme Court said the law was unconstitutional.", "judiciary"),
        ("Gov. Kristi Noem said South Dakota would lead the country.", "subnational"),
    ],
)
def test_non_government_speakers_keep_government_null(nlp: Language, text: str, actor_type: str) -> None:
    claim = only(nlp, text, date(2019, 11, 19))
    assert claim.government is None, claim.link_evidence
    assert claim.actor_type == actor_type


def test_gazetteer_fills_in_a_bare_name_on_the_articles_date(nlp: Language) -> None:
    claim = only(nlp, "Lavrov said Moscow was open to talks.", date(2023, 8, 8))
    assert claim.government == "RUS" and claim.link_evidence == "gazetteer:Lavrov"
    assert claim.actor_id == "sergei-lavrov" and claim.actor_type == "diplomat"
    # Kuleba left office on 2024-09-05: his name alone no longer speaks for the ministry.
    assert only(nlp, "Kuleba said Kyiv wanted peace.", date(2025, 1, 1)).government is None
    assert only(nlp, "Kuleba said Kyiv wanted peace.", date(2023, 8, 8)).government == "UKR"


def test_dated_bodies(nlp: Language) -> None:
    text = "The Taliban said the prisoners had been released."
    assert only(nlp, text, date(2019, 11, 20)).government is None
    assert only(nlp, text, date(2023, 1, 10)).government == "AFG"


def test_evidence_in_the_article_beats_the_gazetteer(nlp: Language) -> None:
    # Liz Truss was foreign secretary in 2022: the mention's own words decide, with their evidence kind.
    claim = only(nlp, "British Foreign Secretary Liz Truss said she was appalled.", date(2022, 4, 29))
    assert claim.government == "GBR" and claim.link_evidence.startswith("demonym:")  # type: ignore[union-attr]
    # The words decide the government; the actors file still says who spoke, when it agrees.
    assert claim.actor_id == "liz-truss"
    kihara = only(nlp, "Japan's Chief Cabinet Secretary Minoru Kihara said Tokyo would respond.", date(2025, 11, 15))
    assert (kihara.government, kihara.actor_id) == ("JPN", "minoru-kihara")
    # the article's words decide ("Japan's", or the title only Japan has), not the actors file
    assert kihara.link_evidence is not None and kihara.link_evidence.startswith(("possessive:", "metonym:"))
    # No row is attached on a day the file has him in no office (2022).
    assert only(nlp, "Japan's Chief Cabinet Secretary Minoru Kihara said Tokyo would respond.",
                date(2022, 3, 1)).actor_id is None  # fmt: skip


def test_context_places_generic_state_speakers_of_a_domestic_story(nlp: Language) -> None:
    text = (
        "U.S. Attorney Geoffrey Berman said the guards had failed their duty.\n\n"
        "Prosecutors said the officers had been asleep."
    )
    first, second = claims_of(nlp, text)
    assert first.government == "USA"
    # the state speaker just before speaks for the same government (the article's country would agree)
    assert second.government == "USA" and second.link_evidence == "before:U.S. Attorney Geoffrey Berman"


def test_an_outlets_country_domain_places_generic_speakers_before_a_lone_linked_one(nlp: Language) -> None:
    # A British story about travel from Poland: the one explicitly linked "speaker" is Poland (a statistic read as
    # a statement), and no country has most of the mentions. The outlet's .co.uk domain decides, not Poland.
    text = (
        "The Transport Secretary said travellers arriving in the UK from Poland, Turkey and Italy must self-isolate."
        "\n\nPoland said its rate was 25.9 new cases per 100,000 people.\n\n"
        "Arrivals from Denmark and Iceland to the UK would also have to quarantine, ministers said."
    )

    def governments(url: str | None) -> list[tuple[str | None, str | None]]:
        claims = next(extract_claims(nlp, [TextItem(text, date(2020, 10, 30), url)]))
        return [(c.government, c.link_evidence) for c in claims]

    british = governments("https://www.standard.co.uk/news/uk/travel-corridors.html")
    assert british[0] == ("GBR", "context:GBR") and british[-1] == ("GBR", "context:GBR")
    assert british[1] == ("POL", "country:Poland")
    # Without a country-code domain (.com), the lone linked speaker would be all there is; but Poland's government
    # has no "Transport Secretary", so the country the title allows that the text names most is taken.
    assert governments("https://www.example.com/travel")[0] == ("GBR", "titled:transport secretary")
    assert governments(None)[0] == ("GBR", "titled:transport secretary")


def test_outlet_country_reads_country_code_domains_only() -> None:
    tlds = process_seeds().tlds
    assert outlet_country("https://www.standard.co.uk/news", tlds) == "GBR"
    assert outlet_country("https://www.irishtimes.ie/a", tlds) == "IRL"
    assert outlet_country("https://www.spiegel.de/politik", tlds) == "DEU"
    # Generic top-level domains, and country codes sold for their letters, say nothing of the outlet's country.
    for url in ("https://www.bbc.com/news", "https://news.example.io/x", "https://a.tv/b", "http://localhost/x", None):
        assert outlet_country(url, tlds) is None, url


def test_a_description_takes_the_type_of_the_speaker_it_resolves_to(nlp: Language) -> None:
    # "The president" is Duvall, president of a farmers' group: not a state speaker for the story's context.
    text = (
        "U.S. Trade Representative Robert Lighthizer said the deal was close.\n\n"
        "U.S. Treasury Secretary Steven Mnuchin said talks would continue.\n\n"
        "Zippy Duvall, the president of the American Farm Bureau, said farmers were hurting.\n\n"
        "The president said the deal must include farm purchases."
    )
    claims = claims_of(nlp, text, date(2019, 11, 18))
    last = claims[-1]
    assert claims[0].government == "USA" and last.speaker_canonical == "Zippy Duvall"
    assert (last.government, last.actor_type) == (None, "non_state"), last.link_evidence


def test_a_lawyer_does_not_lend_his_type_to_his_client(nlp: Language) -> None:
    text = (
        "Tim Morrison, a National Security Council official, said he feared the call would leak.\n\n"
        "Morrison's lawyer said the question was outside the scope of his testimony.\n\n"
        "Morrison said he was surprised."
    )
    claims = claims_of(nlp, text, date(2019, 10, 31))
    assert claims[0].government == "USA"
    assert claims[-1].government == "USA", [(c.speaker, c.government, c.link_evidence) for c in claims]


def test_a_spokesman_for_a_state_agency_takes_the_articles_country(nlp: Language) -> None:
    """evals/gold/series iran (Reuters, 2019-07-08): "Organisation" is a state agency's head word, not a rank (the
    rank rule of "spokesperson for the West Philippine Sea Commodore …" must not take it)."""
    claims = claims_of(
        nlp,
        "GENEVA, July 8 (Reuters) - Iran has passed the 3.67% uranium enrichment cap set by its landmark 2015 nuclear "
        "deal and may enrich at even higher levels, the spokesman for Iran'sAtomic Energy Organisation, Behrouz "
        "Kamalvandi, said on Monday according to the IRIB news agency.\n\nIran said on Sunday it would shortly boost "
        "uranium enrichment above the cap, prompting a warning from U.S. President Donald Trump, who wants the pact "
        'renegotiated, that Tehran "better be careful".',
        date(2019, 7, 8),
    )
    kamalvandi = next(c for c in claims if c.content.startswith("Iran has passed"))
    assert (kamalvandi.speaker_canonical, kamalvandi.government) == ("Behrouz Kamalvandi", "IRN")


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared absent")
def test_an_institution_that_names_one_country_is_that_countrys(nlp: Language) -> None:
    """A paragraph of PolNeAR train (read at test time, never copied): "The State Department has said …" is the
    USA's by the institution's name alone (seeds/metonyms_extra.tsv), as "the Kremlin" is Russia's."""
    folder = SHARED / "benchmarks/attribution/polnear/data/train/text"
    path = folder / "wash-post_2016-03-03_staffer-who-set-up-clinton-email.txt"
    paragraph = next(p for p in path.read_text(encoding="utf-8").split("\n") if "The State Department has said" in p)
    claim = next(c for c in claims_of(nlp, paragraph) if c.speaker == "The State Department")
    assert (claim.government, claim.link_evidence) == ("USA", "metonym:State Department")
