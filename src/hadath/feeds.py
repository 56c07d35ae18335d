"""Articles in bulk: reading a feed (a folder of .txt files or a JSONL file) and a resumable JSONL output.

``iter_articles`` streams ``Article(id, text, problem)``: an article that cannot be used (not
UTF-8, empty, a JSONL line without id or text) comes with ``problem`` set, one line naming the
file (and line) and the fault, so a caller can skip it and go on, or stop. ``resume_position``
reads what an earlier, interrupted run already wrote to an output, so the run restarts where it
stopped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from hadath.errors import UserError


class Article(NamedTuple):
    id: str
    text: str
    problem: str | None = None  # why it cannot be used, with its location; None when it can
    empty: bool = False  # the problem is only that it holds no text


def count_articles(path: str | Path) -> int:
    """How many articles ``iter_articles`` will yield (for a progress bar)."""
    path = Path(path)
    if path.is_dir():
        return len(list(path.glob("*.txt")))
    with path.open("rb") as f:
        return sum(1 for line in f if line.strip())


def iter_articles(path: str | Path) -> Iterator[Article]:
    """The articles of a folder of UTF-8 ``.txt`` files (id = file name without .txt, in name order) or of a
    JSONL file with ``{"id", "text"}`` per line (read line by line, never whole)."""
    path = Path(path)
    if path.is_dir():
        files = sorted(path.glob("*.txt"))
        if not files:
            raise UserError(f"{path}: no .txt articles in this folder")
        for file in files:
            try:
                text = file.read_bytes().decode("utf-8")
            except UnicodeDecodeError as err:
                yield Article(file.stem, "", f"{file}: not UTF-8 text (byte {err.start}); convert it to UTF-8 first")
                continue
            empty = not text.strip()
            yield Article(file.stem, text, f"{file}: empty article" if empty else None, empty)
        return
    if not path.is_file():
        raise UserError(f"articles not found: {path} (a folder of .txt files or a JSONL file)")
    with path.open("rb") as f:
        for number, raw in enumerate(f, start=1):
            where = f"{path}:{number}"
            try:
                line = raw.decode("utf-8").lstrip("\ufeff")
            except UnicodeDecodeError as err:
                yield Article(f"line {number}", "", f"{where}: not UTF-8 (byte {err.start} of the line)")
                continue
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as err:
                yield Article(f"line {number}", "", f"{where}: invalid JSON ({err.msg})")
                continue
            if not isinstance(item, dict) or not isinstance(item.get("text"), str) or item.get("id") in (None, ""):
                yield Article(f"line {number}", "", f'{where}: each line needs an "id" and a "text" (a string)')
                continue
            text, empty = item["text"], not item["text"].strip()
            yield Article(str(item["id"]), text, f"{where}: article {item['id']} is empty" if empty else None, empty)


def resume_position(output: Path) -> set[str]:
    """Ids already written to ``output`` (one JSON object a line) by an earlier run of the same command.

    A last line cut short by a kill is removed (the file is truncated after the last complete
    line), so appending continues cleanly; an output that is not such a file is refused.
    """
    if not output.exists():
        return set()
    data = output.read_bytes()
    complete = data[: data.rfind(b"\n") + 1]
    if len(complete) < len(data):
        with output.open("r+b") as f:
            f.truncate(len(complete))
    done = set()
    for number, line in enumerate(complete.decode("utf-8").splitlines(), start=1):
        try:
            done.add(str(json.loads(line)["id"]))
        except (json.JSONDecodeError, KeyError, TypeError):
            raise UserError(
                f"{output}:{number}: not a line of an earlier run's output; pass another output= or remove the file"
            ) from None
    return done
