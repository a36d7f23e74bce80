"""Speakers of real PolNeAR train/dev attributions, through the real pipeline (issue 14, speaker accuracy).

The text is read from ../shared at test time and never copied here: each case names an article and a gold relation
(its brat event id); the test runs the extractor over the paragraph that holds the relation and compares the speaker
with the gold source. Skipped without ../shared.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pytest
from spacy.language import Language

from core.articles import Claim
from evals.brat import GoldAttribution
from evals.polnear import Article, load_split
from tests.claimtext import claims_of
from tests.conftest import SHARED

POLNEAR = SHARED / "benchmarks" / "attribution" / "polnear"

pytestmark = pytest.mark.skipif(
    not (POLNEAR / "data" / "dev").is_dir(), reason=f"PolNeAR is not at {POLNEAR} (../shared absent)"
)


@cache
def _articles(split: str) -> dict[str, Article]:
    return {article.name: article for article in load_split(POLNEAR, split)}


@dataclass(frozen=True)
class Case:
    """One gold relation, the paragraph around it, and our claim on that paragraph whose content overlaps it."""

    paragraph: str
    #: The gold source span, in paragraph offsets.
    source: tuple[int, int]
    claim: Claim


def case(nlp: Language, split: str, article: str, eid: str) -> Case:
    found = _articles(split)[article]
    gold: GoldAttribution = next(g for g in found.gold if g.eid == eid)
    start = min(s for s, _ in gold.source_spans + gold.content_spans)
    end = max(e for _, e in gold.source_spans + gold.content_spans)
    para_start = found.text.rfind("\n", 0, start) + 1
    para_end = found.text.find("\n", end)
    paragraph = found.text[para_start : para_end if para_end >= 0 else len(found.text)]
    content = [(s - para_start, e - para_start) for s, e in gold.content_spans]
    claims = [
        c
        for c in claims_of(nlp, paragraph)
        if any(min(e, ge) > max(s, gs) for s, e in c.content_spans for gs, ge in content)
    ]
    assert claims, f"no claim on {article} {eid}"
    (source,) = gold.source_spans
    return Case(paragraph, (source[0] - para_start, source[1] - para_start), claims[0])


@pytest.mark.parametrize(
    ("article", "eid"),
    [
        ("nyt_2016-09-08_obama-on-climate-change-the-tren", "E30"),  # "<name>, who ... said"
        ("politico_2016-09-23_partisan-fireworks-over-clinton-", "E8"),  # "<description>, who told"
        ("usa-today_2016-09-22_super-pac-haul-surges-past-b-sma", "E3"),  # "<a group> that intends to"
    ],
)
def test_a_relative_pronoun_is_the_speaker_mention_and_its_noun_the_canonical_speaker(
    nlp: Language, article: str, eid: str
) -> None:
    # PolNeAR dev: the annotators mark the relative pronoun as the source, as "he" is the source of "he said"; the
    # canonical speaker stays the noun the pronoun stands for (written before it in the same paragraph; the actors
    # file may complete a name: "Mr. Obama" -> Barack Obama).
    found = case(nlp, "dev", article, eid)
    claim = found.claim
    assert claim.speaker_span == found.source and claim.speaker in ("who", "which", "that"), claim
    assert claim.speaker_canonical and claim.speaker_canonical.split()[-1] in found.paragraph[: found.source[0]], claim


def test_a_relative_pronoun_speaks_for_the_government_its_noun_names(nlp: Language) -> None:
    # PolNeAR dev: "the Saudi government, which denied ...": the speaker mention is "which", its government the
    # one the noun's words name.
    found = case(nlp, "dev", "west-journal_2016-09-23_clinton-breaks-with-obama-on-law", "E12")
    assert found.claim.speaker == "which" and found.claim.speaker_span == found.source
    assert (found.claim.government, found.claim.link_evidence) == ("SAU", "demonym:the Saudi government")


@pytest.mark.parametrize(
    ("split", "article", "eid"),
    [
        (
            "train",
            "huff-post_2016-05-19_ferguson-is-not-among-the-most-d",
            "E10",
        ),  # "released a statement <day> saying"
        ("dev", "breitbart_2016-09-30_the-latest-trump-urges-supporter", "E126"),  # "a series of tweets <day> saying"
        ("dev", "breitbart_2016-09-30_the-latest-trump-urges-supporter", "E103"),  # "a series of tweets criticizing"
        ("train", "huff-post_2015-12-17_st-paul-votes-to-condemn-donald-", "E2"),  # "approved a resolution condemning"
    ],
)
def test_whoever_issued_a_report_speaks_through_the_participle_after_it(
    nlp: Language, split: str, article: str, eid: str
) -> None:
    # PolNeAR: the participle after an issued report, hung on the report or (after a weekday) on the verb, and a
    # report counted in a series, report the words of whoever issued them, not of the report.
    found = case(nlp, split, article, eid)
    assert found.claim.speaker_span == found.source, (found.claim.speaker, found.paragraph[slice(*found.source)])


@pytest.mark.parametrize(
    ("article", "eid"),
    [
        ("breitbart_2016-06-26_clinton-swipes-at-trump-over-bre", "E12"),  # "According to a survey, 51 percent ..."
        ("breitbart_2016-02-18_ap-gfk-poll-voters-increasingly-", "E1"),  # "A greater percentage ..., according to"
    ],
)
def test_a_poll_is_the_speaker_of_the_share_of_respondents_it_reports(nlp: Language, article: str, eid: str) -> None:
    # PolNeAR train: respondents counted in a share speak through the poll, which is the source.
    found = case(nlp, "train", article, eid)
    assert found.claim.speaker_span == found.source and found.claim.via is None, found.claim.speaker


def test_a_participle_after_a_quote_closed_on_its_comma_reports_the_outer_speaker(nlp: Language) -> None:
    # PolNeAR train: "<name> insisted that he has “<quote>,” claiming that ...": the comma before the participle
    # sits inside the closing quote mark, and the participle is still the outer speaker's, not the clause's "he".
    found = case(nlp, "train", "breitbart_2016-03-01_the-latest-sanders-wins-minnesot", "E25")
    assert found.claim.cue == "claiming" and found.claim.speaker_span == found.source, found.claim.speaker


@pytest.mark.parametrize(
    ("split", "article", "eid"),
    [
        ("train", "breitbart_2016-04-23_clinton-wades-in-urges-britain-t", "E15"),  # "said ... know ..., and accused"
        ("train", "breitbart_2016-07-13_trump-demands-ginsburg-resign-fo", "E6"),  # "said ... want ... and predicted"
        ("dev", "wash-post_2016-10-05_international-monetary-fund-slas", "E11"),  # "said ... would ... and suggested"
    ],
)
def test_a_cue_coordinated_with_a_cue_of_another_tense_inside_the_report_is_the_outer_speakers(
    nlp: Language, split: str, article: str, eid: str
) -> None:
    # PolNeAR: "<name> said that she didn't want to think about ... and predicted that ...": the parser hangs the
    # past-tense cue on the infinitive "think" (a cue itself) inside the reported clause; it agrees in tense with
    # "said", not with "think", so it is the outer speaker's (the speaker overlaps the gold source, as the PolNeAR
    # evaluation counts it: on the paragraph alone the tagger reads "May" of "Theresa May" as a month).
    found = case(nlp, split, article, eid)
    span = found.claim.speaker_span
    assert span is not None and min(span[1], found.source[1]) > max(span[0], found.source[0]), found.claim.speaker
