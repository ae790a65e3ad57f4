"""The first start in production, end to end, from an empty database (no demo data): the admin
command creates an admin and an agent, the admin logs in with password + TOTP (enrolling it),
creates a unit and invites its main user, who registers and verifies from the mails of the local
SMTP server and adds a registrar; the registrar files a reactivation request in the chat, and
the agent approves it in the console. New console pages are checked with axe-core and used by
keyboard."""

import email
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from email.policy import default as default_policy
from pathlib import Path

import httpx
import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from backend.models import Customer
from tests.browser.support import Pages, chat_log, open_chat, say, screenshot
from tests.conftest import make_test_hetu, running_stack

pytestmark = pytest.mark.integration

ADMIN = ("anna.admin@celia.example", "Anna-Admin-Salasana-1")
AGENT = ("kalle.kasittelija@celia.example", "Kalle-Kasittelija-Salasana-2")
MAIN_USER = ("paula.paakayttaja@kirjasto.example", "Paula-Paakayttaja-3")
REGISTRAR = ("reetta.rekisteroija@kirjasto.example", "Reetta-Rekisteroija-4")
UNIT = "Esimerkkilän kaupunginkirjasto"


@pytest.fixture(scope="module")
def empty_stack(
    tmp_path_factory: pytest.TempPathFactory, faq_index_dir: Path, rasa_model_file: Path
) -> Iterator[dict[str, str]]:
    workdir = tmp_path_factory.mktemp("first-start")
    with running_stack(workdir, faq_index_dir, rasa_model_file, demo_data=False) as started:
        yield started


@pytest.fixture
def fresh_pages(browser: Browser, empty_stack: dict[str, str]) -> Iterator[Pages]:
    opened = Pages(browser, empty_stack["backend"], empty_stack["database_url"])
    yield opened
    opened.close()
    assert not opened.problems, "\n".join(opened.problems)


def admin_command(stack: dict[str, str], *argv: str, password: str = "") -> str:
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": stack["database_url"],
        "PUBLIC_URL": stack["backend"],
        **{k: stack[k] for k in ("SERVICE_TOKEN", "HETU_HMAC_KEY", "SESSION_SECRET")},
    }
    done = subprocess.run(
        [sys.executable, "-m", "backend.admin", "--operator", "IT-tuki", *argv],
        input=password + "\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def mail_to(stack: dict[str, str], address: str, count: int = 1) -> str:
    """The body of the latest of `count` mails the local SMTP server received for `address`."""
    deadline = time.monotonic() + 30
    while True:
        bodies = []
        for path in sorted(Path(stack["mail_dir"]).glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=default_policy)
            if message["To"] == address:
                bodies.append(message.get_content())
        if len(bodies) >= count:
            return bodies[-1]
        assert time.monotonic() < deadline, f"no mail #{count} to {address}"
        time.sleep(0.2)


def log_in_and_enrol(pages: Pages, who: tuple[str, str]) -> Page:
    """First log-in of a staff user: password, then the second factor enrolled with the QR
    code's secret, then the recovery codes shown once. Done by keyboard."""
    page = pages.new("/staff")
    expect(page).to_have_url(re.compile(r"/staff/login"))
    page.get_by_label("Sähköposti").focus()
    page.keyboard.type(who[0])
    page.keyboard.press("Tab")
    page.keyboard.type(who[1])
    page.keyboard.press("Enter")
    expect(
        page.get_by_role("heading", name="Ota kaksivaiheinen tunnistus käyttöön")
    ).to_be_focused()
    qr = page.get_by_role("img", name="QR-koodi todennussovellukselle")
    expect(qr).to_be_visible()
    page.wait_for_function("() => document.getElementById('qr').naturalWidth > 100")
    secret = page.locator("#secret").inner_text().replace(" ", "")
    pages.assert_accessible(page, "second-factor enrolment")
    screenshot(page, "console-enrolment", for_readme=True, full_page=True)
    page.get_by_label("Sovelluksen koodi").focus()
    page.keyboard.type(pyotp.TOTP(secret).now())
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Varakoodisi")).to_be_focused()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    pages.assert_accessible(page, "recovery codes")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Olen tallentanut koodit, jatka")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Kirjaudu ulos")).to_be_visible()
    return page


def test_from_an_empty_database_to_an_approved_reactivation(
    empty_stack: dict[str, str], fresh_pages: Pages
) -> None:
    stack, pages = empty_stack, fresh_pages
    admin_command(
        stack,
        "staff",
        "create",
        ADMIN[0],
        "--name",
        "Anna Admin",
        "--role",
        "admin",
        password=ADMIN[1],
    )
    admin_command(
        stack, "staff", "create", AGENT[0], "--name", "Kalle Käsittelijä", "--password-link"
    )

    # The admin: password + TOTP, then a unit and its main user, in the console.
    console = log_in_and_enrol(pages, ADMIN)
    console.get_by_role("link", name="Ylläpito").click()
    expect(console.get_by_role("heading", name="Henkilökunta")).to_be_visible()
    pages.assert_accessible(console, "console administration")
    console.get_by_label("Yksikön nimi").fill(UNIT)
    console.get_by_label("Tyyppi").select_option("library")
    console.get_by_role("button", name="Lisää yksikkö").press("Enter")
    expect(console.get_by_role("status")).to_have_text(f"Yksikkö {UNIT} lisätty.")
    expect(console.get_by_role("row", name=re.compile(UNIT))).to_contain_text("Kirjasto")
    console.get_by_label("Yksikkö", exact=True).select_option(label=UNIT)
    console.get_by_label("Pääkäyttäjän sähköposti").fill(MAIN_USER[0])
    console.get_by_role("button", name="Nimeä tai kutsu pääkäyttäjä").press("Enter")
    expect(console.get_by_role("status")).to_contain_text("Kutsu yksikön")
    screenshot(console, "console-admin", for_readme=True, full_page=True)

    # The main user: the invitation link, registration, the verification code.
    link = re.search(r"(/invitation#token=\S+)", mail_to(stack, MAIN_USER[0]))
    assert link, "no invitation link"
    invited = pages.new(link[1])
    invited.get_by_label("Etunimi").fill("Paula")
    invited.get_by_label("Sukunimi").fill("Pääkäyttäjä")
    invited.get_by_label("Salasana").fill(MAIN_USER[1])
    invited.get_by_role("button", name="Luo tunnus").click()
    expect(invited.get_by_role("heading", name="Vahvista sähköpostiosoitteesi")).to_be_focused()
    code = re.search(r"\b(\d{8})\b", mail_to(stack, MAIN_USER[0], 2))
    assert code
    invited.get_by_label("Vahvistuskoodi").fill(code[1])
    invited.get_by_role("button", name="Vahvista").click()
    expect(invited.get_by_role("status")).to_contain_text("Sähköpostiosoite vahvistettu")
    pages.assert_accessible(invited, "main-user invitation")

    # A registrar registers; the main user invites them to the unit, and they accept.
    with httpx.Client(base_url=stack["backend"], timeout=30) as api:
        registered = api.post(
            "/api/v1/auth/register",
            json={
                "email": REGISTRAR[0],
                "first_name": "Reetta",
                "last_name": "Rekisteröijä",
                "password": REGISTRAR[1],
            },
        )
        assert registered.status_code == 202
        code = re.search(r"\b(\d{8})\b", mail_to(stack, REGISTRAR[0]))
        assert code
        verify = {"email": REGISTRAR[0], "code": code[1]}
        assert api.post("/api/v1/auth/verify", json=verify).status_code == 200
        main = api.post(
            "/api/v1/auth/login", json={"email": MAIN_USER[0], "password": MAIN_USER[1]}
        )
        assert main.json()["registrar"]["role"] == "main_user"
        unit_id = main.json()["registrar"]["units"][0]["id"]
        added = api.post(
            f"/api/v1/units/{unit_id}/registrars",
            json={"email": REGISTRAR[0]},
            headers={"X-CSRF-Token": main.json()["csrf_token"]},
        )
        assert added.status_code == 202, added.text
        invitation = re.search(r"/account/join#token=(\S+)", mail_to(stack, REGISTRAR[0], 2))
        assert invitation, "no unit invitation"

    # The registrar: a customer of the unit marked for deletion, then the chat's request.
    hetu = make_test_hetu(14, 3, 1988, 971)
    with httpx.Client(base_url=stack["backend"], timeout=30) as api:
        me = api.post("/api/v1/auth/login", json={"email": REGISTRAR[0], "password": REGISTRAR[1]})
        headers = {"X-CSRF-Token": me.json()["csrf_token"]}
        accept = {"token": invitation[1]}
        joined = api.post("/api/v1/units/invitations/accept", json=accept, headers=headers)
        assert joined.status_code == 200, joined.text
        customer = api.post(
            "/api/v1/customers",
            json={"hetu": hetu, "first_name": "Aino", "last_name": "Asiakas"},
            headers=headers,
        )
        assert customer.status_code == 201, customer.text
        marked = api.delete(f"/api/v1/customers/{customer.json()['id']}", headers=headers)
        assert marked.status_code == 200
    widget = pages.new("/")
    widget.get_by_label("Sähköposti").fill(REGISTRAR[0])
    widget.get_by_label("Salasana").fill(REGISTRAR[1])
    widget.get_by_role("button", name="Kirjaudu", exact=True).click()
    expect(widget.get_by_text("Olet kirjautunut: Reetta Rekisteröijä")).to_be_visible()
    open_chat(widget)
    say(widget, "hetu on käytössä mutta asiakasta ei löydy")
    chat_log(widget).get_by_role("button", name="Kyllä").click()
    expect(chat_log(widget)).to_contain_text("henkilötunnus")
    say(widget, hetu)
    expect(chat_log(widget)).to_contain_text("Aktivointipyyntö asiakkaasta")
    request = re.search(r"REQ-\d{6}", chat_log(widget).inner_text())
    assert request

    # The agent: the set-password link, password + TOTP, approval in the console.
    link = re.search(r"(/staff/set-password#token=\S+)", mail_to(stack, AGENT[0]))
    assert link
    setting = pages.new(link[1])
    setting.get_by_label("Uusi salasana", exact=True).fill(AGENT[1])
    setting.get_by_label("Uusi salasana uudelleen").fill(AGENT[1])
    setting.get_by_role("button", name="Aseta salasana").click()
    expect(setting.get_by_role("status")).to_contain_text("Salasana asetettu")
    pages.assert_accessible(setting, "staff set-password page")
    agent = log_in_and_enrol(pages, AGENT)
    expect(agent.get_by_role("link", name="Ylläpito")).to_have_count(0)
    agent.get_by_role("link", name=request[0]).click()
    agent.get_by_role("button", name="Hyväksy").click()
    expect(agent.get_by_role("status")).to_contain_text("Pyyntö hyväksytty")
    engine = create_engine(stack["database_url"])
    try:
        with Session(engine) as db:
            statuses = [c.status.value for c in db.scalars(select(Customer))]
    finally:
        engine.dispose()
    assert statuses == ["active"]

    # An agent's console refuses the administration, and their own account page works.
    agent.goto("/staff/admin")
    expect(agent.get_by_role("alert")).to_have_text(
        "Vain ylläpitäjät hallitsevat henkilökuntaa ja yksiköitä."
    )
    expect(agent.get_by_role("heading", name="Henkilökunta")).to_be_hidden()
    agent.goto("/staff/account")
    expect(agent.get_by_role("table")).to_contain_text("Tämä kirjautuminen")
    pages.assert_accessible(agent, "console own account")
    agent.get_by_role("button", name="Kirjaa ulos muut kirjautumiset").press("Enter")
    expect(agent.get_by_role("status")).to_have_text("Muut kirjautumiset on kirjattu ulos.")
