"""Account administration shared by the admin pages, the API and ``talkcure user``."""

from __future__ import annotations

from talkcure import settings
from talkcure.errors import TalkcureError
from talkcure.store import Store
from talkcure.store.accounts import Accounts, User, clean_login
from talkcure.store.people import erase_patient
from talkcure.web.security import hash_password


def add_user(store: Store, login: str, password: str, role: str,
             patient_name: str | None = None) -> User:
    """Create an account. A person's account is tied to their record (``patient_name``,
    by default the login name), which is created if it does not exist yet, so someone
    who already talks with ``talkcure chat --patient NAME`` keeps their course."""
    accounts = Accounts(store)
    login = clean_login(login)
    password_hash = hash_password(password)
    if role != "person":
        if patient_name:
            raise TalkcureError("Only a person account has a person's record (--patient).")
        return accounts.create_user(login, role, password_hash)
    name = clean_login(patient_name or login)
    if accounts.find(login) is not None:
        raise TalkcureError("That login name is taken; choose another name.")
    patient = store.get_or_create_patient(name, settings.locale())
    if accounts.by_patient(patient.id) is not None:
        raise TalkcureError(f"{name} already has an account.")
    return accounts.create_user(login, role, password_hash, patient_id=patient.id)


def user_by_login(store: Store, login: str, role: str | None = None) -> User:
    found = Accounts(store).find(login)
    if found is None or (role is not None and found[0].role != role):
        what = f"{role} account" if role else "account"
        raise TalkcureError(f"There is no {what} called {login!r}; list them with "
                            "`talkcure user list`.")
    return found[0]


def remove_user(store: Store, user_id: int, acting_user_id: int | None = None) -> dict:
    """Remove an account. A person's account goes with all of their data (erasure)."""
    accounts = Accounts(store)
    user = accounts.get(user_id)
    if user is None:
        raise LookupError(user_id)
    if user.id == acting_user_id:
        raise TalkcureError("You can't remove your own account.")
    if user.role == "admin" and len(accounts.users("admin")) <= 1:
        raise TalkcureError("This is the last admin account; add another admin first.")
    if user.role == "person" and user.patient_id is not None:
        return {"user": user.id, "patient_id": user.patient_id,
                "erased": erase_patient(store, user.patient_id)}
    accounts.delete_user(user.id)
    return {"user": user.id, "patient_id": None, "erased": {}}
