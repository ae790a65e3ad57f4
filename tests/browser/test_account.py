"""The registrar account pages (seed 003) in a real browser against the real stack, with the
mail read from the local SMTP server; both accessibility engines on every page and state."""

import re
import uuid

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from backend.settings import Settings
from tests.browser.support import MailDir, Pages, chat_log, open_chat, say, screenshot

pytestmark = pytest.mark.integration

PASSWORD = "Kirjasto-Tunnus-42"
NEW_PASSWORD = "Uusi-Salasana-2026"
THIRD_PASSWORD = "Kolmas-Salasana-2026"
RESET_SENT_FI = (
    "Jos osoitteella on rekisteröijätunnus, sinne lähtee nyt linkki uuden salasanan "
    "asettamiseen (voimassa tunnin)."
)
MAIN_USER = ("paakayttaja@demo.celia.invalid", "Demo-Paakayttaja-2025")


def new_address() -> str:
    return f"rekisteroija-{uuid.uuid4().hex[:10]}@koulu.example.invalid"


def code_from(mail: MailDir, address: str, count: int = 1) -> str:
    body = mail.wait_for(address, count).get_content()
    return re.search(r"\b(\d{8})\b", body).group(1)  # type: ignore[union-attr]


def reset_link_from(mail: MailDir, address: str, count: int) -> str:
    body = mail.wait_for(address, count).get_content()
    return re.search(r"(http://\S+/account/reset#token=\S+)", body).group(1)  # type: ignore[union-attr]


def fill_and_submit(page: Page, fields: dict[str, str], button: str) -> None:
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name=button, exact=True).click()


def accessible(pages: Pages, page: Page, name: str) -> None:
    """Both engines find nothing, once the page's script has drawn it (the navigation is the
    last thing it draws)."""
    expect(page.locator("#account-nav li").first).to_be_attached()
    expect(page.get_by_role("heading", level=1)).not_to_be_empty()
    pages.assert_accessible(page, name)


def summary_has_focus(page: Page, text: str) -> None:
    summary = page.locator(".error-summary:not([hidden])")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(text)


def register(pages: Pages, page: Page, mail: MailDir, address: str) -> None:
    """Register and verify `address` on the pages (first mail to it: the code)."""
    page.goto("/account/register")
    fill_and_submit(
        page,
        {"Sähköpostiosoite": address, "Etunimi": "Raili", "Sukunimi": "Rekisteröijä"},
        "Rekisteröidy",
    )
    page.get_by_label("Salasana", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Rekisteröidy", exact=True).click()
    expect(page).to_have_url(re.compile("/account/verify$"))
    page.get_by_label("Vahvistuskoodi").fill(code_from(mail, address))
    page.get_by_role("button", name="Vahvista", exact=True).click()
    expect(page.get_by_role("status")).to_have_text(
        "Sähköpostiosoitteesi on vahvistettu. Voit nyt kirjautua sisään."
    )


def log_in(page: Page, address: str, password: str) -> None:
    page.goto("/account/login")
    fill_and_submit(page, {"Sähköpostiosoite": address, "Salasana": password}, "Kirjaudu sisään")
    expect(page).to_have_url(re.compile("/account/profile$"))
    expect(page.locator("#signed-in")).to_contain_text(address)


def test_whole_account_journey_from_register_to_delete(pages: Pages, mail: MailDir) -> None:
    address = new_address()
    page = pages.new("/account/register")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rekisteröidy")
    rule = page.locator("#password-rule")
    expect(rule).to_contain_text("vähintään 8 merkkiä")
    expect(page.get_by_label("Salasana", exact=True)).to_have_attribute(
        "aria-describedby", "password-rule"
    )
    accessible(pages, page, "register page")

    # Everything missing, then a weak password: errors beside the fields and in a summary.
    page.get_by_role("button", name="Rekisteröidy", exact=True).click()
    summary_has_focus(page, "Kirjoita sähköpostiosoite.")
    expect(page.locator("#first_name-error")).to_have_text("Kirjoita etunimi.")
    accessible(pages, page, "register page with errors")
    fill_and_submit(
        page,
        {
            "Sähköpostiosoite": address,
            "Etunimi": "Raili",
            "Sukunimi": "Rekisteröijä",
            "Salasana": "salasana",
        },
        "Rekisteröidy",
    )
    expect(page.locator("#password-error")).to_have_text(
        "Salasanasta puuttuu: iso kirjain, numero, erikoismerkki."
    )
    expect(page.get_by_label("Sähköpostiosoite")).to_have_value(address)  # nothing typed lost
    expect(page.get_by_label("Etunimi")).to_have_value("Raili")
    fill_and_submit(page, {"Salasana": "Salasana1!"}, "Rekisteröidy")  # common: the server says
    expect(page.locator("#password-error")).to_have_text(
        "Tämä salasana on liian yleinen. Valitse toinen."
    )
    fill_and_submit(page, {"Salasana": PASSWORD}, "Rekisteröidy")

    # The code page: the address is filled in; a wrong code, then the one from the mail.
    expect(page).to_have_url(re.compile("/account/verify$"))
    expect(page.get_by_label("Sähköpostiosoite")).to_have_value(address)
    expect(page.get_by_role("status")).to_have_text(
        "Jos osoitetta voi käyttää, sinne lähetettiin vahvistuskoodi."
    )
    accessible(pages, page, "verification page")
    first_mail = mail.wait_for(address, 1)
    assert first_mail["Subject"] == "Celia: Vahvistuskoodi"
    assert "voimassa 24 tuntia" in first_mail.get_content()
    fill_and_submit(page, {"Vahvistuskoodi": "12345678"}, "Vahvista")
    expect(page.locator("#code-error")).to_have_text(
        "Koodi on väärä tai vanhentunut. Pyydä uusi koodi."
    )
    accessible(pages, page, "verification page, wrong code")
    page.get_by_role("button", name="Lähetä uusi koodi").click()
    expect(page.get_by_role("status")).to_have_text(
        "Jos osoitetta voi käyttää, sinne lähetettiin vahvistuskoodi."
    )
    fill_and_submit(page, {"Vahvistuskoodi": code_from(mail, address, 2)}, "Vahvista")
    expect(page.get_by_role("status")).to_have_text(
        "Sähköpostiosoitteesi on vahvistettu. Voit nyt kirjautua sisään."
    )
    accessible(pages, page, "verification page, verified")

    # Log in, log out.
    page.get_by_role("link", name="Kirjaudu sisään").first.click()
    accessible(pages, page, "log-in page")
    fill_and_submit(
        page, {"Sähköpostiosoite": address, "Salasana": "Vaara-Salasana-1"}, "Kirjaudu sisään"
    )
    summary_has_focus(page, "Sähköpostiosoite tai salasana on väärin.")
    accessible(pages, page, "log-in page, wrong password")
    fill_and_submit(page, {"Salasana": PASSWORD}, "Kirjaudu sisään")
    expect(page).to_have_url(re.compile("/account/profile$"))
    expect(page.locator("#signed-in")).to_have_text(
        f"Olet kirjautunut: Raili Rekisteröijä ({address})"
    )
    accessible(pages, page, "profile page")
    page.get_by_role("button", name="Kirjaudu ulos").click()
    expect(page).to_have_url(re.compile("/account/login$"))
    expect(page.get_by_role("status")).to_have_text("Olet kirjautunut ulos.")

    # Forgot: the same answer as the chat; the mail's link sets a new password and logs in.
    page.get_by_role("link", name="Aseta uusi salasana").click()
    accessible(pages, page, "forgot page")
    fill_and_submit(page, {"Sähköpostiosoite": address}, "Lähetä linkki")
    expect(page.get_by_role("status")).to_have_text(RESET_SENT_FI)
    accessible(pages, page, "forgot page, link sent")
    link = reset_link_from(mail, address, 3)
    response = page.goto(link)
    assert response is not None and response.headers["referrer-policy"] == "no-referrer"
    expect(page).to_have_url(re.compile(r"/account/reset$"))  # the token left the address bar
    expect(page.get_by_label("Koodi sähköpostiviestistä")).to_be_hidden()
    accessible(pages, page, "set-new-password page")
    fill_and_submit(page, {"Uusi salasana": "lyhyt"}, "Aseta salasana ja kirjaudu")
    summary_has_focus(page, "Salasanassa on oltava vähintään 8 merkkiä.")
    accessible(pages, page, "set-new-password page, weak password")
    fill_and_submit(page, {"Uusi salasana": NEW_PASSWORD}, "Aseta salasana ja kirjaudu")
    expect(page).to_have_url(re.compile("/account/profile$"))
    expect(page.get_by_role("status")).to_have_text(
        "Salasanasi on vaihdettu ja olet kirjautunut sisään."
    )
    assert mail.wait_for(address, 4)["Subject"] == "Celia: Salasana vaihdettu"

    # The used link says so and offers a new one.
    page.goto(link)
    fill_and_submit(page, {"Uusi salasana": THIRD_PASSWORD}, "Aseta salasana ja kirjaudu")
    summary_has_focus(page, "Linkki tai koodi on väärä, jo käytetty tai vanhentunut.")
    expect(page.get_by_role("link", name="Pyydä uusi linkki")).to_have_attribute(
        "href", "/account/forgot"
    )
    accessible(pages, page, "set-new-password page, used link")

    # Log in with the new password; change it (the wrong current one first).
    page.goto("/account/profile")
    page.get_by_role("button", name="Kirjaudu ulos").click()
    expect(page.get_by_role("status")).to_have_text("Olet kirjautunut ulos.")
    log_in(page, address, NEW_PASSWORD)
    fill_and_submit(
        page,
        {"Nykyinen salasana": "Ei-Tama-Salasana-1", "Uusi salasana": THIRD_PASSWORD},
        "Vaihda salasana",
    )
    expect(page.locator("#current_password-error")).to_have_text("Nykyinen salasana on väärä.")
    expect(page.get_by_label("Uusi salasana")).to_have_value(THIRD_PASSWORD)
    accessible(pages, page, "profile page, wrong current password")
    fill_and_submit(page, {"Nykyinen salasana": NEW_PASSWORD}, "Vaihda salasana")
    expect(page.get_by_role("status")).to_have_text("Salasanasi on vaihdettu.")
    assert mail.wait_for(address, 5)["Subject"] == "Celia: Salasana vaihdettu"

    # The profile's language to Swedish: the pages and the mails switch.
    page.get_by_label("Sivujen ja sähköpostien kieli").select_option("sv")
    page.get_by_role("button", name="Tallenna").click()
    expect(page.get_by_role("status")).to_have_text("Uppgifterna har sparats.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina uppgifter")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    accessible(pages, page, "profile page in Swedish")
    page.goto("/account/forgot")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ställ in ett nytt lösenord")
    fill_and_submit(page, {"E-postadress": address}, "Skicka länken")
    swedish = mail.wait_for(address, 6)
    assert swedish["Subject"] == "Celia: Ställ in ett nytt lösenord"
    assert swedish.get_content().startswith("Ställ in ett nytt lösenord via den här länken")

    # Delete the account: the page says what happens to requests already filed.
    page.goto("/account/profile")
    expect(page.locator("#delete-form").locator("xpath=..")).to_contain_text(
        "Förfrågningar som du redan har skickat till Celia behandlas fortfarande"
    )
    fill_and_submit(
        page, {"Ditt lösenord som bekräftelse": "Fel-Losenord-1"}, "Radera kontot permanent"
    )
    summary_has_focus(page, "Lösenordet är fel.")
    accessible(pages, page, "profile page in Swedish, wrong password to delete")
    fill_and_submit(
        page, {"Ditt lösenord som bekräftelse": THIRD_PASSWORD}, "Radera kontot permanent"
    )
    expect(page).to_have_url(re.compile("/account/login$"))
    expect(page.get_by_role("status")).to_have_text("Ditt konto har raderats.")
    fill_and_submit(page, {"E-postadress": address, "Lösenord": THIRD_PASSWORD}, "Logga in")
    summary_has_focus(page, "E-postadressen eller lösenordet är fel.")


def test_chat_forgotten_password_ends_logged_in(pages: Pages, mail: MailDir) -> None:
    address = new_address()
    register(pages, pages.new("/account/register"), mail, address)
    page = pages.new("/")
    open_chat(page)
    say(page, "unohdin salasanani")
    expect(chat_log(page)).to_contain_text("sähköpostiosoite")
    say(page, address)
    expect(chat_log(page)).to_contain_text(RESET_SENT_FI)  # the forgot page's words too
    forgot = chat_log(page).get_by_role("link", name="/account/forgot")
    expect(forgot).to_have_attribute(
        "href", re.compile(r"^http://127\.0\.0\.1:\d+/account/forgot$")
    )
    pages.assert_accessible(page, "chat with the reset answer")

    body = mail.wait_for(address, 2).get_content()
    assert body.startswith("Aseta uusi salasana tästä linkistä:")
    page.goto(reset_link_from(mail, address, 2))
    fill_and_submit(page, {"Uusi salasana": NEW_PASSWORD}, "Aseta salasana ja kirjaudu")
    expect(page).to_have_url(re.compile("/account/profile$"))
    expect(page.locator("#signed-in")).to_contain_text(address)


def test_reset_code_pasted_without_the_link(pages: Pages, mail: MailDir) -> None:
    address = new_address()
    page = pages.new("/account/register")
    register(pages, page, mail, address)
    page.goto("/account/forgot")
    fill_and_submit(page, {"Sähköpostiosoite": address}, "Lähetä linkki")
    token = reset_link_from(mail, address, 2).split("#token=")[1]
    page.goto("/account/reset")
    fill_and_submit(page, {"Uusi salasana": NEW_PASSWORD}, "Aseta salasana ja kirjaudu")
    expect(page.locator("#token-error")).to_have_text("Kopioi koodi sähköpostiviestistä.")
    accessible(pages, page, "set-new-password page without a link")
    page.get_by_label("Koodi sähköpostiviestistä").fill(token)
    page.get_by_role("button", name="Aseta salasana ja kirjaudu").click()
    expect(page).to_have_url(re.compile("/account/profile$"))


def test_five_wrong_passwords_lock_and_the_page_says_who_unlocks(
    pages: Pages, mail: MailDir
) -> None:
    address = new_address()
    page = pages.new("/account/register")
    register(pages, page, mail, address)
    page.goto("/account/login")
    for attempt in range(5):
        fill_and_submit(
            page,
            {"Sähköpostiosoite": address, "Salasana": f"Vaara-Salasana-{attempt}"},
            "Kirjaudu sisään",
        )
        summary_has_focus(page, "Sähköpostiosoite tai salasana on väärin.")
    fill_and_submit(page, {"Salasana": PASSWORD}, "Kirjaudu sisään")
    summary_has_focus(page, "Vain Celia voi avata sen: kysy Celian chatissa")
    expect(page.locator(".error-summary")).to_contain_text("palvelut@celia.fi")
    accessible(pages, page, "log-in page, locked account")
    assert mail.wait_for(address, 2)["Subject"] == "Celia: Tunnus lukittu"


def test_wrong_codes_stop_as_the_api_stops_them(pages: Pages, mail: MailDir) -> None:
    address = new_address()
    page = pages.new("/account/register")
    fill_and_submit(
        page,
        {
            "Sähköpostiosoite": address,
            "Etunimi": "Raili",
            "Sukunimi": "Rekisteröijä",
            "Salasana": PASSWORD,
        },
        "Rekisteröidy",
    )
    expect(page).to_have_url(re.compile("/account/verify$"))
    code = code_from(mail, address)
    wrong = str((int(code) + 1) % 10**8).zfill(8)
    attempts = Settings.model_fields["verification_attempts_per_account_per_hour"].default
    for _ in range(attempts):
        fill_and_submit(page, {"Vahvistuskoodi": wrong}, "Vahvista")
        expect(page.locator("#code-error")).to_have_text(
            "Koodi on väärä tai vanhentunut. Pyydä uusi koodi."
        )
    fill_and_submit(page, {"Vahvistuskoodi": code}, "Vahvista")
    expect(page.locator("#code-error")).to_have_text(
        "Liian monta yritystä. Pyydä uusi koodi tunnin kuluttua."
    )
    accessible(pages, page, "verification page, too many attempts")


def test_language_switch_is_remembered(pages: Pages) -> None:
    page = pages.new("/account/login")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    expect(page).to_have_title("Log in – Celia")
    page.get_by_role("link", name="Register").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Register")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#password-rule")).to_contain_text("at least 8 characters")
    page.get_by_role("button", name="svenska").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrera dig")
    accessible(pages, page, "register page in Swedish")


def test_keyboard_only_log_in_show_password_and_log_out(pages: Pages) -> None:
    page = pages.new("/account/login")
    keys = page.keyboard
    keys.press("Tab")
    expect(page.get_by_role("link", name="Siirry sisältöön")).to_be_focused()
    keys.press("Enter")
    tab_until(page, "#email")
    keys.type(MAIN_USER[0])
    keys.press("Tab")
    expect(page.locator("#password")).to_be_focused()
    keys.type("Vaara-Salasana-1")
    keys.press("Tab")
    show = page.get_by_role("button", name="Näytä salasana")
    expect(show).to_be_focused()
    keys.press("Space")
    expect(show).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#password")).to_have_attribute("type", "text")
    keys.press("Tab")
    keys.press("Enter")
    summary_has_focus(page, "Sähköpostiosoite tai salasana on väärin.")
    keys.press("Tab")
    keys.press("Enter")  # the summary's link leads to the field
    expect(page.locator("#password")).to_be_focused()
    page.keyboard.press("ControlOrMeta+a")
    keys.type(MAIN_USER[1])
    keys.press("Enter")
    expect(page).to_have_url(re.compile("/account/profile$"))
    tab_until(page, "#language")
    keys.press("ArrowDown")  # suomi -> svenska
    tab_until(page, "#details-form button[type=submit]")
    keys.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Uppgifterna har sparats.")
    tab_until(page, "#language")
    keys.press("ArrowUp")
    tab_until(page, "#details-form button[type=submit]")
    keys.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Tiedot on tallennettu.")
    page.keyboard.press("Shift+Tab")
    for _ in range(40):
        if page.evaluate("() => document.activeElement.textContent") == "Kirjaudu ulos":
            break
        keys.press("Shift+Tab")
    keys.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Olet kirjautunut ulos.")


def tab_until(page: Page, selector: str, limit: int = 40) -> None:
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            shadow = page.evaluate("() => getComputedStyle(document.activeElement).boxShadow")
            assert shadow != "none", f"no visible focus on {selector}"
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_main_user_adds_invites_removes_and_asks_celia(pages: Pages, mail: MailDir) -> None:
    page = pages.new("/account/login")
    fill_and_submit(
        page, {"Sähköpostiosoite": MAIN_USER[0], "Salasana": MAIN_USER[1]}, "Kirjaudu sisään"
    )
    page.get_by_role("link", name="Yksikön rekisteröijät").click()
    people = page.locator("#registrars")
    expect(people).to_contain_text("rekisteroija@demo.celia.invalid")
    accessible(pages, page, "unit page")

    # An existing account is invited like any address, and joins only when it accepts.
    known = "korkeakoulu@demo.celia.invalid"
    already = len(mail.to(known))
    fill_and_submit(page, {"Sähköpostiosoite": known}, "Lähetä kutsu")
    expect(page.get_by_role("status")).to_have_text(
        "Kutsu lähetettiin. Henkilö näkyy listassa, kun hän on hyväksynyt sen."
    )
    expect(people).not_to_contain_text(known)
    link = re.search(r"\S+/account/join#token=\S+", mail.wait_for(known, already + 1).get_content())
    invitee = pages.new(link[0])  # type: ignore[index]
    fill_and_submit(
        invitee, {"Sähköpostiosoite": known, "Salasana": "Demo-Korkeakoulu-2025"}, "Kirjaudu sisään"
    )
    invitee.get_by_role("button", name="Hyväksy kutsu").click()
    expect(invitee.get_by_role("status")).to_contain_text("Olet nyt yksikön DEMO")
    accessible(pages, invitee, "invitation accepted")
    page.reload()
    expect(people).to_contain_text(known)

    invited = new_address()
    fill_and_submit(page, {"Sähköpostiosoite": invited}, "Lähetä kutsu")
    expect(page.get_by_role("status")).to_contain_text("Kutsu lähetettiin")
    invitation = mail.wait_for(invited, 1)
    assert "/account/register" in invitation.get_content()

    fill_and_submit(page, {"Sähköpostiosoite": "ei-osoite"}, "Lähetä kutsu")
    summary_has_focus(page, "Kirjoita sähköpostiosoite muodossa nimi@esimerkki.fi.")
    accessible(pages, page, "unit page, bad address")

    page.get_by_role("button", name=re.compile("^Poista yksiköstä: Kalle")).click()
    expect(page.get_by_role("status")).to_contain_text("poistettiin yksiköstä")
    expect(people).not_to_contain_text("korkeakoulu@demo.celia.invalid")

    page.get_by_role("button", name=re.compile("^Pyydä Celiaa poistamaan")).first.click()
    expect(page.get_by_role("status")).to_have_text(
        re.compile(r"Poistopyyntö on lähetetty Celialle \(viite REQ-\d{6}\)\.")
    )
    accessible(pages, page, "unit page, removal request filed")


@pytest.mark.parametrize(
    ("name", "viewport", "scale"),
    [
        ("account-320px", {"width": 320, "height": 640}, 1),
        ("account-zoom-200", {"width": 640, "height": 400}, 2),
    ],
)
def test_account_pages_fit_a_phone_and_200_percent_zoom(
    pages: Pages, name: str, viewport: ViewportSize, scale: int
) -> None:
    page = pages.new("/account/register", viewport=viewport, device_scale_factor=scale)
    page.get_by_role("button", name="Rekisteröidy", exact=True).click()
    summary_has_focus(page, "Kirjoita sähköpostiosoite.")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"the page scrolls sideways ({width} px)"
    accessible(pages, page, f"register page with errors, {name}")
    screenshot(page, name, for_readme=True, full_page=True)


def test_chat_links_the_log_in_page_for_an_anonymous_request(pages: Pages) -> None:
    page = pages.new("/")
    open_chat(page)
    say(page, "ohjelma sanoo että hetu on jo käytössä mutta asiakasta ei löydy")
    link = chat_log(page).get_by_role("link", name="/account/login")
    expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(re.compile("/account/login$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kirjaudu sisään")


def test_unit_page_tells_an_ordinary_registrar_who_manages_the_unit(pages: Pages) -> None:
    page = pages.new("/account/unit")
    expect(page).to_have_url(re.compile(r"/account/login\?next=%2Faccount%2Funit$"))
    fill_and_submit(
        page,
        {
            "Sähköpostiosoite": "rekisteroija@demo.celia.invalid",
            "Salasana": "Demo-Rekisteroija-2025",
        },
        "Kirjaudu sisään",
    )
    expect(page).to_have_url(re.compile("/account/unit$"))
    expect(page.get_by_role("status")).to_have_text(
        "Vain yksikön pääkäyttäjä hallinnoi sen rekisteröijiä."
    )
    expect(page.locator("#add-form")).to_be_hidden()
    accessible(pages, page, "unit page, not a main user")
