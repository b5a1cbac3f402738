"""The terminal conversation behind ``talkcure chat``.

Interactive (a terminal): Rich prompts and replies; a refused message is
explained and the person types again. Scripted (stdin lines): one message per
line, replies printed as plain text; a refused message closes the session
(what was said is kept) and exits with status 2.
"""

from __future__ import annotations

import sys

from talkcure.errors import TalkcureError
from talkcure.measure_flow import ChatMeasures
from talkcure.store import Store
from talkcure.therapy import Companion, Conversation, MessageError

COMMANDS = {
    "/quit": "close the session with a summary",
    "/help": "show these commands",
    "/resources": "show crisis and support contacts for your locale",
    "/measure": "answer a questionnaire: /measure phq9, gad7, rses, wsas or goals",
}


def _resources_text(companion: Companion) -> str:
    res = companion.resources
    lines = [f"Emergency services: {res.emergency}"] if getattr(res, "emergency", "") else []
    for r in res.resources:
        lines.append(f"{r.name}: {r.contact}" + (f" ({r.how})" if getattr(r, "how", "") else ""))
    return "\n".join(lines)


def _refused(conv: Conversation, err: MessageError) -> str:
    message = f"Error: {err}"
    if err.risk:
        conv.flag_unsent("risk language in a message that could not be accepted")
        message += (
            "\nIf you are thinking about harming yourself or are in danger, please contact "
            "someone now:\n" + _resources_text(conv.companion)
        )
    return message


def run_chat(patient: str, store: Store, *, locale: str | None = None, seed: int | None = None,
             interactive: bool = True, stdin=None, out=None) -> int:
    companion = Companion(store, locale=locale, seed=seed)
    conv = companion.open(patient)
    if interactive:
        return _interactive(conv)
    return _scripted(conv, stdin or sys.stdin, out or sys.stdout)


def _scripted(conv: Conversation, stdin, out) -> int:
    def say(text: str) -> None:
        out.write(text + "\n\n")
        out.flush()

    say(conv.opening)
    measures = ChatMeasures(conv)
    code = 0
    for raw in stdin:
        line = raw.rstrip("\r\n")
        command = line.strip().lower()
        if command in {"/quit", "/exit", "/bye"}:
            break
        if (answer := measures.handle(line)) is not None:
            say(answer)
            continue
        if command == "/help":
            say("\n".join(f"{k}  {v}" for k, v in COMMANDS.items()))
            continue
        if command == "/resources":
            say(_resources_text(conv.companion))
            continue
        if command.startswith("/") and command.split()[0] not in COMMANDS:
            say(f"Unknown command {command.split()[0]}; type /help for the list.")
            continue
        try:
            reply = conv.reply(line)
        except MessageError as err:
            sys.stderr.write(_refused(conv, err) + "\n")
            code = 2
            break
        say(reply.text)
    say(conv.close())
    return code


def _interactive(conv: Conversation) -> int:
    from rich.console import Console
    from rich.panel import Panel
    from rich.prompt import Prompt

    console = Console()

    def say(text: str, title: str = "talkcure") -> None:
        console.print(Panel(text, title=title, title_align="left", border_style="cyan"))

    say(conv.opening)
    measures = ChatMeasures(conv)
    while True:
        try:
            line = Prompt.ask("[bold]you[/bold]", console=console, show_default=False,
                              default="")
        except (EOFError, KeyboardInterrupt):
            console.print()
            break
        command = line.strip().lower()
        if command in {"/quit", "/exit", "/bye"}:
            break
        if (answer := measures.handle(line)) is not None:
            say(answer)
            continue
        if command == "/help":
            say("\n".join(f"{k}  {v}" for k, v in COMMANDS.items()), "commands")
            continue
        if command == "/resources":
            say(_resources_text(conv.companion), "support contacts")
            continue
        if command.startswith("/") and command.split()[0] not in COMMANDS:
            say(f"Unknown command {command.split()[0]}; type /help for the list.", "commands")
            continue
        try:
            reply = conv.reply(line)
        except MessageError as err:
            console.print(_refused(conv, err), style="yellow", markup=False)
            continue
        except TalkcureError as err:
            console.print(f"Error: {err}", style="red", markup=False)
            continue
        say(reply.text)
    say(conv.close(), "until next time")
    return 0
