"""Topic terms match whatever the typography: curly apostrophes, hyphens, dashes, abbreviations with dots.
Sentences from real reporting (dev-half excerpts of evals/gold/topics and the gaza series)."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from core.articles import ClaimTopic
from core.settings import SeedPaths
from extractors.nlp import TextItem, extract_claims
from extractors.seeds import load_seeds
from extractors.topics import Topic, TopicMatcher


@pytest.fixture(scope="module")
def matcher(nlp: Language, tmp_path_factory: pytest.TempPathFactory) -> TopicMatcher:
    path: Path = tmp_path_factory.mktemp("topics") / "topics.toml"
    path.write_text(
        '[[topic]]\nid = "probe"\nlabel = "Probe"\ndescription = "Terms written one way."\n'
        "terms = [\"Ukraine's Zaporizhzhia power plant\", \"US side\", \"China-US trade relations\", \"cease-fire\","
        ' "net-zero"]\n',
        encoding="utf-8",
    )
    topics: tuple[Topic, ...] = load_seeds(SeedPaths(topics=path)).topics
    return TopicMatcher(nlp, topics)


@pytest.mark.parametrize(
    "sentence, found",
    [
        # t-011 (The Guardian, 2022-08-06): a curly apostrophe where the term has a straight one.
        (
            "The head of the UN’s nuclear watchdog said on Saturday that he was “alarmed” by Friday’s shelling at "
            "Ukraine’s Zaporizhzhia power plant, Europe’s largest such facility.",
            "Ukraine’s Zaporizhzhia power plant",
        ),
        # t-003 (Xinhua, 2022-08-08): "U.S." for "US".
        ("Wang Yi said the U.S. side has made three mistakes.", "U.S. side"),
        # t-029 (2025-04-13): inside a token spaCy keeps whole ("China-U.S.").
        (
            "The ministry emphasized that China’s stance on China-U.S. trade relations has been consistent and "
            "principled.",
            "China-U.S. trade relations",
        ),
        # gaza series, gaza-01 (2014-07-15): the hyphen as written; then left out, then spaced.
        ("Egypt on Monday proposed a cease-fire to end a weeklong Israeli offensive.", "cease-fire"),
        ("Egypt on Monday proposed a ceasefire to end a weeklong Israeli offensive.", "ceasefire"),
        ("Egypt on Monday proposed a cease fire to end a weeklong Israeli offensive.", "cease fire"),
        # a non-breaking hyphen (U+2011) and an en dash read as hyphens
        ("He said the plan to reach net‑zero by 2050 stands.", "net‑zero"),
    ],
)
def test_terms_match_typographic_variants(nlp: Language, matcher: TopicMatcher, sentence: str, found: str) -> None:
    assert [m.text for m in matcher.matches(nlp(sentence))] == [found]


def test_an_abbreviation_matches_in_capitals_only(nlp: Language, matcher: TopicMatcher) -> None:
    assert matcher.matches(nlp("Let us hear from the other side first, he said.")) == []


def test_shipped_term_with_an_apostrophe_finds_the_curly_one(nlp: Language) -> None:
    # The sample article (seeds/articles/jeddah-talks-2023-08-08.txt, Reuters): the claim never says "war".
    text = (
        "“China did not object, as it has never objected, that Ukraine’s territorial integrity should be "
        "respected,” Zhovka said."
    )
    (claim,) = next(extract_claims(nlp, [TextItem(text)]))
    assert ClaimTopic("ukraine-war", "Ukraine’s territorial integrity") in claim.topics
