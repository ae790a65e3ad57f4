"""'Was this helpful?' under an FAQ answer, by keyboard, through to the staff console."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import Pages, chat_log, open_chat, say, staff_login
from tests.browser.test_widget import deep_focus, tab_to
from tests.conftest import make_test_hetu

pytestmark = pytest.mark.integration

QUESTION = "Miten rekisteröin asiakkaan, jolla ei ole suomalaista henkilötunnusta?"


def test_a_no_vote_with_a_hetu_in_the_comment_reaches_the_console_redacted(
    pages: Pages,
) -> None:
    hetu = make_test_hetu(4, 5, 2011, 931)
    page = pages.new("/")
    open_chat(page)
    say(page, QUESTION)
    log = chat_log(page)
    expect(log).to_contain_text("turvaviesti.celia.fi")
    feedback = log.get_by_role("group", name="Oliko vastauksesta apua?")
    expect(feedback).to_be_visible()
    pages.assert_accessible(page, "widget with the feedback question")

    # Keyboard only: back from the message box to "Ei", then the comment field gets focus.
    page.keyboard.press("Shift+Tab")
    tab_to(page, r"^button#:Ei$")
    page.keyboard.press("Enter")
    assert deep_focus(page).startswith("textarea#feedback-comment")
    expect(feedback.get_by_role("button", name="Ei")).to_have_attribute("aria-pressed", "true")
    pages.assert_accessible(page, "widget with the feedback comment form")
    page.keyboard.type(f"Ei auttanut, asiakkaan hetu on {hetu}")
    tab_to(page, "Lähetä palaute")
    page.keyboard.press("Enter")
    expect(log).to_contain_text("Kiitos palautteestasi!")
    expect(page.locator("celia-chat .announcer")).to_have_text("Kiitos palautteestasi!")
    expect(log.get_by_role("group", name="Oliko vastauksesta apua?")).to_have_count(0)
    assert hetu not in page.content()

    console = staff_login(pages, "/staff/unanswered")
    table = console.locator("#feedback table")
    expect(table).to_contain_text("customer-without-hetu")
    expect(table).to_contain_text("Ei auttanut, asiakkaan hetu on [hetu]")
    assert hetu not in console.locator("#feedback").inner_text()
    row = table.locator("tr", has_text="customer-without-hetu")
    expect(row.locator("td.number").first).to_have_text(re.compile(r"^[1-9]\d*$"))
    pages.assert_accessible(console, "console with answer feedback")
