"""Readers and writers of annotation formats. Every reader returns validated Documents."""

from hadath.io.jsonl import read_jsonl, write_jsonl

__all__ = ["read_jsonl", "write_jsonl"]
