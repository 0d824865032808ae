"""Lifetime-value inputs from dated purchases (customer_segmentation/lib/clv.py), with
Fader, Hardie & Lee's CDNOW conventions, and a fit of a synthetic CDNOW-like cohort."""

import numpy as np
import pytest
from conftest import load_lib_module

clv = load_lib_module("customer_segmentation", "clv")

# Fader, Hardie & Lee (2005): BG/NBD on CDNOW, weeks; Fader & Hardie (2013):
# Gamma-Gamma.
CDNOW_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
CDNOW_SPEND = {"p": 6.25, "q": 3.74, "gamma": 15.44}


def test_summary_counts_purchase_days_in_weeks():
    # customer 7: day 0 (10 + 5, one transaction), day 14 (20), day 21 (40), day 30
    # (after day 28); customer 3: day 7 only; customer 9: day 35 only (after). Rows in
    # no particular order.
    customer = [7, 3, 7, 9, 7, 7, 7]
    day = [21, 7, 0, 35, 14, 0, 30]
    value = [40, 99, 10, 1, 20, 5, 500]
    customers, x, t_x, T, m = clv.purchase_day_summary(customer, day, value, until=28)
    assert customers.tolist() == [3, 7]
    # 3: x = 0, t_x = 0, T = (28 - 7) / 7 = 3, m = 0.
    # 7: repeat days 14 and 21: x = 2, t_x = 21 / 7 = 3, T = 28 / 7 = 4, m = (20 + 40) /
    # 2 = 30.
    assert x.tolist() == [0, 2]
    assert t_x.tolist() == [0, 3]
    assert T.tolist() == [3, 4]
    assert m.tolist() == [0, 30]


def test_summary_of_a_cdnow_customer():
    # CDNOW_sample customer 1: 1997-01-01 (29.33), 01-18 (29.73), 08-02 (14.96), 12-12
    # (after 09-30). In days since 1997-01-01: 0, 17, 213; 30 Sep is day 272. Hardie's
    # summary: x = 2, t_x = 213 / 7 = 30.43, T = 272 / 7 = 38.86, zbar = (29.73 + 14.96)
    # / 2 = 22.345.
    _c, x, t_x, T, m = clv.purchase_day_summary(
        [1, 1, 1, 1], [0, 17, 213, 345], [29.33, 29.73, 14.96, 26.48], until=272
    )
    assert (x[0], round(t_x[0], 2), round(T[0], 2), round(m[0], 3)) == (
        2,
        30.43,
        38.86,
        22.345,
    )


def test_summary_without_purchases():
    customers, x, t_x, T, m = clv.purchase_day_summary([1], [10], [5.0], until=9)
    assert customers.size == x.size == t_x.size == T.size == m.size == 0


def simulate_cohort(n, seed):
    """Customers first buying on days 0..89 (a quarter), then buying as BG/NBD with the
    CDNOW parameters (Poisson in weeks, dropout after each repeat purchase), each
    transaction's value from Gamma-Gamma with the CDNOW spend parameters; purchase days
    until day 272 + 273."""
    rng = np.random.default_rng(seed)
    rate = rng.gamma(CDNOW_BGNBD["r"], 1 / CDNOW_BGNBD["alpha"], n)  # per week
    drop = rng.beta(CDNOW_BGNBD["a"], CDNOW_BGNBD["b"], n)
    nu = rng.gamma(CDNOW_SPEND["q"], 1 / CDNOW_SPEND["gamma"], n)
    customer, day, value = [], [], []
    for i in range(n):
        t = rng.integers(0, 90) / 7.0
        while True:
            customer.append(i)
            day.append(int(t * 7))
            value.append(rng.gamma(CDNOW_SPEND["p"], 1 / nu[i]))
            if len(customer) > 1 and customer[-2] == i and rng.random() < drop[i]:
                break
            t += rng.exponential(1 / rate[i])
            if t * 7 >= 545:
                break
    return np.array(customer), np.array(day), np.array(value)


@pytest.mark.parametrize("seed", [1])
def test_fit_of_a_synthetic_cdnow_cohort_finds_its_parameters(seed):
    customer, day, value = simulate_cohort(20000, seed)
    _c, x, t_x, T, m = clv.purchase_day_summary(customer, day, value, until=272)
    patterns = clv.summarize_patterns(x, t_x, T)
    fit = clv.fit_bgnbd(
        patterns["x"], patterns["t_x"], patterns["T"], patterns["weights"]
    )
    assert fit["converged"], fit["message"]
    for name, value in CDNOW_BGNBD.items():
        assert fit["params"][name] == pytest.approx(value, rel=0.10), name
    spend = clv.fit_gamma_gamma(x[x > 0], m[x > 0])
    assert spend["converged"], spend["message"]
    # p and gamma trade off (only their ratio is sharp); the mean spend p gamma / (q -
    # 1) is sharp
    assert spend["mean_value"] == pytest.approx(6.25 * 15.44 / 2.74, rel=0.05)
