"""The staff console with the widget: hand-off and reply, request approval, unanswered
questions, log-in, audit log; every console page checked with axe-core."""

import re
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import (
    Pages,
    chat_log,
    open_chat,
    registrar_login,
    say,
    screenshot,
    staff_login,
)
from tests.helpers import chat

pytestmark = pytest.mark.integration

MARKED_FOR_DELETION = "150162-906P"  # DEMO customer Pertti Poistettava


def reference(page: Page, prefix: str) -> str:
    found = re.search(rf"{prefix}-\d{{6}}", chat_log(page).inner_text())
    assert found, f"no {prefix} reference in the chat"
    return found.group(0)


def test_staff_reply_to_a_handed_off_chat_shows_in_the_widget(pages: Pages) -> None:
    widget = pages.new("/")
    open_chat(widget)
    say(widget, "haluan puhua ihmiselle")
    expect(chat_log(widget)).to_contain_text("Välitin keskustelun Celian asiakaspalvelulle")
    escalation = reference(widget, "ESC")

    console = staff_login(pages)
    expect(console.get_by_role("link", name=escalation)).to_be_visible()
    pages.assert_accessible(console, "console queue")
    screenshot(console, "console-queue", for_readme=True, full_page=True)
    console.get_by_role("link", name=escalation).click()
    expect(console.get_by_role("heading", level=1)).to_have_text(f"Eskalaatio {escalation}")
    expect(console.locator(".transcript")).to_contain_text("haluan puhua ihmiselle")
    console.get_by_role("button", name="Ota itselleni").click()
    expect(console.get_by_role("status")).to_have_text("Eskalaatio on nyt sinulla.")

    reply = "Hei! Tässä Celian asiakaspalvelu: katsotaan asiaa yhdessä."
    console.get_by_label("Vastaus rekisteröijälle (näkyy chatissa)").fill(reply)
    console.get_by_role("button", name="Lähetä vastaus").click()
    sent_at = time.monotonic()
    expect(console.get_by_role("status")).to_have_text("Vastaus lähetetty chattiin.")
    expect(chat_log(widget).locator(".message.staff")).to_contain_text(reply, timeout=5_000)
    assert time.monotonic() - sent_at < 5
    expect(chat_log(widget).locator(".message.staff")).to_contain_text("Celian asiakaspalvelu")
    pages.assert_accessible(console, "console escalation detail")
    pages.assert_accessible(widget, "chat with a staff reply")
    screenshot(console, "console-escalation", for_readme=True, full_page=True)

    console.get_by_role("button", name="Merkitse ratkaistuksi").click()
    expect(console.locator(".facts")).to_contain_text("Ratkaistu")

    console.get_by_role("link", name="Tapahtumaloki").click()
    expect(console.locator("#events")).to_contain_text("escalation.reply")
    expect(console.locator("#events")).to_contain_text("escalation.resolved")
    pages.assert_accessible(console, "console audit log")


def test_staff_approve_a_reactivation_request_filed_in_the_chat(
    pages: Pages, customer_status: Callable[[str], str]
) -> None:
    widget = pages.new("/")
    registrar_login(widget)
    pages.assert_accessible(widget, "demo page, registrar logged in")
    open_chat(widget)
    say(widget, "hetu on käytössä mutta asiakasta ei löydy")
    chat_log(widget).get_by_role("button", name="Kyllä").click()
    expect(chat_log(widget)).to_contain_text("henkilötunnus")
    say(widget, MARKED_FOR_DELETION)
    expect(chat_log(widget)).to_contain_text("Aktivointipyyntö asiakkaasta")
    expect(chat_log(widget)).not_to_contain_text(MARKED_FOR_DELETION)  # masked once sent
    request = reference(widget, "REQ")
    assert customer_status(MARKED_FOR_DELETION) == "marked_for_deletion"

    console = staff_login(pages, "/staff?type=request:reactivation&status=open")
    expect(console.get_by_label("Tyyppi")).to_have_value("request:reactivation")
    console.get_by_role("link", name=request).click()
    expect(console.get_by_role("heading", level=1)).to_have_text(f"Pyyntö {request}")
    facts = console.locator(".facts")
    expect(facts).to_contain_text("Asiakkuuden aktivointi")
    expect(facts).not_to_contain_text(MARKED_FOR_DELETION)
    expect(facts).to_contain_text(MARKED_FOR_DELETION[:6])  # the masked hetu shows the birth date
    pages.assert_accessible(console, "console request detail")

    console.get_by_role("button", name="Ota itselleni").click()
    expect(console.get_by_role("status")).to_have_text("Pyyntö on nyt sinulla.")
    console.get_by_label(re.compile("Huomautus rekisteröijälle")).fill("Asiakkuus aktivoitu.")
    console.get_by_role("button", name="Hyväksy").click()
    expect(console.get_by_role("status")).to_contain_text("Pyyntö hyväksytty")
    expect(facts).to_contain_text("Hyväksytty")
    expect(facts).to_contain_text("Asiakkuus aktivoitu.")
    expect(console.get_by_role("button", name="Hyväksy")).to_have_count(0)
    assert customer_status(MARKED_FOR_DELETION) == "active"


def test_questions_the_faq_did_not_answer_are_grouped_with_counts(pages: Pages, site: str) -> None:
    run = uuid.uuid4().hex[:8]  # the suite shares one database: make this question its own
    question = f"What is the weather like in Paris tomorrow (run {run})?"
    escalations = []
    for asked in (question, question.lower().replace("?", "")):
        _, first = chat(site, asked)
        _, handed_off = chat(site, "yes", first["conversation_id"])
        found = re.search(r"ESC-\d{6}", " ".join(m["text"] for m in handed_off["messages"]))
        assert found, handed_off
        escalations.append(found.group(0))

    console = staff_login(pages, "/staff/unanswered")
    row = console.get_by_role("row").filter(has_text=f"run {run}")
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell").nth(1)).to_have_text("2")
    for escalation in escalations:
        expect(row.get_by_role("link", name=escalation)).to_be_visible()
    pages.assert_accessible(console, "console unanswered questions")
    screenshot(console, "console-unanswered", full_page=True)

    console.goto("/staff?type=escalation:unanswered_question")
    for escalation in escalations:
        expect(console.get_by_role("row").filter(has_text=escalation)).to_contain_text(
            "Vastaamaton kysymys"
        )


def test_console_needs_a_staff_log_in(pages: Pages) -> None:
    page = pages.new("/staff/audit")
    expect(page).to_have_url(re.compile(r"/staff/login\?next=%2Fstaff%2Faudit"))
    page.get_by_label("Sähköposti").fill("celia@demo.celia.invalid")
    page.get_by_label("Salasana").fill("Wrong-Password-2025")
    page.get_by_role("button", name="Kirjaudu").click()
    expect(page.get_by_role("alert")).to_have_text("Sähköposti tai salasana on väärin.")
    pages.assert_accessible(page, "console log-in, wrong password")

    registrar = pages.new("/")  # a registrar's session is no way into the console
    registrar_login(registrar)
    registrar.goto("/staff")
    expect(registrar).to_have_url(re.compile(r"/staff/login"))


def test_pages_send_security_headers(site: str) -> None:
    for path in ("/", "/staff", "/staff/login", "/widget/celia-chat.js", "/assets/site.css"):
        with urllib.request.urlopen(f"{site}{path}", timeout=5) as response:
            headers = response.headers
        policy = headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
    for path in (
        "/widget/../backend/settings.py",
        "/widget/%2e%2e/pages/index.html",
        "/assets/x.py",
    ):
        try:
            urllib.request.urlopen(f"{site}{path}", timeout=5)
        except urllib.error.HTTPError as error:
            assert error.code == 404
        else:
            raise AssertionError(f"{path} was served")
