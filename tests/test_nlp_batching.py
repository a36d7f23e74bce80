"""``extract_claims``: nlp.pipe batching and several processes give the claims of one text at a time."""

from __future__ import annotations

from datetime import date

from spacy.language import Language

from extractors.claims.component import TEXT_KEY, text_of
from extractors.nlp import TextItem, extract_claims
from tests.conftest import SEED_ARTICLE

TEXTS = [
    "“We are ready,” the Saudi foreign minister said. “But not under fire.”",
    SEED_ARTICLE.read_text(encoding="utf-8"),
    "No statement here at all.",
    "The Japanese prime minister said that Tokyo would double its defence budget.",
]


def items() -> list[TextItem]:
    # One dated text: it travels to the workers as a Doc carrying its date, the others as plain strings.
    return [TextItem(t, date(2023, 8, 8) if n == 1 else None) for n, t in enumerate(TEXTS)]


def test_two_processes_and_small_batches_match_one_process(nlp: Language) -> None:
    single = list(extract_claims(nlp, items(), batch_size=32, n_process=1))
    several = list(extract_claims(nlp, items(), batch_size=1, n_process=2))
    assert [len(c) for c in single] == [1, len(single[1]), 0, 1] and len(single[1]) >= 16
    assert [[c.to_json() for c in claims] for claims in several] == [[c.to_json() for c in claims] for claims in single]


def test_text_left_by_the_caller_is_used_only_when_it_fits(nlp: Language) -> None:
    doc = nlp.make_doc("Tokyo said it would wait.")
    doc.user_data[TEXT_KEY] = "Tokyo said it would wait."
    assert text_of(doc) == "Tokyo said it would wait."
    doc.user_data[TEXT_KEY] = "something else entirely, longer than the document"
    assert text_of(doc) == doc.text
