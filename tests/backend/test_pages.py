"""The pages rendered from `web/pages/`: every page route answers a whole HTML document with the
security headers, each page's own script, and its layout's head and header exactly once."""

import re

import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from backend import web

app = FastAPI()
app.include_router(web.router)
PAGE_PATHS = sorted(
    route.path.replace("{escalation_id}", "7").replace("{request_id}", "7")
    for route in web.router.routes
    if isinstance(route, APIRoute)
    and route.endpoint.__annotations__.get("return") is HTMLResponse
    and "{name}" not in route.path
) + [f"/account/{name}" for name in sorted(web.ACCOUNT_PAGES)]


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(app)


def test_the_page_routes_are_found() -> None:
    assert {"/", "/invitation", "/staff", "/staff/audit", "/account/unit"} <= set(PAGE_PATHS)


@pytest.mark.parametrize("path", PAGE_PATHS)
def test_a_page_is_one_whole_document(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["content-security-policy"] == web.CONTENT_SECURITY_POLICY
    assert page.headers["x-frame-options"] == "DENY"
    html = page.text
    assert html.startswith("<!doctype html>\n") and html.rstrip().endswith("</html>")
    for once in ("<head>", "<header", '<main id="main"', '<a class="skip" href="#main"', "<title>"):
        assert html.count(once) == 1, once
    assert not re.search(r"\{[{%#]", html), "a template tag was left unrendered"
    assert re.search(r'<script type="module" src="/assets/[\w/-]+\.js"></script>', html)


def test_console_pages_share_the_console_layout(client: TestClient) -> None:
    for path in [p for p in PAGE_PATHS if p.startswith("/staff")]:
        html = client.get(path).text
        title = re.search(r"<title>(.+)</title>", html)
        assert title and re.fullmatch(r"\S.* – Celian henkilökunnan konsoli", title[1]), path
        assert '<header class="console-header">' in html, path
        assert 'href="/assets/console.css"' in html, path


def test_account_pages_share_the_account_layout(client: TestClient) -> None:
    for name in web.ACCOUNT_PAGES:
        page = client.get(f"/account/{name}")
        html = page.text
        assert page.headers["referrer-policy"] == "no-referrer"
        assert html.index(f'src="/assets/account/{name}.js"') < html.index(
            'src="/widget/celia-chat.js"'
        )
        assert '<nav id="account-nav"' in html and '<footer class="site-footer">' in html, name
        for form in re.findall(r'<form id="([\w-]+)"', html):
            assert f'<div id="{form}-summary" class="error-summary"' in html, (name, form)
