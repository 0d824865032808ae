"""Best value among the alternative quotations of one call for tenders.

Each alternative has a price (its total in company currency) and a supplier score
(the total of the supplier's latest scorecard, 0-100; NaN without one). The price
scores 100 for the cheapest and ``cheapest / price * 100`` for the others; the best
value is ``(1 - weight) * price score + weight * supplier score``, a supplier
without a scorecard counting 0 there.
"""

import numpy as np


def best_value(prices, scores, weight):
    """(values, ranks): the best value of each alternative and its rank (1 = best;
    equal values share the better rank). ``weight`` is a fraction, 0 to 1."""
    prices = np.asarray(prices, dtype=float)
    scores = np.nan_to_num(np.asarray(scores, dtype=float), nan=0.0)
    if not 0 <= weight <= 1:
        raise ValueError("weight is a fraction between 0 and 1")
    if not len(prices):
        return np.zeros(0), np.zeros(0, dtype=np.int64)
    positive = prices > 0
    cheapest = prices[positive].min() if positive.any() else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        price_score = np.where(positive, cheapest / prices * 100.0, 100.0)
    values = (1.0 - weight) * price_score + weight * scores
    rounded = np.round(values, 9)
    ranks = np.array([1 + int((rounded > v).sum()) for v in rounded], dtype=np.int64)
    return values, ranks


def dearer_percent(prices):
    """How much dearer than the cheapest each price is, in percent (0 for it)."""
    prices = np.asarray(prices, dtype=float)
    positive = prices > 0
    if not positive.any():
        return np.zeros(len(prices))
    cheapest = prices[positive].min()
    return np.where(positive, (prices / cheapest - 1.0) * 100.0, 0.0)
