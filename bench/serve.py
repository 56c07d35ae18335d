"""A bounded load test of the HTTP service: concurrent clients against the same model called directly.

    python bench/serve.py --checkpoint outputs/quickstart/checkpoint              # 4 clients, 200 requests
    python bench/serve.py --checkpoint DIR --clients 8 --requests 400 --batch-wait-ms 20

The service (``hadath.serve``) runs in this process on a loopback port; ``--clients`` threads send
the real-news dev articles, one article a request, ``--requests`` in all. The peer is the same
model called in-process with no HTTP at all, one article at a time (``Extractor.predict``), on
the same articles in the same run. Printed: articles/s both ways and their ratio, the latency
percentiles of the service, and how many model passes it needed (batching concurrent requests
makes fewer, larger passes).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--articles", default=str(ROOT / "annotations" / "real" / "dev.jsonl"))
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--batch-wait-ms", type=float, default=10.0)
    parser.add_argument("--batch-max", type=int, default=32)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    import uvicorn

    from hadath.inference import Extractor
    from hadath.serve import Limits, create_app

    texts = [json.loads(line)["text"] for line in Path(args.articles).read_text(encoding="utf-8").splitlines()]
    load = [texts[i % len(texts)] for i in range(args.requests)]
    extractor = Extractor.from_pretrained(args.checkpoint)
    extractor.predict(texts[0])  # warm up

    started = time.perf_counter()
    for text in load:
        extractor.predict(text)
    direct = time.perf_counter() - started

    limits = Limits(batch_max=args.batch_max, batch_wait_ms=args.batch_wait_ms)
    app = create_app(extractor, limits, checkpoint=args.checkpoint)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/events"

    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    queue = iter(load)

    def client() -> None:
        while True:
            with lock:
                text = next(queue, None)
            if text is None:
                return
            body = json.dumps({"text": text}, ensure_ascii=False).encode()
            request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
            sent = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=300) as response:
                    response.read()
            except Exception as err:  # counted and reported, never hidden
                with lock:
                    failures.append(repr(err))
                continue
            with lock:
                latencies.append(time.perf_counter() - sent)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    served = time.perf_counter() - started
    server.should_exit = True
    if failures:
        sys.exit(f"{len(failures)} request(s) failed, first: {failures[0]}")
    cuts = statistics.quantiles(latencies, n=20)
    batcher = app.state.batcher
    print(f"articles: {len(load)} ({args.articles}), clients: {args.clients}, threads: {os.cpu_count()} cpu")
    print(f"direct, one article a call: {len(load) / direct:.2f} articles/s")
    print(f"service, {args.clients} concurrent clients: {len(load) / served:.2f} articles/s")
    print(f"ratio service / direct: {direct / served:.2f}x")
    print(f"latency p50 {statistics.median(latencies) * 1000:.0f} ms, p95 {cuts[18] * 1000:.0f} ms")
    print(f"model passes: {batcher.passes} for {batcher.articles} articles")


if __name__ == "__main__":
    main()
