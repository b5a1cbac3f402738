"""Request and response bodies of the JSON API (they make the OpenAPI schema)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Path
from pydantic import BaseModel, Field

MAX_ID = 2_147_483_647  # the databases' INTEGER
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
Role = Literal["person", "clinician", "admin"]


class LoginIn(BaseModel):
    login: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1024)


class UserOut(BaseModel):
    id: int
    login: str
    role: Role
    patient_id: int | None


class SessionOut(BaseModel):
    user: UserOut
    csrf_token: str = Field(description="Send it back in the X-CSRF-Token header of every "
                                        "POST, PUT, PATCH and DELETE.")


class MessageIn(BaseModel):
    text: str = Field(max_length=20_000, description="What the person says (at most 4,000 "
                                                     "characters are accepted).")


class ChatTurn(BaseModel):
    id: int
    speaker: Literal["patient", "companion"]
    text: str
    crisis: bool


class ChatOut(BaseModel):
    session: dict[str, Any] | None
    opening: str
    turns: list[ChatTurn]
    crisis_active: bool


class ReplyOut(BaseModel):
    reply: str
    crisis: bool = Field(description="True when the reply comes from the crisis protocol.")
    turn_ids: list[int]
    session_id: int


class ClosedOut(BaseModel):
    closing: str | None


class AnswersIn(BaseModel):
    answers: list[int | None] = Field(max_length=50, description="One answer value per "
                                      "question in order; null leaves a question out.")
    not_working: bool = Field(False, description="WSAS only: leave question 1 (work) out.")


class MeasureOut(BaseModel):
    id: int
    instrument: str
    total: int
    band: str
    text: str
    crisis: str = Field(description="The crisis reply when the risk item (PHQ-9 item 9) "
                                    "was answered above 0; empty otherwise.")
    session_id: int | None
    result: dict[str, Any]


class EraseIn(BaseModel):
    confirm: Literal["erase"] = Field(description='Type "erase" to confirm.')


class ErasedOut(BaseModel):
    erased: dict[str, int]


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=10_000)


class NoteOut(BaseModel):
    id: int
    author_id: int | None
    text: str
    created_at: str


class NewUserIn(BaseModel):
    login: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=8, max_length=1024)
    role: Role
    patient_name: str | None = Field(None, max_length=100, description="person only: the "
                                     "name of their record (default: the login name).")


class AssignIn(BaseModel):
    clinician_id: Id
    patient_id: Id


class Detail(BaseModel):
    detail: str


ERRORS = {
    400: {"model": Detail, "description": "Something the user can fix; the detail says what."},
    401: {"model": Detail, "description": "Not signed in."},
    403: {"model": Detail, "description": "Not allowed, or a missing CSRF token."},
    404: {"model": Detail, "description": "No such thing (or not yours to see)."},
}
