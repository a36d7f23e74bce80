"""The ``claimtrack`` command: a thin shell over flows, extractors and the warehouse.

Every subcommand takes ``--db FILE`` (default ``data/claimtrack.duckdb`` or ``$CLAIMTRACK_DB``).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from claimtrack.errors import ClaimtrackError
from claimtrack.settings import default_db, default_model, default_sources

EPILOG = """examples:
  claimtrack ingest                          poll seeds/sources.toml once into data/claimtrack.duckdb
  claimtrack sql "SELECT government, count(*) FROM claims GROUP BY 1"
  claimtrack extract seeds/articles/         claims of saved .txt/.html files as JSON lines
  claimtrack eval polnear ../shared/benchmarks/attribution/polnear --split dev
"""


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", type=Path, default=None, help="DuckDB file (default: $CLAIMTRACK_DB or data/claimtrack.duckdb)"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claimtrack",
        description="Track what governments say: ingest news and official pages, extract attributed "
        "statements, and query them in DuckDB.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = commands.add_parser(
        "ingest",
        help="run the ingest flow once (Prefect, local ephemeral mode)",
        description="Poll every source once: fetch new pages, extract articles and "
        "claims, link governments, write to DuckDB. Safe to re-run: nothing is duplicated.",
    )
    _add_db(ingest)
    ingest.add_argument(
        "--sources", type=Path, default=None, help="sources TOML (default: $CLAIMTRACK_SOURCES or seeds/sources.toml)"
    )
    ingest.add_argument("--model", default=None, help="spaCy model name (default: $CLAIMTRACK_MODEL or en_core_web_sm)")
    ingest.add_argument("--json", action="store_true", help="print the run summary as JSON")

    sql = commands.add_parser(
        "sql",
        help="run SQL against the database (read-only)",
        description="Run one SQL statement on a read-only connection. Works while an "
        "ingest is running: it waits (up to --wait seconds) for the writer's current batch.",
    )
    _add_db(sql)
    sql.add_argument("query", help='the SQL statement, e.g. "SELECT * FROM claims LIMIT 5"')
    sql.add_argument("--format", choices=("table", "csv", "json"), default="table")
    sql.add_argument("--wait", type=float, default=30.0, help="seconds to wait for the write lock (default 30)")
    sql.add_argument("--max-width", type=int, default=60, help="truncate table cells to this width (table format)")

    extract = commands.add_parser(
        "extract",
        help="print the claims of .txt/.html files as JSON lines",
        description="Each PATH is a .txt file (UTF-8 text as is), an .html file (main "
        "text extracted as in the pipeline) or a folder of them. Prints one JSON object "
        "per claim; offsets index the file text (.txt) or the extracted text (.html).",
    )
    extract.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    extract.add_argument("--format", choices=("jsonl",), default="jsonl")
    extract.add_argument("--model", default=None, help="spaCy model name (default: en_core_web_sm)")
    extract.add_argument("--n-process", type=int, default=1, help="worker processes for nlp.pipe (default 1)")
    extract.add_argument("--batch-size", type=int, default=32, help="texts per nlp.pipe batch (default 32)")

    evaluation = commands.add_parser(
        "eval",
        help="score the extractors against an annotated corpus",
        description="Score the extractors against an annotated corpus and print a table (optionally JSON).",
    )
    corpora = evaluation.add_subparsers(dest="corpus", required=True, metavar="CORPUS")
    polnear = corpora.add_parser(
        "polnear",
        help="claims vs PolNeAR attributions (overlap P/R/F1, by kind, speaker accuracy, exact spans)",
        description="Run the claims extractor over a PolNeAR split and score it: a prediction matches a gold "
        "attribution when at least half of its content characters lie in the gold content (one-to-one, greedy). "
        "DIR is the corpus folder (holding data/<split>/text and .../attributions).",
    )
    polnear.add_argument("directory", type=Path, metavar="DIR")
    polnear.add_argument("--split", choices=("train", "dev", "test"), required=True)
    polnear.add_argument("--limit", type=int, default=None, help="score only the first N articles (sorted by name)")
    polnear.add_argument("--json-out", type=Path, default=None, help="also write the scores as JSON to FILE")
    polnear.add_argument("--errors-out", type=Path, default=None, help="write missed/spurious claims as JSON to FILE")
    polnear.add_argument("--model", default=None, help="spaCy model name (default: en_core_web_sm)")
    polnear.add_argument(
        "--cue-classes",
        default=None,
        help="comma-separated cue classes to extract: speech,belief,knowledge (default: the pipeline's)",
    )
    polnear.add_argument("--n-process", type=int, default=1, help="worker processes for nlp.pipe (default 1)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # Offline or private deployments should not phone home; users can still turn it back on.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    args = build_parser().parse_args(argv)
    try:
        if args.command == "ingest":
            return cmd_ingest(args)
        if args.command == "sql":
            return cmd_sql(args)
        if args.command == "extract":
            return cmd_extract(args)
        if args.command == "eval":
            return cmd_eval(args)
    except ClaimtrackError as exc:
        print(f"claimtrack: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("claimtrack: interrupted", file=sys.stderr)
        return 130
    return 1


def cmd_ingest(args: argparse.Namespace) -> int:
    from flows.ingest import ingest

    db = args.db or default_db()
    sources = args.sources or default_sources()
    summary = ingest(sources=str(sources), db=str(db), model=args.model or default_model())
    if args.json:
        print(json.dumps(summary, indent=2, default=str))
    else:
        print(format_summary(summary))
    return 0


def format_summary(summary: dict[str, Any]) -> str:
    rows = summary["sources"]
    lines = ["", f"ingest run {summary['run_id']}", ""]
    header = ("source", "discovered", "fetched", "unchanged", "failed", "articles", "claims")
    table = [header] + [
        tuple(str(r[k]) for k in ("source", "discovered", "fetched", "unchanged", "failed", "articles", "claims"))
        for r in rows
    ]
    totals = ("total", *(str(sum(r[k] for r in rows)) for k in header[1:]))
    table.append(totals)
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for n, row in enumerate(table):
        if n in (1, len(table) - 1):
            lines.append("  ".join("-" * w for w in widths))
        lines.append(
            "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
        )
    failed = [(r["source"], e) for r in rows for e in r["errors"]]
    if failed:
        lines += ["", f"problems ({len(failed)}):"]
        lines += [f"  {source}: {error}" for source, error in failed[:20]]
        if len(failed) > 20:
            lines.append(f"  ... and {len(failed) - 20} more (see the fetches table)")
    lines += [
        "",
        f"sources polled:   {len(rows)}",
        f"articles stored:  {summary['articles_total']}",
        f"claims stored:    {summary['claims_total']}",
        f"governments seen: {', '.join(summary['governments']) or 'none'}",
        f"database:         {summary['db']}",
        "",
        "try:",
        f'  claimtrack sql "{summary["example_query"]}"',
    ]
    return "\n".join(lines)


def cmd_sql(args: argparse.Namespace) -> int:
    from warehouse.queries import run_sql

    result = run_sql(args.db or default_db(), args.query, timeout_s=args.wait)
    if args.format == "json":
        print(
            json.dumps(
                [dict(zip(result.columns, row, strict=True)) for row in result.rows],
                default=str,
                indent=1,
                ensure_ascii=False,
            )
        )
    elif args.format == "csv":
        out = csv.writer(sys.stdout)
        out.writerow(result.columns)
        out.writerows(result.rows)
    else:
        print(format_table(result.columns, result.rows, args.max_width))
    return 0


def format_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], max_width: int = 60) -> str:
    if not columns:
        return "OK"

    def cell(value: Any) -> str:
        text = "NULL" if value is None else str(value).replace("\n", " ")
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    table = [list(columns)] + [[cell(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(columns))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(table[0], widths, strict=True)), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in table[1:]]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def _input_files(paths: Sequence[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in (".txt", ".html", ".htm")
            )
        elif path.is_file():
            yield path
        else:
            raise ClaimtrackError(f"no such file or folder: {path}")


def cmd_extract(args: argparse.Namespace) -> int:
    from extractors.article import extract_article, split_date_header
    from extractors.nlp import TextItem, extract_claims, load_pipeline

    nlp = load_pipeline(args.model or default_model())
    files: list[tuple[Path, int]] = []
    items: list[TextItem] = []
    for path in _input_files(args.paths):
        try:
            if path.suffix.lower() == ".txt":
                raw = path.read_text(encoding="utf-8")
                text, published, offset = split_date_header(raw)
            else:
                article = extract_article(path.read_bytes(), path.as_uri())
                text, published, offset = article.text, article.published_at, 0
        except (ClaimtrackError, UnicodeDecodeError) as exc:
            print(f"claimtrack: skipping {path}: {exc}", file=sys.stderr)
            continue
        files.append((path, offset))
        items.append(TextItem(text, published.date() if published else None))
    stream = extract_claims(nlp, items, batch_size=args.batch_size, n_process=args.n_process)
    for (path, offset), claims in zip(files, stream, strict=True):
        for claim in claims:
            if offset:
                claim = claim.shifted(offset)
            record = {"file": str(path), **claim.to_json()}
            print(json.dumps(record, ensure_ascii=False))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    if args.corpus == "polnear":
        return cmd_eval_polnear(args)
    return 1


def cmd_eval_polnear(args: argparse.Namespace) -> int:
    from extractors.evaluation.polnear import EvalSettings, evaluate, format_report, load_split, print_progress
    from extractors.nlp import load_pipeline

    articles = load_split(args.directory, args.split, args.limit)
    model = args.model or default_model()
    cue_classes = args.cue_classes.replace(" ", "") if args.cue_classes else None
    settings = EvalSettings(model=model, n_process=args.n_process)
    print(f"claimtrack: scoring {len(articles)} PolNeAR {args.split} articles with {model}", file=sys.stderr)
    nlp = load_pipeline(model, cue_classes=cue_classes)
    report = evaluate(nlp, articles, split=args.split, settings=settings, progress=print_progress)
    print(format_report(report))
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
    if args.errors_out:
        args.errors_out.parent.mkdir(parents=True, exist_ok=True)
        args.errors_out.write_text(json.dumps(report.errors, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
