"""Activation functions, each with its derivative on the same object.

Every activation maps the pre-activation ``z`` (n_samples, n_units) to ``a = f(z)``
of the same shape. ``df(z)`` is the element-wise derivative f'(z), and
``backward(z, a, grad_a)`` turns the gradient of the loss with respect to ``a``
into the gradient with respect to ``z`` (the chain rule, chapter 3):

    dL/dz = dL/da * f'(z)        (element-wise, the Hadamard product)

Softmax is the exception: each output depends on every input of its row, so its
``backward`` multiplies by the Jacobian instead of an element-wise derivative.
All forms are numerically stable for |z| up to 1e4 (no overflow, no NaN).
"""
import numpy as np


class Activation:
    """Base class: ``f`` is the function, ``df`` its element-wise derivative."""

    name = "activation"

    def f(self, z):
        raise NotImplementedError

    def df(self, z):
        raise NotImplementedError

    def __call__(self, z):
        return self.f(z)

    def backward(self, z, a, grad_a):
        """dL/dz = dL/da * f'(z) (element-wise)."""
        return grad_a * self.df(z)

    def __repr__(self):
        return f"{type(self).__name__}()"


class Sigmoid(Activation):
    """sigma(z) = 1 / (1 + e^-z);  sigma'(z) = sigma(z) (1 - sigma(z)).

    Stable form: for z < 0 use e^z / (1 + e^z), so exp never sees a large
    positive argument.
    """

    name = "sigmoid"

    def f(self, z):
        e = np.exp(-np.abs(z))                      # in (0, 1]: never overflows
        return np.where(z >= 0, 1 / (1 + e), e / (1 + e))

    def df(self, z):
        s = self.f(z)
        return s * (1 - s)

    def backward(self, z, a, grad_a):
        return grad_a * a * (1 - a)                 # reuse a = sigma(z)


class Tanh(Activation):
    """tanh(z);  tanh'(z) = 1 - tanh(z)^2."""

    name = "tanh"

    def f(self, z):
        return np.tanh(z)

    def df(self, z):
        return 1 - np.tanh(z) ** 2

    def backward(self, z, a, grad_a):
        return grad_a * (1 - a * a)


class ReLU(Activation):
    """relu(z) = max(0, z);  relu'(z) = 1 if z > 0 else 0."""

    name = "relu"

    def f(self, z):
        return np.maximum(z, 0)

    def df(self, z):
        return (z > 0).astype(z.dtype)

    def backward(self, z, a, grad_a):
        return grad_a * (z > 0)


class LeakyReLU(Activation):
    """leaky(z) = z if z > 0 else alpha z;  derivative 1 or alpha.

    The small slope ``alpha`` keeps a gradient flowing for negative z, so a unit
    cannot "die" (stay at zero output with zero gradient forever).
    """

    name = "leaky_relu"

    def __init__(self, alpha=0.01):
        self.alpha = alpha

    def f(self, z):
        return np.where(z > 0, z, self.alpha * z)

    def df(self, z):
        return np.where(z > 0, 1.0, self.alpha).astype(z.dtype)

    def __repr__(self):
        return f"LeakyReLU(alpha={self.alpha})"


class Softmax(Activation):
    """softmax(z)_k = e^{z_k} / sum_j e^{z_j}, row by row.

    Stable form: subtract each row's maximum first (the result is unchanged).
    Jacobian: d a_k / d z_j = a_k (1[k=j] - a_j), so
    dL/dz = a * (dL/da - sum_k dL/da_k a_k).
    """

    name = "softmax"

    def f(self, z):
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def df(self, z):
        raise NotImplementedError(
            "softmax has no element-wise derivative (each output depends on the whole row); "
            "use Softmax().backward(z, a, grad_a), which applies its Jacobian")

    def backward(self, z, a, grad_a):
        return a * (grad_a - (grad_a * a).sum(axis=1, keepdims=True))


class Identity(Activation):
    """identity(z) = z;  derivative 1 (for regression outputs)."""

    name = "identity"

    def f(self, z):
        return z

    def df(self, z):
        return np.ones_like(z)

    def backward(self, z, a, grad_a):
        return grad_a


ACTIVATIONS = {cls.name: cls for cls in (Sigmoid, Tanh, ReLU, LeakyReLU, Softmax, Identity)}


def get_activation(name_or_obj):
    """Return an Activation from its name ("relu", ...) or pass an Activation through."""
    if isinstance(name_or_obj, Activation):
        return name_or_obj
    if name_or_obj is None:
        return Identity()
    try:
        return ACTIVATIONS[name_or_obj]()
    except (KeyError, TypeError):
        raise ValueError(f"unknown activation {name_or_obj!r}; choose one of "
                         f"{sorted(ACTIVATIONS)} or pass an Activation object") from None
