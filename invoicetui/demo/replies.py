"""The fakes' canned replies: each provider's own 429 and 401 bodies, and the JSON encoder."""

from __future__ import annotations

import json
import re
from typing import Any

from invoicetui.demo.protocol import DemoResponse


def rate_limited(provider: str, retry_after: str | None) -> DemoResponse:
    headers = {"Retry-After": retry_after} if retry_after else {}
    body: Any
    if provider == "palette":
        # Not v1Error JSON: the SDK never parses a 429 body (PROVIDERS.md corrections, §5),
        # and what answers is the gateway's plain text.
        return DemoResponse(429, b"Too Many Requests\n", headers, "text/plain; charset=utf-8")
    if provider == "zilliz":
        body = {"code": 429, "message": "Too many requests, please retry later."}
    elif provider == "waldur":
        body = {"detail": "Request was throttled."}
    else:
        body = {"error": "Too many requests"}
    return DemoResponse(429, body, headers)


def unauthorized(provider: str) -> DemoResponse:
    if provider == "palette":
        body = {"code": "Unauthorized", "message": "Invalid API key", "details": {}, "ref": ""}
        return DemoResponse(401, body)
    if provider == "waldur":
        return DemoResponse(401, {"detail": "Invalid token."})
    if provider == "zilliz":
        return DemoResponse(
            401,
            {
                "code": 80001,
                "message": "Invalid token: Your token is not valid. Please double-check your"
                " request parameters and ensure that you have provided a valid token.",
            },
        )
    return DemoResponse(
        401,
        {
            "type": "https://developer.doit.com/errors/unauthorized",
            "title": "Unauthorized",
            "status": 401,
            "detail": "invalid or missing API key",
            "instance": "https://api.doit.com/requests/req_01J0000000000000000000000",
            "code": "unauthorized",
            "retryable": False,
        },
        {"WWW-Authenticate": 'Bearer realm="api.doit.com"'},
        "application/problem+json",
    )


_SURROGATE = re.compile("[\ud800-\udfff]")


def encode_json(body: Any) -> bytes:
    """UTF-8 JSON; a lone surrogate (hostile demo text) goes out as a \\uXXXX escape, as JSON
    allows and real servers send it, since UTF-8 cannot carry it."""
    text = json.dumps(body, ensure_ascii=False)
    if _SURROGATE.search(text):
        text = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text.encode()
