"""Records of extraction: an article's text and metadata, the attributed statements (claims) found in it, and
an extracted article ready to store. Plain, frozen, JSON-friendly."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any, Literal, NamedTuple


@dataclass(frozen=True, kw_only=True)
class Article:
    url: str
    text: str
    title: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    sitename: str | None = None
    language: str | None = None
    #: Which article extractor made ``text`` (``extractors.article``): decides when stored text is re-made.
    extractor_version: str
    #: What went wrong making ``text`` that did not stop it (bad bytes replaced, text cut at its limit): recorded in
    #: the page's ``fetches.extract_error``, not stored with the article.
    notes: tuple[str, ...] = ()

    @property
    def text_sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


ClaimKind = Literal["direct", "indirect", "mixed", "according_to"]


CLAIM_KINDS: tuple[ClaimKind, ...] = ("direct", "indirect", "mixed", "according_to")


Span = tuple[int, int]

#: How a claim's topic was decided: its own words name the topic (``term``), the claim inherits a topic its
#: article is about (``article``), or its words are close to the topic's description and examples (``similarity``).
TopicHow = Literal["term", "article", "similarity"]
TOPIC_HOWS: tuple[TopicHow, ...] = ("term", "article", "similarity")


class ClaimTopic(NamedTuple):
    """One topic of a claim (``claim_topics``): the topic id (``seeds/topics.toml``), the term of the topic found
    in the claim's content (NULL when none was), how the topic was decided and the score it was decided on (1.0
    for a term; for ``article``, how much of the article is about the topic; for ``similarity``, the cosine)."""

    topic: str
    term: str | None
    how: TopicHow = "term"
    score: float = 1.0


@dataclass(frozen=True, kw_only=True)
class Claim:
    """One attributed statement: who (``speaker``) said what (``content``) by which ``cue``.

    All offsets are character offsets into the text the claim was extracted from (end exclusive).
    """

    kind: ClaimKind
    content: str
    content_spans: tuple[Span, ...]
    cue: str | None = None
    cue_span: Span | None = None
    #: Cue class from the reporting-verb list: ``speech``, ``belief``, ``knowledge`` or ``stance``.
    cue_class: str = "speech"
    speaker: str | None = None
    speaker_span: Span | None = None
    #: The person-name part of the mention, if any (``Kremlin spokesman Dmitry Peskov`` -> ``Dmitry Peskov``).
    speaker_name: str | None = None
    #: The mention's head word, lower-cased (``spokesman``, ``ministry``, ``he``).
    speaker_head: str | None = None
    #: Does the mention hold a PERSON entity (or a name resolved to one)?
    speaker_is_person: bool = False
    #: The speaker resolved within the document (surname -> full name, pronoun -> named speaker).
    speaker_canonical: str | None = None
    #: How ``speaker_canonical`` was found: ``mention``, ``name``, ``fuzzy``, ``pronoun``, ``description``.
    speaker_resolution: str | None = None
    #: The source that relayed the statement (``according to China's Foreign Ministry``).
    via: str | None = None
    via_span: Span | None = None
    confidence: float = 0.5
    #: Set for continuation quotes: index (in the same document's claim list) of the claim they continue.
    continues: int | None = None
    # Filled by the government linker.
    government: str | None = None
    actor_id: str | None = None
    actor_type: str | None = None
    link_evidence: str | None = None
    via_government: str | None = None
    #: Governments the claim talks about (not the speaker's): ``(code, evidence)`` pairs.
    subjects: tuple[tuple[str, str], ...] = field(default=())
    #: Topics the claim is about, each with how it was decided (``extractors.topics``).
    topics: tuple[ClaimTopic, ...] = field(default=())

    @property
    def topic_ids(self) -> tuple[str, ...]:
        return tuple(t.topic for t in self.topics)

    @property
    def start_char(self) -> int:
        return min(s for s, _ in self.content_spans)

    @property
    def end_char(self) -> int:
        return max(e for _, e in self.content_spans)

    def shifted(self, offset: int, index_base: int = 0) -> Claim:
        """The same claim with every offset moved by ``offset`` (and ``continues`` by ``index_base``)."""

        def move(span: Span | None) -> Span | None:
            return None if span is None else (span[0] + offset, span[1] + offset)

        return replace(
            self,
            content_spans=tuple((s + offset, e + offset) for s, e in self.content_spans),
            speaker_span=move(self.speaker_span),
            cue_span=move(self.cue_span),
            via_span=move(self.via_span),
            continues=None if self.continues is None else self.continues + index_base,
        )

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Claim:
        """The inverse of :meth:`to_json` (lists back to tuples)."""
        values = dict(data)
        values["content_spans"] = tuple(tuple(s) for s in values["content_spans"])
        for key in ("speaker_span", "cue_span", "via_span"):
            if values.get(key) is not None:
                values[key] = tuple(values[key])
        values["subjects"] = tuple(tuple(s) for s in values.get("subjects", ()))
        values["topics"] = tuple(ClaimTopic(*t) for t in values.get("topics", ()))
        return cls(**values)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["content_spans"] = [list(s) for s in self.content_spans]
        for key in ("speaker_span", "cue_span", "via_span"):
            if data[key] is not None:
                data[key] = list(data[key])
        data["subjects"] = [list(s) for s in self.subjects]
        data["topics"] = [list(t) for t in self.topics]
        return data


@dataclass(frozen=True, kw_only=True)
class ExtractedArticle:
    """An article with its claims, ready to store."""

    article: Article
    source: str
    outlet: str | None
    content_sha256: str | None
    final_url: str | None
    claims: Sequence[Claim]
    claims_version: str


@dataclass(frozen=True, kw_only=True)
class PriorExtraction:
    """A stored article extracted from some body at the current claims version: what a page serving the same
    bytes can be given instead of extracting them again (found by ``warehouse.reads.prior_extractions``)."""

    article_id: str
    url: str
    #: Claims depend on the publication day (who held an office then): a page listed on another day is extracted.
    published_at: datetime | None
    #: The outlet of a page whose source names none.
    sitename: str | None


@dataclass(frozen=True, kw_only=True)
class ReusedExtraction:
    """A fetched page whose body has a stored extraction: the warehouse stores it by copying that article's text,
    metadata and claims under the page's URL (in SQL, ``warehouse.writes``), with the page's own columns below."""

    url: str
    source: str
    outlet: str | None
    content_sha256: str
    final_url: str | None
    claims_version: str
    prior: PriorExtraction
