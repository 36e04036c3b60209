"""Leave-one-out weighted sums, computed for all deletions at once.

Case-deletion refits need, for every left-out study ``i`` and its own tau^2
value ``t_i``, sums over the other studies of powers of ``w = 1/(v + t_i)``.
Done naively that is k refits of O(k) each. Here the sums

    F(t) = sum_j w_j(t)^n y_j^m   and   sum_j log(v_j + t)

are smooth functions of the scalar ``t``, so for large k they are evaluated
exactly at Chebyshev nodes spanning ``[min t_i, max t_i]`` and interpolated
(the interpolation error is checked against direct evaluation at extra points
and the node count doubled until it is below 1e-13 relative); the own-study
term is then subtracted exactly. When the interval is wide relative to its
distance from the poles at ``t = -v_j``, or k is small, the sums are computed
directly in chunks. Either way the cost is O(k * nodes) rather than O(k^2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.polynomial import chebyshev as C

DIRECT_MAX_K = 400
CHUNK = 2_000_000  # matrix entries per chunk in the direct path
REL_TOL = 1e-13


@dataclass
class Sums:
    """Sums over j != i at ``t_i`` (arrays of length k)."""

    a1: np.ndarray
    a2: np.ndarray
    a3: np.ndarray
    b1: np.ndarray
    b2: np.ndarray
    c1: np.ndarray
    c2: np.ndarray
    logs: np.ndarray


def _full_sums(y: np.ndarray, v: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Full sums (over all j) for each t: array (8, len(t))."""
    out = np.empty((8, t.size))
    step = max(1, CHUNK // max(1, v.size))
    for s in range(0, t.size, step):
        tt = t[s : s + step, None]
        w = 1.0 / (v[None, :] + tt)
        w2 = w * w
        out[0, s : s + step] = w.sum(1)
        out[1, s : s + step] = w2.sum(1)
        out[2, s : s + step] = (w2 * w).sum(1)
        out[3, s : s + step] = w @ y
        out[4, s : s + step] = w2 @ y
        out[5, s : s + step] = w @ (y * y)
        out[6, s : s + step] = w2 @ (y * y)
        out[7, s : s + step] = np.log(v[None, :] + tt).sum(1)
    return out


def _own(y: np.ndarray, v: np.ndarray, t: np.ndarray) -> np.ndarray:
    w = 1.0 / (v + t)
    return np.stack([w, w**2, w**3, w * y, w**2 * y, w * y * y, w**2 * y * y, np.log(v + t)])


def _interpolated(y: np.ndarray, v: np.ndarray, t: np.ndarray) -> np.ndarray | None:
    lo, hi = float(t.min()), float(t.max())
    if hi - lo <= 1e-15 * max(1.0, hi):
        return np.repeat(_full_sums(y, v, np.array([lo])), t.size, axis=1)
    # Geometric convergence needs the poles (t = -v_j) far from the interval.
    dist = float(v.min()) + lo
    if dist <= 0 or (hi - lo) / dist > 4:
        return None
    for n in (16, 32, 64):
        nodes = np.cos(np.pi * (np.arange(n) + 0.5) / n)
        tn = lo + (nodes + 1) * (hi - lo) / 2
        vals = _full_sums(y, v, tn)
        coef = C.chebfit(nodes, vals.T, n - 1)
        check = np.linspace(-1, 1, 7)
        approx = C.chebval(check, coef)
        exact = _full_sums(y, v, lo + (check + 1) * (hi - lo) / 2)
        scale = np.abs(exact) + np.abs(vals).max(axis=1, keepdims=True) * 1e-3
        if np.all(np.abs(approx - exact) <= REL_TOL * scale):
            x = 2 * (t - lo) / (hi - lo) - 1
            return C.chebval(x, coef)
    return None


def loo_sums(y: np.ndarray, v: np.ndarray, t: np.ndarray) -> Sums:
    """Sums over all studies but ``i``, with weights at ``t[i]``, for every ``i``."""
    full = None
    if y.size > DIRECT_MAX_K:
        full = _interpolated(y, v, t)
    if full is None:
        full = _full_sums(y, v, t)
    s = full - _own(y, v, t)
    return Sums(*s)


def full_a1(v: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``sum_j 1/(v_j + t_i)`` over all studies, for every ``t_i``."""
    own = 1.0 / (v + t)
    return loo_sums(np.zeros_like(v), v, t).a1 + own
