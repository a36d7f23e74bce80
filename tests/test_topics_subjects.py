"""What claims are about: governments named in the content (claim_subjects) and topics (seeds/topics.toml)."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from core.articles import Claim, ClaimTopic
from core.errors import ConfigError
from core.settings import SeedPaths
from extractors.article import split_date_header
from extractors.nlp import TextItem, extract_claims
from extractors.seeds import load_seeds
from extractors.topics import Topic, TopicMatcher, topics_of
from tests.conftest import SEED_ARTICLE


@pytest.fixture(scope="module")
def seed(nlp: Language) -> list[Claim]:
    text, published, _ = split_date_header(SEED_ARTICLE.read_text(encoding="utf-8"))
    assert published is not None
    return next(extract_claims(nlp, [TextItem(text, published.date())]))


def load_topics(path: Path) -> tuple[Topic, ...]:
    """The topics file at ``path`` as claimtrack reads it (CLAIMTRACK_TOPICS)."""
    return load_seeds(SeedPaths(topics=path)).topics


def by_start(claims: list[Claim], start: str) -> Claim:
    return next(c for c in claims if c.content.startswith(start))


def test_subjects_are_the_governments_a_claim_talks_about(seed: list[Claim]) -> None:
    zhovkva = by_start(seed, "“China did not object")
    assert zhovkva.government == "UKR"
    assert dict(zhovkva.subjects) == {"CHN": "country:China"}  # Ukraine's own government left out
    kuleba = by_start(seed, "China’s role in the talks")
    assert [code for code, _ in kuleba.subjects] == ["CHN"]
    lavrov = by_start(seed, "Lavrov “appreciates")
    assert "RUS" in dict(lavrov.subjects) and dict(lavrov.subjects)["RUS"] == "actor:Lavrov"


def test_own_government_counts_when_it_is_the_subject_of_the_statement(nlp: Language) -> None:
    text = "“The United States firmly opposes intimidation by any claimant,” Esper said."
    (claim,) = next(extract_claims(nlp, [TextItem(text)]))
    assert claim.government == "USA"
    assert "USA" in dict(claim.subjects)


def test_places_where_things_happen_are_not_subjects(nlp: Language, seed: list[Claim]) -> None:
    (claim,) = next(extract_claims(nlp, [TextItem("The Kremlin said the talks in Jeddah were doomed.")]))
    assert "SAU" not in dict(claim.subjects)
    beijing = by_start(seed, "it remains “impartial”")  # "... a weekend peace conference in Saudi Arabia"
    assert dict(beijing.subjects) == {"UKR": "country:Ukraine"}


def test_seed_topics(seed: list[Claim]) -> None:
    assert ClaimTopic("ukraine-war", "Ukraine war") in by_start(seed, "it remains “impartial”").topics
    wang = by_start(seed, "“On the Ukraine crisis")
    assert {"ukraine-war", "peace-talks"} <= set(wang.topic_ids)


def test_terms_match_on_lemmas_case_insensitively(nlp: Language) -> None:
    text = "The foreign minister said new Sanctions and higher TARIFFS would follow."
    (claim,) = next(extract_claims(nlp, [TextItem(text)]))
    assert {"sanctions", "trade"} <= set(claim.topic_ids)


def test_user_topic_with_a_matcher_pattern(nlp: Language, tmp_path: Path) -> None:
    path = tmp_path / "topics.toml"
    path.write_text(
        '[[topic]]\nid = "arctic"\nlabel = "Arctic"\ndescription = "The Arctic."\nterms = ["Arctic"]\n'
        'patterns = [[{ LOWER = "northern" }, { LOWER = "sea" }, { LOWER = "route" }]]\n',
        encoding="utf-8",
    )
    matcher = TopicMatcher(nlp, load_topics(path))
    doc = nlp("Moscow wants ships on the Northern Sea Route and in the arctic.")
    matches = matcher.matches(doc)
    assert {m[3] for m in matches} == {"Northern Sea Route", "arctic"}
    assert topics_of(((0, len(doc.text)),), matches) == (ClaimTopic("arctic", "Northern Sea Route"),)


@pytest.mark.parametrize(
    "body, message",
    [
        ('[[topic]]\nid = "Bad Id"\nlabel = "x"\ndescription = "y"\nterms = ["a"]\n', "'id' must be a lower-case slug"),
        ('[[topic]]\nid = "a"\ndescription = "y"\nterms = ["a"]\n', "topic 'a': 'label' is required"),
        ('[[topic]]\nid = "a"\nlabel = "x"\ndescription = "y"\n', "give at least one term or pattern"),
        ('[[topic]]\nid = "a"\nlabel = "x"\ndescription = "y"\nterms = "a"\n', "'terms' must be a list"),
        ('[[topic]]\nid = "a"\nlabel = "x"\ndescription = "y"\nterm = ["a"]\n', "unknown key\\(s\\) term"),
        ("[[topic]\n", "not valid TOML"),
    ],
)
def test_bad_topics_file_says_what_is_wrong(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "topics.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_topics(path)


def test_shipped_topics() -> None:
    topics = load_seeds(SeedPaths()).topics
    ids = {t.topic_id for t in topics}
    assert {
        "ukraine-war",
        "peace-talks",
        "taiwan",
        "israel-palestine",
        "sanctions",
        "trade",
        "climate",
        "nuclear",
    } <= ids
    assert all(t.description for t in topics)
