"""The ``claimtrack`` command: parse the command line, build the parameters a library user would build, hand them
to the flows or the evaluations, print what comes back (``claimtrack.formatting``).

Each subcommand is an ``add_<command>`` that declares its flags, with its handler ``run_<command>`` right below
(``set_defaults(func=...)``). Options several commands share (``--db``, ``--model``, ``--processes``, ...) are
declared once, at the top. Heavy modules are imported inside the handlers, so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from pydantic_core import ValidationError

from claimtrack.choices import SIMILARITY_METHODS
from core.errors import ClaimtrackError, DiskFull
from core.settings import DEFAULT_SIMILARITY, default_db, default_model

if TYPE_CHECKING:
    from flows.params import BackfillParams

EPILOG = """examples:
  claimtrack ingest                          poll seeds/sources.toml once into data/claimtrack.duckdb
  claimtrack sql "SELECT government, count(*) FROM claims GROUP BY 1"
  claimtrack extract seeds/articles/         claims of saved .txt/.html files as JSON lines
  claimtrack reprocess                       re-extract stored articles after the rules, model or seeds changed
  claimtrack eval linking                    speaker -> government accuracy on annotated benchmark pages
  claimtrack eval polnear ../shared/benchmarks/attribution/polnear --split dev
  claimtrack eval positions                  position-change labels on dated series of real reporting
  claimtrack rebuild                         recompute statements and position changes from the articles
  claimtrack positions --government CHN --topic ukraine-war --by month
  claimtrack report --government CHN --out report.html
  claimtrack backfill --since 2024-01-01 --until 2024-01-31
  claimtrack backfill --reprocess            re-extract stored raw pages with the current extractor
  claimtrack backfill --warc crawl.warc.gz --deployment   run it on the Prefect server instead
"""

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
Handler = Callable[[argparse.Namespace], int]


def main(argv: Sequence[str] | None = None) -> int:
    # Offline or private deployments should not phone home; users can still turn it back on.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # Prefect's 20 s for its local API server to start is too short on a busy machine (measured: load 10 on two
    # cores made `claimtrack eval positions` fail with "Timed out while attempting to connect").
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    args = build_parser().parse_args(argv)
    handler: Handler = args.func
    try:
        code = handler(args)
        sys.stdout.flush()  # a reader that went away shows here, not in the interpreter's exit flush
        return code
    except BrokenPipeError:  # `claimtrack sql ... | head`: the reader has all it wanted
        return stdout_closed()
    except ClaimtrackError as exc:
        print(f"claimtrack: error: {exc}", file=sys.stderr)
        return 2
    except ValidationError as exc:  # parameters outside their bounds (flows.params)
        from claimtrack.formatting import describe_invalid

        print(f"claimtrack: error: {describe_invalid(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("claimtrack: interrupted", file=sys.stderr)
        return 130


#: The exit status of a command killed by SIGPIPE (128 + 13), as `cat big | head` leaves it.
EXIT_BROKEN_PIPE = 141


def stdout_closed() -> int:
    """The reader of stdout has gone: send what is still buffered nowhere (so the interpreter's own flush at exit
    does not raise again) and end as a command killed by SIGPIPE would, without a traceback."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return EXIT_BROKEN_PIPE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claimtrack",
        description="Track what governments say: ingest news and official pages, extract attributed "
        "statements, and query them in DuckDB.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in COMMANDS:
        add(commands)
    return parser


# -- options several commands share ------------------------------------------------------------------------------------


def add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", type=Path, default=None, help="DuckDB file (default: $CLAIMTRACK_DB or data/claimtrack.duckdb)"
    )


def add_sources(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sources", type=Path, default=None, help="sources TOML (default: $CLAIMTRACK_SOURCES or seeds/sources.toml)"
    )


def add_model(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", default=None, help="spaCy model name (default: $CLAIMTRACK_MODEL or en_core_web_sm)")


def add_processes(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--processes",
        default=None,
        metavar="N|auto",
        help="extraction worker processes (default: $CLAIMTRACK_PROCESSES or auto = usable cores, up to 4; "
        "1 = extract in this process)",
    )


def add_from_raw(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from-raw", action="store_true", help="re-extract text of articles made by an older article extractor"
    )
    parser.add_argument("--archive", type=Path, default=None, help="raw archive (default: <db folder>/raw)")


def add_n_process(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--n-process", type=int, default=1, help="worker processes for nlp.pipe (default 1)")


def add_method(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--method",
        choices=SIMILARITY_METHODS,
        default=DEFAULT_SIMILARITY,
        help=f"similarity method whose labels to show (default {DEFAULT_SIMILARITY})",
    )


def processes_option(value: str | None) -> int | None:
    """``--processes`` as the flows take it: a checked number, or None for ``auto`` (the flow's machine decides)."""
    from core.settings import resolve_processes

    if value is None or value.strip().lower() == "auto":
        return None
    return resolve_processes(value)


def day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def print_run_summary(summary: dict[str, Any], *, as_json: bool) -> None:
    from claimtrack.formatting import format_summary

    print(json.dumps(summary, indent=2, default=str) if as_json else format_summary(summary))


@contextmanager
def summary_when_stopped(*, as_json: bool) -> Iterator[None]:
    """A run that stopped for lack of room to write (``DiskFull``) still prints its summary as far as it got, then
    the error (one line, exit 2)."""
    try:
        yield
    except DiskFull as exc:
        if exc.summary:
            print_run_summary(exc.summary, as_json=as_json)
        raise


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- ingest ------------------------------------------------------------------------------------------------------------


def add_ingest(commands: Commands) -> None:
    ingest = commands.add_parser(
        "ingest",
        help="run the ingest flow once (Prefect, local ephemeral mode)",
        description="Poll every source once: fetch new pages, extract articles and "
        "claims, link governments, write to DuckDB. Safe to re-run: nothing is duplicated.",
    )
    add_db(ingest)
    add_sources(ingest)
    add_model(ingest)
    add_processes(ingest)
    ingest.add_argument(
        "--shards",
        type=int,
        default=1,
        help="split the sources into this many flow runs of the ingest-shard deployment, run by the work pool's"
        " workers (needs a Prefect server and CLAIMTRACK_WAREHOUSE=ducklake: docs/deploy.md)",
    )
    ingest.add_argument("--json", action="store_true", help="print the run summary as JSON")
    ingest.set_defaults(func=run_ingest)


def run_ingest(args: argparse.Namespace) -> int:
    from flows.params import IngestParams
    from flows.preflight import check_ingest
    from flows.runlock import one_run_per_database

    processes = processes_option(args.processes)
    params = IngestParams(
        sources=args.sources, db=args.db, model=args.model, processes=processes, shards=args.shards
    )
    settings = params.settings()
    check_ingest(settings)  # a typo fails here, before Prefect starts or the database is made
    # Taken before Prefect starts (seconds), so that a second ingest on the same database stops at once.
    with one_run_per_database(settings.db):
        from flows.apiserver import tie_local_api_server
        from flows.ingest import ingest

        tie_local_api_server()
        with summary_when_stopped(as_json=args.json):
            summary = ingest(params)
    print_run_summary(summary, as_json=args.json)
    return settled(summary)


def settled(summary: dict[str, Any]) -> int:
    """A run's exit code: 0 when it completed, also ``degraded`` (what was reachable is stored; a warning says which
    sources failed), 1 when our own code failed on part of it."""
    from claimtrack.formatting import degraded_warning

    status = summary.get("status")
    if status == "degraded":
        say(f"claimtrack: warning: {degraded_warning(summary)}")
        return 0
    if status != "completed":
        say(f"claimtrack: run finished with status {status}: see the problems above")
        return 1
    return 0


# -- sql ---------------------------------------------------------------------------------------------------------------


def add_sql(commands: Commands) -> None:
    sql = commands.add_parser(
        "sql",
        help="run SQL against the database (read-only)",
        description="Run SQL on a read-only connection that reads the database only (no other files, no network, "
        "no extensions); several statements run in order and each result is printed. Works while an ingest is "
        "running: it waits (up to --wait seconds) for the writer's current batch.",
    )
    add_db(sql)
    sql.add_argument("query", help='the SQL, e.g. "SELECT * FROM claims LIMIT 5"')
    sql.add_argument("--format", choices=("table", "csv", "json"), default="table")
    sql.add_argument("--wait", type=float, default=30.0, help="seconds to wait for the write lock (default 30)")
    sql.add_argument("--max-width", type=int, default=60, help="truncate table cells to this width (table format)")
    sql.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="stop the query after this long (default 60; 0 = no limit): a running query keeps an ingest waiting",
    )
    sql.set_defaults(func=run_sql)


def run_sql(args: argparse.Namespace) -> int:
    from claimtrack.formatting import format_json_rows, format_table, write_csv
    from warehouse import reads

    limits = reads.QueryLimits(lock_wait_s=args.wait)
    if args.timeout is not None:
        limits = reads.QueryLimits(lock_wait_s=args.wait, timeout_s=args.timeout or None)
    for number, result in enumerate(reads.run_adhoc(args.db or default_db(), args.query, limits)):
        if number:
            print()  # several statements: each result printed, a blank line between them
        if args.format == "csv":
            write_csv(result.columns, result.rows, sys.stdout)
        elif args.format == "json":
            print(format_json_rows(result.columns, result.rows))
        else:
            print(format_table(result.columns, result.rows, args.max_width))
    return 0


# -- lake-copy ---------------------------------------------------------------------------------------------------------


def add_lake_copy(commands: Commands) -> None:
    copy = commands.add_parser(
        "lake-copy",
        help="copy a DuckDB file's rows into the DuckLake, or the DuckLake's into a new DuckDB file",
        description="Move a warehouse between the backends (docs/deploy.md 'Run on several machines'). The DuckLake"
        " is the one CLAIMTRACK_LAKE_CATALOG and CLAIMTRACK_LAKE_DATA name. 'in': FILE's rows into the lake (which"
        " must be empty); 'out': the lake's rows into FILE (which must not exist). Run it while nothing writes.",
    )
    copy.add_argument("direction", choices=("in", "out"))
    copy.add_argument("file", type=Path, help="the DuckDB file")
    copy.set_defaults(func=run_lake_copy)


def run_lake_copy(args: argparse.Namespace) -> int:
    from core.errors import ConfigError
    from core.settings import WarehouseSettings
    from warehouse.transfer import copy_file_to_lake, copy_lake_to_file

    lake = WarehouseSettings.from_env()
    if not (lake.lake_catalog and lake.lake_data):
        raise ConfigError("lake-copy needs CLAIMTRACK_LAKE_CATALOG and CLAIMTRACK_LAKE_DATA (the DuckLake to use)")
    lake = WarehouseSettings(backend="ducklake", lake_catalog=lake.lake_catalog, lake_data=lake.lake_data)
    copied = copy_file_to_lake(args.file, lake) if args.direction == "in" else copy_lake_to_file(lake, args.file)
    for table, rows in copied.items():
        print(f"{table}\t{rows}")
    return 0


# -- extract -----------------------------------------------------------------------------------------------------------


def add_extract(commands: Commands) -> None:
    extract = commands.add_parser(
        "extract",
        help="print the claims of .txt/.html files as JSON lines",
        description="Each PATH is a .txt file (UTF-8 text as is), an .html file (main "
        "text extracted as in the pipeline) or a folder of them. Prints one JSON object "
        "per claim; offsets index the file text (.txt) or the extracted text (.html).",
    )
    extract.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    extract.add_argument("--format", choices=("jsonl",), default="jsonl")
    add_model(extract)
    add_n_process(extract)
    extract.add_argument("--batch-size", type=int, default=32, help="texts per nlp.pipe batch (default 32)")
    extract.set_defaults(func=run_extract)


def run_extract(args: argparse.Namespace) -> int:
    from extractors.nlp import load_pipeline
    from flows.files import claims_of_files

    def skipped(path: Path, exc: Exception) -> None:
        say(f"claimtrack: skipping {path}: {exc}")

    def noted(path: Path, note: str) -> None:
        say(f"claimtrack: {path}: {note}")

    nlp = load_pipeline(args.model or default_model())
    for path, claims in claims_of_files(
        args.paths, nlp, batch_size=args.batch_size, n_process=args.n_process, on_skip=skipped, on_note=noted
    ):
        for claim in claims:
            print(json.dumps({"file": str(path), **claim.to_json()}, ensure_ascii=False))
    return 0


# -- reprocess and rebuild ---------------------------------------------------------------------------------------------


def add_reprocess(commands: Commands) -> None:
    reprocess = commands.add_parser(
        "reprocess",
        help="re-run claims, linking and topics over stored article text (no fetching)",
        description="Re-extract the claims of every stored article with the current extractor (rules, model, "
        "seeds/actors.csv, seeds/topics.toml, ...), appending a new claims version; the claims view switches to it. "
        "With --from-raw, text made by an older article extractor is first made again from the raw archive. "
        "Articles already at the current versions are skipped (so an interrupted run resumes). "
        "`claimtrack rebuild` does the same, then recomputes positions.",
    )
    add_db(reprocess)
    add_model(reprocess)
    reprocess.add_argument("--force", action="store_true", help="also redo articles already at the current version")
    reprocess.add_argument("--batch", type=int, default=50, help="articles per write transaction (default 50)")
    add_from_raw(reprocess)
    reprocess.set_defaults(func=run_reprocess)


def run_reprocess(args: argparse.Namespace) -> int:
    from claimtrack.formatting import format_reprocess
    from flows.params import ReprocessParams
    from flows.reprocess import ReprocessSummary, reprocess_database

    def progress(done: ReprocessSummary) -> None:
        print(f"  {done.reprocessed} articles re-extracted, {done.claims} claims", file=sys.stderr)

    params = ReprocessParams(
        db=args.db, model=args.model, force=args.force, batch_size=args.batch, from_raw=args.from_raw,
        archive=args.archive,
    )  # fmt: skip
    summary = reprocess_database(params, progress)
    for error in summary.errors[:20]:
        print(f"  {error}", file=sys.stderr)
    print(format_reprocess(summary, from_raw=args.from_raw))
    return 0


def add_rebuild(commands: Commands) -> None:
    rebuild = commands.add_parser(
        "rebuild",
        help="recompute everything derived from the articles (claims of stale versions, statements, positions)",
        description="`claimtrack reprocess` (claims whose extractor version is not the current one get a new "
        "version, old ones kept; with --from-raw, article text of an older article extractor is made again from "
        "the raw archive), then recompute statements, key phrases and position changes. Safe to re-run.",
    )
    add_db(rebuild)
    add_model(rebuild)
    rebuild.add_argument(
        "--method",
        action="append",
        choices=SIMILARITY_METHODS,
        help=f"similarity method(s) for position_changes (repeatable; default {DEFAULT_SIMILARITY})",
    )
    add_from_raw(rebuild)
    rebuild.set_defaults(func=run_rebuild)


def run_rebuild(args: argparse.Namespace) -> int:
    from flows.params import RebuildParams
    from flows.rebuild import rebuild_database

    params = RebuildParams(
        db=args.db, model=args.model, methods=tuple(args.method or (DEFAULT_SIMILARITY,)), from_raw=args.from_raw,
        archive=args.archive,
    )  # fmt: skip
    print(rebuild_database(params, progress=lambda message: say(f"rebuild: {message}")).describe())
    return 0


# -- eval --------------------------------------------------------------------------------------------------------------


def add_eval(commands: Commands) -> None:
    evaluate = commands.add_parser("eval", help="evaluations against benchmark data in ../shared")
    targets = evaluate.add_subparsers(dest="target", required=True, metavar="TARGET")
    add_eval_linking(targets)
    add_eval_extraction(targets)
    add_eval_polnear(targets)
    add_eval_attribution(targets)
    add_eval_topics(targets)
    add_eval_positions(targets)


def add_eval_linking(targets: Commands) -> None:
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
    add_model(linking)
    linking.set_defaults(func=run_eval_linking)


def run_eval_linking(args: argparse.Namespace) -> int:
    from evals.linking import DEFAULT_GOLD, default_shared, evaluate_linking, format_report
    from extractors.nlp import load_pipeline

    nlp = load_pipeline(args.model or default_model())
    report = evaluate_linking(nlp, gold=args.gold or DEFAULT_GOLD, shared=args.shared or default_shared())
    print(format_report(report, show=args.show))
    if args.json:
        args.json.write_text(json.dumps(report.as_json(), indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


def add_eval_extraction(targets: Commands) -> None:
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
    extraction.set_defaults(func=run_eval_extraction)


def run_eval_extraction(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from evals.maintext import default_corpus, evaluate, format_runs, load_corpus, ours, trafilatura_defaults

    corpus = args.corpus or default_corpus()
    pages = load_corpus(corpus, args.limit)
    say(f"main-text extraction: {len(pages)} pages of {corpus}")
    runs = [
        evaluate(pages, "claimtrack settings", ours()),
        evaluate(pages, "trafilatura defaults", trafilatura_defaults),
    ]
    print(format_runs(runs))
    if args.json:
        rows = [{"name": r.name, **asdict(r.quality), "seconds": round(r.seconds, 2)} for r in runs]
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


def add_eval_polnear(targets: Commands) -> None:
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
    add_model(polnear)
    polnear.add_argument(
        "--cue-classes",
        default=None,
        help="comma-separated cue classes to extract: speech,belief,knowledge,stance (default: the pipeline's)",
    )
    add_n_process(polnear)
    polnear.set_defaults(func=run_eval_polnear)


def run_eval_polnear(args: argparse.Namespace) -> int:
    from evals.polnear import EvalSettings, evaluate, format_report, load_split, print_progress
    from extractors.nlp import load_pipeline

    articles = load_split(args.directory, args.split, args.limit)
    model = args.model or default_model()
    cue_classes = args.cue_classes.replace(" ", "") if args.cue_classes else None
    settings = EvalSettings(model=model, n_process=args.n_process)
    say(f"claimtrack: scoring {len(articles)} PolNeAR {args.split} articles with {model}")
    nlp = load_pipeline(model, cue_classes=cue_classes)
    report = evaluate(nlp, articles, split=args.split, settings=settings, progress=print_progress)
    print(format_report(report))
    if args.json_out:
        write_text(args.json_out, json.dumps(report.to_json(), indent=2) + "\n")
    if args.errors_out:
        write_text(args.errors_out, json.dumps(report.errors, indent=1, ensure_ascii=False) + "\n")
    return 0


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# -- positions and report ----------------------------------------------------------------------------------------------


def add_eval_attribution(targets: Commands) -> None:
    attribution = targets.add_parser(
        "attribution",
        help="speakers and governments on real news outside Europe, China and Russia (evals/gold/attribution)",
        description="Run the claims extractor over the dated news excerpts of evals/gold/attribution (as "
        "`extract` runs dated .txt files) and score each annotated statement: found (a claim holds its key words), "
        "correct (that claim has the gold government and a variant of the gold full name), government accuracy "
        "among found; dev and test halves.",
    )
    attribution.add_argument("--show", action="store_true", help="list the dev half's failures")
    attribution.add_argument("--json", type=Path, default=None, help="also write the results as JSON to this file")
    add_model(attribution)
    attribution.set_defaults(func=run_eval_attribution)


def run_eval_attribution(args: argparse.Namespace) -> int:
    from evals.attribution import evaluate_attribution, format_report
    from extractors.nlp import load_pipeline

    report = evaluate_attribution(load_pipeline(args.model or default_model()))
    print(format_report(report, show=args.show))
    write_json(args.json, report.as_json())
    return 0


def add_eval_topics(targets: Commands) -> None:
    topics = targets.add_parser(
        "topics",
        help="precision and recall of claim topics per topic, on 711 annotated statements (evals/gold/topics)",
        description="Run the pipeline over the annotated benchmark pages of ../shared and 32 news excerpts, and "
        "score the topics of the claim found for each annotated statement, per topic and for the dev and test "
        "halves.",
    )
    topics.add_argument("--shared", type=Path, default=None, help="the shared folder (default: ../shared)")
    topics.add_argument("--json", type=Path, default=None, help="also write the results as JSON to this file")
    add_model(topics)
    topics.set_defaults(func=run_eval_topics)


def run_eval_topics(args: argparse.Namespace) -> int:
    from evals.topics import evaluate_topics, format_report
    from extractors.nlp import load_pipeline

    report = evaluate_topics(load_pipeline(args.model or default_model()), shared=args.shared)
    print(format_report(report))
    write_json(args.json, report.as_json())
    return 0


def add_eval_positions(targets: Commands) -> None:
    positions = targets.add_parser(
        "positions",
        help="position-change labels against dated series of real reporting (evals/gold/series)",
        description="Write each series' articles as dated .txt files, ingest them into a fresh database with "
        "`claimtrack ingest`, and score the label of every annotated stance statement: agreement, the confusion "
        "table, shift/reversal recall and precision, topic coverage.",
    )
    positions.add_argument(
        "--method",
        choices=SIMILARITY_METHODS,
        default=DEFAULT_SIMILARITY,
        help="similarity method whose labels to score",
    )
    positions.add_argument("--keep", type=Path, default=None, help="keep the series databases in this folder")
    positions.add_argument(
        "--oracle",
        action="store_true",
        help="also score each series with the gold government and topic on every annotated statement (what the "
        "labels would be with perfect attribution and topics)",
    )
    positions.add_argument("--json", type=Path, default=None, help="also write the results as JSON to this file")
    add_model(positions)
    positions.set_defaults(func=run_eval_positions)


def run_eval_positions(args: argparse.Namespace) -> int:
    from evals.series import as_json, evaluate_series, format_results

    results = evaluate_series(method=args.method, model=args.model, keep=args.keep, oracle=args.oracle)
    print(format_results(results))
    write_json(args.json, as_json(results))
    return 0


def write_json(path: Path | None, data: object) -> None:
    """``--json FILE``: the evaluation's figures as JSON (folders made as needed)."""
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")


def add_positions(commands: Commands) -> None:
    positions = commands.add_parser(
        "positions",
        help="a government's statements on a topic over time, in the terminal",
        description="What the government says as of the last statement (its standing positions), volume per "
        "period, each statement with its label (new, reiteration, shift, reversal), the earlier statement it was "
        "compared with and what changed, and the language used. With --as-of DAY: only what it said as of that day.",
    )
    add_db(positions)
    positions.add_argument("--government", required=True, help="ISO alpha-3 code (CHN) or IGO code (XUN)")
    positions.add_argument("--topic", required=True, help="topic id, e.g. ukraine-war")
    positions.add_argument("--since", type=day, default=None, help="only statements on or after YYYY-MM-DD")
    positions.add_argument("--by", choices=("day", "week", "month"), default="month", help="period (default month)")
    add_method(positions)
    positions.add_argument(
        "--as-of", type=day, default=None, help="print what the government said as of YYYY-MM-DD (standing positions)"
    )
    positions.set_defaults(func=run_positions)


def run_positions(args: argparse.Namespace) -> int:
    from claimtrack.choices import check_choices, government_code, topic_id
    from claimtrack.timeline import render_as_of, render_positions
    from core.text import escape_control_chars

    db = args.db or default_db()
    government, topic = government_code(args.government), topic_id(args.topic)
    check_choices(db, government=government, topic=topic, method=args.method)
    if args.as_of is not None:
        timeline = render_as_of(db, government, topic, args.as_of, method=args.method)
    else:
        timeline = render_positions(db, government, topic, since=args.since, grain=args.by, method=args.method)
    print(escape_control_chars(timeline))  # page text stored before control characters were stripped
    return 0


def add_report(commands: Commands) -> None:
    report = commands.add_parser(
        "report",
        help="a self-contained HTML report (positions, point lanes, changes, key phrases, sources)",
        description="One HTML file with no external assets: per government and topic what it says as of a day "
        "(its standing positions), a chart with one lane per point over time (shifts and reversals marked, texts "
        "on hover), the changes with both texts and what changed, statement volume, and key phrases.",
    )
    add_db(report)
    report.add_argument("--government", default=None, help="only this government (default: all)")
    report.add_argument("--topic", default=None, help="only this topic (default: all)")
    report.add_argument("--since", type=day, default=None, help="only statements on or after YYYY-MM-DD")
    report.add_argument("--by", choices=("day", "week", "month"), default="month", help="chart period")
    add_method(report)
    report.add_argument(
        "--as-of", type=day, default=None, help="open each section with the position as of YYYY-MM-DD (default: latest)"
    )
    report.add_argument("--out", type=Path, required=True, help="the HTML file to write")
    report.set_defaults(func=run_report)


def run_report(args: argparse.Namespace) -> int:
    from claimtrack.choices import check_choices, government_code, topic_id
    from claimtrack.report import ReportOptions, write_report

    db = args.db or default_db()
    government = government_code(args.government) if args.government else None
    topic = topic_id(args.topic) if args.topic else None
    check_choices(db, government=government, topic=topic, method=args.method)
    options = ReportOptions(
        government=government, topic=topic, since=args.since, grain=args.by, method=args.method, as_of=args.as_of
    )
    sections = write_report(db, args.out, options)
    print(f"wrote {args.out} ({sections} government/topic sections)")
    return 0


# -- backfill ----------------------------------------------------------------------------------------------------------


def add_backfill(commands: Commands) -> None:
    backfill = commands.add_parser(
        "backfill",
        help="load a period, a URL list or WARC files, or re-extract stored pages",
        description="Run the backfill flow: locally (Prefect ephemeral mode, with a progress bar), or with "
        "--deployment on a Prefect server. Resumable: run the same command again after an interruption and "
        "only what is missing is done. With none of --urls-file, --warc, --reprocess, the sources are backfilled.",
    )
    add_db(backfill)
    add_sources(backfill)
    backfill.add_argument("--source", dest="source_names", action="append", metavar="NAME", help="only this source")
    backfill.add_argument("--since", type=day, default=None, help="first publication day to take (YYYY-MM-DD, UTC)")
    backfill.add_argument("--until", type=day, default=None, help="last publication day to take (YYYY-MM-DD, UTC)")
    backfill.add_argument("--urls-file", type=Path, default=None, help="text file with one page URL per line")
    backfill.add_argument("--warc", type=Path, action="append", default=None, metavar="FILE", help="WARC file")
    backfill.add_argument("--reprocess", action="store_true", help="re-extract stored raw pages (no network)")
    backfill.add_argument(
        "--allow-private", action="store_true", help="let --urls-file reach loopback/private addresses"
    )
    backfill.add_argument("--batch-size", type=int, default=None, help="pages per task (default 25)")
    add_model(backfill)
    add_processes(backfill)
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
    backfill.set_defaults(func=run_backfill)


def run_backfill(args: argparse.Namespace) -> int:
    params = backfill_params(args)
    if args.deployment:
        from flows.trigger import trigger_deployment

        return trigger_deployment(args.deployment, params, wait=not args.no_wait)
    from flows.preflight import check_backfill

    check_backfill(params, params.settings())  # a typo fails here, before Prefect starts or the database is made

    from core.progress import TerminalBar, listening
    from flows.apiserver import tie_local_api_server
    from flows.backfill import backfill

    tie_local_api_server()

    with listening(TerminalBar()), summary_when_stopped(as_json=args.json):
        summary = backfill(params)
    print_run_summary(summary, as_json=args.json)
    return settled(summary)


def backfill_params(args: argparse.Namespace) -> BackfillParams:
    """The flow's parameters from the command line; paths made absolute (a deployment's worker may run elsewhere
    in the tree)."""
    from flows.params import DEFAULT_BACKFILL, BackfillParams

    def absolute(path: Path | None) -> Path | None:
        return path.resolve() if path is not None else None

    return BackfillParams(
        sources=absolute(args.sources),
        since=args.since,
        until=args.until,
        urls_file=absolute(args.urls_file),
        warc=tuple(path.resolve() for path in args.warc) if args.warc else None,
        reprocess=args.reprocess,
        source_names=tuple(args.source_names) if args.source_names else None,
        allow_private=args.allow_private,
        batch_size=args.batch_size if args.batch_size is not None else DEFAULT_BACKFILL.batch_size,
        db=absolute(args.db),
        model=args.model,
        processes=processes_option(args.processes),
    )


#: The subcommands, in the order ``claimtrack --help`` lists them.
COMMANDS: tuple[Callable[[Commands], None], ...] = (
    add_ingest,
    add_sql,
    add_extract,
    add_reprocess,
    add_eval,
    add_rebuild,
    add_positions,
    add_report,
    add_backfill,
    add_lake_copy,
)

if __name__ == "__main__":
    sys.exit(main())
