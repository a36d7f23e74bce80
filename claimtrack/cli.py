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
from datetime import date
from pathlib import Path
from typing import Any

from core.errors import ClaimtrackError
from core.settings import default_db, default_model, default_sources

EPILOG = """examples:
  claimtrack ingest                          poll seeds/sources.toml once into data/claimtrack.duckdb
  claimtrack sql "SELECT government, count(*) FROM claims GROUP BY 1"
  claimtrack extract seeds/articles/         claims of saved .txt/.html files as JSON lines
  claimtrack reprocess                       re-extract stored articles after the rules, model or seeds changed
  claimtrack eval linking                    speaker -> government accuracy on annotated benchmark pages
  claimtrack eval polnear ../shared/benchmarks/attribution/polnear --split dev
  claimtrack rebuild                         recompute statements and position changes from the articles
  claimtrack positions --government CHN --topic ukraine-war --by month
  claimtrack report --government CHN --out report.html
  claimtrack backfill --since 2024-01-01 --until 2024-01-31
  claimtrack backfill --reprocess            re-extract stored raw pages with the current extractor
  claimtrack backfill --warc crawl.warc.gz --deployment   run it on the Prefect server instead
"""


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", type=Path, default=None, help="DuckDB file (default: $CLAIMTRACK_DB or data/claimtrack.duckdb)"
    )


def _add_processes(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--processes",
        default=None,
        metavar="N|auto",
        help="extraction worker processes (default: $CLAIMTRACK_PROCESSES or auto = usable cores, up to 4; "
        "1 = extract in this process)",
    )


def processes_option(value: str | None) -> int | None:
    """``--processes`` as the flows take it: a checked number, or None for ``auto`` (the flow's machine decides)."""
    from core.settings import resolve_processes

    if value is None or value.strip().lower() == "auto":
        return None
    return resolve_processes(value)


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
    _add_processes(ingest)
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

    reprocess = commands.add_parser(
        "reprocess",
        help="re-run claims, linking and topics over stored article text (no fetching)",
        description="Re-extract the claims of every stored article with the current extractor (rules, model, "
        "seeds/actors.csv, seeds/topics.toml, ...), appending a new claims version; the claims view switches to it. "
        "With --from-raw, text made by an older article extractor is first made again from the raw archive. "
        "Articles already at the current versions are skipped (so an interrupted run resumes). "
        "`claimtrack rebuild` does the same, then recomputes positions.",
    )
    _add_db(reprocess)
    reprocess.add_argument("--model", default=None, help="spaCy model name (default: en_core_web_sm)")
    reprocess.add_argument("--force", action="store_true", help="also redo articles already at the current version")
    reprocess.add_argument("--batch", type=int, default=50, help="articles per write transaction (default 50)")
    reprocess.add_argument(
        "--from-raw", action="store_true", help="re-extract text of articles made by an older article extractor"
    )
    reprocess.add_argument("--archive", type=Path, default=None, help="raw archive (default: <db folder>/raw)")

    evaluate = commands.add_parser("eval", help="evaluations against benchmark data in ../shared")
    targets = evaluate.add_subparsers(dest="target", required=True, metavar="TARGET")
    linking = targets.add_parser(
        "linking",
        help="speaker -> government accuracy on annotated news pages",
        description="Runs the pipeline over the annotated pages of ../shared/benchmarks/extraction (read at "
        "run time, never copied) and scores the government of every correctly extracted claim against "
        "evals/gold/linking.jsonl. Prints accuracy and failure kinds.",
    )
    linking.add_argument("--gold", type=Path, default=None, help="annotations (default: evals/gold/linking.jsonl)")
    linking.add_argument("--shared", type=Path, default=None, help="the shared folder (default: ../shared)")
    linking.add_argument("--json", type=Path, default=None, help="also write the results as JSON to this file")
    linking.add_argument("--show", action="store_true", help="print every failure with its speaker mention")
    linking.add_argument("--model", default=None, help="spaCy model name (default: en_core_web_sm)")
    extraction = targets.add_parser(
        "extraction",
        help="main-text quality of the article stage (4-word-shingle P/R/F1) next to trafilatura defaults",
        description="Extract the 181 pages of ../shared/benchmarks/extraction/scrapinghub-aeb (read in place, "
        "never copied) with the product's article settings and with trafilatura's defaults, and score both "
        "against the hand-checked article bodies with the corpus's published metric.",
    )
    extraction.add_argument(
        "--corpus", type=Path, default=None, help="the scrapinghub-aeb folder (default: ../shared/...)"
    )
    extraction.add_argument("--limit", type=int, default=None, help="score only the first N pages (sorted by id)")
    extraction.add_argument("--json", type=Path, default=None, help="also write the results as JSON to this file")
    polnear = targets.add_parser(
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
        help="comma-separated cue classes to extract: speech,belief,knowledge,stance (default: the pipeline's)",
    )
    polnear.add_argument("--n-process", type=int, default=1, help="worker processes for nlp.pipe (default 1)")
    rebuild = commands.add_parser(
        "rebuild",
        help="recompute everything derived from the articles (claims of stale versions, statements, positions)",
        description="`claimtrack reprocess` (claims whose extractor version is not the current one get a new "
        "version, old ones kept; with --from-raw, article text of an older article extractor is made again from "
        "the raw archive), then recompute statements, key phrases and position changes. Safe to re-run.",
    )
    _add_db(rebuild)
    rebuild.add_argument("--model", default=None, help="spaCy model name (default: $CLAIMTRACK_MODEL)")
    rebuild.add_argument(
        "--method",
        action="append",
        choices=("lexical", "minilm-onnx"),
        help="similarity method(s) for position_changes (repeatable; default lexical; minilm-onnx needs "
        "the embeddings extra)",
    )
    rebuild.add_argument(
        "--from-raw", action="store_true", help="re-extract text of articles made by an older article extractor"
    )
    rebuild.add_argument("--archive", type=Path, default=None, help="raw archive (default: <db folder>/raw)")

    positions = commands.add_parser(
        "positions",
        help="a government's statements on a topic over time, in the terminal",
        description="Volume per period, each statement with its label (new, reiteration, shift, reversal) "
        "and the earlier statement it was compared with, and the language used.",
    )
    _add_db(positions)
    positions.add_argument("--government", required=True, help="ISO alpha-3 code (CHN) or IGO code (XUN)")
    positions.add_argument("--topic", required=True, help="topic id, e.g. ukraine-war")
    positions.add_argument("--since", type=_day, default=None, help="only statements on or after YYYY-MM-DD")
    positions.add_argument("--by", choices=("day", "week", "month"), default="month", help="period (default month)")
    positions.add_argument("--method", default="lexical", help="similarity method whose labels to show")

    report = commands.add_parser(
        "report",
        help="a self-contained HTML report (timeline charts, changes, key phrases, sources)",
        description="One HTML file with no external assets: per government and topic a timeline chart of "
        "statement volume with labelled changes, the changes with both texts and links, and key phrases.",
    )
    _add_db(report)
    report.add_argument("--government", default=None, help="only this government (default: all)")
    report.add_argument("--topic", default=None, help="only this topic (default: all)")
    report.add_argument("--since", type=_day, default=None, help="only statements on or after YYYY-MM-DD")
    report.add_argument("--by", choices=("day", "week", "month"), default="month", help="chart period")
    report.add_argument("--method", default="lexical", help="similarity method whose labels to show")
    report.add_argument("--out", type=Path, required=True, help="the HTML file to write")

    backfill = commands.add_parser(
        "backfill",
        help="load a period, a URL list or WARC files, or re-extract stored pages",
        description="Run the backfill flow: locally (Prefect ephemeral mode, with a progress bar), or with "
        "--deployment on a Prefect server. Resumable: run the same command again after an interruption and "
        "only what is missing is done. With none of --urls-file, --warc, --reprocess, the sources are backfilled.",
    )
    _add_db(backfill)
    backfill.add_argument(
        "--sources", type=Path, default=None, help="sources TOML (default: $CLAIMTRACK_SOURCES or seeds/sources.toml)"
    )
    backfill.add_argument("--source", dest="source_names", action="append", metavar="NAME", help="only this source")
    backfill.add_argument("--since", type=_day, default=None, help="first publication day to take (YYYY-MM-DD, UTC)")
    backfill.add_argument("--until", type=_day, default=None, help="last publication day to take (YYYY-MM-DD, UTC)")
    backfill.add_argument("--urls-file", type=Path, default=None, help="text file with one page URL per line")
    backfill.add_argument("--warc", type=Path, action="append", default=None, metavar="FILE", help="WARC file")
    backfill.add_argument("--reprocess", action="store_true", help="re-extract stored raw pages (no network)")
    backfill.add_argument(
        "--allow-private", action="store_true", help="let --urls-file reach loopback/private addresses"
    )
    backfill.add_argument("--batch-size", type=int, default=None, help="pages per task (default 25)")
    backfill.add_argument("--model", default=None, help="spaCy model name (default: en_core_web_sm)")
    _add_processes(backfill)
    backfill.add_argument(
        "--deployment",
        nargs="?",
        const="backfill/backfill",
        default=None,
        metavar="FLOW/DEPLOYMENT",
        help="trigger this deployment on the Prefect server ($PREFECT_API_URL) instead (default backfill/backfill)",
    )
    backfill.add_argument("--no-wait", action="store_true", help="with --deployment: return once the run is created")
    backfill.add_argument("--json", action="store_true", help="print the run summary as JSON")
    return parser


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


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
        if args.command == "reprocess":
            return cmd_reprocess(args)
        if args.command == "eval" and args.target == "linking":
            return cmd_eval_linking(args)
        if args.command == "eval" and args.target == "extraction":
            return cmd_eval_extraction(args)
        if args.command == "eval" and args.target == "polnear":
            return cmd_eval_polnear(args)
        if args.command == "rebuild":
            return cmd_rebuild(args)
        if args.command == "positions":
            return cmd_positions(args)
        if args.command == "report":
            return cmd_report(args)
        if args.command == "backfill":
            return cmd_backfill(args)
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
    summary = ingest(
        sources=str(sources),
        db=str(db),
        model=args.model or default_model(),
        processes=processes_option(args.processes),
    )
    if args.json:
        print(json.dumps(summary, indent=2, default=str))
    else:
        print(format_summary(summary))
    if summary.get("status") != "completed":
        print(f"claimtrack: run finished with status {summary.get('status')}: see the problems above", file=sys.stderr)
        return 1
    return 0


def format_summary(summary: dict[str, Any]) -> str:
    rows = summary["sources"]
    flow = "backfill" if "batches" in summary else "ingest"
    lines = ["", f"{flow} run {summary['run_id']}", ""]
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
    failed += [("circuit breaker", reason) for reason in summary.get("hosts_skipped", {}).values()]
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
    from warehouse.reads import run_sql

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


def cmd_reprocess(args: argparse.Namespace) -> int:
    import uuid

    from core.settings import default_archive
    from extractors.nlp import load_pipeline
    from flows.reprocess import ReprocessSummary, reprocess
    from warehouse.writes import begin_run, finish_run

    db = Path(args.db or default_db())
    if not db.exists():
        raise ClaimtrackError(f"no database at {db}: run `claimtrack ingest --db {db}` first")
    nlp = load_pipeline(args.model or default_model())
    run_id = str(uuid.uuid4())
    parameters = {"db": str(db), "force": args.force, "from_raw": args.from_raw}
    begin_run(db, run_id, "reprocess", parameters)

    def progress(summary: ReprocessSummary) -> None:
        print(f"  {summary.reprocessed} articles re-extracted, {summary.claims} claims", file=sys.stderr)

    status = "failed"
    summary = None
    try:
        summary = reprocess(
            db,
            nlp,
            archive=args.archive or default_archive(db),
            from_raw=args.from_raw,
            force=args.force,
            run_id=run_id,
            batch_size=args.batch,
            progress=progress,
        )
        status = "completed"
    finally:
        finish_run(db, run_id, status, vars(summary) if summary else {})
    for error in summary.errors[:20]:
        print(f"  {error}", file=sys.stderr)
    text = (
        f", text re-extracted from the raw archive: {summary.text_reextracted} ({summary.text_changed} changed, "
        f"raw page missing: {summary.raw_missing}, no article any more: {summary.raw_failed})"
        if args.from_raw
        else ""
    )
    print(
        f"claims version {summary.version}: {summary.reprocessed} of {summary.articles} articles re-extracted "
        f"({summary.skipped_current} already current), {summary.claims} claims written{text}"
    )
    return 0


def cmd_eval_linking(args: argparse.Namespace) -> int:
    from evals.linking import DEFAULT_GOLD, default_shared, evaluate_linking, format_report
    from extractors.nlp import load_pipeline

    nlp = load_pipeline(args.model or default_model())
    report = evaluate_linking(nlp, gold=args.gold or DEFAULT_GOLD, shared=args.shared or default_shared())
    print(format_report(report, show=args.show))
    if args.json:
        args.json.write_text(json.dumps(report.as_json(), indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


def cmd_eval_extraction(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from evals.maintext import default_corpus, evaluate, format_runs, load_corpus, ours, trafilatura_defaults

    corpus = args.corpus or default_corpus()
    pages = load_corpus(corpus, args.limit)
    print(f"main-text extraction: {len(pages)} pages of {corpus}", file=sys.stderr)
    runs = [
        evaluate(pages, "claimtrack settings", ours()),
        evaluate(pages, "trafilatura defaults", trafilatura_defaults),
    ]
    print(format_runs(runs))
    if args.json:
        rows = [{"name": r.name, **asdict(r.quality), "seconds": round(r.seconds, 2)} for r in runs]
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


def cmd_rebuild(args: argparse.Namespace) -> int:
    from core.settings import default_archive
    from extractors.nlp import load_pipeline
    from flows.rebuild import rebuild
    from positions.refresh import PositionSettings

    db = args.db or default_db()
    if not db.exists():
        raise ClaimtrackError(f"no database at {db}: run `claimtrack ingest --db {db}` first")
    settings = PositionSettings(methods=tuple(args.method or ("lexical",)))
    summary = rebuild(
        db,
        load_pipeline(args.model or default_model()),
        archive=args.archive or default_archive(db),
        from_raw=args.from_raw,
        settings=settings,
        progress=lambda message: print(f"rebuild: {message}", file=sys.stderr, flush=True),
    )
    print(summary.describe())
    return 0


def cmd_positions(args: argparse.Namespace) -> int:
    from claimtrack.timeline import render_positions

    print(
        render_positions(
            args.db or default_db(), args.government, args.topic, since=args.since, grain=args.by, method=args.method
        )
    )
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from claimtrack.report import ReportOptions, write_report

    options = ReportOptions(
        government=args.government, topic=args.topic, since=args.since, grain=args.by, method=args.method
    )
    sections = write_report(args.db or default_db(), args.out, options)
    print(f"wrote {args.out} ({sections} government/topic sections)")
    return 0


def backfill_parameters(args: argparse.Namespace) -> dict[str, Any]:
    """The flow's parameters from the command line; paths made absolute (a worker may run elsewhere in the tree)."""

    def absolute(path: Path | None) -> str | None:
        return str(path.resolve()) if path is not None else None

    parameters: dict[str, Any] = {
        "sources": absolute(args.sources),
        "since": args.since,
        "until": args.until,
        "urls_file": absolute(args.urls_file),
        "warc": [absolute(p) for p in args.warc] if args.warc else None,
        "reprocess": args.reprocess,
        "source_names": args.source_names,
        "allow_private": args.allow_private,
        "db": absolute(args.db),
        "model": args.model,
        "processes": processes_option(args.processes),
    }
    if args.batch_size is not None:
        parameters["batch_size"] = args.batch_size
    return {k: v for k, v in parameters.items() if v is not None and v is not False}


def cmd_backfill(args: argparse.Namespace) -> int:
    parameters = backfill_parameters(args)
    if args.deployment:
        from flows.trigger import trigger_deployment

        return trigger_deployment(args.deployment, parameters, wait=not args.no_wait)
    from core.progress import TerminalBar, listening
    from flows.backfill import backfill

    with listening(TerminalBar()):
        summary = backfill(**parameters)
    if args.json:
        print(json.dumps(summary, indent=2, default=str))
    else:
        print(format_summary(summary))
    return 0


def cmd_eval_polnear(args: argparse.Namespace) -> int:
    from evals.polnear import EvalSettings, evaluate, format_report, load_split, print_progress
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
