"""The HTML view of events: an article right to left, triggers coloured by type, arguments tied to them.

One self-contained page (inline CSS and a few lines of inline script; no fonts, images or
anything else fetched). In the text, each trigger is coloured by its event type and badged with
its event's number; each argument is underlined and badged ``role·number`` with the number of
the event it belongs to. Hovering anything of an event lights up the whole event: its trigger,
its arguments and its row in the table under the text. Every span's exact text is also in the
table, each in an element carrying ``data-start``/``data-end`` (offsets into the original text),
``data-kind`` and ``data-event``, so a page can be checked against the JSON it came from.

``events_page`` renders one article (predict.py ``format=html``); ``comparison_page`` renders
gold beside predicted (evaluate.py ``html=true``), and ``index_page`` links such pages.
"""

from __future__ import annotations

import html

COLOURS = [
    "#fbc4c9",
    "#c6e2d9",
    "#ffe7a0",
    "#c9d6fb",
    "#e4c8f2",
    "#bfe8c7",
    "#ffd3bf",
    "#d7dde3",
    "#b9cafb",
    "#f7bcd3",
    "#a9d8df",
]

STYLE = """
body{font-family:sans-serif;margin:1.5em auto;max-width:72em;line-height:2.1;color:#222}
.text{white-space:pre-wrap;font-size:1.1em}
.trigger{border-radius:.2em;padding:0 .1em}
.arg{border-bottom:2px solid #555}
sup.badge{font-size:.62em;direction:ltr;unicode-bidi:isolate;color:#333;background:#f3f3f3;
  border:1px solid #ccc;border-radius:.3em;padding:0 .25em;margin:0 .1em}
.hl{outline:2px solid #d33;background-color:#fff2a8}
table{border-collapse:collapse;margin-top:1em}td,th{border:1px solid #ccc;padding:.2em .5em;vertical-align:top}
.legend span{display:inline-block;margin:.1em .3em;padding:0 .4em;border-radius:.2em}
.columns{display:flex;gap:2em}.columns>div{flex:1;min-width:0}
"""

SCRIPT = """
document.querySelectorAll('[data-event]').forEach(function (el) {
  function all() { return document.querySelectorAll('[data-view="' + el.dataset.view + '"][data-event="' + el.dataset.event + '"]'); }
  el.addEventListener('mouseenter', function () { all().forEach(function (x) { x.classList.add('hl'); }); });
  el.addEventListener('mouseleave', function () { all().forEach(function (x) { x.classList.remove('hl'); }); });
});
"""


def colours(types) -> dict[str, str]:
    return {t: COLOURS[i % len(COLOURS)] for i, t in enumerate(sorted(set(types)))}


def _page(title: str, body: str) -> str:
    return (
        f'<!doctype html>\n<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{STYLE}</style></head><body>{body}<script>{SCRIPT}</script></body></html>\n"
    )


def legend(palette: dict[str, str]) -> str:
    items = "".join(f'<span style="background:{c}">{html.escape(t)}</span>' for t, c in palette.items())
    return f'<p class="legend">event types: {items} · <span class="arg">argument</span> role·event number</p>'


def render_text(text: str, events: list[dict], palette: dict[str, str], view: str) -> str:
    """The article with every trigger and argument marked; overlapping spans are cut into pieces."""
    spans = []  # (start, end, kind, event number, label)
    for n, event in enumerate(events, start=1):
        spans.append((event["trigger"]["start"], event["trigger"]["end"], "trigger", n, event["type"]))
        spans += [(a["start"], a["end"], "argument", n, a["role"]) for a in event["arguments"]]
    cuts = sorted({0, len(text), *(s for s, _, _, _, _ in spans), *(e for _, e, _, _, _ in spans)})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        covering = [s for s in spans if s[0] <= a and b <= s[1]]
        piece = html.escape(text[a:b])
        for _start, _end, kind, n, label in covering:
            attrs = f'data-view="{view}" data-event="{n}"'
            if kind == "trigger":
                colour = palette.get(label, "#eee")
                piece = f'<mark class="trigger" {attrs} style="background:{colour}">{piece}</mark>'
            else:
                piece = f'<span class="arg" {attrs}>{piece}</span>'
        out.append(piece)
        for start, end, kind, n, label in spans:  # badges where spans end
            if end == b and start < b:
                badge = f"{n} {label}" if kind == "trigger" else f"{label}·{n}"
                out.append(f'<sup class="badge" data-view="{view}" data-event="{n}">{html.escape(badge)}</sup>')
    return f'<div class="text">{"".join(out)}</div>'


def _span_cell(span: dict, kind: str, n: int, view: str, label: str) -> str:
    return (
        f'<span data-view="{view}" data-event="{n}" data-kind="{kind}" data-label="{html.escape(label)}" '
        f'data-start="{span["start"]}" data-end="{span["end"]}">{html.escape(span["text"])}</span>'
    )


def event_table(events: list[dict], view: str) -> str:
    rows = []
    for n, event in enumerate(events, start=1):
        trigger = event["trigger"]
        args = "; ".join(
            f"<b>{html.escape(a['role'])}</b>: {_span_cell(a, 'argument', n, view, a['role'])}"
            for a in event["arguments"]
        )
        rows.append(
            f'<tr data-view="{view}" data-event="{n}"><td>{n}</td><td>{html.escape(event["type"])}</td>'
            f"<td>{_span_cell(trigger, 'trigger', n, view, event['type'])}</td>"
            f"<td>{trigger['start']}–{trigger['end']}</td><td>{args}</td></tr>"
        )
    head = "<tr><th>#</th><th>type</th><th>trigger</th><th>offsets</th><th>arguments</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>"


def events_page(text: str, events: list[dict], title: str = "hadath") -> str:
    """One article and its events (the JSON shape of predict.py) as a self-contained RTL page."""
    palette = colours(e["type"] for e in events)
    body = (
        f"<h1>{html.escape(title)}</h1>{legend(palette)}"
        f"{render_text(text, events, palette, 'predicted')}{event_table(events, 'predicted')}"
    )
    return _page(title, body)


def comparison_page(doc_id: str, text: str, gold: list[dict], predicted: list[dict], back: str = "index.html") -> str:
    """Gold events beside predicted ones for one document."""
    palette = colours(e["type"] for e in [*gold, *predicted])
    columns = "".join(
        f"<div><h2>{name} ({len(events)} events)</h2>{render_text(text, events, palette, view)}"
        f"{event_table(events, view)}</div>"
        for name, view, events in (("gold", "gold", gold), ("predicted", "predicted", predicted))
    )
    body = (
        f'<p><a href="{html.escape(back)}">all documents</a></p><h1>{html.escape(doc_id)}</h1>'
        f'{legend(palette)}<div class="columns">{columns}</div>'
    )
    return _page(doc_id, body)


def index_page(title: str, rows: list[tuple[str, str, int, int]]) -> str:
    """Links to the document pages: (document id, file name, gold events, predicted events)."""
    items = "".join(
        f'<tr><td><a href="{html.escape(page)}">{html.escape(doc_id)}</a></td><td>{g}</td><td>{p}</td></tr>'
        for doc_id, page, g, p in rows
    )
    body = (
        f"<h1>{html.escape(title)}</h1><table><tr><th>document</th><th>gold events</th>"
        f"<th>predicted events</th></tr>{items}</table>"
    )
    return _page(title, body)
