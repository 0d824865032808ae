"""Plain figures behind the fitted models and a customer's lifetime value.

The BG/NBD purchase model counts time in weeks: while active a customer buys at a
rate drawn from Gamma(r, alpha), so the mean rate is r / alpha purchases per week,
and after each purchase drops out with a probability drawn from Beta(a, b), mean
a / (a + b). The Gamma-Gamma spend model's mean order value is p * gamma / (q - 1)
(undefined when q <= 1).
"""

import math

WEEKS_PER_YEAR = 365.25 / 7.0
DAYS_PER_MONTH = 365.25 / 12.0


def purchase_model_summary(r, alpha, a, b):
    """Mean purchases per year while active and mean dropout chance after a purchase
    (a fraction); NaN for what the parameters do not define."""
    rate = r / alpha * WEEKS_PER_YEAR if alpha > 0 else math.nan
    dropout = a / (a + b) if a + b > 0 else math.nan
    return {"purchases_per_year": rate, "dropout": dropout}


def spend_model_mean(p, q, gamma):
    """Mean order value of the Gamma-Gamma model, NaN when q <= 1 (no finite mean)."""
    return p * gamma / (q - 1.0) if q > 1 else math.nan


def activity_status(probability_alive):
    """'active', 'lapsing' or 'inactive' from P(alive) in percent."""
    if probability_alive >= 70:
        return "active"
    if probability_alive >= 30:
        return "lapsing"
    return "inactive"


def months_between(days):
    """Whole months in ``days`` (a month being a twelfth of a year), rounded."""
    return round(days / DAYS_PER_MONTH)


def percent(fraction):
    """A stored fraction as a percent figure for text: 0.1 -> '10', 0.125 -> '12.5'."""
    return f"{round(fraction * 100, 2):g}"


def small_figure(value, decimals=0):
    """``value`` rounded to ``decimals`` for text; a positive value that rounds to 0
    reads "< 1" (or "< 0.01" with 2 decimals) rather than a false 0."""
    text = f"{value:.{decimals}f}"
    if value > 0 and float(text) == 0:
        return "< " + (f"{10**-decimals:.{decimals}f}" if decimals else "1")
    return text


def distinct_labels(labels):
    """The labels with repeats numbered ("average", "average (2)"), so that clusters
    described alike stay apart when customers are grouped by their description."""
    seen, result = {}, []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        result.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return result
