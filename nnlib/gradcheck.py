"""Gradient checking by central finite differences.

    df/dx_i  ~  (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)     error O(eps^2)

Use float64: in float32 the rounding error of f swamps the difference quotient.
"""
import numpy as np


def numerical_gradient(f, x, eps=1e-6):
    """Central-difference gradient of the scalar f() with respect to the array x.

    ``f`` takes no arguments and reads ``x`` itself; x is nudged in place and
    restored, entry by entry.
    """
    grad = np.zeros_like(x, dtype=np.float64)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        f_plus = f()
        flat[i] = old - eps
        f_minus = f()
        flat[i] = old
        gflat[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_error(a, b):
    """max |a - b| / max(|a|, |b|, tiny): scale-free distance between two gradients."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = max(np.max(np.abs(a), initial=0.0), np.max(np.abs(b), initial=0.0), 1e-12)
    return float(np.max(np.abs(a - b), initial=0.0) / scale)


def check_network(net, X, y, eps=1e-6):
    """Relative error between backprop and finite differences over all parameters at
    once.

    The error is measured against the largest gradient entry of the whole network,
    so a layer whose gradients are tiny (1e-6) is not judged by round-off alone.
    """
    if net.dtype != np.float64:
        raise ValueError(
            "gradient checks need a float64 network (mlp(..., dtype=np.float64)); "
            "float32 rounding hides the difference quotient"
        )
    _, grads = net.gradients(X, y)
    analytic = [g.copy() for g in grads]
    numeric = [
        numerical_gradient(lambda: net.loss(X, y), p, eps) for p in net.params()
    ]
    flat = lambda arrays: np.concatenate([a.reshape(-1) for a in arrays])
    return relative_error(flat(analytic), flat(numeric))
