"""The browser side: the demo page at `/`, the chat widget under `/widget/`, the registrar account
pages under `/account/`, the staff console under `/staff`, and their static assets (files from
`web/`, no build step). Pages are Jinja2 templates in `web/pages/`: the account pages and the
console pages each extend one layout (`web/pages/layouts/`) that holds their head and header.

Every response carries a strict Content-Security-Policy (only this origin; no inline script or
style), nosniff, no framing and a same-origin referrer policy (none at all on the account pages:
the set-new-password page holds a reset token in its URL fragment). The widget's files also
allow any origin, because browsers fetch module scripts in CORS mode and the widget is embeddable
in any page.
"""

from pathlib import Path

import jinja2
from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

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
}

TEMPLATES = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.FileSystemLoader(PAGES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
)

ACCOUNT_PAGES = frozenset(
    {"register", "verify", "login", "forgot", "reset", "profile", "unit", "join"}
)

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


def _page(request: Request, name: str, extra_headers: dict[str, str] | None = None) -> HTMLResponse:
    """The template `name` rendered; `page` (its file name without `.html`) names the page's
    script in the layouts."""
    return TEMPLATES.TemplateResponse(
        request,
        name,
        {"page": Path(name).stem},
        headers={**SECURITY_HEADERS, **(extra_headers or {})},
    )


@router.get("/")
def demo_page(request: Request) -> HTMLResponse:
    return _page(request, "index.html")


@router.get("/widget/{relative:path}")
def widget_file(relative: str) -> FileResponse:
    """`<script type="module" src="/widget/celia-chat.js">` embeds the chat in any page."""
    return _send(_asset(WEB_DIR / "widget", relative), {"Access-Control-Allow-Origin": "*"})


@router.get("/assets/{relative:path}")
def asset_file(relative: str) -> FileResponse:
    return _send(_asset(WEB_DIR / "assets", relative))


@router.get("/staff")
def staff_queue(request: Request) -> HTMLResponse:
    return _page(request, "staff/queue.html")


@router.get("/staff/")
def staff_root() -> RedirectResponse:
    return RedirectResponse("/staff", status_code=status.HTTP_308_PERMANENT_REDIRECT)


@router.get("/staff/login")
def staff_login(request: Request) -> HTMLResponse:
    return _page(request, "staff/login.html")


@router.get("/staff/escalations/{escalation_id}")
def staff_escalation(request: Request, escalation_id: Id) -> HTMLResponse:
    return _page(request, "staff/escalation.html")


@router.get("/staff/requests/{request_id}")
def staff_request(request: Request, request_id: Id) -> HTMLResponse:
    return _page(request, "staff/request.html")


@router.get("/staff/unanswered")
def staff_unanswered(request: Request) -> HTMLResponse:
    return _page(request, "staff/unanswered.html")


@router.get("/staff/reports")
def staff_reports(request: Request) -> HTMLResponse:
    return _page(request, "staff/reports.html")


@router.get("/staff/faq")
def staff_faq(request: Request) -> HTMLResponse:
    return _page(request, "staff/faq.html")


@router.get("/staff/faq/edit")
def staff_faq_edit(request: Request) -> HTMLResponse:
    """One entry or topic (`?kind=entry&key=…`), or a new one (`?new=entry`)."""
    return _page(request, "staff/faq-edit.html")


@router.get("/staff/audit")
def staff_audit(request: Request) -> HTMLResponse:
    return _page(request, "staff/audit.html")


@router.get("/staff/canned-replies")
def staff_canned_replies(request: Request) -> HTMLResponse:
    return _page(request, "staff/canned-replies.html")


@router.get("/staff/admin")
def staff_admin(request: Request) -> HTMLResponse:
    return _page(request, "staff/admin.html")


@router.get("/staff/account")
def staff_account(request: Request) -> HTMLResponse:
    return _page(request, "staff/account.html")


@router.get("/staff/set-password")
def staff_set_password(request: Request) -> HTMLResponse:
    return _page(request, "staff/set-password.html")


@router.get("/invitation")
def main_user_invitation(request: Request) -> HTMLResponse:
    """An invited main user registers here (the link in Celia's invitation mail)."""
    return _page(request, "invitation.html")


@router.get("/account/{name}")
def account_page(request: Request, name: str) -> HTMLResponse:
    if name not in ACCOUNT_PAGES:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Not found.")
    return _page(request, f"account/{name}.html", {"Referrer-Policy": "no-referrer"})


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
