"""The staff console's working day: the live queue (polled), colleagues to assign work to,
and canned replies.

The console polls `GET /queue/live` every few seconds rather than holding a server-sent
event stream: each answer is read from the database, so it is right whichever backend
worker serves it (process memory is not shared between workers), it passes nginx without
buffering settings, and a poll sent with `X-Background-Poll: 1` does not count as activity,
so the staff idle time-out still ends an unattended console's session.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, StringConstraints

from backend.api.auth import CurrentStaff
from backend.api.deps import SecurityDep, SessionDep, SettingsDep
from backend.api.fields import MAX_ID, Id
from backend.idempotency import IdempotencyKeyHeader, run_once
from backend.models import CannedReply
from backend.services import canned_replies, work_queue

router = APIRouter(prefix="/api/v1/staff", tags=["staff"])

Cursor = Annotated[int, Query(ge=0, le=MAX_ID)]
NEW_AT_MOST = 50  # per kind and poll: the page reloads its list anyway
ReplyText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class LiveItem(BaseModel):
    source: str  # escalation or request
    id: int
    reference: str


class LiveOut(BaseModel):
    open_escalations: int
    open_requests: int
    latest_escalation_id: int
    latest_request_id: int
    new: list[LiveItem]  # after the cursors, oldest first
    waiting_alert_minutes: int


@router.get("/queue/live", response_model=LiveOut)
def queue_live(
    context: CurrentStaff,
    db: SessionDep,
    settings: SettingsDep,
    after_escalation: Cursor | None = None,
    after_request: Cursor | None = None,
) -> LiveOut:
    """Open counts, the newest ids (the next cursors) and what arrived after the cursors
    (the page's first poll sends none)."""
    found = work_queue.live(db, after_escalation, after_request, NEW_AT_MOST)
    return LiveOut(
        open_escalations=found.open_escalations,
        open_requests=found.open_requests,
        latest_escalation_id=found.latest_escalation_id,
        latest_request_id=found.latest_request_id,
        new=[LiveItem(source=a.source, id=a.id, reference=a.reference) for a in found.new],
        waiting_alert_minutes=settings.queue_waiting_alert_minutes,
    )


class ColleagueOut(BaseModel):
    id: int
    name: str


@router.get("/colleagues", response_model=list[ColleagueOut])
def colleagues(context: CurrentStaff, db: SessionDep) -> list[ColleagueOut]:
    """Active staff users by name: whom work can be assigned to (names only)."""
    return [ColleagueOut(id=row.id, name=row.name) for row in work_queue.colleagues(db)]


class CannedReplyIn(BaseModel):
    title: Title
    text_fi: ReplyText
    text_sv: ReplyText
    text_en: ReplyText


class CannedReplyOut(CannedReplyIn):
    id: int


def _out(row: CannedReply) -> CannedReplyOut:
    return CannedReplyOut.model_validate(row, from_attributes=True)


def _texts(body: CannedReplyIn) -> dict[str, str]:
    return {"fi": body.text_fi, "sv": body.text_sv, "en": body.text_en}


@router.get("/canned-replies", response_model=list[CannedReplyOut])
def list_canned_replies(context: CurrentStaff, db: SessionDep) -> list[CannedReplyOut]:
    """Every canned reply, by title."""
    return [_out(row) for row in canned_replies.listed(db)]


@router.post("/canned-replies", status_code=status.HTTP_201_CREATED, response_model=CannedReplyOut)
def create_canned_reply(
    body: CannedReplyIn,
    context: CurrentStaff,
    db: SessionDep,
    security: SecurityDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    def make() -> tuple[int, dict[str, Any]]:
        row = canned_replies.save(db, context.staff, None, body.title, _texts(body))
        return 201, _out(row).model_dump(mode="json")

    return run_once(db, security, "staff.canned_reply", idempotency_key, body, make)


@router.put("/canned-replies/{reply_id}", response_model=CannedReplyOut)
def change_canned_reply(
    reply_id: Id, body: CannedReplyIn, context: CurrentStaff, db: SessionDep
) -> CannedReplyOut:
    row = canned_replies.get(db, reply_id)
    canned_replies.save(db, context.staff, row, body.title, _texts(body))
    db.commit()
    return _out(row)


@router.delete("/canned-replies/{reply_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_canned_reply(reply_id: Id, context: CurrentStaff, db: SessionDep) -> None:
    canned_replies.remove(db, context.staff, canned_replies.get(db, reply_id))
    db.commit()
