"""Fine-tuned quality of encoders, side by side: train each experiment, evaluate it on its test split, one table.

    python bench/encoders.py quickstart quickstart-tiny            # the bundled corpus: news-small against tiny
    python bench/encoders.py aqmar-news-small aqmar-tiny           # AQMAR NER
    python bench/encoders.py quickstart:model.name_or_path=DIR     # any overrides after a colon, comma-separated

Each run trains with ``train.py experiment=NAME`` into ``outputs/bench-encoders/NAME`` and then
runs ``evaluate.py`` on the test split of that config; the table gives training minutes and, on
test, trigger micro-F1, the event-level TI/TC/AI/AC F1 and role F1 given the gold triggers (where the
experiment trains arguments). Results are also written to ``outputs/bench-encoders/results.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "outputs" / "bench-encoders"


def run(args: list[str]) -> float:
    started = time.time()
    env = dict(os.environ, HF_HUB_OFFLINE=os.environ.get("HF_HUB_OFFLINE", "1"), TOKENIZERS_PARALLELISM="false")
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(args)}\n{done.stderr[-3000:]}")
    return time.time() - started


def measure(spec: str, out: Path = OUT, tests: dict[str, str] | None = None) -> dict:
    """Train ``experiment[:overrides]`` into ``out``, evaluate it; the row of scores.

    ``tests`` (name → annotated file) evaluates on those files too; their reports are
    ``out/<run>/evaluate-<name>/report.json``. Without it, the config's own test split.
    """
    name, _, extra = spec.partition(":")
    overrides = [o for o in extra.split(",") if o]
    label = spec.replace(":", "_").replace("/", "_").replace("=", "-").replace(",", "_")
    run_dir = out / label
    train_s = run(["train.py", f"experiment={name}", *overrides, f"hydra.run.dir={run_dir}"])
    evaluations = {"": None} if not tests else {f"-{k}": v for k, v in tests.items()}
    for suffix, test in evaluations.items():
        extra_args = [f"data.test={test}"] if test else []
        run(
            [
                "evaluate.py",
                f"checkpoint={run_dir / 'checkpoint'}",
                *extra_args,
                f"hydra.run.dir={run_dir / ('evaluate' + suffix)}",
            ]
        )
    report = json.loads((run_dir / ("evaluate" + next(iter(evaluations))) / "report.json").read_text())
    row = {"run": spec, "train_minutes": train_s / 60, "micro_f1": report["micro"]["f1"]}
    if "events" in report:
        row |= {level: report["events"][level]["f1"] for level in ("TI", "TC", "AI", "AC")}
        row["roles_gold_triggers"] = report["roles"]["micro"]["f1"]
    return row


def table(rows: list[dict]) -> str:
    keys = ["train_minutes", "micro_f1", "TI", "TC", "AI", "AC", "roles_gold_triggers"]
    keys = [k for k in keys if any(k in r for r in rows)]
    lines = ["| run | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
    for r in rows:
        cells = [f"{r[k]:.1f}" if k == "train_minutes" else f"{r[k]:.3f}" if k in r else "" for k in keys]
        lines.append(f"| {r['run']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", nargs="+", help="experiment names, each optionally followed by :overrides")
    rows = []
    for spec in parser.parse_args().runs:
        rows.append(measure(spec))
        print(table(rows[-1:]).splitlines()[-1], flush=True)
    OUT.mkdir(parents=True, exist_ok=True)
    results = OUT / "results.json"
    previous = json.loads(results.read_text()) if results.is_file() else []
    results.write_text(json.dumps(previous + rows, indent=2))
    print(table(rows))


if __name__ == "__main__":
    main()
