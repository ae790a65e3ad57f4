"""The chat widget on the demo page, in a real browser against the real assistant."""

import re

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.browser.support import (
    Pages,
    chat_log,
    open_chat,
    say,
    screenshot,
)

pytestmark = pytest.mark.integration

FAQ_QUESTION = "Tarvitaanko alle 15-vuotiaalta huoltajan suostumus?"
LAUNCHER = "Kysy Celian avustajalta"


def deep_focus(page: Page) -> str:
    """A description of the focused element, looking inside shadow roots."""
    return page.evaluate(
        """() => {
            let element = document.activeElement;
            while (element && element.shadowRoot && element.shadowRoot.activeElement) {
                element = element.shadowRoot.activeElement;
            }
            const name = element.getAttribute('aria-label') || element.textContent || '';
            return `${element.tagName.toLowerCase()}#${element.id}:${name.trim()}`;
        }"""
    )


def focus_ring(page: Page) -> str:
    return page.evaluate(
        """() => {
            let element = document.activeElement;
            while (element.shadowRoot && element.shadowRoot.activeElement) {
                element = element.shadowRoot.activeElement;
            }
            return getComputedStyle(element).boxShadow;
        }"""
    )


def tab_to(page: Page, pattern: str, limit: int = 40) -> str:
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = deep_focus(page)
        if re.search(pattern, focused):
            assert focus_ring(page) != "none", f"no visible focus on {focused}"
            return focused
    raise AssertionError(f"Tab never reached {pattern!r}")


def test_faq_question_typed_in_the_widget_gets_its_answer(pages: Pages) -> None:
    page = pages.new("/")
    pages.assert_accessible(page, "demo page")
    open_chat(page)
    say(page, FAQ_QUESTION)
    log = chat_log(page)
    expect(log).to_contain_text(FAQ_QUESTION)
    expect(log).to_contain_text("Lähde:")
    expect(log).to_contain_text("huoltajan suostumus")
    expect(log.get_by_role("button", name="Lue ääneen").first).to_be_visible()
    pages.assert_accessible(page, "demo page with the chat open")
    screenshot(page, "widget-desktop", for_readme=True)

    page.reload()  # the conversation survives a reload (sessionStorage)
    expect(chat_log(page)).to_contain_text(FAQ_QUESTION)
    expect(chat_log(page)).to_contain_text("Lähde:")


def test_widget_works_with_the_keyboard_alone(pages: Pages) -> None:
    page = pages.new("/")
    tab_to(page, LAUNCHER)
    page.keyboard.press("Enter")
    assert deep_focus(page).startswith("textarea#message")
    expect(chat_log(page)).to_contain_text("Hei! Olen Celian")

    page.keyboard.type("What is the weather like in Paris tomorrow?")
    page.keyboard.press("Enter")
    expect(chat_log(page)).to_contain_text("cannot find an answer")
    expect(chat_log(page).get_by_role("button", name="No")).to_be_visible()
    page.keyboard.press("Shift+Tab")  # from the message box back into the conversation
    tab_to(page, r"^button#:No$")
    page.keyboard.press("Enter")
    expect(chat_log(page).locator(".message.user").last).to_have_text(re.compile("No"))
    expect(chat_log(page).locator(".message.bot").last).to_contain_text("right")
    assert deep_focus(page).startswith("textarea#message")

    tab_to(page, "Suurempi teksti")
    size_before = page.locator("celia-chat .panel").evaluate("e => getComputedStyle(e).fontSize")
    page.keyboard.press("Enter")
    size_after = page.locator("celia-chat .panel").evaluate("e => getComputedStyle(e).fontSize")
    assert float(size_after.rstrip("px")) > float(size_before.rstrip("px"))

    page.keyboard.press("Escape")
    expect(page.locator("celia-chat .panel")).to_be_hidden()
    assert LAUNCHER in deep_focus(page)


def test_language_switch_changes_the_labels_and_the_greeting(pages: Pages) -> None:
    page = pages.new("/")
    open_chat(page)
    page.get_by_role("button", name="SV svenska").click()
    expect(page.get_by_role("button", name="Skicka")).to_be_visible()
    expect(page.get_by_role("button", name="SV svenska")).to_have_attribute("aria-pressed", "true")
    expect(chat_log(page)).to_contain_text("Hej! Jag är Celias")
    page.get_by_role("button", name="EN English").click()
    expect(page.get_by_role("button", name="Send")).to_be_visible()
    expect(chat_log(page)).to_contain_text("Hello! I am Celia's")


def test_unreachable_backend_keeps_the_message_and_retries(pages: Pages) -> None:
    page = pages.new("/")
    open_chat(page)
    page.route("**/api/v1/chat", lambda route: route.abort())
    say(page, FAQ_QUESTION)
    alert = page.locator("celia-chat .error")
    expect(alert).to_contain_text("Avustajaan ei saatu yhteyttä")
    expect(chat_log(page).locator(".message.user.failed")).to_contain_text(FAQ_QUESTION)
    expect(chat_log(page)).to_contain_text("Ei lähetetty")
    pages.assert_accessible(page, "chat with a connection error")

    page.unroute("**/api/v1/chat")
    alert.get_by_role("button", name="Yritä uudelleen").click()
    expect(chat_log(page)).to_contain_text("Lähde:")
    expect(chat_log(page).locator(".failed")).to_have_count(0)
    expect(alert).to_be_empty()


@pytest.mark.parametrize(
    ("name", "viewport", "scale"),
    [
        ("widget-320px", {"width": 320, "height": 640}, 1),
        # 200 % zoom of a 1280 x 800 window: half as many CSS pixels, twice the device pixels.
        ("widget-zoom-200", {"width": 640, "height": 400}, 2),
    ],
)
def test_widget_fits_a_phone_and_200_percent_zoom(
    pages: Pages, name: str, viewport: ViewportSize, scale: int
) -> None:
    page = pages.new("/", viewport=viewport, device_scale_factor=scale)
    open_chat(page)
    say(page, FAQ_QUESTION)
    expect(chat_log(page)).to_contain_text("Lähde:")
    panel = page.locator("celia-chat .panel").bounding_box()
    assert panel is not None
    assert panel["x"] >= 0
    assert panel["x"] + panel["width"] <= viewport["width"]
    assert panel["y"] + panel["height"] <= viewport["height"]
    expect(page.get_by_role("button", name="Lähetä")).to_be_in_viewport()
    expect(page.get_by_role("textbox", name="Kirjoita viesti")).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    # Whatever does not fit can be scrolled to: nothing in the panel is cut off.
    assert page.locator("celia-chat .panel").evaluate(
        """panel => panel.scrollHeight <= panel.clientHeight
            || ['auto', 'scroll'].includes(getComputedStyle(panel).overflowY)"""
    )
    pages.assert_accessible(page, f"chat at {name}")
    screenshot(page, name, for_readme=True)
