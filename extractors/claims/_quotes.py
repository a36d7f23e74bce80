"""Find quoted passages in raw text, one paragraph at a time, without ever failing a document.

Why not just pair up quote marks over the whole text: news text has unbalanced marks (a quote that runs
over several paragraphs has no closing mark at the end of each paragraph; typos drop marks), and straight
``"`` marks cannot say whether they open or close. Pairing per paragraph confines any damage to that
paragraph, which is the robustness promise of the claims stage.

Rules, in order:

1. Paragraphs are split on newlines; quotes never pair across a paragraph break.
2. Curly/angled double marks pair by direction; a straight ``"`` toggles.
3. A mark left open at the end of a paragraph closes there (``open_ended``): the usual multi-paragraph
   quote convention. A closing mark with nothing open is ignored (unless rule 5 turns it round).
4. Two straight apostrophes (``''``), the double mark of older newswire and NYT archive text, act as one
   straight ``"``.
5. A curly or angled mark facing the wrong way for the marks before it takes the direction its place says: a
   closing mark with nothing open opens when it stands before a word (``”Fear. …” ― Name``) or when the next
   mark closes too (``Shava said,” You know …”``); an opening mark while one is open closes when it stands after
   a word and before a space or stop (``“It's unusual,“ said Larry Noble``).
6. Single marks (‘ ’ and ') count as quotes only outside double quotes and only where they cannot be an
   apostrophe (a letter on both sides means an apostrophe: ``Russia’s``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

OPEN_DOUBLE = frozenset("“„«‟〝")
CLOSE_DOUBLE = frozenset("”»〞〟")
STRAIGHT_DOUBLE = frozenset('"＂')
OPEN_SINGLE = frozenset("‘‚‹")
CLOSE_SINGLE = frozenset("’›")
STRAIGHT_SINGLE = frozenset("'")
#: Two apostrophes standing for one straight double mark (newswire and NYT archives).
DOUBLE_APOSTROPHE = "''"
_DOUBLE_MARKS = re.compile("''|[" + re.escape("".join(sorted(OPEN_DOUBLE | CLOSE_DOUBLE | STRAIGHT_DOUBLE))) + "]")
_SINGLE_MARKS = re.compile("[" + re.escape("".join(sorted(OPEN_SINGLE | CLOSE_SINGLE | STRAIGHT_SINGLE))) + "]")
QUOTE_CHARS = OPEN_DOUBLE | CLOSE_DOUBLE | STRAIGHT_DOUBLE | OPEN_SINGLE | CLOSE_SINGLE | STRAIGHT_SINGLE
#: The marks that commonly end a quote, as one string for token and character tests (a sentence's last
#: punctuation is kept when it is one of them; a quote paragraph is looked for up to the first of them).
CLOSING_MARKS = "”\"’»'"
#: The marks that commonly open a quote, likewise (a paragraph that starts with one is a quote paragraph).
OPENING_MARKS = "“\"«‘'„"

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
    #: Characters in each mark: 1, or 2 for ``''``.
    mark_chars: int = 1

    @property
    def inner(self) -> tuple[int, int]:
        close = 0 if self.open_ended else self.mark_chars
        return (self.start + self.mark_chars, self.end - close)

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
    double_width = 1
    marks = list(_DOUBLE_MARKS.finditer(text, start, end))
    for k, mark in enumerate(marks):
        i = mark.start()
        if mark.group() == DOUBLE_APOSTROPHE:
            # Direction from the neighbours: ``''Word`` opens, ``word,''`` closes.
            closes = i > start and not text[i - 1].isspace() and text[i - 1] not in "([{“‘"
            if double_open is not None and closes:
                found.append(Quote(double_open, i + 2, mark_chars=double_width))
                double_open, double_width = None, 1
            elif not closes:
                if double_open is not None:
                    found.append(Quote(double_open, i, open_ended=True, mark_chars=double_width))
                double_open, double_width = i, 2
            continue
        if _opens(text, marks, k, start, end, is_open=double_open is not None):
            if double_open is not None:
                # A second opener while one is open: the first lost its closing mark. Close it here.
                found.append(Quote(double_open, i, open_ended=True, mark_chars=double_width))
            double_open, double_width = i, 1
        elif double_open is not None:
            found.append(Quote(double_open, i + 1, mark_chars=double_width))
            double_open, double_width = None, 1
    if double_open is not None:
        found.append(Quote(double_open, end, open_ended=True, mark_chars=double_width))
    found.extend(_single_quotes(text, start, end, found))
    found.sort(key=lambda q: q.start)
    return [q for q in found if q.inner[1] - q.inner[0] >= MIN_QUOTE_CHARS]


def _opens(text: str, marks: list[re.Match[str]], k: int, start: int, end: int, *, is_open: bool) -> bool:
    """Does the ``k``-th double mark of a paragraph open a quote (else it closes one, or nothing)?

    A straight mark toggles. A curly or angled mark says its direction, unless its place contradicts it: typists
    and converters turn marks round (``said,” You know …”``, ``“Apparently not,“ he said``), and the paragraph's
    pairing would then lose the quote."""
    i = marks[k].start()
    ch = text[i]
    if ch in STRAIGHT_DOUBLE:
        return not is_open
    before = text[i - 1] if i > start else " "
    after = text[i + 1] if i + 1 < end else " "
    if ch in OPEN_DOUBLE:
        # “It's unusual,“ said X: an opener after a word and before a space closes the open quote.
        return not (is_open and not before.isspace() and (after.isspace() or after in ".,;:!?"))
    if is_open:
        return False
    if before.isspace() and _is_word_char(after):
        return True  # ”Fear. …” ― Name: a closing mark typed where the opener belongs
    following = marks[k + 1].group() if k + 1 < len(marks) else ""
    return following[:1] in CLOSE_DOUBLE  # said,” You know …”: the next mark closes, so this one opened


def _single_quotes(text: str, start: int, end: int, doubles: list[Quote]) -> list[Quote]:
    """Single-mark quotes outside double quotes; apostrophes are told apart by their neighbours.

    ``doubles`` are in order and do not overlap, and the marks come in order too, so one pointer walks both:
    linear in the marks (asking every double quote about every mark was quadratic: 200,000 characters of
    ``"a" 'b'`` took 82 s)."""
    found: list[Quote] = []
    single_open: int | None = None
    next_double = 0
    for mark in _SINGLE_MARKS.finditer(text, start, end):
        i = mark.start()
        ch = text[i]
        while next_double < len(doubles) and doubles[next_double].end <= i:
            next_double += 1
        inside_double = next_double < len(doubles) and doubles[next_double].contains(i)
        if inside_double or text.startswith(DOUBLE_APOSTROPHE, i - 1):
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


class QuoteIndex:
    """The quotes of one text, sorted, with fast "which quote holds this offset" lookups.

    It also keeps the text itself: ``Doc.text`` rebuilds the string from every token on each access, so the rules
    read it once, here.
    """

    def __init__(self, quotes: Sequence[Quote], text: str = "") -> None:
        self.text = text
        self.items = list(quotes)
        self.starts = [q.start for q in self.items]

    @classmethod
    def of(cls, text: str) -> QuoteIndex:
        return cls(find_quotes(text), text)

    def at(self, position: int) -> Quote | None:
        i = bisect.bisect_right(self.starts, position) - 1
        if i >= 0 and self.items[i].contains(position):
            return self.items[i]
        return None

    def inside(self, position: int) -> bool:
        """True when ``position`` sits strictly inside a quote (the opening mark itself does not count)."""
        quote = self.at(position)
        return quote is not None and quote.start < position

    def overlapping(self, start: int, end: int) -> list[Quote]:
        i = max(bisect.bisect_right(self.starts, start) - 1, 0)
        found = []
        for quote in self.items[i:]:
            if quote.start >= end:
                break
            if quote.end > start:
                found.append(quote)
        return found

    def quoted_chars(self, start: int, end: int) -> int:
        """How many characters of ``[start, end)`` lie inside quotes (marks included)."""
        return sum(max(0, min(end, q.end) - max(start, q.start)) for q in self.overlapping(start, end))
