"""The staff reports page (issue 29) against real traffic: chats in the widget and through the
API, an FAQ answer voted helpful, a refusal, two hand-offs (one answered in the console), a
reactivation filed in the chat and approved in the console. The page shows exactly those
counts on top of what the suite did before; every chart has its data table; axe-core and
Equal Access are clean; the period picker and the export work by keyboard alone."""

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from backend.settings import Settings
from tests.browser.support import (
    Pages,
    chat_log,
    open_chat,
    registrar_login,
    say,
    screenshot,
    staff_login,
)
from tests.browser.test_console import reference
from tests.browser.test_widget import deep_focus, tab_to
from tests.helpers import chat

pytestmark = pytest.mark.integration

QUESTION = "Miten rekisteröin asiakkaan, jolla ei ole suomalaista henkilötunnusta?"
ENTRY = "customer-without-hetu"
OUTSIDE = "What is the weather like in Paris tomorrow?"


def _office_today() -> str:
    """The day as the reports count it: the office's (Helsinki), not this machine's clock (UTC
    here: from 22:00 to midnight the two are a day apart)."""
    zone = ZoneInfo(str(Settings.model_fields["office_timezone"].default))
    return datetime.now(zone).date().isoformat()


def _figures(console: Page, today: str) -> dict[str, dict[str, list[Any]]]:
    """Each report's rows by their first cell, as the page's API gives them."""
    answer = console.request.get(f"/api/v1/staff/reports?from={today}&to={today}")
    assert answer.ok, answer.text()
    return {
        table["name"]: {str(row[0]): row[1:] for row in table["rows"]}
        for table in answer.json()["tables"]
    }


def _refresh(console: Page) -> None:
    """Count today now; returns once the page has shown the new figures."""
    with console.expect_response(
        lambda answer: (
            answer.request.method == "GET"
            and answer.url.split("?")[0].endswith("/api/v1/staff/reports")
        )
    ):
        console.get_by_role("button", name="Laske tämän päivän luvut nyt").click()
    expect(console.get_by_role("status")).to_contain_text("Luvut laskettu")


def _expect_row(console: Page, report: str, first_cell: str, values: list[Any]) -> None:
    """A row of a report's data table on the page shows exactly these figures."""
    table = console.locator(f"#{report}-caption").locator("xpath=..")
    row = table.get_by_role("row").filter(
        has=console.get_by_role("rowheader", name=first_cell, exact=True)
    )
    expect(row.locator("td")).to_have_text([_shown(value) for value in values])


def _shown(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",").replace("-", "\u2212")  # as fi-FI writes it
    return str(value)


def test_the_report_counts_real_traffic_exactly(
    pages: Pages, site: str, customer_marked_for_deletion: str
) -> None:
    today = _office_today()
    console = staff_login(pages, f"/staff/reports?from={today}&to={today}&preset=custom")
    expect(console.get_by_role("heading", level=1)).to_have_text("Raportit")
    _refresh(console)
    before = _figures(console, today)

    # The widget: an FAQ answer voted helpful, then a hand-off answered in the console.
    widget = pages.new("/")
    open_chat(widget)
    say(widget, QUESTION)
    log = chat_log(widget)
    feedback = log.get_by_role("group", name="Oliko vastauksesta apua?")
    feedback.get_by_role("button", name="Kyllä").click()
    log.get_by_role("button", name="Lähetä palaute").click()
    expect(log).to_contain_text("Kiitos palautteestasi!")
    say(widget, "haluan puhua ihmiselle")
    expect(log).to_contain_text("Välitin keskustelun Celian asiakaspalvelulle")
    escalation = reference(widget, "ESC")
    # The API: a question the FAQ does not cover, handed over on "yes".
    _, first = chat(site, OUTSIDE)
    _, handed_off = chat(site, "yes", first["conversation_id"])
    assert re.search(r"ESC-\d{6}", " ".join(m["text"] for m in handed_off["messages"]))
    # A logged-in registrar files a reactivation in the chat.
    registrar = pages.new("/")
    registrar_login(registrar)
    open_chat(registrar)
    say(registrar, "hetu on käytössä mutta asiakasta ei löydy")
    chat_log(registrar).get_by_role("button", name="Kyllä").click()
    expect(chat_log(registrar)).to_contain_text("henkilötunnus")
    say(registrar, customer_marked_for_deletion)
    expect(chat_log(registrar)).to_contain_text("Aktivointipyyntö asiakkaasta")
    request = reference(registrar, "REQ")

    # The console: the hand-off answered, the request approved.
    work = staff_login(pages)
    work.get_by_role("link", name=escalation).click()
    work.get_by_label("Vastaus rekisteröijälle (näkyy chatissa)").fill("Hei! Autamme mielellämme.")
    work.get_by_role("button", name="Lähetä vastaus").click()
    expect(work.get_by_role("status")).to_have_text("Vastaus lähetetty chattiin.")
    work.goto("/staff?type=request:reactivation&status=open")
    work.get_by_role("link", name=request).click()
    work.get_by_role("button", name="Hyväksy").click()
    expect(work.get_by_role("status")).to_contain_text("Pyyntö hyväksytty")

    _refresh(console)
    after = _figures(console, today)
    # 3 conversations; 9 messages: in the widget 2 and the registrar's 3, each after the
    # greeting the widget sends when opened; 2 through the API.
    usage_before = before["usage"]["Yhteensä"]
    assert after["usage"]["Yhteensä"] == [usage_before[0] + 3, usage_before[1] + 9]
    outcomes_before, outcomes = (
        before["faq_outcomes"]["Yhteensä"],
        after["faq_outcomes"]["Yhteensä"],
    )
    assert outcomes[0] == outcomes_before[0] + 1  # answered
    assert outcomes[1] + outcomes[2] == outcomes_before[1] + outcomes_before[2] + 1  # not covered
    assert outcomes[3] == outcomes_before[3] + 2  # handed over
    handoffs_before, handoffs = before["handoffs"]["Yhteensä"], after["handoffs"]["Yhteensä"]
    assert handoffs[:2] == [handoffs_before[0] + 2, handoffs_before[1] + 1]
    requests_before = before["requests"]["Asiakkuuden aktivointi"]
    requests = after["requests"]["Asiakkuuden aktivointi"]
    assert requests[:3] == [requests_before[0] + 1, requests_before[1] + 1, requests_before[2]]
    entry_before = before["entries"].get(ENTRY, [0, None, 0, 0])
    entry = after["entries"][ENTRY]
    assert [entry[0], entry[2]] == [entry_before[0] + 1, entry_before[2] + 1]  # asked, helpful

    # The page shows exactly these figures, in its data tables.
    _expect_row(console, "usage", "Yhteensä", after["usage"]["Yhteensä"])
    _expect_row(console, "faq_outcomes", "Yhteensä", outcomes)
    _expect_row(console, "handoffs", "Yhteensä", handoffs)
    _expect_row(console, "requests", "Asiakkuuden aktivointi", requests)
    _expect_row(console, "entries", ENTRY, entry)

    # Every chart is an image with a text alternative beside its data table, and it loaded.
    figures = console.locator(".report-pair figure img")
    expect(figures).to_have_count(9)
    for index in range(figures.count()):
        chart = figures.nth(index)
        expect(chart).to_have_attribute("alt", re.compile(r"^Kaavio: .+ taulukossa"))
        assert chart.evaluate("image => image.complete && image.naturalWidth > 0")
        pair = chart.locator("xpath=ancestor::div[contains(@class, 'report-pair')]")
        expect(pair.locator("table caption")).to_have_count(1)
    # The charts show the figures counted now, not an image of the earlier count.
    entries_chart = console.locator("#entries-caption").locator(
        "xpath=ancestor::div[contains(@class, 'report-pair')]//img"
    )
    drawn = console.request.get(str(entries_chart.get_attribute("src"))).text()
    assert ENTRY in drawn and 'class="no_data"' not in drawn
    pages.assert_accessible(console, "staff reports")
    screenshot(console, "console-reports", for_readme=True, full_page=True)


def test_the_period_picker_and_the_export_by_keyboard_alone(pages: Pages) -> None:
    console = staff_login(pages, "/staff/reports")
    expect(console.get_by_role("status")).to_contain_text("näytetään")
    console.locator("body").focus()
    tab_to(console, r"^input#preset-week:")
    console.keyboard.press("ArrowDown")  # radios: the arrow keys choose
    assert deep_focus(console).startswith("input#preset-30:")
    from_day = console.get_by_label("Alkaen").input_value()
    assert (date.today() - date.fromisoformat(from_day)).days == 29
    tab_to(console, r"^button#:Näytä$")
    console.keyboard.press("Enter")
    expect(console.get_by_role("status")).to_contain_text(f"Raportit {from_day}")
    expect(console).to_have_url(re.compile(rf"from={from_day}.*preset=30"))
    expect(
        console.get_by_role("heading", name="Siirrot viikonpäivän ja kellonajan mukaan")
    ).to_be_visible()
    tab_to(console, r"^a#export:")
    with console.expect_download() as download:
        console.keyboard.press("Enter")
    content = download.value.path().read_bytes()
    assert content.startswith(b"\xef\xbb\xbf") and "Yhteensä".encode() in content
    assert download.value.suggested_filename == f"celia-raportit-{from_day}-{date.today()}.csv"
    pages.assert_accessible(console, "staff reports, last 30 days")
