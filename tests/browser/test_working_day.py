"""The staff console for a working day, against its own stack whose office clock says
Saturday 5 December 2026, 18.00 in Helsinki (the office next opens on Monday 7 December at
9.00: Sunday 6 December is Independence Day) and whose reply mail waits 4 s for the widget.

Live queue, the out-of-hours hand-off message, a reply e-mailed to a registrar whose widget
is closed, and a canned reply inserted by keyboard in Swedish; axe-core and Equal Access on
every console state."""

import re
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import create_engine, update

from backend.models import Escalation
from tests.browser.support import (
    REGISTRAR,
    MailDir,
    Pages,
    chat_log,
    open_chat,
    registrar_login,
    say,
    screenshot,
    staff_login,
)
from tests.conftest import running_stack
from tests.helpers import log_in_demo_staff

pytestmark = pytest.mark.integration

SATURDAY_EVENING = "2026-12-05T18:00:00+02:00"


@pytest.fixture(scope="module")
def day_stack(
    tmp_path_factory: pytest.TempPathFactory, faq_index_dir: Path, rasa_model_file: Path
) -> Iterator[dict[str, str]]:
    workdir = tmp_path_factory.mktemp("working-day")
    settings = {
        "OFFICE_CLOCK": SATURDAY_EVENING,
        "REPLY_EMAIL_DELAY_SECONDS": "4",
        "REPLY_EMAIL_INTERVAL_SECONDS": "1",
    }
    with running_stack(
        workdir, faq_index_dir, rasa_model_file, demo_data=True, extra_env=settings
    ) as started:
        yield started


@pytest.fixture
def day_pages(browser: Browser, day_stack: dict[str, str]) -> Iterator[Pages]:
    opened = Pages(browser, day_stack["backend"], day_stack["database_url"])
    yield opened
    opened.close()
    assert not opened.problems, "\n".join(opened.problems)


@pytest.fixture
def day_mail(day_stack: dict[str, str]) -> MailDir:
    return MailDir(Path(day_stack["mail_dir"]))


def hand_off(page: Page, text: str = "haluan puhua ihmiselle") -> str:
    """Ask for a human in the open widget; the escalation's reference."""
    before = chat_log(page).locator(".message.bot").count()
    say(page, text)
    expect(chat_log(page).locator(".message.bot")).to_have_count(before + 1)
    found = re.search(r"ESC-\d{6}", chat_log(page).inner_text())
    assert found, chat_log(page).inner_text()
    return found.group(0)


def open_count(title: str) -> int:
    found = re.match(r"^\((\d+)\) Jono", title)
    return int(found.group(1)) if found else 0


def test_a_hand_off_appears_in_the_open_console_within_5_s_with_the_title_count(
    day_pages: Pages,
) -> None:
    console = staff_login(day_pages)
    expect(console).to_have_title(re.compile("Jono – Celian henkilökunnan konsoli$"))
    console.wait_for_timeout(3_500)  # the first poll has set the cursors
    count_before = open_count(console.title())
    day_pages.assert_accessible(console, "live queue, before")
    search = console.get_by_label("Viite tai sanat keskustelussa")
    search.focus()  # where the staff member is working: an update must not move the focus

    widget = day_pages.new("/")
    open_chat(widget)
    escalation = hand_off(widget)
    filed_at = time.monotonic()
    expect(console.get_by_role("link", name=escalation)).to_be_visible(timeout=5_000)
    assert time.monotonic() - filed_at < 5
    expect(console).to_have_title(re.compile(rf"^\({count_before + 1}\) Jono"), timeout=5_000)
    expect(console.locator("#status")).to_contain_text(f"Uusi jonossa: eskalaatio {escalation}")
    expect(search).to_be_focused()
    row = console.get_by_role("row").filter(has_text=escalation)
    expect(row.get_by_role("cell").nth(3)).to_have_text(re.compile(r"^\d+ min$"))
    day_pages.assert_accessible(console, "live queue, after a new hand-off")


def test_out_of_hours_the_hand_off_names_the_next_opening_and_is_still_filed(
    day_pages: Pages, day_stack: dict[str, str]
) -> None:
    widget = day_pages.new("/")
    open_chat(widget)
    escalation = hand_off(widget)
    last = chat_log(widget).locator(".message.bot").last
    expect(last).to_contain_text("Asiakaspalvelu on nyt suljettu")
    expect(last).to_contain_text("maanantaina 7.12. kello 9.00")

    swedish = day_pages.new("/")
    open_chat(swedish)
    hand_off(swedish, "jag vill prata med en människa")
    expect(chat_log(swedish).locator(".message.bot").last).to_contain_text(
        "måndag den 7.12. klockan 9.00"
    )
    day_pages.assert_accessible(swedish, "widget, out-of-hours hand-off")

    with httpx.Client(base_url=day_stack["backend"]) as staff:
        log_in_demo_staff(staff, day_stack["database_url"])
        found = staff.get("/api/v1/staff/escalations", params={"q": escalation}).json()
    assert [item["reference"] for item in found["items"]] == [escalation]


def test_a_reply_to_a_closed_widget_is_mailed_once_and_shows_when_reopened(
    day_pages: Pages, day_stack: dict[str, str], day_mail: MailDir
) -> None:
    widget = day_pages.new("/")
    registrar_login(widget)
    open_chat(widget)
    escalation = hand_off(widget)
    widget.context.close()  # the registrar closed the tab
    mails_before = len(day_mail.to(REGISTRAR[0]))

    console = staff_login(day_pages, f"/staff?q={escalation}")
    console.get_by_role("link", name=escalation).click()
    reply = "Hei! Tunnuksesi on nyt avattu."
    console.get_by_label("Vastaus rekisteröijälle (näkyy chatissa)").fill(reply)
    console.get_by_role("button", name="Lähetä vastaus").click()
    expect(console.locator("#status")).to_have_text("Vastaus lähetetty chattiin.")

    mail = day_mail.wait_for(REGISTRAR[0], mails_before + 1, timeout=30)
    assert mail["Subject"] == f"Celia: Asiakaspalvelu vastasi ({escalation})"
    body = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert body.startswith("Celian asiakaspalvelu vastasi chat-keskusteluusi")
    assert reply not in body  # the reply itself is shown to the logged-in registrar only
    link = re.search(r"http://\S+/\?chat=[0-9a-f]{32}#claim=\S+", body)
    assert link, body
    time.sleep(3)  # several rounds of the mail job later, still one mail
    assert len(day_mail.to(REGISTRAR[0])) == mails_before + 1

    reopened = day_pages.new("/")
    registrar_login(reopened)
    reopened.goto(link.group(0))
    expect(chat_log(reopened).locator(".message.staff")).to_contain_text(reply)
    assert "chat=" not in reopened.url
    day_pages.assert_accessible(reopened, "widget reopened from the reply mail")


def test_a_canned_reply_kept_and_inserted_by_keyboard_goes_out_in_swedish(
    day_pages: Pages, day_stack: dict[str, str]
) -> None:
    title = f"Kiitos odotuksesta {time.monotonic_ns()}"
    console = staff_login(day_pages, "/staff/canned-replies")
    day_pages.assert_accessible(console, "canned replies, empty form")
    console.get_by_role("button", name="Tallenna").focus()  # keyboard only from here on
    console.keyboard.press("Enter")  # nothing filled in: the form says what is missing
    expect(console.get_by_role("alert")).to_have_text("Täytä kenttä: Nimi.")
    expect(console.get_by_label("Nimi")).to_be_focused()
    day_pages.assert_accessible(console, "canned replies, error shown")
    for text in (
        title,
        "Kiitos odotuksesta! Katsotaan asiaa.",
        "Tack för att du väntade! Vi tittar på saken.",
        "Thank you for waiting! We are looking into it.",
    ):
        console.keyboard.type(text)
        console.keyboard.press("Tab")
    expect(console.get_by_role("button", name="Tallenna")).to_be_focused()
    console.keyboard.press("Enter")
    expect(console.locator("#status")).to_have_text(f"Tallennettu: {title}.")
    expect(console.get_by_role("row").filter(has_text=title)).to_contain_text("Tack för att")
    day_pages.assert_accessible(console, "canned replies, one saved")

    widget = day_pages.new("/")
    open_chat(widget)
    escalation = hand_off(widget, "jag vill prata med en människa")

    console.goto(f"/staff?q={escalation}")
    console.get_by_role("link", name=escalation).focus()
    console.keyboard.press("Enter")
    expect(console.locator(".facts")).to_contain_text("ruotsi")
    picker = console.get_by_label(re.compile("Valmis vastaus"))
    picker.focus()
    for _ in range(50):  # down the list to this test's reply
        console.keyboard.press("ArrowDown")
        if console.locator("#canned option:checked").inner_text() == title:
            break
    console.keyboard.press("Enter")
    box = console.get_by_label("Vastaus rekisteröijälle (näkyy chatissa)")
    expect(box).to_be_focused()
    expect(box).to_have_value("Tack för att du väntade! Vi tittar på saken.")
    day_pages.assert_accessible(console, "escalation with a canned reply inserted")
    console.keyboard.press("Tab")
    expect(console.get_by_role("button", name="Lähetä vastaus")).to_be_focused()
    console.keyboard.press("Enter")
    expect(console.locator("#status")).to_have_text("Vastaus lähetetty chattiin.")
    expect(chat_log(widget).locator(".message.staff")).to_contain_text(
        "Tack för att du väntade!", timeout=5_000
    )
    screenshot(console, "console-canned-reply", for_readme=True, full_page=True)


def test_an_escalation_is_given_to_a_colleague_and_found_by_assignee(
    day_pages: Pages, day_stack: dict[str, str]
) -> None:
    colleague = f"Kaisa Kollega {time.monotonic_ns()}"
    with httpx.Client(base_url=day_stack["backend"]) as admin:
        csrf = log_in_demo_staff(admin, day_stack["database_url"])
        made = admin.post(
            "/api/v1/staff/admin/staff",
            headers=csrf,
            json={"email": f"kaisa-{time.monotonic_ns()}@celia.fi", "name": colleague},
        )
    assert made.status_code == 201, made.text
    widget = day_pages.new("/")
    open_chat(widget)
    escalation = hand_off(widget)

    console = staff_login(day_pages, f"/staff/escalations/{int(escalation[4:])}")
    console.get_by_label("Kollega").select_option(label=colleague)
    console.get_by_role("button", name="Siirrä kollegalle").click()
    status = console.locator("#status")
    expect(status).to_have_text(f"Eskalaatio on nyt käsittelijällä {colleague}.")
    expect(console.locator(".facts")).to_contain_text(colleague)
    day_pages.assert_accessible(console, "escalation given to a colleague")

    console.goto("/staff")
    expect(console.locator("#status")).to_contain_text("näytetään")  # the queue has loaded
    console.get_by_label("Käsittelijä").select_option(label="Minä")
    console.get_by_role("button", name="Suodata").click()
    expect(console).to_have_url(re.compile(r"assignee=me"))
    expect(console.get_by_label("Käsittelijä")).to_have_value("me")
    expect(console.get_by_role("link", name=escalation)).to_have_count(0)
    console.get_by_label("Käsittelijä").select_option(label=colleague)
    console.get_by_role("button", name="Suodata").click()
    row = console.get_by_role("row").filter(has_text=escalation)
    expect(row).to_contain_text(colleague)
    expect(console.get_by_role("row")).to_have_count(2)  # the header and this one
    day_pages.assert_accessible(console, "queue filtered by a colleague")


def test_an_anonymous_registrar_leaves_an_address_and_gets_the_answer_there(
    day_pages: Pages, day_stack: dict[str, str], day_mail: MailDir
) -> None:
    address = f"anon-{time.monotonic_ns()}@example.org"
    widget = day_pages.new("/")
    open_chat(widget)
    escalation = hand_off(widget, "I want to talk to a human")  # the widget's own UI in Finnish
    field = widget.get_by_label("Osoite vastausta varten (vapaaehtoinen)")
    expect(field).to_be_visible()
    day_pages.assert_accessible(widget, "widget asking for an address for the answer")
    field.fill("not an address")
    field.press("Enter")
    expect(widget.locator("celia-chat .error")).to_contain_text("Tarkista sähköpostiosoite")
    expect(field).to_be_focused()
    day_pages.assert_accessible(widget, "widget with a wrong address")
    field.fill(address)
    field.press("Enter")
    expect(chat_log(widget)).to_contain_text("Kerromme vastauksesta myös sähköpostilla")
    expect(field).to_be_hidden()
    widget.context.close()

    with httpx.Client(base_url=day_stack["backend"]) as staff:
        csrf = log_in_demo_staff(staff, day_stack["database_url"])
        sent = staff.post(
            f"/api/v1/staff/escalations/{int(escalation[4:])}/replies",
            headers=csrf,
            json={"text": "Hello! Here is the answer."},
        )
    assert sent.status_code == 201, sent.text
    mail = day_mail.wait_for(address, 1, timeout=30)
    assert mail["Subject"] == f"Celia: Customer service answered ({escalation})"
    body = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert body.startswith("Celia's customer service answered in your chat")
    link = re.search(r"http://\S+/\?chat=[0-9a-f]{32}#claim=\S+", body)
    assert link, body

    # Another browser (the mail opened elsewhere): the link's single-use token gives it the
    # anonymous conversation; the address alone would not.
    reopened = day_pages.new(link.group(0))
    expect(chat_log(reopened).locator(".message.staff")).to_contain_text("Here is the answer.")
    assert "claim=" not in reopened.url


def test_the_longest_wait_comes_first_marked_past_the_threshold_and_alerts_are_opt_in(
    day_pages: Pages, day_stack: dict[str, str]
) -> None:
    widget = day_pages.new("/")
    open_chat(widget)
    waiting_long = hand_off(widget)
    engine = create_engine(day_stack["database_url"])
    try:
        with engine.begin() as connection:
            connection.execute(
                update(Escalation)
                .where(Escalation.id == int(waiting_long[4:]))
                .values(waiting_since=datetime.now(timezone.utc) - timedelta(minutes=95))
            )
    finally:
        engine.dispose()

    console = staff_login(day_pages, "/staff?status=open")
    console.context.grant_permissions(["notifications"])
    first_row = console.get_by_role("row").nth(1)
    expect(first_row).to_contain_text(waiting_long)
    expect(first_row.get_by_role("cell").nth(3)).to_have_text("1 h 35 min – yli 60 min")
    sound = console.get_by_label("Äänimerkki")
    notification = console.get_by_label("Selaimen ilmoitus")
    expect(sound).not_to_be_checked()
    expect(notification).not_to_be_checked()
    sound.press("Space")
    notification.focus()
    console.keyboard.press("Space")
    expect(notification).to_be_checked()
    day_pages.assert_accessible(console, "queue with an overdue item and alerts on")
    screenshot(console, "console-live-queue", for_readme=True, full_page=True)
    console.reload()
    expect(console.get_by_label("Äänimerkki")).to_be_checked()
    expect(console.get_by_label("Selaimen ilmoitus")).to_be_checked()


def test_the_queue_is_searched_filtered_and_opened_by_keyboard_alone(day_pages: Pages) -> None:
    widget = day_pages.new("/")
    open_chat(widget)
    escalation = hand_off(widget, "haluan puhua ihmiselle näppäimistöllä")
    other = day_pages.new("/")
    open_chat(other)
    hand_off(other)  # open too, but without the word searched for

    console = staff_login(day_pages)
    expect(console.locator("#status")).to_contain_text("näytetään")  # the queue has loaded
    console.keyboard.press("Tab")
    expect(console.get_by_role("link", name="Siirry sisältöön")).to_be_focused()
    console.keyboard.press("Enter")
    console.keyboard.press("Tab")
    expect(console.get_by_label("Tyyppi")).to_be_focused()
    console.keyboard.press("Tab")
    expect(console.get_by_label("Tila")).to_be_focused()
    console.keyboard.type("Avoin")  # a focused select picks the option typed
    expect(console.get_by_label("Tila")).to_have_value("open")
    console.keyboard.press("Tab")
    expect(console.get_by_label("Viite tai sanat keskustelussa")).to_be_focused()
    console.keyboard.type("näppäimistöllä")
    console.keyboard.press("Enter")  # submits the filter form

    expect(console).to_have_url(re.compile(r"status=open.*q=n%C3%A4pp%C3%A4imist%C3%B6ll%C3%A4"))
    rows = console.get_by_role("row").filter(has=console.get_by_role("cell"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(escalation)
    link = console.get_by_role("link", name=escalation)
    for _ in range(30):  # on through the filters and alert switches to the one result
        console.keyboard.press("Tab")
        if link.evaluate("element => element === document.activeElement"):
            break
    expect(link).to_be_focused()
    console.keyboard.press("Enter")
    expect(console).to_have_url(re.compile(rf"/staff/escalations/{int(escalation[4:])}$"))
    day_pages.assert_accessible(console, "queue filtered by keyboard, then the escalation")
