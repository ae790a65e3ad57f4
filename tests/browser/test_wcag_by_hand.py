"""WCAG 2.2 AA where the engines cannot see (issue 31), checked as a keyboard, screen reader and
magnifier user works: focus that shows (2.4.7), stays (2.1.1, 2.4.3, 2.2.2) and is not hidden
(2.4.11); reflow and text spacing (1.4.10, 1.4.12); language of parts (3.1.2); what the live
regions say (4.1.3); an invalid field says so (3.3.1, 4.1.2)."""

import re
import uuid
from collections.abc import Iterator
from typing import TypedDict

import pytest
from playwright.sync_api import FloatRect, Page, ViewportSize, expect

from tests.browser.support import (
    Pages,
    chat_log,
    open_chat,
    registrar_login,
    say,
    staff_login,
)
from tests.browser.test_widget import FAQ_QUESTION, LAUNCHER, deep_focus, tab_to
from tests.helpers import chat

pytestmark = pytest.mark.integration

MAIN_USER = ("paakayttaja@demo.celia.invalid", "Demo-Paakayttaja-2025")

# WCAG 2.1's text-spacing bookmarklet (1.4.12's own figures).
TEXT_SPACING = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
    word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""

# The deepest focused element (through shadow roots): where it is, whether the chat widget is
# what the eye sees at its centre and corners, and whether it is inside the open chat panel.
FOCUSED = """() => {
    let element = document.activeElement;
    while (element && element.shadowRoot && element.shadowRoot.activeElement) {
        element = element.shadowRoot.activeElement;
    }
    if (!element || element === document.body) return null;
    const box = element.getBoundingClientRect();
    const inset = Math.min(2, box.width / 2, box.height / 2);
    const points = [
        [box.left + box.width / 2, box.top + box.height / 2],
        [box.left + inset, box.top + inset], [box.right - inset, box.top + inset],
        [box.left + inset, box.bottom - inset], [box.right - inset, box.bottom - inset],
    ];
    const inWidget = element.getRootNode() !== document;
    const widget = document.querySelector('celia-chat');
    const coveredAt = inWidget ? [] : points.filter(([x, y]) => {
        const seen = document.elementFromPoint(x, y);
        return seen !== null && seen === widget;
    });
    return {
        name: `${element.tagName.toLowerCase()}#${element.id}:` +
            (element.getAttribute('aria-label') || element.textContent || '').trim().slice(0, 40),
        inPanel: inWidget && Boolean(element.closest('dialog[open]')),
        covered: coveredAt.length,
    };
}"""


class Stop(TypedDict):
    name: str
    inPanel: bool
    covered: int


def focused(page: Page) -> Stop | None:
    stop: Stop | None = page.evaluate(FOCUSED)
    return stop


def shows_focus(page: Page, name: str) -> bytes:
    """The focused element and a margin around it, focused; then the same area without the
    focus, which must differ; the focus is given back (the next Tab goes on from here)."""
    box = page.evaluate(
        """() => {
            let element = document.activeElement;
            while (element.shadowRoot && element.shadowRoot.activeElement) {
                element = element.shadowRoot.activeElement;
            }
            window.__focused = element;
            const r = element.getBoundingClientRect();
            return {x: r.left, y: r.top, width: r.width, height: r.height};
        }"""
    )
    margin = 10
    clip: FloatRect = {
        "x": max(0, box["x"] - margin),
        "y": max(0, box["y"] - margin),
        "width": box["width"] + 2 * margin,
        "height": box["height"] + 2 * margin,
    }
    with_focus = page.screenshot(clip=clip)
    page.evaluate("() => window.__focused.blur()")
    without = page.screenshot(clip=clip)
    page.evaluate("() => window.__focused.focus()")
    assert with_focus != without, f"{name}: focused looks exactly like unfocused"
    return with_focus


# --- 2.4.7 Focus Visible -----------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/account/login"])
def test_the_chat_launcher_shows_keyboard_focus(pages: Pages, path: str) -> None:
    page = pages.new(path)
    page.mouse.move(0, 0)
    tab_to(page, LAUNCHER, limit=60)
    shows_focus(page, f"launcher on {path}")


CONTROL_KIND = """() => {
    const element = document.activeElement;
    const where = element.closest('header') ? 'header ' : '';
    const type = element.tagName === 'INPUT' ? `[${element.type}]` : '';
    const look = element.tagName === 'BUTTON' ? `.${element.className || 'plain'}` : '';
    return where + element.tagName.toLowerCase() + type + look;
}"""


def test_every_kind_of_console_control_shows_keyboard_focus(pages: Pages, site: str) -> None:
    _escalation(site)  # the queue has a row with a link
    seen: set[str] = set()
    page = staff_login(pages)
    expect(page.locator("#queue a").first).to_be_visible()
    for path in (
        "/staff",
        "/staff/faq/edit?new=entry",
        "/staff/admin",
        "/staff/canned-replies",
        "/staff/reports",
    ):
        page.goto(path)
        expect(page.get_by_role("button", name="Kirjaudu ulos")).to_be_visible()
        page.mouse.move(0, 0)
        for _ in range(60):
            page.keyboard.press("Tab")
            kind = page.evaluate(CONTROL_KIND)
            if kind == "body":
                break
            if kind not in seen:
                shows_focus(page, f"{kind} on {path}")
                seen.add(kind)
    wanted = {
        "a",
        "header a",
        "header button.secondary",
        "button.primary",
        "select",
        "input[search]",
        "input[email]",
        "input[text]",
        "input[checkbox]",
        "input[date]",
        "textarea",
    }
    assert wanted <= seen, f"never reached: {wanted - seen}"


# --- 2.1.1 / 2.4.3 / 2.2.2: the queue keeps the focus and can be paused ---------------------


def _escalation(site: str) -> str:
    _, reply = chat(site, "haluan puhua ihmiselle")
    found = re.search(r"ESC-\d{6}", " ".join(m["text"] for m in reply["messages"]))
    assert found, reply
    return found.group(0)


def test_queue_updates_keep_the_focused_row_and_can_be_paused(pages: Pages, site: str) -> None:
    older, focused_reference = _escalation(site), _escalation(site)
    page = staff_login(pages)
    link = page.locator("#queue").get_by_role("link", name=focused_reference)
    expect(link).to_be_visible()
    expect(page.locator("#queue").get_by_role("link", name=older)).to_be_visible()
    polls: list[str] = []
    page.on(
        "request",
        lambda request: polls.append(request.url) if "/queue/live" in request.url else None,
    )

    tab_to(page, rf"^a#:{focused_reference}$", limit=80)
    page.evaluate(
        """() => {
            window.__link = document.activeElement;
            window.__row = window.__link.closest('tr');
            window.__typeCell = window.__row.cells[1].firstChild;
        }"""
    )
    arrived = _escalation(site)  # a new row comes in: the table changes around the focus
    for count in range(1, 4):
        with page.expect_response(lambda response: "/queue/live" in response.url, timeout=10_000):
            pass
        page.wait_for_timeout(500)  # the table is drawn after the answer
        state = page.evaluate(
            """() => ({
                sameLink: document.activeElement === window.__link && window.__link.isConnected,
                sameRow: window.__link.closest('tr') === window.__row,
                sameCell: window.__row.cells[1].firstChild === window.__typeCell,
            })"""
        )
        assert state == {"sameLink": True, "sameRow": True, "sameCell": True}, (count, state)
    expect(page.locator("#queue").get_by_role("link", name=arrived)).to_be_visible()
    assert deep_focus(page) == f"a#:{focused_reference}"
    page.keyboard.press("Tab")  # goes on from the row, not from the top of the page
    assert page.evaluate("() => document.activeElement.closest('#queue tbody') !== null")

    # Paused: no update at all until the staff member turns them on again.
    toggle = page.get_by_label("Päivitä jono automaattisesti (3 sekunnin välein)")
    toggle.focus()
    page.keyboard.press("Space")
    expect(toggle).not_to_be_checked()
    page.wait_for_timeout(500)
    paused_at = len(polls)
    page.wait_for_timeout(7_000)
    assert len(polls) == paused_at, "the queue updated while paused"
    with page.expect_request(lambda request: "/queue/live" in request.url, timeout=2_000):
        page.keyboard.press("Space")
    expect(toggle).to_be_checked()


# --- 2.4.11 Focus Not Obscured ---------------------------------------------------------------


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 800}, {"width": 320, "height": 640}], ids=str
)
def test_open_chat_is_a_dialog_no_tab_stop_hides_under_it(
    pages: Pages, viewport: ViewportSize
) -> None:
    page = pages.new("/", viewport=viewport)
    tab_to(page, LAUNCHER, limit=60)
    page.keyboard.press("Enter")
    expect(chat_log(page)).to_contain_text("Hei! Olen Celian")
    stops = []
    for key in ["Tab"] * 25 + ["Shift+Tab"] * 25:
        page.keyboard.press(key)
        stop = focused(page)
        if stop is not None:  # None: past the last control, the browser's own controls
            stops.append(stop)
    assert len(stops) > 40
    covered = [stop["name"] for stop in stops if stop["covered"]]
    assert not covered, f"tab stops hidden under the chat: {covered}"
    # The model: a modal dialog, at every width; Tab and Shift+Tab stay in it.
    outside = [stop["name"] for stop in stops if not stop["inPanel"]]
    assert not outside, f"Tab left the open chat for {outside}"
    assert page.locator("celia-chat dialog.panel").evaluate("panel => panel.matches(':modal')")

    page.keyboard.press("Escape")
    expect(page.locator("celia-chat .panel")).to_be_hidden()
    assert LAUNCHER in deep_focus(page)


@pytest.mark.parametrize("path", ["/", "/account/login", "/account/register"])
def test_the_launcher_never_hides_a_focused_control_on_a_phone(pages: Pages, path: str) -> None:
    page = pages.new(path, viewport={"width": 320, "height": 640})
    submit = page.locator("main button[type=submit]").first
    if path != "/":
        submit.click()  # with the errors shown: the page is at its longest
        expect(page.locator(".error-summary")).to_be_focused()
    hidden = []
    names = []
    for _ in range(60):
        page.keyboard.press("Tab")
        stop = focused(page)
        if stop is None:
            continue
        names.append(stop["name"])
        if stop["covered"]:
            hidden.append(f"{stop['name']} ({stop['covered']} of 5 points)")
    assert any("Kysy Celian avustajalta" in name for name in names)  # the walk went round
    assert not hidden, f"the launcher covers focused controls on {path}: {hidden}"


# --- 1.4.10 Reflow and 1.4.12 Text Spacing ------------------------------------------------


def _add_text_spacing(page: Page) -> None:
    page.add_style_tag(content=TEXT_SPACING)
    page.evaluate(
        """css => {
            for (const host of document.querySelectorAll('*')) {
                if (!host.shadowRoot) continue;
                const style = document.createElement('style');
                style.textContent = css;
                host.shadowRoot.append(style);
            }
        }""",
        TEXT_SPACING,
    )


@pytest.fixture
def every_page(pages: Pages, site: str, customer_marked_for_deletion: str) -> Iterator[dict]:
    """Each page of the site with the session it needs: path -> storage state (None: none)."""
    escalation = _escalation(site)
    registrar = pages.new("/")
    registrar_login(registrar)
    open_chat(registrar)
    say(registrar, "hetu on käytössä mutta asiakasta ei löydy")
    chat_log(registrar).get_by_role("button", name="Kyllä").click()
    expect(chat_log(registrar)).to_contain_text("henkilötunnus")
    say(registrar, customer_marked_for_deletion)
    expect(chat_log(registrar)).to_contain_text("Aktivointipyyntö asiakkaasta")
    request = re.search(r"REQ-\d{6}", chat_log(registrar).inner_text())
    assert request

    main_user = pages.new("/")
    main_user.get_by_label("Sähköposti").fill(MAIN_USER[0])
    main_user.get_by_label("Salasana").fill(MAIN_USER[1])
    main_user.get_by_role("button", name="Kirjaudu", exact=True).click()
    expect(main_user.locator("#signed-in")).to_be_visible()

    staff = staff_login(pages)
    escalation_href = staff.get_by_role("link", name=escalation).get_attribute("href")
    request_href = staff.get_by_role("link", name=request.group(0)).get_attribute("href")
    staff.goto("/staff/faq")
    entry_href = staff.locator("#items a[href*='kind=entry']").first.get_attribute("href")
    staff_state = staff.context.storage_state()
    user_state = main_user.context.storage_state()
    yield {
        "/": None,
        "/account/register": None,
        "/account/verify": None,
        "/account/login": None,
        "/account/forgot": None,
        "/account/reset": None,
        "/invitation": None,
        "/account/profile": user_state,
        "/account/unit": user_state,
        "/account/join": user_state,
        "/staff/login": None,
        "/staff/set-password": None,
        "/staff": staff_state,
        "/staff/unanswered": staff_state,
        "/staff/reports": staff_state,
        "/staff/canned-replies": staff_state,
        "/staff/faq": staff_state,
        entry_href: staff_state,
        "/staff/faq/edit?new=topic": staff_state,
        "/staff/audit": staff_state,
        "/staff/admin": staff_state,
        "/staff/account": staff_state,
        escalation_href: staff_state,
        request_href: staff_state,
    }


# What sticks out past the right edge: elements with nothing sticking out inside them, and
# text that overflows its box, for the failure message.
STICKING_OUT = """width => {
    const out = (box) => box.right > width + 0.5;
    const elements = [...document.querySelectorAll('body *')].filter((element) =>
        out(element.getBoundingClientRect())
        && ![...element.children].some((child) => out(child.getBoundingClientRect())));
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const range = document.createRange();
        range.selectNodeContents(node);
        if (out(range.getBoundingClientRect())) elements.push(node.parentElement);
    }
    return elements.slice(0, 3).map((element) =>
        `${element.tagName.toLowerCase()}#${element.id}.${element.className}`
        + ` "${element.textContent.trim().slice(0, 30)}"`);
}"""


def _settled(page: Page) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)


@pytest.mark.parametrize(
    ("viewport", "scale"),
    [({"width": 320, "height": 640}, 1), ({"width": 640, "height": 400}, 2)],
    ids=["320px", "zoom-200"],
)
def test_no_page_scrolls_sideways_with_text_spacing(
    pages: Pages, every_page: dict, viewport: ViewportSize, scale: int
) -> None:
    wide = []
    for path, state in every_page.items():
        page = pages.new(
            path,
            viewport=viewport,
            device_scale_factor=scale,
            bypass_csp=True,  # the text-spacing style is the user's, not the page's
            storage_state=state,
        )
        _settled(page)
        _add_text_spacing(page)
        page.wait_for_timeout(100)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > viewport["width"]:
            culprits = page.evaluate(STICKING_OUT, viewport["width"])
            wide.append(f"{path}: {width} px ({', '.join(culprits)})")
        page.context.close()
        pages.contexts.remove(page.context)
    assert not wide, "pages that scroll sideways with text spacing: " + ", ".join(wide)


@pytest.mark.parametrize(
    ("viewport", "scale"),
    [({"width": 320, "height": 640}, 1), ({"width": 640, "height": 400}, 2)],
    ids=["320px", "zoom-200"],
)
def test_the_open_chat_fits_with_text_spacing(
    pages: Pages, viewport: ViewportSize, scale: int
) -> None:
    page = pages.new("/", viewport=viewport, device_scale_factor=scale, bypass_csp=True)
    open_chat(page)
    say(page, FAQ_QUESTION)
    expect(chat_log(page)).to_contain_text("Lähde:")
    _add_text_spacing(page)
    page.wait_for_timeout(100)
    overflow = page.locator("celia-chat .panel").evaluate(
        """panel => {
            const edge = panel.getBoundingClientRect().right + 0.5;
            const out = [...panel.querySelectorAll('*')]
                .filter((element) => element.getBoundingClientRect().right > edge)
                .map((element) => `${element.tagName.toLowerCase()}.${element.className}`);
            const spacing = getComputedStyle(panel.querySelector('.bubble p')).wordSpacing;
            return { width: panel.scrollWidth - panel.clientWidth, edge, out: out.slice(0, 3),
                     spaced: spacing !== '0px' };
        }"""
    )
    assert overflow["spaced"], "the text-spacing style did not reach the chat"
    assert overflow["width"] <= 0 and not overflow["out"], overflow
    assert overflow["edge"] <= viewport["width"] + 0.5
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]


def test_engines_at_320_px_on_every_page(pages: Pages, every_page: dict) -> None:
    for path, state in every_page.items():
        page = pages.new(path, viewport={"width": 320, "height": 640}, storage_state=state)
        _settled(page)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 320, f"{path} scrolls sideways at 320 px ({width} px)"
        pages.assert_accessible(page, f"{path} at 320 px")
        page.context.close()
        pages.contexts.remove(page.context)


# --- 3.1.2 Language of Parts ----------------------------------------------------------------

LANGUAGE_OF_FIELDS = """() => [...document.querySelectorAll('input, textarea')]
    .filter((field) => /[-_](fi|sv|en)$/.test(field.id))
    .map((field) => [field.id, field.id.slice(-2), field.closest('[lang]').lang])
    .filter(([, wanted, got]) => wanted !== got)"""


def test_swedish_and_english_text_carries_its_language(pages: Pages, site: str) -> None:
    staff = staff_login(pages, "/staff/faq")
    entry = staff.locator("#items a[href*='kind=entry']").first
    expect(entry).to_be_visible()
    assert staff.evaluate("() => document.getElementById('source-title-sv').lang") == "sv"
    assert staff.evaluate(LANGUAGE_OF_FIELDS) == []
    entry.click()
    expect(staff.get_by_label("Vastaus (ruotsi)")).to_have_attribute("lang", "sv")
    fields = staff.evaluate("() => document.querySelectorAll('#languages textarea').length")
    assert fields == 9
    assert staff.evaluate(LANGUAGE_OF_FIELDS) == []
    staff.goto("/staff/canned-replies")
    expect(staff.get_by_label("Ruotsiksi")).to_have_attribute("lang", "sv")
    assert staff.evaluate(LANGUAGE_OF_FIELDS) == []

    # A Swedish conversation handed off: its transcript and the reply box are Swedish.
    _, first = chat(site, "jag vill prata med en människa")
    found = re.search(r"ESC-\d{6}", " ".join(m["text"] for m in first["messages"]))
    assert found, first
    staff.goto("/staff")
    staff.get_by_role("link", name=found.group(0)).click()
    expect(staff.locator(".transcript span").first).to_have_attribute("lang", "sv")
    expect(staff.get_by_label("Vastaus rekisteröijälle (näkyy chatissa)")).to_have_attribute(
        "lang", "sv"
    )

    # An English question the FAQ did not answer: English in the list, and added as English.
    run = uuid.uuid4().hex[:8]
    _, first = chat(site, f"What is the weather like in Paris tomorrow (run {run})?")
    chat(site, "yes", first["conversation_id"])
    staff.goto("/staff/unanswered")
    row = staff.get_by_role("row").filter(has_text=f"run {run}")
    expect(row.get_by_role("cell").first).to_have_attribute("lang", "en")
    expect(row.get_by_label("Kieli")).to_have_value("en")

    # The widget in Swedish: every text in the panel is in Swedish but the other languages'
    # names on their own buttons.
    widget = pages.new("/")
    open_chat(widget)
    widget.get_by_role("button", name="SV svenska").click()
    expect(chat_log(widget)).to_contain_text("Hej! Jag är Celias")
    wrong = widget.locator("celia-chat").evaluate(
        """host => {
            const walker = document.createTreeWalker(host.shadowRoot, NodeFilter.SHOW_TEXT);
            const wrong = [];
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                if (!node.data.trim() || node.parentElement.closest('style')) continue;
                const lang = node.parentElement.closest('[lang]').lang;
                const own = node.parentElement.closest('button[data-lang]');
                if (lang !== (own ? own.dataset.lang : 'sv')) wrong.push(`${lang}: ${node.data}`);
            }
            return wrong;
        }"""
    )
    assert wrong == []


# --- 4.1.3 Status Messages: what the live regions say ----------------------------------------

RECORD_ANNOUNCEMENTS = """host => {
    window.__said = [];
    const live = (node) => {
        const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
        const region = element
            && element.closest('[aria-live], [role=log], [role=status], [role=alert]');
        return region !== null && region.getAttribute('aria-live') !== 'off';
    };
    new MutationObserver((records) => {
        for (const record of records) {
            const added = record.type === 'characterData'
                ? [record.target] : [...record.addedNodes];
            for (const node of added) {
                const text = node.textContent.trim();
                if (live(node) && text) window.__said.push(text);
            }
        }
    }).observe(host.shadowRoot, { subtree: true, childList: true, characterData: true });
}"""


def test_a_vote_is_announced_once_and_the_answer_not_again(pages: Pages) -> None:
    page = pages.new("/")
    open_chat(page)
    say(page, FAQ_QUESTION)
    log = chat_log(page)
    feedback = log.get_by_role("group", name="Oliko vastauksesta apua?")
    expect(feedback).to_be_visible()
    page.locator("celia-chat").evaluate(RECORD_ANNOUNCEMENTS)
    read_aloud = log.get_by_role("button", name="Lue ääneen").last
    page.evaluate("() => { window.__readAloud = null; }")
    read_aloud.evaluate("button => { window.__readAloud = button.firstChild; }")

    page.keyboard.press("Shift+Tab")
    tab_to(page, r"^button#:Kyllä$")
    page.keyboard.press("Enter")
    assert deep_focus(page).startswith("textarea#feedback-comment")
    tab_to(page, "Lähetä palaute")
    page.keyboard.press("Enter")
    expect(log).to_contain_text("Kiitos palautteestasi!")
    expect(page.locator("celia-chat .announcer")).to_have_text("Kiitos palautteestasi!")
    page.wait_for_timeout(300)

    said: list[str] = page.evaluate("() => window.__said")
    assert not [text for text in said if "huoltajan suostumus" in text], said
    assert sum("Kiitos palautteestasi!" in text for text in said) == 1, said
    # The read-aloud button's label is the same text node: not replaced on each redraw.
    assert read_aloud.evaluate("button => button.firstChild === window.__readAloud")


# --- 3.3.1 / 4.1.2: the staff code field says it is wrong ----------------------------------


def test_a_wrong_staff_code_marks_the_field_invalid(pages: Pages) -> None:
    page = pages.new("/staff/login")
    page.get_by_label("Sähköposti").fill("celia@demo.celia.invalid")
    page.get_by_label("Salasana").fill("Demo-Celia-Staff-2025")
    page.get_by_role("button", name="Kirjaudu").click()
    code = page.get_by_label("Koodi", exact=True)
    expect(code).to_be_visible()
    expect(code).not_to_have_attribute("aria-invalid", "true")
    page.get_by_role("button", name="Vahvista").click()
    expect(page.get_by_role("alert")).to_have_text("Kirjoita koodi.")
    expect(code).to_have_attribute("aria-invalid", "true")
    expect(code).to_have_accessible_description("Kirjoita koodi.")
    expect(code).to_be_focused()
    pages.assert_accessible(page, "staff code with an error")
    code.fill("000000")
    page.get_by_role("button", name="Vahvista").click()
    expect(page.get_by_role("alert")).to_contain_text("Koodi on väärä")
    expect(code).to_have_attribute("aria-invalid", "true")
