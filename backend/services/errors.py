"""Domain refusals, raised as HTTP errors with a message a person can act on.

A refusal the chat may meet carries a `code` too (answered as `{"detail", "code"}`): the actions
answer it in the conversation's language instead of showing the English detail.
"""

from enum import Enum

from fastapi import HTTPException, status


class RefusalCode(str, Enum):
    """Why a filed request was refused; each has a response `utter_refused_<code>` in
    domain.yml, in fi, sv and en."""

    login_required = "login_required"
    invalid_hetu = "invalid_hetu"
    unknown_customer = "unknown_customer"
    not_marked_for_deletion = "not_marked_for_deletion"
    already_online = "already_online"
    no_unit = "no_unit"
    choose_unit = "choose_unit"
    not_your_unit = "not_your_unit"


class Refusal(HTTPException):
    """A refusal answered with `http_status` (each subclass sets its own)."""

    http_status = status.HTTP_400_BAD_REQUEST

    def __init__(self, detail: str, code: RefusalCode | None = None) -> None:
        super().__init__(self.http_status, detail)
        self.code = code


class Invalid(Refusal):
    http_status = status.HTTP_422_UNPROCESSABLE_CONTENT


class Conflict(Refusal):
    http_status = status.HTTP_409_CONFLICT


class NotFound(Refusal):
    http_status = status.HTTP_404_NOT_FOUND


class Forbidden(Refusal):
    http_status = status.HTTP_403_FORBIDDEN


class Unauthorized(Refusal):
    http_status = status.HTTP_401_UNAUTHORIZED


class TooManyRequests(Refusal):
    http_status = status.HTTP_429_TOO_MANY_REQUESTS

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.headers = {"Retry-After": str(retry_after)}
