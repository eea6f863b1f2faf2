"""Tests for lesson 3 (cross-entropy): the module's functions and the lesson's own versions.

Covers infotheory.cross_entropy, perplexity, log_softmax, softmax,
cross_entropy_from_logits and binary_cross_entropy: reference values from
the study note's English digest (recomputed values), the inequalities and identities the lesson
teaches, agreement with SciPy, numerical stability for huge logits, the
infinite cases and the error messages for bad input.
"""

from __future__ import annotations

import math
import pathlib

import numpy as np
import pytest
import scipy.special
from hypothesis import given, settings
from hypothesis import strategies as st

import infotheory as it
import lessons
from strategies import distributions, logits, pairs

ROOT = pathlib.Path(__file__).resolve().parents[1]
LESSON = ROOT / "notebooks" / "03_cross_entropy.ipynb"

P_BAG = [0.8, 0.1, 0.1]
Q_BAG = [0.2, 0.2, 0.6]

FAST = settings(max_examples=100, deadline=None)


# ---------------------------------------------------------------------------
# Reference values (the study note's bag of balls, in nats)


def test_bag_reference_values():
    assert round(it.entropy(P_BAG), 6) == 0.639032
    assert round(it.cross_entropy(P_BAG, Q_BAG), 6) == 1.499577
    assert round(it.kl_divergence(P_BAG, Q_BAG), 6) == 0.860545
    # The note's "0.63" is the two-decimal truncation; rounding gives 0.64.
    h = it.entropy(P_BAG)
    assert math.floor(h * 100) / 100 == 0.63
    assert round(h, 2) == 0.64
    assert round(it.cross_entropy(P_BAG, Q_BAG), 2) == 1.50


def test_bag_in_bits():
    assert it.cross_entropy(P_BAG, Q_BAG, base=2) == pytest.approx(1.499577 / math.log(2), abs=1e-6)


def test_wrong_code_example_in_bits():
    """Olah's example: the code for (1/2, 1/4, 1/8, 1/8) used on (1/8, 1/2, 1/4, 1/8)."""
    p, q = [1 / 8, 1 / 2, 1 / 4, 1 / 8], [1 / 2, 1 / 4, 1 / 8, 1 / 8]
    assert it.cross_entropy(p, q, base=2) == pytest.approx(2.25, abs=1e-12)
    assert it.entropy(p, base=2) == pytest.approx(1.75, abs=1e-12)
    assert it.kl_divergence(p, q, base=2) == pytest.approx(0.5, abs=1e-12)


def test_bag_perplexity():
    assert it.perplexity(P_BAG, Q_BAG) == pytest.approx(math.exp(1.4995766835672895), rel=1e-12)
    assert it.perplexity(P_BAG) == pytest.approx(math.exp(it.entropy(P_BAG)), rel=1e-12)
    assert it.perplexity(P_BAG, [1 / 3] * 3) == pytest.approx(3.0, rel=1e-12)


# ---------------------------------------------------------------------------
# Cross-entropy: Gibbs' inequality and H(p, q) = H(p) + D(p || q)


@FAST
@given(pairs(positive_q=True))
def test_cross_entropy_at_least_entropy(pq):
    p, q = pq
    assert it.cross_entropy(p, q) >= it.entropy(p) - 1e-12


@FAST
@given(distributions())
def test_cross_entropy_equals_entropy_at_q_equals_p(p):
    assert it.cross_entropy(p, p) == pytest.approx(it.entropy(p), abs=1e-12)
    assert it.kl_divergence(p, p) == pytest.approx(0.0, abs=1e-12)


@FAST
@given(pairs(positive_q=True), st.sampled_from([2, math.e, 10]))
def test_decomposition(pq, base):
    p, q = pq
    assert it.cross_entropy(p, q, base=base) == pytest.approx(
        it.entropy(p, base=base) + it.kl_divergence(p, q, base=base), rel=1e-9, abs=1e-12)


@FAST
@given(pairs(positive_q=True))
def test_cross_entropy_matches_definition(pq):
    p, q = pq
    expected = -sum(pi * math.log(qi) for pi, qi in zip(p, q) if pi > 0)
    assert it.cross_entropy(p, q) == pytest.approx(expected, rel=1e-12, abs=1e-12)


@FAST
@given(pairs(positive_q=True))
def test_bits_and_nats(pq):
    p, q = pq
    assert it.cross_entropy(p, q, base=2) == pytest.approx(it.cross_entropy(p, q) / math.log(2),
                                                           rel=1e-12, abs=1e-12)


def test_cross_entropy_not_symmetric():
    assert it.cross_entropy(P_BAG, Q_BAG) != pytest.approx(it.cross_entropy(Q_BAG, P_BAG))


def test_zero_p_contributes_nothing():
    # q = 0 where p = 0 is harmless: 0 log 0 = 0.
    assert it.cross_entropy([0.5, 0.5, 0.0], [0.5, 0.5, 0.0]) == pytest.approx(math.log(2))
    assert it.cross_entropy([1.0, 0.0], [0.25, 0.75]) == pytest.approx(math.log(4))


# ---------------------------------------------------------------------------
# Infinite cases


def test_inf_when_q_misses_an_outcome():
    assert it.cross_entropy([0.5, 0.5], [1.0, 0.0]) == math.inf
    assert it.cross_entropy(P_BAG, [0.0, 0.4, 0.6]) == math.inf
    assert it.kl_divergence(P_BAG, [0.0, 0.4, 0.6]) == math.inf
    assert it.perplexity(P_BAG, [0.0, 0.4, 0.6]) == math.inf


def test_bce_infinite_when_confidently_wrong():
    assert it.binary_cross_entropy(1, 0.0) == math.inf
    assert it.binary_cross_entropy(0, 1.0) == math.inf
    assert it.binary_cross_entropy(1, 1.0) == 0.0
    assert it.binary_cross_entropy(0, 0.0) == 0.0


# ---------------------------------------------------------------------------
# Perplexity


@pytest.mark.parametrize("K", [1, 2, 3, 10, 1000])
def test_perplexity_of_uniform_guess_is_K(K):
    rng = np.random.default_rng(seed=K)
    p = rng.dirichlet(np.ones(K))
    assert it.perplexity(p, np.full(K, 1 / K)) == pytest.approx(K, rel=1e-9)
    assert it.perplexity(np.full(K, 1 / K)) == pytest.approx(K, rel=1e-9)


@FAST
@given(pairs(positive_q=True))
def test_perplexity_is_exp_cross_entropy(pq):
    p, q = pq
    assert it.perplexity(p, q) == pytest.approx(math.exp(it.cross_entropy(p, q)), rel=1e-12)
    assert it.perplexity(p, q) >= it.perplexity(p) * (1 - 1e-12)


# ---------------------------------------------------------------------------
# Softmax, log-softmax, log-sum-exp


@FAST
@given(logits())
def test_log_softmax_matches_scipy(z):
    ours = it.log_softmax(z)
    assert np.isfinite(ours).all()
    np.testing.assert_allclose(ours, scipy.special.log_softmax(z), rtol=1e-12, atol=1e-9)


@FAST
@given(logits())
def test_log_sum_exp_matches_scipy(z):
    # log softmax(z)_i = z_i - logsumexp(z), so logsumexp(z) = z_i - log softmax(z)_i for every i.
    lse = z - it.log_softmax(z)
    np.testing.assert_allclose(lse, scipy.special.logsumexp(z), rtol=1e-12, atol=1e-9)


@FAST
@given(logits())
def test_softmax_is_a_distribution_and_matches_scipy(z):
    q = it.softmax(z)
    assert (q >= 0).all() and (q <= 1).all()
    assert q.sum() == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(q, scipy.special.softmax(z), rtol=1e-9, atol=1e-15)


@FAST
@given(logits(max_abs=50), st.floats(-1e3, 1e3))
def test_shift_invariance(z, c):
    np.testing.assert_allclose(it.log_softmax(z + c), it.log_softmax(z), atol=1e-9)


@pytest.mark.parametrize("z, expected", [
    ([1000.0, 0.0], [0.0, -1000.0]),
    ([-1000.0, 1000.0], [-2000.0, 0.0]),
    ([-1000.0, -1000.0], [-math.log(2), -math.log(2)]),
    ([1e4, -1e4, 0.0], [0.0, -2e4, -1e4]),
])
def test_log_softmax_stable_for_huge_logits(z, expected):
    out = it.log_softmax(z)
    assert np.isfinite(out).all()
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)
    assert np.isfinite(it.softmax(z)).all()
    assert it.softmax(z).sum() == pytest.approx(1.0)


def test_cross_entropy_from_logits_stable():
    assert it.cross_entropy_from_logits([1000.0, 0.0], 1) == pytest.approx(1000.0, rel=1e-12)
    assert it.cross_entropy_from_logits([1000.0, 0.0], 0) == pytest.approx(0.0, abs=1e-12)
    assert it.cross_entropy_from_logits([-1000.0, 1000.0], 0) == pytest.approx(2000.0, rel=1e-12)
    assert it.cross_entropy_from_logits([-1000.0, -1000.0], 1) == pytest.approx(math.log(2))
    for z in ([1000.0, 0.0], [-1000.0, 1000.0]):
        for target in (0, 1, [0.5, 0.5]):
            assert math.isfinite(it.cross_entropy_from_logits(z, target))


def test_red_ball_model():
    z = [2.0, 1.0, 0.1]
    assert it.cross_entropy_from_logits(z, 0) == pytest.approx(
        -math.log(math.exp(2) / (math.exp(2) + math.exp(1) + math.exp(0.1))), rel=1e-12)


@FAST
@given(st.integers(1, 8).flatmap(
    lambda k: st.tuples(logits(max_abs=30, min_size=k, max_size=k), st.integers(0, k - 1))))
def test_one_hot_cross_entropy_is_negative_log_softmax(zy):
    z, y = zy
    one_hot = np.eye(z.size)[y]
    nll = it.cross_entropy_from_logits(z, y)
    assert nll == pytest.approx(-it.log_softmax(z)[y], rel=1e-12, abs=1e-12)
    assert nll == pytest.approx(it.cross_entropy(one_hot, it.softmax(z)), rel=1e-9, abs=1e-12)
    assert nll == pytest.approx(it.cross_entropy_from_logits(z, one_hot), rel=1e-12, abs=1e-12)
    # A one-hot target has entropy 0, so its cross-entropy is its KL divergence.
    assert nll == pytest.approx(it.kl_divergence(one_hot, it.softmax(z)), rel=1e-9, abs=1e-12)


@FAST
@given(st.integers(1, 8).flatmap(
    lambda k: st.tuples(logits(max_abs=30, min_size=k, max_size=k), distributions(n=k))))
def test_distribution_target_matches_cross_entropy(zp):
    z, p = zp
    assert it.cross_entropy_from_logits(z, p) == pytest.approx(
        it.cross_entropy(p, it.softmax(z)), rel=1e-9, abs=1e-12)


# ---------------------------------------------------------------------------
# Binary cross-entropy


@FAST
@given(st.floats(0, 1), st.floats(0, 1))
def test_bce_is_two_outcome_cross_entropy(y, a):
    assert it.binary_cross_entropy(y, a) == pytest.approx(it.cross_entropy([y, 1 - y], [a, 1 - a]),
                                                          rel=1e-12, abs=1e-12)


@FAST
@given(st.floats(0, 1), st.floats(1e-6, 1 - 1e-6))
def test_bce_matches_formula(y, a):
    expected = -(y * math.log(a) + (1 - y) * math.log(1 - a))
    assert it.binary_cross_entropy(y, a) == pytest.approx(expected, rel=1e-9, abs=1e-12)


@FAST
@given(st.floats(-15, 15), st.sampled_from([0, 1]))
def test_bce_from_logit_agrees(z, y):
    assert it.bce_cost_from_logit(z, y) == pytest.approx(
        it.binary_cross_entropy(y, it.sigmoid(z)), rel=1e-7, abs=1e-12)
    assert it.bce_cost_from_logit(z, y) == pytest.approx(
        it.cross_entropy_from_logits([z, 0.0], 1 - y), rel=1e-9, abs=1e-12)


def test_bce_known_values():
    assert it.binary_cross_entropy(1, 0.5) == pytest.approx(math.log(2))
    assert it.binary_cross_entropy(1, 0.1) == pytest.approx(math.log(10))
    assert it.binary_cross_entropy(0, 0.9) == pytest.approx(math.log(10))


# ---------------------------------------------------------------------------
# Bad input: ValueError with a message that says what is wrong


@pytest.mark.parametrize("call, message", [
    (lambda: it.cross_entropy([0.5, 0.5], [1.0]), "same number of outcomes"),
    (lambda: it.cross_entropy([1.2, -0.2], [0.5, 0.5]), "negative probability"),
    (lambda: it.cross_entropy([0.5, 0.5], [0.5, -0.1]), "q has a negative probability"),
    (lambda: it.cross_entropy([0.5, 0.6], [0.5, 0.5]), "must sum to 1"),
    (lambda: it.cross_entropy([0.5, 0.5], [0.2, 0.2]), "q must sum to 1"),
    (lambda: it.cross_entropy([0.5, float("nan")], [0.5, 0.5]), "contains NaN"),
    (lambda: it.cross_entropy([], []), "is empty"),
    (lambda: it.cross_entropy([0.5, 0.5], [0.5, 0.5], base=1), "base must be"),
    (lambda: it.perplexity([0.5, 0.5], [1.0]), "same number of outcomes"),
    (lambda: it.perplexity([0.7, 0.7]), "must sum to 1"),
    (lambda: it.log_softmax([]), "is empty"),
    (lambda: it.log_softmax([0.0, float("nan")]), "logits contains NaN"),
    (lambda: it.log_softmax([0.0, float("inf")]), "infinite"),
    (lambda: it.softmax([float("nan")]), "logits contains NaN"),
    (lambda: it.cross_entropy_from_logits([1.0, 2.0, 3.0], 3), "out of range"),
    (lambda: it.cross_entropy_from_logits([1.0, 2.0, 3.0], -1), "out of range"),
    (lambda: it.cross_entropy_from_logits([1.0, 2.0], [0.5, 0.25, 0.25]), "same length"),
    (lambda: it.cross_entropy_from_logits([1.0, 2.0], [0.5, 0.6]), "target must sum to 1"),
    (lambda: it.cross_entropy_from_logits([1.0, 2.0], True), "class index or a distribution"),
    (lambda: it.binary_cross_entropy(1, 1.2), "a must lie in [0, 1]"),
    (lambda: it.binary_cross_entropy(1, -0.1), "a must lie in [0, 1]"),
    (lambda: it.binary_cross_entropy(2, 0.5), "y must lie in [0, 1]"),
    (lambda: it.binary_cross_entropy(1, float("nan")), "a contains NaN"),
    (lambda: it.binary_cross_entropy([1, 0], [0.5, 0.5]), "one target y and one prediction a"),
])
def test_bad_input_raises_clear_value_error(call, message):
    with pytest.raises(ValueError) as info:
        call()
    assert message in str(info.value)


# ---------------------------------------------------------------------------
# The lesson's own code agrees with the module


@pytest.fixture(scope="module")
def taught():
    funcs = lessons.taught_functions(LESSON)
    assert {"cross_entropy", "log_softmax"} <= set(funcs)
    return funcs


@FAST
@given(pairs(positive_q=False), st.sampled_from([2, math.e, 10]))
def test_lesson_cross_entropy_agrees(taught, pq, base):
    p, q = pq
    ours, module = taught["cross_entropy"](p, q, base=base), it.cross_entropy(p, q, base=base)
    if math.isinf(module):
        assert ours == math.inf
    else:
        assert ours == pytest.approx(module, rel=1e-12, abs=1e-12)


def test_lesson_cross_entropy_bag(taught):
    assert round(taught["cross_entropy"](P_BAG, Q_BAG), 6) == 1.499577
    assert taught["cross_entropy"]([0.5, 0.5], [1.0, 0.0]) == math.inf


@FAST
@given(logits())
def test_lesson_log_softmax_agrees(taught, z):
    np.testing.assert_allclose(taught["log_softmax"](z), it.log_softmax(z), rtol=1e-12, atol=1e-9)


# ---------------------------------------------------------------------------
# The gradient of softmax cross-entropy: softmax(z) - p


def central_difference_gradient(z, target, h=1e-6):
    g = np.empty_like(z)
    for i in range(z.size):
        up, down = z.copy(), z.copy()
        up[i] += h
        down[i] -= h
        g[i] = (it.cross_entropy_from_logits(up, target) - it.cross_entropy_from_logits(down, target)) / (2 * h)
    return g


index_targets = st.integers(1, 8).flatmap(
    lambda k: st.tuples(logits(max_abs=30, min_size=k, max_size=k), st.integers(0, k - 1)))
distribution_targets = st.integers(1, 8).flatmap(
    lambda k: st.tuples(logits(max_abs=30, min_size=k, max_size=k), distributions(n=k)))


@FAST
@given(st.one_of(index_targets, distribution_targets))
def test_gradient_matches_central_differences(z_target):
    z, target = z_target
    # costs reach ~60 here, so rounding limits a central difference to ~60e-16 / h
    np.testing.assert_allclose(it.softmax_cross_entropy_grad(z, target),
                               central_difference_gradient(z, target), rtol=1e-6, atol=1e-7)


@FAST
@given(st.one_of(index_targets, distribution_targets))
def test_gradient_is_prediction_minus_target(z_target):
    z, target = z_target
    p = np.eye(z.size)[target] if np.ndim(target) == 0 else target
    g = it.softmax_cross_entropy_grad(z, target)
    np.testing.assert_array_equal(g, it.softmax(z) - p)
    assert g.sum() == pytest.approx(0.0, abs=1e-12)
    if np.ndim(target) == 0:                       # only the true class is pushed up
        assert g[target] <= 0 and np.all(np.delete(g, target) >= 0)


@FAST
@given(st.floats(-30, 30), st.floats(0, 1))
def test_two_class_gradient_is_the_sigmoid_neurons_a_minus_y(z, y):
    """Logits (z, 0) give softmax (sigma(z), 1 - sigma(z)): the gradient in z is a - y."""
    g = it.softmax_cross_entropy_grad([z, 0.0], [y, 1 - y])
    assert g[0] == pytest.approx(it.sigmoid(z) - y, abs=1e-15)
    assert g[0] == pytest.approx(it.neuron_gradients(z, 0.0, 1.0, y, "ce")[1], abs=1e-15)
    assert g[1] == pytest.approx(-g[0], abs=1e-15)


def test_gradient_reference_values_and_huge_logits():
    q = it.softmax([2.0, 1.0, 0.1])
    np.testing.assert_allclose(it.softmax_cross_entropy_grad([2.0, 1.0, 0.1], 0), q - [1, 0, 0], atol=0)
    np.testing.assert_array_equal(it.softmax_cross_entropy_grad([1000.0, 0.0], 1), [1.0, -1.0])
    np.testing.assert_array_equal(it.softmax_cross_entropy_grad([1000.0, 0.0], 0), [0.0, 0.0])
    np.testing.assert_allclose(it.softmax_cross_entropy_grad([0.0, 0.0], [0.5, 0.5]), [0.0, 0.0], atol=1e-17)


@pytest.mark.parametrize("fn", [it.cross_entropy_from_logits, it.softmax_cross_entropy_grad])
@pytest.mark.parametrize("z, target, message", [
    ([1.0, 2.0, 3.0], 3, "class index 3 is out of range for 3 logits"),
    ([1.0, 2.0, 3.0], -1, "class index -1 is out of range for 3 logits"),
    ([1.0, 2.0], [0.5, 0.25, 0.25], "target and logits must have the same length, got 3 and 2"),
    ([1.0, 2.0], [0.5, 0.6], "target must sum to 1"),
    ([1.0, 2.0], [1.2, -0.2], r"target has a negative probability: target\[1\]"),
    ([1.0, 2.0], True, "target must be a class index or a distribution, got True"),
    ([1.0, 2.0], "0", "target must be a class index or a distribution"),
    ([1.0, float("nan")], 0, "logits contains NaN"),
    ([], 0, "logits is empty"),
])
def test_logit_functions_reject_bad_input(fn, z, target, message):
    with pytest.raises(ValueError, match=message):
        fn(z, target)


# ---------------------------------------------------------------------------
# Behaviour that an earlier mutation run found untested


def test_distribution_target_at_certainty_prints_zero_not_minus_zero():
    """-sum over one term of 1 * 0.0 is -0.0; the module returns +0.0."""
    ce = it.cross_entropy_from_logits([1000.0, 0.0], [1.0, 0.0])
    assert ce == 0.0 and math.copysign(1.0, ce) == 1.0
    assert f"{ce:.3f}" == "0.000"
    ce = it.cross_entropy_from_logits([5.0], 0)
    assert math.copysign(1.0, ce) == 1.0


@pytest.mark.parametrize("y, a", [(1, [0.5, 0.5]), ([1, 0], 0.5), (np.array([1.0]), 0.5), (1, np.array([0.5]))])
def test_bce_takes_exactly_one_target_and_one_prediction(y, a):
    with pytest.raises(ValueError, match="^binary_cross_entropy takes one target y and one prediction a$"):
        it.binary_cross_entropy(y, a)
