"""The web app in a real browser: Playwright driving Debian's Chromium (/usr/bin/chromium,
installed by `make test`; no browser download).

A person signs in, chats five turns and answers a PHQ-9 (item 9 above 0: the crisis
reply and a flag); a clinician signs in and sees the flag, the annotated transcript
and the chart; a second clinician cannot open that person. Screenshots go to a
temporary folder, or to docs/screenshots/ with TALKCURE_SAVE_SCREENSHOTS=1.

Without Chromium or the playwright package these tests are skipped with the
reason, except with TALKCURE_REQUIRE_BROWSER=1 (set by .ci/run): then they fail.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from talkcure.measures import score
from talkcure.store.measure_records import MeasureRecords
from talkcure.web.app import create_app

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
ROOT = Path(__file__).resolve().parents[2]
MESSAGES = [
    "I have been feeling really down since I lost my job last month.",
    "My wife says I should just get over it, but I can't.",
    "When I was a kid my father always told me I'd never amount to anything.",
    "Last night I dreamt I was back at school, failing every exam while he watched.",
    "Maybe it's nothing. I just feel so alone with all of it.",
]


def _need_browser():
    problem = None
    try:
        from playwright.sync_api import sync_playwright  # noqa: F401
    except ImportError:
        problem = "the playwright package is not installed (pip install playwright)"
    if problem is None and not os.access(CHROMIUM, os.X_OK):
        problem = f"{CHROMIUM} is missing (make test installs Debian's chromium as root)"
    if problem:
        if os.environ.get("TALKCURE_REQUIRE_BROWSER") == "1":
            pytest.fail(problem + " (TALKCURE_REQUIRE_BROWSER=1: CI must run the browser tests)")
        pytest.skip(problem)


@pytest.fixture
def shots(tmp_path) -> Path:
    if os.environ.get("TALKCURE_SAVE_SCREENSHOTS") == "1":
        out = ROOT / "docs" / "screenshots"
    else:
        out = tmp_path / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.fixture
def server(store, people):
    import uvicorn

    _need_browser()
    # an earlier PHQ-9 two weeks ago, so the chart shows change
    records = MeasureRecords(store)
    records.add_result(people.patients["ana"], "phq9",
                       score("phq9", [1, 1, 1, 1, 0, 1, 0, 0, 0]).to_dict(), via="entry",
                       administered_at=datetime.now(UTC) - timedelta(days=14))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


def _page(browser, problems: list[str], **options):
    context = browser.new_context(**options)
    page = context.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return page


def _sign_in(page, base: str, login: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Login name").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def _chart_loaded(page) -> bool:
    """Every chart image arrived and decoded (drawn by the server on request)."""
    deadline = time.monotonic() + 15
    while not page.eval_on_selector_all("img.chart", "imgs => imgs.every(i => i.complete)"):
        assert time.monotonic() < deadline, "the charts did not load"
        time.sleep(0.1)
    return page.eval_on_selector_all("img.chart", "imgs => imgs.length > 0 && "
                                                  "imgs.every(i => i.naturalWidth > 0)")


def test_person_chats_answers_phq9_and_clinicians_see_only_their_own(
        browser, server, shots, password, people, store):
    from playwright.sync_api import expect

    problems: list[str] = []
    # ---- the person, on a phone-sized screen
    page = _page(browser, problems, viewport={"width": 390, "height": 844},
                 device_scale_factor=2, is_mobile=True, has_touch=True)
    page.goto(f"{server}/login")
    page.screenshot(path=shots / "login.png")
    _sign_in(page, server, "ana", password)
    expect(page.get_by_role("heading", name="Conversation")).to_be_visible()
    page.get_by_role("button", name="Begin a conversation").click()
    expect(page.locator("li.turn.companion").first).to_contain_text("not a therapist")
    for text in MESSAGES:
        page.get_by_label("Your message").fill(text)
        page.get_by_role("button", name="Send").click()
        expect(page.locator("li.turn.patient").last).to_contain_text(text)
    assert page.locator("li.turn.companion").count() == 6  # opening + five replies
    page.screenshot(path=shots / "person-chat-phone.png")  # the screen, at the latest reply

    page.get_by_role("link", name="Questionnaires").click()
    page.get_by_role("link", name="Answer the PHQ-9").click()
    answers = [2, 2, 1, 2, 1, 2, 1, 0, 1]
    for number, value in enumerate(answers, start=1):
        page.locator(f"#q{number} input[value='{value}']").check()
    page.locator("#q9").scroll_into_view_if_needed()
    page.screenshot(path=shots / "person-phq9-form-phone.png")
    page.get_by_role("button", name="Send my answers").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Your safety comes first")
    expect(alert).to_contain_text("988")
    page.screenshot(path=shots / "person-phq9-crisis-phone.png")
    page.goto(f"{server}/measures")
    expect(page.locator("img.chart")).to_be_visible()
    assert _chart_loaded(page)
    page.locator("section.measure").first.scroll_into_view_if_needed()
    page.screenshot(path=shots / "person-progress-phone.png")
    page.context.close()

    # ---- the clinician, on a laptop screen
    page = _page(browser, problems, viewport={"width": 1280, "height": 900})
    _sign_in(page, server, "dr_a", password)
    row = page.locator("table.people tbody tr").first
    expect(row).to_contain_text("Ana Lima")
    expect(row.locator(".badge.risk")).to_be_visible()
    page.screenshot(path=shots / "clinician-people.png", full_page=True)
    row.get_by_role("link", name="Ana Lima").click()
    expect(page.get_by_role("heading", name="Needs attention")).to_be_visible()
    expect(page.locator(".alert-box")).to_contain_text("item 9")
    expect(page.locator("img.chart")).to_be_visible()
    assert _chart_loaded(page)
    page.screenshot(path=shots / "clinician-person.png", full_page=True)
    page.locator("ul.sessions li.flagged a").first.click()
    expect(page.get_by_role("heading", name="Flags")).to_be_visible()
    expect(page.locator("li.turn.patient").first).to_contain_text(MESSAGES[0])
    expect(page.locator(".plan").first).to_contain_text("because")
    expect(page.locator("mark.person").first).to_be_visible()
    page.screenshot(path=shots / "clinician-transcript.png", full_page=True)
    ana_url = page.url
    person_url = ana_url.split("/sessions/")[0]
    page.context.close()

    # ---- a second clinician can't open that person (the 404s are expected here)
    page = _page(browser, [], viewport={"width": 1280, "height": 900})
    _sign_in(page, server, "dr_b", password)
    expect(page.locator("table.people")).not_to_contain_text("Ana Lima")
    for url in (person_url, ana_url):
        response = page.goto(url)
        assert response.status == 404
        expect(page.get_by_role("heading", name="Not found")).to_be_visible()
        expect(page.locator("body")).not_to_contain_text(MESSAGES[0])
    page.screenshot(path=shots / "second-clinician-404.png")
    page.context.close()

    # ---- the admin page
    page = _page(browser, problems, viewport={"width": 1280, "height": 900})
    _sign_in(page, server, "root", password)
    expect(page.get_by_role("heading", name="Accounts and assignments")).to_be_visible()
    page.screenshot(path=shots / "admin.png", full_page=True)
    page.context.close()

    assert problems == []  # no script errors, no Content-Security-Policy violations
