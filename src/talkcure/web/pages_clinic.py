"""Server-rendered pages for clinicians (their people, flagged first; a person's record;
annotated transcripts; charts; notes) and admins (accounts and assignments)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request

from talkcure.errors import TalkcureError
from talkcure.store.people import add_note, patient_by_id
from talkcure.web import admin as admin_ops
from talkcure.web.charts import chart_response
from talkcure.web.deps import Web, assigned_patient, csrf_guard, get_web, require_role
from talkcure.web.pages import render, see_other
from talkcure.web.schemas import PathId
from talkcure.web.views import (
    admin_view,
    person_detail,
    person_summary,
    sort_people,
    transcript,
    transcript_view,
)

router = APIRouter(dependencies=[Depends(csrf_guard)], include_in_schema=False)
WebDep = Annotated[Web, Depends(get_web)]


# --------------------------------------------------------------------------- clinician


@router.get("/clinician")
def people_page(request: Request, web: WebDep):
    user = require_role(request, "clinician")
    people = []
    for pid in web.accounts.patients_of(user.id):
        try:
            people.append(person_summary(web.store,
                                         assigned_patient(web, user, pid, "overview.read")))
        except HTTPException:
            continue
    return render(request, "clinician.html", {"people": sort_people(people)})


def _record(request: Request, web: Web, patient_id: int, note_error: str = "",
            status: int = 200):
    user = require_role(request, "clinician")
    person = assigned_patient(web, user, patient_id, "record.read")
    detail = person_detail(web.store, person)
    return render(request, "person.html", {"d": detail, "note_error": note_error}, status)


@router.get("/clinician/people/{patient_id}")
def person_page(request: Request, patient_id: PathId, web: WebDep):
    return _record(request, web, patient_id)


@router.get("/clinician/people/{patient_id}/sessions/{session_id}")
def transcript_page(request: Request, patient_id: PathId, session_id: PathId, web: WebDep):
    user = require_role(request, "clinician")
    person = assigned_patient(web, user, patient_id, "transcript.read", f"session {session_id}")
    try:
        record = transcript(web.store, person, session_id)
    except LookupError:
        raise HTTPException(404, "That session is not one of this person's.") from None
    return render(request, "transcript.html", {"t": transcript_view(record)})


@router.get("/clinician/people/{patient_id}/charts/{measure}.svg")
def chart(request: Request, patient_id: PathId, measure: str, web: WebDep):
    user = require_role(request, "clinician")
    person = assigned_patient(web, user, patient_id, "chart.read", measure[:32])
    return chart_response(web.store, person.name, measure)


@router.post("/clinician/people/{patient_id}/notes")
def note_add(request: Request, patient_id: PathId, web: WebDep,
             text: Annotated[str, Form()] = ""):
    user = require_role(request, "clinician")
    person = assigned_patient(web, user, patient_id, "notes.write")
    try:
        add_note(web.store, person.id, user.id, text)
    except TalkcureError as err:
        return _record(request, web, patient_id, str(err), 400)
    return see_other(f"/clinician/people/{patient_id}#notes")


# --------------------------------------------------------------------------- admin


def _admin_page(request: Request, web: Web, message: str = "", error: str = "",
                status: int = 200):
    user = require_role(request, "admin")
    web.audit.append(user.id, user.role, "admin.read")
    return render(request, "admin.html", {"a": admin_view(web.store), "message": message,
                                          "error": error}, status)


@router.get("/admin")
def admin_page(request: Request, web: WebDep):
    return _admin_page(request, web)


@router.post("/admin/users")
def admin_add_user(request: Request, web: WebDep, login: Annotated[str, Form()] = "",
                   password: Annotated[str, Form()] = "", role: Annotated[str, Form()] = "",
                   patient_name: Annotated[str, Form()] = ""):
    user = require_role(request, "admin")
    try:
        created = admin_ops.add_user(web.store, login[:200], password[:1024], role,
                                     patient_name[:200] or None)
    except TalkcureError as err:
        return _admin_page(request, web, error=str(err), status=400)
    web.audit.append(user.id, user.role, "user.create", created.patient_id, f"user {created.id}")
    return _admin_page(request, web, message=f"Account {created.login} ({created.role}) "
                                             "created.")


def _int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= 2_147_483_647:
        raise TalkcureError("Choose from the lists.")
    return number


@router.post("/admin/assignments")
def admin_assign(request: Request, web: WebDep, clinician_id: Annotated[str, Form()] = "",
                 patient_id: Annotated[str, Form()] = "",
                 remove: Annotated[str, Form()] = ""):
    user = require_role(request, "admin")
    try:
        cid, pid = _int(clinician_id), _int(patient_id)
        if patient_by_id(web.store, pid) is None or web.accounts.get(cid) is None:
            raise TalkcureError("There is no such person or account; choose from the lists.")
        action = "assignment.remove" if remove else "assignment.add"
        web.audit.append(user.id, user.role, action, pid, f"clinician {cid}")
        if remove:
            web.accounts.unassign(cid, pid)
        else:
            web.accounts.assign(cid, pid)
    except TalkcureError as err:
        return _admin_page(request, web, error=str(err), status=400)
    return see_other("/admin#assignments")


@router.post("/admin/users/{user_id}/remove")
def admin_remove_user(request: Request, user_id: PathId, web: WebDep,
                      confirm: Annotated[str, Form()] = ""):
    user = require_role(request, "admin")
    if confirm != "remove":
        return _admin_page(request, web, error='Type "remove" to confirm.', status=400)
    target = web.accounts.get(user_id)
    web.audit.append(user.id, user.role, "user.remove", target.patient_id if target else None,
                     f"user {user_id}")
    try:
        done = admin_ops.remove_user(web.store, user_id, user.id)
    except LookupError:
        raise HTTPException(404, "There is no such account.") from None
    except TalkcureError as err:
        return _admin_page(request, web, error=str(err), status=400)
    if done["patient_id"] is not None:
        web.chats.forget(done["patient_id"])
    return _admin_page(request, web, message="Account removed"
                       + (" with all of the person's data." if done["erased"] else "."))
