"""The figures hadath writes (PNG, matplotlib's Agg backend): one home for their look and their saving.

- ``f1_bars``: F1 per trigger label and per role, with their 95% bootstrap intervals (evaluate.py);
- ``confusion_heatmap``: gold against predicted event types, with a ``none`` row and column;
- ``training_curves``: training loss and dev F1 per epoch of each tagger (train.py);
- ``save_figure``: every figure is written atomically.
"""

from __future__ import annotations

from pathlib import Path


def pyplot():
    """matplotlib's pyplot on the file-only Agg backend (no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_figure(fig, out: Path, dpi: int = 100) -> None:
    """Write ``fig`` to ``out`` atomically (a temporary file, then a rename) and close it."""
    plt = pyplot()
    out = Path(out)
    tmp = out.with_name(out.name + ".tmp.png")
    fig.savefig(tmp, dpi=dpi)
    plt.close(fig)
    tmp.replace(out)


def f1_bars(report: dict, out: Path) -> None:
    """Horizontal F1 bars per label, one panel for triggers and one for roles, with interval whiskers."""
    plt = pyplot()
    intervals = report.get("intervals", {})
    panels = [("triggers (per event type)", report, "triggers")]
    if "roles" in report:
        panels.append(("roles, given the gold triggers", report["roles"], "roles"))
    height = max(len(section.get("per_label", {})) for _, section, _ in panels) + 1
    fig, axes = plt.subplots(1, len(panels), figsize=(5.5 * len(panels), 0.35 * height + 1.4), squeeze=False)
    for axis, (title, section, key) in zip(axes[0], panels):
        rows = [*section.get("per_label", {}).items(), ("micro", section["micro"])]
        labels = [label for label, _ in rows]
        scores = [m["f1"] for _, m in rows]
        spans = intervals.get(key, {})
        low = [max(0.0, s - spans.get(label, [s, s])[0]) for label, s in zip(labels, scores)]
        high = [max(0.0, spans.get(label, [s, s])[1] - s) for label, s in zip(labels, scores)]
        colours = ["tab:blue"] * (len(rows) - 1) + ["tab:orange"]
        axis.barh(labels, scores, xerr=[low, high] if spans else None, color=colours, capsize=3)
        axis.invert_yaxis()
        axis.set(xlim=(0, 1), title=title, xlabel="F1" + (" (95% bootstrap interval)" if spans else ""))
        axis.grid(axis="x", alpha=0.3)
    fig.suptitle(f"{report.get('split', '')}: {report.get('documents', 0)} documents", fontsize=10)
    fig.tight_layout()
    save_figure(fig, out)


def confusion_heatmap(confusion: dict, out: Path) -> None:
    """The event-type confusion matrix as a heatmap with counts in the cells."""
    plt = pyplot()
    labels, matrix = confusion["labels"], confusion["matrix"]
    size = 0.55 * len(labels) + 2
    fig, axis = plt.subplots(figsize=(size + 1, size))
    image = axis.imshow(matrix, cmap="Blues")
    axis.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    axis.set_yticks(range(len(labels)), labels)
    axis.set(xlabel="predicted type", ylabel="gold type", title="event types (triggers paired by span)")
    peak = max((max(row) for row in matrix), default=0)
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            if count:
                colour = "white" if count > peak / 2 else "black"
                axis.text(j, i, str(count), ha="center", va="center", fontsize=8, color=colour)
    fig.colorbar(image, ax=axis, shrink=0.7)
    fig.tight_layout()
    save_figure(fig, out)


def training_curves(histories: dict[str, list[dict]], out: Path) -> None:
    """Training loss and dev F1 per epoch for each tagger, from the Trainer's ``state.log_history``."""
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
    for name, history in histories.items():
        loss = [(h["epoch"], h["loss"]) for h in history if "loss" in h and "epoch" in h]
        if loss:
            left.plot(*zip(*loss), marker="o", label=name)
        # a joint run also logs each head's dev F1 beside the mean it keeps the best epoch by
        for key, label in (("eval_f1", name), ("eval_triggers_f1", "triggers"), ("eval_arguments_f1", "arguments")):
            dev = [(h["epoch"], h[key]) for h in history if key in h]
            if dev and not (key == "eval_f1" and name == "joint"):
                right.plot(*zip(*dev), marker="o", label=label if name != "joint" else f"{label} (joint)")
            elif dev:
                right.plot(*zip(*dev), marker=".", linestyle="--", label="mean (joint, kept by)")
    left.set(title="training loss", xlabel="epoch", ylabel="cross-entropy")
    right.set(title="dev F1 (the score the best epoch is kept by)", xlabel="epoch", ylabel="F1", ylim=(0, 1))
    for axis in (left, right):
        axis.grid(alpha=0.3)
        if axis.lines:
            axis.legend()
    fig.tight_layout()
    save_figure(fig, out)
