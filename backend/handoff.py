"""Answers the backend gives itself: while a conversation is handed off to Celia's staff the
bot stays quiet, and when the bot fails to answer the user still hears something.

While handed off, the user's messages go to the escalation's (redacted) transcript instead
of Rasa, until staff resolve it or the user cancels with a stop word.
"""

import re

from sqlalchemy.orm import Session

from backend.models import Escalation, EscalationStatus
from backend.services import escalations
from knowledge.language import detect_language
from privacy.redaction import redact

_STOP_WORDS = re.compile(
    r"^\s*(peruuta|peru|lopeta|keskeytä|avbryt|sluta|cancel|stop)\b", re.IGNORECASE
)

_RELAYED = {
    "fi": "Viestisi on välitetty Celian asiakaspalvelulle. Vastaus näkyy tässä chatissa. "
    'Voit perua kirjoittamalla "peruuta".',
    "sv": "Ditt meddelande har skickats till Celias kundtjänst. Svaret visas i den här chatten. "
    'Du kan avbryta genom att skriva "avbryt".',
    "en": "Your message has been passed to Celia's customer service. The answer will appear in "
    'this chat. You can cancel by writing "cancel".',
}
_CANCELLED = {
    "fi": "Selvä, peruin välityksen asiakaspalvelulle. Voit taas kysyä minulta.",
    "sv": "Okej, jag avbröt överlämningen till kundtjänsten. Du kan fråga mig igen.",
    "en": "All right, I cancelled the hand-off to customer service. You can ask me again.",
}


_NO_ANSWER = {
    "fi": "Avustajassa on nyt häiriö, enkä saanut vastausta valmiiksi. Yritä hetken päästä "
    "uudelleen tai kirjoita osoitteeseen palvelut@celia.fi.",
    "sv": "Assistenten har en störning och jag fick inget svar klart. Försök igen om en stund "
    "eller skriv till palvelut@celia.fi.",
    "en": "The assistant is having a problem and could not finish an answer. Please try again "
    "shortly or write to palvelut@celia.fi.",
}


def no_answer_text(message: str) -> str:
    """What the user reads when the bot produced nothing, in the message's language."""
    return _NO_ANSWER[detect_language(message) or "fi"]


def open_escalation(db: Session, conversation_id: str) -> Escalation | None:
    escalation = escalations.latest_for(db, conversation_id)
    if escalation is None or escalation.status == EscalationStatus.resolved:
        return None
    return escalation


def handle_message_during_handoff(db: Session, escalation: Escalation, message: str) -> str:
    """Relay or cancel; returns the bot's short answer in the message's language, or in the
    hand-off's when the message shows none ("ja", "ok", an address)."""
    lang = detect_language(message) or escalation.language
    if _STOP_WORDS.match(message):
        escalations.update_from_chat(db, escalation, None, resolved=True)
        db.commit()
        return _CANCELLED[lang]
    transcript = f"{escalation.transcript}\nuser: {redact(message)}"
    escalations.update_from_chat(db, escalation, transcript, resolved=False)
    db.commit()
    return _RELAYED[lang]
