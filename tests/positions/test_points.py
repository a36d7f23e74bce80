"""Labels by points, on real statements of the development series (evals/gold/series/iran and gaza): statements of
one day elaborate one another, a later day's statement is judged against the point's position, and every shift
and reversal carries what changed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from spacy.language import Language

from positions.changes import Comparison, Dated, compare_series
from positions.features import StatementText, analyse
from positions.similarity import MiniLMSimilarity


@pytest.fixture(scope="module")
def minilm() -> MiniLMSimilarity:
    return MiniLMSimilarity()


def walk(nlp: Language, similarity: MiniLMSimilarity, said: list[tuple[str, str, str]], government: str) -> dict:
    """Label ``(day, order in the day, words)`` statements of one government; statement id = position in ``said``."""
    features = analyse(
        nlp, [StatementText(statement_id=str(i), content=w, government=government) for i, (_, _, w) in enumerate(said)]
    )
    series = [
        Dated(
            statement_id=str(i),
            stated_at=datetime.fromisoformat(day).replace(tzinfo=UTC),
            features=f,
            order=order,
        )
        for i, ((day, order, _), f) in enumerate(zip(said, features, strict=True))
    ]
    return {c.statement_id: c for c in compare_series(series, similarity)}


#: Iran on its enrichment: 8 July 2019 (three statements of one article), then 5 January 2021, then 13 April 2021.
ENRICHMENT = [
    ("2019-07-08", "a:1", "Iran has passed the 3.67% uranium enrichment cap set by its landmark 2015 nuclear deal"),
    ("2019-07-08", "a:2", "Twenty percent is not needed now, but if we want we will produce it"),
    ("2019-07-08", "a:3", "it would shortly boost uranium enrichment above the cap"),
    ("2021-01-05", "b:1", "the 20-percent enriched uranium had started at its Fordow facility"),
    ("2021-04-13", "c:1", "it will begin to enrich uranium up to a 60% purity level starting from Wednesday"),
]


def test_statements_of_one_article_elaborate_and_never_shift_each_other(
    nlp: Language, minilm: MiniLMSimilarity
) -> None:
    labels = walk(nlp, minilm, ENRICHMENT, "IRN")
    # The article's later statements differ from its first (a figure, a condition) but only elaborate it.
    for statement in ("1", "2"):
        assert labels[statement].verdict.label == "reiteration" and labels[statement].same_day
        assert labels[statement].verdict.rule == "same_day" and labels[statement].point_id == "0"
    assert labels["0"].verdict.label == "new" and labels["0"].verdict.rule == "first_on_topic"


def test_a_changed_figure_on_a_later_day_is_a_shift_naming_the_earlier_statement(
    nlp: Language, minilm: MiniLMSimilarity
) -> None:
    labels = walk(nlp, minilm, ENRICHMENT, "IRN")
    sixty: Comparison = labels["4"]
    assert sixty.verdict.label == "shift" and not sixty.same_day
    assert sixty.nearest_statement_id == "3"  # the point's position then: 20% at Fordow, an earlier day
    assert sixty.verdict.change == "figure: 20% -> 60%"
    assert sixty.point_id == labels["3"].point_id


def test_only_earlier_days_are_compared_for_a_change(nlp: Language, minilm: MiniLMSimilarity) -> None:
    # The same two statements, first on two days, then on one: only across days can one shift the other.
    apart = [
        ("2021-01-05", "a:1", "the 20-percent enriched uranium had started at its Fordow facility"),
        ("2021-04-13", "b:1", "it will begin to enrich uranium up to a 60% purity level starting from Wednesday"),
    ]
    together = [(apart[0][0], "a:1", apart[0][2]), (apart[0][0], "a:2", apart[1][2])]
    assert walk(nlp, minilm, apart, "IRN")["1"].verdict.label == "shift"
    same = walk(nlp, minilm, together, "IRN")["1"]
    assert (same.verdict.label, same.same_day, same.verdict.change) == ("reiteration", True, None)


def test_a_point_not_made_before_is_new_and_starts_a_point(nlp: Language, minilm: MiniLMSimilarity) -> None:
    said = [
        ("2023-10-19", "a:1", "Egyptians would reject the forced displacement of Palestinians into Sinai"),
        ("2025-10-13", "b:1", "Palestinians have the right to an independent state"),
        ("2025-10-13", "b:2", "U.S. President Donald Trump's Mideast proposal represents the last chance for peace"),
    ]
    labels = walk(nlp, minilm, said, "EGY")
    assert labels["1"].verdict.label == "new" and labels["1"].verdict.rule == "different_point"
    assert labels["1"].point_id == "1" != labels["0"].point_id


def test_a_reversal_names_the_earlier_statement_and_the_polarity(nlp: Language, minilm: MiniLMSimilarity) -> None:
    # The United States on a Gaza ceasefire: the 2021 statement (gaza-02-s4), then its opposite (in October 2023
    # Washington said a ceasefire "would only help Hamas"; the negation here is the plain form of that turn).
    said = [
        ("2021-05-19", "a:1", "the U.S. supported a cease-fire"),
        ("2023-10-25", "b:1", "the U.S. opposed a cease-fire"),
    ]
    labels = walk(nlp, minilm, said, "USA")
    turned = labels["1"]
    assert turned.verdict.label == "reversal" and turned.nearest_statement_id == "0"
    assert turned.verdict.polarity_changed and turned.verdict.change is not None
    assert turned.verdict.change.startswith("polarity: +[]") and "-[opposed]" in turned.verdict.change


def test_said_again_keeps_a_point_a_reiteration(nlp: Language, minilm: MiniLMSimilarity) -> None:
    # Iran on the peaceful programme, 2015 and 2025: "reiterated" says the point is unchanged.
    said = [
        ("2015-07-14", "a:1", "Iran's nuclear work is purely peaceful"),
        ("2025-04-15", "b:1", "its nuclear program is for peaceful purposes, especially energy production"),
    ]
    features = analyse(
        nlp,
        [
            StatementText(statement_id="0", content=said[0][2], government="IRN", cue="said"),
            StatementText(statement_id="1", content=said[1][2], government="IRN", cue="reiterated"),
        ],
    )
    series = [
        Dated(statement_id=str(i), stated_at=datetime.fromisoformat(d).replace(tzinfo=UTC), features=f, order=o)
        for i, ((d, o, _), f) in enumerate(zip(said, features, strict=True))
    ]
    again = {c.statement_id: c for c in compare_series(series, minilm)}["1"]
    assert (again.verdict.label, again.verdict.rule, again.nearest_statement_id) == ("reiteration", "said_again", "0")
