"""Keep a secret out of text a provider sent back (an error body that echoes the API key)."""

from __future__ import annotations

from urllib.parse import quote, quote_plus

MASK = "***"
# A shorter "secret" (a test's "key") would mask ordinary words and protects nothing.
MIN_SECRET = 6
# A message cut short may end in the first characters of an echoed token: that many or more
# are masked too.
_PREFIX = 6


def redact(text: str, secret: str) -> str:
    """text with every form of secret (as sent, percent-encoded) replaced by ***."""
    if len(secret) < MIN_SECRET or not text:
        return text
    for form in dict.fromkeys((secret, quote(secret, safe=""), quote_plus(secret))):
        text = text.replace(form, MASK)
    for size in range(min(len(secret) - 1, len(text)), _PREFIX - 1, -1):
        if text.endswith(secret[:size]):
            return text[:-size] + MASK
    return text
