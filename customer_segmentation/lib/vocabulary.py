"""The words of customer segmentation, defined once: tiers, segment codes, the pin.

Codes only (the models word them: a Selection's labels are translated by Odoo).
"""

import numpy as np

# Tier codes; the position is the tier's number in lib/tiers (0 strategic, 1 key,
# 2 ordinary).
TIERS = ("strategic", "key", "ordinary")
# The tiers as a Selection: (code, English label).
TIER_SELECTION = [("strategic", "Strategic"), ("key", "Key"), ("ordinary", "Ordinary")]
# A new default rule table watches these segments for a downgrade and alerts on an
# arrival in those.
WATCHED_SEGMENTS = frozenset({"champions", "loyal", "cant_lose"})
ALERT_SEGMENTS = frozenset({"at_risk", "hibernating"})

_TIER_NUMBER = {code: number for number, code in enumerate(TIERS)}


def tier_numbers(codes):
    """Tier codes (None or '' for none) -> numbers of lib/tiers, -1 for none."""
    codes = np.asarray(codes, dtype=object).tolist()
    return np.array([_TIER_NUMBER.get(code, -1) for code in codes], dtype=np.int64)


def tier_codes(numbers):
    """Numbers of lib/tiers (-1 for none) -> tier codes (None for none)."""
    return np.array(
        [TIERS[n] if n >= 0 else None for n in np.asarray(numbers).tolist()],
        dtype=object,
    )


def pin_is_active(pin_tier, pin_expiry, day):
    """A pinned tier holds from the pin until its expiry day included (none: for
    good)."""
    return bool(pin_tier) and (not pin_expiry or pin_expiry >= day)
