"""Kept action-server connections (rasa_ext/endpoint_session.py), against a real local HTTP
server: Rasa's own `EndpointConfig.request` goes out on one kept connection per event loop,
with the endpoint's headers and basic auth, and an idle connection is dropped before the action
server's keep-alive timeout."""

import asyncio
import unittest
from typing import Any

from aiohttp import web
from rasa.utils.endpoints import EndpointConfig

import rasa_ext  # noqa: F401  (installs the patches, as in the Rasa process)
from rasa_ext.endpoint_session import IDLE_SECONDS


class Server:
    """An HTTP server on a free local port that answers with the connection each request
    came on (the client's port) and the headers it got."""

    def __init__(self) -> None:
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def answer(self, request: web.Request) -> web.Response:
        peer = request.transport.get_extra_info("peername") if request.transport else None
        return web.json_response(
            {
                "connection": peer[1] if peer else None,
                "authorization": request.headers.get("Authorization", ""),
                "x-celia": request.headers.get("X-Celia", ""),
            }
        )

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/webhook", self.answer)
        self.runner = web.AppRunner(app, keepalive_timeout=5.0)  # the action server's (Sanic)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = self.runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/webhook"

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


def endpoint(url: str) -> EndpointConfig:
    return EndpointConfig(
        url, headers={"X-Celia": "kept"}, basic_auth={"username": "rasa", "password": "secret"}
    )


class EndpointSessionTests(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self) -> None:
        self.server = Server()
        await self.server.start()

    async def asyncTearDown(self) -> None:
        await self.server.stop()

    async def call(self, config: EndpointConfig) -> dict[str, Any]:
        answer = await config.request(method="post", json={})
        assert isinstance(answer, dict)
        return answer

    async def test_requests_share_one_kept_connection_with_the_endpoints_headers(self) -> None:
        config = endpoint(self.server.url)
        first, second = await self.call(config), await self.call(config)
        self.assertEqual(first["connection"], second["connection"])
        self.assertEqual(first["x-celia"], "kept")
        self.assertTrue(first["authorization"].startswith("Basic "))
        async with config.session() as session:
            self.assertFalse(session.closed)
        async with config.session() as again:
            self.assertIs(again, session)
        self.assertFalse(session.closed)  # leaving the context keeps the session
        await session.close()
        async with config.session() as fresh:
            self.assertIsNot(fresh, session)  # a closed session is replaced
        await fresh.close()

    async def test_an_idle_connection_is_dropped_before_the_servers_timeout(self) -> None:
        config = endpoint(self.server.url)
        first = await self.call(config)
        await asyncio.sleep(IDLE_SECONDS + 0.5)
        later = await self.call(config)
        self.assertNotEqual(first["connection"], later["connection"])
        async with config.session() as session:
            await session.close()


class EventLoopTests(unittest.TestCase):
    def test_each_event_loop_gets_a_session_of_its_own(self) -> None:
        config = endpoint("http://127.0.0.1:1/unused")
        sessions: list[Any] = []

        async def call_in_this_loop() -> dict[str, Any]:
            server = Server()
            await server.start()
            try:
                config.url = server.url
                answer = await config.request(method="post", json={})
                async with config.session() as session:
                    sessions.append(session)
                for earlier in sessions[:-1]:
                    await earlier.close()
                return dict(answer)
            finally:
                await server.stop()

        asyncio.run(call_in_this_loop())
        answer = asyncio.run(call_in_this_loop())  # the first session is still open here
        self.assertIsNot(sessions[0], sessions[1])
        self.assertEqual(answer["x-celia"], "kept")
        asyncio.run(sessions[1].close())
