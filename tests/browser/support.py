"""Helpers of the browser tests: pages with CSP checks, axe-core and IBM's Equal Access checker,
screenshots, widget actions."""

import email
import email.policy
import os
import re
import shutil
import time
from email.message import EmailMessage
from pathlib import Path

from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Locator,
    Page,
    StorageState,
    ViewportSize,
    expect,
)

from backend.demo_data import STAFF_TOTP_SECRET
from tests.helpers import staff_totp_code

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
ACE_SCRIPT = ROOT / "web" / "node_modules" / "accessibility-checker-engine" / "ace.js"
ARTIFACTS = ROOT / "test-artifacts"
README_SCREENSHOTS = ROOT / "docs" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

REGISTRAR = ("rekisteroija@demo.celia.invalid", "Demo-Rekisteroija-2025")
STAFF = ("celia@demo.celia.invalid", "Demo-Celia-Staff-2025")


class Pages:
    """Opens pages in fresh browser contexts (own cookies and sessionStorage) and checks that
    none of them reported a Content-Security-Policy violation or a script error."""

    def __init__(self, browser: Browser, base_url: str, database_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.database_url = database_url  # the stack's, for the staff user's next TOTP code
        self.contexts: list[BrowserContext] = []
        self.problems: list[str] = []
        self.auditing = False

    def new(
        self,
        path: str = "/",
        *,
        viewport: ViewportSize | None = None,
        device_scale_factor: float | None = None,
        bypass_csp: bool | None = None,
        storage_state: StorageState | None = None,
    ) -> Page:
        context = self.browser.new_context(
            base_url=self.base_url,
            viewport=viewport or {"width": 1280, "height": 800},
            locale="fi-FI",
            device_scale_factor=device_scale_factor,
            bypass_csp=bypass_csp,
            storage_state=storage_state,
        )
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        page.on("console", self._note_csp_violation)
        page.goto(path)
        return page

    def _note_csp_violation(self, message: ConsoleMessage) -> None:
        # axe-core itself applies inline styles while it checks; the pages must not.
        if "Content Security Policy" in message.text and not self.auditing:
            self.problems.append(f"CSP: {message.text}")

    def assert_accessible(self, page: Page, name: str) -> None:
        """Neither axe-core (WCAG 2.1 A and AA) nor IBM's Equal Access checker (its
        IBM_Accessibility rule set) finds a violation on the page, shadow DOM included."""
        self.auditing = True
        try:
            problems = [f"axe-core: {p}" for p in _axe_violations(page)]
            problems += [f"Equal Access: {p}" for p in _ace_violations(page)]
        finally:
            self.auditing = False
        assert not problems, f"accessibility of {name}:\n" + "\n".join(problems)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def _axe_violations(page: Page) -> list[str]:
    if not page.evaluate("() => Boolean(window.axe)"):
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, "
        "resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(" > ".join(map(str, node["target"])) for node in v["nodes"][:5])
        for v in result["violations"]
    ]


def _ace_violations(page: Page) -> list[str]:
    """Equal Access results of the kind VIOLATION that FAIL (not 'needs review' nor 'potential')."""
    if not page.evaluate("() => Boolean(window.ace)"):
        page.evaluate(ACE_SCRIPT.read_text(encoding="utf-8"))
    found = page.evaluate(
        """async () => {
            const report = await new ace.Checker().check(document, ["IBM_Accessibility"]);
            return report.results
                .filter((r) => r.value[0] === "VIOLATION" && r.value[1] === "FAIL")
                .map((r) => ({ rule: r.ruleId, message: r.message, path: r.path.dom }));
        }"""
    )
    return [f"{r['rule']}: {r['message']} at {r['path']}" for r in found]


def screenshot(
    page: Page, name: str, *, for_readme: bool = False, full_page: bool | None = None
) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    # The README's copies change only on request, so a test run leaves the work tree clean.
    if for_readme and os.environ.get("UPDATE_README_SCREENSHOTS") == "1":
        README_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, README_SCREENSHOTS / path.name)
    return path


class MailDir:
    """The mail the stack's local SMTP server received (one .eml file each)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def to(self, address: str) -> list[EmailMessage]:
        found = []
        for path in sorted(self.folder.glob("*.eml")) if self.folder.exists() else []:
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if address in str(message["To"]):
                found.append(message)
        return found

    def wait_for(self, address: str, count: int, timeout: float = 20.0) -> EmailMessage:
        """The `count`th mail to `address` (1 = the first), waiting for it to arrive."""
        deadline = time.monotonic() + timeout
        while len(messages := self.to(address)) < count:
            assert time.monotonic() < deadline, f"mail number {count} to {address} never came"
            time.sleep(0.2)
        return messages[count - 1]


# --- widget helpers -------------------------------------------------------------------------


def open_chat(page: Page) -> None:
    page.get_by_role("button", name="Kysy Celian avustajalta").click()
    expect(chat_log(page)).to_contain_text("Hei! Olen Celian")


def chat_log(page: Page) -> Locator:
    return page.locator("celia-chat .log")


def say(page: Page, text: str) -> None:
    box = page.get_by_role("textbox", name=re.compile("Kirjoita viesti|Skriv|Write"))
    box.fill(text)
    box.press("Enter")


def registrar_login(page: Page) -> None:
    page.get_by_label("Sähköposti").fill(REGISTRAR[0])
    page.get_by_label("Salasana").fill(REGISTRAR[1])
    page.get_by_role("button", name="Kirjaudu", exact=True).click()
    expect(page.get_by_text("Olet kirjautunut: Reija Rekisteröijä")).to_be_visible()


def staff_code(pages: Pages, email: str = STAFF[0], secret: str = STAFF_TOTP_SECRET) -> str:
    return staff_totp_code(pages.database_url, email, secret)


# Staff sessions the tests logged in through the form, per stack and account: a later page
# reuses its cookies, since a second log-in must wait for a fresh TOTP step (up to 30 s).
_STAFF_SESSIONS: dict[tuple[str, str], StorageState] = {}


def _session_alive(pages: Pages, state: StorageState) -> bool:
    context = pages.browser.new_context(base_url=pages.base_url, storage_state=state)
    try:
        answer = context.request.get("/api/v1/staff/auth/me")
        return answer.ok and answer.json().get("stage") is None
    finally:
        context.close()


def staff_login(
    pages: Pages,
    path: str = "/staff",
    account: tuple[str, str] = STAFF,
    secret: str = STAFF_TOTP_SECRET,
) -> Page:
    """A staff user (by default the DEMO admin) logs in with the password and a TOTP code, the
    first time on each stack; later, while that session lasts, the page opens in it."""
    key = (pages.base_url, account[0])
    saved = _STAFF_SESSIONS.get(key)
    if saved is not None and _session_alive(pages, saved):
        page = pages.new(path, storage_state=saved)
        expect(page.get_by_role("button", name="Kirjaudu ulos")).to_be_visible()
        return page
    page = pages.new(path)
    expect(page).to_have_url(re.compile(r"/staff/login"))
    page.get_by_label("Sähköposti").fill(account[0])
    page.get_by_label("Salasana").fill(account[1])
    page.get_by_role("button", name="Kirjaudu").click()
    expect(page.get_by_role("heading", name="Vahvistuskoodi")).to_be_focused()
    page.get_by_label("Koodi", exact=True).fill(staff_code(pages, account[0], secret))
    page.get_by_role("button", name="Vahvista").click()
    expect(page.get_by_role("button", name="Kirjaudu ulos")).to_be_visible()
    _STAFF_SESSIONS[key] = page.context.storage_state()
    return page
