"""Loss functions with their gradients, side by side (as in Nielsen's network2.py).

A loss compares the network's output ``a = f(z)`` (n_samples, n_outputs) with the
targets ``y`` and returns one number, the mean over the samples. ``delta`` returns
dL/dz for the output layer, the starting point of backpropagation (chapter 3).

Each loss is paired with the output activation it suits:

- ``MSE`` works with any output activation:  L = 1/(2n) sum_i ||a_i - y_i||^2.
  The factor 1/2 cancels the 2 of the derivative: dL/da = (a - y) / n.
- ``BinaryCrossEntropy`` needs a sigmoid output:
  L = -1/n sum_i [y_i log a_i + (1 - y_i) log(1 - a_i)],  and dL/dz = (a - y) / n.
- ``CrossEntropy`` needs a softmax output:  L = -1/n sum_i log a_{i, y_i},  and
  dL/dz = (a - Y) / n with Y the one-hot targets.

Both cross-entropies are computed from z, never as log(a), so log(0) cannot happen.
"""
import numpy as np


def _check_finite(y):
    if not np.all(np.isfinite(y)):
        raise ValueError("the targets y contain NaN or inf; clean the data before training")


def as_targets(y, a):
    """Return y as a float array shaped like a ((n,) becomes (n, 1) for one output)."""
    y = np.asarray(y)
    if y.ndim == 1 and a.shape[1] == 1:
        y = y[:, None]
    if y.shape != a.shape:
        raise ValueError(f"targets y have shape {y.shape} but the network outputs shape {a.shape}; "
                         "give one target per output unit (one-hot encode class labels)")
    _check_finite(y)
    return y.astype(a.dtype, copy=False)


def as_one_hot(y, n_classes, dtype=np.float32):
    """Integer labels (n,) -> one-hot (n, n_classes); a one-hot y is checked and returned."""
    y = np.asarray(y)
    if y.ndim == 2:
        if y.shape[1] != n_classes:
            raise ValueError(f"one-hot targets have {y.shape[1]} columns but the network has {n_classes} outputs")
        _check_finite(y)
        return y.astype(dtype, copy=False)
    Y = np.zeros((y.shape[0], n_classes), dtype=dtype)
    Y[np.arange(y.shape[0]), _labels(y, n_classes)] = 1
    return Y


class Loss:
    name = "loss"
    output = None            # the output activation this loss requires (None: any)

    def value(self, z, a, y):
        raise NotImplementedError

    def delta(self, z, a, y, activation):
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}()"


class MSE(Loss):
    """Mean squared error with the 1/2 convention: L = 1/(2n) sum_i ||a_i - y_i||^2."""

    name = "mse"

    def value(self, z, a, y):
        y = as_targets(y, a)
        return float(0.5 * np.sum((a - y) ** 2) / a.shape[0])

    def delta(self, z, a, y, activation):
        y = as_targets(y, a)
        return activation.backward(z, a, (a - y) / a.shape[0])   # dL/dz = (a - y) * f'(z) / n

    @staticmethod
    def mse(a, y):
        """The plain mean of (a - y)^2 over every entry (what torch's MSELoss computes)."""
        a = np.asarray(a)
        return float(np.mean((a - as_targets(y, a)) ** 2))


class BinaryCrossEntropy(Loss):
    """L = -1/n sum [y log a + (1-y) log(1-a)] with a = sigmoid(z), computed from z.

    log sigmoid(z) = -softplus(-z) and log(1 - sigmoid(z)) = -softplus(z), with
    softplus(t) = max(t, 0) + log(1 + e^-|t|), so per entry
    loss = max(z, 0) - z y + log(1 + e^-|z|).
    """

    name = "bce"
    output = "sigmoid"

    def value(self, z, a, y):
        y = as_targets(y, a)
        per_entry = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
        return float(per_entry.sum() / a.shape[0])

    def delta(self, z, a, y, activation):
        return (a - as_targets(y, a)) / a.shape[0]


class CrossEntropy(Loss):
    """Softmax + categorical cross-entropy, fused: L = 1/n sum_i [logsumexp(z_i) - z_{i,y_i}].

    y may be integer labels (n,) or one-hot rows (n, k). The gradient with respect
    to z is (softmax(z) - Y) / n.
    """

    name = "cross_entropy"
    output = "softmax"

    def value(self, z, a, y):
        m = z.max(axis=1, keepdims=True)
        logsumexp = m[:, 0] + np.log(np.exp(z - m).sum(axis=1))
        return float(np.sum(logsumexp - _true_class_score(z, y)) / z.shape[0])

    def delta(self, z, a, y, activation):
        y = np.asarray(y)
        if y.ndim == 2:
            return (a - as_one_hot(y, z.shape[1], z.dtype)) / z.shape[0]
        labels = _labels(y, z.shape[1])
        d = a.copy()                              # (a - Y) / n without building Y
        d[np.arange(len(labels)), labels] -= 1
        d /= z.shape[0]
        return d


def _labels(y, n_classes):
    """Integer labels (n,) checked like as_one_hot does."""
    if y.ndim != 1 or not (np.issubdtype(y.dtype, np.integer) or np.all(np.mod(y, 1) == 0)):
        raise ValueError("class labels must be a 1-D array of integers 0..k-1 (or one-hot rows)")
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"class labels must lie in 0..{n_classes - 1} for a network with {n_classes} outputs; "
                         f"got labels from {int(y.min())} to {int(y.max())}")
    return y.astype(np.int64, copy=False)


def _true_class_score(z, y):
    """z_{i, y_i} for integer labels, or sum_k Y_ik z_ik for one-hot rows."""
    y = np.asarray(y)
    if y.ndim == 2:
        return (z * as_one_hot(y, z.shape[1], z.dtype)).sum(axis=1)
    return z[np.arange(len(y)), _labels(y, z.shape[1])]


LOSSES = {cls.name: cls for cls in (MSE, BinaryCrossEntropy, CrossEntropy)}


def get_loss(name_or_obj):
    """Return a Loss from its name ("mse", "bce", "cross_entropy") or pass a Loss through."""
    if isinstance(name_or_obj, Loss):
        return name_or_obj
    try:
        return LOSSES[name_or_obj]()
    except (KeyError, TypeError):
        raise ValueError(f"unknown loss {name_or_obj!r}; choose one of {sorted(LOSSES)}") from None
