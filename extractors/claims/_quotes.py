"""Find quoted passages in raw text, one paragraph at a time, without ever failing a document.

Why not just pair up quote marks over the whole text: news text has unbalanced marks (a quote that runs
over several paragraphs has no closing mark at the end of each paragraph; typos drop marks), and straight
``"`` marks cannot say whether they open or close. Pairing per paragraph confines any damage to that
paragraph, which is the robustness promise of the claims stage.

Rules, in order:

1. Paragraphs are split on newlines; quotes never pair across a paragraph break.
2. Curly/angled double marks pair by direction; a straight ``"`` toggles.
3. A mark left open at the end of a paragraph closes there (``open_ended``): the usual multi-paragraph
   quote convention. A closing mark with nothing open is ignored.
4. Single marks (‘ ’ and ') count as quotes only outside double quotes and only where they cannot be an
   apostrophe (a letter on both sides means an apostrophe: ``Russia’s``).
"""

from __future__ import annotations

from dataclasses import dataclass

OPEN_DOUBLE = frozenset("“„«‟〝")
CLOSE_DOUBLE = frozenset("”»〞〟")
STRAIGHT_DOUBLE = frozenset('"＂')
OPEN_SINGLE = frozenset("‘‚‹")
CLOSE_SINGLE = frozenset("’›")
STRAIGHT_SINGLE = frozenset("'")
QUOTE_CHARS = OPEN_DOUBLE | CLOSE_DOUBLE | STRAIGHT_DOUBLE | OPEN_SINGLE | CLOSE_SINGLE | STRAIGHT_SINGLE

#: Shortest quoted passage (inside the marks) worth calling a quote; shorter ones are scare quotes or titles
#: and still count as quoted words for mixed speech.
MIN_QUOTE_CHARS = 1


@dataclass(frozen=True, slots=True)
class Quote:
    """A quoted passage: ``start`` is the opening mark, ``end`` is one past the closing mark (or the
    paragraph end when ``open_ended``)."""

    start: int
    end: int
    open_ended: bool = False
    single: bool = False

    @property
    def inner(self) -> tuple[int, int]:
        close = 0 if self.open_ended else 1
        return (self.start + 1, self.end - close)

    def contains(self, position: int) -> bool:
        return self.start <= position < self.end


def paragraphs(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each non-blank line of ``text``."""
    spans = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        if line.strip():
            spans.append((start, end))
        start = end + 1
    return spans


def find_quotes(text: str) -> list[Quote]:
    """Every quoted passage in ``text``, in order. Never raises, whatever the marks."""
    quotes: list[Quote] = []
    for start, end in paragraphs(text):
        quotes.extend(_paragraph_quotes(text, start, end))
    return quotes


def _is_word_char(ch: str) -> bool:
    return ch.isalnum()


def _paragraph_quotes(text: str, start: int, end: int) -> list[Quote]:
    found: list[Quote] = []
    double_open: int | None = None
    for i in range(start, end):
        ch = text[i]
        if ch in OPEN_DOUBLE:
            if double_open is not None:
                # A second opener while one is open: the first lost its closing mark. Close it here.
                found.append(Quote(double_open, i, open_ended=True))
            double_open = i
        elif ch in CLOSE_DOUBLE:
            if double_open is not None:
                found.append(Quote(double_open, i + 1))
                double_open = None
        elif ch in STRAIGHT_DOUBLE:
            if double_open is None:
                double_open = i
            else:
                found.append(Quote(double_open, i + 1))
                double_open = None
    if double_open is not None:
        found.append(Quote(double_open, end, open_ended=True))
    found.extend(_single_quotes(text, start, end, found))
    found.sort(key=lambda q: q.start)
    return [q for q in found if q.inner[1] - q.inner[0] >= MIN_QUOTE_CHARS]


def _single_quotes(text: str, start: int, end: int, doubles: list[Quote]) -> list[Quote]:
    """Single-mark quotes outside double quotes; apostrophes are told apart by their neighbours."""
    found: list[Quote] = []
    single_open: int | None = None
    for i in range(start, end):
        ch = text[i]
        if ch not in OPEN_SINGLE and ch not in CLOSE_SINGLE and ch not in STRAIGHT_SINGLE:
            continue
        if any(q.contains(i) for q in doubles):
            continue
        before = text[i - 1] if i > start else " "
        after = text[i + 1] if i + 1 < end else " "
        if _is_word_char(before) and _is_word_char(after):
            continue  # apostrophe inside a word: Russia’s, don't
        opens = not _is_word_char(before) and (_is_word_char(after) or after in '“"')
        closes = not before.isspace() and not _is_word_char(after)
        if ch in OPEN_SINGLE and opens:
            single_open = i
        elif single_open is not None and closes and ch in CLOSE_SINGLE | STRAIGHT_SINGLE:
            if before == "s" and ch in STRAIGHT_SINGLE | CLOSE_SINGLE and i - single_open > 200:
                continue  # plural possessive (countries’) far from the opener: keep looking
            found.append(Quote(single_open, i + 1, single=True))
            single_open = None
        elif ch in STRAIGHT_SINGLE and opens:
            single_open = i
    return found
