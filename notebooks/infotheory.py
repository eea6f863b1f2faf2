"""The formulas this book teaches, in one small tested module.

Every function here is written out, line for line, in the lesson that teaches
it; later lessons import it from here instead of defining it again.  The test
suite checks that the lesson's version and this one agree, so the two cannot
drift apart silently.

Conventions
-----------
* A *distribution* is a 1-D sequence of non-negative finite numbers that sums
  to 1 within ``SUM_TOL``.
* ``base`` is the base of the logarithm: 2 gives bits, ``math.e`` gives nats.
  Every function defaults to nats, like ``scipy.stats.entropy``.
* ``0 * log 0 = 0``: an outcome with probability 0 contributes nothing.
* A term ``p * log(1/q)`` with ``p > 0`` and ``q = 0`` is ``+inf``: the
  approximation calls impossible something that happens.

Bad input raises ``ValueError`` with a message that names the argument and
says what is wrong with it.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "SUM_TOL",
    "as_distribution",
    "surprisal",
    "entropy",
    "cross_entropy",
    "kl_divergence",
    "perplexity",
    "log_softmax",
    "softmax",
    "cross_entropy_from_logits",
    "sigmoid",
    "sigmoid_prime",
    "binary_cross_entropy",
    "mse_cost",
    "bce_cost_from_logit",
    "neuron_gradients",
    "train_neuron",
    "mixture_logpdf",
    "gaussian_logpdf",
    "forward_kl_fit",
    "reverse_kl",
    "reverse_kl_fit",
]

#: How far from 1 the sum of a distribution may be.
SUM_TOL = 1e-6


# ---------------------------------------------------------------------------
# Validation


def _as_real_array(x, name: str) -> np.ndarray:
    """``x`` as a 1-D float array, or a ValueError saying why not."""
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a sequence of numbers, got {x!r}") from None
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty: a distribution needs at least one outcome")
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN")
    if np.isinf(arr).any():
        raise ValueError(f"{name} contains an infinite value")
    return arr


def as_distribution(p, name: str = "p") -> np.ndarray:
    """Check that ``p`` is a probability distribution and return it as an array."""
    arr = _as_real_array(p, name)
    if (arr < 0).any():
        i = int(np.argmax(arr < 0))
        raise ValueError(f"{name} has a negative probability: {name}[{i}] = {float(arr[i])!r}")
    total = float(arr.sum())
    if abs(total - 1.0) > SUM_TOL:
        raise ValueError(
            f"{name} must sum to 1 (within {SUM_TOL:g}), but sums to {total!r}"
        )
    return arr


def _pair(p, q):
    p = as_distribution(p, "p")
    q = as_distribution(q, "q")
    if p.shape != q.shape:
        raise ValueError(
            f"p and q must have the same number of outcomes, got {p.size} and {q.size}"
        )
    return p, q


def _log_base(base) -> float:
    """Natural log of a valid logarithm base."""
    if isinstance(base, bool) or not isinstance(base, (int, float, np.integer, np.floating)):
        raise ValueError(f"base must be a number, got {base!r}")
    base = float(base)
    if not math.isfinite(base) or base <= 0 or base == 1:
        raise ValueError(f"base must be positive, finite and not 1, got {base!r}")
    return math.log(base)


# ---------------------------------------------------------------------------
# Lesson 1: surprisal and entropy


def surprisal(p, base=math.e):
    """Information content log(1/p) of an outcome of probability ``p``.

    ``p = 0`` gives ``inf``: an impossible outcome would be infinitely surprising.
    Returns a float for a scalar input and an array otherwise.
    """
    scalar = np.ndim(p) == 0
    arr = _as_real_array(p, "p")
    if ((arr < 0) | (arr > 1)).any():
        raise ValueError(f"p must lie in [0, 1], got {p!r}")
    with np.errstate(divide="ignore"):
        out = -np.log(arr) / _log_base(base)
    return float(out[0]) if scalar else out


def entropy(p, base=math.e) -> float:
    """Shannon entropy H(p) = -sum p log p, with 0 log 0 = 0."""
    p = as_distribution(p)
    nz = p > 0
    return float(-np.sum(p[nz] * np.log(p[nz])) / _log_base(base)) + 0.0  # + 0.0: no "-0.0"


# ---------------------------------------------------------------------------
# Lessons 2 and 3: KL divergence and cross-entropy


def cross_entropy(p, q, base=math.e) -> float:
    """Cross-entropy H(p, q) = -sum p log q; ``inf`` if q = 0 where p > 0."""
    p, q = _pair(p, q)
    nz = p > 0
    if (q[nz] == 0).any():
        return math.inf
    return float(-np.sum(p[nz] * np.log(q[nz])) / _log_base(base)) + 0.0


def kl_divergence(p, q, base=math.e) -> float:
    """Kullback-Leibler divergence D(p||q) = sum p log(p/q); ``inf`` if q = 0 where p > 0."""
    p, q = _pair(p, q)
    nz = p > 0
    if (q[nz] == 0).any():
        return math.inf
    # log p - log q, not log(p / q): the ratio overflows to inf for a tiny q (5e-324).
    # Clip at 0: the sum is >= 0 exactly, but rounding can leave -1e-17.
    log_ratio = np.log(p[nz]) - np.log(q[nz])
    return max(0.0, float(np.sum(p[nz] * log_ratio) / _log_base(base)))


def perplexity(p, q=None) -> float:
    """exp of the cross-entropy in nats (of the entropy when ``q`` is omitted)."""
    h = entropy(p) if q is None else cross_entropy(p, q)
    return math.exp(h) if math.isfinite(h) else math.inf


def log_softmax(z) -> np.ndarray:
    """log softmax(z), computed as z - max z - log sum exp(z - max z): never overflows."""
    z = _as_real_array(z, "logits")
    shifted = z - z.max()
    return shifted - np.log(np.sum(np.exp(shifted)))


def softmax(z) -> np.ndarray:
    """Probabilities exp(z_i) / sum exp(z_j), computed stably."""
    return np.exp(log_softmax(z))


def cross_entropy_from_logits(z, target) -> float:
    """Cross-entropy in nats of the softmax of logits ``z`` against ``target``.

    ``target`` is a class index (the usual one-hot case, giving -log softmax(z)[y])
    or a distribution over the classes.
    """
    logq = log_softmax(z)
    if np.ndim(target) == 0 and not isinstance(target, (float, np.floating)):
        if isinstance(target, bool) or not isinstance(target, (int, np.integer)):
            raise ValueError(f"target must be a class index or a distribution, got {target!r}")
        if not 0 <= target < logq.size:
            raise ValueError(f"class index {target} is out of range for {logq.size} logits")
        return float(-logq[target]) + 0.0
    p = as_distribution(target, "target")
    if p.shape != logq.shape:
        raise ValueError(
            f"target and logits must have the same length, got {p.size} and {logq.size}"
        )
    nz = p > 0
    return float(-np.sum(p[nz] * logq[nz])) + 0.0


# ---------------------------------------------------------------------------
# Lesson 4: one sigmoid neuron, two losses


def sigmoid(z):
    """The logistic function 1 / (1 + e^-z), without overflow for large |z|."""
    scalar = np.ndim(z) == 0
    z = _as_real_array(z, "z")
    e = np.exp(-np.abs(z))
    out = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    return float(out[0]) if scalar else out


def sigmoid_prime(z):
    """Derivative of the sigmoid: sigma(z) (1 - sigma(z)), at most 1/4 (at z = 0).

    Computed as sigma(z) sigma(-z), which equals it exactly and, unlike 1 - sigma(z),
    keeps full precision when sigma(z) is close to 1.
    """
    s = sigmoid(z)
    return s * sigmoid(-np.asarray(z, dtype=float) if np.ndim(z) else -float(z))


def binary_cross_entropy(y, a) -> float:
    """-[y log a + (1 - y) log(1 - a)] in nats for a target y and a prediction a in [0, 1].

    ``inf`` when the prediction gives probability 0 to the target (a = 0 with y = 1).
    """
    y = float(_as_real_array(y, "y")[0]) if np.ndim(y) == 0 else None
    a_ = float(_as_real_array(a, "a")[0]) if np.ndim(a) == 0 else None
    if y is None or a_ is None:
        raise ValueError("binary_cross_entropy takes one target y and one prediction a")
    if not 0 <= y <= 1:
        raise ValueError(f"y must lie in [0, 1], got {y!r}")
    if not 0 <= a_ <= 1:
        raise ValueError(f"a must lie in [0, 1], got {a_!r}")
    return cross_entropy([y, 1 - y], [a_, 1 - a_])


def mse_cost(y, a) -> float:
    """Quadratic cost (a - y)^2 / 2 of one prediction."""
    y = float(_as_real_array(y, "y")[0])
    a = float(_as_real_array(a, "a")[0])
    return (a - y) ** 2 / 2


def bce_cost_from_logit(z, y) -> float:
    """Binary cross-entropy of sigmoid(z) against y, computed from z (finite for any z)."""
    z = float(_as_real_array(z, "z")[0])
    y = float(_as_real_array(y, "y")[0])
    if not 0 <= y <= 1:
        raise ValueError(f"y must lie in [0, 1], got {y!r}")
    # -[y log s(z) + (1 - y) log(1 - s(z))] = softplus(z) - y z
    return max(z, 0.0) + math.log1p(math.exp(-abs(z))) - y * z


_LOSSES = ("mse", "ce")


def _check_loss(loss):
    if loss not in _LOSSES:
        raise ValueError(f"loss must be 'mse' or 'ce', got {loss!r}")


def neuron_gradients(w, b, x, y, loss):
    """(dC/dw, dC/db) for one sigmoid neuron a = sigma(w x + b).

    MSE, C = (a - y)^2 / 2:          dC/dw = (a - y) sigma'(z) x
    cross-entropy (binary):          dC/dw = (a - y) x        (sigma' cancels)
    """
    _check_loss(loss)
    w, b, x, y = (float(_as_real_array(v, n)[0]) for v, n in ((w, "w"), (b, "b"), (x, "x"), (y, "y")))
    z = w * x + b
    a = sigmoid(z)
    delta = (a - y) * sigmoid_prime(z) if loss == "mse" else (a - y)
    return delta * x, delta


def train_neuron(w, b, *, eta, epochs, loss, x=1.0, y=0.0) -> dict:
    """Gradient descent on one sigmoid neuron with one training example (x, y).

    Returns arrays of length ``epochs + 1`` (the start included): ``w``, ``b``,
    ``a`` (the output) and ``cost`` (of the chosen loss).
    """
    _check_loss(loss)
    eta = float(_as_real_array(eta, "eta")[0])
    if eta <= 0:
        raise ValueError(f"eta (the learning rate) must be positive, got {eta!r}")
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
        raise ValueError(f"epochs must be a non-negative whole number, got {epochs!r}")
    # Check the start and the example up front, so that epochs = 0 cannot return NaN.
    w, b, x, y = (float(_as_real_array(v, n)[0]) for v, n in ((w, "w"), (b, "b"), (x, "x"), (y, "y")))
    ws, bs = [w], [b]
    for _ in range(epochs):
        gw, gb = neuron_gradients(ws[-1], bs[-1], x, y, loss)
        ws.append(ws[-1] - eta * gw)
        bs.append(bs[-1] - eta * gb)
    ws, bs = np.array(ws), np.array(bs)
    z = ws * x + bs
    a = sigmoid(z)
    if loss == "mse":
        cost = (a - y) ** 2 / 2
    else:
        cost = np.array([bce_cost_from_logit(zi, y) for zi in z])
    return {"w": ws, "b": bs, "a": a, "cost": cost}


# ---------------------------------------------------------------------------
# Lesson 2: fitting one Gaussian to two modes, by forward and by reverse KL


def gaussian_logpdf(x, mu, sigma):
    """log N(x; mu, sigma^2)."""
    if not sigma > 0:
        raise ValueError(f"sigma must be positive, got {sigma!r}")
    x = np.asarray(x, dtype=float)
    return -0.5 * ((x - mu) / sigma) ** 2 - math.log(sigma * math.sqrt(2 * math.pi))


def mixture_logpdf(x, sep, sigma=1.0):
    """log of the equal mixture of N(-sep, sigma^2) and N(+sep, sigma^2)."""
    return np.logaddexp(gaussian_logpdf(x, -sep, sigma), gaussian_logpdf(x, sep, sigma)) - math.log(2)


def forward_kl_fit(sep, sigma=1.0):
    """(mu, sigma) of the Gaussian q minimising D(p||q) for the two-mode mixture p.

    Minimising the forward KL over Gaussians matches moments: q takes the mean
    (0) and the variance (sigma^2 + sep^2) of p.
    """
    if not sigma > 0:
        raise ValueError(f"sigma must be positive, got {sigma!r}")
    return 0.0, math.sqrt(sigma**2 + sep**2)


def _grid(sep, sigma, mu, s):
    """1001 points covering both bumps of p and the mass of q (10 sd each way)."""
    lo = min(-abs(sep) - 10 * sigma, mu - 10 * s)
    hi = max(abs(sep) + 10 * sigma, mu + 10 * s)
    return np.linspace(lo, hi, 1001)


def reverse_kl(mu, s, sep, sigma=1.0) -> float:
    """D(q||p) in nats for q = N(mu, s^2) and p the two-mode mixture, by quadrature.

    The grid must cover q's tails, not only p's bumps: the integrand is weighted
    by q, and a wide q cut off at p's range loses part of the divergence.
    """
    x = _grid(sep, sigma, mu, s)
    logq = gaussian_logpdf(x, mu, s)
    q = np.exp(logq)
    return float(np.trapezoid(q * (logq - mixture_logpdf(x, sep, sigma)), x))


def reverse_kl_fit(sep, sigma=1.0):
    """(mu, sigma) of the Gaussian q minimising D(q||p), with mu >= 0.

    Two starts (one between the modes, one on the right mode); the better
    optimum wins.  By symmetry (-mu, sigma) is an equally good fit.
    """
    from scipy.optimize import minimize

    def objective(theta):
        return reverse_kl(theta[0], math.exp(theta[1]), sep, sigma)

    best = None
    for mu0, s0 in ((0.0, math.sqrt(sigma**2 + sep**2)), (abs(sep), sigma)):
        res = minimize(objective, [mu0, math.log(s0)], method="Nelder-Mead",
                       options={"xatol": 1e-5, "fatol": 1e-9, "maxiter": 2000})
        if best is None or res.fun < best.fun:
            best = res
    mu, log_s = best.x
    return abs(float(mu)), math.exp(float(log_s))
