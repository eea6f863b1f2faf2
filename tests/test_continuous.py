"""Continuous distributions: gaussian_entropy, gaussian_kl and the accuracy of reverse_kl.

Differential entropy against numerical integration of -integral f ln f (and
negative below sigma = 1/sqrt(2 pi e)); the Gaussian KL divergence against
numerical integration, against 80-digit arithmetic, and as the limit of the
discrete kl_divergence of ever finer binnings; reverse_kl against adaptive
quadrature and against a semi-analytic formula, for q far narrower and far
wider than p's bumps; the reverse-KL fit's printed values and its one jump.
"""

from __future__ import annotations

import math
import time
from decimal import Decimal, localcontext

import numpy as np
import pytest
import scipy.integrate
import scipy.optimize
import scipy.special
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st

import infotheory as it

FAST = settings(max_examples=100, deadline=None)
SIGMA_ZERO = 1 / math.sqrt(2 * math.pi * math.e)     # where differential entropy crosses 0


def quad_entropy(sigma):
    """-integral f ln f for f = N(0, sigma^2), by adaptive quadrature."""
    def integrand(x):
        log_f = float(it.gaussian_logpdf(x, 0.0, sigma))
        return -math.exp(log_f) * log_f
    return scipy.integrate.quad(integrand, -40 * sigma, 40 * sigma, points=[0.0], limit=200,
                                epsabs=1e-13, epsrel=1e-12)[0]


def quad_gaussian_kl(mu1, s1, mu2, s2):
    """integral f1 ln(f1 / f2), by adaptive quadrature over f1's mass."""
    def integrand(x):
        log_f1 = float(it.gaussian_logpdf(x, mu1, s1))
        return math.exp(log_f1) * (log_f1 - float(it.gaussian_logpdf(x, mu2, s2)))
    return scipy.integrate.quad(integrand, mu1 - 40 * s1, mu1 + 40 * s1, points=[mu1], limit=200,
                                epsabs=1e-13, epsrel=1e-12)[0]


def decimal_gaussian_kl(mu1, s1, mu2, s2):
    """The closed form in 80-digit decimal arithmetic, from the exact float inputs (error < 1e-70)."""
    with localcontext() as ctx:
        ctx.prec = 80
        mu1, s1, mu2, s2 = map(Decimal, (mu1, s1, mu2, s2))
        return float((s2 / s1).ln() + (s1 * s1 + (mu1 - mu2) ** 2) / (2 * s2 * s2) - Decimal("0.5"))


def binned(mu, s, edges):
    """The probabilities of N(mu, s^2) on the bins (-inf, e0], (e0, e1], ..., (e_last, inf).

    Each from the side of mu it lies on (lower or upper tail), so that no tail bin
    rounds to 0.
    """
    z = np.concatenate([[-np.inf], (np.asarray(edges) - mu) / s, [np.inf]])
    lower = np.diff(scipy.special.ndtr(z))             # accurate left of mu
    upper = -np.diff(scipy.special.ndtr(-z))           # accurate right of mu
    return np.where(z[1:] <= 0, lower, upper)


# ---------------------------------------------------------------------------
# gaussian_entropy


def test_gaussian_entropy_reference_values():
    assert it.gaussian_entropy(1.0) == pytest.approx(1.4189385332046727, rel=1e-15)   # (1 + ln 2 pi) / 2
    assert it.gaussian_entropy(1.0, base=2) == pytest.approx(0.5 * math.log2(2 * math.pi * math.e), rel=1e-15)
    assert it.gaussian_entropy(SIGMA_ZERO) == pytest.approx(0.0, abs=1e-15)


@pytest.mark.parametrize("sigma", [0.01, 0.1, SIGMA_ZERO, 0.5, 1.0, 3.0, 100.0])
def test_gaussian_entropy_against_numerical_integration(sigma):
    assert it.gaussian_entropy(sigma) == pytest.approx(quad_entropy(sigma), rel=1e-9, abs=1e-10)
    assert it.gaussian_entropy(sigma, base=2) == pytest.approx(quad_entropy(sigma) / math.log(2),
                                                               rel=1e-9, abs=1e-10)


@FAST
@given(st.floats(1e-6, 1e6))
def test_gaussian_entropy_matches_scipy(sigma):
    assert it.gaussian_entropy(sigma) == pytest.approx(float(scipy.stats.norm(scale=sigma).entropy()),
                                                       rel=1e-12, abs=1e-12)


@FAST
@given(st.floats(1e-300, 1e300))
def test_gaussian_entropy_negative_exactly_below_one_over_sqrt_2_pi_e(sigma):
    h = it.gaussian_entropy(sigma)
    if sigma < SIGMA_ZERO * (1 - 1e-12):
        assert h < 0
    elif sigma > SIGMA_ZERO * (1 + 1e-12):
        assert h > 0


def test_negative_entropy_is_a_density_above_one():
    """At sigma = 0.1 the density peaks near 4: -log f is negative where most mass lies."""
    assert it.gaussian_entropy(0.1) < 0 < it.gaussian_entropy(0.3)
    assert math.exp(float(it.gaussian_logpdf(0.0, 0.0, 0.1))) > 1


@FAST
@given(st.floats(1e-3, 1e3), st.floats(1e-3, 1e3))
def test_gaussian_entropy_scaling_adds_log_c(sigma, c):
    assert it.gaussian_entropy(c * sigma) - it.gaussian_entropy(sigma) == pytest.approx(
        math.log(c), abs=1e-12)


@pytest.mark.parametrize("sigma", [0.2, 1.0, 5.0])
def test_differential_entropy_is_the_limit_of_binned_entropy_plus_log_width(sigma):
    """H(binned) = h + log(1/width) + o(1): discrete entropy grows without bound, h does not."""
    for width in (0.1 * sigma, 0.01 * sigma):
        edges = np.arange(-12 * sigma, 12 * sigma + width / 2, width)
        p = binned(0.0, sigma, edges)
        p = p / p.sum()
        assert it.entropy(p) + math.log(width) == pytest.approx(it.gaussian_entropy(sigma), abs=1e-3)


@pytest.mark.parametrize("sigma, message", [
    (0.0, "sigma must be positive, got 0.0"),
    (-1.0, "sigma must be positive, got -1.0"),
    (float("nan"), "sigma must be finite"),
    (float("inf"), "sigma must be finite"),
    ([1.0, 2.0], "sigma must be a single number"),
    ("1", "sigma must be a single number"),
    (None, "sigma must be a single number"),
    (True, "sigma must be a single number"),
])
def test_gaussian_entropy_rejects_bad_sigma(sigma, message):
    with pytest.raises(ValueError, match=rf"^{message}"):
        it.gaussian_entropy(sigma)


def test_gaussian_entropy_accepts_numpy_scalars_and_checks_base():
    assert it.gaussian_entropy(np.float64(2.0)) == it.gaussian_entropy(2)
    assert it.gaussian_entropy(np.array(2.0)) == it.gaussian_entropy(2.0)
    with pytest.raises(ValueError, match="base must be"):
        it.gaussian_entropy(1.0, base=1)


# ---------------------------------------------------------------------------
# gaussian_kl


def test_gaussian_kl_lesson_two_values():
    """Lesson 2 prints D(N(0,1) || N(1,4)) = 0.4431 and D(N(1,4) || N(0,1)) = 1.3069 nats."""
    assert f"{it.gaussian_kl(0, 1, 1, 2):.4f}" == "0.4431"
    assert f"{it.gaussian_kl(1, 2, 0, 1):.4f}" == "1.3069"
    assert it.gaussian_kl(0, 1, 1, 2) == pytest.approx(math.log(2) + 2 / 8 - 0.5, rel=1e-15)
    assert it.gaussian_kl(0, 1, 1, 2, base=2) == pytest.approx(it.gaussian_kl(0, 1, 1, 2) / math.log(2))


@pytest.mark.parametrize("mu1, s1, mu2, s2", [
    (0.0, 1.0, 0.0, 1.0), (0.0, 1.0, 1.0, 2.0), (1.0, 2.0, 0.0, 1.0), (0.0, 0.01, 0.0, 1.0),
    (0.0, 20.0, 3.0, 1.0), (-2.0, 0.3, 2.0, 5.0), (5.0, 1.0, -5.0, 1.0), (0.0, 1.0, 0.0, 1.001),
])
def test_gaussian_kl_against_numerical_integration(mu1, s1, mu2, s2):
    assert it.gaussian_kl(mu1, s1, mu2, s2) == pytest.approx(quad_gaussian_kl(mu1, s1, mu2, s2),
                                                             rel=1e-9, abs=1e-11)


positive = st.floats(1e-3, 1e3)
location = st.floats(-1e3, 1e3)


@settings(max_examples=300, deadline=None)
@given(location, positive, location, positive)
def test_gaussian_kl_against_80_digit_arithmetic(mu1, s1, mu2, s2):
    assert it.gaussian_kl(mu1, s1, mu2, s2) == pytest.approx(decimal_gaussian_kl(mu1, s1, mu2, s2),
                                                             rel=1e-13, abs=1e-60)


@FAST
@given(positive, st.floats(-1e-6, 1e-6), st.floats(-1e-6, 1e-6))
def test_nearly_equal_gaussians_keep_their_small_divergence(s, rel_ds, dmu):
    """The naive formula loses these to cancellation (log r + r^2/2 - 1/2 with r near 1)."""
    s2 = s * (1 + rel_ds)
    d = it.gaussian_kl(0.0, s, dmu * s, s2)
    assert d >= 0
    assert d == pytest.approx(decimal_gaussian_kl(0.0, s, dmu * s, s2), rel=1e-13, abs=1e-60)


# Means on a grid of 2^-20 and shifts on a grid of 2^-10, scales powers of 2: then shifting
# and scaling are exact in floating point, and the divergence may change only by the
# rounding of its own formula.  (With arbitrary floats, a shift of 256 rounds a mean
# difference of 1e-5 by 1e-9 of itself, and the divergence with it.)
exact_mean = st.integers(-2**30, 2**30).map(lambda k: k * 2.0**-20)
exact_shift = st.integers(-2**20, 2**20).map(lambda k: k * 2.0**-10)
power_of_two = st.integers(-10, 10).map(lambda k: 2.0**k)


@FAST
@given(exact_mean, positive, exact_mean, positive, exact_shift, power_of_two)
def test_gaussian_kl_ignores_shift_and_scale_of_both(mu1, s1, mu2, s2, shift, scale):
    d = it.gaussian_kl(mu1, s1, mu2, s2)
    assert d >= 0
    assert it.gaussian_kl(mu1 * scale + shift, s1 * scale, mu2 * scale + shift, s2 * scale) == \
        pytest.approx(d, rel=1e-13, abs=1e-300)


def test_gaussian_kl_zero_only_for_the_same_gaussian_and_asymmetric():
    assert it.gaussian_kl(1.5, 0.7, 1.5, 0.7) == 0.0
    assert it.gaussian_kl(0, 1, 0, 1.1) > 0 and it.gaussian_kl(0, 1, 0.1, 1) > 0
    assert it.gaussian_kl(0, 1, 0, 2) != pytest.approx(it.gaussian_kl(0, 2, 0, 1))


@pytest.mark.parametrize("mu1, s1, mu2, s2", [(0.0, 1.0, 1.0, 2.0), (1.0, 2.0, 0.0, 1.0),
                                              (0.0, 0.5, 0.3, 0.6)])
def test_gaussian_kl_is_the_limit_of_discrete_kl_of_binnings(mu1, s1, mu2, s2):
    """Binning can only lose divergence (it is a coarse-graining), and fine bins lose almost none."""
    exact = it.gaussian_kl(mu1, s1, mu2, s2)
    lo, hi = min(mu1 - 10 * s1, mu2 - 10 * s2), max(mu1 + 10 * s1, mu2 + 10 * s2)
    previous = 0.0
    for n_bins in (4, 40, 400, 4000):
        edges = np.linspace(lo, hi, n_bins + 1)
        p, q = binned(mu1, s1, edges), binned(mu2, s2, edges)
        d = it.kl_divergence(p / p.sum(), q / q.sum())
        assert previous - 1e-9 <= d <= exact + 1e-9       # finer bins: more divergence, never more than D
        previous = d
    assert previous == pytest.approx(exact, rel=1e-4)


@pytest.mark.parametrize("args", [(0.0, 1e200, 0.0, 1e-200), (0.0, 1.0, 0.0, 1e-300), (-1e300, 1.0, 1e300, 1.0)])
def test_gaussian_kl_beyond_the_largest_float_is_inf(args):
    assert it.gaussian_kl(*args) == math.inf


def test_gaussian_kl_large_but_finite():
    # r = 1e154: r^2 / 2 = 5e307 is below the largest float (1.8e308)
    assert it.gaussian_kl(0.0, 1e154, 0.0, 1.0) == pytest.approx(5e307, rel=1e-12)
    assert it.gaussian_kl(0.0, 1e-200, 0.0, 1e200) == pytest.approx(400 * math.log(10) - 0.5, rel=1e-13)


@pytest.mark.parametrize("name", ["mu1", "s1", "mu2", "s2"])
@pytest.mark.parametrize("bad, message", [(float("nan"), "must be finite"), (float("inf"), "must be finite"),
                                          ([1.0], "must be a single number"), ("0", "must be a single number")])
def test_gaussian_kl_rejects_bad_arguments(name, bad, message):
    args = {"mu1": 0.0, "s1": 1.0, "mu2": 0.0, "s2": 1.0, name: bad}
    with pytest.raises(ValueError, match=rf"^{name} {message}"):
        it.gaussian_kl(**args)


@pytest.mark.parametrize("name", ["s1", "s2"])
@pytest.mark.parametrize("bad", [0.0, -1.0])
def test_gaussian_kl_rejects_non_positive_widths(name, bad):
    args = {"mu1": 0.0, "s1": 1.0, "mu2": 0.0, "s2": 1.0, name: bad}
    with pytest.raises(ValueError, match=rf"^{name} must be positive, got {bad!r}"):
        it.gaussian_kl(**args)


def test_gaussian_kl_checks_base():
    with pytest.raises(ValueError, match="base must be"):
        it.gaussian_kl(0, 1, 0, 1, base=0)


# ---------------------------------------------------------------------------
# reverse_kl: accuracy for narrow and wide q


def reverse_kl_quad(mu, s, sep, sigma=1.0):
    """D(q||p) by adaptive quadrature over q's mass, split at q's centre, p's bumps and 0."""
    def integrand(x):
        log_q = float(it.gaussian_logpdf(x, mu, s))
        return math.exp(log_q) * (log_q - float(it.mixture_logpdf(x, sep, sigma)))
    lo, hi = mu - 14 * s, mu + 14 * s
    points = sorted({p for p in (mu, -sep, 0.0, sep) if lo < p < hi})
    return scipy.integrate.quad(integrand, lo, hi, points=points, limit=500,
                                epsabs=1e-14, epsrel=1e-12)[0]


def reverse_kl_semi_analytic(mu, s, sep, sigma=1.0):
    """D(q||p) = E_q[log q] - E_q[log p] with every term in closed form but one.

    log p(x) = log N(x; 0, sigma^2) - sep^2/(2 sigma^2) + log cosh(c x), c = sep/sigma^2,
    and log cosh t = |t| - log 2 + log1p(e^{-2|t|}).  E_q|x| has a closed form; the last
    term is bounded and vanishes a few 1/c from 0, so quad integrates it on each side of 0.
    """
    c = abs(sep) / sigma**2
    e_log_q = -0.5 * math.log(2 * math.pi * math.e * s * s)
    e_log_p = -math.log(sigma * math.sqrt(2 * math.pi)) - (mu * mu + s * s + sep * sep) / (2 * sigma**2)
    if c > 0:
        e_abs = s * math.sqrt(2 / math.pi) * math.exp(-mu * mu / (2 * s * s)) + mu * math.erf(mu / (s * math.sqrt(2)))

        def g(x):
            return math.exp(float(it.gaussian_logpdf(x, mu, s))) * math.log1p(math.exp(-2 * c * abs(x)))
        lo, hi = max(-25 / c, mu - 15 * s), min(25 / c, mu + 15 * s)
        rest = 0.0
        for a, b in ((lo, min(0.0, hi)), (max(0.0, lo), hi)):
            if a < b:
                points = [mu] if a < mu < b else None
                rest += scipy.integrate.quad(g, a, b, points=points, limit=500, epsabs=1e-15, epsrel=1e-13)[0]
        e_log_p += c * e_abs - math.log(2) + rest
    return e_log_q - e_log_p


ACCURACY_GRID = [(mu, s, sep, sigma)
                 for mu in (0.0, 1.5, 3.0, -6.0)
                 for s in (0.01, 0.1, 1.0, 5.0, 20.0)
                 for sep in (0.0, 0.5, 3.0, 10.0)
                 for sigma in (1.0, 0.3, 3.0)]


@pytest.mark.parametrize("mu, s, sep, sigma", ACCURACY_GRID)
def test_reverse_kl_against_adaptive_quadrature(mu, s, sep, sigma):
    ref = reverse_kl_quad(mu, s, sep, sigma)
    assert it.reverse_kl(mu, s, sep, sigma) == pytest.approx(ref, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("mu, s, sep, sigma", ACCURACY_GRID)
def test_reverse_kl_against_semi_analytic_formula(mu, s, sep, sigma):
    ref = reverse_kl_semi_analytic(mu, s, sep, sigma)
    assert it.reverse_kl(mu, s, sep, sigma) == pytest.approx(ref, rel=1e-11, abs=1e-11)


def test_the_two_references_agree():
    """The references are independent: they must agree where both are trusted."""
    for args in ACCURACY_GRID[::7]:
        assert reverse_kl_quad(*args) == pytest.approx(reverse_kl_semi_analytic(*args), rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("mu, s, sep, expected", [
    (0.0, 0.01, 10.0, 54.1002448595),    # the case: a 1001-point grid over p gave 87.19
    (0.0, 0.01, 3.0, 8.6047703882),
    (3.0, 0.01, 3.0, 4.7983673513),
    (0.0, 20.0, 3.0, 153.8188730815),
])
def test_reverse_kl_narrow_and_wide_reference_values(mu, s, sep, expected):
    assert it.reverse_kl(mu, s, sep) == pytest.approx(expected, abs=1e-9)


@FAST
@given(st.floats(-5, 5), st.floats(0.01, 20), st.floats(0.1, 3))
def test_reverse_kl_with_one_bump_is_gaussian_kl(mu, s, sigma):
    """sep = 0: p is N(0, sigma^2) and D(q||p) has a closed form, for any width of q."""
    assert it.reverse_kl(mu, s, 0.0, sigma) == pytest.approx(it.gaussian_kl(mu, s, 0.0, sigma),
                                                             rel=1e-11, abs=1e-11)


def test_reverse_kl_rejects_bad_arguments():
    for name, bad, message in [("s", 0.0, "s must be positive"), ("s", -1.0, "s must be positive"),
                               ("sigma", 0.0, "sigma must be positive"), ("mu", float("nan"), "mu must be finite"),
                               ("sep", float("inf"), "sep must be finite"), ("mu", [0.0, 1.0], "mu must be a single")]:
        args = {"mu": 0.0, "s": 1.0, "sep": 3.0, "sigma": 1.0, name: bad}
        with pytest.raises(ValueError, match=rf"^{message}"):
            it.reverse_kl(**args)


def test_a_grid_of_exactly_max_grid_points_is_allowed():
    """Bisect for the widest q that reverse_kl accepts: its grid has exactly the maximum."""
    lo, hi = 1e3, 1e5                 # allowed, refused (sep = 1, sigma = 1: about 80 s points)
    for _ in range(60):
        mid = (lo + hi) / 2
        try:
            it._reverse_kl_grid(0.0, mid, 1.0, 1.0)
            lo = mid
        except ValueError:
            hi = mid
    assert len(it._reverse_kl_grid(0.0, lo, 1.0, 1.0)) == it.MAX_GRID_POINTS
    with pytest.raises(ValueError, match=f"more than {it.MAX_GRID_POINTS:,}"):
        it._reverse_kl_grid(0.0, hi, 1.0, 1.0)


def test_reverse_kl_refuses_a_grid_beyond_its_limit():
    # 80 s |sep| / sigma^2 points: 80 * 1e4 * 3 = 2.4 million > MAX_GRID_POINTS
    with pytest.raises(ValueError, match=r"^s = 10000.0 is too wide for reverse_kl's grid"):
        it.reverse_kl(0.0, 1e4, 3.0)
    assert math.isfinite(it.reverse_kl(0.0, 8e3, 3.0))      # 1.92 million points: allowed


# ---------------------------------------------------------------------------
# reverse_kl_fit: the book's printed values, speed, and the one jump


def test_reverse_fit_printed_values():
    """Lesson 2 prints these; the more accurate quadrature must not move them."""
    mu, s = it.reverse_kl_fit(3.0)
    assert f"mu = {mu:.2f}, sigma = {s:.2f}" == "mu = 2.98, sigma = 1.02"
    assert f"{it.reverse_kl(mu, s, 3.0):.3f}" == "0.689"
    assert f"{it.reverse_kl(*it.forward_kl_fit(3.0), 3.0):.3f}" == "0.938"
    mu, s = it.reverse_kl_fit(2.75)
    assert f"mu = {mu:.2f}, sigma = {s:.2f}" == "mu = 0.00, sigma = 2.57"


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("sep", [0.0, 2.0, 3.0])
def test_reverse_fit_runs_its_optimiser_without_warnings(sep):
    """An unknown solver option or a solver that ignores them warns: none may."""
    mu, s = it.reverse_kl_fit(sep)
    assert mu >= 0 and s > 0


@pytest.mark.parametrize("kwargs, message", [
    ({"sep": float("nan")}, "sep must be finite"), ({"sep": "3"}, "sep must be a single number"),
    ({"sep": 3.0, "sigma": 0.0}, "sigma must be positive"), ({"sep": 3.0, "sigma": -1.0}, "sigma must be positive"),
])
def test_reverse_fit_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=f"^{message}"):
        it.reverse_kl_fit(**kwargs)


def refined_reverse_fit(mu, s, sep, sigma):
    """Polish a fit with BFGS to a gradient of 1e-10: the true minimiser to about 1e-7."""
    def objective(theta):
        return it.reverse_kl(theta[0], math.exp(theta[1]), sep, sigma)
    res = scipy.optimize.minimize(objective, [mu, math.log(s)], method="BFGS", options={"gtol": 1e-10})
    return abs(res.x[0]), math.exp(res.x[1])


@pytest.mark.parametrize("sigma", [1.0, 0.5])
def test_reverse_fit_is_within_2e_4_sigma_of_the_minimiser(sigma):
    for d in (0.0, 0.5, 1.0, 2.0, 2.5, 2.75, 2.8, 2.85, 3.0, 4.0, 5.0):
        mu, s = it.reverse_kl_fit(d * sigma, sigma)
        true_mu, true_s = refined_reverse_fit(mu, s, d * sigma, sigma)
        assert abs(mu - true_mu) <= 2e-4 * sigma and abs(s - true_s) <= 2e-4 * sigma, d


def test_reverse_fit_is_fast():
    start = time.perf_counter()
    for sep in np.linspace(0, 5, 21):
        it.reverse_kl_fit(float(sep))
    assert time.perf_counter() - start < 10      # about 0.3 s here; the lesson makes these 21 fits


def test_reverse_fit_jumps_once_between_2_75_and_3():
    """mu(d) and sigma(d) are continuous in d except for one jump, from the middle to a mode.

    On a grid of step 0.05 a continuous branch moves by about 0.05 per step (mu follows
    d on a mode); the jump moves mu by more than 2.
    """
    seps = np.round(np.arange(0.0, 5.0 + 1e-9, 0.05), 2)
    fits = np.array([it.reverse_kl_fit(float(d)) for d in seps])
    steps = np.abs(np.diff(fits, axis=0)).max(axis=1)
    jumps = np.flatnonzero(steps > 0.5)
    assert len(jumps) == 1, f"jumps after d = {seps[jumps]}"
    j = jumps[0]
    assert 2.75 <= seps[j] and seps[j + 1] <= 3.0
    assert fits[j, 0] < 1e-3 < 2.5 < fits[j + 1, 0]           # from the middle onto a mode
    assert np.all(np.delete(steps, j) < 0.1)
