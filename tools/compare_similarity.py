"""Compare similarity methods for position_changes: on the minimal-pair probe, and on a database's real rows.

    .venv/bin/python tools/compare_similarity.py [--db FILE] [--pairs FILE.tsv]

Prints per method: probe accuracy per kind, mean scores, AUCs (paraphrase over other-claim, paraphrase over
reversal) and, with ``--db``, the label distribution each method gives the same statements and how often the
two methods agree.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evals.probe import load_pairs, run_pairs, summarise  # noqa: E402
from extractors.nlp import load_pipeline  # noqa: E402
from flows.refresh import refresh_positions  # noqa: E402
from positions.refresh import PositionSettings  # noqa: E402
from positions.similarity import METHODS, similarity_for  # noqa: E402
from warehouse.reads import comparison_agreement, comparison_labels  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=Path, default=ROOT / "tests" / "fixtures" / "probe" / "minimal_pairs.tsv")
    parser.add_argument("--db", type=Path, default=None, help="also compare on this database (it is refreshed)")
    args = parser.parse_args()
    nlp = load_pipeline()
    pairs = load_pairs(args.pairs)
    print(f"probe: {len(pairs)} pairs from {args.pairs}")
    for name in METHODS:
        clock = time.perf_counter()
        similarity = similarity_for(name)
        loaded = time.perf_counter() - clock
        clock = time.perf_counter()
        summary = summarise(run_pairs(pairs, nlp, similarity))
        print(f"\n{name} ({similarity.version}); load {loaded:.2f}s, probe {time.perf_counter() - clock:.2f}s")
        for key, value in summary.items():
            print(f"  {key}: {value}")
    if args.db:
        clock = time.perf_counter()
        refresh_positions(args.db, nlp=nlp, settings=PositionSettings(methods=METHODS))
        print(f"\nrefreshed {args.db} with {', '.join(METHODS)} in {time.perf_counter() - clock:.2f}s")
        rows = comparison_agreement(args.db, "lexical", "minilm-onnx")
        agree = sum(n for a, b, n in rows if a == b)
        total = sum(n for _, _, n in rows)
        for method in METHODS:
            labels = Counter(comparison_labels(args.db, method))
            print(f"  {method}: {dict(sorted(labels.items()))}")
        print(f"  same label on {agree}/{total} comparisons")
        for a, b, n in sorted(rows, key=lambda r: -r[2]):
            print(f"    lexical {a:<11} minilm {b:<11} {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
