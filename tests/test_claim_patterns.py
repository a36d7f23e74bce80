"""Each attribution pattern, on real-looking news sentences, through the real pipeline."""

from __future__ import annotations

import pytest
from spacy.language import Language

from extractors.claims import Claim
from extractors.nlp import TextItem, extract_claims


def claims_of(nlp: Language, text: str) -> list[Claim]:
    return next(extract_claims(nlp, [TextItem(text)]))


def only(nlp: Language, text: str) -> Claim:
    found = claims_of(nlp, text)
    assert len(found) == 1, [(c.speaker, c.content) for c in found]
    return found[0]


def test_quote_then_speaker_said(nlp: Language) -> None:
    claim = only(nlp, "“We will not accept any ceasefire that freezes the conflict,” Zelenskyy said on Tuesday.")
    assert claim.kind == "direct"
    assert claim.speaker == "Zelenskyy" and claim.cue == "said"
    assert claim.content == "“We will not accept any ceasefire that freezes the conflict,”"


def test_said_speaker_inverted(nlp: Language) -> None:
    claim = only(
        nlp,
        "“The sanctions are illegal and will fail,” said Maria Zakharova, the Russian foreign ministry spokeswoman.",
    )
    assert claim.kind == "direct"
    assert claim.speaker_canonical == "Maria Zakharova"
    assert claim.government == "RUS"


def test_speaker_said_colon_quote(nlp: Language) -> None:
    claim = only(nlp, "The Chinese foreign ministry said: “China firmly opposes any form of Taiwan independence.”")
    assert claim.kind == "direct"
    assert claim.content.startswith("“China firmly opposes")
    assert claim.government == "CHN"


def test_indirect_said_that(nlp: Language) -> None:
    claim = only(nlp, "The German chancellor said that Berlin would send more air-defence systems to Ukraine.")
    assert claim.kind == "indirect"
    assert claim.content == "Berlin would send more air-defence systems to Ukraine"
    assert claim.government == "DEU"


def test_told_recipient_that(nlp: Language) -> None:
    claim = only(nlp, "A senior Iranian official told Reuters that Tehran was ready to resume talks.")
    assert claim.kind == "indirect" and claim.cue == "told"
    assert claim.speaker == "A senior Iranian official" and claim.government == "IRN"
    assert claim.content == "Tehran was ready to resume talks"


def test_mixed_partial_quote(nlp: Language) -> None:
    claim = only(nlp, "The French president said the attack was “an act of war” against Europe.")
    assert claim.kind == "mixed"
    assert claim.government == "FRA"


def test_according_to(nlp: Language) -> None:
    claim = only(nlp, "According to the Kremlin, the talks will take place in Istanbul next week.")
    assert claim.kind == "according_to"
    assert claim.speaker == "the Kremlin" and claim.government == "RUS"
    assert claim.content.startswith("the talks will take place in Istanbul")


def test_no_named_source_is_kept_without_speaker(nlp: Language) -> None:
    claim = only(nlp, "It was reported that the embassy would close at the end of the month.")
    assert claim.speaker is None
    assert claim.content.startswith("the embassy would close")


def test_split_quote_in_one_paragraph_is_one_claim_with_two_spans(nlp: Language) -> None:
    claim = only(nlp, "“We are ready,” the minister said. “But the other side must stop shelling first.”")
    assert len(claim.content_spans) == 2
    assert claim.kind == "direct"


def test_continuation_paragraph_belongs_to_last_speaker(nlp: Language) -> None:
    text = (
        "“We want peace,” said Dmytro Kuleba, Ukraine's foreign minister.\n\n"
        "“But peace cannot mean surrender of our territory.”"
    )
    _, second = claims_of(nlp, text)
    assert second.continues == 0
    assert second.speaker_canonical == "Dmytro Kuleba" and second.government == "UKR"


def test_unbalanced_quotes_only_spoil_their_paragraph(nlp: Language) -> None:
    text = (
        "“This sentence never closes, the official said.\n\n"
        "The Japanese prime minister said that Tokyo would double its defence budget."
    )
    claims = claims_of(nlp, text)
    assert any(c.government == "JPN" and c.content.startswith("Tokyo would double") for c in claims)


@pytest.mark.parametrize("quote_open, quote_close", [('"', '"'), ("‘", "’"), ("“", "”"), ("«", "»")])
def test_quote_mark_styles(nlp: Language, quote_open: str, quote_close: str) -> None:
    claim = only(nlp, f"{quote_open}The blockade must end now,{quote_close} the Turkish president said.")
    assert claim.kind == "direct" and claim.government == "TUR"


def test_pronoun_speaker_resolves_to_named_person(nlp: Language) -> None:
    text = (
        "Antony Blinken, the US secretary of state, arrived in Kyiv on Wednesday.\n\n"
        "He said Washington would stand with Ukraine “for as long as it takes.”"
    )
    claim = only(nlp, text)
    assert claim.speaker == "He"
    assert claim.speaker_canonical == "Antony Blinken" and claim.speaker_resolution == "pronoun"


def test_long_document_is_chunked_and_offsets_stay_true(nlp: Language, monkeypatch: pytest.MonkeyPatch) -> None:
    import extractors.nlp

    monkeypatch.setattr(extractors.nlp, "MAX_CHUNK_CHARS", 2000)
    paragraph = "The Indian foreign minister said that New Delhi would buy more Russian oil.\n\n"
    text = paragraph * 120  # ~9k chars: five chunks
    assert len(extractors.nlp.chunk_text(text)) == 5
    claims = claims_of(nlp, text)
    assert len(claims) == 120
    assert all(text[c.start_char : c.end_char] == "New Delhi would buy more Russian oil" for c in claims)
