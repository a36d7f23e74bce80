"""Each attribution pattern of the claims issue, on real-looking news sentences, through the real pipeline."""

from __future__ import annotations

import pytest
from spacy.language import Language

from core.articles import Claim
from tests.claimtext import claims_of


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


def test_quote_said_speaker_with_split_quote_in_the_next_sentence(nlp: Language) -> None:
    text = (
        "“Our door remains open,” the Saudi foreign minister said in a statement. "
        "“But we will not negotiate under fire.”"
    )
    claim = only(nlp, text)
    assert claim.kind == "direct" and claim.government == "SAU"
    assert [text[s:e] for s, e in claim.content_spans] == [
        "“Our door remains open,”",
        "“But we will not negotiate under fire.”",
    ]


def test_split_quote_around_the_attribution_in_one_sentence(nlp: Language) -> None:
    text = "“We are ready to talk,” the Venezuelan foreign minister said, “but not under threats.”"
    claim = only(nlp, text)
    assert claim.speaker == "the Venezuelan foreign minister" and claim.government == "VEN"
    assert [text[s:e] for s, e in claim.content_spans] == ["“We are ready to talk,”", "“but not under threats.”"]


def test_speaker_said_on_a_day_colon_quote(nlp: Language) -> None:
    claim = only(nlp, "The EU’s foreign policy chief, Josep Borrell, said on Monday: “This is a dark day for Europe.”")
    assert claim.kind == "direct" and claim.content == "“This is a dark day for Europe.”"
    assert claim.speaker == "The EU’s foreign policy chief, Josep Borrell"
    assert claim.speaker_canonical == "Josep Borrell"


def test_mid_sentence_attribution_reports_both_halves(nlp: Language) -> None:
    text = "The ceasefire, Ukrainian officials said, would only help Russia regroup."
    claim = only(nlp, text)
    assert claim.speaker == "Ukrainian officials" and claim.government == "UKR"
    assert [text[s:e] for s, e in claim.content_spans] == ["The ceasefire", "would only help Russia regroup"]


def test_multi_paragraph_quote_continues_without_closing_marks(nlp: Language) -> None:
    text = (
        "Ukraine’s president Volodymyr Zelenskyy said the counteroffensive was going “according to plan.”\n\n"
        "“We are moving forward, step by step.\n\n"  # open at the paragraph end: the quote runs on
        "“Nobody will stop us.”"
    )
    first, second, third = claims_of(nlp, text)
    assert first.kind == "mixed"
    assert second.content == "“We are moving forward, step by step." and second.continues == 0
    assert third.content == "“Nobody will stop us.”" and third.continues == 0
    assert {second.speaker_canonical, third.speaker_canonical} == {"Volodymyr Zelenskyy"}


def test_multi_paragraph_quote_attributed_at_its_end(nlp: Language) -> None:
    text = (
        "“The sanctions have failed.\n"
        "“They have only hurt ordinary people.\n"
        "“It is time to lift them,” the Cuban foreign minister said."
    )
    claims = claims_of(nlp, text)  # one statement per paragraph (annotation guide), all the minister's
    assert [c.content[:8] for c in claims] == ["“The san", "“They ha", "“It is t"]
    assert all(c.kind == "direct" and c.government == "CUB" for c in claims)


@pytest.mark.parametrize(
    "sentence, cue, content",
    [
        (
            "Germany’s defence minister Boris Pistorius added that Berlin would deliver two more Patriot systems.",
            "added",
            "Berlin would deliver two more Patriot systems",
        ),
        (
            "The Japanese prime minister stressed that Tokyo would not change its position on the islands.",
            "stressed",
            "Tokyo would not change its position on the islands",
        ),
        (
            "Sergei Lavrov noted that Moscow had not received any proposal from Washington.",
            "noted",
            "Moscow had not received any proposal from Washington",
        ),
        (
            "The Iranian foreign ministry warned that any attack would meet a “decisive response.”",
            "warned",
            "any attack would meet a “decisive response.”",
        ),
        (
            "Turkey’s president insisted that Sweden must first act against Kurdish militants.",
            "insisted",
            "Sweden must first act against Kurdish militants",
        ),
        (
            "The Chinese embassy denied that its diplomats had met the separatist leaders.",
            "denied",
            "its diplomats had met the separatist leaders",
        ),
        (
            "Indian officials predicted that trade between the two countries would double by 2030.",
            "predicted",
            "trade between the two countries would double by 2030",
        ),
        ("The French president called the attack “an act of war.”", "called", "the attack “an act of war.”"),
        (
            "The Polish prime minister urged the European Union to impose new sanctions on Belarus.",
            "urged",
            "the European Union to impose new sanctions on Belarus",
        ),
        (
            "The Israeli government accused Hamas of using hospitals as shields.",
            "accused",
            "Hamas of using hospitals as shields",
        ),
    ],
)
def test_reporting_verbs(nlp: Language, sentence: str, cue: str, content: str) -> None:
    claim = only(nlp, sentence)
    assert claim.cue == cue and claim.content == content
    assert claim.cue_class == "speech" and claim.speaker is not None


def test_reporting_verbs_are_data() -> None:
    from extractors.seeds import process_seeds

    cues = process_seeds().lexicon.cues
    for lemma in ("say", "add", "stress", "note", "warn", "insist", "deny", "predict", "call", "urge", "accuse"):
        assert cues[lemma].cue_class == "speech", lemma
    assert "prep" in cues["call"].frames and cues["call"].preps == frozenset({"for", "on"})


def test_told_without_that(nlp: Language) -> None:
    claim = only(nlp, "South Korea’s unification minister told reporters Seoul was ready to resume family reunions.")
    assert claim.cue == "told" and claim.content == "Seoul was ready to resume family reunions"
    assert claim.government == "KOR"


def test_partial_quote_inside_indirect_speech(nlp: Language) -> None:
    claim = only(
        nlp,
        "The Chinese foreign ministry spokesman, Wang Wenbin, said that Beijing “firmly opposes” "
        "the new export controls.",
    )
    assert claim.kind == "mixed" and claim.content == "Beijing “firmly opposes” the new export controls"
    assert claim.speaker_canonical == "Wang Wenbin" and claim.government == "CHN"


def test_according_to_at_the_end_of_the_sentence(nlp: Language) -> None:
    claim = only(nlp, "The drones were shot down over the Black Sea, according to Russia’s defence ministry.")
    assert claim.kind == "according_to" and claim.cue == "according to"
    assert claim.content == "The drones were shot down over the Black Sea"
    assert claim.speaker == "Russia’s defence ministry" and claim.government == "RUS"


def test_nested_source_is_kept_as_via(nlp: Language) -> None:
    claim = only(nlp, "“The occupation must end,” Wang said, according to China’s foreign ministry.")
    assert claim.speaker == "Wang" and claim.via == "China’s foreign ministry"
    assert claim.via_government == "CHN" and claim.kind == "direct"


def test_sibling_statements_of_one_speaker_are_two_claims(nlp: Language) -> None:
    text = "Pakistan’s foreign minister said the talks were constructive and warned that India must stop the shelling."
    said, warned = claims_of(nlp, text)
    assert (said.cue, said.content) == ("said", "the talks were constructive")
    assert (warned.cue, warned.content) == ("warned", "India must stop the shelling")
    assert warned.speaker == said.speaker == "Pakistan’s foreign minister"


def test_reporters_aside_is_not_part_of_the_statement(nlp: Language) -> None:
    text = "The Greek prime minister said the migrants would be returned, which the opposition called illegal."
    said = claims_of(nlp, text)[0]
    assert said.content == "the migrants would be returned"


@pytest.mark.parametrize(
    "mention, canonical",
    [
        ("China’s top diplomat Wang Yi", "Wang Yi"),
        ("Andriy Yermak, Zelenskyy’s chief of staff", "Andriy Yermak"),
        ("Kremlin spokesman Dmitry Peskov", "Dmitry Peskov"),
        ("The Russian foreign ministry", "Russian foreign ministry"),
    ],
)
def test_full_speaker_mentions(nlp: Language, mention: str, canonical: str) -> None:
    claim = only(nlp, f"{mention} said the talks had been useful.")
    assert claim.speaker == mention and claim.speaker_canonical == canonical


def test_canonical_names_surname_description_and_pronoun(nlp: Language) -> None:
    text = (
        "The Kremlin spokesman, Dmitry Peskov, said Moscow was ready to talk.\n\n"
        "“We have always been open to negotiations,” Peskov said.\n\n"
        "The spokesman added that no date had been set.\n\n"
        "He said the talks could take place in Istanbul."
    )
    full, surname, description, pronoun = claims_of(nlp, text)
    assert full.speaker_canonical == "Dmitry Peskov" and full.speaker_resolution == "mention"
    assert (surname.speaker, surname.speaker_canonical, surname.speaker_resolution) == (
        "Peskov",
        "Dmitry Peskov",
        "name",
    )
    assert description.speaker == "The spokesman" and description.speaker_resolution == "description"
    assert description.speaker_canonical == "Dmitry Peskov" and description.government == "RUS"
    assert pronoun.speaker == "He" and pronoun.speaker_canonical == "Dmitry Peskov"


def test_a_possessor_or_modifier_is_not_the_speakers_name(nlp: Language) -> None:
    # Sentences of a New York Times trade story (2019): the parser reads "’s" as part of the name, and the names
    # of possessors and modifiers are someone else's.
    text = (
        "President Trump’s advisers suggested that Beijing resume buying American farm products.\n\n"
        "The Trump administration planned to impose tariffs on another $160 billion of Chinese goods.\n\n"
        "Mr. Trump’s announcement that the United States and China had reached a “historic” agreement "
        "lifted markets."
    )
    advisers, administration, announcement = claims_of(nlp, text)
    assert "Trump" not in (advisers.speaker_name or "") and advisers.speaker_canonical != "Trump"
    assert administration.speaker_canonical != "Trump"
    # The possessor of a reporting noun is its speaker; the actors file completes the surname (entity layer).
    assert announcement.speaker_canonical in ("Trump", "Donald Trump")


def test_misspelt_repeat_resolves_to_the_full_name(nlp: Language) -> None:
    text = (
        "Igor Zhovkva, an aide to the Ukrainian president, spoke to reporters in Kyiv.\n\n"
        "Zhovka said the talks had achieved their goal."
    )
    claim = only(nlp, text)
    assert claim.speaker == "Zhovka" and claim.speaker_canonical == "Igor Zhovkva"
    assert claim.speaker_resolution == "fuzzy"


def test_double_apostrophe_quotes_of_newswire_archives(nlp: Language) -> None:
    claim = only(nlp, "''We will never surrender,'' the Ukrainian president said.")
    assert claim.kind == "direct" and claim.content == "''We will never surrender,''"


def test_dash_byline_after_a_quote(nlp: Language) -> None:
    claim = only(nlp, "“Our patience has limits.” ― Ayatollah Ali Khamenei")
    assert claim.kind == "direct" and claim.cue == "―"
    assert claim.speaker == "Ayatollah Ali Khamenei" and claim.content == "“Our patience has limits.”"


def test_a_paragraph_opening_with_a_closing_mark_still_opens_its_quote(nlp: Language) -> None:
    # PolNeAR dev (HuffPost, 2016-09-27): the quote opens with a closing mark, so no quote was found before the
    # byline and the reader's words had no speaker
    text = (
        "”Fear. I am truly afraid that Donald Trump will win. The support he has and the effect he has on his "
        "supporters is scary.” ― Edwin G. Monroy"
    )
    claim = only(nlp, text)
    assert claim.kind == "direct" and claim.speaker == "Edwin G. Monroy" and claim.content.startswith("”Fear.")


def test_an_opening_mark_typed_where_the_quote_closes_still_closes_it(nlp: Language) -> None:
    # PolNeAR train (Politico, 2015-12-15): the quote closes with an opening mark, so the attribution and the
    # second quote were read as one quote running to the paragraph's end
    text = (
        "“It's unusual,“ said Larry Noble, an attorney with the Campaign Legal Center. “It's a hard thing to do and "
        "pull off without stepping over one line or another.”"
    )
    claim = only(nlp, text)
    assert claim.speaker == "Larry Noble, an attorney with the Campaign Legal Center" and claim.kind == "direct"
    assert [text[s:e] for s, e in claim.content_spans] == [
        "“It's unusual,“",
        "“It's a hard thing to do and pull off without stepping over one line or another.”",
    ]


def test_transcript_speaker_label(nlp: Language) -> None:
    text = "Q: Will you meet the president?\n\nZAKHAROVA: We have said many times that the sanctions are illegal."
    claim = only(nlp, text)
    assert claim.speaker == "ZAKHAROVA" and claim.cue == ":"
    assert claim.content == "We have said many times that the sanctions are illegal"


def test_reporting_noun_with_that_clause(nlp: Language) -> None:
    claim = only(nlp, "Russia’s assertion that the strike hit only military targets could not be verified.")
    assert claim.cue == "assertion" and claim.speaker == "Russia" and claim.government == "RUS"
    assert claim.content == "the strike hit only military targets"


def test_beliefs_and_stances_carry_their_cue_class(nlp: Language) -> None:
    belief = only(nlp, "Beijing believes that the dispute can be solved through dialogue.")
    assert belief.cue_class == "belief" and belief.government == "CHN"
    stance = only(nlp, "The Egyptian government supports a two-state solution.")
    assert stance.cue_class == "stance" and stance.content == "a two-state solution"


def test_cue_classes_are_configurable() -> None:
    from extractors.nlp import load_pipeline

    speech_only = load_pipeline(cue_classes="speech")
    assert claims_of(speech_only, "Beijing believes that the dispute can be solved through dialogue.") == []
    assert len(claims_of(speech_only, "Beijing said that the dispute can be solved through dialogue.")) == 1


def test_unbalanced_mark_in_a_paragraph_never_costs_the_next_one(nlp: Language) -> None:
    text = (
        "“We are closing the border, the interior minister said.\n\n"
        "The Moroccan government said that trade with Algeria would continue."
    )
    claim = only(nlp, text)
    assert claim.content == "trade with Algeria would continue" and claim.government == "MAR"


def test_long_document_memory_stays_bounded(nlp: Language, monkeypatch: pytest.MonkeyPatch) -> None:
    import extractors.nlp

    monkeypatch.setattr(extractors.nlp, "MAX_CHUNK_CHARS", 3000)
    paragraph = "“We will rebuild,” the Ukrainian prime minister said.\n\n“Every city will rise again.”\n\n"
    text = paragraph * 80
    chunks = extractors.nlp.chunk_text(text)
    assert max(len(chunk) for _, chunk in chunks) <= 3000
    claims = claims_of(nlp, text)
    assert len(claims) == 160
    continuations = [c for c in claims if c.continues is not None]
    assert len(continuations) == 80
    # Continuation links point at the right claim across chunk borders.
    assert all(claims[c.continues].content == "“We will rebuild,”" for c in continuations)
    assert all(text[c.start_char : c.end_char] == c.content for c in claims)


def test_negated_cue_keeps_its_negation(nlp: Language) -> None:
    claim = only(nlp, "Beijing has not condemned the invasion.")
    assert claim.cue == "has not condemned" and claim.content == "the invasion"
    plain = only(nlp, "Beijing condemned the invasion.")
    assert plain.cue == "condemned" and claim.confidence < plain.confidence
