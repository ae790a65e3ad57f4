"""The browser side: the demo page at `/`, the chat widget under `/widget/`, the registrar account
pages under `/account/`, the staff console under `/staff`, and their static assets (all plain
files from `web/`, no build step).

Every response carries a strict Content-Security-Policy (only this origin; no inline script or
style), nosniff, no framing and a same-origin referrer policy (none at all on the account pages:
the set-new-password page holds a reset token in its URL fragment). The widget's files also
allow any origin, because browsers fetch module scripts in CORS mode and the widget is embeddable
in any page.
"""

from pathlib import Path

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import FileResponse, RedirectResponse

from backend.api.fields import Id

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
PAGES_DIR = WEB_DIR / "pages"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-cache",
}
MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".html": "text/html; charset=utf-8",
}

ACCOUNT_PAGES = frozenset({"register", "verify", "login", "forgot", "reset", "profile", "unit"})

router = APIRouter(include_in_schema=False)


def _send(path: Path, extra_headers: dict[str, str] | None = None) -> FileResponse:
    return FileResponse(
        path,
        media_type=MEDIA_TYPES[path.suffix],
        headers={**SECURITY_HEADERS, **(extra_headers or {})},
    )


def _asset(folder: Path, relative: str) -> Path:
    """A file inside `folder` with a served suffix; anything else is a 404 (no traversal)."""
    path = (folder / relative).resolve()
    if not path.is_relative_to(folder) or path.suffix not in MEDIA_TYPES or not path.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Not found.")
    return path


def _page(name: str) -> FileResponse:
    return _send(PAGES_DIR / name)


@router.get("/")
def demo_page() -> FileResponse:
    return _page("index.html")


@router.get("/widget/{relative:path}")
def widget_file(relative: str) -> FileResponse:
    """`<script type="module" src="/widget/celia-chat.js">` embeds the chat in any page."""
    return _send(_asset(WEB_DIR / "widget", relative), {"Access-Control-Allow-Origin": "*"})


@router.get("/assets/{relative:path}")
def asset_file(relative: str) -> FileResponse:
    return _send(_asset(WEB_DIR / "assets", relative))


@router.get("/staff")
def staff_queue() -> FileResponse:
    return _page("staff/queue.html")


@router.get("/staff/")
def staff_root() -> RedirectResponse:
    return RedirectResponse("/staff", status_code=status.HTTP_308_PERMANENT_REDIRECT)


@router.get("/staff/login")
def staff_login() -> FileResponse:
    return _page("staff/login.html")


@router.get("/staff/escalations/{escalation_id}")
def staff_escalation(escalation_id: Id) -> FileResponse:
    return _page("staff/escalation.html")


@router.get("/staff/requests/{request_id}")
def staff_request(request_id: Id) -> FileResponse:
    return _page("staff/request.html")


@router.get("/staff/unanswered")
def staff_unanswered() -> FileResponse:
    return _page("staff/unanswered.html")


@router.get("/staff/faq")
def staff_faq() -> FileResponse:
    return _page("staff/faq.html")


@router.get("/staff/faq/edit")
def staff_faq_edit() -> FileResponse:
    """One entry or topic (`?kind=entry&key=…`), or a new one (`?new=entry`)."""
    return _page("staff/faq-edit.html")


@router.get("/staff/audit")
def staff_audit() -> FileResponse:
    return _page("staff/audit.html")


@router.get("/staff/canned-replies")
def staff_canned_replies() -> FileResponse:
    return _page("staff/canned-replies.html")


@router.get("/staff/admin")
def staff_admin() -> FileResponse:
    return _page("staff/admin.html")


@router.get("/staff/account")
def staff_account() -> FileResponse:
    return _page("staff/account.html")


@router.get("/staff/set-password")
def staff_set_password() -> FileResponse:
    return _page("staff/set-password.html")


@router.get("/invitation")
def main_user_invitation() -> FileResponse:
    """An invited main user registers here (the link in Celia's invitation mail)."""
    return _page("invitation.html")


@router.get("/account/{name}")
def account_page(name: str) -> FileResponse:
    if name not in ACCOUNT_PAGES:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Not found.")
    return _send(PAGES_DIR / "account" / f"{name}.html", {"Referrer-Policy": "no-referrer"})


@router.post("/account/{name}")
def account_form_without_script(name: str) -> RedirectResponse:
    """A form sent before its script ran posts here (method="post", so a password never lands
    in a URL); the body is not read, and the browser gets the page again."""
    if name not in ACCOUNT_PAGES:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Not found.")
    return RedirectResponse(f"/account/{name}", status_code=status.HTTP_303_SEE_OTHER)


@router.get("/account")
def account_root() -> RedirectResponse:
    return RedirectResponse("/account/profile", status_code=status.HTTP_307_TEMPORARY_REDIRECT)
