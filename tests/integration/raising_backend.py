"""The real backend, logging as it does, plus one route that fails with the request's body in
its exception: what a bug inside a request leaves in the logs (tests only)."""

from fastapi import FastAPI, Request

from backend.main import create_app as create_backend


def create_app() -> FastAPI:
    app = create_backend()

    @app.post("/test/fail")
    async def fail(request: Request) -> None:
        body = await request.json()
        raise RuntimeError(f"could not handle {body!r}")

    return app
