"""JSON API for clinicians (the people assigned to them) and admins (accounts).

A clinician's every read or write of a person's data is checked and audited in
:func:`talkcure.web.deps.assigned_patient`; a person not assigned to them is 404.
Admins manage accounts and assignments; they do not read conversations.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response

from talkcure.errors import TalkcureError
from talkcure.report.fhir_export import export_bundle
from talkcure.report.progress import build_progress
from talkcure.store.accounts import User
from talkcure.store.people import add_note, notes_of, patient_by_id
from talkcure.web import admin as admin_ops
from talkcure.web.api import SVG, WebDep, user_out
from talkcure.web.charts import chart_response
from talkcure.web.deps import assigned_patient, csrf_guard, require_role
from talkcure.web.export import person_export
from talkcure.web.schemas import ERRORS, AssignIn, NewUserIn, NoteIn, NoteOut, PathId, UserOut
from talkcure.web.views import (
    admin_view,
    person_detail,
    person_summary,
    sort_people,
    transcript,
)

router = APIRouter(prefix="/api", responses=ERRORS, dependencies=[Depends(csrf_guard)])


def clinician(request: Request):
    return require_role(request, "clinician")


def admin(request: Request):
    return require_role(request, "admin")


Clinician = Annotated[User, Depends(clinician)]
Admin = Annotated[User, Depends(admin)]


# --------------------------------------------------------------------------- clinician


@router.get("/patients", tags=["clinician"])
def patients(user: Clinician, web: WebDep):
    """The people assigned to you; those with risk flags first, then those with a
    reliable deterioration."""
    people = []
    for pid in web.accounts.patients_of(user.id):
        try:
            patient = assigned_patient(web, user, pid, "overview.read")
        except HTTPException:
            continue  # erased a moment ago
        people.append(person_summary(web.store, patient))
    return sort_people(people)


@router.get("/patients/{patient_id}", tags=["clinician"])
def patient(patient_id: PathId, user: Clinician, web: WebDep):
    """One person: flags, flagged sessions first, progress, formulation, notes."""
    person = assigned_patient(web, user, patient_id, "record.read")
    return person_detail(web.store, person)


@router.get("/patients/{patient_id}/sessions/{session_id}", tags=["clinician"])
def session(patient_id: PathId, session_id: PathId, user: Clinician, web: WebDep):
    """The annotated transcript: each utterance's readings (affect, people, time,
    defenses, the therapy relationship, risk) and each reply's plan with its reasons
    and evidence."""
    person = assigned_patient(web, user, patient_id, "transcript.read", f"session {session_id}")
    try:
        return transcript(web.store, person, session_id)
    except LookupError:
        raise HTTPException(404, "That session is not one of this person's.") from None


@router.get("/patients/{patient_id}/progress", tags=["clinician"])
def progress(patient_id: PathId, user: Clinician, web: WebDep):
    """Each measure over time with bands and reliable change, course, goals, risk."""
    person = assigned_patient(web, user, patient_id, "measures.read")
    return build_progress(web.store, person.name)


@router.get("/patients/{patient_id}/charts/{measure}", response_class=Response,
            responses=SVG, tags=["clinician"])
def chart(patient_id: PathId, measure: str, user: Clinician, web: WebDep):
    """One measure over time as SVG (phq9, gad7, rses, wsas or goals)."""
    person = assigned_patient(web, user, patient_id, "chart.read", measure[:32])
    return chart_response(web.store, person.name, measure)


@router.get("/patients/{patient_id}/notes", response_model=list[NoteOut], tags=["clinician"])
def notes(patient_id: PathId, user: Clinician, web: WebDep):
    """Clinicians' notes about this person, newest first."""
    person = assigned_patient(web, user, patient_id, "notes.read")
    return notes_of(web.store, person.id)


@router.post("/patients/{patient_id}/notes", response_model=NoteOut, status_code=201,
             tags=["clinician"])
def note_add(patient_id: PathId, body: NoteIn, user: Clinician, web: WebDep):
    """Add a note (stored encrypted)."""
    person = assigned_patient(web, user, patient_id, "notes.write")
    return add_note(web.store, person.id, user.id, body.text)


@router.get("/patients/{patient_id}/export", tags=["clinician"])
def export(patient_id: PathId, user: Clinician, web: WebDep):
    """Everything stored about this person, as JSON."""
    person = assigned_patient(web, user, patient_id, "export.json")
    return person_export(web.store, person)


@router.get("/patients/{patient_id}/export/fhir", tags=["clinician"])
def export_fhir(patient_id: PathId, user: Clinician, web: WebDep):
    """This person's questionnaires as a FHIR R4 Bundle."""
    person = assigned_patient(web, user, patient_id, "export.fhir")
    try:
        return export_bundle(web.store, person.name)
    except TalkcureError as err:
        raise HTTPException(404, str(err)) from None


# --------------------------------------------------------------------------- admin


@router.get("/admin", tags=["admin"])
def admin_overview(user: Admin, web: WebDep):
    """Accounts, people and who is assigned to whom, and the latest audit entries."""
    web.audit.append(user.id, user.role, "admin.read")
    return admin_view(web.store)


@router.post("/admin/users", response_model=UserOut, status_code=201, tags=["admin"])
def user_add(body: NewUserIn, user: Admin, web: WebDep):
    """Create an account; a person's account is tied to their record (created if new)."""
    created = admin_ops.add_user(web.store, body.login, body.password, body.role,
                                 body.patient_name)
    web.audit.append(user.id, user.role, "user.create", created.patient_id, f"user {created.id}")
    return user_out(created)


@router.delete("/admin/users/{user_id}", tags=["admin"])
def user_remove(user_id: PathId, user: Admin, web: WebDep):
    """Remove an account; a person's account goes with all their data (erasure)."""
    target = web.accounts.get(user_id)
    web.audit.append(user.id, user.role, "user.remove",
                     target.patient_id if target else None, f"user {user_id}")
    try:
        done = admin_ops.remove_user(web.store, user_id, user.id)
    except LookupError:
        raise HTTPException(404, "There is no such account.") from None
    if done["patient_id"] is not None:
        web.chats.forget(done["patient_id"])
    return done


@router.post("/admin/assignments", status_code=201, tags=["admin"])
def assign(body: AssignIn, user: Admin, web: WebDep):
    """Let a clinician see a person."""
    if patient_by_id(web.store, body.patient_id) is None:
        raise HTTPException(404, "There is no such person.")
    if web.accounts.get(body.clinician_id) is None:
        raise HTTPException(404, "There is no such account.")
    web.audit.append(user.id, user.role, "assignment.add", body.patient_id,
                     f"clinician {body.clinician_id}")
    added = web.accounts.assign(body.clinician_id, body.patient_id)
    return {"added": added}


@router.delete("/admin/assignments", tags=["admin"])
def unassign(user: Admin, web: WebDep,
             clinician_id: Annotated[int, Query(ge=1, le=2_147_483_647)],
             patient_id: Annotated[int, Query(ge=1, le=2_147_483_647)]):
    """Stop a clinician seeing a person."""
    web.audit.append(user.id, user.role, "assignment.remove", patient_id,
                     f"clinician {clinician_id}")
    return {"removed": web.accounts.unassign(clinician_id, patient_id)}
