"""Browser tests: Debian's Chromium, driven headless by Playwright, against the real stack
(backend + Rasa + action server) with the DEMO data loaded.

Every page is checked for Content-Security-Policy violations and script errors; axe-core and
IBM's Equal Access checker (accessibility-checker-engine) come from web/node_modules (`npm install`
in web/); screenshots go to test-artifacts/ and, with UPDATE_README_SCREENSHOTS=1, to
docs/screenshots/ for the README.
"""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect, sync_playwright
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from backend import demo_data
from backend.models import Customer
from backend.security import Security
from backend.settings import Settings
from tests.browser.support import ACE_SCRIPT, AXE_SCRIPT, MailDir, Pages
from tests.helpers import server_missing

CHROMIUM = Path("/usr/bin/chromium")

expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def settings(stack: dict[str, str]) -> Settings:
    """Settings of the running stack, for reading its database from the tests."""
    return Settings(
        database_url=f"sqlite:///{stack['workdir']}/celia.db",
        service_token=stack["SERVICE_TOKEN"],
        hetu_hmac_key=stack["HETU_HMAC_KEY"],
        session_secret=stack["SESSION_SECRET"],
    )


@pytest.fixture(scope="session")
def site(stack: dict[str, str], settings: Settings) -> str:
    """The backend's URL, with the DEMO units, registrars, customers and staff user loaded."""
    demo_data.load_into(settings)
    return stack["backend"]


@pytest.fixture(scope="session")
def mail(stack: dict[str, str]) -> MailDir:
    return MailDir(Path(stack["mail_dir"]))


@pytest.fixture(scope="session")
def customer_status(settings: Settings) -> Iterator[Callable[[str], str]]:
    """Look up a customer's status in the stack's database by hetu."""
    engine = create_engine(settings.database_url)
    security = Security(settings)

    def status(hetu: str) -> str:
        with Session(engine) as db:
            digest = security.hetu_hmac(hetu)
            customer = db.scalar(select(Customer).where(Customer.hetu_hmac == digest))
            assert customer is not None
            return customer.status.value

    yield status
    engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not (AXE_SCRIPT.exists() and ACE_SCRIPT.exists()):
        server_missing("axe-core or accessibility-checker-engine is missing: run `npm ci` in web/")
    if not CHROMIUM.exists():
        server_missing("Chromium is missing: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        yield browser
        browser.close()


@pytest.fixture
def pages(browser: Browser, site: str, settings: Settings) -> Iterator[Pages]:
    opened = Pages(browser, site, settings.database_url)
    yield opened
    opened.close()
    assert not opened.problems, "\n".join(opened.problems)
