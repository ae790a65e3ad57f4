"""Staff replies that never reached the chat: when the widget has not fetched a reply within
REPLY_EMAIL_DELAY_SECONDS (its tab was closed), the registrar gets one e-mail per escalation
with a link that reopens the conversation in the widget.

The mail holds no reply text: a conversation bound to a registrar shows its replies only to
that registrar's session, and the link leads there. An anonymous conversation continues only
in the browser holding its cookie, so the link carries a single-use token (in the URL
fragment, valid INVITATION_DAYS; only its hash is kept) that gives the browser opening it the
cookie (`claim_link`). A logged-in registrar is mailed at the account's address, an anonymous
one at the address they left at hand-off (or not at all).
"""

import asyncio
import hmac
import logging
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from backend.email.outbox import queue_email, seal
from backend.models import (
    Conversation,
    Escalation,
    EscalationMessage,
    MessageKind,
    Registrar,
    RegistrarStatus,
    utcnow,
)
from backend.periodic import PeriodicTask, claim_turn
from backend.security import new_token, token_digest
from backend.settings import Settings

log = logging.getLogger(__name__)


def _recipient(db: Session, escalation: Escalation) -> tuple[str, str] | None:
    """Address and language: a registrar's account and profile language (as all account
    mail), or the address an anonymous registrar left and the conversation's language."""
    if escalation.registrar_id is None:
        if escalation.contact_email is None:
            return None
        return escalation.contact_email, escalation.language
    registrar = db.get(Registrar, escalation.registrar_id)
    if registrar is None or registrar.status != RegistrarStatus.active:
        return None
    return registrar.email, registrar.language


def conversation_link(db: Session, settings: Settings, conversation_id: str) -> str:
    """The widget's link to the conversation, with a fresh single-use token (an earlier
    link's token stops working)."""
    token = new_token()
    conversation = db.get(Conversation, conversation_id)
    if conversation is not None:
        conversation.link_token_hash = token_digest(token)
        conversation.link_expires_at = utcnow() + timedelta(days=settings.invitation_days)
    return f"{settings.site_url}/?chat={conversation_id}#claim={token}"


def claim_link(db: Session, conversation_id: str, token: str) -> bool:
    """Use up a mailed link's token: True when it is this conversation's, unused and unexpired."""
    conversation = db.get(Conversation, conversation_id)
    if (
        conversation is None
        or conversation.link_token_hash is None
        or conversation.link_expires_at is None
        or conversation.link_expires_at <= utcnow()
        or not hmac.compare_digest(conversation.link_token_hash, token_digest(token))
    ):
        return False
    conversation.link_token_hash = conversation.link_expires_at = None
    return True


def mail_unfetched_replies(db: Session, settings: Settings, now: datetime | None = None) -> int:
    """Queue the mails for replies not fetched in time; returns how many mails were queued.

    The due replies are claimed with one conditional UPDATE, in the transaction that queues
    their mail, so two workers never mail the same reply."""
    now = now or utcnow()
    cutoff = now - timedelta(seconds=settings.reply_email_delay_seconds)
    claimed = db.scalars(
        update(EscalationMessage)
        .where(
            EscalationMessage.kind == MessageKind.reply,
            EscalationMessage.fetched_at.is_(None),
            EscalationMessage.emailed_at.is_(None),
            EscalationMessage.created_at <= cutoff,
        )
        .values(emailed_at=now)
        .returning(EscalationMessage.escalation_id)
    )
    queued = 0
    for escalation_id in sorted(set(claimed)):
        escalation = db.get(Escalation, escalation_id)
        recipient = _recipient(db, escalation) if escalation else None
        if escalation is None or recipient is None:
            continue  # an anonymous registrar who left no address: the widget only
        address, language = recipient
        queue_email(
            db,
            address,
            "staff_reply",
            language,
            reference=escalation.reference,
            secrets=seal(
                settings, link=conversation_link(db, settings, escalation.conversation_id)
            ),
        )
        queued += 1
    db.commit()
    return queued


def reply_mail_job(settings: Settings, sessions: sessionmaker[Session]) -> PeriodicTask:
    """Checks every REPLY_EMAIL_INTERVAL_SECONDS, in the one worker that claims the turn."""
    interval = settings.reply_email_interval_seconds

    def mail_if_my_turn() -> int:
        if not claim_turn(sessions, "reply_mail", interval):
            return 0
        with sessions() as db:
            queued = mail_unfetched_replies(db, settings)
        if queued:
            log.info("reply mail: %d queued", queued)
        return queued

    return PeriodicTask("reply_mail", lambda: asyncio.to_thread(mail_if_my_turn), interval)
