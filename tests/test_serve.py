"""The HTTP service, started for real on a loopback port and called with real HTTP requests."""

import json
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest

from hadath.inference import Extractor
from hadath.io import read_jsonl
from hadath.prediction import events_json
from hadath.serve import Limits, create_app

LIMITS = Limits(max_body_bytes=40_000, max_texts=8, max_chars=6_000, batch_max=16, batch_wait_ms=300)


@pytest.fixture(scope="module")
def service(trained):
    import uvicorn

    extractor = Extractor.from_pretrained(trained[1])
    app = create_app(extractor, LIMITS, checkpoint=str(trained[1]))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "the server did not start"
    yield f"http://127.0.0.1:{sock.getsockname()[1]}", extractor
    server.should_exit = True
    thread.join(timeout=10)


def call(url: str, path: str, body: bytes | dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body, ensure_ascii=False).encode() if isinstance(body, dict) else body
    request = urllib.request.Request(url + path, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


@pytest.fixture(scope="module")
def articles(mini):
    return [doc.text for doc in read_jsonl(mini)][:4]


def test_one_article_gets_the_events_predict_gives_with_exact_offsets(service, articles):
    url, extractor = service
    status, answer = call(url, "/events", {"text": articles[0]})
    assert status == 200 and answer["offsets"] == "code points"
    assert answer["events"] == events_json(extractor.predict(articles[0]))
    assert answer["events"], "the overfitted model finds this article's events"
    for event in answer["events"]:
        assert articles[0][event["trigger"]["start"] : event["trigger"]["end"]] == event["trigger"]["text"]


def test_a_list_of_texts_answers_in_order(service, articles):
    url, extractor = service
    status, answer = call(url, "/events", {"texts": [articles[1], "", articles[2]]})
    assert status == 200
    assert [r["events"] for r in answer["results"]] == [
        events_json(extractor.predict(articles[1])),
        [],
        events_json(extractor.predict(articles[2])),
    ]


def test_concurrent_requests_share_model_passes(service, articles):
    url, extractor = service
    before = call(url, "/health")[1]
    start, answers = threading.Barrier(8), [None] * 8

    def client(i):
        start.wait()
        answers[i] = call(url, "/events", {"text": articles[i % len(articles)]})

    threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, (status, answer) in enumerate(answers):
        assert status == 200 and answer["events"] == events_json(extractor.predict(articles[i % len(articles)]))
    after = call(url, "/health")[1]
    assert after["articles"] - before["articles"] == 8
    assert after["model_passes"] - before["model_passes"] < 8  # batched together, not one pass a request


@pytest.mark.parametrize(
    "body,status,message",
    [
        (
            b"{not json",
            400,
            "the body is not JSON: Expecting property name enclosed in double quotes at line 1 column 2",
        ),
        (b"\xff\xfe", 400, "the body is not UTF-8 (byte 0)"),
        ({"article": "x"}, 422, 'send {"text": "..."} or {"texts": ["...", ...]}'),
        ({"text": "x", "texts": ["y"]}, 422, 'send {"text": "..."} or {"texts": ["...", ...]}'),
        ({"texts": ["x", 3]}, 422, '"text" must be a string and "texts" a list of strings'),
        ({"texts": ["x"] * 9}, 413, "9 texts in one request; the limit is 8"),
        ({"texts": ["x", "ب" * 6_001]}, 413, "texts[1] has 6001 characters; the limit is 6000"),
        ({"text": "ب" * 6_001}, 413, "the text has 6001 characters; the limit is 6000"),
        ({"text": "x" * 50_000}, 413, "the body is 50012 bytes; the limit is 40000"),
    ],
)
def test_bad_requests_get_a_status_and_one_line_saying_why(service, body, status, message):
    url, _ = service
    assert call(url, "/events", body) == (status, {"error": message})


def content_length(reply: bytes) -> int:
    head = reply.partition(b"\r\n\r\n")[0].decode().lower()
    return next((int(line.split(":")[1]) for line in head.splitlines() if line.startswith("content-length:")), 0)


def test_a_chunked_body_over_the_limit_is_refused_while_read(service):
    url, _ = service
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        conn.sendall(
            b"POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b'{"text": "' + b"a" * 10_000
        try:
            for _ in range(8):
                conn.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before the client finished sending
        reply = b""
        while b"\r\n\r\n" not in reply or len(reply.partition(b"\r\n\r\n")[2]) < content_length(reply):
            chunk = conn.recv(4096)  # headers and body may come in separate packets
            if not chunk:
                break
            reply += chunk
        reply = reply.decode()
    assert reply.startswith("HTTP/1.1 413") and "over the limit of 40000 bytes" in reply


def test_health_and_schema(service, schema):
    url, _ = service
    status, health = call(url, "/health")
    assert status == 200 and health["status"] == "ok" and health["stages"] == ["triggers", "arguments"]
    status, served = call(url, "/schema")
    assert status == 200 and served["event_types"]["Attack"] == list(schema.event_types["Attack"])


def test_the_command_refuses_a_missing_checkpoint_and_a_misspelt_key(tmp_path):
    import os
    import subprocess
    import sys

    env = dict(os.environ, HF_HUB_OFFLINE="1")
    run = [sys.executable, "-m", "hadath.serve"]
    missing = subprocess.run([*run, f"checkpoint={tmp_path}/none"], capture_output=True, text=True, env=env)
    assert missing.returncode == 1 and missing.stderr.startswith("error: ") and "none" in missing.stderr
    misspelt = subprocess.run([*run, "checkpoint=x", "limits.max_char=5"], capture_output=True, text=True, env=env)
    assert misspelt.returncode == 1 and "did you mean limits.max_chars?" in misspelt.stderr
