"""Throughput of claim extraction against bare ``nlp.pipe`` on the same texts with the same model.

    .venv/bin/python bench/claims_throughput.py [--texts DIR] [--limit N] [--n-process N] [--batch-size N]
                                                [--rounds N] [--json-out FILE]

Texts: the PolNeAR dev split from ``../shared`` when present (read in place, never copied), else the product's
sample article repeated. Both runs use ``nlp.pipe`` with the same batch size and number of processes; rounds
alternate bare / claims so that machine noise hits both alike, and the median round counts. Prints both rates
(characters per second) and claims / bare as a ratio (the target is at least 0.90).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import spacy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claimtrack.settings import DEFAULT_MODEL, SEEDS_DIR  # noqa: E402
from extractors.nlp import TextItem, extract_claims, load_pipeline, resolve_model  # noqa: E402

DEFAULT_TEXTS = ROOT.parent / "shared" / "benchmarks" / "attribution" / "polnear" / "data" / "dev" / "text"


def load_texts(folder: Path, limit: int) -> tuple[list[str], str]:
    if folder.is_dir():
        files = sorted(folder.glob("*.txt"))[:limit]
        if files:
            return [f.read_text(encoding="utf-8") for f in files], f"{len(files)} texts from {folder}"
    sample = next(iter(sorted((SEEDS_DIR / "articles").glob("*.txt"))))
    text = sample.read_text(encoding="utf-8")
    print(f"note: {folder} not found; using the sample article {limit} times", file=sys.stderr)
    return [text] * limit, f"the sample article x{limit}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--texts", type=Path, default=DEFAULT_TEXTS, help="folder of .txt files")
    parser.add_argument("--limit", type=int, default=84, help="number of texts (default 84: all of PolNeAR dev)")
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--n-process", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json-out", type=Path, default=None)
    args = parser.parse_args(argv)

    texts, described = load_texts(args.texts, args.limit)
    chars = sum(len(t) for t in texts)
    bare = spacy.load(resolve_model(args.model))
    ours = load_pipeline(args.model)
    # Warm both up (first-call allocations, lazy lookups) outside the timed rounds.
    list(bare.pipe(texts[:4]))
    list(extract_claims(ours, [TextItem(t) for t in texts[:4]]))

    bare_rates: list[float] = []
    claim_rates: list[float] = []
    claims_found = 0
    for _ in range(args.rounds):
        started = time.perf_counter()
        for _doc in bare.pipe(texts, batch_size=args.batch_size, n_process=args.n_process):
            pass
        bare_rates.append(chars / (time.perf_counter() - started))
        started = time.perf_counter()
        claims_found = 0
        items = [TextItem(t) for t in texts]
        for claims in extract_claims(ours, items, batch_size=args.batch_size, n_process=args.n_process):
            claims_found += len(claims)
        claim_rates.append(chars / (time.perf_counter() - started))

    bare_rate = statistics.median(bare_rates)
    claim_rate = statistics.median(claim_rates)
    result = {
        "texts": described,
        "characters": chars,
        "model": ours.meta.get("name"),
        "n_process": args.n_process,
        "batch_size": args.batch_size,
        "rounds": args.rounds,
        "bare_chars_per_s": round(bare_rate),
        "claims_chars_per_s": round(claim_rate),
        "ratio": round(claim_rate / bare_rate, 3),
        "claims": claims_found,
    }
    print(f"texts:            {described} ({chars:,} characters), model {result['model']}")
    print(f"settings:         n_process={args.n_process} batch_size={args.batch_size} rounds={args.rounds}")
    print(f"bare nlp.pipe:    {bare_rate:,.0f} chars/s")
    print(f"claims pipeline:  {claim_rate:,.0f} chars/s ({claims_found} claims)")
    print(f"ratio:            {claim_rate / bare_rate:.3f} (target >= 0.90)")
    if args.json_out:
        args.json_out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
