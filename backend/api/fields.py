"""Field types shared by request bodies: lengths are bounded so oversized input is refused."""

from typing import Annotated, Literal

from pydantic import AfterValidator, StringConstraints

from backend.conversations import CONVERSATION_ID_PATTERN

_EMAIL_SHAPE = r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$"


def _lower(value: str) -> str:
    return value.lower()


Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=3, max_length=254, pattern=_EMAIL_SHAPE),
    AfterValidator(_lower),
]
PersonName = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=100, pattern=r"^[^\x00-\x1f<>{}\[\]$;]+$"
    ),
]
# Checked against the policy in the service (with a human message), so only bounded here.
Password = Annotated[str, StringConstraints(min_length=1, max_length=1024)]
HetuText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Language = Literal["fi", "sv", "en"]
ConversationId = Annotated[str, StringConstraints(pattern=CONVERSATION_ID_PATTERN)]
# Where a missing hetu deserves its own explanation (the customer information form process).
MaybeHetuText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] | None
