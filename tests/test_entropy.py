"""Surprisal, entropy and the input validation that every function shares."""

import math

import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings

import infotheory as it
from strategies import distributions

SOURCE = {  # reference values from the source notes (recomputed)
    "fair": ([0.5, 0.5], 2, 1.0),
    "bent": ([0.9, 0.1], 2, 0.468996),
    "bag": ([0.8, 0.1, 0.1], math.e, 0.639032),
}


@pytest.mark.parametrize("name", SOURCE)
def test_entropy_reference_values(name):
    p, base, expected = SOURCE[name]
    assert it.entropy(p, base=base) == pytest.approx(expected, abs=5e-7)


def test_headline_roundings():
    assert f"{it.entropy([0.5, 0.5], 2):.1f}" == "1.0"
    assert f"{it.entropy([0.9, 0.1], 2):.3f}" == "0.469"
    assert f"{it.entropy([0.8, 0.1, 0.1]):.3f}" == "0.639"
    # The note's 0.63 is a truncation: rounding gives 0.64.
    h = it.entropy([0.8, 0.1, 0.1])
    assert f"{h:.2f}" == "0.64" and math.floor(h * 100) / 100 == 0.63


def test_surprisal():
    assert it.surprisal(0.5, base=2) == pytest.approx(1.0)
    assert it.surprisal(1 / 1024, base=2) == pytest.approx(10.0)
    assert it.surprisal(1.0) == 0.0
    assert it.surprisal(0.0) == math.inf
    np.testing.assert_allclose(it.surprisal([0.25, 0.5], base=2), [2.0, 1.0])


def test_zero_log_zero_is_zero():
    assert it.entropy([0.5, 0.5, 0.0], 2) == pytest.approx(1.0)
    assert it.entropy([1.0, 0.0]) == 0.0


def test_bits_and_nats():
    p = [0.2, 0.3, 0.5]
    assert it.entropy(p, 2) == pytest.approx(it.entropy(p) / math.log(2))
    assert it.entropy(p, 10) == pytest.approx(it.entropy(p) / math.log(10))


def test_uniform_is_log_n():
    for n in range(1, 9):
        assert it.entropy(np.full(n, 1 / n), 2) == pytest.approx(math.log2(n))


def test_code_length_example():
    # 1/2, 1/4, 1/8, 1/8 -> 1.75 bits, the average length of the code 0, 10, 110, 111
    assert it.entropy([1 / 2, 1 / 4, 1 / 8, 1 / 8], 2) == pytest.approx(1.75)


@settings(max_examples=200, deadline=None)
@given(distributions(max_size=12))
def test_entropy_matches_scipy(p):
    assert it.entropy(p) == pytest.approx(scipy.stats.entropy(p), abs=1e-9)
    assert it.entropy(p, 2) == pytest.approx(scipy.stats.entropy(p, base=2), abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(distributions(max_size=12))
def test_entropy_bounds(p):
    h = it.entropy(p)
    assert -1e-12 <= h <= math.log(len(p)) + 1e-9


# --- validation: every public function that takes a distribution -------------

BAD = [
    ([], "empty"),
    ([0.5, float("nan")], "NaN"),
    ([0.5, float("inf")], "infinite"),
    ([1.2, -0.2], "negative probability"),
    ([0.5, 0.6], "must sum to 1"),
    ([0.1, 0.2], "must sum to 1"),
    ([[0.5, 0.5]], "one-dimensional"),
    (["a", "b"], "sequence of numbers"),
]


@pytest.mark.parametrize("bad, message", BAD)
def test_entropy_rejects_bad_input(bad, message):
    with pytest.raises(ValueError, match=message):
        it.entropy(bad)


@pytest.mark.parametrize("bad, message", BAD)
@pytest.mark.parametrize("fn", [it.cross_entropy, it.kl_divergence])
def test_pair_functions_reject_bad_input(fn, bad, message):
    """The message names the bad argument (p or q) and says what is wrong."""
    with pytest.raises(ValueError, match=rf"^p .*{message}"):
        fn(bad, [0.5, 0.5])
    with pytest.raises(ValueError, match=rf"^q .*{message}"):
        fn([0.5, 0.5], bad)


@pytest.mark.parametrize("fn", [it.cross_entropy, it.kl_divergence])
def test_mismatched_lengths(fn):
    with pytest.raises(ValueError, match="same number of outcomes, got 2 and 3"):
        fn([0.5, 0.5], [0.2, 0.3, 0.5])


@pytest.mark.parametrize("base", [0, -2, 1, float("nan"), float("inf"), "2", True])
def test_bad_base(base):
    with pytest.raises(ValueError, match="base must be"):
        it.entropy([0.5, 0.5], base=base)


def test_sum_tolerance_is_stated_and_applied():
    it.entropy([0.5, 0.5 + it.SUM_TOL / 2])
    with pytest.raises(ValueError, match=f"within {it.SUM_TOL:g}"):
        it.entropy([0.5, 0.5 + 10 * it.SUM_TOL])


@pytest.mark.parametrize("p", [-0.1, 1.5, float("nan")])
def test_surprisal_rejects_non_probabilities(p):
    with pytest.raises(ValueError):
        it.surprisal(p)


def test_certainty_prints_as_zero_not_minus_zero():
    assert f"{it.entropy([1.0]):.3f}" == "0.000"
    assert f"{it.cross_entropy([1.0, 0.0], [1.0, 0.0]):.3f}" == "0.000"
    assert f"{it.cross_entropy_from_logits([1000.0, 0.0], 0):.3f}" == "0.000"
