"""Lesson 4: one sigmoid neuron, two losses (infotheory.sigmoid ... train_neuron).

Unit and property tests of the module, and a check that the formula cells of
notebooks/04_mse_vs_cross_entropy.ipynb (marked ``# teaches: infotheory.NAME``)
agree with the module.
"""

from __future__ import annotations

import math
import pathlib
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import expit

import infotheory as it
import lessons

NOTEBOOK = pathlib.Path(__file__).resolve().parents[1] / "notebooks" / "04_mse_vs_cross_entropy.ipynb"

FAST = settings(max_examples=100, deadline=None)
finite = st.floats(allow_nan=False, allow_infinity=False)
moderate = st.floats(min_value=-5, max_value=5, allow_nan=False)
unit = st.floats(min_value=0, max_value=1, allow_nan=False)
loss_kind = st.sampled_from(["mse", "ce"])


def cost_of(w, b, x, y, loss):
    """The cost of one neuron and one example, from the module's cost functions."""
    z = w * x + b
    return it.mse_cost(y, it.sigmoid(z)) if loss == "mse" else it.bce_cost_from_logit(z, y)


# ---------------------------------------------------------------------------
# sigmoid and its slope


@pytest.mark.filterwarnings("error")
@FAST
@given(finite)
def test_sigmoid_agrees_with_expit_everywhere(z):
    # atol covers the subnormal range, where the module is the more accurate of the two
    assert math.isclose(it.sigmoid(z), float(expit(z)), rel_tol=1e-12, abs_tol=1e-300)


def test_sigmoid_huge_arguments_without_overflow_or_warnings():
    z = np.array([-1e308, -1e6, -1000.0, -745.0, 0.0, 745.0, 1000.0, 1e6, 1e308])
    with warnings.catch_warnings():
        warnings.simplefilter("error")                 # a RuntimeWarning would fail here
        s = it.sigmoid(z)
        ds = it.sigmoid_prime(z)
    assert np.all(np.isfinite(s)) and np.all(np.isfinite(ds))
    np.testing.assert_allclose(s, expit(z), rtol=1e-12, atol=1e-300)
    assert s[0] == 0.0 and s[-1] == 1.0 and s[4] == 0.5
    assert isinstance(it.sigmoid(3.0), float)          # scalar in, float out


def test_sigmoid_prime_peaks_at_one_quarter_at_zero():
    assert it.sigmoid_prime(0.0) == 0.25
    z = np.linspace(-20, 20, 4001)
    ds = it.sigmoid_prime(z)
    assert ds.max() == 0.25 and z[np.argmax(ds)] == 0.0
    assert np.all(ds[z != 0] < 0.25)


@FAST
@given(finite)
def test_sigmoid_prime_is_symmetric_and_bounded(z):
    # computed as sigma(z) sigma(-z), so the symmetry is exact, not just approximate
    assert it.sigmoid_prime(z) == it.sigmoid_prime(-z)
    assert 0 <= it.sigmoid_prime(z) <= 0.25


@pytest.mark.parametrize("z", [20.0, 30.0, 40.0, 100.0, 700.0])
def test_sigmoid_prime_keeps_precision_when_saturated(z):
    """e^-z / (1 + e^-z)^2 is the slope without cancellation; 1 - sigma(z) would lose it."""
    exact = math.exp(-z) / (1 + math.exp(-z)) ** 2
    assert math.isclose(it.sigmoid_prime(z), exact, rel_tol=1e-14)
    assert math.isclose(it.sigmoid_prime(-z), exact, rel_tol=1e-14)


@FAST
@given(st.floats(min_value=-30, max_value=30, allow_nan=False))
def test_sigmoid_prime_is_the_derivative(z):
    h = 1e-5
    fd = (it.sigmoid(z + h) - it.sigmoid(z - h)) / (2 * h)
    assert math.isclose(it.sigmoid_prime(z), fd, rel_tol=1e-6, abs_tol=1e-10)


# ---------------------------------------------------------------------------
# the two costs


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("z", [1e6, -1e6, 1e300, -1e300])
@pytest.mark.parametrize("y", [0.0, 0.3, 1.0])
def test_bce_from_logit_is_finite_for_huge_logits(z, y):
    c = it.bce_cost_from_logit(z, y)
    assert math.isfinite(c) and c >= 0
    # far from the target the cost grows like |z|: about |z| nats per unit of wrongness
    if (z > 0 and y == 0.0) or (z < 0 and y == 1.0):
        assert math.isclose(c, abs(z), rel_tol=1e-12)


@FAST
@given(st.floats(min_value=-15, max_value=15, allow_nan=False), unit)
def test_bce_from_logit_equals_binary_cross_entropy(z, y):
    # For moderate z only: from the rounded a = sigmoid(z), ln(1 - a) loses about
    # 1e-16 / (1 - a) to cancellation (at z = 20 already 3e-8 nats), which is the point
    # of computing the cost from z.
    expected = it.binary_cross_entropy(y, it.sigmoid(z))
    assert math.isclose(it.bce_cost_from_logit(z, y), expected, rel_tol=1e-9, abs_tol=1e-9)


def test_costs_reference_values():
    assert it.mse_cost(0.0, 0.5) == 0.125
    assert math.isclose(it.bce_cost_from_logit(0.0, 0.0), math.log(2))          # a = 1/2: ln 2 nats
    assert math.isclose(it.bce_cost_from_logit(4.0, 0.0), -math.log(1 - it.sigmoid(4.0)))


# ---------------------------------------------------------------------------
# gradients


@FAST
@given(moderate, moderate, moderate, unit, loss_kind)
def test_gradients_agree_with_central_differences(w, b, x, y, loss):
    gw, gb = it.neuron_gradients(w, b, x, y, loss)
    h = 1e-6
    gw_fd = (cost_of(w + h, b, x, y, loss) - cost_of(w - h, b, x, y, loss)) / (2 * h)
    gb_fd = (cost_of(w, b + h, x, y, loss) - cost_of(w, b - h, x, y, loss)) / (2 * h)
    # costs reach ~30 here, so rounding limits a central difference to ~1e-16 * 30 / h
    assert math.isclose(gw, gw_fd, rel_tol=1e-5, abs_tol=1e-7)
    assert math.isclose(gb, gb_fd, rel_tol=1e-5, abs_tol=1e-7)


@FAST
@given(finite.filter(lambda v: abs(v) < 1e100), finite.filter(lambda v: abs(v) < 1e100),
       finite.filter(lambda v: abs(v) < 1e100), unit)
def test_cross_entropy_gradient_is_exactly_error_times_input(w, b, x, y):
    gw, gb = it.neuron_gradients(w, b, x, y, "ce")
    a = it.sigmoid(w * x + b)
    assert gw == (a - y) * x
    assert gb == a - y


@FAST
@given(moderate, moderate, moderate, unit)
def test_mse_gradient_is_cross_entropy_gradient_times_slope(w, b, x, y):
    z = w * x + b
    gw_mse, gb_mse = it.neuron_gradients(w, b, x, y, "mse")
    gw_ce, gb_ce = it.neuron_gradients(w, b, x, y, "ce")
    assert math.isclose(gw_mse, gw_ce * it.sigmoid_prime(z), rel_tol=1e-12, abs_tol=1e-300)
    assert math.isclose(gb_mse, gb_ce * it.sigmoid_prime(z), rel_tol=1e-12, abs_tol=1e-300)
    assert abs(gb_mse) <= abs(gb_ce) / 4                # sigma' <= 1/4


def test_saturated_neuron_gradient_numbers():
    """Nielsen's bad start: z = 4, a = 0.982, target 0."""
    gw_mse, _ = it.neuron_gradients(2.0, 2.0, 1.0, 0.0, "mse")
    gw_ce, _ = it.neuron_gradients(2.0, 2.0, 1.0, 0.0, "ce")
    assert math.isclose(gw_ce, 0.98201379, rel_tol=1e-7)
    assert math.isclose(gw_mse, 0.98201379 * 0.01766271, rel_tol=1e-6)
    assert math.isclose(gw_ce / gw_mse, 56.6164657, rel_tol=1e-7)


# ---------------------------------------------------------------------------
# training


@pytest.fixture(scope="module")
def nielsen_runs():
    """Both starts, both losses, at eta = 0.15 and Nielsen's eta = 0.005 for CE."""
    return {(start, loss, eta): it.train_neuron(*start, eta=eta, epochs=300, loss=loss)
            for start in [(0.6, 0.9), (2.0, 2.0)]
            for loss, eta in [("mse", 0.15), ("ce", 0.15), ("ce", 0.005)]}


def test_nielsen_slowdown_with_quadratic_cost(nielsen_runs):
    a = nielsen_runs[(2.0, 2.0), "mse", 0.15]["a"]
    # measured: 0.982 at the start, 0.976 after 50 epochs, 0.964 after 100, 0.203 after 300
    assert a[0] == pytest.approx(0.9820138, abs=1e-7)
    assert a[50] > 0.9 and a[100] > 0.9                # the plateau
    assert a[300] < 0.25                               # ... which it does leave
    assert a[50] == pytest.approx(0.9759, abs=1e-4)
    assert a[300] == pytest.approx(0.2028, abs=1e-4)
    # from the mild start there is no plateau
    assert nielsen_runs[(0.6, 0.9), "mse", 0.15]["a"][50] < 0.5


def test_cross_entropy_is_faster_at_the_same_rate(nielsen_runs):
    for start in [(0.6, 0.9), (2.0, 2.0)]:
        a_mse = nielsen_runs[start, "mse", 0.15]["a"]
        a_ce = nielsen_runs[start, "ce", 0.15]["a"]
        assert np.all(a_ce[1:] < a_mse[1:])
    assert nielsen_runs[(2.0, 2.0), "ce", 0.15]["a"][50] < 0.1        # measured 0.0985


def test_cross_entropy_at_nielsens_rate_with_the_true_gradient(nielsen_runs):
    """With eta = 0.005 and the gradient (a - y) x, the bad start only reaches a = 0.78."""
    a = nielsen_runs[(2.0, 2.0), "ce", 0.005]["a"]
    assert a[300] == pytest.approx(0.7796, abs=1e-4)
    # steepest at the start: each epoch lowers z by 2 eta a, and a only falls
    dz = -np.diff(nielsen_runs[(2.0, 2.0), "ce", 0.005]["w"] * 2)
    assert np.all(np.diff(dz) < 0)


def test_training_only_lowers_the_cost(nielsen_runs):
    for run in nielsen_runs.values():
        assert np.all(np.diff(run["cost"]) < 0)
        assert np.all(np.isfinite(run["cost"]))


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=0, max_value=25), moderate, moderate,
       st.floats(min_value=1e-3, max_value=10), loss_kind)
def test_train_neuron_shapes_and_start(epochs, w, b, eta, loss):
    run = it.train_neuron(w, b, eta=eta, epochs=epochs, loss=loss)
    assert set(run) == {"w", "b", "a", "cost"}
    for key in run:
        assert run[key].shape == (epochs + 1,)
        assert np.all(np.isfinite(run[key]))
    assert run["w"][0] == w and run["b"][0] == b
    assert run["a"][0] == it.sigmoid(w + b)
    assert run["cost"][0] == pytest.approx(cost_of(w, b, 1.0, 0.0, loss))


def test_train_neuron_steps_are_gradient_descent():
    run = it.train_neuron(0.6, 0.9, eta=0.15, epochs=3, loss="ce", x=0.5, y=1.0)
    for k in range(3):
        gw, gb = it.neuron_gradients(run["w"][k], run["b"][k], 0.5, 1.0, "ce")
        assert run["w"][k + 1] == run["w"][k] - 0.15 * gw
        assert run["b"][k + 1] == run["b"][k] - 0.15 * gb


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("loss", ["mse", "ce"])
def test_extreme_settings_stay_finite(loss):
    """The live explorer's corners: |w|, |b| = 8 and eta = 10 (no RuntimeWarning either)."""
    for w, b in [(8, 8), (-8, -8), (8, -8)]:
        run = it.train_neuron(w, b, eta=10.0, epochs=300, loss=loss)
        for values in run.values():
            assert np.all(np.isfinite(values))


# ---------------------------------------------------------------------------
# bad input


@pytest.mark.parametrize("loss", ["MSE", "cross-entropy", "", None, 0])
def test_unknown_loss_is_rejected(loss):
    with pytest.raises(ValueError, match=r"loss must be 'mse' or 'ce'"):
        it.neuron_gradients(1.0, 1.0, 1.0, 0.0, loss)
    with pytest.raises(ValueError, match=r"loss must be 'mse' or 'ce'"):
        it.train_neuron(1.0, 1.0, eta=0.1, epochs=5, loss=loss)


@pytest.mark.parametrize("eta", [0, 0.0, -0.1, -1e-300])
def test_non_positive_learning_rate_is_rejected(eta):
    with pytest.raises(ValueError, match=r"eta \(the learning rate\) must be positive"):
        it.train_neuron(1.0, 1.0, eta=eta, epochs=5, loss="mse")


@pytest.mark.parametrize("epochs", [-1, 2.5, 3.0, "10", True, None])
def test_bad_epoch_count_is_rejected(epochs):
    with pytest.raises(ValueError, match="epochs must be a non-negative whole number"):
        it.train_neuron(1.0, 1.0, eta=0.1, epochs=epochs, loss="ce")


@pytest.mark.parametrize("name", ["w", "b", "x", "y"])
@pytest.mark.parametrize("epochs", [0, 3])
def test_nan_inputs_are_rejected(name, epochs):
    args = {"w": 1.0, "b": 1.0, "x": 1.0, "y": 0.0, name: float("nan")}
    with pytest.raises(ValueError, match=f"{name} contains NaN"):
        it.neuron_gradients(args["w"], args["b"], args["x"], args["y"], "mse")
    with pytest.raises(ValueError, match=f"{name} contains NaN"):
        it.train_neuron(args["w"], args["b"], eta=0.1, epochs=epochs, loss="ce", x=args["x"], y=args["y"])


def test_nan_and_infinite_rates_and_logits_are_rejected():
    with pytest.raises(ValueError, match="eta contains NaN"):
        it.train_neuron(1.0, 1.0, eta=float("nan"), epochs=5, loss="mse")
    with pytest.raises(ValueError, match="eta contains an infinite value"):
        it.train_neuron(1.0, 1.0, eta=math.inf, epochs=5, loss="mse")
    with pytest.raises(ValueError, match="z contains NaN"):
        it.bce_cost_from_logit(float("nan"), 0.0)
    with pytest.raises(ValueError, match="z contains NaN"):
        it.sigmoid(float("nan"))
    with pytest.raises(ValueError, match=r"y must lie in \[0, 1\]"):
        it.bce_cost_from_logit(0.0, 1.5)


# ---------------------------------------------------------------------------
# the lesson's formula cells agree with the module


@pytest.fixture(scope="module")
def lesson():
    return lessons.taught_functions(NOTEBOOK)


def test_lesson_teaches_the_neuron_functions(lesson):
    assert set(lesson) == {"sigmoid", "sigmoid_prime", "mse_cost", "bce_cost_from_logit", "neuron_gradients"}


@FAST
@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), unit)
def test_lesson_sigmoid_and_costs_agree_with_module(lesson, z, y):
    assert math.isclose(lesson["sigmoid"](z), it.sigmoid(z), rel_tol=1e-15, abs_tol=0)
    assert math.isclose(lesson["sigmoid_prime"](z), it.sigmoid_prime(z), rel_tol=1e-15, abs_tol=0)
    assert math.isclose(lesson["bce_cost_from_logit"](z, y), it.bce_cost_from_logit(z, y), rel_tol=1e-12)
    a = it.sigmoid(z)
    assert math.isclose(lesson["mse_cost"](y, a), it.mse_cost(y, a), rel_tol=1e-15)


@FAST
@given(moderate, moderate, moderate, unit, loss_kind)
def test_lesson_gradients_agree_with_module(lesson, w, b, x, y, loss):
    got = lesson["neuron_gradients"](w, b, x, y, loss)
    want = it.neuron_gradients(w, b, x, y, loss)
    assert got == pytest.approx(want, rel=1e-12, abs=1e-300)


def test_lesson_gradients_reject_unknown_loss(lesson):
    with pytest.raises(ValueError, match="loss must be 'mse' or 'ce'"):
        lesson["neuron_gradients"](1.0, 1.0, 1.0, 0.0, "hinge")


# ---------------------------------------------------------------------------
# behaviour that an earlier mutation run found untested


@pytest.mark.parametrize("loss", ["mse", "ce"])
@pytest.mark.parametrize("x, y", [(0.5, 1.0), (-2.0, 0.3), (3.0, 0.0)])
def test_train_neuron_uses_the_example_x_and_y_everywhere(loss, x, y):
    """Outputs and costs come from z = w x + b and the target y, not from x = 1 and y = 0."""
    run = it.train_neuron(0.6, 0.9, eta=0.15, epochs=5, loss=loss, x=x, y=y)
    for k in range(6):
        w, b = run["w"][k], run["b"][k]
        assert run["a"][k] == it.sigmoid(w * x + b)
        assert run["cost"][k] == pytest.approx(cost_of(w, b, x, y, loss), rel=1e-12, abs=1e-15)
        if k < 5:
            gw, gb = it.neuron_gradients(w, b, x, y, loss)
            assert run["w"][k + 1] == w - 0.15 * gw and run["b"][k + 1] == b - 0.15 * gb


def test_mse_cost_in_training_is_half_the_squared_error():
    run = it.train_neuron(0.0, 0.0, eta=0.1, epochs=0, loss="mse", y=1.0)
    assert run["a"][0] == 0.5
    assert run["cost"][0] == 0.125          # (0.5 - 1)^2 / 2; (0.5 + 1)^2 / 2 would be 1.125


@pytest.mark.parametrize("dtype", [np.uint8, np.int32, np.float32, np.float64])
def test_sigmoid_prime_of_any_numeric_array(dtype):
    """-z of an unsigned array wraps around (-1 becomes 255): z is made float first."""
    z = np.array([0, 1, 2, 3], dtype=dtype)
    np.testing.assert_allclose(it.sigmoid_prime(z), it.sigmoid_prime([0.0, 1.0, 2.0, 3.0]), rtol=1e-7)


@pytest.mark.parametrize("call, message", [
    (lambda: it.mse_cost(float("nan"), 0.5), "y contains NaN"),
    (lambda: it.mse_cost(0.0, float("nan")), "a contains NaN"),
    (lambda: it.mse_cost([], 0.5), "y is empty"),
    (lambda: it.bce_cost_from_logit(0.0, float("nan")), "y contains NaN"),
    (lambda: it.bce_cost_from_logit(0.0, float("inf")), "y contains an infinite value"),
    (lambda: it.binary_cross_entropy(float("nan"), 0.5), "y contains NaN"),
    (lambda: it.binary_cross_entropy(0.5, float("inf")), "a contains an infinite value"),
])
def test_cost_messages_name_the_argument(call, message):
    with pytest.raises(ValueError, match=rf"^{message}"):
        call()
