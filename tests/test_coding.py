"""Lesson 1's codes: kraft_sum, huffman_code and expected_length.

Kraft's inequality for the Huffman code (and equality: the code tree is full),
prefix-freeness, the source-coding bound H <= L < H + 1 in bits, optimality
against a brute-force search over every prefix code's length vector, block
coding closing the gap, and the error messages for bad input.
"""

from __future__ import annotations

import functools
import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import infotheory as it
from strategies import distributions

FAST = settings(max_examples=200, deadline=None)


def lengths_of(code):
    return [len(word) for word in code]


def is_prefix_free(code):
    return not any(a != b and b.startswith(a) for a in code for b in code) and len(set(code)) == len(code)


# ---------------------------------------------------------------------------
# kraft_sum


@pytest.mark.parametrize("lengths, radix, expected", [
    ([1, 2, 3, 3], 2, 1.0),            # the lesson's code 0, 10, 110, 111: a full tree
    ([2, 2, 2, 2], 2, 1.0),            # the fixed-length code
    ([1, 2, 3], 2, 0.875),             # room left for one more codeword of length 3
    ([1, 1, 1], 2, 1.5),               # three 1-bit codewords cannot all differ
    ([1, 1, 1], 3, 1.0),               # ... unless the alphabet has three letters
    ([1, 2, 2, 2], 3, 1 / 3 + 3 / 9),
    ([0], 2, 1.0),                     # the empty codeword: the only codeword there can be
    ([3.0, 3.0], 2, 0.25),             # whole numbers given as floats are fine
    ([1, 5000], 2, 0.5),               # a term below the smallest float adds nothing
])
def test_kraft_sum_values(lengths, radix, expected):
    assert it.kraft_sum(lengths, radix) == expected


@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.int64, np.float32, np.float64])
def test_kraft_sum_takes_any_numeric_array(dtype):
    assert it.kraft_sum(np.array([1, 2, 3, 3], dtype=dtype)) == 1.0


def test_kraft_sum_of_astronomically_long_codewords():
    """radix^length is never formed for a term too small for a float (it would not fit in memory)."""
    assert it.kraft_sum([1, 10**30]) == 0.5                 # a Python int beyond int64
    assert it.kraft_sum([2, 2, 2, 2, 1e30]) == 1.0
    assert it.kraft_sum([1, 10**30], radix=3) == pytest.approx(1 / 3)


def test_kraft_sum_default_radix_is_binary():
    assert it.kraft_sum([1, 1, 1]) == 1.5
    assert it.kraft_sum(np.array([2, 2, 2, 2], dtype=np.int64), radix=np.int64(2)) == 1.0


def test_kraft_sum_is_the_exact_sum_correctly_rounded():
    # 1/2 + 2^-54 lies exactly halfway between two floats: it rounds to even, 0.5; one
    # more tiny term tips it up.  Term-by-term float addition gets the second one wrong.
    assert it.kraft_sum([1, 54]) == 0.5
    assert it.kraft_sum([1, 54, 1000]) == 0.5 + 2.0**-53
    assert 0.5 + 2.0**-54 + 2.0**-1000 == 0.5
    # the longest codeword a float can see, and one a float cannot
    assert it.kraft_sum([1074]) == 5e-324
    assert it.kraft_sum([1075, 2000]) == 0.0
    assert it.kraft_sum([1], radix=10**400) == 0.0       # 10^-400 underflows


@FAST
@given(st.lists(st.integers(0, 1074), min_size=1, max_size=12))
def test_binary_kraft_sum_is_exact(lengths):
    exact = sum(Fraction(1, 2**n) for n in lengths)
    assert it.kraft_sum(lengths) == float(exact)


@FAST
@given(st.lists(st.integers(0, 60), min_size=1, max_size=12), st.integers(3, 10))
def test_kraft_sum_rounds_each_term_once(lengths, radix):
    """Terms like 1/3 are not floats: each is rounded, then the sum (error <= 2^-52 of it)."""
    exact = sum(Fraction(1, radix**n) for n in lengths)
    assert abs(Fraction(it.kraft_sum(lengths, radix)) - exact) <= exact * Fraction(1, 2**52)


@pytest.mark.parametrize("lengths, message", [
    ([], "lengths is empty: a code needs at least one codeword$"),
    ([1, 2.5], r"lengths must be whole numbers >= 0, but lengths\[1\] = 2.5"),
    ([1, 2, -1], r"lengths must be whole numbers >= 0, but lengths\[2\] = -1.0"),
    ([1, float("nan")], "lengths contains NaN"),
    ([1, float("inf")], "lengths contains an infinite value"),
    ([[1, 2]], "lengths must be one-dimensional"),
    (["1", "2"], "lengths must be a sequence of whole numbers"),
    ([True, False], "lengths must be a sequence of whole numbers"),
    (None, "lengths must be a sequence of whole numbers"),
    ([1, [2, 3]], "lengths must be a sequence of whole numbers"),
])
def test_kraft_sum_rejects_bad_lengths(lengths, message):
    with pytest.raises(ValueError, match=f"^{message}"):
        it.kraft_sum(lengths)


@pytest.mark.parametrize("radix", [1, 0, -2, 2.0, 2.5, "2", True, None])
def test_kraft_sum_rejects_bad_radix(radix):
    with pytest.raises(ValueError, match=r"radix must be a whole number >= 2"):
        it.kraft_sum([1, 1], radix)


# ---------------------------------------------------------------------------
# huffman_code: reference codes


@pytest.mark.parametrize("p, expected", [
    ([1 / 2, 1 / 4, 1 / 8, 1 / 8], ["0", "10", "110", "111"]),   # the lesson's code
    ([1 / 8, 1 / 8, 1 / 4, 1 / 2], ["110", "111", "10", "0"]),   # codeword i for outcome i
    ([0.4, 0.3, 0.2, 0.1], ["0", "10", "110", "111"]),           # lesson 1, exercise 3
    ([0.9, 0.1], ["0", "1"]),
    ([0.25] * 4, ["00", "01", "10", "11"]),
    ([1.0], ["0"]),                                               # one outcome: still one bit
    ([1.0, 0.0, 0.0], ["0", "10", "11"]),                         # zeros get codewords too
    ([0.0, 1.0], ["0", "1"]),
])
def test_huffman_reference_codes(p, expected):
    assert it.huffman_code(p) == expected


def test_exercise_three_is_optimal_and_misses_the_entropy():
    """Lesson 1, exercise 3: 1.90 bits per symbol against an entropy of 1.846 bits."""
    p = [0.4, 0.3, 0.2, 0.1]
    L = it.expected_length(p, lengths_of(it.huffman_code(p)))
    assert f"{L:.2f}" == "1.90" and f"{it.entropy(p, 2):.3f}" == "1.846"
    assert L == pytest.approx(min_expected_length(tuple(p)), abs=1e-12)


def test_ties_go_to_the_subtree_formed_first():
    """(1/3, 1/3, 1/6, 1/6): after merging the two sixths, three subtrees of 1/3 tie.

    Taking the two single outcomes first gives four 2-bit codewords; taking the
    merged subtree first would give lengths 1, 2, 3, 3, equally optimal but longer at
    the worst.  The rule is documented, so the code is reproducible.
    """
    third, sixth = 1 / 3, 1 / 6
    assert third == sixth + sixth                        # an exact tie in floating point
    assert it.huffman_code([third, third, sixth, sixth]) == ["00", "01", "10", "11"]
    assert it.huffman_code([sixth, sixth, third, third]) == ["00", "01", "10", "11"]
    # among equal probabilities the lower index is merged first, so it ends no shorter
    assert lengths_of(it.huffman_code([0.2] * 5)) == [3, 3, 2, 2, 2]


def test_canonical_codewords():
    """Sorted by (length, index), each codeword is the previous plus one, then padded."""
    code = it.huffman_code([0.05, 0.3, 0.05, 0.2, 0.25, 0.15])
    order = sorted(range(len(code)), key=lambda i: (len(code[i]), i))
    words = [code[i] for i in order]
    assert set(words[0]) == {"0"}
    for a, b in zip(words, words[1:]):
        assert int(b, 2) == (int(a, 2) + 1) << (len(b) - len(a))


# ---------------------------------------------------------------------------
# huffman_code: properties


@FAST
@given(distributions(max_size=12))
def test_huffman_code_is_a_binary_prefix_code(p):
    code = it.huffman_code(p)
    assert len(code) == len(p)
    assert all(word and set(word) <= {"0", "1"} for word in code)
    assert is_prefix_free(code)


@FAST
@given(distributions(max_size=12))
def test_kraft_sum_of_a_huffman_code(p):
    """At most 1 always (a prefix code), and exactly 1 from two outcomes on (a full tree)."""
    lengths = lengths_of(it.huffman_code(p))
    assert it.kraft_sum(lengths) <= 1.0
    if len(p) >= 2:
        assert it.kraft_sum(lengths) == 1.0
    else:
        assert it.kraft_sum(lengths) == 0.5


@FAST
@given(distributions(min_size=2, max_size=12))
def test_source_coding_bound(p):
    """H <= L < H + 1 in bits, when at least two outcomes are possible."""
    assume(np.count_nonzero(p) >= 2)
    H = it.entropy(p, 2)
    L = it.expected_length(p, lengths_of(it.huffman_code(p)))
    assert H <= L + 1e-12
    assert L - 1 < H          # not L < H + 1: for H below 1e-16, H + 1 rounds to 1


@pytest.mark.parametrize("p", [[1.0], [1.0, 0.0], [0.0, 0.0, 1.0, 0.0]])
def test_a_certain_outcome_costs_one_bit(p):
    """Every codeword has at least one bit, so here L = 1 = H + 1: the bound's edge."""
    L = it.expected_length(p, lengths_of(it.huffman_code(p)))
    assert L == 1.0 and it.entropy(p, 2) == 0.0


@FAST
@given(distributions(max_size=12))
def test_more_probable_never_longer(p):
    lengths = lengths_of(it.huffman_code(p))
    for i, j in itertools.permutations(range(len(p)), 2):
        if p[i] > p[j]:
            assert lengths[i] <= lengths[j]


@FAST
@given(distributions(max_size=10))
def test_huffman_is_deterministic_and_reaches_powers_of_one_half(p):
    assert it.huffman_code(p) == it.huffman_code(list(p))
    # when every probability is a power of 1/2 the code reaches the entropy exactly
    dyadic = 2.0 ** -np.array(lengths_of(it.huffman_code(p)), dtype=float)
    if len(p) >= 2:
        assert it.expected_length(dyadic, lengths_of(it.huffman_code(dyadic))) == pytest.approx(
            it.entropy(dyadic, 2), abs=1e-12)


@functools.lru_cache(maxsize=None)
def prefix_code_length_vectors(n):
    """Every vector of n codeword lengths (1 .. n - 1) that satisfies Kraft's inequality.

    By Kraft's theorem these are exactly the length vectors of binary prefix codes for
    n outcomes (a longer codeword is never needed: an optimal code's tree is full).
    """
    if n == 1:
        return np.array([[1]])
    rows = [v for v in itertools.product(range(1, n), repeat=n)
            if sum(Fraction(1, 2**k) for k in v) <= 1]
    return np.array(rows)


def min_expected_length(p):
    return float(np.min(prefix_code_length_vectors(len(p)) @ np.asarray(p)))


@settings(max_examples=150, deadline=None)
@given(distributions(max_size=6))
def test_huffman_is_optimal_against_brute_force(p):
    L = it.expected_length(p, lengths_of(it.huffman_code(p)))
    assert L == pytest.approx(min_expected_length(tuple(p)), abs=1e-12)


def test_brute_force_search_is_not_vacuous():
    """The search must find codes better than a fixed-length one, and no better than H."""
    assert min_expected_length((0.5, 0.25, 0.125, 0.125)) == 1.75
    assert min_expected_length((0.9, 0.05, 0.05)) == pytest.approx(1.1)
    assert len(prefix_code_length_vectors(4)) > 1


def test_block_coding_closes_the_gap():
    """Coding k symbols at a time: L_k / k < H + 1/k, so bits per symbol tend to H."""
    p = np.array([0.7, 0.2, 0.1])
    H = it.entropy(p, 2)
    per_symbol = []
    for k in (1, 2, 3, 4):
        block = functools.reduce(np.multiply.outer, [p] * k).ravel()
        L = it.expected_length(block, lengths_of(it.huffman_code(block)))
        assert k * H <= L + 1e-9 and L < k * H + 1
        per_symbol.append(L / k)
    assert per_symbol[-1] - H < 0.25 * (per_symbol[0] - H)


def test_huffman_rejects_bad_distributions():
    with pytest.raises(ValueError, match=r"^p must sum to 1"):
        it.huffman_code([0.5, 0.6])
    with pytest.raises(ValueError, match=r"^p has a negative probability"):
        it.huffman_code([1.5, -0.5])
    with pytest.raises(ValueError, match=r"^p is empty"):
        it.huffman_code([])


# ---------------------------------------------------------------------------
# expected_length


def test_expected_length_values():
    assert it.expected_length([1 / 2, 1 / 4, 1 / 8, 1 / 8], [1, 2, 3, 3]) == 1.75
    assert it.expected_length([0.25] * 4, [2, 2, 2, 2]) == 2.0
    assert it.expected_length([1.0, 0.0], [3, 100]) == 3.0       # an impossible outcome costs nothing
    assert it.expected_length([0.4, 0.3, 0.2, 0.1], [1, 2, 3, 3]) == pytest.approx(1.9, abs=1e-15)


@FAST
@given(distributions(max_size=10), st.data())
def test_expected_length_is_the_weighted_sum(p, data):
    lengths = data.draw(st.lists(st.integers(0, 40), min_size=len(p), max_size=len(p)))
    assert it.expected_length(p, lengths) == pytest.approx(
        sum(pi * n for pi, n in zip(p, lengths)), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("p, lengths, message", [
    ([0.5, 0.5], [1, 2, 3], "p and lengths must have the same number of entries, got 2 and 3"),
    ([0.5, 0.6], [1, 1], "p must sum to 1"),
    ([0.5, 0.5], [1, 0.5], r"lengths\[1\] = 0.5"),
    ([0.5, 0.5], [], "lengths is empty"),
    ([0.5, 0.5], ["a", "b"], "lengths must be a sequence of whole numbers"),
])
def test_expected_length_rejects_bad_input(p, lengths, message):
    with pytest.raises(ValueError, match=message):
        it.expected_length(p, lengths)
