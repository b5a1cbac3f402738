"""Signing in and out, cookies, CSRF, lockout and security headers (SQLite and PostgreSQL)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from talkcure.store import tables as t


def test_sign_in_sets_a_safe_cookie_and_out_ends_the_session(app, store, password):
    client = TestClient(app)
    response = client.post("/api/session", json={"login": "ana", "password": password})
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["role"] == "person" and len(body["csrf_token"]) > 30
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    assert "Secure" not in cookie  # plain http on a test server; Secure over https
    token = client.cookies.get("talkcure_session")
    with store.engine.connect() as conn:
        stored = conn.execute(select(t.auth_sessions.c.token_hash)).scalars().all()
    assert token not in stored and len(stored[0]) == 64  # only the hash is stored
    assert client.get("/api/me").json()["user"]["id"] == body["user"]["id"]
    client.headers["X-CSRF-Token"] = body["csrf_token"]
    assert client.delete("/api/session").status_code == 204
    client.cookies.set("talkcure_session", token)  # a stolen cookie after sign-out
    assert client.get("/api/me").status_code == 401


def test_https_cookie_is_secure(app, password):
    client = TestClient(app, base_url="https://testserver")
    response = client.post("/api/session", json={"login": "ana", "password": password})
    assert "Secure" in response.headers["set-cookie"]
    assert "max-age=31536000" in response.headers["strict-transport-security"]


def test_passwords_are_argon2id(store, people):
    with store.engine.connect() as conn:
        hashes = conn.execute(select(t.users.c.password_hash)).scalars().all()
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)


def test_wrong_password_and_lockout(app, people, password):
    client = TestClient(app)
    for _ in range(5):
        r = client.post("/api/session", json={"login": "ana", "password": "wrong password"})
        assert r.status_code == 401 and r.json()["detail"] == "Wrong login name or password."
    r = client.post("/api/session", json={"login": "nobody", "password": "wrong password"})
    assert r.status_code == 401 and r.json()["detail"] == "Wrong login name or password."
    r = client.post("/api/session", json={"login": "ana", "password": password})
    assert r.status_code == 429  # five failures in 15 minutes lock the login
    assert TestClient(app).post("/api/session", json={"login": "ben", "password": password}
                                ).status_code == 200  # only that login


def test_not_signed_in(app):
    client = TestClient(app)
    assert client.get("/api/me/chat").status_code == 401
    assert client.get("/api/patients").status_code == 401
    page = client.get("/chat", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login"


def test_csrf_is_required_for_every_change(app, people, signin):
    client = signin("ana")
    good = client.headers.pop("X-CSRF-Token")
    assert client.post("/api/me/chat").status_code == 403
    assert client.post("/api/me/chat", headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert client.post("/api/me/chat/messages", json={"text": "hello"}).status_code == 403
    # a page form without the token, and one posted from another site
    assert client.post("/chat", data={"text": "hello"}).status_code == 403
    assert client.post("/chat", data={"text": "hello", "csrf_token": good},
                       headers={"Origin": "https://evil.example"}).status_code == 403
    other = signin("ben").headers["X-CSRF-Token"]
    assert client.post("/api/me/chat", headers={"X-CSRF-Token": other}).status_code == 403
    assert client.post("/api/me/chat", headers={"X-CSRF-Token": good}).status_code == 200
    r = client.post("/chat", data={"text": "hello", "csrf_token": good}, follow_redirects=False)
    assert r.status_code == 303


def test_login_form_needs_its_token(app, people, password):
    client = TestClient(app)
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    assert client.post("/login", data={"login": "ana", "password": password},
                       follow_redirects=False).status_code == 403
    r = client.post("/login", data={"login": "ana", "password": "nope nope",
                                    "csrf_token": token})
    assert r.status_code == 401 and "Wrong login name or password" in r.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', r.text).group(1)
    r = client.post("/login", data={"login": "ana", "password": password, "csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/chat"
    assert client.get("/chat").status_code == 200


def test_security_headers(app, people, signin):
    client = signin("ana")
    r = client.get("/chat")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["referrer-policy"] == "same-origin"
    assert client.get("/api/me/chat").headers["cache-control"] == "no-store"


def test_disabled_and_removed_accounts_cannot_continue(app, store, people, signin):
    from talkcure.store.accounts import Accounts

    client = signin("dr_a")
    Accounts(store).delete_user(people.ids["dr_a"])
    assert client.get("/api/patients").status_code == 401


def test_json_sign_in_cannot_be_posted_by_another_site(app, people, password):
    client = TestClient(app)
    body = f'{{"login": "ana", "password": "{password}"}}'
    # a cross-site form can send text/plain, but not application/json
    r = client.post("/api/session", content=body, headers={"Content-Type": "text/plain"})
    assert r.status_code == 422
    r = client.post("/api/session", content=body, headers={
        "Content-Type": "application/json", "Origin": "https://evil.example"})
    assert r.status_code == 403
    r = client.post("/api/session", content=body, headers={
        "Content-Type": "application/json", "Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403
