"""The PolNeAR scorer on small synthetic brat files written here (no corpus text): parsing, matching, metrics."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import EvaluationDataError
from evals.brat import parse_ann, parse_spans
from evals.polnear import format_report, load_split
from evals.scoring import Attribution, Counts, match, quote_kind, score_document

TEXT = (
    "The minister said the border would reopen soon.\n"  # 0..47
    "“We are ready,” she added. “The trucks can go.”\n"  # 48..94
    "It was reported that talks had stalled.\n"  # 95..134
)


def span_of(text: str, piece: str, start: int = 0) -> tuple[int, int]:
    begin = text.index(piece, start)
    return begin, begin + len(piece)


def t_line(tid: int, label: str, spans: list[tuple[int, int]], text: str) -> str:
    joined = ";".join(f"{s} {e}" for s, e in spans)
    return f"T{tid}\t{label} {joined}\t{' '.join(text[s:e] for s, e in spans)}"


def synthetic_ann() -> str:
    src1, cue1, con1 = (
        span_of(TEXT, "The minister"),
        span_of(TEXT, "said"),
        span_of(TEXT, "the border would reopen soon"),
    )
    q1, q2 = span_of(TEXT, "“We are ready,”"), span_of(TEXT, "“The trucks can go.”")
    src2, cue2 = span_of(TEXT, "she"), span_of(TEXT, "added")
    cue3, con3 = span_of(TEXT, "It was reported"), span_of(TEXT, "talks had stalled")
    lines = [
        # The event comes first and names T-ids defined further down: a reader needs two passes.
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
        t_line(1, "Source", [src1], TEXT),
        t_line(2, "Cue", [cue1], TEXT),
        t_line(3, "Content", [con1], TEXT),
        t_line(4, "Attribution", [cue1], TEXT),
        # A discontinuous content span (a split quote) and a Content2 piece on the same relation.
        t_line(5, "Content", [q1, q2], TEXT),
        "a stray continuation line of a span text that held a newline",
        t_line(6, "Source", [src2], TEXT),
        t_line(7, "Cue", [cue2], TEXT),
        t_line(8, "Attribution", [cue2], TEXT),
        "E2\tAttribution:T8 Cue:T7 Source:T6 Content:T5",
        # No source: passive report.
        t_line(9, "Attribution-no-source", [cue3], TEXT),
        t_line(10, "Content", [con3], TEXT),
        "E3\tAttribution-no-source:T9 Content:T10",
        # Annotator flags are not attributions.
        t_line(11, "Discuss", [cue3], TEXT),
        "E4\tDiscuss:T11",
        "#1\tAnnotatorNotes T3\tcheck this",
        "R1\tRel Arg1:T1 Arg2:T3",
    ]
    return "\n".join(lines) + "\n"


def test_brat_parser_two_passes_discontinuous_spans_and_noise() -> None:
    gold = parse_ann(synthetic_ann(), "synthetic.ann", len(TEXT))
    assert [g.eid for g in gold] == ["E1", "E2", "E3"]
    first, second, third = gold
    assert TEXT[slice(*first.source_spans[0])] == "The minister"
    assert [TEXT[s:e] for s, e in second.content_spans] == ["“We are ready,”", "“The trucks can go.”"]
    assert third.label == "Attribution-no-source" and not third.has_source


def test_content2_joins_the_content() -> None:
    con, extra = span_of(TEXT, "the border would reopen"), span_of(TEXT, "soon")
    ann = "\n".join(
        [
            "E1\tAttribution:T2 Source:T1 Content:T3 Content2:T4",
            t_line(1, "Source", [span_of(TEXT, "The minister")], TEXT),
            t_line(2, "Attribution", [span_of(TEXT, "said")], TEXT),
            t_line(3, "Content", [con], TEXT),
            t_line(4, "Content", [extra], TEXT),
        ]
    )
    (gold,) = parse_ann(ann)
    assert gold.content_spans == (con, extra)


@pytest.mark.parametrize(
    "bad, message",
    [
        ("T1\tContent 5 x\tabc", "bad span"),
        ("T1\tContent 9 3\tabc", "ends before it starts"),
        ("E1\tAttribution:T7 Content:T8", "refers to T7"),
        ("T1\tContent 100 900\tabc", "past the text end"),
    ],
)
def test_malformed_lines_are_named_errors(bad: str, message: str) -> None:
    with pytest.raises(EvaluationDataError, match=message) as info:
        parse_ann(bad, "broken.ann", len(TEXT))
    assert "broken.ann:1" in str(info.value)


def test_parse_spans_sorts_pieces() -> None:
    assert parse_spans("30 40;2 9", "x") == ((2, 9), (30, 40))


@pytest.mark.parametrize(
    "text, kind",
    [
        ("“We are ready,”", "direct"),
        ("‘We are ready’", "direct"),
        ("''We are ready''", "direct"),
        ("the talks helped “to consolidate consensus”", "mixed"),
        ("Russia’s troops would stay", "indirect"),  # an apostrophe is no quote mark
        ("the talks went well", "indirect"),
    ],
)
def test_quote_kind_from_marks(text: str, kind: str) -> None:
    assert quote_kind(text, [(0, len(text))]) == kind


def test_quote_kind_when_the_annotator_left_the_opening_mark_out() -> None:
    text = "He said: “We are ready.”"
    start = text.index("We")
    assert quote_kind(text, [(start, len(text))]) == "direct"


def test_match_is_one_to_one_greedy_by_overlap() -> None:
    gold = [Attribution(content_spans=((0, 100),)), Attribution(content_spans=((100, 200),))]
    predicted = [
        Attribution(content_spans=((10, 90),)),  # 80 inside gold 0
        Attribution(content_spans=((0, 60),)),  # 60 inside gold 0: gold 0 is taken by the larger overlap
        Attribution(content_spans=((150, 260),)),  # 50 of 110 inside gold 1: not half, no match
        Attribution(content_spans=((95, 160),)),  # 5 in gold 0, 60 in gold 1
    ]
    assert match(predicted, gold) == [(0, 0), (3, 1)]


def test_document_scores_kinds_speakers_and_exact_spans() -> None:
    gold_items = parse_ann(synthetic_ann(), "synthetic.ann", len(TEXT))
    gold = [Attribution(content_spans=g.content_spans, speaker_spans=g.source_spans) for g in gold_items]
    predicted = [
        # Exact content (apart from the edge punctuation), right speaker.
        Attribution(
            content_spans=(span_of(TEXT, "the border would reopen soon."),), speaker_spans=(span_of(TEXT, "minister"),)
        ),
        # Half of the split quote: matches by overlap, not exactly; wrong speaker.
        Attribution(content_spans=(span_of(TEXT, "“We are ready,”"),), speaker_spans=(span_of(TEXT, "The minister"),)),
        # A prediction with no gold behind it.
        Attribution(content_spans=(span_of(TEXT, "It was reported"),), speaker_spans=()),
    ]
    result = score_document(TEXT, predicted, gold)
    s = result.scores
    assert (s.overall.gold, s.overall.predicted, s.overall.gold_matched, s.overall.predicted_matched) == (3, 3, 2, 2)
    assert s.by_kind["direct"].gold == 1 and s.by_kind["direct"].gold_matched == 1
    assert s.by_kind["indirect"].gold == 2 and s.by_kind["indirect"].gold_matched == 1
    assert s.matched_pairs == 2 and s.speaker_correct == 1
    assert s.exact.gold_matched == 1
    assert s.overall.precision == pytest.approx(2 / 3) and s.overall.recall == pytest.approx(2 / 3)


def test_unsourced_gold_and_prediction_agree_on_speaker() -> None:
    gold = [Attribution(content_spans=((0, 10),), speaker_spans=())]
    predicted = [Attribution(content_spans=((0, 10),), speaker_spans=())]
    assert score_document("x" * 10, predicted, gold).scores.speaker_correct == 1


def test_counts_f1() -> None:
    counts = Counts(gold=10, predicted=8, gold_matched=6, predicted_matched=6)
    assert counts.precision == 0.75 and counts.recall == 0.6
    assert counts.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert Counts().f1 == 0.0


def write_corpus(root: Path) -> None:
    for split in ("dev",):
        (root / "data" / split / "text").mkdir(parents=True)
        (root / "data" / split / "attributions").mkdir(parents=True)
    base = root / "data" / "dev"
    (base / "text" / "a_article.txt").write_text(TEXT, encoding="utf-8")
    # Two annotators: the first file in sorted order counts.
    (base / "attributions" / "a_article_1aaa.ann").write_text(synthetic_ann(), encoding="utf-8")
    (base / "attributions" / "a_article_2bbb.ann").write_text("", encoding="utf-8")
    (base / "text" / "b_unannotated.txt").write_text("Nobody annotated this.", encoding="utf-8")


def test_load_split_takes_the_first_annotation_and_skips_unannotated(tmp_path: Path) -> None:
    write_corpus(tmp_path)
    (article,) = load_split(tmp_path, "dev")
    assert article.name == "a_article" and article.annotation.name == "a_article_1aaa.ann"
    assert len(article.gold) == 3


def test_load_split_errors_say_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(EvaluationDataError, match="no PolNeAR corpus"):
        load_split(tmp_path, "dev")
    write_corpus(tmp_path)
    with pytest.raises(EvaluationDataError, match="unknown split"):
        load_split(tmp_path, "holdout")


def test_report_table_has_every_row(tmp_path: Path) -> None:
    from evals.polnear import EvalReport
    from evals.scoring import Scores

    scores = score_document(
        TEXT,
        [Attribution(content_spans=(span_of(TEXT, "the border would reopen soon"),))],
        [Attribution(content_spans=(span_of(TEXT, "the border would reopen soon"),))],
    ).scores
    total = Scores()
    total.add(scores)
    table = format_report(EvalReport("polnear", "dev", 1, {"model": "m", "cue_classes": "speech"}, total, 1.0))
    for row in ("overall", "direct", "mixed", "indirect", "exact span", "speaker accuracy"):
        assert row in table
    assert "1.000" in table


def test_continuation_claims_fold_into_the_statement_they_continue() -> None:
    from core.articles import Claim
    from evals.polnear import fold_continuations

    first = Claim(kind="direct", content="“A.”", content_spans=((0, 4),), speaker="X", speaker_span=(10, 11))
    second = Claim(kind="direct", content="“B.”", content_spans=((20, 24),), continues=0)
    third = Claim(kind="direct", content="“C.”", content_spans=((30, 34),), continues=0)
    other = Claim(kind="indirect", content="D", content_spans=((40, 50),))
    folded = fold_continuations([first, second, third, other])
    assert [c.content_spans for c in folded] == [((0, 4), (20, 24), (30, 34)), ((40, 50),)]


def test_relative_pronoun_sources_are_wrong_but_counted_apart() -> None:
    text = "Maria Zakharova, the spokeswoman, who said the sanctions were illegal, left."
    gold = [
        Attribution(content_spans=(span_of(text, "the sanctions were illegal"),), speaker_spans=(span_of(text, "who"),))
    ]
    named = Attribution(
        content_spans=gold[0].content_spans, speaker_spans=(span_of(text, "Maria Zakharova, the spokeswoman"),)
    )
    scores = score_document(text, [named], gold).scores
    assert scores.speaker_correct == 0 and scores.speaker_relative == 1
    elsewhere = Attribution(content_spans=gold[0].content_spans, speaker_spans=(span_of(text, "Maria"),))
    assert score_document(text, [elsewhere], gold).scores.speaker_relative == 0
