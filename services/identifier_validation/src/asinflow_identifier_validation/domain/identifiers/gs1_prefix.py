"""GS1 prefix rules: which GTINs are not product identifiers.

The GS1 prefix is read on the 13-digit view of a GTIN: a GTIN-12 (UPC-A) is ``0`` + its 12 digits,
a GTIN-14 drops its indicator digit (so its GS1 prefix is digits 2-4), and a GTIN-8 is
``00000`` + its 8 digits. GS1 never issues a GTIN-12 or GTIN-13 whose 13-digit view starts with
``00000`` ("unused to avoid collision with GTIN-8"), so such a view *is* a GTIN-8 and is judged by
the GS1-8 prefix table on its last 8 digits.

Source: GS1 General Specifications (Release 24.0, 2024), section 1.4 "GS1 Prefixes": the GS1 Prefix
table and the GS1-8 Prefix table; https://www.gs1.org/standards/id-keys/company-prefix.
Catalog policy (DESIGN §4) keeps 050-059 as coupons, the range's historical UPC use (GS1 US now
lists it as reserved for future use; either way no product carries it).

GS1 Prefix table, 13-digit view (rejected ranges marked ✗)::

    00000          GTIN-8 in a 13-digit view          → judged by the GS1-8 table below
    00001 – 019    GS1 US (UPC-A number systems 0, 1)
  ✗ 020 – 029      restricted circulation, geographic region (UPC number system 2: random weight)
    030 – 039      GS1 US (UPC number system 3: drugs)
  ✗ 040 – 049      restricted circulation within a company (UPC number system 4: in-store)
  ✗ 050 – 059      coupons (UPC number system 5)
    060 – 139      GS1 US
  ✗ 200 – 299      restricted circulation, geographic region (in-store, variable measure)
    300 – 949      GS1 Member Organisations (450-459 and 490-499 GS1 Japan: JAN)
    950            GS1 Global Office (company prefixes it issues itself)
  ✗ 951            GS1 Global Office: EPC General Manager Numbers (EPC GID), not GTINs
  ✗ 952            demonstrations and examples of the GS1 system
    953 – 959      GS1 Member Organisations
    960 – 969      GS1 Global Office, GS1-8 prefixes for GTIN-8 (not rejected in a 13-digit view:
                   like other unallocated prefixes, it is not our business to police allocation)
    977            serial publications (ISSN)                 – a product
    978 – 979      Bookland: ISBN (and 979-0: ISMN, music)     – a product
  ✗ 980            refund receipts
  ✗ 981 – 984      coupons, common currency areas
    985 – 989      reserved for future use (not rejected: no non-trade use is defined)
  ✗ 990 – 999      coupons

GS1-8 Prefix table (the first three of a GTIN-8's eight digits)::

  ✗ 000 – 099      RCN-8: velocity codes, restricted circulation within a company
    100 – 199      GS1-8 prefixes
  ✗ 200 – 299      RCN-8: restricted circulation within a company
    300 – 976      GS1-8 prefixes (960-969: issued by the GS1 Global Office), except:
  ✗ 951, 952       as in the GS1 Prefix table (our decision: never a product either way)
  ✗ 977 – 999      not used for GTIN-8

Unallocated prefixes are accepted: GS1 allocates new ones over time, and a wrong check digit or a
brand's registered company prefix are better evidence of a bad code than a missing allocation.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._util import shown
from .exceptions import NonTradePrefix

__all__ = ["gs1_prefix", "non_trade_reason", "validate"]


@dataclass(frozen=True)
class _Range:
    low: str
    high: str
    reason: str

    def __contains__(self, prefix: object) -> bool:
        if not isinstance(prefix, str):
            return False
        head = prefix[: len(self.low)]
        return self.low <= head <= self.high


_EPC_GMN = _Range("951", "951", "GS1 Global Office EPC General Manager Number (prefix 951), not a GTIN")
_DEMO = _Range("952", "952", "demonstration number (prefix 952, for GS1 examples), not a real product")

NON_TRADE_13 = (
    _Range("020", "029", "restricted circulation number (prefix 020-029, in-store use, e.g. random weight)"),
    _Range("040", "049", "restricted circulation number (prefix 040-049, in-store use within a company)"),
    _Range("050", "059", "coupon number (prefix 050-059)"),
    _Range("200", "299", "restricted circulation number (prefix 2xx, in-store use)"),
    _EPC_GMN,
    _DEMO,
    _Range("980", "980", "refund receipt number (prefix 980)"),
    _Range("981", "984", "coupon number (prefix 981-984, common currency area)"),
    _Range("990", "999", "coupon number (prefix 99x)"),
)

NON_TRADE_8 = (
    _Range("0", "0", "restricted circulation number RCN-8 (GS1-8 prefix 0xx, in-store velocity code)"),
    _Range("2", "2", "restricted circulation number RCN-8 (GS1-8 prefix 2xx, in-store use)"),
    _EPC_GMN,
    _DEMO,
    _Range("977", "999", "GTIN-8 with GS1-8 prefix 977-999, a range not used for GTIN-8"),
)

_GTIN8_VIEW = "00000"


def gs1_prefix(gtin14: str) -> str:
    """The 3-digit GS1 prefix of a GTIN-14 (the GS1-8 prefix when it holds a GTIN-8)."""
    view = gtin14[1:]
    if view.startswith(_GTIN8_VIEW):
        return view[len(_GTIN8_VIEW) : len(_GTIN8_VIEW) + 3]
    return view[:3]


def non_trade_reason(gtin14: str) -> str | None:
    """Why this GTIN-14 is not a product identifier, or None when its prefix is a trade item's."""
    view = gtin14[1:]
    table: tuple[_Range, ...] = NON_TRADE_13
    prefix = view
    if view.startswith(_GTIN8_VIEW):
        table, prefix = NON_TRADE_8, view[len(_GTIN8_VIEW) :]
    return next((entry.reason for entry in table if prefix in entry), None)


def validate(gtin14: str, label: str = "GTIN", number: str | None = None) -> str:
    """Component stage: raise NonTradePrefix when the prefix is not a trade item's; else return gtin14.

    ``label`` and ``number`` name the identifier as the user gave it, for the message.
    """
    reason = non_trade_reason(gtin14)
    if reason is not None:
        raise NonTradePrefix(
            f"The {label} {shown(number or gtin14)} is a {reason}; it does not identify a product.",
            prefix=gs1_prefix(gtin14),
            reason=reason,
        )
    return gtin14
