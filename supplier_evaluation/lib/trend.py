"""Per-series linear trends and breach streaks over monthly KPI series."""

import numpy as np


def linear_trends(y):
    """Ordinary least squares of y (n_series, n_periods) on x = 0..n_periods-1.

    NaN periods are skipped. Returns ``slope``, ``intercept``, ``r2``,
    ``forecast`` (value at x = n_periods) and ``points``; series with fewer
    than 3 points get NaN except ``points``. A flat series has r2 = 1.
    """
    y = np.atleast_2d(np.asarray(y, dtype=float))
    present = ~np.isnan(y)
    x = np.arange(y.shape[1], dtype=float)
    points = present.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        x_mean = (present * x).sum(axis=1) / points
        y_mean = np.where(present, y, 0.0).sum(axis=1) / points
        dx = np.where(present, x - x_mean[:, None], 0.0)
        dy = np.where(present, y - y_mean[:, None], 0.0)
        slope = (dx * dy).sum(axis=1) / (dx**2).sum(axis=1)
        intercept = y_mean - slope * x_mean
        residuals = np.where(
            present, y - (intercept[:, None] + slope[:, None] * x), 0.0
        )
        r2 = 1.0 - (residuals**2).sum(axis=1) / (dy**2).sum(axis=1)
    flat = np.where(present, y, -np.inf).max(axis=1) == np.where(
        present, y, np.inf
    ).min(axis=1)
    r2 = np.where(flat, 1.0, r2)
    enough = points >= 3
    slope, intercept, r2 = (np.where(enough, a, np.nan) for a in (slope, intercept, r2))
    return {
        "slope": slope,
        "intercept": intercept,
        "r2": r2,
        "forecast": intercept + slope * y.shape[1],
        "points": points,
    }


def breach_runs(breach, no_data):
    """Length of the current run of breaching periods ending at the latest one.

    Arrays are (n_series, n_periods), oldest first. A no_data period is
    neither breach nor pass but ends the run (latest no_data -> run 0).
    """
    breaching = np.atleast_2d(
        np.asarray(breach, dtype=bool) & ~np.asarray(no_data, dtype=bool)
    )
    n_periods = breaching.shape[1]
    if n_periods == 0:
        return np.zeros(breaching.shape[0], dtype=int)
    newest_first = breaching[:, ::-1]
    first_break = np.argmax(~newest_first, axis=1)
    return np.where(newest_first.all(axis=1), n_periods, first_break).astype(int)
