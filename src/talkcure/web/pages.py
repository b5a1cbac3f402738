"""Server-rendered pages: signing in and out, and a person's chat, questionnaires,
progress, export and erasure. Forms post back with the session's CSRF token; no
JavaScript is needed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, Response
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool

from talkcure.errors import TalkcureError
from talkcure.report.fhir_export import export_bundle
from talkcure.report.progress import build_progress
from talkcure.store.people import erase_patient
from talkcure.web import measures as web_measures
from talkcure.web import security
from talkcure.web.api import set_session_cookie, sign_in, sign_out
from talkcure.web.charts import chart_response
from talkcure.web.deps import Web, csrf_guard, get_web, own_patient, require_role, session_of
from talkcure.web.export import person_export
from talkcure.web.views import person_chat_view, resources_view

router = APIRouter(include_in_schema=False)
protected = APIRouter(dependencies=[Depends(csrf_guard)], include_in_schema=False)
WebDep = Annotated[Web, Depends(get_web)]
HOME = {"person": "/chat", "clinician": "/clinician", "admin": "/admin"}


def render(request: Request, name: str, context: dict | None = None, status: int = 200):
    web = get_web(request)
    found = session_of(request)
    data = {"user": found[0] if found else None, "csrf": found[1] if found else "",
            "resources": resources_view(web.companion)}
    data.update(context or {})
    return web.templates.TemplateResponse(request, name, data, status_code=status)


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _person(request: Request, web: Web, action: str, target: str = ""):
    return own_patient(web, require_role(request, "person"), action, target)


# --------------------------------------------------------------------------- sign-in


@router.get("/")
def home(request: Request):
    found = session_of(request)
    return see_other(HOME[found[0].role] if found else "/login")


@router.get("/login")
def login_page(request: Request):
    token = security.new_token()
    response = render(request, "login.html", {"prelogin": token, "error": ""})
    _prelogin_cookie(response, request, token)
    return response


def _prelogin_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(security.PRELOGIN_COOKIE, token, httponly=True, samesite="strict",
                        secure=security.cookie_secure(request.url.scheme), path="/login",
                        max_age=3600)


@router.post("/login")
def login_submit(request: Request, web: WebDep, login: Annotated[str, Form()] = "",
                 password: Annotated[str, Form()] = "",
                 csrf_token: Annotated[str, Form()] = ""):
    if not (security.same_origin(request)
            and security.same_token(request.cookies.get(security.PRELOGIN_COOKIE), csrf_token)):
        raise HTTPException(403, "The sign-in form has expired; reload the page and try "
                                 "again.")
    try:
        user, token, _csrf = sign_in(web, login[:200], password[:1024])
    except HTTPException as err:
        fresh = security.new_token()
        response = render(request, "login.html", {"prelogin": fresh, "error": err.detail,
                                                  "login": login[:100]}, err.status_code)
        _prelogin_cookie(response, request, fresh)
        return response
    response = see_other(HOME[user.role])
    set_session_cookie(response, request, token)
    response.delete_cookie(security.PRELOGIN_COOKIE, path="/login")
    return response


@protected.post("/logout")
def logout(request: Request, web: WebDep):
    response = see_other("/login")
    sign_out(web, request, response)
    return response


# --------------------------------------------------------------------------- chat


@protected.get("/chat")
def chat_page(request: Request, web: WebDep):
    patient = _person(request, web, "chat.read")
    view = person_chat_view(web.companion, web.chats.current(patient))
    return render(request, "chat.html", {"chat": view, "error": "", "draft": ""})


@protected.post("/chat/start")
def chat_start(request: Request, web: WebDep):
    patient = _person(request, web, "chat.start")
    web.chats.start(patient)
    return see_other("/chat")


@protected.post("/chat")
def chat_send(request: Request, web: WebDep, text: Annotated[str, Form()] = ""):
    patient = _person(request, web, "chat.reply")
    exchange = web.chats.send(patient, text[:20_000])
    if exchange.reply is None:
        view = person_chat_view(web.companion, web.chats.current(patient))
        return render(request, "chat.html", {"chat": view, "error": exchange.error,
                                             "risk": exchange.risk,
                                             "draft": text[:4000]}, 400)
    return see_other("/chat#latest")


@protected.post("/chat/end")
def chat_end(request: Request, web: WebDep):
    patient = _person(request, web, "chat.close")
    closing = web.chats.close(patient)
    if closing is None:
        return see_other("/chat")
    return render(request, "chat_closed.html", {"closing": closing})


# --------------------------------------------------------------------------- measures


@protected.get("/measures")
def measures_page(request: Request, web: WebDep):
    patient = _person(request, web, "measures.read")
    progress = build_progress(web.store, patient.name)
    forms = [web_measures.form_spec(i) for i in web_measures.WEB_INSTRUMENTS]
    return render(request, "measures.html", {"progress": progress, "forms": forms})


@protected.get("/measures/{instrument}")
def measure_form(request: Request, instrument: str, web: WebDep):
    _person(request, web, "measures.form", instrument[:32])
    try:
        spec = web_measures.form_spec(instrument)
    except LookupError:
        raise HTTPException(404, "There is no such questionnaire.") from None
    return render(request, "measure_form.html", {"form": spec, "errors": {}, "values": {},
                                                 "message": ""})


@protected.post("/measures/{instrument}")
async def measure_submit(request: Request, instrument: str):
    web = get_web(request)
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}

    def work():
        patient = _person(request, web, "measures.write", instrument[:32])
        spec = web_measures.form_spec(instrument)
        try:
            answers, working = web_measures.parse_form(instrument, values)
            done = web_measures.submit(web.chats, patient, instrument, answers, working)
        except web_measures.AnswerError as err:
            return render(request, "measure_form.html", {
                "form": spec, "errors": err.items, "values": values, "message": str(err)}, 400)
        except TalkcureError as err:
            return render(request, "measure_form.html", {
                "form": spec, "errors": {}, "values": values, "message": str(err)}, 400)
        return render(request, "measure_done.html", {"form": spec, "done": done})

    try:
        return await run_in_threadpool(work)
    except LookupError:
        raise HTTPException(404, "There is no such questionnaire.") from None


@protected.get("/measures/{measure}/chart.svg")
def measure_chart(request: Request, measure: str, web: WebDep):
    patient = _person(request, web, "chart.read", measure[:32])
    return chart_response(web.store, patient.name, measure,
                          missing="No results of that questionnaire yet.")


# --------------------------------------------------------------------------- my data


@protected.get("/my-data")
def my_data(request: Request, web: WebDep):
    _person(request, web, "mydata.read")
    return render(request, "my_data.html", {"error": ""})


def _download(data: dict, filename: str) -> Response:
    import json

    return Response(json.dumps(data, indent=2, ensure_ascii=False), media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@protected.get("/my-data/talkcure-export.json")
def my_export(request: Request, web: WebDep):
    patient = _person(request, web, "export.json")
    return _download(person_export(web.store, patient), "talkcure-export.json")


@protected.get("/my-data/talkcure-fhir.json")
def my_fhir(request: Request, web: WebDep):
    patient = _person(request, web, "export.fhir")
    try:
        bundle = export_bundle(web.store, patient.name)
    except TalkcureError as err:
        raise HTTPException(404, str(err)) from None
    return _download(bundle, "talkcure-fhir.json")


@protected.post("/my-data/erase")
def my_erase(request: Request, web: WebDep, confirm: Annotated[str, Form()] = ""):
    if confirm.strip().lower() != "erase":
        _person(request, web, "mydata.read")
        return render(request, "my_data.html", {"error": 'Type the word "erase" to confirm.'},
                      400)
    patient = _person(request, web, "patient.erase")
    with web.chats.lock(patient.id):
        erase_patient(web.store, patient.id)
        web.chats.forget(patient.id)
    response = render(request, "erased.html", {"user": None})
    response.delete_cookie(security.SESSION_COOKIE, path="/")
    return response


router.include_router(protected)
