"""Queue an e-mail in the caller's transaction; the sender delivers it later."""

from sqlalchemy.orm import Session

from backend.email.templates import render
from backend.models import OutboxEmail


def queue_email(db: Session, to_address: str, template: str, language: str, **params: str) -> None:
    subject, body = render(template, language, **params)
    db.add(OutboxEmail(to_address=to_address, subject=subject, body=body))
