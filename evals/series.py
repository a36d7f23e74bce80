"""``claimtrack eval positions``: position-change labels against dated series of real reporting.

Each series of ``evals/gold/series/<id>/`` (articles with dates, every statement with its government, topic,
stance flag, label and antecedents, annotated before the product ran) is ingested the way a user would: the
articles are written as dated ``.txt`` files into a folder, and ``claimtrack ingest`` polls it into a fresh
database. Then each gold *stance* statement is credited to a claim of its article (key words, ``evals.news``), and
the claim's statement is looked up in ``statement_comparisons`` for the series' topic.

Figures per series, as the positions issue states its targets:

- agreement: gold label = product label, over all stance statements (a statement not found or left without a label
  on the topic counts as a disagreement), with the confusion table;
- shift/reversal recall (gold shifts and reversals the product calls a shift or reversal) and precision (of the
  product's shifts and reversals on gold stance statements, how many are real);
- topic coverage: share of found stance statements whose claim carries the series' topic;
- shifts citing an earlier day: every product shift or reversal must compare with a statement made on an earlier
  day.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from core.articles import Claim
from core.errors import EvaluationDataError
from core.settings import DEFAULT_SIMILARITY
from evals.news import GOLD, GoldStatement, credit, grouped, load_excerpts, load_statements
from flows.refresh import refresh_positions
from positions.refresh import PositionSettings

SERIES_DIR = GOLD / "series"
LABELS = ("new", "reiteration", "shift", "reversal")
CHANGES = frozenset({"shift", "reversal"})
#: Series looked at while writing rules; the others are scored and reported only.
DEV_SERIES = frozenset({"iran", "gaza"})


@dataclass(frozen=True)
class Labelled:
    """A gold stance statement and what the product made of it."""

    gold: GoldStatement
    found: bool
    #: The product's label on the series topic (None: not found, or no comparison on this topic).
    label: str | None
    #: The claim carries the series topic.
    on_topic: bool
    #: For a product shift or reversal: the day of the statement it was compared with.
    earlier_day: date | None = None

    @property
    def expected(self) -> str:
        return str(self.gold.extra["label"])

    @property
    def day(self) -> date:
        return date.fromisoformat(self.gold.extra["date"])


@dataclass
class SeriesResult:
    series: str
    topic: str
    outcomes: list[Labelled] = field(default_factory=list)
    method: str = DEFAULT_SIMILARITY
    #: ``product``: the database as ingested; ``oracle``: every annotated statement given its gold government and
    #: the series topic (:func:`oracle_database`), so the figures measure the labelling alone.
    mode: str = "product"

    @property
    def split(self) -> str:
        if self.series == "all":
            return "-"
        return "dev" if self.series in DEV_SERIES else "test"

    def figures(self) -> dict[str, Any]:
        return figures(self.outcomes)


def figures(outcomes: Sequence[Labelled]) -> dict[str, Any]:
    found = [o for o in outcomes if o.found]
    real = [o for o in outcomes if o.expected in CHANGES]
    called = [o for o in outcomes if o.label in CHANGES]
    return {
        "stance_statements": len(outcomes),
        "found": len(found),
        "unlabelled": sum(1 for o in outcomes if o.label is None),
        "agreement": _share(sum(o.label == o.expected for o in outcomes), len(outcomes)),
        "changes_real": len(real),
        "changes_found": sum(1 for o in real if o.label in CHANGES),
        "change_recall": _share(sum(1 for o in real if o.label in CHANGES), len(real)),
        "changes_called": len(called),
        "change_precision": _share(sum(1 for o in called if o.expected in CHANGES), len(called)),
        "topic_coverage": _share(sum(o.on_topic for o in found), len(found)),
        "changes_citing_same_day": sum(1 for o in called if o.earlier_day is None or o.earlier_day >= o.day),
        "confusion": {
            gold: dict(Counter(o.label or "none" for o in outcomes if o.expected == gold)) for gold in LABELS
        },
    }


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def series_ids(folder: Path = SERIES_DIR) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if (p / "articles.jsonl").is_file())


def write_articles(folder: Path, series: str, target: Path) -> dict[str, str]:
    """The series' articles as dated ``.txt`` files in ``target``; article id -> file name."""
    target.mkdir(parents=True, exist_ok=True)
    names = {}
    for article in load_excerpts(folder / series / "articles.jsonl").values():
        name = f"{article.id}.txt"
        (target / name).write_text(f"date {article.date.isoformat()}\n{article.text}\n", encoding="utf-8")
        names[article.id] = name
    return names


def ingest_folder(articles: Path, db: Path, *, model: str | None = None) -> None:
    """``claimtrack ingest`` over a folder of dated text files, into ``db`` (a fresh database)."""
    sources = articles.parent / "sources.toml"
    sources.write_text(
        f'[[source]]\nname = "series"\nkind = "directory"\npath = "{articles.name}"\noutlet = "series"\n',
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "claimtrack.cli", "ingest", "--sources", str(sources), "--db", str(db)]
    if model:
        command += ["--model", model]
    env = {**os.environ, "PREFECT_LOGGING_LEVEL": os.environ.get("PREFECT_LOGGING_LEVEL", "WARNING")}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise EvaluationDataError(f"claimtrack ingest failed ({done.returncode}): {done.stderr[-2000:]}")


def read_labels(db: Path, topic: str, method: str) -> dict[str, dict[str, Any]]:
    """Per current claim of the database: file, content, speaker, government, topics and the label of its statement
    on ``topic`` (with the day of the statement it was compared with)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            """
            select c.claim_id, a.url, c.content, c.speaker_canonical, c.government, c.kind, c.start_char,
                   (select list(t.topic) from claim_topics t where t.claim_id = c.claim_id) as topics,
                   cmp.label, cast(earlier.stated_at as date) as earlier_day
            from claims c
            join articles a using (article_id)
            left join claim_statements cs using (claim_id)
            left join statement_comparisons cmp
                   on cmp.statement_id = cs.statement_id and cmp.topic = $1 and cmp.method = $2
            left join statements earlier on earlier.statement_id = cmp.nearest_statement_id
            order by a.url, c.start_char
            """,
            [topic, method],
        ).fetchall()
    finally:
        con.close()
    names = ("claim_id", "url", "content", "speaker", "government", "kind", "start", "topics", "label", "earlier")
    return {row[0]: dict(zip(names, row, strict=True)) for row in rows}


def _claims_of(db: Path) -> list[dict[str, Any]]:
    """Every current claim with its article's URL, as :func:`_claim` reads it."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "select c.claim_id, a.url, c.content, c.speaker_canonical, c.government, c.kind, c.start_char"
            " from claims c join articles a using (article_id) order by a.url, c.start_char"
        ).fetchall()
    finally:
        con.close()
    names = ("claim_id", "url", "content", "speaker", "government", "kind", "start")
    return [dict(zip(names, row, strict=True)) for row in rows]


def oracle_database(folder: Path, series: str, db: Path, names: dict[str, str], target: Path) -> Path:
    """A copy of the series database ``db`` in which every annotated statement that was found enters its series:
    its claim gets the gold government and the series topic, and no other claim keeps that topic. Labelled
    again, it shows what the labels would be with perfect attribution and topics (the labelling alone)."""
    gold = load_statements(folder / series / "statements.jsonl", excerpt_key="article", keep_ambiguous=True)
    topic = _series_topic(gold, series)
    by_file = grouped(_claims_of(db), lambda r: str(r["url"]).rsplit("/", 1)[-1])
    governments: dict[str, str] = {}
    for article, statements in grouped(gold, lambda s: s.excerpt).items():
        claim_rows = by_file.get(names.get(article, ""), [])
        claims = [_claim(r) for r in claim_rows]
        row_of = {id(claim): row for claim, row in zip(claims, claim_rows, strict=True)}
        for statement, claim in zip(statements, credit(statements, claims), strict=True):
            if claim is not None and statement.government and statement.extra.get("topic") == topic:
                governments.setdefault(row_of[id(claim)]["claim_id"], statement.government)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(db, target)
    con = duckdb.connect(str(target))
    try:
        con.execute("delete from claim_topics where topic = ?", [topic])
        for claim_id, government in sorted(governments.items()):
            con.execute("update claim_records set government = ? where claim_id = ?", [government, claim_id])
            con.execute(
                "insert into claim_topics (claim_id, topic, term) values (?, ?, 'oracle')", [claim_id, topic]
            )
    finally:
        con.close()
    return target


def score_series(folder: Path, series: str, db: Path, names: dict[str, str], method: str) -> SeriesResult:
    gold = load_statements(folder / series / "statements.jsonl", excerpt_key="article")
    topic = _series_topic(gold, series)
    result = SeriesResult(series=series, topic=topic, method=method)
    rows = read_labels(db, topic, method)
    by_file = grouped(rows.values(), lambda r: str(r["url"]).rsplit("/", 1)[-1])
    for article, statements in grouped(gold, lambda s: s.excerpt).items():
        claim_rows = by_file.get(names.get(article, ""), [])
        claims = [_claim(r) for r in claim_rows]
        row_of = {id(claim): row for claim, row in zip(claims, claim_rows, strict=True)}
        for statement, claim in zip(statements, credit(statements, claims), strict=True):
            if not statement.extra.get("stance") or statement.extra.get("label") not in LABELS:
                continue
            row = row_of[id(claim)] if claim is not None else None
            result.outcomes.append(
                Labelled(
                    gold=statement,
                    found=row is not None,
                    label=row["label"] if row else None,
                    on_topic=bool(row and topic in (row["topics"] or [])),
                    earlier_day=row["earlier"] if row else None,
                )
            )
    return result


def _series_topic(gold: Sequence[GoldStatement], series: str) -> str:
    topics = Counter(s.extra.get("topic") for s in gold if s.extra.get("stance"))
    if not topics:
        raise EvaluationDataError(f"series {series}: no stance statements")
    return str(topics.most_common(1)[0][0])


def _claim(row: dict[str, Any]) -> Claim:
    return Claim(
        kind=row["kind"],
        content=row["content"],
        content_spans=((row["start"], row["start"] + len(row["content"])),),
        speaker_canonical=row["speaker"],
        government=row["government"],
    )


def evaluate_series(
    folder: Path = SERIES_DIR,
    *,
    method: str = DEFAULT_SIMILARITY,
    model: str | None = None,
    keep: Path | None = None,
    oracle: bool = False,
) -> list[SeriesResult]:
    """Ingest and score every series; ``keep`` keeps the databases there (else a temporary folder). With
    ``oracle``, each series is also scored in its :func:`oracle_database` (results with ``mode`` ``oracle``)."""
    settings = PositionSettings(methods=(method,))
    results = []
    with tempfile.TemporaryDirectory(prefix="claimtrack-series-") as scratch:
        base = keep or Path(scratch)
        for series in series_ids(folder):
            work = base / series
            names = write_articles(folder, series, work / "articles")
            db = work / "series.duckdb"
            if db.exists():
                db.unlink()
            ingest_folder(work / "articles", db, model=model)
            if method != DEFAULT_SIMILARITY:  # the ingest labelled with the default method only
                refresh_positions(db, settings=settings)
            results.append(score_series(folder, series, db, names, method))
            if oracle:
                perfect = oracle_database(folder, series, db, names, work / "oracle.duckdb")
                refresh_positions(perfect, settings=settings, full=True)
                scored = score_series(folder, series, perfect, names, method)
                scored.mode = "oracle"
                results.append(scored)
    return results


def format_results(results: Sequence[SeriesResult]) -> str:
    modes = sorted({r.mode for r in results}, key=lambda m: m != "product")
    return "\n\n".join(_format_mode([r for r in results if r.mode == mode]) for mode in modes)


def _format_mode(results: Sequence[SeriesResult]) -> str:
    mode = results[0].mode if results else "product"
    heading = {
        "product": "as ingested",
        "oracle": "oracle: gold government and series topic on every annotated statement (the labelling alone)",
    }.get(mode, mode)
    lines = [
        f"position changes on dated series of real reporting (evals/gold/series), {heading}",
        f"  {'series':16} {'split':5} {'stance':>6} {'found':>6} {'unlab.':>6} {'agree':>6} "
        f"{'chg rec':>8} {'chg prec':>8} {'topic':>6} {'same-day chg':>12}",
    ]
    for r in [*results, _pooled(results)]:
        f = r.figures()
        lines.append(
            f"  {r.series:16} {r.split:5} {f['stance_statements']:>6} {f['found']:>6} {f['unlabelled']:>6} "
            f"{f['agreement']:>6.3f} {f['change_recall']:>8.3f} {f['change_precision']:>8.3f} "
            f"{f['topic_coverage']:>6.3f} {f['changes_citing_same_day']:>12}"
        )
    pooled = _pooled(results).figures()["confusion"]
    lines.append("  confusion (rows: gold, columns: product; all series):")
    columns = (*LABELS, "none")
    lines.append("    " + f"{'':12}" + "".join(f"{c:>12}" for c in columns))
    for gold in LABELS:
        lines.append("    " + f"{gold:12}" + "".join(f"{pooled[gold].get(c, 0):>12}" for c in columns))
    return "\n".join(lines)


def _pooled(results: Sequence[SeriesResult]) -> SeriesResult:
    first = results[0] if results else None
    pooled = SeriesResult(
        series="all",
        topic="*",
        method=first.method if first else DEFAULT_SIMILARITY,
        mode=first.mode if first else "product",
    )
    pooled.outcomes = [o for r in results for o in r.outcomes]
    return pooled


def as_json(results: Sequence[SeriesResult]) -> dict[str, Any]:
    """The product figures by series (and ``all``), and those of the oracle mode under ``oracle`` when scored."""

    def table(rows: Sequence[SeriesResult]) -> dict[str, Any]:
        by_series = {r.series: {"split": r.split, "topic": r.topic, "method": r.method, **r.figures()} for r in rows}
        return by_series | {"all": _pooled(rows).figures()}

    product = [r for r in results if r.mode == "product"]
    oracle = [r for r in results if r.mode == "oracle"]
    return table(product) | ({"oracle": table(oracle)} if oracle else {})
