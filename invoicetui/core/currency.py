"""Each currency's minor unit (ISO 4217), so money rounded for reading keeps the fils of a
BHD amount and shows no made-up sen of a JPY one; exports never round."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from invoicetui.core.parse import EXACT

# ISO 4217 currencies whose minor unit is not 2 places (all others, and unknown codes: 2).
_PLACES: dict[str, int] = {
    **dict.fromkeys(
        (
            "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX",
            "UYI", "VND", "VUV", "XAF", "XOF", "XPF",
        ),
        0,
    ),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    **dict.fromkeys(("CLF", "UYW"), 4),
}  # fmt: skip


def minor_places(currency: str | None) -> int:
    """Decimal places of the currency's minor unit: JPY 0, BHD 3, USD (and unknown) 2."""
    return _PLACES.get((currency or "").strip().upper(), 2)


def rounded(value: Decimal, currency: str | None) -> Decimal:
    """value to the currency's minor unit (half to even), exact at any size (no 28-digit cap)."""
    return value.quantize(Decimal(1).scaleb(-minor_places(currency)), ROUND_HALF_EVEN, EXACT)
