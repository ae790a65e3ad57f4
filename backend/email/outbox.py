"""Queue an e-mail in the caller's transaction; the sender delivers it later.

A mail's secret parameters (a token, a code, a link holding one) never reach the stored body:
the body keeps a placeholder, the values wait encrypted beside it (`seal`), and the sender
puts them in at delivery and then deletes them. A database reader or a backup finds neither
a live token nor the key to one.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from backend.email.templates import render
from backend.models import OutboxEmail
from backend.security import mail_secrets_fernet
from backend.settings import Settings


@dataclass(frozen=True)
class Sealed:
    """Secret mail parameters, encrypted; `names` are the template fields they fill."""

    names: tuple[str, ...]
    ciphertext: str


def seal(settings: Settings, **values: str) -> Sealed:
    token = mail_secrets_fernet(settings).encrypt(json.dumps(values).encode("utf-8"))
    return Sealed(tuple(values), token.decode("ascii"))


def placeholder(name: str) -> str:
    """What the stored body holds in place of a secret parameter."""
    return f"⟦{name}⟧"


def unseal_body(settings: Settings, body: str, ciphertext: str) -> str:
    """The body with the sealed values in place of their placeholders."""
    values: Mapping[str, str] = json.loads(mail_secrets_fernet(settings).decrypt(ciphertext))
    for name, value in values.items():
        body = body.replace(placeholder(name), value)
    return body


def queue_email(
    db: Session,
    to_address: str,
    template: str,
    language: str,
    *,
    secrets: Sealed | None = None,
    **params: str,
) -> None:
    hidden = {name: placeholder(name) for name in secrets.names} if secrets else {}
    subject, body = render(template, language, **params, **hidden)
    db.add(
        OutboxEmail(
            to_address=to_address,
            subject=subject,
            body=body,
            secrets_encrypted=secrets.ciphertext if secrets else None,
        )
    )
