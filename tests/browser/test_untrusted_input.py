"""Typed personal data stays out of the browser's storage, and chat text typed by anyone renders
as text: nothing executes, nothing breaks the widget's or the console's layout."""

import re

import pytest
from playwright.sync_api import Dialog, Page, expect

from privacy.redaction import HETU_PATTERN
from tests.browser.support import Pages, chat_log, open_chat, say, staff_login

pytestmark = pytest.mark.integration

HETU = "131052-308T"


def _stored(page: Page) -> str:
    return page.evaluate(
        "() => JSON.stringify([Object.entries(sessionStorage), Object.entries(localStorage)])"
    )


def test_a_typed_hetu_is_not_kept_in_browser_storage(pages: Pages) -> None:
    page = pages.new("/")
    open_chat(page)
    box = page.get_by_role("textbox", name="Kirjoita viesti")
    box.press_sequentially(f"asiakkaan hetu on {HETU}")  # a draft, not sent
    page.reload()
    assert not HETU_PATTERN.search(_stored(page))

    # A message that could not be sent stays in the log (with a retry), but not its hetu.
    page.route("**/api/v1/chat", lambda route: route.abort())
    open_chat_if_closed(page)
    page.get_by_role("textbox", name="Kirjoita viesti").fill(f"toinen hetu {HETU}")
    page.get_by_role("textbox", name="Kirjoita viesti").press("Enter")
    expect(page.locator("celia-chat .message.failed")).to_be_visible()
    page.reload()
    assert not HETU_PATTERN.search(_stored(page))
    expect(page.locator("celia-chat .message.failed")).to_contain_text("[hetu]")


def open_chat_if_closed(page: Page) -> None:
    launcher = page.get_by_role("button", name="Kysy Celian avustajalta")
    if launcher.is_visible():
        launcher.click()


LONG_WORD = "Ä" + "x" * 1_999  # the longest message the chat takes (2,000 characters)
HOSTILE = [
    '<img src=x onerror="window.__pwned = 1">',
    '<a href="javascript:window.__pwned = 2">avaa</a> [linkki](javascript:window.__pwned=3)',
    "javascript:window.__pwned=4 ja www.example.org/javascript:alert(1)",
    LONG_WORD,
]


def _no_overflow(page: Page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def _no_script_links(page: Page, selector: str) -> None:
    for link in page.locator(selector).all():
        href = (link.get_attribute("href") or "").strip().lower()
        assert href.startswith(("https:", "http:", "mailto:", "/", "#")), href


def test_hostile_chat_text_renders_inert_in_the_widget_and_the_console(pages: Pages) -> None:
    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    widget = pages.new("/")
    widget.on("dialog", dismiss)
    widget.context.route("**/x", lambda route: route.fulfill(status=404))  # the <img src=x>
    open_chat(widget)
    for text in HOSTILE:
        say(widget, text)
        expect(chat_log(widget).locator(".message.user").last).to_contain_text(text[:40])
        # Answered: the next message can be sent (the widget sends one at a time).
        expect(widget.locator("celia-chat .typing")).not_to_have_class(re.compile(r"\bactive\b"))
    say(widget, "haluan puhua ihmiselle")
    expect(chat_log(widget)).to_contain_text("Välitin keskustelun Celian asiakaspalvelulle")
    say(widget, HOSTILE[0])  # during the hand-off: straight to the staff
    found = re.search(r"ESC-\d{6}", chat_log(widget).inner_text())
    assert found
    _no_script_links(widget, "celia-chat .log a")
    assert widget.evaluate("() => window.__pwned") is None
    assert chat_log(widget).locator("img").count() == 0
    assert _no_overflow(widget)

    console = staff_login(pages)
    console.on("dialog", dismiss)
    console.context.route("**/x", lambda route: route.fulfill(status=404))
    console.get_by_role("link", name=found.group(0)).click()
    transcript = console.locator(".transcript")
    expect(transcript).to_contain_text('<img src=x onerror="window.__pwned = 1">')
    expect(transcript).to_contain_text("javascript:window.__pwned=4")
    expect(transcript).to_contain_text(LONG_WORD[:100])
    _no_script_links(console, "a")
    assert console.evaluate("() => window.__pwned") is None
    assert console.locator("main img").count() == 0
    assert _no_overflow(console)
    console.set_viewport_size({"width": 320, "height": 700})
    assert _no_overflow(console)
    assert dialogs == []
