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


# --- behaviour that an earlier mutation run found untested --------------------


@pytest.mark.parametrize("offset", [0.9e-6, -0.9e-6, 2e-16, -2e-16])
def test_sums_within_one_in_a_million_are_accepted(offset):
    """SUM_TOL is 1e-6: probabilities rounded to 7 decimals, or summed in floats, pass."""
    assert it.SUM_TOL == 1e-6
    assert it.entropy([0.25, 0.75 + offset]) >= 0
    assert it.entropy(np.full(10, 0.1)) == pytest.approx(math.log(10))       # sums to 0.9999999999999999
    assert it.entropy([0.1428571] * 7) == pytest.approx(math.log(7), abs=1e-6)  # sums to 0.9999997


@pytest.mark.parametrize("offset", [1.1e-6, -1.1e-6, 1e-5])
def test_sums_off_by_more_than_one_in_a_million_are_rejected(offset):
    with pytest.raises(ValueError, match=r"p must sum to 1 \(within 1e-06\)"):
        it.entropy([0.25, 0.75 + offset])
    with pytest.raises(ValueError, match=r"q must sum to 1 \(within 1e-06\)"):
        it.kl_divergence([0.25, 0.75], [0.25, 0.75 + offset])


def test_surprisal_defaults_to_nats():
    assert it.surprisal(0.5) == pytest.approx(math.log(2))
    assert it.surprisal(math.exp(-3)) == pytest.approx(3.0)
    np.testing.assert_allclose(it.surprisal([0.5, 0.25]), [math.log(2), math.log(4)])


@pytest.mark.parametrize("p", [[0.5, 1.5], [-0.1, 0.5], [0.2, 0.3, 1.0 + 1e-12], [0.5, -1e-300]])
def test_surprisal_rejects_any_value_outside_zero_one(p):
    """One bad entry among good ones is enough (not only when every entry is bad)."""
    with pytest.raises(ValueError, match=r"p must lie in \[0, 1\]"):
        it.surprisal(p)


@pytest.mark.parametrize("base", [0.5, 0.1, 1 / math.e, 1 - 1e-12])
@pytest.mark.parametrize("call", [
    lambda base: it.surprisal(0.25, base),
    lambda base: it.entropy([0.2, 0.8], base),
    lambda base: it.cross_entropy([0.2, 0.8], [0.5, 0.5], base),
    lambda base: it.kl_divergence([0.2, 0.8], [0.5, 0.5], base),
    lambda base: it.gaussian_entropy(1.0, base),
    lambda base: it.gaussian_kl(0.0, 1.0, 1.0, 2.0, base),
], ids=["surprisal", "entropy", "cross_entropy", "kl_divergence", "gaussian_entropy", "gaussian_kl"])
def test_bases_between_zero_and_one_are_rejected(call, base):
    """log_b with 0 < b < 1 exists, but it makes every amount of information negative."""
    with pytest.raises(ValueError, match=r"^base must be finite and greater than 1 \(2 for bits, e for nats\)"):
        call(base)


@pytest.mark.parametrize("base", [1 + 1e-9, 1.5, 3, 10, np.float64(2.0), np.int64(2)])
def test_any_base_above_one_is_a_unit(base):
    assert it.entropy([0.5, 0.5], base) == pytest.approx(math.log(2) / math.log(base))


@pytest.mark.parametrize("p, index, value", [
    ([0.0, 0.5, 0.7, -0.2], 3, "-0.2"),        # zeros before it are not negative
    ([0.6, -0.1, 0.7, -0.2], 1, "-0.1"),       # the first negative entry is named
    ([-1e-300, 0.5, 0.5], 0, "-1e-300"),
])
def test_negative_probability_message_names_the_first_negative_entry(p, index, value):
    with pytest.raises(ValueError, match=rf"^p has a negative probability: p\[{index}\] = {value}$"):
        it.entropy(p)


@pytest.mark.filterwarnings("error")
def test_surprisal_returns_a_float_for_a_number_and_an_array_for_a_sequence():
    """No RuntimeWarning for p = 0 either: an impossible outcome is simply infinitely surprising."""
    assert type(it.surprisal(0.5)) is float and type(it.surprisal(np.float64(0.5))) is float
    assert type(it.surprisal(0.0)) is float and it.surprisal(0.0) == math.inf
    out = it.surprisal([0.0, 0.5])
    assert isinstance(out, np.ndarray) and out.shape == (2,) and out[0] == math.inf
    assert isinstance(it.surprisal([0.5]), np.ndarray)


@pytest.mark.parametrize("p, message", [
    (float("nan"), "p contains NaN"), ([], "p is empty"), ([[0.5]], "p must be one-dimensional"),
    (float("inf"), "p contains an infinite value"),
])
def test_surprisal_messages_name_p(p, message):
    with pytest.raises(ValueError, match=rf"^{message}"):
        it.surprisal(p)


def test_perplexity_beyond_the_largest_float_is_inf():
    """A model that gives the observed outcome 1e-320 is off by e^737: more than any float."""
    assert it.cross_entropy([1.0, 0.0], [1e-320, 1 - 1e-320]) == pytest.approx(737.0, abs=1.0)
    assert it.perplexity([1.0, 0.0], [1e-320, 1 - 1e-320]) == math.inf
    assert it.perplexity([1.0, 0.0], [1e-300, 1 - 1e-300]) == pytest.approx(1e300, rel=1e-12)
    assert it.perplexity([1.0, 0.0], [0.0, 1.0]) == math.inf
