"""Claims of saved files (``claimtrack extract``): no database, no network, no Prefect.

A ``.txt`` file is taken as is (a leading ``Date:`` header gives the publication date and is not part of the
text), decoded as the ingest decodes saved files (UTF-8 unless it declares otherwise, bad bytes replaced and
reported), an ``.html``/``.htm`` file goes through the pipeline's article extractor. Claim offsets index the file's
text (``.txt``) or the extracted text (``.html``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language

from core.articles import Claim
from core.errors import ClaimtrackError, ConfigError, ExtractError, ExtractTimeout
from extractors.article import extract_article, split_date_header
from extractors.encoding import decode
from extractors.nlp import TextItem, claims_per_text
from extractors.pipeline import SAVED_FILE_CHARSET

#: File name endings read from a folder (anything else in it is skipped silently).
TEXT_SUFFIXES = (".txt", ".html", ".htm")


@dataclass(frozen=True)
class FileText:
    path: Path
    item: TextItem
    #: Where ``item.text`` starts in the file (after a date header), added to every claim offset.
    offset: int
    #: What reading it changed (bytes not valid in its charset, replaced), or None.
    note: str | None = None


def input_files(paths: Sequence[Path]) -> Iterator[Path]:
    """The files named, and the text and HTML files under the folders named (sorted)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
        elif path.is_file():
            yield path
        else:
            raise ConfigError(f"no such file or folder: {path}")


def read_text(path: Path) -> FileText:
    """The text a file gives, with its publication date when it has one."""
    note = None
    if path.suffix.lower() == ".txt":
        decoded = decode(path.read_bytes(), assumed=SAVED_FILE_CHARSET)
        text, published, offset = split_date_header(decoded.text)
        note = decoded.note
    else:
        article = extract_article(path.read_bytes(), path.resolve().as_uri())  # a relative path has no file URI
        text, published, offset = article.text, article.published_at, 0
    return FileText(path, TextItem(text, published.date() if published else None), offset, note)


def claims_of_files(
    paths: Sequence[Path],
    nlp: Language,
    *,
    batch_size: int = 32,
    n_process: int = 1,
    on_skip: Callable[[Path, Exception], None] | None = None,
    on_note: Callable[[Path, str], None] | None = None,
) -> Iterator[tuple[Path, list[Claim]]]:
    """Each readable file with its claims, offsets into the file's text. Every file is read before the first is
    extracted (``on_note`` hears of bytes replaced); one that cannot be read (no article in it) or whose claim
    rules run past their time limit is skipped and handed to ``on_skip``. No file to read, or every one skipped,
    is an :class:`ExtractError`."""
    texts, skipped = [], 0
    for path in input_files(paths):
        try:
            texts.append(read_text(path))
            if texts[-1].note and on_note is not None:
                on_note(path, texts[-1].note)
        except ClaimtrackError as exc:
            skipped += 1
            if on_skip is not None:
                on_skip(path, exc)
    if not texts:  # an empty answer would look like "no claims in these files"
        if not skipped:
            raise ExtractError(f"no .txt, .html or .htm file in {', '.join(map(str, paths))}")
        given = "the 1 file given was" if skipped == 1 else f"all {skipped} files given were"
        raise ExtractError(f"nothing extracted: {given} skipped")
    results = claims_per_text(nlp, [t.item for t in texts], batch_size=batch_size, n_process=n_process)
    for text, found in zip(texts, results, strict=True):
        if found.error is not None:  # past the time limit (TextLimits.page_seconds)
            if on_skip is not None:
                on_skip(text.path, ExtractTimeout(found.error))
            continue
        yield text.path, [claim.shifted(text.offset) if text.offset else claim for claim in found.claims]
