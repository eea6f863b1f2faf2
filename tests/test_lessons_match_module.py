"""The module must not drift from the lessons that teach it.

A lesson cell whose first line is ``# teaches: infotheory.NAME`` writes out the
formula that ``infotheory.NAME`` implements.  This test runs the teaching cells
(tests/lessons.py), takes the function each defines, and checks that it agrees
with the module on a spread of valid inputs.  Change either side alone and this fails.
"""

from __future__ import annotations

import inspect
import math
import pathlib

import numpy as np
import pytest

import infotheory as it
import lessons

NOTEBOOKS = sorted((pathlib.Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))

rng = np.random.default_rng(seed=7)


def _dists(n_max=6, count=12, zeros=True):
    out = [np.array([0.5, 0.5]), np.array([0.9, 0.1]), np.array([0.8, 0.1, 0.1]), np.array([1.0])]
    for _ in range(count):
        p = rng.dirichlet(np.ones(rng.integers(2, n_max + 1)))
        if zeros and rng.random() < 0.3:
            p[rng.integers(p.size)] = 0.0
            p /= p.sum()
        out.append(p)
    return out


def _pairs(count=12):
    out = [(np.array([0.8, 0.1, 0.1]), np.array([0.2, 0.2, 0.6]))]
    for _ in range(count):
        n = int(rng.integers(2, 7))
        out.append((rng.dirichlet(np.ones(n)), rng.dirichlet(np.ones(n))))
    return out


_z = [-30.0, -4.0, -0.5, 0.0, 0.7, 3.0, 30.0]
# Arguments (positional tuples) on which a lesson's formula and the module must agree.
CASES = {
    "surprisal": [(p,) for p in (1.0, 0.5, 0.9, 0.1, 1 / 6, 1 / 1024)],
    "entropy": [(p,) for p in _dists()],
    "cross_entropy": _pairs(),
    "kl_divergence": _pairs(),
    "perplexity": [(p, q) for p, q in _pairs()],
    "log_softmax": [(z,) for z in ([1.0, 2.0, 3.0], [1000.0, 0.0], [-1000.0, 1000.0, 0.0],
                                   list(rng.normal(size=5) * 10))],
    "softmax": [(z,) for z in ([1.0, 2.0, 3.0], [1000.0, 0.0], list(rng.normal(size=5) * 10))],
    "cross_entropy_from_logits": [([2.0, 1.0, 0.1], 0), ([1000.0, 0.0], 1), ([0.5, -0.5, 3.0], 2)],
    "sigmoid": [(z,) for z in _z],
    "sigmoid_prime": [(z,) for z in _z],
    "binary_cross_entropy": [(y, a) for y in (0.0, 1.0, 0.3) for a in (0.01, 0.5, 0.99)],
    "mse_cost": [(y, a) for y in (0.0, 1.0) for a in (0.0, 0.3, 1.0)],
    "bce_cost_from_logit": [(z, y) for z in _z for y in (0.0, 1.0)],
    "neuron_gradients": [(w, b, x, y, loss) for (w, b) in ((0.6, 0.9), (2.0, 2.0), (-1.0, 0.5))
                         for x in (1.0, -0.5) for y in (0.0, 1.0) for loss in ("mse", "ce")],
}
CASES["forward_kl_fit"] = [(d,) for d in (0.0, 0.5, 1.0, 2.0, 3.0, 5.0)]
_codes = [np.array([0.5, 0.25, 0.125, 0.125]), np.array([0.4, 0.3, 0.2, 0.1]), np.array([0.9, 0.1]),
          np.array([0.81, 0.09, 0.09, 0.01]), np.array([0.25, 0.25, 0.25, 0.25]), np.array([0.6, 0.4, 0.0]),
          *[rng.dirichlet(np.ones(int(rng.integers(2, 12)))) for _ in range(12)]]
CASES["huffman_code"] = [(p,) for p in _codes]
CASES["kraft_sum"] = [(ls,) for ls in ([1, 2, 3, 3], [2, 2, 2, 2], [1, 2, 3], [1, 1, 2], [1], [0], [5, 7, 1, 30])]
CASES["expected_length"] = [(p, [len(w) for w in it.huffman_code(p)]) for p in _codes]
CASES["softmax_cross_entropy_grad"] = (
    [(z, np.eye(len(z))[k]) for z, k in (([2.0, 1.0, 0.1], 0), ([1000.0, 0.0], 1), ([-3.0, 0.5, 2.0, 0.0], 3))]
    + [(rng.normal(scale=3, size=n), rng.dirichlet(np.ones(n))) for n in (2, 3, 5, 8)])
CASES["gaussian_entropy"] = [(s,) for s in (0.01, 0.1, 1 / math.sqrt(2 * math.pi * math.e), 1.0, 3.0, 100.0)]
CASES["gaussian_kl"] = [(m1, s1, m2, s2) for m1, s1, m2, s2 in
                        ((0, 1, 1, 2), (1, 2, 0, 1), (0, 0.1, 0, 1), (0, 1, 0, 0.1), (0.3, 1, -0.3, 1), (2, 0.5, 2, 0.5))]
#: What to compare where two correct versions may legitimately differ. Huffman codes
#: that make the same merges can label the branches differently: compare the lengths
#: (and, in the test, that the lesson's codewords form a prefix code).
COMPARED = {"huffman_code": lambda words: [len(w) for w in words]}
CASES["reverse_kl"] = [(mu, s, d) for mu in (0.0, 1.5, 3.0) for s in (0.5, 1.0, 3.0) for d in (0.0, 2.0, 3.0)]
BASES = (2, math.e)


TAUGHT = [pytest.param(path.name, name, fn, id=f"{path.stem}:{name}")
          for path in NOTEBOOKS for name, fn in lessons.taught_functions(path).items()]


def test_lesson_one_teaches_its_formulas():
    names = {p.values[1] for p in TAUGHT if p.values[0].startswith("01_")}
    assert {"surprisal", "entropy"} <= names


@pytest.mark.parametrize("notebook, name, ours", TAUGHT)
def test_lesson_formula_agrees_with_module(notebook, name, ours):
    assert name in CASES, f"{notebook} teaches infotheory.{name}: add comparison inputs to CASES"
    theirs = getattr(it, name)
    takes_base = "base" in inspect.signature(ours).parameters
    for args in CASES[name]:
        for base in BASES if takes_base else (None,):
            kwargs = {} if base is None else {"base": base}
            with np.errstate(all="ignore"):
                got = ours(*args, **kwargs)
            want = theirs(*args, **kwargs)
            if name == "huffman_code":
                assert len(set(got)) == len(got) and not any(
                    a != b and b.startswith(a) for a in got for b in got), (
                    f"{notebook}: the lesson's huffman_code{args} is not a prefix code: {got}")
            if name in COMPARED:
                got, want = COMPARED[name](got), COMPARED[name](want)
            np.testing.assert_allclose(
                np.asarray(got, dtype=float), np.asarray(want, dtype=float), rtol=1e-9, atol=1e-12,
                err_msg=f"{notebook}: the lesson's {name}{args} {kwargs} differs from infotheory.{name}")
