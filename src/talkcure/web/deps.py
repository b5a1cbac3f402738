"""Who is asking, what they may see, and the audit entry for every access.

Every read or write of a person's data goes through :func:`own_patient` (a
person, their own data) or :func:`assigned_patient` (a clinician, a person
assigned to them). Both write the audit entry *before* anything is returned, so
an access that cannot be recorded does not happen. A refused access is recorded
too (outcome ``denied``). A clinician asking for someone not assigned to them
gets 404, as if the person did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import HTTPException, Request

from talkcure.model import PatientInfo
from talkcure.store import Store
from talkcure.store.accounts import Accounts, User
from talkcure.store.audit import AuditLog
from talkcure.store.people import patient_by_id
from talkcure.therapy import Companion
from talkcure.web import security
from talkcure.web.chat import ChatHub


@dataclass
class Web:
    """The services of one app process."""

    store: Store
    companion: Companion
    accounts: Accounts = field(init=False)
    audit: AuditLog = field(init=False)
    chats: ChatHub = field(init=False)
    templates: Any = None

    def __post_init__(self) -> None:
        self.accounts = Accounts(self.store)
        self.audit = AuditLog(self.store)
        self.chats = ChatHub(self.companion)


class NotSignedIn(Exception):
    """No valid session: pages redirect to the sign-in page, the API answers 401."""


def get_web(request: Request) -> Web:
    return request.app.state.web


def session_of(request: Request) -> tuple[User, str] | None:
    """The signed-in user and their CSRF token (cached for the request)."""
    if not hasattr(request.state, "auth"):
        token = request.cookies.get(security.SESSION_COOKIE)
        found = None
        if token and len(token) < 200:
            found = get_web(request).accounts.session_user(security.token_hash(token))
        request.state.auth = found
    return request.state.auth


def current_user(request: Request) -> User:
    found = session_of(request)
    if found is None:
        raise NotSignedIn()
    return found[0]


def csrf_token(request: Request) -> str:
    found = session_of(request)
    return found[1] if found else ""


async def csrf_guard(request: Request) -> None:
    """Refuse a state-changing request without this session's CSRF token, or from
    another origin."""
    if request.method not in security.UNSAFE_METHODS:
        return
    if not security.same_origin(request):
        raise HTTPException(403, "Cross-site request refused.")
    found = session_of(request)
    if found is None:
        raise NotSignedIn()
    given = request.headers.get(security.CSRF_HEADER)
    if given is None and "form" in request.headers.get("content-type", ""):
        form = await request.form()
        value = form.get(security.CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not security.same_token(found[1], given):
        raise HTTPException(403, "The form has expired or the CSRF token is missing; reload "
                                 "the page and try again.")


def require_role(request: Request, *roles: str) -> User:
    user = current_user(request)
    if user.role not in roles:
        get_web(request).audit.append(user.id, user.role, f"denied:{request.url.path[:50]}",
                                      outcome="denied")
        raise HTTPException(403, "Your account can't open this page.")
    return user


def own_patient(web: Web, user: User, action: str, target: str = "") -> PatientInfo:
    """A person's own record, audited."""
    if user.role != "person" or user.patient_id is None:
        web.audit.append(user.id, user.role, action, None, target, "denied")
        raise HTTPException(403, "Only a person's own account can open this page.")
    patient = patient_by_id(web.store, user.patient_id)
    if patient is None:
        raise HTTPException(404, "Your record no longer exists.")
    web.audit.append(user.id, user.role, action, patient.id, target)
    return patient


def assigned_patient(web: Web, user: User, patient_id: int, action: str,
                     target: str = "") -> PatientInfo:
    """A person assigned to this clinician, audited; anyone else is 404 (or 403 for a
    role that never sees people's records)."""
    if user.role != "clinician":
        web.audit.append(user.id, user.role, action, patient_id, target, "denied")
        raise HTTPException(403, "Only a clinician can open a person's record.")
    patient = None
    if web.accounts.is_assigned(user.id, patient_id):
        patient = patient_by_id(web.store, patient_id)
    if patient is None:
        web.audit.append(user.id, user.role, action, patient_id, target, "denied")
        raise HTTPException(404, "There is no such person among the people assigned to you.")
    web.audit.append(user.id, user.role, action, patient.id, target)
    return patient
