"""Read brat standoff annotation files (``.ann``) of attribution relations, as PolNeAR ships them.

Only two kinds of lines matter:

- ``T<n>\\t<Label> <start> <end>[;<start> <end>...]\\t<text>``: a text-bound span (discontinuous spans
  separate their pieces with ``;``);
- ``E<n>\\t<Trigger>:T<i> Role:T<j> ...``: an event, here one attribution relation with ``Source``, ``Cue``,
  ``Content`` and optionally ``Content2`` roles.

Everything else (annotator notes ``#``, relations ``R``, and the continuation lines of span texts that hold
newlines) is skipped. Events may name T-ids defined further down the file, so the file is read in two passes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import EvaluationDataError

Span = tuple[int, int]

_T_LINE = re.compile(r"^T(\d+)\t")
_E_LINE = re.compile(r"^E(\d+)\t")
#: Roles whose spans together form an attribution's content (``Content2`` is a second, separate piece).
CONTENT_ROLES = ("Content", "Content2")
#: Event labels that are attribution relations; ``Discuss``/``Discard`` are annotator flags, not attributions.
ATTRIBUTION_EVENTS = frozenset({"Attribution", "Attribution-no-source"})


@dataclass(frozen=True, slots=True)
class TextBound:
    """One ``T`` line: a label over one or more character spans of the text."""

    tid: str
    label: str
    spans: tuple[Span, ...]


@dataclass(frozen=True, kw_only=True)
class GoldAttribution:
    """One annotated attribution relation; every span is a character offset pair into the article text."""

    eid: str
    content_spans: tuple[Span, ...]
    source_spans: tuple[Span, ...] = ()
    cue_spans: tuple[Span, ...] = ()
    #: ``Attribution`` or ``Attribution-no-source``.
    label: str = "Attribution"
    extra: dict[str, tuple[Span, ...]] = field(default_factory=dict)

    @property
    def has_source(self) -> bool:
        return bool(self.source_spans)


def parse_spans(text: str, where: str) -> tuple[Span, ...]:
    """``"12 20;25 30"`` -> ``((12, 20), (25, 30))``; raises :class:`EvaluationDataError` on anything else."""
    spans = []
    for piece in text.split(";"):
        parts = piece.split()
        if len(parts) != 2 or not all(p.isdigit() for p in parts):
            raise EvaluationDataError(f"{where}: bad span {piece!r} (expected 'start end')")
        start, end = int(parts[0]), int(parts[1])
        if end < start:
            raise EvaluationDataError(f"{where}: span {piece!r} ends before it starts")
        spans.append((start, end))
    return tuple(sorted(spans))


def parse_ann(content: str, name: str = "<ann>", text_length: int | None = None) -> list[GoldAttribution]:
    """The attribution relations of one ``.ann`` file, in the order their events appear.

    ``text_length``, when given, checks that every span lies inside the article text.
    """
    textbounds: dict[str, TextBound] = {}
    events: list[tuple[int, str]] = []
    for number, line in enumerate(content.splitlines(), start=1):
        where = f"{name}:{number}"
        if _T_LINE.match(line):
            fields = line.split("\t")
            if len(fields) < 2 or not fields[1].strip():
                raise EvaluationDataError(f"{where}: a T line needs 'T<n><TAB>Label start end<TAB>text'")
            label, _, span_text = fields[1].partition(" ")
            spans = parse_spans(span_text, where)
            if text_length is not None and spans[-1][1] > text_length:
                raise EvaluationDataError(f"{where}: span ends at {spans[-1][1]}, past the text end ({text_length})")
            textbounds[fields[0]] = TextBound(fields[0], label, spans)
        elif _E_LINE.match(line):
            events.append((number, line))
    attributions = []
    for number, line in events:
        where = f"{name}:{number}"
        eid, _, args = line.partition("\t")
        roles: dict[str, list[Span]] = {}
        trigger_label = None
        for index, arg in enumerate(args.split()):
            role, sep, tid = arg.partition(":")
            if not sep:
                raise EvaluationDataError(f"{where}: bad event argument {arg!r} (expected Role:T<n>)")
            bound = textbounds.get(tid)
            if bound is None:
                raise EvaluationDataError(f"{where}: {eid} refers to {tid}, which the file does not define")
            if index == 0:
                trigger_label = role
                continue
            roles.setdefault(role, []).extend(bound.spans)
        if trigger_label not in ATTRIBUTION_EVENTS:
            continue
        content_spans = tuple(sorted(s for role in CONTENT_ROLES for s in roles.get(role, [])))
        if not content_spans:
            continue  # an attribution with no content marks nothing we could extract
        attributions.append(
            GoldAttribution(
                eid=eid,
                label=trigger_label or "Attribution",
                content_spans=content_spans,
                source_spans=tuple(sorted(roles.get("Source", []))),
                cue_spans=tuple(sorted(roles.get("Cue", []))),
                extra={k: tuple(v) for k, v in roles.items() if k not in (*CONTENT_ROLES, "Source", "Cue")},
            )
        )
    return attributions


def read_ann(path: Path, text_length: int | None = None) -> list[GoldAttribution]:
    try:
        content = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EvaluationDataError(f"cannot read {path}: {exc}") from exc
    return parse_ann(content, str(path), text_length)
