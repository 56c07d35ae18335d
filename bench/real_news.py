"""What real training data buys: the same model trained on constructed, real and both, tested on real news.

    python bench/real_news.py                                   # experiment=quickstart (news-small)
    python bench/real_news.py --experiment quickstart-tiny      # the random-init control

Trains ``train.py experiment=E data=D`` for D in corpus (the constructed articles), real
and all (both train splits), with the experiment's settings unchanged, and evaluates each
checkpoint on the real test split and on the constructed test split. Prints Markdown
tables: TI/TC/AI/AC and role F1 given the gold triggers on both test splits; per-type TC F1
and per-role AC F1 on real test. Runs go to ``outputs/bench-real/``, the tables also to
``outputs/bench-real/<experiment>.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from encoders import ROOT, measure  # noqa: E402

from hadath.io.atomic import atomic_write_text  # noqa: E402

OUT = ROOT / "outputs" / "bench-real"
TESTS = {"real": str(ROOT / "annotations/real/test.jsonl"), "constructed": str(ROOT / "annotations/test.jsonl")}
DATA = {"corpus": "constructed", "real": "real", "all": "constructed + real"}


def report_of(run_dir: Path, test: str) -> dict:
    return json.loads((run_dir / f"evaluate-{test}" / "report.json").read_text())


def tables(experiment: str, runs: dict[str, Path], minutes: dict[str, float]) -> str:
    lines = [f"### `experiment={experiment}`", ""]
    lines += ["| trained on | train (min) | test | TI | TC | AI | AC | roles given gold triggers |"]
    lines += ["|---|---|---|---|---|---|---|---|"]
    for data, run_dir in runs.items():
        for test in TESTS:
            r = report_of(run_dir, test)
            ev = r["events"]
            cells = [f"{ev[level]['f1']:.3f}" for level in ("TI", "TC", "AI", "AC")]
            lines.append(
                f"| {DATA[data]} | {minutes[data]:.1f} | {test} | "
                + " | ".join(cells)
                + f" | {r['roles']['micro']['f1']:.3f} |"
            )
    for title, key, level in (("event type", "per_type", "TC"), ("role", "per_role", "AC")):
        reports = {data: report_of(run_dir, "real") for data, run_dir in runs.items()}
        names = sorted({n for r in reports.values() for n in r["events"][key]})
        gold = {n: max(r["events"][key][n][level]["n_gold"] for r in reports.values()) for n in names}
        lines += ["", f"{level} F1 per {title} on real test:", ""]
        lines += [f"| {title} | gold | " + " | ".join(DATA[d] for d in runs) + " |", "|---" * (len(runs) + 2) + "|"]
        for n in names:
            cells = [f"{reports[d]['events'][key][n][level]['f1']:.3f}" for d in runs]
            lines.append(f"| {n} | {gold[n]} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--experiment", default="quickstart")
    parser.add_argument("--data", nargs="+", default=list(DATA), choices=list(DATA))
    args = parser.parse_args()
    missing = [path for path in TESTS.values() if not Path(path).is_file()]
    if missing:
        sys.exit(f"test split not found: {', '.join(missing)}")
    runs, minutes = {}, {}
    for data in args.data:
        spec = f"{args.experiment}:data={data}"
        row = measure(spec, OUT, TESTS)
        runs[data] = OUT / spec.replace(":", "_").replace("=", "-")
        minutes[data] = row["train_minutes"]
        print(f"{spec}: trained in {row['train_minutes']:.1f} min", flush=True)
    text = tables(args.experiment, runs, minutes)
    atomic_write_text(OUT / f"{args.experiment}.md", text)
    print(text)


if __name__ == "__main__":
    main()
