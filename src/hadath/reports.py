"""Human-readable views of reports: console tables, Markdown, CSV (the HTML view is ``hadath.view``)."""

from __future__ import annotations

from hadath.intervals import interval_text


def label_table(title: str, section: dict, intervals: dict | None = None) -> str:
    """A fixed-width table of per-label precision, recall, F1 and support, then micro and macro rows;
    with ``intervals`` (``{label | "micro": [low, high]}``) a 95% interval column for F1."""
    ci = intervals is not None
    lines = [
        title,
        f"{'label':<22}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}" + ("  95% CI" if ci else ""),
    ]
    rows = list(section.get("per_label", {}).items()) + [
        ("micro avg", section["micro"]),
        ("macro avg", section["macro"]),
    ]
    for i, (label, m) in enumerate(rows):
        if i == len(rows) - 2:
            lines.append("-" * 62)
        line = f"{label:<22}{m['precision']:>10.3f}{m['recall']:>10.3f}{m['f1']:>10.3f}{m['support']:>10d}"
        interval = (intervals or {}).get("micro" if label == "micro avg" else label)
        lines.append(line + (f"  {interval_text(interval)}" if interval else ""))
    return "\n".join(lines)


def format_report(report: dict) -> str:
    """The console view of an evaluation report."""
    intervals = report.get("intervals", {})
    parts = [
        f"{report.get('split', '')}: {report.get('documents', 0)} documents, {report['mode']}",
        label_table(
            "Triggers (per event type)" if report.get("label_kind") != "span label" else "Spans (per label)",
            report,
            intervals.get("triggers"),
        ),
    ]
    if intervals:
        parts.append(
            f"95% CI: bootstrap percentile intervals of F1, {intervals['n_bootstrap']} resamples of the documents "
            f"(seed {intervals['seed']})"
        )
    if "roles" in report:
        decoding = report.get("argument_decoding", "argmax")
        parts.append(
            label_table(f"Roles (given gold triggers; {decoding} decoding)", report["roles"], intervals.get("roles"))
        )
    if "events" in report:
        from hadath.metrics import format_event_table

        parts.append(
            "AC_overlap counts an argument with the right event and role whose span overlaps the gold one: "
            "a diagnostic of boundary errors beside AC, never a replacement for it"
        )
        parts.append(
            "Event level, end to end (predicted triggers)\n"
            + format_event_table(report["events"], intervals.get("events"))
        )
        parts.append(
            "Event level, arguments given gold triggers\n"
            + format_event_table(report["events_gold_triggers"], intervals.get("events_gold_triggers"))
        )
    if report.get("dropped_role_predictions"):
        parts.append(
            f"note: {report['dropped_role_predictions']} role prediction(s) dropped: the schema does not "
            "allow that role for the event's type"
        )
    misaligned = report.get("alignment", {}).get("gold_spans_off_word_boundaries", 0)
    if misaligned:
        parts.append(f"note: {misaligned} gold span(s) do not lie on word boundaries; scored on the words they touch")
    return "\n\n".join(parts)


def _ci(intervals: dict | None, key: str) -> str:
    return interval_text((intervals or {}).get(key))


def report_markdown(report: dict) -> str:
    """The report as Markdown tables (``report.md``): labels with 95% intervals, then event levels."""
    intervals = report.get("intervals", {})
    lines = [
        f"# Evaluation: {report.get('split', '')}",
        "",
        f"- checkpoint: `{report.get('checkpoint', '')}`",
        f"- documents: {report.get('documents', 0)}",
        f"- scoring: {report['mode']}",
    ]
    if "argument_decoding" in report:
        lines.append(f"- argument decoding: {report['argument_decoding']}")
    if intervals:
        lines.append(
            f"- 95% CI: bootstrap percentile intervals of F1 over {intervals['n_bootstrap']} resamples of the "
            f"documents, seed {intervals['seed']}"
        )
    sections = [("Triggers", report, "triggers")]
    if "roles" in report:
        sections.append(("Roles, given the gold triggers", report["roles"], "roles"))
    for title, section, key in sections:
        lines += [
            "",
            f"## {title}",
            "",
            "| label | precision | recall | F1 | 95% CI | support |",
            "|---|---|---|---|---|---|",
        ]
        rows = [*section.get("per_label", {}).items(), ("micro", section["micro"]), ("macro", section["macro"])]
        for label, m in rows:
            lines.append(
                f"| {label} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | "
                f"{_ci(intervals.get(key), label)} | {m['support']} |"
            )
    for title, key in (
        ("Events, end to end", "events"),
        ("Events, arguments given the gold triggers", "events_gold_triggers"),
    ):
        if key not in report:
            continue
        lines += ["", f"## {title}", "", "| level | precision | recall | F1 | 95% CI | gold | predicted | correct |"]
        lines.append("|---|---|---|---|---|---|---|---|")
        for level in ("TI", "TC", "AI", "AC", "AC_overlap", "AI_unattached", "AC_unattached"):
            if level in report[key]:
                m = report[key][level]
                lines.append(
                    f"| {level} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | "
                    f"{_ci(intervals.get(key), level)} | {m['n_gold']} | {m['n_pred']} | {m['tp']} |"
                )
    if "events" in report:
        lines += [
            "",
            "AC_overlap (boundaries forgiven) is a diagnostic beside AC, never a replacement for it.",
        ]
    if "confusion" in report:
        labels, matrix = report["confusion"]["labels"], report["confusion"]["matrix"]
        lines += ["", "## Event types: gold (rows) against predicted (columns), triggers paired by span", ""]
        lines += ["| gold \\ predicted | " + " | ".join(labels) + " |", "|---" * (len(labels) + 1) + "|"]
        lines += [f"| {label} | " + " | ".join(map(str, row)) + " |" for label, row in zip(labels, matrix)]
    return "\n".join(lines) + "\n"


def comparison_markdown(result: dict) -> str:
    """A comparison (``evaluate.py compare=[A,B]``) as Markdown: each section's F1s, difference, p-value."""
    lines = [
        "# Comparison",
        "",
        f"- A: `{result['first']}`",
        f"- B: `{result['second']}`",
        f"- {result['documents']} documents, {result['mode']}",
        f"- paired bootstrap over documents: {result['n_bootstrap']} resamples, seed {result['seed']}",
        "",
        f"**{result['verdict']}**",
    ]
    for section, rows in result["sections"].items():
        lines += [
            "",
            f"## {section}",
            "",
            "| label | A F1 | B F1 | B − A | 95% CI of B − A | p |",
            "|---|---|---|---|---|---|",
        ]
        for label, r in rows.items():
            low, high = r["interval"]
            lines.append(
                f"| {label} | {r['first']:.3f} | {r['second']:.3f} | {r['delta']:+.3f} | "
                f"{low:+.3f} … {high:+.3f} | {r['p']:.3f} |"
            )
    return "\n".join(lines) + "\n"


def per_label_csv(report: dict) -> str:
    """``per_label.csv``: one row per trigger label and role label, with the 95% interval of F1."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "label", "precision", "recall", "f1", "f1_low", "f1_high", "support"])
    intervals = report.get("intervals", {})
    sections = [("triggers", report)] + ([("roles", report["roles"])] if "roles" in report else [])
    for name, section in sections:
        rows = [*section.get("per_label", {}).items(), ("micro", section["micro"]), ("macro", section["macro"])]
        for label, m in rows:
            low, high = intervals.get(name, {}).get(label, ["", ""])
            cells = [m["precision"], m["recall"], m["f1"], low, high]
            writer.writerow([name, label, *(f"{x:.4f}" if x != "" else "" for x in cells), m["support"]])
    return out.getvalue()
