"""Drive HTTP load: wrk with a generated Lua script when it is on PATH, else an asyncio client.

Both keep connections alive, rotate through a list of requests (per-request headers: each its
own bearer token), fill a header with a unique value per request when asked (Idempotency-Key)
and report req/s, p50/p95/p99 and failures. The asyncio client also reports the CPU it used
itself, so a reader can see whether it, rather than the server, was the limit.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import shutil
import subprocess
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

# One request of a scenario: the peer's shape (peer.py is standard library only, so both sides
# of the comparison build the same object).
from bench.suite.peer import RequestSpec


@dataclass
class LoadResult:
    tool: str
    clients: int
    seconds: float
    requests: int
    ok: int
    failed: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: dict[str, int] = field(default_factory=dict)
    # The load tool's own CPU (user + system) per request, in ms: wrk's, or the asyncio client's.
    client_cpu_ms: float | None = None
    sample_error: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def wrk_path() -> str | None:
    return None if os.environ.get("PRIEMNAYA_BENCH_NO_WRK") else shutil.which("wrk")


def _lua_str(text: str) -> str:
    level = 0
    while f"]{'=' * level}]" in text:
        level += 1
    return f"[{'=' * level}[{text}]{'=' * level}]"


LUA = """
local reqs = {%(reqs)s}
local run = %(run)s
local threads = {}
local counter = 0

setup = function(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

init = function(args)
  prefix = run .. "-" .. tostring(tid) .. "-"
end

request = function()
  counter = counter + 1
  local r = reqs[(counter %% #reqs) + 1]
  local h = {}
  for k, v in pairs(r.headers) do h[k] = v end
  if r.unique then h[r.unique] = prefix .. counter end
  return wrk.format(r.method, r.path, h, r.body)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %%d, "duration_us": %%d, "connect": %%d, "read": %%d, "write": %%d, ' ..
    '"status": %%d, "timeout": %%d, "p50": %%d, "p95": %%d, "p99": %%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def _lua(specs: list[RequestSpec]) -> str:
    items = []
    for s in specs:
        headers = ", ".join(f"[ {_lua_str(k)} ] = {_lua_str(v)}" for k, v in s.headers.items())
        body = _lua_str(s.body) if s.body is not None else "nil"
        unique = _lua_str(s.unique_header) if s.unique_header else "nil"
        items.append(
            f"{{method = {_lua_str(s.method)}, path = {_lua_str(s.path)}, "
            f"headers = {{{headers}}}, body = {body}, unique = {unique}}}"
        )
    return LUA % {"reqs": ",\n  ".join(items), "run": _lua_str(uuid.uuid4().hex[:12])}


def _wrk(
    host: str, port: int, specs: list[RequestSpec], clients: int, seconds: float, timeout: float
) -> LoadResult:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(_lua(specs))
        script = f.name
    try:
        cmd = [
            wrk_path() or "wrk",
            "-t",
            str(min(clients, 2)),
            "-c",
            str(clients),
            "-d",
            f"{max(seconds, 1):.0f}s",
            "--timeout",
            f"{timeout:.0f}s",
            "-s",
            script,
            f"http://{host}:{port}",
        ]
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        out = subprocess.run(  # noqa: S603 — wrk and a script written here
            cmd, capture_output=True, text=True, check=False, timeout=seconds + 60
        )
    finally:
        os.unlink(script)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # wrk's own CPU (the only child waited for in between), to show it was not the limit.
    wrk_cpu = (after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime)
    line = next((x for x in out.stdout.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed: {out.stdout[-500:]} {out.stderr[-500:]}")
    d = json.loads(line.removeprefix("WRKJSON "))
    errors = {k: d[k] for k in ("connect", "read", "write", "status", "timeout") if d[k]}
    # wrk counts timeouts apart from requests; status errors are among the requests.
    failed = d["status"] + d["read"] + d["write"] + d["connect"] + d["timeout"]
    secs = d["duration_us"] / 1e6
    ok = max(d["requests"] - d["status"] - d["read"] - d["write"], 0)
    return LoadResult(
        tool="wrk",
        clients=clients,
        seconds=round(secs, 2),
        requests=d["requests"],
        ok=ok,
        failed=failed,
        rps=round(ok / secs, 3) if secs else 0.0,
        p50_ms=round(d["p50"] / 1000, 2),
        p95_ms=round(d["p95"] / 1000, 2),
        p99_ms=round(d["p99"] / 1000, 2),
        errors=errors,
        client_cpu_ms=round(wrk_cpu * 1000 / d["requests"], 3) if d["requests"] else None,
    )


# ---- the asyncio client -------------------------------------------------------------------------


def _raw(spec: RequestSpec, host: str, port: int, unique: str) -> bytes:
    body = (spec.body or "").encode()
    headers = {"Host": f"{host}:{port}", **spec.headers}
    if spec.unique_header:
        headers[spec.unique_header] = unique
    if spec.body is not None:
        headers["Content-Length"] = str(len(body))
    head = f"{spec.method} {spec.path} HTTP/1.1\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in headers.items()
    )
    return head.encode() + b"\r\n" + body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """Status, body, and whether the server closes the connection after it (gunicorn's sync
    workers do after every response: no keep-alive)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    closing = headers.get("connection", "").lower() == "close"
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            body += chunk[:-2]
        return status, body, closing
    length = int(headers.get("content-length", "0"))
    return status, await reader.readexactly(length), closing


async def _client(
    host: str,
    port: int,
    specs: list[RequestSpec],
    run: str,
    index: int,
    stop: float,
    min_requests: int,
    timeout: float,
    latencies: list[float],
    errors: dict[str, int],
    samples: list[str],
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    n = 0
    try:
        while time.monotonic() < stop or n < min_requests:
            spec = specs[(index + n) % len(specs)]
            n += 1
            began = time.perf_counter()
            try:
                writer.write(_raw(spec, host, port, f"{run}-{index}-{n}"))
                status, body, closing = await asyncio.wait_for(_read_response(reader), timeout)
            except (TimeoutError, OSError, asyncio.IncompleteReadError) as exc:
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
                continue
            if closing:
                # The server ends the connection after this response: a new one for the next.
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
            if status >= 400:
                errors[f"status {status}"] = errors.get(f"status {status}", 0) + 1
                if not samples:
                    samples.append(f"{spec.method} {spec.path}: {status} {body[:300]!r}")
                continue
            latencies.append(time.perf_counter() - began)
    finally:
        writer.close()


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def python_load(
    host: str,
    port: int,
    specs: list[RequestSpec],
    clients: int,
    seconds: float,
    *,
    min_requests: int = 0,
    timeout: float = 60.0,
) -> LoadResult:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    samples: list[str] = []
    run = uuid.uuid4().hex[:12]
    cpu0, began = time.process_time(), time.monotonic()
    stop = began + seconds
    per_client = -(-min_requests // clients) if min_requests else 0

    async def main() -> None:
        await asyncio.gather(
            *(
                _client(
                    host, port, specs, run, i, stop, per_client, timeout, latencies, errors, samples
                )
                for i in range(clients)
            )
        )

    asyncio.run(main())
    elapsed = time.monotonic() - began
    cpu = time.process_time() - cpu0
    failed = sum(errors.values())
    total = len(latencies) + failed
    return LoadResult(
        tool="python-asyncio",
        clients=clients,
        seconds=round(elapsed, 2),
        requests=total,
        ok=len(latencies),
        failed=failed,
        rps=round(len(latencies) / elapsed, 3) if elapsed else 0.0,
        p50_ms=round(_percentile(latencies, 50) * 1000, 2),
        p95_ms=round(_percentile(latencies, 95) * 1000, 2),
        p99_ms=round(_percentile(latencies, 99) * 1000, 2),
        errors=errors,
        client_cpu_ms=round(cpu * 1000 / total, 3) if total else None,
        sample_error=samples[0] if samples else "",
    )


def run_load(
    host: str,
    port: int,
    specs: list[RequestSpec],
    clients: int,
    seconds: float,
    *,
    tool: str = "auto",
    timeout: float = 60.0,
    min_ok: int = 3,
) -> LoadResult:
    """Load the server; a scenario too slow for wrk's window (fewer than ``min_ok`` answers)
    is measured again by the asyncio client until it has that many."""
    if tool != "python" and wrk_path():
        result = _wrk(host, port, specs, clients, seconds, timeout)
        if result.ok >= min_ok or result.failed:
            if result.failed:
                result.sample_error = probe(host, port, specs[0])
            return result
    return python_load(host, port, specs, clients, seconds, min_requests=min_ok, timeout=timeout)


def probe(host: str, port: int, spec: RequestSpec) -> str:
    """One request of the spec, its status and the start of its body (to explain failures)."""
    result: list[str] = []

    async def main() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(_raw(spec, host, port, uuid.uuid4().hex))
        status, body, _ = await asyncio.wait_for(_read_response(reader), 60)
        writer.close()
        result.append(f"{spec.method} {spec.path}: {status} {body[:300]!r}")

    try:
        asyncio.run(main())
    except Exception as exc:
        return f"{spec.method} {spec.path}: {exc!r}"
    return result[0]


def fetch(host: str, port: int, spec: RequestSpec) -> tuple[int, bytes]:
    """One request; its status and body (the runner checks every scenario answers first)."""
    out: list[tuple[int, bytes]] = []

    async def main() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(_raw(spec, host, port, uuid.uuid4().hex))
        status, body, _ = await asyncio.wait_for(_read_response(reader), 120)
        out.append((status, body))
        writer.close()

    asyncio.run(main())
    return out[0]
