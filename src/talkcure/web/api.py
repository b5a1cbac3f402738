"""JSON API: signing in and out, and a person's own chat, measures, export and erasure.

Every state-changing call needs the X-CSRF-Token header from the sign-in answer
(or GET /api/me). Patient text is never logged.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response

from talkcure.errors import TalkcureError
from talkcure.report.fhir_export import export_bundle
from talkcure.report.progress import build_progress
from talkcure.store.accounts import User
from talkcure.store.people import erase_patient
from talkcure.web import measures as web_measures
from talkcure.web import security
from talkcure.web.charts import chart_response
from talkcure.web.deps import Web, csrf_guard, current_user, get_web, own_patient, session_of
from talkcure.web.export import person_export
from talkcure.web.schemas import (
    ERRORS,
    AnswersIn,
    ChatOut,
    ClosedOut,
    ErasedOut,
    EraseIn,
    LoginIn,
    MeasureOut,
    MessageIn,
    ReplyOut,
    SessionOut,
)
from talkcure.web.views import person_chat_view

router = APIRouter(prefix="/api", responses=ERRORS, dependencies=[Depends(csrf_guard)])
auth_router = APIRouter(prefix="/api", responses=ERRORS, tags=["sign-in"])
WebDep = Annotated[Web, Depends(get_web)]
UserDep = Annotated[User, Depends(current_user)]
SVG = {200: {"content": {"image/svg+xml": {}}, "description": "The chart as SVG."}}


def user_out(user: User) -> dict:
    return {"id": user.id, "login": user.login, "role": user.role,
            "patient_id": user.patient_id}


def sign_in(web: Web, login: str, password: str) -> tuple[User, str, str]:
    """Check a password; returns the user, a new session token and its CSRF token."""
    found = web.accounts.find(login)
    user, hashed = found if found else (None, None)
    if user is not None:
        since = datetime.now(UTC) - security.LOCKOUT_WINDOW
        failures = web.audit.count(actor_id=user.id, action="login", outcome="failed",
                                   since=since)
        if failures >= security.LOCKOUT_FAILURES:
            web.audit.append(user.id, user.role, "login", outcome="locked")
            raise HTTPException(429, "Too many wrong passwords; wait 15 minutes and try again.")
    if not security.verify_password(hashed, password) or user is None or not user.active:
        web.audit.append(user.id if user else None, user.role if user else "anonymous",
                         "login", outcome="failed")
        raise HTTPException(401, "Wrong login name or password.")
    token, csrf = security.new_token(), security.new_token()
    web.accounts.start_session(user.id, security.token_hash(token), csrf,
                               security.SESSION_LIFETIME)
    web.audit.append(user.id, user.role, "login")
    return user, token, csrf


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(security.SESSION_COOKIE, token, httponly=True, samesite="lax",
                        secure=security.cookie_secure(request.url.scheme), path="/",
                        max_age=int(security.SESSION_LIFETIME.total_seconds()))


def sign_out(web: Web, request: Request, response: Response) -> None:
    token = request.cookies.get(security.SESSION_COOKIE)
    found = session_of(request)
    if token:
        web.accounts.end_session(security.token_hash(token))
    if found:
        web.audit.append(found[0].id, found[0].role, "logout")
    response.delete_cookie(security.SESSION_COOKIE, path="/")


# --------------------------------------------------------------------------- sign-in


@auth_router.post("/session", response_model=SessionOut)
def login(body: LoginIn, request: Request, response: Response, web: WebDep):
    """Sign in; sets the session cookie and returns the CSRF token."""
    if not security.same_origin(request):
        raise HTTPException(403, "Cross-site request refused.")
    user, token, csrf = sign_in(web, body.login, body.password)
    set_session_cookie(response, request, token)
    return {"user": user_out(user), "csrf_token": csrf}


@router.delete("/session", status_code=204, tags=["sign-in"])
def logout(request: Request, web: WebDep):
    """Sign out (the session ends on the server too)."""
    response = Response(status_code=204)
    sign_out(web, request, response)
    return response


@auth_router.get("/me", response_model=SessionOut)
def me(request: Request, user: UserDep):
    """Who is signed in, and the CSRF token of this session."""
    return {"user": user_out(user), "csrf_token": session_of(request)[1]}


# --------------------------------------------------------------------------- chat


@router.get("/me/chat", response_model=ChatOut, tags=["person"])
def chat_get(user: UserDep, web: WebDep):
    """The open session (its opening and turns), or none."""
    patient = own_patient(web, user, "chat.read")
    return person_chat_view(web.companion, web.chats.current(patient))


@router.post("/me/chat", response_model=ChatOut, tags=["person"])
def chat_start(user: UserDep, web: WebDep):
    """Open a session (or return the one already open)."""
    patient = own_patient(web, user, "chat.start")
    return person_chat_view(web.companion, web.chats.start(patient))


@router.post("/me/chat/messages", response_model=ReplyOut, tags=["person"])
def chat_message(body: MessageIn, user: UserDep, web: WebDep):
    """Send a message; the reply is stored with it before it is returned. A message that
    can't be taken (empty, too long, control characters) is 400; if it held risk
    language the session is flagged and the detail gives the crisis contacts."""
    patient = own_patient(web, user, "chat.reply")
    exchange = web.chats.send(patient, body.text)
    if exchange.reply is None:
        detail = exchange.error
        if exchange.risk:
            detail += " If you are thinking about harming yourself or are in danger, " \
                      "please contact someone now: " + "; ".join(
                          r.line() for r in web.companion.resources.resources)
        raise HTTPException(400, detail)
    return {"reply": exchange.reply.text, "crisis": exchange.crisis,
            "turn_ids": list(exchange.reply.turn_ids), "session_id": exchange.session_id}


@router.post("/me/chat/close", response_model=ClosedOut, tags=["person"])
def chat_close(user: UserDep, web: WebDep):
    """Close the open session; returns the closing summary (null if none was open)."""
    patient = own_patient(web, user, "chat.close")
    return {"closing": web.chats.close(patient)}


# --------------------------------------------------------------------------- measures


@router.get("/me/measures", tags=["person"])
def measures_get(user: UserDep, web: WebDep):
    """The questionnaires one can answer and the person's progress."""
    patient = own_patient(web, user, "measures.read")
    return {"instruments": [web_measures.form_spec(i) for i in web_measures.WEB_INSTRUMENTS],
            "progress": build_progress(web.store, patient.name)}


@router.get("/me/measures/{instrument}", tags=["person"])
def measure_form(instrument: str, user: UserDep):
    """The questions and answer options of one questionnaire (phq9, gad7, rses, wsas)."""
    try:
        return web_measures.form_spec(instrument)
    except LookupError:
        raise HTTPException(404, "Unknown questionnaire; use phq9, gad7, rses or wsas.") \
            from None


@router.post("/me/measures/{instrument}", response_model=MeasureOut, tags=["person"])
def measure_submit(instrument: str, body: AnswersIn, user: UserDep, web: WebDep):
    """Answer a questionnaire. PHQ-9 item 9 above 0 starts the crisis protocol (the
    reply is in ``crisis``) and flags the session."""
    patient = own_patient(web, user, "measures.write", instrument[:32])
    try:
        done = web_measures.submit(web.chats, patient, instrument, body.answers,
                                   not body.not_working)
    except LookupError:
        raise HTTPException(404, "Unknown questionnaire; use phq9, gad7, rses or wsas.") \
            from None
    except web_measures.AnswerError as err:
        detail = str(err)
        if err.items:
            detail += " " + " ".join(f"Question {k}: {v}" for k, v in sorted(err.items.items()))
        raise HTTPException(400, detail) from None
    return {"id": done.record_id, "instrument": done.instrument, "total": done.result["total"],
            "band": done.result["band"], "text": done.text, "crisis": done.crisis,
            "session_id": done.session_id, "result": done.result}


@router.get("/me/charts/{measure}", response_class=Response, responses=SVG, tags=["person"])
def my_chart(measure: str, user: UserDep, web: WebDep):
    """A chart of one measure over time (phq9, gad7, rses, wsas or goals)."""
    patient = own_patient(web, user, "chart.read", measure[:32])
    return chart_response(web.store, patient.name, measure)


# --------------------------------------------------------------------------- my data


@router.get("/me/export", tags=["person"])
def export_json(user: UserDep, web: WebDep):
    """Everything stored about you, as JSON."""
    patient = own_patient(web, user, "export.json")
    return person_export(web.store, patient)


@router.get("/me/export/fhir", tags=["person"])
def export_fhir(user: UserDep, web: WebDep):
    """Your questionnaires as a FHIR R4 Bundle."""
    patient = own_patient(web, user, "export.fhir")
    try:
        return export_bundle(web.store, patient.name)
    except TalkcureError as err:
        raise HTTPException(404, str(err)) from None


@router.post("/me/erase", response_model=ErasedOut, tags=["person"])
def erase_me(body: EraseIn, request: Request, response: Response, user: UserDep, web: WebDep):
    """Delete everything stored about you and your account (right to erasure)."""
    patient = own_patient(web, user, "patient.erase")
    with web.chats.lock(patient.id):
        counts = erase_patient(web.store, patient.id)
        web.chats.forget(patient.id)
    response.delete_cookie(security.SESSION_COOKIE, path="/")
    return {"erased": counts}
