"""Gold statements in dated news excerpts (``evals/gold/``), and how a claim is credited to one.

The conventions are the annotation guide's (``../shared/notes/annotation-guide.md``, "Scoring"): a statement is
*found* when some claim's content contains its key words (quote marks unified, whitespace collapsed, lower case);
each claim is credited to at most one statement, except that a continuation may share the claim before it.
Ambiguous annotations are left out of every figure.

Excerpts and statements with an odd number are the *dev* half (looked at while writing rules); the even half is
*test* (scored and reported, never read for failures).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from core.articles import Claim
from core.errors import EvaluationDataError

GOLD = Path(__file__).resolve().parent / "gold"
#: Every quote mark and apostrophe a news text may use, read as one.
_QUOTES = re.compile(r"[\"“”„‟«»‹›'‘’‚‛`´]")


def normalise(text: str) -> str:
    """Lower case, quote marks unified, whitespace collapsed: the form key words are matched in."""
    return " ".join(_QUOTES.sub('"', text).lower().split())


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The objects of a JSON-lines file; a bad line is an :class:`EvaluationDataError` naming file and line."""
    if not path.is_file():
        raise EvaluationDataError(f"gold file missing: {path}")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise EvaluationDataError(f"{path}:{number}: not JSON ({exc})") from None
    return rows


def split_of(identifier: str) -> str:
    """``dev`` for an odd trailing number (``a-001``), ``test`` for an even one."""
    digits = re.findall(r"\d+", identifier)
    return "dev" if digits and int(digits[-1]) % 2 else "test"


@dataclass(frozen=True, kw_only=True)
class Excerpt:
    id: str
    url: str
    date: date
    text: str
    outlet: str = ""
    region: str = ""

    @property
    def split(self) -> str:
        return split_of(self.id)


@dataclass(frozen=True, kw_only=True)
class GoldStatement:
    """One annotated statement: who said it (as written, full name variants, government) and its key words."""

    excerpt: str
    number: int
    speaker: str
    full_name: tuple[str, ...]
    government: str | None
    kind: str
    key: str
    content: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_continuation(self) -> bool:
        return self.kind == "continuation"


def load_excerpts(path: Path) -> dict[str, Excerpt]:
    excerpts = {}
    for row in read_jsonl(path):
        try:
            excerpts[row["id"]] = Excerpt(
                id=row["id"],
                url=row.get("url", ""),
                date=date.fromisoformat(row["date"]),
                text=row["text"],
                outlet=row.get("outlet", ""),
                region=row.get("region", ""),
            )
        except (KeyError, ValueError) as exc:
            raise EvaluationDataError(f"{path}: bad excerpt {row.get('id')!r} ({exc})") from None
    return excerpts


def load_statements(
    path: Path, *, excerpt_key: str = "excerpt", keep_ambiguous: bool = False
) -> list[GoldStatement]:
    """The non-ambiguous statements of a gold file (all of them with ``keep_ambiguous``), in file order."""
    statements = []
    for number, row in enumerate(read_jsonl(path), start=1):
        if row.get("ambiguous") and not keep_ambiguous:
            continue
        try:
            statements.append(
                GoldStatement(
                    excerpt=row[excerpt_key],
                    number=int(row.get("n", number)),
                    speaker=row.get("speaker", ""),
                    full_name=tuple(row.get("full_name") or ()),
                    government=row.get("government"),
                    kind=row.get("kind", ""),
                    key=row["key"],
                    content=row.get("content", ""),
                    extra=row,
                )
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise EvaluationDataError(f"{path}: line {number}: bad statement ({exc})") from None
    return statements


def names_match(gold: GoldStatement, claim: Claim) -> bool:
    """Does the claim's resolved speaker hold one of the gold full name's variants (when the gold names one)?"""
    if not gold.full_name:
        return True
    canonical = normalise(claim.speaker_canonical or "")
    return any(normalise(variant) in canonical for variant in gold.full_name if variant.strip())


def correct(gold: GoldStatement, claim: Claim) -> bool:
    return claim.government == gold.government and names_match(gold, claim)


T = TypeVar("T")


def credit(
    statements: Sequence[GoldStatement],
    claims: Sequence[Claim],
    better: Callable[[GoldStatement, Claim], bool] = correct,
) -> list[Claim | None]:
    """The claim credited to each statement (in order), or None when no claim holds its key words.

    Among the claims holding the key, one not credited yet is preferred, then one for which ``better`` holds, then
    the shortest. A continuation may share the claim credited to the statement just before it.
    """
    keys = [normalise(s.key) for s in statements]
    contents = [normalise(c.content) for c in claims]
    used: set[int] = set()
    result: list[Claim | None] = []
    previous: int | None = None
    for statement, key in zip(statements, keys, strict=True):
        candidates = [i for i, content in enumerate(contents) if key in content]
        free = [i for i in candidates if i not in used or (statement.is_continuation and i == previous)]
        if not free:
            result.append(None)
            previous = None
            continue
        chosen = min(free, key=lambda i: (not better(statement, claims[i]), len(claims[i].content)))
        used.add(chosen)
        previous = chosen
        result.append(claims[chosen])
    return result


def grouped(items: Iterable[T], key: Callable[[T], str]) -> dict[str, list[T]]:
    groups: dict[str, list[T]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups
