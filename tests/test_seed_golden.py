"""Golden test: every attributed statement of the seed article, with speaker, kind and government."""

from __future__ import annotations

import pytest
from spacy.language import Language

from core.articles import Claim
from extractors.article import split_date_header
from extractors.nlp import TextItem, extract_claims
from tests.conftest import SEED_ARTICLE

# (content starts with, speaker canonical, kind, government, evidence kind, cue)
GOLDEN = [
    ("it remains “impartial”", "Beijing", "mixed", "CHN", "metonym", "reassure"),
    ("the talks helped “to consolidate", "China’s foreign ministry", "mixed", "CHN", "possessive", "said"),
    ("they were “doomed to fail", "Kremlin spokesman", "mixed", "RUS", "metonym", "predicted"),
    ("Beijing is still “impartial”", "Wang Yi", "mixed", "CHN", "possessive", "told"),
    ("their two countries were still “trustworthy", "Wang Yi", "mixed", "CHN", "possessive", "stressed"),
    ("“On the Ukraine crisis", "Wang Yi", "direct", "CHN", "coref", "said"),
    ("Lavrov “appreciates and welcomes", "China’s foreign ministry", "mixed", "CHN", "possessive", "added"),
    ("China’s participation", "Ukrainian officials", "indirect", "UKR", "demonym", "trumpeted"),
    ("China’s role in the talks “a super breakthrough", "Dmytro Kuleba", "mixed", "UKR", "demonym", "called"),
    ("China went along with Ukraine’s policy", "Igor Zhovkva", "indirect", "UKR", "apposition", "told"),
    ("“China did not object", "Igor Zhovkva", "direct", "UKR", "coref", "said"),
    ("the conference as a diplomatic win", "Ukrainian officials", "indirect", "UKR", "demonym", "framed"),
    ("Despite “different views", "Andriy Yermak", "mixed", "UKR", "apposition", "said"),
    ("“We had an extremely honest", "Andriy Yermak", "direct", "UKR", "apposition", "said"),
    ("the Jeddah talks a success", "Kyiv", "indirect", "UKR", "metonym", "considered"),
    ('"There are currently no grounds', "Dmitry Peskov", "direct", "RUS", "metonym", "told"),
]


@pytest.fixture(scope="module")
def seed_claims(nlp: Language) -> tuple[str, list[Claim]]:
    text, published, _ = split_date_header(SEED_ARTICLE.read_text(encoding="utf-8"))
    assert published is not None and published.date().isoformat() == "2023-08-08"
    claims = next(extract_claims(nlp, [TextItem(text, published.date())]))
    return text, claims


def test_every_statement_found_once_with_speaker_kind_and_government(seed_claims: tuple[str, list[Claim]]) -> None:
    _, claims = seed_claims
    assert len(claims) == len(GOLDEN), [c.content[:40] for c in claims]
    for (start, speaker, kind, government, evidence, cue), claim in zip(GOLDEN, claims, strict=True):
        assert claim.content.startswith(start), (start, claim.content)
        assert claim.speaker_canonical == speaker, (start, claim.speaker_canonical)
        assert claim.kind == kind, (start, claim.kind)
        assert claim.government == government, (start, claim.government)
        assert claim.link_evidence is not None and claim.link_evidence.split(":")[0] == evidence, (
            start,
            claim.link_evidence,
        )
        assert claim.cue == cue, (start, claim.cue)


def test_offsets_index_the_text(seed_claims: tuple[str, list[Claim]]) -> None:
    text, claims = seed_claims
    for claim in claims:
        for start, end in claim.content_spans:
            assert text[start:end] in claim.content
        assert claim.speaker_span is not None
        assert text[claim.speaker_span[0] : claim.speaker_span[1]] == claim.speaker


def test_nested_source_and_split_quote(seed_claims: tuple[str, list[Claim]]) -> None:
    text, claims = seed_claims
    wang = next(c for c in claims if c.content.startswith("“On the Ukraine crisis"))
    assert wang.speaker == "Wang" and wang.via == "China’s Foreign Ministry" and wang.via_government == "CHN"
    peskov = claims[-1]
    assert len(peskov.content_spans) == 2
    assert text[slice(*peskov.content_spans[1])] == '"We will continue the operation for the foreseeable future."'


def test_full_speaker_mentions_and_resolution(seed_claims: tuple[str, list[Claim]]) -> None:
    _, claims = seed_claims
    by_start = {c.content[:12]: c for c in claims}
    assert by_start["Beijing is s"].speaker == "China’s top diplomat Wang Yi"
    zhovkva = by_start["China went a"]
    assert zhovkva.speaker == "Igor Zhovkva, an official in President Volodymyr Zelenskyy’s office"
    misspelt = by_start["“China did n"]
    assert misspelt.speaker == "Zhovka" and misspelt.speaker_resolution == "fuzzy"
    assert by_start["“On the Ukra"].speaker_resolution == "name"
    continuation = by_start["“We had an e"]
    assert continuation.continues is not None and claims[continuation.continues].speaker_canonical == "Andriy Yermak"


def test_cue_classes_and_where_contents_end(seed_claims: tuple[str, list[Claim]]) -> None:
    _, claims = seed_claims
    # H15 ("While Kyiv considered the Jeddah talks a success") is a belief, every other statement is speech.
    assert [c.cue for c in claims if c.cue_class != "speech"] == ["considered"]
    # H1 stops where the reporter takes over ("... after China played a prominent role ...").
    assert claims[0].content == "it remains “impartial” in the Ukraine war"
    # H8 is the borderline one: a stance reported with no words quoted, kept as an indirect claim.
    trumpeted = next(c for c in claims if c.cue == "trumpeted")
    assert trumpeted.kind == "indirect" and trumpeted.content == "China’s participation"
