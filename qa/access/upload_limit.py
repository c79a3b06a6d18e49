"""Raw uploads counted before Gradio stores them: an ASGI middleware for `POST …/upload`.

The page sends a file to Gradio's upload route first and then calls `add_document`, which
takes the caller's upload quota (`Gate.uploads`). A script can call the route alone, again
and again, and each file would sit in Gradio's cache until its hourly clean-up. So every
request to the route is also counted here, per logged-in user (per client address when
anyone may use the app), at three times the add quota: the page's own uploads never reach
it. One person's app on loopback without accounts is not limited.

    app.launch(..., app_kwargs={"middleware": [upload_limit(gate)]})
"""

from __future__ import annotations

from typing import Any

from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from qa.access.gate import LOCAL, UPLOAD_BYTES_PER_HOUR, UPLOADS_PER_HOUR, Gate, Quota
from qa.errors import AccessDenied

TRANSFERS_PER_HOUR = 3 * UPLOADS_PER_HOUR
TRANSFER_BYTES_PER_HOUR = 3 * UPLOAD_BYTES_PER_HOUR


class UploadLimit:
    """Refuses (429) an upload request past its sender's hourly count or bytes."""

    def __init__(self, app: ASGIApp, gate: Gate) -> None:
        self.app, self.gate = app, gate
        self.requests = Quota(TRANSFERS_PER_HOUR)
        self.bytes = Quota(TRANSFER_BYTES_PER_HOUR)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] == "http" and scope["method"] == "POST"
                and scope["path"].rstrip("/").endswith("/upload")
                and (self.gate.login_required or self.gate.anonymous != LOCAL)):
            request = Request(scope)
            address = request.client.host if request.client else "?"
            sender = _user(scope, request) or f"address {address}"
            length = request.headers.get("content-length") or "0"
            size = int(length) if length.isdigit() else 0  # chunked: Gradio's 40 MB cap holds
            try:
                self.requests.take(sender, what="uploads")
                self.bytes.take(sender, size, what="upload bytes")
            except AccessDenied as error:
                await PlainTextResponse(str(error), status_code=429)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _user(scope: Scope, request: Request) -> str | None:
    """The logged-in user of the request, as Gradio's own login check finds it."""
    app: Any = scope.get("app")
    cookie_id = getattr(app, "cookie_id", None)
    tokens = getattr(app, "tokens", None)
    if cookie_id is None or not isinstance(tokens, dict):
        return None
    token = (request.cookies.get(f"access-token-{cookie_id}")
             or request.cookies.get(f"access-token-unsecure-{cookie_id}"))
    return tokens.get(token) if token else None


def upload_limit(gate: Gate) -> Middleware:
    """The middleware entry for `launch(app_kwargs={"middleware": [...]})`."""
    return Middleware(UploadLimit, gate=gate)


__all__ = ["TRANSFERS_PER_HOUR", "UploadLimit", "upload_limit"]
