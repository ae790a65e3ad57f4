import logging
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field, StringConstraints

from backend.api.deps import (
    DatabaseDep,
    RasaDep,
    SecurityDep,
    SettingsDep,
    client_address,
    get_limits,
)
from backend.conversations import resolve_conversation
from backend.db import Database
from backend.handoff import handle_message_during_handoff, no_answer_text, open_escalation
from backend.limits import Limit
from backend.metrics import ACTION_ERRORS, CHAT_TURNS
from backend.rasa_client import RasaUnavailable
from backend.security import Security
from backend.sessions import current_registrar_id, held_conversation, set_conversation_cookie
from backend.settings import Settings

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1", tags=["chat"])

ChatText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class ChatRequest(BaseModel):
    conversation_id: str | None = Field(default=None, max_length=64)
    message: ChatText


class Button(BaseModel):
    title: str
    payload: str


class BotMessage(BaseModel):
    text: str
    buttons: list[Button] | None = None
    # Set on an FAQ answer: the widget asks "Was this helpful?" about this entry.
    faq_entry_id: str | None = None
    # Issued with faq_entry_id: a vote names it (backend/security.py: answer_id), so only an
    # answer actually given can be voted on.
    answer_id: str | None = None
    # Set on a near miss's related entry: shown as related to the question, not its answer.
    faq_related_entry_id: str | None = None


class ChatResponse(BaseModel):
    conversation_id: str
    messages: list[BotMessage]


def _to_bot_messages(rasa_messages: list[dict[str, Any]]) -> list[BotMessage]:
    messages: list[BotMessage] = []
    for item in rasa_messages:
        text = item.get("text")
        custom = item.get("custom")
        custom = custom if isinstance(custom, dict) else {}
        entry_id, related_id = custom.get("faq_entry_id"), custom.get("faq_related_entry_id")
        if not isinstance(text, str):
            # Rasa sends an action's custom payload as its own message after the text.
            if isinstance(entry_id, str) and messages:
                messages[-1].faq_entry_id = entry_id
            if isinstance(related_id, str) and messages:
                messages[-1].faq_related_entry_id = related_id
            continue
        buttons = item.get("buttons")
        messages.append(
            BotMessage(
                text=text,
                buttons=[Button(title=b["title"], payload=b["payload"]) for b in buttons]
                if buttons
                else None,
                faq_entry_id=entry_id if isinstance(entry_id, str) else None,
                faq_related_entry_id=related_id if isinstance(related_id, str) else None,
            )
        )
    return messages


def _channel(request: Request) -> str:
    """The channel the reports count: a browser's fetch (the widget) sends Origin, any other
    client of the API does not."""
    return "widget" if request.headers.get("origin") else "api"


# Rasa reads a message that starts with "/" as an intent with entities ("/inform{...}"), which
# would let anyone set slots directly, past the forms' validation. From the public chat only
# the payloads the bot's own buttons carry pass as such (a test keeps this in step with
# domain.yml); any other message loses its leading slashes and goes to NLU as plain text.
BUTTON_PAYLOADS = frozenset({"/affirm", "/deny"})


def text_for_rasa(message: str) -> str:
    """The message as Rasa may see it: a button payload, or plain text with no leading "/"."""
    if message in BUTTON_PAYLOADS:
        return message
    text = message.lstrip("/").strip()
    if not text:
        raise HTTPException(
            status_code=status.HTTP_422_UNPROCESSABLE_ENTITY,
            detail="Write the message in words, not only slashes.",
        )
    return text


def _enforce_limits(request: Request, conversation_id: str | None) -> None:
    limits = get_limits(request)
    limits.enforce(Limit.CHAT_PER_CLIENT, client_address(request))
    if conversation_id:
        limits.enforce(Limit.CHAT_PER_CONVERSATION, conversation_id[:64])


def _prepare_turn(
    request: Request,
    database: Database,
    security: Security,
    settings: Settings,
    requested_id: str | None,
    message: str,
) -> tuple[str, str | None]:
    """The conversation this message belongs to, and the answer if it is handed off to staff.

    The session is closed before the caller waits for Rasa: holding a pooled connection
    through the Rasa round trip starved the pool (and the action server's own calls back to
    the backend) at 50 concurrent users.
    """
    with database.sessions() as db:
        conversation = resolve_conversation(
            db,
            requested_id,
            current_registrar_id(request, db, security, settings),
            held_by_browser=requested_id is not None
            and held_conversation(request, security) == requested_id,
        )
        escalation = open_escalation(db, conversation.id)
        if escalation is None:
            return conversation.id, None
        return conversation.id, handle_message_during_handoff(db, escalation, message)


@router.post("/chat", response_model=ChatResponse, response_model_exclude_none=True)
async def chat(
    body: ChatRequest,
    request: Request,
    response: Response,
    database: DatabaseDep,
    rasa: RasaDep,
    security: SecurityDep,
    settings: SettingsDep,
) -> ChatResponse:
    """Forward a message to Rasa (or, while handed off, to Celia's staff)."""
    # In the thread pool too: with LIMITS_STORAGE_URL the counts are a Redis round trip.
    await run_in_threadpool(_enforce_limits, request, body.conversation_id)
    text = text_for_rasa(body.message)
    # Database work runs in the thread pool: a SQLite write lock must never stall the event
    # loop, which carries every other conversation's request to Rasa.
    conversation_id, handoff_answer = await run_in_threadpool(
        _prepare_turn, request, database, security, settings, body.conversation_id, body.message
    )
    set_conversation_cookie(response, request, security, settings, conversation_id)
    if handoff_answer is not None:
        CHAT_TURNS.inc()
        return ChatResponse(
            conversation_id=conversation_id, messages=[BotMessage(text=handoff_answer)]
        )
    try:
        rasa_messages = await rasa.send(conversation_id, text, _channel(request))
    except RasaUnavailable as error:
        raise HTTPException(
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            detail="The assistant is temporarily unavailable. Please try again in a moment, "
            "or write to palvelut@celia.fi.",
        ) from error
    messages = _to_bot_messages(rasa_messages)
    if not messages:
        # Every turn of this bot answers something; silence means a part behind Rasa failed
        # (e.g. the action server is down). Never leave the user without an answer.
        log.warning("Rasa answered nothing for a message; told the user to retry")
        ACTION_ERRORS.inc()
        messages = [BotMessage(text=no_answer_text(body.message))]
    for message in messages:
        if message.faq_entry_id:
            message.answer_id = security.answer_id(conversation_id, message.faq_entry_id)
    CHAT_TURNS.inc()
    log.info("chat turn answered with %s message(s)", len(messages))
    return ChatResponse(conversation_id=conversation_id, messages=messages)
