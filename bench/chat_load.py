"""Chat under load (issue 13, «Load»): N WebSocket clients on one ASGI process.

    uv run python bench/chat_load.py [--clients 500] [--messages 5] [--database-url URL]

Starts `priemnaya.asgi` in granian (interface asginl, one worker: as `priemnaya serve` and the
demo run it) against a fresh database. Half of the clients are citizens, each in its own chat,
half their operators (the operator's console socket); every citizen sends ``--messages``
messages one after another (``--pause`` seconds apart; 0: each as soon as the answer came),
its operator answers each as it arrives. A round trip is a
citizen's send → the operator's answer on the citizen's socket: two messages stored and four
frames delivered through the channel layer. Reports the round trip's percentiles and stored
messages per second; writes bench/results/chat_load-<database>.json (or --out).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT), str(ROOT / "src")]

from fresh import fresh_database  # noqa: E402

ORIGIN = "http://127.0.0.1"
CONNECT_AT_ONCE = 50  # handshakes in flight while the clients connect


def _wait_for_port(port: int, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"the ASGI server did not listen on {port}")


def _people(pairs: int) -> list[tuple[int, str, str]]:
    """Make ``pairs`` citizens with a chat each, held by an operator: (chat, citizen's and
    operator's session keys)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from priemnaya.accounts.models import User
    from priemnaya.chat.models import Chat, State

    def session(user: User) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "priemnaya.accounts.backends.LoginBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key or ""

    out = []
    for n in range(pairs):
        citizen = User.objects.create_user(
            email=f"c{n}@bench.example", password=None, full_name=f"Заявитель {n}", role="citizen"
        )
        operator = User.objects.create_user(
            email=f"o{n}@bench.example",
            password=None,
            full_name=f"Оператор Бенч {n}",
            role="operator",
        )
        chat = Chat.objects.create(citizen=citizen, operator=operator, state=State.OPERATOR)
        out.append((chat.pk, session(citizen), session(operator)))
    return out


async def _connect(url: str, session_key: str, gate: asyncio.Semaphore):
    from websockets.asyncio.client import connect

    async with gate:
        ws = await connect(
            url,
            additional_headers={"Cookie": f"sessionid={session_key}"},
            origin=ORIGIN,
            open_timeout=60,
            max_queue=None,
            # The client process itself is loaded (hundreds of sockets): its keepalive pings
            # would time out and close sockets the server still serves.
            ping_interval=None,
        )
        await _frame(ws, "hello")
        return ws


async def _frame(ws, kind: str) -> dict[str, Any]:
    while True:
        frame = json.loads(await ws.recv())
        if frame.get("type") == kind:
            return frame


async def _operator(ws, chat_id: int, count: int) -> None:
    """Answer each citizen message at once, ``count`` times."""
    answered = 0
    while answered < count:
        frame = json.loads(await ws.recv())
        message = frame.get("message") or {}
        if frame.get("type") == "message" and message.get("side") == "citizen":
            text = "re:" + message["text"]
            await ws.send(json.dumps({"type": "message", "chat": chat_id, "text": text}))
            answered += 1


async def _citizen(
    ws, count: int, start: asyncio.Event, rtts: list[float], errors: list, pause: float
) -> None:
    await start.wait()
    if pause:
        await asyncio.sleep(random.uniform(0, pause))  # noqa: S311 — spreading, not secrets
    for i in range(count):
        if i and pause:
            await asyncio.sleep(pause)
        text = f"ping {i}"
        sent = time.perf_counter()
        await ws.send(json.dumps({"type": "message", "text": text, "client_id": i}))
        while True:
            frame = json.loads(await ws.recv())
            if frame.get("type") == "error":
                errors.append(frame.get("reason"))
                return
            message = frame.get("message") or {}
            if message.get("side") == "operator" and message.get("text") == "re:" + text:
                rtts.append(time.perf_counter() - sent)
                break


async def _run(base: str, people, count: int, pause: float) -> dict[str, Any]:
    gate = asyncio.Semaphore(CONNECT_AT_ONCE)
    began = time.perf_counter()
    citizens = await asyncio.gather(
        *(_connect(f"{base}/ws/chat/{chat}/", c, gate) for chat, c, _ in people)
    )
    operators = await asyncio.gather(
        *(_connect(f"{base}/ws/chat/operator/", o, gate) for _, _, o in people)
    )
    connected = time.perf_counter() - began
    start = asyncio.Event()
    rtts: list[float] = []
    errors: list[str] = []
    tasks = [
        *(_operator(ws, chat, count) for ws, (chat, _, _) in zip(operators, people, strict=True)),
        *(_citizen(ws, count, start, rtts, errors, pause) for ws in citizens),
    ]
    running = [asyncio.ensure_future(t) for t in tasks]
    await asyncio.sleep(0)
    started = time.perf_counter()
    start.set()
    limit = max(120, 2 * count * len(people) + pause * count)
    await asyncio.wait_for(asyncio.gather(*running), timeout=limit)
    wall = time.perf_counter() - started
    for ws in [*citizens, *operators]:
        await ws.close()
    return {"rtts": rtts, "errors": errors, "wall": wall, "connect": connected}


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=500, help="sockets, half citizens")
    parser.add_argument("--messages", type=int, default=5, help="round trips per citizen")
    parser.add_argument(
        "--pause",
        type=float,
        default=0.0,
        help="seconds a citizen waits between round trips (0: as fast as answers come)",
    )
    parser.add_argument("--port", type=int, default=8721)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    pairs = max(1, args.clients // 2)

    env = fresh_database(args.database_url)
    # The bench measures the socket path, not the flood limit.
    env.update(PRIEMNAYA_CHAT_BURST="100000", PRIEMNAYA_CHAT_PER_MINUTE="6000000")
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection

    from priemnaya.cli import _granian

    people = _people(pairs)
    database = connection.vendor
    connection.close()
    server = subprocess.Popen(  # noqa: S603 — our own interpreter and granian
        _granian("priemnaya.asgi:application", "asginl", "127.0.0.1", args.port, 1),
        env=env,
        cwd=ROOT,
    )
    try:
        _wait_for_port(args.port)
        base = f"ws://127.0.0.1:{args.port}"
        result = asyncio.run(_run(base, people, args.messages, args.pause))
    finally:
        server.terminate()
        server.wait(timeout=30)
    from priemnaya.chat.models import ChatMessage

    rtts_ms = [r * 1000 for r in result["rtts"]]
    stored = ChatMessage.objects.count()
    report = {
        "scenario": "chat_load",
        "database": database,
        "server": "granian asginl, 1 worker (priemnaya.asgi)",
        "channel_layer": "redis" if os.environ.get("REDIS_URL") else "in-memory",
        "clients": pairs * 2,
        "chats": pairs,
        "messages_per_citizen": args.messages,
        "pause_s": args.pause,
        "round_trips": len(rtts_ms),
        "errors": len(result["errors"]),
        "connect_s": round(result["connect"], 2),
        "wall_s": round(result["wall"], 2),
        "messages_stored": stored,
        "messages_per_second": round(stored / result["wall"], 1) if result["wall"] else 0,
        "frames_delivered_per_second": round(2 * stored / result["wall"], 1)
        if result["wall"]
        else 0,
        "rtt_ms": {
            "p50": round(statistics.median(rtts_ms), 1) if rtts_ms else None,
            "p95": round(_percentile(rtts_ms, 0.95), 1) if rtts_ms else None,
            "p99": round(_percentile(rtts_ms, 0.99), 1) if rtts_ms else None,
            "max": round(max(rtts_ms), 1) if rtts_ms else None,
        },
        "cpus": os.cpu_count(),
    }
    name = f"chat_load-{database}" + (f"-pause{args.pause:g}" if args.pause else "")
    out = Path(args.out) if args.out else ROOT / "bench" / "results" / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
