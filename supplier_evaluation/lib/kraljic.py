"""Kraljic matrix: supply risk score and quadrant suggestion per supplier."""

import numpy as np

from .vocabulary import KRALJIC_CODES as CLASSES


def supply_risk(single_source_share, lead_time_cv, cv_cap=1.0):
    """Supply risk in [0, 1] per supplier.

    risk = 0.7 * single_source_share + 0.3 * min(lead_time_cv / cv_cap, 1),
    where single_source_share is the share (0..1) of the supplier's spend on
    products it is the only source of, and lead_time_cv the coefficient of
    variation of its lead times (NaN, i.e. unknown, counts as 0).
    """
    if cv_cap <= 0:
        raise ValueError("cv_cap must be positive")
    share = np.asarray(single_source_share, dtype=float)
    cv = np.nan_to_num(np.asarray(lead_time_cv, dtype=float), nan=0.0)
    return 0.7 * share + 0.3 * np.clip(cv / cv_cap, 0.0, 1.0)


def suggest(spend_share, risk, impact_threshold, risk_threshold):
    """Kraljic class per supplier; a value >= its threshold counts as high.

    High impact & high risk: strategic; high impact & low risk: leverage;
    low impact & high risk: bottleneck; otherwise routine (NaN counts as low).
    """
    high_impact = np.asarray(spend_share, dtype=float) >= impact_threshold
    high_risk = np.asarray(risk, dtype=float) >= risk_threshold
    return np.select(
        [high_impact & high_risk, high_impact, high_risk],
        CLASSES[:3],
        default=CLASSES[3],
    ).astype(object)
