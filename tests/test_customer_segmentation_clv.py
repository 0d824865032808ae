"""Tests of customer_segmentation/lib/clv.py (BG/NBD, Gamma-Gamma, CLV)."""

import math

import numpy as np
import pytest
from conftest import load_lib_module

clv = load_lib_module("customer_segmentation", "clv")

# Fader, Hardie & Lee (2005) CDNOW estimates (weeks)
CDNOW = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}


def simulate_bgnbd(n, r, alpha, a, b, seed, t_min=30.0, t_max=90.0):
    """BG/NBD data: lambda ~ Gamma(r, 1/alpha), p ~ Beta(a, b); Poisson repeat
    purchases, dropout with probability p right after each repeat purchase."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(r, 1.0 / alpha, n)
    p = rng.beta(a, b, n)
    T = rng.uniform(t_min, t_max, n)
    last = rng.geometric(
        p
    )  # index of the repeat purchase after which the customer leaves
    n_poisson = rng.poisson(lam * T)  # purchases in (0, T] had the customer stayed
    x = np.minimum(last, n_poisson)
    # the x-th of n_poisson uniform arrival times on (0, T): T * Beta(x, N - x + 1)
    t_x = np.where(
        x > 0, T * rng.beta(np.maximum(x, 1), np.maximum(n_poisson - x + 1, 1)), 0.0
    )
    return x.astype(float), t_x, T


def simulate_gamma_gamma(x, p, q, v, seed):
    """Mean of x transactions ~ Gamma(p, nu) with nu ~ Gamma(q, v) (rate v)."""
    rng = np.random.default_rng(seed)
    nu = rng.gamma(q, 1.0 / v, x.shape[0])
    return rng.gamma(p * x, 1.0 / (x * nu))


def scalar_bgnbd_likelihood(r, alpha, a, b, x, t_x, T):
    """Straight from the paper (eq. 6), no logs: B(.,.) and G(.) directly."""

    def beta(u, w):
        return math.gamma(u) * math.gamma(w) / math.gamma(u + w)

    common = math.gamma(r + x) * alpha**r / math.gamma(r)
    value = beta(a, b + x) / beta(a, b) * common / (alpha + T) ** (r + x)
    if x > 0:
        value += beta(a + 1, b + x - 1) / beta(a, b) * common / (alpha + t_x) ** (r + x)
    return value


SMALL = [  # (x, t_x, T)
    (0, 0.0, 10.0),
    (1, 3.0, 10.0),
    (2, 9.5, 10.0),
    (5, 20.0, 30.0),
    (7, 7.0, 7.0),
    (0, 0.0, 0.0),
    (3, 0.5, 40.0),
]


# --- BG/NBD likelihood -------------------------------------------------------


@pytest.mark.parametrize("params", [(0.243, 4.414, 0.793, 2.426), (2.0, 0.5, 3.0, 0.7)])
def test_bgnbd_log_likelihood_matches_scalar_paper_formula(params):
    x, t_x, T = (np.array(col, dtype=float) for col in zip(*SMALL, strict=False))
    expected = sum(math.log(scalar_bgnbd_likelihood(*params, *row)) for row in SMALL)
    assert clv.bgnbd_log_likelihood(params, x, t_x, T) == pytest.approx(
        expected, rel=1e-12
    )
    # dict form of the parameters gives the same
    as_dict = dict(zip(clv.BGNBD_PARAMS, params, strict=False))
    assert clv.bgnbd_log_likelihood(as_dict, x, t_x, T) == pytest.approx(
        expected, rel=1e-12
    )


def test_bgnbd_log_likelihood_large_frequency_is_finite():
    ll = clv.bgnbd_log_likelihood(CDNOW, [500.0], [99.0], [100.0])
    assert np.isfinite(ll)


def test_pattern_weighted_likelihood_equals_unweighted():
    x, t_x, T = simulate_bgnbd(2000, 0.5, 3.0, 1.0, 3.0, seed=1)
    # whole days: many customers share a pattern
    t_x, T = np.floor(t_x * 7) / 7, np.floor(T * 7) / 7
    pat = clv.summarize_patterns(x, t_x, T)
    assert pat["weights"].sum() == 2000
    assert len(pat["x"]) < 2000
    np.testing.assert_array_equal(pat["x"][pat["inverse"]], x)
    np.testing.assert_array_equal(pat["t_x"][pat["inverse"]], t_x)
    np.testing.assert_array_equal(pat["T"][pat["inverse"]], T)
    full = clv.bgnbd_log_likelihood(CDNOW, x, t_x, T)
    grouped = clv.bgnbd_log_likelihood(
        CDNOW, pat["x"], pat["t_x"], pat["T"], pat["weights"]
    )
    assert grouped == pytest.approx(full, rel=1e-12)


def test_summarize_patterns_monetary_groups_x_and_m():
    pat = clv.summarize_patterns(
        [0, 2, 2, 2], [0, 5, 5, 6], [10, 10, 10, 10], monetary=[0, 30.0, 30.0, 30.0]
    )
    assert pat["weights"].tolist() == [1, 2, 1]
    assert pat["inverse"].tolist() == [0, 1, 1, 2]
    assert pat["gg_x"].tolist() == [0, 2]
    assert pat["gg_m"].tolist() == [0, 30.0]
    assert pat["gg_weights"].tolist() == [1, 3]
    assert pat["gg_inverse"].tolist() == [0, 1, 1, 1]


def test_inputs_are_validated():
    with pytest.raises(ValueError, match="must not exceed T"):
        clv.bgnbd_log_likelihood(CDNOW, [1], [11.0], [10.0])
    with pytest.raises(ValueError):
        clv.bgnbd_log_likelihood((1, 1, -1, 1), [1], [1.0], [10.0])
    with pytest.raises(ValueError):
        clv.summarize_patterns([1, np.nan], [1, 1], [2, 2])


# --- P(alive) and expected purchases -----------------------------------------


def test_probability_alive_hand_cases():
    r, alpha, a, b = 0.5, 2.0, 0.8, 3.0
    params = (r, alpha, a, b)
    # never bought again: alive for sure (dropout only happens after a purchase)
    assert clv.bgnbd_probability_alive(params, [0], [0.0], [0.0]).tolist() == [1.0]
    assert clv.bgnbd_probability_alive(params, [0], [0.0], [50.0]).tolist() == [1.0]
    # bought just now (t_x == T): 1 / (1 + a / (b + x - 1))
    p = clv.bgnbd_probability_alive(params, [3], [10.0], [10.0])[0]
    assert p == pytest.approx(1.0 / (1.0 + a / (b + 2.0)), rel=1e-12)
    # general case by hand
    p = clv.bgnbd_probability_alive(params, [2], [4.0], [10.0])[0]
    hand = 1.0 / (1.0 + a / (b + 1.0) * ((alpha + 10.0) / (alpha + 4.0)) ** (r + 2.0))
    assert p == pytest.approx(hand, rel=1e-12)
    # longer silence -> less likely alive
    ps = clv.bgnbd_probability_alive(
        params, [2, 2, 2], [4.0, 4.0, 4.0], [5.0, 20.0, 80.0]
    )
    assert np.all(np.diff(ps) < 0)


def _gauss_grid(lo, hi, panels, nodes=64):
    """Composite Gauss-Legendre nodes and weights on [lo, hi]."""
    t, w = np.polynomial.legendre.leggauss(nodes)
    edges = np.linspace(lo, hi, panels + 1)
    half = np.diff(edges)[:, None] / 2
    mid = (edges[:-1] + edges[1:])[:, None] / 2
    return (mid + half * t).ravel(), (half * w).ravel()


def _posterior_expectations(params, x, t_x, T, horizon):
    """P(alive) and E[Y(horizon)] by 2-D quadrature over (lambda, p), from the
    individual-level model: P(alive, data | lam, p) = (1-p)^x lam^x e^{-lam T},
    L = that + [x > 0] p (1-p)^(x-1) lam^x e^{-lam t_x},
    E[Y | alive, lam, p] = (1 - exp(-lam p t)) / p."""
    from scipy.stats import beta as beta_dist
    from scipy.stats import gamma as gamma_dist

    r, alpha, a, b = params
    lam, w_lam = _gauss_grid(0.0, 40.0 / alpha + 10.0, panels=16)
    p, w_p = _gauss_grid(0.0, 1.0, panels=8)
    lam, p = lam[:, None], p[None, :]
    weight = (
        w_lam[:, None]
        * w_p[None, :]
        * gamma_dist.pdf(lam, r, scale=1.0 / alpha)
        * beta_dist.pdf(p, a, b)
    )
    alive = (1 - p) ** x * lam**x * np.exp(-lam * T)
    likelihood = alive + (
        p * (1 - p) ** (x - 1) * lam**x * np.exp(-lam * t_x) if x > 0 else 0.0
    )
    norm = np.sum(weight * likelihood)
    p_alive = np.sum(weight * alive) / norm
    expected = np.sum(weight * alive * -np.expm1(-lam * p * horizon) / p) / norm
    return p_alive, expected


@pytest.mark.parametrize("case", [(2, 6.0, 10.0), (0, 0.0, 8.0), (4, 3.0, 12.0)])
def test_expected_purchases_and_p_alive_match_numerical_integration(case):
    params = (2.0, 5.0, 2.5, 4.0)
    x, t_x, T = case
    p_alive, expected = _posterior_expectations(params, x, t_x, T, horizon=7.0)
    got_alive = clv.bgnbd_probability_alive(params, [x], [t_x], [T])[0]
    got = clv.bgnbd_expected_purchases(params, [x], [t_x], [T], 7.0)[0]
    assert got_alive == pytest.approx(p_alive, rel=1e-6)
    assert got == pytest.approx(expected, rel=1e-6)


def test_expected_purchases_cdnow_paper_example():
    # Fader, Hardie & Lee (2005): x = 2, t_x = 30.43, T = 38.86 -> 1.226 in 39 weeks
    got = clv.bgnbd_expected_purchases(CDNOW, [2], [30.43], [38.86], 39.0)[0]
    assert got == pytest.approx(1.226, abs=5e-4)


def test_expected_purchases_non_negative_and_increasing_in_horizon():
    x, t_x, T = simulate_bgnbd(300, 0.243, 4.414, 0.793, 2.426, seed=4)
    x = np.append(x, [200.0, 0.0])  # an extreme and a brand-new customer
    t_x = np.append(t_x, [59.0, 0.0])
    T = np.append(T, [60.0, 0.0])
    previous = clv.bgnbd_expected_purchases(CDNOW, x, t_x, T, 0.0)
    assert np.all(previous == 0.0)
    for horizon in (1.0, 4.0, 13.0, 52.0, 104.0):
        current = clv.bgnbd_expected_purchases(CDNOW, x, t_x, T, horizon)
        assert np.all(np.isfinite(current))
        assert np.all(current >= 0.0)
        assert np.all(current > previous)
        previous = current


def test_expected_purchases_integer_parameters_and_a_near_one():
    # scipy's hyp2f1 returns NaN for some integer combinations; must not leak
    got = clv.bgnbd_expected_purchases(
        (2.0, 1.0, 3.0, 40.0), [300], [19.0], [20.0], 500.0
    )
    assert np.isfinite(got).all() and got[0] > 0
    near = clv.bgnbd_expected_purchases((0.5, 3.0, 1.0, 2.0), [3], [5.0], [10.0], 20.0)[
        0
    ]
    left = clv.bgnbd_expected_purchases(
        (0.5, 3.0, 1.001, 2.0), [3], [5.0], [10.0], 20.0
    )[0]
    right = clv.bgnbd_expected_purchases(
        (0.5, 3.0, 0.999, 2.0), [3], [5.0], [10.0], 20.0
    )[0]
    assert np.isfinite(near)
    assert min(left, right) - 1e-3 <= near <= max(left, right) + 1e-3


def test_expected_purchases_by_period_adds_up():
    x, t_x, T = (
        np.array([0.0, 3.0, 10.0]),
        np.array([0.0, 5.0, 30.0]),
        np.array([20.0, 20.0, 40.0]),
    )
    by_period = clv.bgnbd_expected_purchases_by_period(
        CDNOW, x, t_x, T, periods=12, period_length=4.0
    )
    assert by_period.shape == (3, 12)
    total = clv.bgnbd_expected_purchases(CDNOW, x, t_x, T, 48.0)
    np.testing.assert_allclose(by_period.sum(axis=1), total, rtol=1e-10)
    assert np.all(np.diff(by_period, axis=1) <= 1e-12)  # customers drop out: declining


@pytest.mark.parametrize(
    "params",
    [CDNOW, (0.5, 3.0, 1.0000001, 2.0), (0.3, 5.0, 5000.0, 20000.0)],
    ids=["cdnow", "a near 1", "a and b scaled down"],
)
def test_expected_purchases_by_period_is_the_difference_of_each_horizon(params):
    """The periods share P(alive) and the distinct customers: each column is still
    exactly the difference of two expectations at its horizons."""
    x, t_x, T = simulate_bgnbd(400, 0.243, 4.414, 0.793, 2.426, seed=7)
    x, t_x, T = (np.concatenate([v, v[:50]]) for v in (x, t_x, T))  # repeated rows
    by_period = clv.bgnbd_expected_purchases_by_period(params, x, t_x, T, 6, 4.345)
    cumulative = [
        clv.bgnbd_expected_purchases(params, x, t_x, T, k * 4.345) for k in range(7)
    ]
    expected = np.maximum(np.diff(np.column_stack(cumulative), axis=1), 0.0)
    np.testing.assert_array_equal(by_period, expected)


# --- BG/NBD fitting ----------------------------------------------------------


def test_fit_bgnbd_recovers_simulated_parameters():
    true = {"r": 1.0, "alpha": 10.0, "a": 1.5, "b": 4.0}
    # 10,000 customers observed 1-2 years: over 20 seeds the worst relative
    # error was 10 % (a and b are the least precise), so 20 % is safe
    x, t_x, T = simulate_bgnbd(10000, *true.values(), seed=3, t_min=52.0, t_max=104.0)
    fit = clv.fit_bgnbd(x, t_x, T)
    assert fit["converged"], fit["message"]
    assert fit["at_bound"] == []
    for key, value in true.items():
        assert fit["params"][key] == pytest.approx(value, rel=0.20), key
    # the maximum is at least as good as the truth
    assert fit["log_likelihood"] >= clv.bgnbd_log_likelihood(true, x, t_x, T)
    assert fit["log_likelihood"] == pytest.approx(
        clv.bgnbd_log_likelihood(fit["params"], x, t_x, T)
    )


def test_fit_bgnbd_on_patterns_equals_fit_on_customers():
    x, t_x, T = simulate_bgnbd(3000, 0.5, 5.0, 1.2, 3.0, seed=5)
    t_x, T = np.round(t_x * 7) / 7, np.round(T * 7) / 7
    pat = clv.summarize_patterns(x, t_x, T)
    a = clv.fit_bgnbd(x, t_x, T)
    b = clv.fit_bgnbd(pat["x"], pat["t_x"], pat["T"], weights=pat["weights"])
    assert a["converged"] and b["converged"]
    assert b["log_likelihood"] == pytest.approx(a["log_likelihood"], abs=1e-6)
    for key in clv.BGNBD_PARAMS:
        assert b["params"][key] == pytest.approx(a["params"][key], rel=1e-3)


def test_fit_bgnbd_not_enough_data():
    with pytest.raises(clv.NotEnoughData, match="at least 20"):
        clv.fit_bgnbd([1] * 19, [1.0] * 19, [5.0] * 19)
    x = [1, 2, 1, 3] + [0] * 30  # 4 repeat buyers
    with pytest.raises(clv.NotEnoughData, match="repeat buyers"):
        clv.fit_bgnbd(x, [1.0] * 4 + [0.0] * 30, [5.0] * 34)
    # weights count customers
    with pytest.raises(clv.NotEnoughData):
        clv.fit_bgnbd([1, 0], [1.0, 0.0], [5.0, 5.0], weights=[4, 100])
    assert issubclass(clv.NotEnoughData, ValueError)


def test_not_enough_data_says_why_as_codes():
    # Callers word the reason in their user's language from the code and numbers.
    with pytest.raises(clv.NotEnoughData) as error:
        clv.fit_bgnbd([1] * 19, [1.0] * 19, [5.0] * 19)
    assert error.value.code == "purchase_customers"
    assert error.value.params == {"count": 19, "needed": 20}
    x = [1, 2, 1, 3] + [0] * 30
    with pytest.raises(clv.NotEnoughData) as error:
        clv.fit_bgnbd(x, [1.0] * 4 + [0.0] * 30, [5.0] * 34)
    assert error.value.code == "purchase_repeat"
    assert error.value.params["count"] == 4
    with pytest.raises(clv.NotEnoughData) as error:
        clv.fit_gamma_gamma([1] * 5, [10.0] * 5)
    assert error.value.code == "spend_repeat"
    assert error.value.params == {"count": 5, "needed": 20}


def test_fit_reports_failure_instead_of_raising(monkeypatch):
    from scipy.optimize import OptimizeResult

    def broken(fun, x0, **kwargs):
        return OptimizeResult(
            x=np.asarray(x0) + 1.0,
            fun=fun(x0)[0],
            jac=np.ones_like(x0),
            success=False,
            message="iteration limit",
            nfev=1,
            nit=1,
        )

    monkeypatch.setattr(clv, "minimize", broken)
    x, t_x, T = simulate_bgnbd(200, 1.0, 10.0, 1.5, 4.0, seed=2)
    fit = clv.fit_bgnbd(x, t_x, T)
    assert fit["converged"] is False
    assert "did not converge" in fit["message"]
    assert set(fit["params"]) == set(clv.BGNBD_PARAMS)


# --- Gamma-Gamma -------------------------------------------------------------


def test_gamma_gamma_log_likelihood_matches_scalar_formula():
    p, q, v = 6.25, 3.74, 15.44
    rows = [(1, 20.0), (3, 35.5), (10, 12.0)]
    expected = 0.0
    for x, m in rows:
        expected += (
            math.lgamma(p * x + q)
            - math.lgamma(p * x)
            - math.lgamma(q)
            + math.log(
                v**q * m ** (p * x - 1) * x ** (p * x) / (v + m * x) ** (p * x + q)
            )
        )
    x, m = np.array(rows).T
    assert clv.gamma_gamma_log_likelihood((p, q, v), x, m) == pytest.approx(
        expected, rel=1e-12
    )
    weighted = clv.gamma_gamma_log_likelihood(
        (p, q, v), [1, 3], [20.0, 35.5], weights=[2, 1]
    )
    assert weighted == pytest.approx(
        2 * clv.gamma_gamma_log_likelihood((p, q, v), [1], [20.0])
        + clv.gamma_gamma_log_likelihood((p, q, v), [3], [35.5]),
        rel=1e-12,
    )


def test_fit_gamma_gamma_recovers_simulated_parameters():
    true = {"p": 6.0, "q": 4.0, "gamma": 15.0}
    # p and v trade off against each other (only their ratio is sharp): with
    # 20,000 customers the worst relative error over 20 seeds was 16 %
    rng = np.random.default_rng(7)
    x = 1.0 + rng.poisson(3.0, 20000)
    m = simulate_gamma_gamma(x, true["p"], true["q"], true["gamma"], seed=8)
    # non-repeat customers are ignored by the fit
    x_all = np.concatenate([x, np.zeros(500)])
    m_all = np.concatenate([m, np.zeros(500)])
    fit = clv.fit_gamma_gamma(x_all, m_all)
    assert fit["converged"], fit["message"]
    assert fit["n_customers"] == 20000
    for key, value in true.items():
        assert fit["params"][key] == pytest.approx(value, rel=0.25), key
    assert fit["mean_value"] == pytest.approx(6.0 * 15.0 / 3.0, rel=0.05)
    assert fit["log_likelihood"] >= clv.gamma_gamma_log_likelihood(true, x, m)


def test_fit_gamma_gamma_not_enough_data():
    with pytest.raises(clv.NotEnoughData, match="Gamma-Gamma"):
        clv.fit_gamma_gamma([1] * 19 + [0] * 50, [10.0] * 19 + [0.0] * 50)


def test_fit_gamma_gamma_flags_parameters_the_data_cannot_pin_down():
    # everyone spends exactly 25: no spread, p and q run off to infinity
    x = np.arange(1, 40) % 5 + 1.0
    fit = clv.fit_gamma_gamma(x, np.full(39, 25.0))
    assert fit["converged"]
    assert set(fit["at_bound"]) >= {"p", "q"}
    assert "search limit" in fit["message"]
    # ... but the predictions are still sensible
    np.testing.assert_allclose(
        clv.gamma_gamma_expected_value(fit["params"], [0, 3], [0.0, 25.0]),
        25.0,
        rtol=1e-4,
    )


def test_gamma_gamma_expected_value_by_hand():
    p, q, v = 6.0, 4.0, 15.0
    values = clv.gamma_gamma_expected_value((p, q, v), [0, 1, 5], [0.0, 40.0, 25.0])
    assert values[0] == pytest.approx(p * v / (q - 1))  # population mean: 30
    assert values[1] == pytest.approx(p * (v + 40.0) / (p + q - 1))
    assert values[2] == pytest.approx(p * (v + 5 * 25.0) / (5 * p + q - 1))
    # shrinks towards the population mean: between it and the customer's own mean
    assert 30.0 < values[1] < 40.0 and 25.0 < values[2] < 30.0
    assert np.isnan(clv.gamma_gamma_expected_value((p, 0.8, v), [0], [0.0])[0])


# --- CLV and holdout ---------------------------------------------------------


def test_discounted_clv_by_hand():
    # 2 purchases per year of value 100, 3 years at 10 %: end-of-period discounting
    got = clv.discounted_clv(
        [2.0], [100.0], periods=3, annual_rate=0.10, periods_per_year=1
    )
    assert got[0] == pytest.approx(200 / 1.1 + 200 / 1.1**2 + 200 / 1.1**3)
    # monthly periods: compound-equivalent monthly rate
    d = 1.1 ** (1 / 12) - 1
    got = clv.discounted_clv(
        [0.5, 0.0], 80.0, periods=24, annual_rate=0.10, periods_per_year=12
    )
    assert got[0] == pytest.approx(sum(0.5 * 80 / (1 + d) ** k for k in range(1, 25)))
    assert got[1] == 0.0
    # no discounting
    assert clv.discounted_clv([1.5], [10.0], 4, 0.0, 4)[0] == pytest.approx(60.0)
    # per-period expectations (2-D)
    per = np.array([[1.0, 0.5, 0.25]])
    got = clv.discounted_clv(
        per, [100.0], periods=3, annual_rate=0.10, periods_per_year=1
    )
    assert got[0] == pytest.approx(100 / 1.1 + 50 / 1.1**2 + 25 / 1.1**3)
    with pytest.raises(ValueError):
        clv.discounted_clv(per, [100.0], periods=4, annual_rate=0.1, periods_per_year=1)


def test_holdout_check_deciles():
    predicted = np.arange(20, dtype=float)[::-1]  # 19 .. 0
    actual = np.arange(20, dtype=float)[::-1] * 2 + 1
    out = clv.holdout_check(predicted, actual)
    assert out["predicted_total"] == pytest.approx(190.0)
    assert out["actual_total"] == pytest.approx(400.0)
    assert out["count"].tolist() == [2] * 10
    # decile 1 = the two lowest predictions (0 and 1), decile 10 = 18 and 19
    assert out["predicted"].tolist() == [
        1.0,
        5.0,
        9.0,
        13.0,
        17.0,
        21.0,
        25.0,
        29.0,
        33.0,
        37.0,
    ]
    assert out["actual"].tolist() == [2 * p + 2 for p in out["predicted"]]
    assert out["decile"][0] == 10 and out["decile"][-1] == 1
    np.testing.assert_allclose(out["predicted_mean"], out["predicted"] / 2)


def test_holdout_check_uneven_and_small():
    out = clv.holdout_check([3.0, 1.0, 2.0], [1.0, 0.0, 5.0], n_groups=5)
    assert out["count"].sum() == 3
    assert out["predicted"].sum() == pytest.approx(6.0)
    assert out["actual"].sum() == pytest.approx(6.0)
    assert np.isnan(out["predicted_mean"][out["count"] == 0]).all()
    # 23 customers in 10 deciles: sizes 2 or 3
    out = clv.holdout_check(np.linspace(0, 1, 23), np.ones(23))
    assert out["count"].sum() == 23 and set(out["count"].tolist()) == {2, 3}


def test_expected_purchases_stay_finite_when_nobody_drops_out():
    """a, b -> infinity (fitted when no dropout is seen): the limit, not NaN."""
    x = np.array([0, 1, 3, 5.0])
    t_x = np.array([0, 10, 30, 60.0])
    T = np.array([20, 40, 80, 100.0])
    limit = clv.bgnbd_expected_purchases(
        {"r": 0.75, "alpha": 11.0, "a": 1e3, "b": 2.02e3}, x, t_x, T, 13
    )
    huge = clv.bgnbd_expected_purchases(
        {"r": 0.75, "alpha": 11.0, "a": 1.5e6, "b": 3.03e6}, x, t_x, T, 13
    )
    assert np.all(np.isfinite(huge))
    np.testing.assert_allclose(
        huge, limit, rtol=5e-3
    )  # P(alive) still uses the fitted a, b
    moderate = clv.bgnbd_expected_purchases(
        {"r": 0.75, "alpha": 11.0, "a": 1e2, "b": 2.02e2}, x, t_x, T, 13
    )
    np.testing.assert_allclose(huge, moderate, rtol=2e-2)
