"""The HTML view: spans with exact offsets in the DOM, right to left, tied to their events; rendered in Chromium."""

import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from hadath.documents import Argument, Event, Span
from hadath.view import comparison_page, events_page

TEXT = "قال مصدر إن مسلحين هاجموا حاجزاً للجيش في قرية الشحيل، ما أدى لمقتل جنديين."


def span(phrase: str) -> Span:
    start = TEXT.index(phrase)
    return Span(start, start + len(phrase), phrase)


# the same phrase is an argument of two events, and an argument overlaps another event's trigger
EVENTS = [
    Event("E1", "Attack", span("هاجموا"), (Argument("Agent", span("مسلحين")), Argument("Place", span("قرية الشحيل")))),
    Event("E2", "Killing", span("لمقتل"), (Argument("Victim", span("جنديين")), Argument("Place", span("قرية الشحيل")))),
]
EVENT_DICTS = [e.to_dict() for e in EVENTS]


class Spans(HTMLParser):
    """Every element that carries data-start/data-end, with its text."""

    def __init__(self):
        super().__init__()
        self.found, self.open, self.html_dir = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_dir = attrs.get("dir")
        self.open.append(attrs if "data-start" in attrs else None)
        if "data-start" in attrs:
            attrs["text"] = ""

    def handle_endtag(self, tag):
        attrs = self.open.pop() if self.open else None
        if attrs is not None:
            self.found.append(attrs)

    def handle_data(self, data):
        for attrs in self.open:
            if attrs is not None:
                attrs["text"] += data


def spans_in(page: str) -> Spans:
    parser = Spans()
    parser.feed(page)
    return parser


def expected_spans(events):
    out = set()
    for e in events:
        out.add(("trigger", e.trigger.start, e.trigger.end, e.trigger.text))
        out |= {("argument", a.span.start, a.span.end, a.span.text) for a in e.arguments}
    return out


def test_every_span_is_in_the_page_with_its_offsets_and_the_page_is_rtl_and_self_contained():
    page = events_page(TEXT, EVENT_DICTS, title="مقال")
    parsed = spans_in(page)
    found = {(a["data-kind"], int(a["data-start"]), int(a["data-end"]), a["text"]) for a in parsed.found}
    assert found == expected_spans(EVENTS)
    assert all(TEXT[s:e] == t for _, s, e, t in found)
    assert parsed.html_dir == "rtl"
    assert "http" not in page and "@import" not in page and "<link" not in page  # nothing fetched
    assert "Agent·1" in page and "Place·1" in page and "Place·2" in page and ">2 Killing</sup>" in page


def test_comparison_page_shows_gold_beside_predicted():
    predicted = [EVENT_DICTS[0]]
    page = comparison_page("doc-1", TEXT, EVENT_DICTS, predicted)
    views = [a["data-view"] for a in spans_in(page).found]
    assert views.count("gold") == 6 and views.count("predicted") == 3  # each event's trigger and arguments
    assert "gold (2 events)" in page and "predicted (1 events)" in page


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make browser installs it)")
def test_the_page_renders_in_headless_chromium(tmp_path):
    from matplotlib.image import imread

    page = tmp_path / "view.html"
    page.write_text(events_page(TEXT, EVENT_DICTS, title="مقال"), encoding="utf-8")
    flags = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1000,700"]
    shot = tmp_path / "shot.png"
    subprocess.run([*flags, f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120, check=True)
    pixels = imread(shot)
    assert pixels.shape[:2] == (700, 1000) and float(pixels.std()) > 0.02  # not a blank page
    dom = subprocess.run([*flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120).stdout
    parsed = spans_in(dom)  # the DOM as the browser built it, after the script ran
    found = {(a["data-kind"], int(a["data-start"]), int(a["data-end"]), a["text"]) for a in parsed.found}
    assert found == expected_spans(EVENTS)
    assert parsed.html_dir == "rtl"
