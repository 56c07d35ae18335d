"""Stories: articles that tell the same incident, found by the word 5-grams they share.

Two outlets reporting one car bomb share long runs of words (the agency wire they both
rewrote, the official's quote). Articles that share at least ``min_shared`` such 5-grams
are linked, and a story is a connected group of linked articles. Splits of real news
keep each story on one side, so a model is never tested on an incident it trained on;
pre-training keeps out every story of the dev and test articles.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

# A 5-gram found in more articles than this is boilerplate ("وقالت مصادر محلية إن …"), not a story.
COMMON = 20


def shingles(text: str, n: int = 5) -> set[str]:
    """The text's word ``n``-grams (words as runs of letters and digits)."""
    words = re.findall(r"\w+", text)
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


def story_groups(texts: dict[str, str], min_shared: int = 6) -> dict[str, str]:
    """Article id → story id (the smallest article id of its group)."""
    index: dict[str, list[str]] = defaultdict(list)
    for doc_id, text in texts.items():
        for s in shingles(text):
            index[s].append(doc_id)
    parent = {doc_id: doc_id for doc_id in texts}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    pairs: Counter = Counter()
    for ids in index.values():
        if 2 <= len(ids) <= COMMON:
            for i, a in enumerate(ids):
                for b in ids[i + 1 :]:
                    pairs[(a, b)] += 1
    for (a, b), shared in pairs.items():
        if shared >= min_shared:
            ra, rb = find(a), find(b)
            parent[max(ra, rb)] = min(ra, rb)
    return {doc_id: find(doc_id) for doc_id in texts}


def story_partners(
    targets: dict[str, str], documents: Iterable[tuple[str, str]], min_shared: int = 6
) -> dict[str, set[str]]:
    """For each target article, the streamed ``(id, text)`` documents that tell its story.

    One pass over ``documents``, holding only the targets' 5-grams: a document is a partner
    when it shares ``min_shared`` of them that fewer than ``COMMON`` documents contain.
    """
    owners: dict[str, list[str]] = defaultdict(list)
    for target_id, text in targets.items():
        for s in shingles(text):
            owners[s].append(target_id)
    found: dict[str, list[str]] = defaultdict(list)  # target 5-gram -> documents holding it (capped)
    for doc_id, text in documents:
        for s in shingles(text) & owners.keys():
            if len(found[s]) <= COMMON:
                found[s].append(doc_id)
    shared: Counter = Counter()
    for s, doc_ids in found.items():
        if len(doc_ids) <= COMMON:
            for doc_id in doc_ids:
                for target_id in owners[s]:
                    shared[(target_id, doc_id)] += 1
    partners: dict[str, set[str]] = {target_id: set() for target_id in targets}
    for (target_id, doc_id), n in shared.items():
        if n >= min_shared and doc_id != target_id:
            partners[target_id].add(doc_id)
    return partners
