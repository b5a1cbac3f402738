"""Load: many people chatting at once through the web API, on loopback.

Starts ``talkcure serve`` (default: 2 worker processes on a fresh PostgreSQL
database; ``--db sqlite`` for the embedded file), signs in N person accounts,
then for S seconds each of them sends messages one after another (a realistic
mix, with one risk message per person so the crisis protocol runs under load
too). Prints errors (must be 0), turns per second and the latency per turn
(p50/p95/p99) as the client sees it; then checks every stored conversation
(indices without gaps, turns alternating, one stored exchange per acknowledged
reply). Prints figures; never fails on time.

    .venv/bin/python bench/web_load.py [--clients 100] [--seconds 60] [--workers 2]
                                       [--db postgres|sqlite]
"""

from __future__ import annotations

import argparse
import asyncio
import time

import httpx
from webkit import MESSAGES, PASSWORD, Server, check_turns, database, make_accounts, pct

RISK = "Honestly I feel hopeless, like I want to end it all."


async def person(i: int, base: str, stop_at: list[float], out: dict) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        r = await client.post("/api/session", json={"login": f"p{i}", "password": PASSWORD})
        if r.status_code != 200:
            out["errors"].append(f"sign-in {r.status_code}")
            return
        client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        await client.post("/api/me/chat")
        out["ready"] += 1
        while not stop_at:  # keep the connection alive while the others sign in
            await asyncio.sleep(1)
            await client.get("/api/me")
        n = 0
        while time.monotonic() < stop_at[0]:
            text = RISK if n == 7 else MESSAGES[(i + n) % len(MESSAGES)]
            started = time.perf_counter()
            try:
                r = await client.post("/api/me/chat/messages", json={"text": text})
            except httpx.HTTPError as exc:
                out["errors"].append(type(exc).__name__)
                continue
            elapsed = time.perf_counter() - started
            if r.status_code == 200:
                out["latency"].append(elapsed)
                out["acknowledged"] += 1
                out["crisis"] += r.json()["crisis"]
            else:
                out["errors"].append(str(r.status_code))
            n += 1


async def run(base: str, clients: int, seconds: float) -> dict:
    out = {"errors": [], "latency": [], "acknowledged": 0, "crisis": 0, "ready": 0}
    stop_at: list[float] = []
    tasks = [asyncio.create_task(person(i, base, stop_at, out)) for i in range(clients)]
    t0 = time.monotonic()
    while out["ready"] + len(out["errors"]) < clients and time.monotonic() - t0 < 300:
        await asyncio.sleep(0.05)
    out["sign_in_seconds"] = time.monotonic() - t0
    started = time.monotonic()
    stop_at.append(started + seconds)
    await asyncio.gather(*tasks)
    out["seconds"] = time.monotonic() - started
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    args = ap.parse_args()
    with database(args.db) as (url, _home):
        make_accounts(url, args.clients)
        server = Server(url, workers=args.workers).start()
        try:
            out = asyncio.run(run(server.base, args.clients, args.seconds))
        finally:
            server.stop()
        integrity = check_turns(url)
    lat = [x * 1000 for x in out["latency"]]
    print(f"web load: {args.clients} people chatting at once for {out['seconds']:.0f} s, "
          f"{args.workers} worker process(es), {args.db}, loopback")
    print(f"sign-in of all {args.clients}: {out['sign_in_seconds']:.1f} s (argon2id)")
    print(f"turns acknowledged: {out['acknowledged']} ({out['crisis']} crisis replies); "
          f"errors: {len(out['errors'])}"
          + (f" {sorted(set(out['errors']))[:5]}" if out["errors"] else ""))
    print(f"throughput: {out['acknowledged'] / out['seconds']:.1f} turns/s")
    print(f"latency per turn (ms): p50 {pct(lat, 50):.0f}  p95 {pct(lat, 95):.0f}  "
          f"p99 {pct(lat, 99):.0f}  max {max(lat, default=float('nan')):.0f}")
    stored = integrity["turns"] // 2
    print(f"integrity: {integrity['sessions']} sessions, {stored} stored exchanges for "
          f"{out['acknowledged']} acknowledged, {integrity['bad']} damaged")


if __name__ == "__main__":
    main()
