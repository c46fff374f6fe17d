"""The dense (fully connected) layer and weight initializers.

A batch is a matrix of rows: X is (n_samples, n_in), W is (n_in, n_out), b is (n_out,).

    forward:   z = X W + b            (n, n_out)
               a = f(z)               (n, n_out)
    backward:  dL/dz = dL/da * f'(z)  (n, n_out)   (Softmax: its Jacobian)
               dL/dW = X^T dL/dz      (n_in, n_out)
               dL/db = sum over rows of dL/dz   (n_out,)
               dL/dX = dL/dz W^T      (n, n_in)    passed to the layer below
"""
import numpy as np

from .activations import get_activation


def init_weights(n_in, n_out, method="he", rng=None, std=None, dtype=np.float32):
    """Draw an (n_in, n_out) weight matrix.

    - "normal": N(0, std^2), std defaults to 1 (the classic, often too large, choice)
    - "xavier": N(0, 2 / (n_in + n_out))   (Glorot & Bengio 2010; for tanh/sigmoid)
    - "he":     N(0, 2 / n_in)             (He et al. 2015; for ReLU)
    """
    rng = np.random.default_rng(rng)
    if method == "normal":
        scale = 1.0 if std is None else std
    elif method == "xavier":
        scale = np.sqrt(2.0 / (n_in + n_out))
    elif method == "he":
        scale = np.sqrt(2.0 / n_in)
    else:
        raise ValueError(
            f"unknown init {method!r}; choose 'normal', 'xavier' or 'he'"
        )
    return (rng.standard_normal((n_in, n_out)) * scale).astype(dtype)


class Dense:
    """A fully connected layer: a = f(X W + b)."""

    def __init__(self, n_in, n_out, activation="relu", init="he", std=None, rng=None, dtype=np.float32):
        if int(n_in) < 1 or int(n_out) < 1:
            raise ValueError(f"a Dense layer needs at least one input and one output, got {n_in} -> {n_out}")
        self.activation = get_activation(activation)
        self.init = init
        self.W = init_weights(int(n_in), int(n_out), init, rng, std, dtype)
        self.b = np.zeros(int(n_out), dtype=dtype)
        self.dW = np.zeros_like(self.W)
        self.db = np.zeros_like(self.b)
        self.name = "dense"
        self.X = self.z = self.a = None

    @property
    def n_in(self):
        return self.W.shape[0]

    @property
    def n_out(self):
        return self.W.shape[1]

    def forward(self, X):
        """z = X W + b, a = f(z); keeps X, z, a for the backward pass."""
        if X.ndim != 2 or X.shape[1] != self.n_in:
            raise ValueError(
                f"layer {self.name} expects input of shape (n_samples, {self.n_in}) "
                f"but got {X.shape}; check the input width (and flatten images)"
            )
        self.X = X
        self.z = X @ self.W + self.b
        self.a = self.activation.f(self.z)
        return self.a

    def backward(self, grad_a, need_grad_X=True):
        """From dL/da to the parameter gradients; returns dL/dX (or None)."""
        grad_z = self.activation.backward(self.z, self.a, grad_a)
        return self.backward_z(grad_z, need_grad_X)

    def backward_z(self, grad_z, need_grad_X=True):
        """From dL/dz: dW = X^T dL/dz, db = column sums; returns dL/dX = dL/dz W^T."""
        if self.X is None:
            raise RuntimeError(f"layer {self.name}: call forward before backward")
        np.matmul(self.X.T, grad_z, out=self.dW)
        np.sum(grad_z, axis=0, out=self.db)
        return grad_z @ self.W.T if need_grad_X else None

    def __repr__(self):
        return f"Dense({self.n_in}, {self.n_out}, activation={self.activation.name!r})"
