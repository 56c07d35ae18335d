"""Inter-annotator agreement: F1 of one annotation of the same articles against another.

    python scripts/agreement.py FIRST.jsonl SECOND.jsonl

Both files are read and validated; only documents present in both are compared. Agreement
is reported with the project's own event scorer (hadath.metrics): TI, TC, AI and AC
F1 of SECOND against FIRST (F1 is symmetric: swapping the two swaps precision and recall).
"""

from __future__ import annotations

import argparse
import json
import sys

from hadath.io import read_jsonl
from hadath.metrics import format_event_table, score_events


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("first")
    parser.add_argument("second")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = parser.parse_args(argv)
    second = read_jsonl(args.second)
    ids = {d.id for d in second}
    first = [d for d in read_jsonl(args.first) if d.id in ids]
    missing = ids - {d.id for d in first}
    if missing:
        print(f"error: {sorted(missing)} are not in {args.first}", file=sys.stderr)
        return 1
    scores = score_events(first, second)
    print(json.dumps(scores, indent=1) if args.json else f"{len(first)} documents\n" + format_event_table(scores))
    return 0


if __name__ == "__main__":
    sys.exit(main())
