"""Pick the real conflict and security articles to annotate from the unlabelled news, repeatably.

    python scripts/select_real_articles.py ../shared/data/news-unlabeled -o annotations/real/articles.jsonl

Candidates are the ANT ``middleEast`` and ``internationalNews`` articles and the SaudiNewsNet
articles of a length one can annotate whose words are dense with conflict vocabulary. They
are grouped into stories (articles sharing enough rare word 5-grams: the same incident told by
two outlets), and at most one article a story is taken, greedily, so that sources, countries
and the event types the vocabulary suggests are spread as evenly as possible (ties broken by id).

Articles for the dev and test splits come only from the pool that pre-training never saw:
documents that ``pretrain.py`` holds out by the hash of their id (``corpus.heldout_fraction``,
0.02 for models/news-small), and only from stories all of whose articles lie in that pool. Each
chosen article keeps its text exactly as published, with its id, source, date, title, pool and
story in ``meta``. The same input gives the same output.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from hadath.io.atomic import atomic_write_text
from hadath.pretraining.corpus import is_heldout
from hadath.stories import story_groups

# Stems that suggest each event type (matched at word starts, after an optional clitic).
TYPE_CUES = {
    "Attack": ["هجوم", "هاجم", "استهدف", "استهداف", "اعتداء"],
    "Bombing": ["تفجير", "انفجار", "فجر", "مفخخ", "ناسفة", "انتحاري"],
    "Shelling": ["قصف", "غارة", "غارات", "قذائف", "قذيفة", "صاروخ", "صواريخ"],
    "Clash": ["اشتباك", "اشتبك", "معارك", "مواجهات"],
    "Killing": ["قتل", "مقتل", "قتلى", "استشهد", "شهيد", "لقي حتفه", "مصرع"],
    "Injury": ["أصيب", "إصابة", "جرح", "جرحى", "مصاب"],
    "Arrest": ["اعتقل", "اعتقال", "القبض", "احتجاز", "أوقف", "توقيف"],
    "Abduction": ["اختطف", "اختطاف", "خطف", "مخطوف", "رهائن"],
    "MilitaryOperation": ["عملية عسكرية", "حملة أمنية", "مداهمة", "داهم", "ملاحقة", "هجوم بري"],
    "Protest": ["تظاهر", "مظاهرة", "متظاهر", "احتجاج", "محتج", "وقفة احتجاجية"],
    "Displacement": ["نزوح", "نزح", "نازح", "تهجير", "هجّر", "لاجئ", "فرار"],
}
COUNTRIES = {
    "Syria": ["سوريا", "سورية", "دمشق", "حلب", "إدلب", "الرقة", "دير الزور", "درعا", "حمص", "الغوطة", "عفرين"],
    "Iraq": ["العراق", "بغداد", "الموصل", "الأنبار", "كركوك", "البصرة", "نينوى", "ديالى"],
    "Yemen": ["اليمن", "صنعاء", "عدن", "الحديدة", "تعز", "الحوثي", "مأرب"],
    "Libya": ["ليبيا", "طرابلس", "بنغازي", "سرت", "درنة", "مصراتة"],
    "Palestine": ["فلسطين", "غزة", "الضفة الغربية", "القدس", "رام الله", "الخليل", "نابلس", "جنين"],
    "Lebanon": ["لبنان", "بيروت", "عرسال", "صيدا", "طرابلس اللبنانية"],
    "Afghanistan": ["أفغانستان", "كابول", "طالبان", "قندهار", "هلمند"],
    "Somalia": ["الصومال", "مقديشو", "الشباب"],
    "Sudan": ["السودان", "الخرطوم", "دارفور", "جوبا"],
    "Egypt": ["مصر", "سيناء", "القاهرة", "العريش"],
    "Saudi Arabia": ["السعودية", "الرياض", "القطيف", "جازان", "نجران"],
    "Nigeria/Sahel": ["نيجيريا", "بوكو حرام", "مالي", "النيجر", "تشاد"],
}
CLITIC = '(?:^|(?<=[\\s\\("«]))(?:[وفبلك]|ال|وال|بال|لل|فال)?'


def cue_pattern(stems: list[str]) -> re.Pattern:
    return re.compile(CLITIC + "(?:" + "|".join(map(re.escape, stems)) + ")")


TYPE_PATTERNS = {name: cue_pattern(stems) for name, stems in TYPE_CUES.items()}
COUNTRY_PATTERNS = {name: re.compile("|".join(map(re.escape, names))) for name, names in COUNTRIES.items()}


def read_articles(folder: Path):
    for name in ("antcorpus.jsonl.gz", "saudinewsnet.jsonl.gz"):
        with gzip.open(folder / name, "rt", encoding="utf-8") as lines:
            for line in lines:
                yield json.loads(line)


# Candidate filters: (min words, max words, min conflict cues, min cues per 100 words). The
# unseen pool is small (2% of the news), so --unseen-loose widens its filter to find enough
# dev and test articles.
STRICT = (80, 450, 5, 2.0)
LOOSE = (50, 700, 3, 1.0)
ANY = (0, 10**9, 0, 0.0)


def profile(article: dict, limits: tuple = STRICT) -> dict | None:
    """The article's conflict profile, or None when it is not a candidate."""
    if article.get("category") not in (None, "middleEast", "internationalNews"):
        return None
    text = article["text"]
    words = len(text.split())
    min_words, max_words, min_cues, min_density = limits
    if not min_words <= words <= max_words:
        return None
    hits = {name: len(p.findall(text)) for name, p in TYPE_PATTERNS.items()}
    total = sum(hits.values())
    if total < min_cues or total * 100 / words < min_density:
        return None
    countries = Counter({name: len(p.findall(text)) for name, p in COUNTRY_PATTERNS.items()})
    country = countries.most_common(1)[0][0] if countries.most_common(1)[0][1] else "other"
    types = sorted(name for name, n in hits.items() if n)
    return {"words": words, "cues": total, "types": types, "country": country}


def choose(candidates: list[dict], count: int) -> list[dict]:
    """Greedy spread: each pick favours types, countries and sources seen least so far; one per story."""
    chosen: list[dict] = []
    seen_types: Counter = Counter()
    seen_countries: Counter = Counter()
    seen_sources: Counter = Counter()
    used_stories: set[str] = set()
    pool = sorted(candidates, key=lambda c: c["id"])
    while len(chosen) < count:
        best, best_score = None, -1.0
        for c in pool:
            if c["story"] in used_stories:
                continue
            score = sum(1 / (1 + seen_types[t]) for t in c["types"])
            score += 1.5 / (1 + seen_countries[c["country"]]) + 1 / (1 + seen_sources[c["source"]])
            if score > best_score:
                best, best_score = c, score
        if best is None:
            break
        chosen.append(best)
        used_stories.add(best["story"])
        seen_types.update(best["types"])
        seen_countries[best["country"]] += 1
        seen_sources[best["source"]] += 1
    return chosen


def chosen_before(paths: list[Path]) -> set[str]:
    """The article ids (``meta.id``, else ``id``) in the given JSON-lines files and folders."""
    ids: set[str] = set()
    for path in paths:
        for file in sorted(path.rglob("*.jsonl")) if path.is_dir() else [path]:
            for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
                if line.strip():
                    try:
                        record = json.loads(line)
                    except json.JSONDecodeError as err:
                        sys.exit(f"{file}:{number}: not JSON ({err.msg})")
                    ids.add(record.get("meta", {}).get("id") or record["id"])
    return ids


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, help="news-unlabeled/ (antcorpus.jsonl.gz, saudinewsnet.jsonl.gz)")
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--train", type=int, default=150, help="articles from the pool pre-training saw")
    parser.add_argument("--heldout", type=int, default=70, help="articles for dev and test, from the unseen pool")
    parser.add_argument("--heldout-fraction", type=float, default=0.02, help="pretrain.py's corpus.heldout_fraction")
    parser.add_argument("--unseen-loose", action="store_true", help=f"filter the unseen pool by {LOOSE}, not {STRICT}")
    parser.add_argument(
        "--skip",
        type=Path,
        nargs="*",
        default=[],
        help="JSON-lines files (or folders of them) of articles chosen before: neither they nor their stories again",
    )
    parser.add_argument(
        "--ids",
        nargs="*",
        default=[],
        help="pick exactly these articles (a top-up for a rare event type), whatever their length or cues",
    )
    args = parser.parse_args(argv)
    skipped = chosen_before(args.skip)
    candidates, texts = [], {}
    for article in read_articles(args.folder):
        pool = "heldout" if is_heldout(article["id"], args.heldout_fraction) else "train"
        limits = LOOSE if pool == "heldout" and args.unseen_loose else STRICT
        found = profile(article, ANY if article["id"] in args.ids else limits)
        if found is None:
            continue
        texts[article["id"]] = article["text"]
        candidates.append(found | {"id": article["id"], "source": article["source"], "pool": pool, "raw": article})
    stories = story_groups(texts)
    members: dict[str, set[str]] = defaultdict(set)
    for c in candidates:
        c["story"] = stories[c["id"]]
        members[c["story"]].add(c["pool"])
    used = {stories[doc_id] for doc_id in skipped if doc_id in stories}
    candidates = [c for c in candidates if c["story"] not in used and c["id"] not in skipped]
    unseen = [c for c in candidates if members[c["story"]] == {"heldout"}]
    seen = [c for c in candidates if "heldout" not in members[c["story"]]]
    if args.ids:
        picked = [c for c in unseen + seen if c["id"] in args.ids]
        missing = sorted(set(args.ids) - {c["id"] for c in picked})
        if missing:
            sys.exit(f"not news articles of a single pool's story, or chosen before: {', '.join(missing)}")
    else:
        picked = choose(unseen, args.heldout) + choose(seen, args.train)
    lines = []
    for c in picked:
        raw = c["raw"]
        meta = {k: raw.get(k) for k in ("source", "date", "title", "category") if raw.get(k) is not None}
        meta |= {
            "id": raw["id"],
            "pool": c["pool"],
            "story": c["story"],
            "country": c["country"],
            "cue_types": c["types"],
        }
        lines.append(json.dumps({"id": raw["id"], "text": raw["text"], "meta": meta}, ensure_ascii=False))
    atomic_write_text(args.output, "\n".join(lines) + "\n")
    spread = Counter(t for c in picked for t in c["types"])
    print(
        f"{len(candidates)} candidates in {len(set(stories.values()))} stories; chose {len(picked)} "
        f"({sum(c['pool'] == 'heldout' for c in picked)} unseen by pre-training) -> {args.output}",
        file=sys.stderr,
    )
    print("countries:", dict(Counter(c["country"] for c in picked).most_common()), file=sys.stderr)
    print("sources:", dict(Counter(c["source"] for c in picked).most_common()), file=sys.stderr)
    print("cue types:", dict(spread.most_common()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
