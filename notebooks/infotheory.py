"""The formulas this book teaches, in one small tested module.

The lessons import these functions instead of defining them again.  Where a
lesson writes a formula out itself, in a code cell that starts with
``# teaches: infotheory.NAME``, the test suite checks that the lesson's version
and this one agree, so the two cannot drift apart silently.

Conventions
-----------
* A *distribution* is a 1-D sequence of non-negative finite numbers that sums
  to 1 within ``SUM_TOL``.
* ``base`` is the base of the logarithm, a number greater than 1: 2 gives
  bits, ``math.e`` gives nats.  Every function that takes it defaults to
  nats, like ``scipy.stats.entropy``.  The functions about binary codes
  (``huffman_code``, ``expected_length``, ``kraft_sum`` with its default
  radix) count binary digits: bits.
* ``0 * log 0 = 0``: an outcome with probability 0 contributes nothing.
* A term ``p * log(1/q)`` with ``p > 0`` and ``q = 0`` is ``+inf``: the
  approximation calls impossible something that happens.

Bad input raises ``ValueError`` with a message that names the argument and
says what is wrong with it.
"""

from __future__ import annotations

import heapq
import math
import numbers

import numpy as np

__all__ = [
    "SUM_TOL",
    "as_distribution",
    "surprisal",
    "entropy",
    "kraft_sum",
    "huffman_code",
    "expected_length",
    "cross_entropy",
    "kl_divergence",
    "perplexity",
    "log_softmax",
    "softmax",
    "cross_entropy_from_logits",
    "softmax_cross_entropy_grad",
    "sigmoid",
    "sigmoid_prime",
    "binary_cross_entropy",
    "mse_cost",
    "bce_cost_from_logit",
    "neuron_gradients",
    "train_neuron",
    "mixture_logpdf",
    "gaussian_logpdf",
    "gaussian_entropy",
    "gaussian_kl",
    "forward_kl_fit",
    "MAX_GRID_POINTS",
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
    p = as_distribution(p)
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
    # A base between 0 and 1 is a logarithm base, but it would make every entropy and
    # divergence negative: no unit of information uses one.
    if not math.isfinite(base) or base <= 1:
        raise ValueError(f"base must be finite and greater than 1 (2 for bits, e for nats), got {base!r}")
    return math.log(base)


def _scalar(x, name: str) -> float:
    """``x`` as a finite float, or a ValueError naming it."""
    if isinstance(x, np.ndarray) and x.ndim == 0:
        x = x[()]
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (numbers.Real, np.integer, np.floating)):
        raise ValueError(f"{name} must be a single number, got {x!r}")
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"{name} must be finite, got {x!r}")
    return x


def _positive(x, name: str) -> float:
    """``x`` as a positive finite float, or a ValueError naming it."""
    x = _scalar(x, name)
    if not x > 0:
        raise ValueError(f"{name} must be positive, got {x!r}")
    return x


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
# Lesson 1: codes.  Why log(1/p) is the ideal codeword length


def _code_lengths(lengths) -> np.ndarray:
    """Codeword lengths as a 1-D float array of whole numbers >= 0, or a ValueError."""
    try:
        raw = np.asarray(lengths)
        if raw.dtype == object and lengths is not None:   # e.g. a whole number beyond int64
            raw = raw.astype(float)
    except (TypeError, ValueError, OverflowError):
        raw = np.asarray(None)
    if not (np.issubdtype(raw.dtype, np.integer) or np.issubdtype(raw.dtype, np.floating)):
        raise ValueError(f"lengths must be a sequence of whole numbers, got {lengths!r}")
    if raw.size == 0:
        raise ValueError("lengths is empty: a code needs at least one codeword")
    arr = _as_real_array(raw, "lengths")
    bad = (arr < 0) | (arr != np.floor(arr))
    if bad.any():
        i = int(np.argmax(bad))
        raise ValueError(
            f"lengths must be whole numbers >= 0, but lengths[{i}] = {float(arr[i])!r}"
        )
    return arr


def kraft_sum(lengths, radix=2) -> float:
    """Kraft sum: the sum over codewords of radix^(-length).

    A prefix code with these codeword lengths exists if and only if the sum is
    at most 1 (Kraft's inequality), and the lengths of every uniquely decodable
    code satisfy it (McMillan).  ``radix`` is the size of the code alphabet, 2
    for binary digits.  Each term is rounded to the nearest float (a term below
    2^-1080 is 0) and the terms are added with ``math.fsum``, without further
    rounding error: for a binary code with codewords of at most 1074 bits the
    result is the exact sum, correctly rounded.
    """
    arr = _code_lengths(lengths)
    if isinstance(radix, bool) or not isinstance(radix, (int, np.integer)) or radix < 2:
        raise ValueError(f"radix must be a whole number >= 2 (the size of the code alphabet), got {radix!r}")
    radix = int(radix)
    bits = math.log2(radix)
    return math.fsum(0.0 if n * bits > 1080 else 1 / radix ** int(n) for n in arr)


def huffman_code(p) -> list[str]:
    """An optimal binary prefix code for the distribution ``p``: codeword i for outcome i.

    Huffman's algorithm: repeatedly merge the two least probable subtrees; an
    outcome's codeword length is the number of merges above it.  Ties between
    equal probabilities (compared as floats) go to the subtree formed first:
    single outcomes in index order, then merged subtrees in the order they were
    made.  The codewords are then assigned canonically: in order of length,
    then of index, the first is all 0s and each next one is the previous plus
    1 in binary, with 0s appended to reach its length (so (1/2, 1/4, 1/8, 1/8)
    gets "0", "10", "110", "111").

    For two or more outcomes no prefix code, and no uniquely decodable code,
    has a smaller expected length L.  In bits, H(p) <= L < H(p) + 1 when at
    least two outcomes have positive probability.  A certain outcome gets a
    1-bit codeword, so there L = 1 = H(p) + 1, and a lone outcome gets the
    codeword "0" (every codeword has at least one bit).  Outcomes with
    probability 0 still get codewords, none shorter than the codeword of any
    outcome with positive probability.
    """
    p = as_distribution(p)
    n = p.size
    if n == 1:
        return ["0"]
    # Subtrees as (probability, order made, outcomes below): the outcomes are made
    # first, in index order, so ties go to single outcomes, then to older subtrees.
    heap = [(float(pi), i, [i]) for i, pi in enumerate(p)]
    heapq.heapify(heap)
    lengths = [0] * n
    for order in range(n, 2 * n - 1):
        p1, _, below1 = heapq.heappop(heap)
        p2, _, below2 = heapq.heappop(heap)
        for i in below1 + below2:      # one more bit for every outcome under the merge
            lengths[i] += 1
        heapq.heappush(heap, (p1 + p2, order, below1 + below2))
    # Canonical codewords: in order of length, then index; each the previous plus 1, padded.
    code = {}
    value, previous = 0, min(lengths)
    for i in sorted(range(n), key=lambda i: (lengths[i], i)):
        value <<= lengths[i] - previous
        code[i] = format(value, f"0{lengths[i]}b")
        value, previous = value + 1, lengths[i]
    return [code[i] for i in range(n)]


def expected_length(p, lengths) -> float:
    """Expected codeword length sum p_i l_i: bits per symbol for a binary code."""
    p = as_distribution(p)
    arr = _code_lengths(lengths)
    if arr.shape != p.shape:
        raise ValueError(
            f"p and lengths must have the same number of entries, got {p.size} and {arr.size}"
        )
    return math.fsum(p * arr)


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
    try:
        return math.exp(h)             # exp(inf) is inf
    except OverflowError:              # h above about 709.8 nats
        return math.inf


def log_softmax(z) -> np.ndarray:
    """log softmax(z), computed as z - max z - log sum exp(z - max z): never overflows."""
    z = _as_real_array(z, "logits")
    shifted = z - z.max()
    return shifted - np.log(np.sum(np.exp(shifted)))


def softmax(z) -> np.ndarray:
    """Probabilities exp(z_i) / sum exp(z_j), computed stably."""
    return np.exp(log_softmax(z))


def _logit_target(target, k: int):
    """A class index (int) or a distribution over k classes (array), validated."""
    if np.ndim(target) == 0 and not isinstance(target, (float, np.floating)):
        if isinstance(target, bool) or not isinstance(target, (int, np.integer)):
            raise ValueError(f"target must be a class index or a distribution, got {target!r}")
        if not 0 <= target < k:
            raise ValueError(f"class index {target} is out of range for {k} logits")
        return int(target)
    p = as_distribution(target, "target")
    if p.size != k:
        raise ValueError(
            f"target and logits must have the same length, got {p.size} and {k}"
        )
    return p


def cross_entropy_from_logits(z, target) -> float:
    """Cross-entropy in nats of the softmax of logits ``z`` against ``target``.

    ``target`` is a class index (the usual one-hot case, giving -log softmax(z)[y])
    or a distribution over the classes.
    """
    logq = log_softmax(z)
    p = _logit_target(target, logq.size)
    if isinstance(p, int):
        return float(-logq[p]) + 0.0
    # log softmax is finite, so an outcome with p = 0 adds exactly 0: no mask needed
    return float(-np.sum(p * logq)) + 0.0


def softmax_cross_entropy_grad(z, target) -> np.ndarray:
    """Gradient of ``cross_entropy_from_logits(z, target)`` with respect to ``z``.

    It is softmax(z) - p, where p is ``target`` as a distribution (one-hot for a
    class index): the prediction minus the target, the multiclass form of a
    sigmoid neuron's a - y.  Its entries sum to 0.
    """
    q = softmax(z)
    p = _logit_target(target, q.size)
    if isinstance(p, int):
        p = np.eye(q.size)[p]
    return q - p


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
    return sigmoid(z) * sigmoid(-np.asarray(z, dtype=float))


def binary_cross_entropy(y, a) -> float:
    """-[y log a + (1 - y) log(1 - a)] in nats for a target y and a prediction a in [0, 1].

    ``inf`` when the prediction gives probability 0 to an outcome the target gives
    weight to (a = 0 with y > 0, or a = 1 with y < 1).
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

    quadratic cost (loss="mse"), C = (a - y)^2 / 2:   dC/dw = (a - y) sigma'(z) x
    cross-entropy (loss="ce", binary):              dC/dw = (a - y) x   (sigma' cancels)
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


def gaussian_entropy(sigma, base=math.e) -> float:
    """Differential entropy of N(mu, sigma^2): (1/2) log(2 pi e sigma^2), whatever mu.

    Unlike the entropy of a discrete distribution it can be negative (a density,
    unlike a probability, can exceed 1): it is below 0 exactly when
    sigma < 1 / sqrt(2 pi e), about 0.242.  Scaling sigma by c adds log c.
    """
    sigma = _positive(sigma, "sigma")
    return (math.log(sigma) + 0.5 * math.log(2 * math.pi * math.e)) / _log_base(base)


def _gaussian_kl_spread(s1: float, s2: float) -> float:
    """(r^2 - 1 - 2 log r) / 2 for r = s1 / s2 (>= 0), without cancellation near r = 1."""
    r = s1 / s2
    # log r from log1p when r is near 1 (s1 - s2 is then exact), else as a difference
    log_r = math.log1p((s1 - s2) / s2) if 0.5 <= r <= 2 else math.log(s1) - math.log(s2)
    x = 2 * log_r                      # r^2 = e^x, so the spread is (e^x - 1 - x) / 2
    if abs(x) <= 1:
        # e^x - 1 - x cancels near 0: sum its series x^2/2! + x^3/3! + ... instead,
        # until a term no longer changes the sum
        term, total, k = x * x / 2, 0.0, 2
        while total + term != total:
            total += term
            k += 1
            term *= x / k
        return total / 2
    return r * (r / 2) - (1 + x) / 2


def gaussian_kl(mu1, s1, mu2, s2, base=math.e) -> float:
    """D(N(mu1, s1^2) || N(mu2, s2^2)) in closed form.

    log(s2 / s1) + (s1^2 + (mu1 - mu2)^2) / (2 s2^2) - 1/2, computed as
    (r^2 - 1 - 2 log r) / 2 + ((mu1 - mu2) / s2)^2 / 2 with r = s1 / s2: two
    terms that are never negative, the first as a series where the formula
    would cancel, so that nearly equal Gaussians keep their small divergence.
    The tests hold it to 1e-13 relative against 80-digit arithmetic.  Never
    negative; 0 when the two are the same; ``inf`` when the value is beyond the
    largest float.
    """
    mu1, mu2 = _scalar(mu1, "mu1"), _scalar(mu2, "mu2")
    s1, s2 = _positive(s1, "s1"), _positive(s2, "s2")
    shift = (mu1 - mu2) / s2
    return (_gaussian_kl_spread(s1, s2) + shift * shift / 2) / _log_base(base)


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


#: The most grid points ``reverse_kl`` will use (16 MB per array).
MAX_GRID_POINTS = 2_000_000


def _reverse_kl_grid(mu, s, sep, sigma) -> np.ndarray:
    """The points at which ``reverse_kl`` evaluates its integrand q (log q - log p).

    The integrand is weighted by q, so the grid spans q's mass, mu - 10 s to
    mu + 10 s (all but 2e-23 of it), wherever p's bumps are.  Its spacing is a
    quarter of the finest length in the integrand.  log q is a parabola, and so
    is log p apart from a crease midway between the bumps, where it turns from
    following one bump to following the other:
    log p(x) = log N(x; 0, sigma^2) - sep^2 / (2 sigma^2) + log cosh(sep x / sigma^2),
    and log cosh bends over a width sigma^2 / |sep|.  So the finest length is
    q's width s or the crease's width sigma^2 / |sep|, whichever is smaller.
    """
    finest = min(s, sigma**2 / abs(sep)) if sep != 0 else s
    n = math.ceil(20 * s / (finest / 4)) + 1
    if n > MAX_GRID_POINTS:
        raise ValueError(
            f"s = {s!r} is too wide for reverse_kl's grid: with sigma = {sigma!r} and sep = {sep!r} "
            f"it would need {n:,} points, more than {MAX_GRID_POINTS:,}"
        )
    return np.linspace(mu - 10 * s, mu + 10 * s, n)


def reverse_kl(mu, s, sep, sigma=1.0) -> float:
    """D(q||p) in nats for q = N(mu, s^2) and p the two-mode mixture, by quadrature.

    The trapezoid rule on a grid that follows q, not p: it spans q's mass
    (mu +- 10 s), because the integrand is weighted by q, and its spacing is a
    quarter of q's width or of the width of the crease in log p between the
    bumps, whichever is smaller.  The tests hold it to 1e-9 (relative, or
    absolute below 1) against adaptive quadrature, for q from 100 times
    narrower to 20 times wider than p's bumps.  A q so wide that the grid would
    need more than ``MAX_GRID_POINTS`` points raises ValueError.
    """
    mu, sep = _scalar(mu, "mu"), _scalar(sep, "sep")
    s, sigma = _positive(s, "s"), _positive(sigma, "sigma")
    x = _reverse_kl_grid(mu, s, sep, sigma)
    logq = gaussian_logpdf(x, mu, s)
    q = np.exp(logq)
    return float(np.trapezoid(q * (logq - mixture_logpdf(x, sep, sigma)), x))


def reverse_kl_fit(sep, sigma=1.0):
    """(mu, sigma) of the Gaussian q minimising D(q||p), with mu >= 0.

    Nelder-Mead over (mu, log s) from two starts, one between the modes and
    one on the right mode; the better optimum wins.  By symmetry (-mu, sigma)
    is an equally good fit.  The tests hold mu and s to within 2e-4 sigma of
    the true minimiser (the objective is flattest in mu just before the fit
    jumps from the middle onto a mode).
    """
    from scipy.optimize import minimize

    sep, sigma = _scalar(sep, "sep"), _positive(sigma, "sigma")

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
