"""Stakeholder surveys in numbers (no Odoo)."""

import math

import numpy as np

# "Would you recommend this supplier to a colleague?" on 0-10: 9-10 promote, 0-6
# detract.
PROMOTER_MIN = 9
DETRACTOR_MAX = 6


def net_promoter_score(answers):
    """Share of promoters minus share of detractors, in points (-100 to 100); NaN
    without answers."""
    answers = np.asarray(answers, dtype=float)
    answers = answers[~np.isnan(answers)]
    if not len(answers):
        return np.nan
    promoters = np.count_nonzero(answers >= PROMOTER_MIN)
    detractors = np.count_nonzero(answers <= DETRACTOR_MAX)
    return (promoters - detractors) / len(answers) * 100.0


def rating_value(scale_value, scale_min, scale_max):
    """A survey's scale answer as a 1-5 rating code ("1".."5"), scaled when the
    question's scale is not 1-5; None when unanswered."""
    if scale_value is None or scale_value is False:
        return None
    if (scale_min, scale_max) != (1, 5):
        scale_value = 1 + (scale_value - scale_min) / (scale_max - scale_min) * 4
    # Half up: 2.5 is 3.
    return str(int(min(max(math.floor(scale_value + 0.5), 1), 5)))
