"""Crash: kill -9 the web server in the middle of conversations, again and again.

Several people chat through the API while ``talkcure serve`` is killed with
SIGKILL at a random moment (requests in flight), then started again; they carry
on in the same sessions (their sign-in and the conversation state are in the
database). At the end every acknowledged reply is looked up in the store: the
person's words and the reply must be there (lost acknowledged turns must be 0),
and every conversation must be intact (indices without gaps, turns alternating;
SQLite: PRAGMA integrity_check and foreign_key_check). Prints figures.

    .venv/bin/python bench/web_crash.py [--kills 20] [--people 4] [--db sqlite|postgres]
"""

from __future__ import annotations

import argparse
import random
import threading
import time

import httpx
from webkit import MESSAGES, Server, check_turns, database, make_accounts, sign_in


def chatter(client: httpx.Client, login: str, counter: list[int], acked: list, stop, lock):
    while not stop.is_set():
        with lock:
            counter[0] += 1
            n = counter[0]
        text = f"{MESSAGES[n % len(MESSAGES)]} (message {n})"
        try:
            r = client.post("/api/me/chat/messages", json={"text": text})
        except httpx.HTTPError:
            return  # the server died under us: this one was never acknowledged
        if r.status_code == 200:
            body = r.json()
            acked.append((login, body["session_id"], tuple(body["turn_ids"]), text,
                          body["reply"]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--people", type=int, default=4)
    ap.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    acked: list = []
    counter = [0]
    lock = threading.Lock()
    statuses: list[int] = []
    started = time.monotonic()
    with database(args.db) as (url, _home):
        make_accounts(url, args.people)
        server = Server(url).start()
        clients = {}
        for i in range(args.people):
            clients[f"p{i}"] = httpx.Client(base_url=server.base, timeout=30)
            sign_in(clients[f"p{i}"], f"p{i}")
        for _ in range(args.kills):
            stop = threading.Event()
            threads = [threading.Thread(target=chatter, args=(c, login, counter, acked, stop,
                                                              lock))
                       for login, c in clients.items()]
            before = len(acked)
            for th in threads:
                th.start()
            deadline = time.monotonic() + 60  # mid-conversation: once replies flow again
            while len(acked) == before and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(rng.uniform(0.1, 1.0))
            server.kill9()
            stop.set()
            for th in threads:
                th.join()
            server = Server(url, port=server.port).start()
        # after the last restart: still signed in, still the same conversation?
        for login, c in clients.items():
            r = c.post("/api/me/chat/messages", json={"text": f"Still there? ({login})"})
            statuses.append(r.status_code)
            if r.status_code == 200:
                acked.append((login, r.json()["session_id"], tuple(r.json()["turn_ids"]),
                              f"Still there? ({login})", r.json()["reply"]))
        server.stop()
        for c in clients.values():
            c.close()
        lost, mismatched, sessions = verify(url, acked)
        integrity = check_turns(url)
    print(f"web crash: {args.kills} kill -9 of the server mid-conversation, {args.people} "
          f"people chatting, {args.db}, {time.monotonic() - started:.0f} s")
    print(f"messages sent: {counter[0] + len(statuses)}; replies acknowledged: {len(acked)}; "
          f"stored "
          f"exchanges: {integrity['turns'] // 2} (the rest were in flight when killed)")
    print(f"acknowledged turns lost: {lost}; stored with other text: {mismatched}")
    print(f"after the last restart: {statuses.count(200)}/{len(statuses)} people carried on "
          f"signed in; sessions per person: {sessions}")
    print(f"integrity: {integrity['sessions']} sessions, {integrity['bad']} damaged"
          + (" (SQLite integrity_check and foreign_key_check ok)" if args.db == "sqlite"
             and not integrity["bad"] else ""))


def verify(url: str, acked: list) -> tuple[int, int, list[int]]:
    from talkcure.store import Store
    from talkcure.store.people import all_patients

    store = Store(url)
    by_session: dict[int, dict[int, object]] = {}
    lost = mismatched = 0
    for _login, session_id, (pid, cid), text, reply in acked:
        if session_id not in by_session:
            by_session[session_id] = {t.id: t for t in store.turns_of(session_id)}
        turns = by_session[session_id]
        if pid not in turns or cid not in turns:
            lost += 1
        elif turns[pid].text != text or turns[cid].text != reply:
            mismatched += 1
    sessions = [len(store.sessions_of(p.id)) for p in all_patients(store)]
    store.close()
    return lost, mismatched, sessions


if __name__ == "__main__":
    main()
