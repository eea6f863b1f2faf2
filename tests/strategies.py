"""Hypothesis strategies shared by the property tests."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st


@st.composite
def distributions(draw, n=None, min_size=1, max_size=8, positive=False):
    """A probability distribution over n outcomes; zeros allowed unless ``positive``."""
    size = draw(st.integers(min_size, max_size)) if n is None else n
    low = 1e-3 if positive else 0.0
    w = np.array(draw(st.lists(st.floats(low, 1.0), min_size=size, max_size=size)))
    if w.sum() < 1e-3:          # all (near) zero: put the mass on the first outcome
        w[0] = 1.0
    return w / w.sum()


@st.composite
def pairs(draw, positive_q=False):
    """(p, q) over the same outcomes; q strictly positive if ``positive_q``."""
    n = draw(st.integers(1, 8))
    return draw(distributions(n=n)), draw(distributions(n=n, positive=positive_q))


def logits(max_abs=1e4, min_size=1, max_size=10):
    """A vector of logits, up to ``max_abs`` in size."""
    return st.lists(st.floats(-max_abs, max_abs), min_size=min_size, max_size=max_size).map(np.array)
