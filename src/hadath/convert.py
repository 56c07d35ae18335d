"""Convert annotations between formats: ``python -m hadath.convert --from brat DIR --to jsonl OUT``.

In: jsonl, brat, labelstudio, doccano or conll. Out: jsonl, brat or conll.
Everything is read and validated before anything is written. Prints one
summary line; on an annotation or file problem prints the problems to stderr
(one line each) and exits with 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from hadath.documents import Document
from hadath.errors import UserError
from hadath.io import AQMAR_TAG_MAP, FORMATS, read_any, read_conll, write_brat, write_conll, write_jsonl
from hadath.schema import load_schema

OUT_FORMATS = ("jsonl", "brat", "conll")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m hadath.convert", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--from",
        dest="source",
        nargs=2,
        metavar=("FORMAT", "PATH"),
        required=True,
        help=f"input format ({', '.join(FORMATS)}) and file or folder",
    )
    parser.add_argument(
        "--to",
        dest="target",
        nargs=2,
        metavar=("FORMAT", "PATH"),
        required=True,
        help=f"output format ({', '.join(OUT_FORMATS)}) and file (folder for brat)",
    )
    parser.add_argument("--schema", default="conflict-v1", help="schema name or YAML path (not used by conll input)")
    parser.add_argument(
        "--scheme",
        choices=("auto", "BIO", "BILOU"),
        default="auto",
        help="tag scheme of conll input; conll output is BILOU only when this says so",
    )
    parser.add_argument(
        "--malformed", choices=("error", "drop", "map"), default="error", help="what to do with malformed conll tags"
    )
    parser.add_argument("--tag-map", help="conll tag fixes: 'aqmar' or a JSON file {raw: fixed}")
    parser.add_argument("--labels", help="comma-separated labels a conll tag may carry (default: any)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    (in_fmt, in_path), (out_fmt, out_path) = args.source, args.target
    if in_fmt not in FORMATS or out_fmt not in OUT_FORMATS:
        parser.error(f"--from takes one of {', '.join(FORMATS)}; --to one of {', '.join(OUT_FORMATS)}")
    try:
        docs = _read(in_fmt, in_path, args)
        _write(docs, out_fmt, out_path, args.scheme)
    except (OSError, UserError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    events = sum(len(doc.events) for doc in docs)
    print(f"wrote {len(docs)} documents, {events} events: {in_fmt} {in_path} -> {out_fmt} {out_path}")
    return 0


def _read(fmt: str, path: str, args: argparse.Namespace) -> list[Document]:
    if fmt != "conll":
        return read_any(path, fmt, schema=load_schema(args.schema))
    labels = args.labels.split(",") if args.labels else None
    corpus = read_conll(
        path, scheme=args.scheme, malformed=args.malformed, tag_map=_tag_map(args.tag_map), labels=labels
    )
    for warning in corpus.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return corpus.documents


def _tag_map(spec: str | None) -> dict[str, str] | None:
    if not spec:
        return None
    if spec.lower() == "aqmar":
        return AQMAR_TAG_MAP
    return json.loads(Path(spec).read_text(encoding="utf-8"))


def _write(docs: list[Document], fmt: str, path: str, scheme: str) -> None:
    if fmt == "jsonl":
        write_jsonl(docs, path)
    elif fmt == "brat":
        write_brat(docs, path)
    else:
        for warning in write_conll(docs, path, scheme="BILOU" if scheme == "BILOU" else "BIO"):
            print(f"warning: {warning}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
