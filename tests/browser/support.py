"""Helpers of the browser tests: pages with CSP checks, axe-core, screenshots, widget actions."""

import os
import re
import shutil
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Locator, Page, expect

from backend.demo_data import STAFF_TOTP_SECRET
from tests.helpers import staff_totp_code

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
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

    def new(self, path: str = "/", **context_options: object) -> Page:
        options = {"viewport": {"width": 1280, "height": 800}, "locale": "fi-FI"}
        context = self.browser.new_context(base_url=self.base_url, **{**options, **context_options})
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
        """axe-core finds no WCAG 2.1 A or AA violation on the page (shadow DOM included)."""
        self.auditing = True
        try:
            if not page.evaluate("() => Boolean(window.axe)"):
                page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
            result = page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, "
                "resultTypes: ['violations']})",
                WCAG_TAGS,
            )
        finally:
            self.auditing = False
        problems = [
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + "; ".join(" > ".join(map(str, node["target"])) for node in v["nodes"][:5])
            for v in result["violations"]
        ]
        assert not problems, f"axe-core on {name}:\n" + "\n".join(problems)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def screenshot(page: Page, name: str, *, for_readme: bool = False, **options: object) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), **options)
    # The README's copies change only on request, so a test run leaves the work tree clean.
    if for_readme and os.environ.get("UPDATE_README_SCREENSHOTS") == "1":
        README_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, README_SCREENSHOTS / path.name)
    return path


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


def staff_login(pages: Pages, path: str = "/staff") -> Page:
    """The DEMO staff user (an admin) logs in with the password and a fresh TOTP code."""
    page = pages.new(path)
    expect(page).to_have_url(re.compile(r"/staff/login"))
    page.get_by_label("Sähköposti").fill(STAFF[0])
    page.get_by_label("Salasana").fill(STAFF[1])
    page.get_by_role("button", name="Kirjaudu").click()
    expect(page.get_by_role("heading", name="Vahvistuskoodi")).to_be_focused()
    page.get_by_label("Koodi", exact=True).fill(staff_code(pages))
    page.get_by_role("button", name="Vahvista").click()
    expect(page.get_by_role("button", name="Kirjaudu ulos")).to_be_visible()
    return page
