"""An HTTP service over a checkpoint: ``python -m hadath.serve checkpoint=DIR`` (configs/serve.yaml).

- ``POST /events`` with ``{"text": "..."}`` answers ``{"offsets", "events"}``; with
  ``{"texts": ["...", ...]}`` it answers ``{"offsets", "results": [{"events"}, ...]}``, in order.
  Events have the shape ``predict.py`` prints (offsets into the text as sent; code points, or
  UTF-16 units with ``offsets=utf16``).
- ``GET /health``: the checkpoint, and how many articles and model passes were served.
- ``GET /schema``: the event types and the roles each allows.

Concurrent requests are batched on the model: the first request of a batch waits up to
``batch_wait_ms`` for others, up to ``batch_max`` articles, and one worker thread runs them
through ``Extractor.predict_many`` together, so the model is never used by two threads at once.
Bodies over ``max_body_bytes`` are refused (413) while they are read, without holding more than
the limit; so are more than ``max_texts`` articles or one over ``max_chars`` characters. A body
that is not JSON is a 400, one of the wrong shape a 422, each with ``{"error": "..."}`` saying what.
"""

# No ``from __future__ import annotations`` here: FastAPI reads the handlers' annotations
# (``request: Request``) at definition, and Request is imported inside create_app.
import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from hadath.inference import Extractor
from hadath.prediction import events_json


@dataclass(frozen=True)
class Limits:
    max_body_bytes: int = 1_000_000
    max_texts: int = 64
    max_chars: int = 200_000
    batch_max: int = 32
    batch_wait_ms: float = 10.0


class RequestError(Exception):
    """A request the service refuses: its HTTP status and the one-line reason."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class Batcher:
    """Gathers the articles of concurrent requests into shared model passes, on one worker thread."""

    def __init__(self, extractor: Extractor, limits: Limits):
        self.extractor, self.limits = extractor, limits
        self.queue: asyncio.Queue | None = None
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hadath-model")
        self.passes = 0
        self.articles = 0

    async def run(self) -> None:
        self.queue = asyncio.Queue()
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self.queue.get()]
            size, deadline = len(batch[0][0]), loop.time() + self.limits.batch_wait_ms / 1000
            while size < self.limits.batch_max and (left := deadline - loop.time()) > 0:
                try:
                    batch.append(await asyncio.wait_for(self.queue.get(), left))
                except TimeoutError:
                    break
                size += len(batch[-1][0])
            texts = [text for texts, _ in batch for text in texts]
            try:
                events = await loop.run_in_executor(self.worker, self.extractor.predict_many, texts)
            except Exception as err:  # the requests of this batch fail; the service goes on
                for _, future in batch:
                    future.set_exception(err)
                continue
            self.passes += 1
            self.articles += len(texts)
            done = 0
            for texts, future in batch:
                if not future.cancelled():
                    future.set_result(events[done : done + len(texts)])
                done += len(texts)

    async def extract(self, texts: list[str]) -> list:
        future = asyncio.get_running_loop().create_future()
        await self.queue.put((texts, future))
        return await future


def parse_request(body: bytes, limits: Limits) -> tuple[list[str], bool]:
    """The articles of a ``POST /events`` body, and whether it sent one (``text``) rather than a list."""
    try:
        payload = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise RequestError(400, f"the body is not UTF-8 (byte {err.start})") from None
    except json.JSONDecodeError as err:
        raise RequestError(400, f"the body is not JSON: {err.msg} at line {err.lineno} column {err.colno}") from None
    if not isinstance(payload, dict) or ("text" in payload) == ("texts" in payload):
        raise RequestError(422, 'send {"text": "..."} or {"texts": ["...", ...]}')
    single = "text" in payload
    texts = [payload["text"]] if single else payload["texts"]
    if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
        raise RequestError(422, '"text" must be a string and "texts" a list of strings')
    if len(texts) > limits.max_texts:
        raise RequestError(413, f"{len(texts)} texts in one request; the limit is {limits.max_texts}")
    for i, text in enumerate(texts):
        if len(text) > limits.max_chars:
            where = "the text" if single else f"texts[{i}]"
            raise RequestError(413, f"{where} has {len(text)} characters; the limit is {limits.max_chars}")
    return texts, single


def create_app(extractor: Extractor, limits: Limits = Limits(), checkpoint: str = "", offsets: str = "codepoints"):
    """The FastAPI application serving ``extractor``."""
    from contextlib import asynccontextmanager

    from fastapi import FastAPI, Request
    from fastapi.responses import JSONResponse

    from hadath.text.units import UTF16, offset_unit

    unit = offset_unit(offsets)
    utf16 = unit == UTF16
    batcher = Batcher(extractor, limits)

    @asynccontextmanager
    async def lifespan(app):
        task = asyncio.create_task(batcher.run())
        yield
        task.cancel()
        batcher.worker.shutdown(wait=False, cancel_futures=True)

    app = FastAPI(title="hadath", summary="Conflict events in Arabic news, with exact offsets", lifespan=lifespan)
    app.state.batcher = batcher

    async def read_body(request: Request) -> bytes:
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limits.max_body_bytes:
            raise RequestError(413, f"the body is {declared} bytes; the limit is {limits.max_body_bytes}")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > limits.max_body_bytes:
                raise RequestError(413, f"the body is over the limit of {limits.max_body_bytes} bytes")
        return bytes(body)

    @app.exception_handler(RequestError)
    async def refused(request: Request, err: RequestError):
        return JSONResponse({"error": str(err)}, status_code=err.status)

    @app.post("/events")
    async def events(request: Request):
        texts, single = parse_request(await read_body(request), limits)
        found = await batcher.extract(texts)
        results = [{"events": events_json(ev, text if utf16 else None)} for ev, text in zip(found, texts)]
        return {"offsets": unit, **results[0]} if single else {"offsets": unit, "results": results}

    @app.get("/health")
    async def health():
        return {
            "status": "ok",
            "checkpoint": checkpoint,
            "stages": ["triggers"] + (["arguments"] if extractor.arguments is not None else []),
            "articles": batcher.articles,
            "model_passes": batcher.passes,
        }

    @app.get("/schema")
    async def schema():
        s = extractor.schema
        return {"name": s.name, "version": s.version, "roles": s.roles, "event_types": s.event_types}

    return app


def serve(cfg) -> None:
    """``python -m hadath.serve checkpoint=DIR``: load the checkpoint and serve it until interrupted."""
    from hadath.errors import UserError
    from hadath.prediction import load_extractor
    from hadath.text.units import offset_unit

    try:
        import fastapi  # noqa: F401
        import uvicorn
    except ImportError as err:
        raise UserError(f"the service needs {err.name}: pip install 'hadath[serve]' (FastAPI and uvicorn)") from None

    offset_unit(cfg.offsets)  # refused before minutes of loading, not after
    extractor = load_extractor(cfg)
    limits = Limits(**{k: cfg.limits[k] for k in Limits.__dataclass_fields__})
    app = create_app(extractor, limits, checkpoint=str(cfg.checkpoint), offsets=cfg.offsets)
    print(f"serving {cfg.checkpoint} on http://{cfg.host}:{cfg.port} (POST /events, GET /health, GET /schema)")
    uvicorn.run(app, host=cfg.host, port=int(cfg.port), log_level=cfg.log_level)


if __name__ == "__main__":
    from hadath.cli import serve as _command

    _command()
