"""The one retry loop of a provider client: JSON answers (get_json) and PDFs (get_stream).

Per request: a status the provider asks us to retry (429/502/503/504) up to max_attempts,
honouring Retry-After up to 60 s and failing at once, naming the wait, beyond it; a connect
error once, quickly; a timeout or a broken body once; a TLS error never. Each attempt
(headers and the whole body) ends within the account's timeout, and a body is capped while
it streams (transport.read_limited_get). Per account: once its failed attempts and waits
add up to RetryPolicy.account_budget, its failures are final and later requests fail at
once with the same error (the account ends in bounded time).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING

import httpx

from invoicetui.core.errors import NetworkError, ProviderError
from invoicetui.providers.limits import parse_retry_after
from invoicetui.providers.transport import MAX_BODY, DeadlineExceeded, describe, read_limited_get

if TYPE_CHECKING:
    from invoicetui.providers.base import ProviderClient, QueryParams


async def get_with_retries(
    client: ProviderClient,
    url: str,
    params: QueryParams,
    headers: dict[str, str] | None,
    *,
    max_bytes: int = MAX_BODY,
    write: Callable[[bytes], None] | None = None,
    restart: Callable[[], None] | None = None,
) -> httpx.Response:
    """The 2xx answer for url (its body, or with `write` streamed there), else the
    ProviderError of the last failed attempt. `restart` runs before each attempt: a retry
    sends the body again from its start, so what a broken attempt wrote is dropped.
    """
    if client.gave_up is not None:
        raise copy.copy(client.gave_up)
    policy = client.retry
    started = client.clock.now()
    attempt = 0
    while True:
        attempt += 1
        await client.limiter.acquire()
        began = client.clock.now()
        if restart is not None:
            restart()
        try:
            client.requests_made += 1
            response = await read_limited_get(
                client.http,
                url,
                deadline=client.account.timeout,
                params=params,
                headers={**client.auth_headers(), **(headers or {})},
                max_bytes=max_bytes,
                write=write,
            )
        except (httpx.HTTPError, DeadlineExceeded) as exc:
            failure = describe(exc, httpx.URL(url))
            error: ProviderError = NetworkError(
                failure.message, provider=client.provider, account=client.account.name
            )
            error.hint = _network_hint(client, failure.kind)
            if not failure.retryable:
                raise error from None
            fast = failure.kind in ("connect", "dns")
            limit = policy.connect_attempts if fast else policy.transport_attempts
            delay = policy.connect_delay if fast else policy.backoff(attempt, client.rng)
        else:
            if 300 <= response.status_code < 400:
                raise client._redirected(response)
            if response.status_code < 400:
                client.limiter.recovered()
                return response
            error = client.map_error(response)
            if response.status_code not in policy.retry_statuses:
                raise error
            if response.status_code == 429:
                client.limiter.slow_down()
            asked = parse_retry_after(response.headers.get("Retry-After"))
            if asked is not None and asked > policy.max_retry_after:
                error.message += (
                    f"; the provider asked to wait {_duration(asked)}, longer than the"
                    f" {policy.max_retry_after:g} s invoicetui waits"
                )
                error.hint = "try again later"
                raise error
            limit = policy.max_attempts
            delay = asked if asked is not None else policy.backoff(attempt, client.rng)
            delay = min(delay, policy.max_delay)
        now = client.clock.now()
        client.retry_spent += now - began + delay
        if client.retry_spent > policy.account_budget:
            # This account's retries are used up: its failures are final from now on.
            error.message += (
                f"; gave up: this account's failed attempts and waits reached"
                f" {policy.account_budget:g} s"
            )
            client.gave_up = error
            raise error
        if attempt >= limit or now - started + delay > policy.max_total:
            raise error
        await client.clock.sleep(delay)


def _network_hint(client: ProviderClient, kind: str) -> str:
    if kind == "tls":
        return "set verify_tls to the CA bundle that signed it (or false, at your own risk)"
    if kind == "timeout":
        return f"raise timeout (now {client.account.timeout:g} s) if the provider is only slow"
    return "check base_url and that the host is reachable"


def _duration(seconds: float) -> str:
    """3600 -> '3600 s (1 h)': the number the provider sent, and what it means."""
    shown = f"{seconds:.0f} s"
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= 2 * size or (unit != "min" and seconds >= size):
            return f"{shown} ({seconds / size:.3g} {unit})"
    return shown
