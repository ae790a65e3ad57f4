"""Endpoints for the action server only (service token)."""

from fastapi import APIRouter
from pydantic import BaseModel

from backend.api.deps import ServiceAuth, SessionDep
from backend.models import Conversation

router = APIRouter(prefix="/api/v1/service", tags=["service"], dependencies=[ServiceAuth])


class ConversationInfo(BaseModel):
    conversation_id: str
    known: bool
    registrar_id: int | None


@router.get("/conversations/{conversation_id}", response_model=ConversationInfo)
def conversation_info(conversation_id: str, db: SessionDep) -> ConversationInfo:
    """Who is on the other end of a conversation, as far as the backend knows."""
    conversation = db.get(Conversation, conversation_id[:64])
    return ConversationInfo(
        conversation_id=conversation_id,
        known=conversation is not None,
        registrar_id=conversation.registrar_id if conversation else None,
    )
