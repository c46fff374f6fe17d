"""A network: a stack of Dense layers and a loss.

    a_0 = X,   z_l = a_{l-1} W_l + b_l,   a_l = f_l(z_l)   for l = 1..m,   output a_m
    backward:  delta_m = dL/dz_m (from the loss),
               delta_l = (delta_{l+1} W_{l+1}^T) * f_l'(z_l)      (* is the Hadamard product),
               dL/dW_l = a_{l-1}^T delta_l,   dL/db_l = column sums of delta_l
"""
import numpy as np

from .layers import Dense
from .losses import get_loss


ALIGN = 64  # bytes: each array in a packed vector starts where a fresh numpy array would


def pack(arrays):
    """Copy ``arrays`` (one dtype) into one new 1-D vector; return (vector, views of it shaped
    like the arrays). Each view starts at a multiple of ALIGN bytes; the gaps between them
    are zeros that stay zero (their gradients are zero, so no optimizer moves them)."""
    step = max(1, ALIGN // arrays[0].dtype.itemsize)
    starts, end = [], 0
    for a in arrays:
        starts.append(end)
        end += -(-a.size // step) * step             # the size rounded up to a whole ALIGN
    raw = np.zeros(end + step, dtype=arrays[0].dtype)   # room to move the start onto ALIGN
    shift = (-raw.ctypes.data % ALIGN) // raw.itemsize
    vector = raw[shift:shift + end]
    views = [vector[start:start + a.size].reshape(a.shape) for a, start in zip(arrays, starts)]
    for a, view in zip(arrays, views):
        view[...] = a
    return vector, views


class Network:
    """Layers applied in order, and the loss that trains them."""

    def __init__(self, layers, loss="mse"):
        if not layers:
            raise ValueError("a Network needs at least one layer")
        for i, (lower, upper) in enumerate(zip(layers, layers[1:])):
            if lower.n_out != upper.n_in:
                raise ValueError(f"layer {i + 1} outputs {lower.n_out} values but layer {i + 2} expects "
                                 f"{upper.n_in}; make consecutive sizes match")
        for i, layer in enumerate(layers):
            layer.name = f"{i + 1} (Dense {layer.n_in}->{layer.n_out})"
        self.layers = list(layers)
        self.loss_fn = get_loss(loss)
        out = self.layers[-1].activation.name
        if self.loss_fn.output and out != self.loss_fn.output:
            raise ValueError(f"the {self.loss_fn.name} loss needs a {self.loss_fn.output} output layer, "
                             f"but the last layer uses {out}")
        self.dtype = self.layers[0].W.dtype
        self.theta = self.grad = None
        if all(p.dtype == self.dtype for p in self.params()):
            self._pack()

    def _pack(self):
        """Put all parameters back to back in one vector, ``theta``, and all gradients in
        another, ``grad``. Every layer keeps its W, b, dW, db, now views of the two vectors
        (the values do not change), so an optimizer can update the whole network with one
        numpy call per operation: ``Adam([net.theta]).step([net.grad])``, as fit does."""
        self.theta, params = pack(self.params())
        self.grad, grads = pack(self.grads())
        for i, layer in enumerate(self.layers):
            layer.W, layer.b = params[2 * i], params[2 * i + 1]
            layer.dW, layer.db = grads[2 * i], grads[2 * i + 1]

    @property
    def sizes(self):
        return [self.layers[0].n_in] + [layer.n_out for layer in self.layers]

    def forward(self, X):
        """Output activations a_m (n_samples, n_outputs) for inputs X (n_samples,
        n_in)."""
        a = np.asarray(X, dtype=self.dtype)
        if a.ndim == 1:
            raise ValueError(
                f"X must be 2-D (n_samples, {self.sizes[0]}); "
                "for one sample use X[None, :]"
            )
        for layer in self.layers:
            a = layer.forward(a)
        return a

    __call__ = forward

    def predict(self, X):
        """Class labels: argmax of the outputs, or a >= 0.5 for a single output unit."""
        a = self.forward(X)
        if a.shape[1] == 1:
            return (a[:, 0] >= 0.5).astype(np.int64)
        return a.argmax(axis=1)

    def loss(self, X, y):
        """Mean loss over the samples of X."""
        a = self.forward(X)
        return self.loss_fn.value(self.layers[-1].z, a, y)

    def backward(self, y):
        """Backpropagate from the last forward pass; fills every layer's dW and db."""
        top = self.layers[-1]
        delta = self.loss_fn.delta(top.z, top.a, y, top.activation)
        grad = top.backward_z(delta, len(self.layers) > 1)
        for i in range(len(self.layers) - 2, -1, -1):
            grad = self.layers[i].backward(grad, need_grad_X=i > 0)

    def gradients(self, X, y):
        """Loss and gradients for a batch: returns (loss, [dW1, db1, dW2, db2, ...])."""
        value = self.loss(X, y)
        self.backward(y)
        return value, self.grads()

    def params(self):
        """The live parameter arrays [W1, b1, W2, b2, ...] (an optimizer updates them in place)."""
        return [p for layer in self.layers for p in (layer.W, layer.b)]

    def grads(self):
        """The gradient arrays [dW1, db1, ...], in the order of params()."""
        return [g for layer in self.layers for g in (layer.dW, layer.db)]

    def vectors(self):
        """(parameters, gradients) to build and step an optimizer on: ([theta], [grad]),
        one vector each, or (params(), grads()) for a network whose layers mix dtypes."""
        if self.theta is None:
            return self.params(), self.grads()
        return [self.theta], [self.grad]

    def n_params(self):
        return sum(p.size for p in self.params())

    def __repr__(self):
        acts = ", ".join(layer.activation.name for layer in self.layers)
        return f"Network(sizes={self.sizes}, activations=[{acts}], loss={self.loss_fn.name!r})"


def mlp(sizes, hidden="relu", output="softmax", loss="cross_entropy", init="he", std=None,
        seed=0, dtype=np.float32, output_init=None):
    """A multi-layer perceptron: mlp([784, 128, 64, 10]) has two hidden layers.

    All hidden layers use ``hidden``; the last uses ``output``. Weights come from one
    generator seeded with ``seed``, so the same call gives the same network.
    """
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least an input and an output size, got {sizes}")
    rng = np.random.default_rng(seed)
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
        last = i == len(sizes) - 2
        method = (output_init or init) if last else init
        layers.append(Dense(n_in, n_out, output if last else hidden, method, std, rng, dtype))
    return Network(layers, loss)
