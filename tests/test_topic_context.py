"""Topics with context: a claim inherits what its article is about unless its own words point elsewhere, and its
sentence's similarity to each topic counts beside the terms. Real reporting: dev-half excerpts of
evals/gold/topics and articles of the dev series (iran, gaza), read from the gold files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from spacy.language import Language

from core.articles import ClaimTopic
from evals.news import GOLD
from extractors.topics.context import ArticleTopics, article_topics
from extractors.topics.decide import decide_topics
from extractors.topics.similarity import TOPIC_THRESHOLDS
from extractors.topics.terms import TermMatch
from tests.claimtext import claims_of, said

THRESHOLDS = next(iter(TOPIC_THRESHOLDS.values()))


def gold_text(path: Path, article_id: str) -> str:
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return next(row["text"] for row in rows if row["id"] == article_id)


@pytest.fixture(scope="module")
def china_daily() -> str:
    """t-007 (China Daily, 2022-02-25, the day after the invasion): most statements never name the war."""
    return gold_text(GOLD / "topics" / "news_excerpts.jsonl", "t-007")


def test_a_claim_inherits_what_its_article_is_about(nlp: Language, china_daily: str) -> None:
    claims = claims_of(nlp, china_daily)
    wang = said(claims, "China calls for a complete renunciation of any Cold War mentality")
    assert [(t.topic, t.term, t.how) for t in wang.topics] == [("ukraine-war", None, "article")]
    assert 0 < wang.topics[0].score <= 1
    hua = said(claims, "Russia, an independent major country, decides and implements its diplomacy")
    assert hua.topic_ids == ("ukraine-war",)


def test_own_terms_naming_a_topic_the_article_is_not_about_keep_their_topic_only(
    nlp: Language, china_daily: str
) -> None:
    # t-029 (2025-04-13) appended to t-007: trade is named in that claim and nowhere else in the article.
    trade = (
        "The ministry emphasized that China’s stance on China-U.S. trade relations has been consistent and "
        "principled."
    )
    claims = claims_of(nlp, f"{china_daily}\n\n{trade}")
    claim = said(claims, "China’s stance on China-U.S. trade relations")
    assert claim.topics == (ClaimTopic("trade", "trade relations", "term", 1.0),)


def test_own_terms_naming_a_topic_the_story_keeps_naming_still_inherit(nlp: Language) -> None:
    # iran series, 2018-05-08 (Trump leaves the nuclear deal): a claim on sanctions in a story about the deal.
    text = gold_text(GOLD / "series" / "iran" / "articles.jsonl", "iran-06")
    claim = said(claims_of(nlp, text), "he was making the world safer in restoring harsh sanctions")
    assert claim.topics[0] == ClaimTopic("sanctions", "sanctions", "term", 1.0)
    assert ("nuclear", "article") in [(t.topic, t.how) for t in claim.topics]


def test_similarity_adds_a_topic_the_article_names(nlp: Language) -> None:
    # gaza series, 2024-11-19: Qatar pauses its mediation in a story about Gaza that names the ceasefire talks.
    text = gold_text(GOLD / "series" / "gaza" / "articles.jsonl", "gaza-16")
    claim = said(claims_of(nlp, text), "it was pausing its mediation efforts")
    how = {t.topic: (t.how, t.term) for t in claim.topics}
    assert how["israel-palestine"] == ("article", None)
    assert how["peace-talks"] == ("similarity", None)
    assert next(t.score for t in claim.topics if t.topic == "peace-talks") >= THRESHOLDS.mentioned_at_least


def test_the_title_weighs_most() -> None:
    matches = [TermMatch("trade", 500, 506, "tariff"), TermMatch("climate", 10, 17, "climate")]
    article = article_topics(matches, ["trade"], [["trade"], [], []], lede=300)
    # trade: title 3 + one mention 1 + one claim 1; climate: one mention 1 + in the lede 2
    assert article.weights == {"trade": 5, "climate": 3}
    assert article.about == ("trade", "climate")
    assert article.named_outside("trade", [(490, 520)])  # the title names it
    assert not article.named_outside("climate", [(0, 40)])
    assert article.share("trade") == 0.625


def test_a_topic_named_once_in_passing_is_not_what_the_article_is_about() -> None:
    matches = [TermMatch("ukraine-war", s, s + 6, "Crimea") for s in (20, 900, 1500)] + [
        TermMatch("sanctions", 2000, 2009, "sanctions")
    ]
    article = article_topics(matches, [], [[], ["sanctions"]], lede=300)
    assert article.about == ("ukraine-war",)


def test_similarity_pointing_elsewhere_blocks_inheritance() -> None:
    article = ArticleTopics({"ukraine-war": 6, "trade": 1}, ("ukraine-war",))
    close_to_trade = {"ukraine-war": 0.12, "trade": 0.58, "climate": 0.05}
    assert decide_topics((), [(0, 10)], article, close_to_trade, THRESHOLDS) == (
        ClaimTopic("trade", None, "similarity", 0.58),
    )
    undecided = {"ukraine-war": 0.2, "trade": 0.25, "climate": 0.05}
    assert decide_topics((), [(0, 10)], article, undecided, THRESHOLDS) == (
        ClaimTopic("ukraine-war", None, "article", article.share("ukraine-war")),
    )


def test_the_embedder_is_loaded_once_per_process(nlp: Language) -> None:
    from extractors.embeddings import sentence_embedder

    nlp.get_pipe("claim_topics").warm()
    assert sentence_embedder() is sentence_embedder()
    vectors = sentence_embedder().embed(["Kyiv asked for more air defence", "Tariffs on steel will rise"])
    assert vectors.shape == (2, 384) and abs(float(vectors[0] @ vectors[0]) - 1.0) < 1e-5
