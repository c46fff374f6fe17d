"""Optimizers: they update the parameter arrays in place from their gradients.

Each follows torch.optim's update exactly, so that one step here and there
gives the same numbers (tested in tests/test_optim_train.py).

An optimizer takes a list of parameter arrays and steps with the list of their
gradients, in the same order: ``net.params()`` and ``net.grads()``, one array
per weight matrix and bias; or ``[net.theta]`` and ``[net.grad]``, a Network's
two vectors that hold all its parameters and gradients back to back, so that a
step costs a dozen numpy calls however many layers there are (what fit uses).
The numbers are the same either way.

- SGD:       W <- W - lr g
- Momentum:  v <- beta v + g;   W <- W - lr v        (torch's SGD with momentum)
- Adam:      m <- b1 m + (1 - b1) g;   s <- b2 s + (1 - b2) g^2
             W <- W - lr (m / (1 - b1^t)) / (sqrt(s / (1 - b2^t)) + eps)   (Kingma & Ba 2015)
"""
import math

import numpy as np


class Optimizer:
    name = "optimizer"

    def __init__(self, params, lr):
        if lr <= 0:
            raise ValueError(f"the learning rate must be positive, got {lr}")
        self.params = list(params)
        self.lr = lr

    def zeros(self):
        """A zero buffer per parameter array."""
        return [np.zeros_like(p) for p in self.params]

    def pairs(self, grads, *buffers):
        """(parameter, gradient, buffers...) for each parameter array, after checking that
        the gradients match the parameters one to one."""
        grads = list(grads)
        if [g.shape for g in grads] != [p.shape for p in self.params]:
            raise ValueError(f"{type(self).__name__}.step got gradients of shapes "
                             f"{[g.shape for g in grads]} for parameters of shapes "
                             f"{[p.shape for p in self.params]}; an optimizer built on "
                             "net.params() steps with net.grads(), one built on [net.theta] "
                             "with [net.grad]")
        return zip(self.params, grads, *buffers)

    def step(self, grads):
        raise NotImplementedError

    def state(self):
        """Arrays to save for resuming (see nnlib.io)."""
        return {}

    def load_state(self, state):
        pass

    def __repr__(self):
        return f"{type(self).__name__}(lr={self.lr})"


class SGD(Optimizer):
    name = "sgd"

    def step(self, grads):
        for p, g in self.pairs(grads):
            p -= self.lr * g


class Momentum(Optimizer):
    name = "momentum"

    def __init__(self, params, lr, beta=0.9):
        super().__init__(params, lr)
        self.beta = beta
        self.v = self.zeros()
        self.t = 0

    def step(self, grads):
        first = self.t == 0
        self.t += 1
        for p, g, v in self.pairs(grads, self.v):
            if first:
                v[...] = g                       # torch starts the buffer at the first gradient
            else:
                v *= self.beta
                v += g
            p -= self.lr * v

    def state(self):
        return {"t": np.array(self.t), **{f"v{i}": v for i, v in enumerate(self.v)}}

    def load_state(self, state):
        self.t = int(state["t"])
        for i, v in enumerate(self.v):
            v[...] = state[f"v{i}"]


class Adam(Optimizer):
    name = "adam"

    def __init__(self, params, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(params, lr)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m, self.s = self.zeros(), self.zeros()
        self.buf = self.zeros()  # scratch space: no allocation per step
        self.t = 0

    def step(self, grads):
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        # bias corrections (Python floats keep float32 arrays float32)
        c1 = 1 - b1 ** self.t
        c2 = math.sqrt(1 - b2 ** self.t)
        for p, g, m, s, buf in self.pairs(grads, self.m, self.s, self.buf):
            m *= b1                              # m <- b1 m + (1 - b1) g
            np.multiply(g, 1 - b1, out=buf)
            m += buf
            s *= b2                              # s <- b2 s + (1 - b2) g^2
            np.multiply(g, g, out=buf)
            buf *= 1 - b2
            s += buf
            # W <- W - (lr / c1) m / (sqrt(s) / c2 + eps)
            np.sqrt(s, out=buf)
            buf /= c2
            buf += self.eps
            np.divide(m, buf, out=buf)
            buf *= self.lr / c1
            p -= buf

    def state(self):
        return {"t": np.array(self.t), **{f"m{i}": m for i, m in enumerate(self.m)},
                **{f"s{i}": s for i, s in enumerate(self.s)}}

    def load_state(self, state):
        self.t = int(state["t"])
        for i in range(len(self.params)):
            self.m[i][...] = state[f"m{i}"]
            self.s[i][...] = state[f"s{i}"]


OPTIMIZERS = {cls.name: cls for cls in (SGD, Momentum, Adam)}


def get_optimizer(name_or_obj, params, lr):
    """An optimizer from its name ("sgd", "momentum", "adam") or an Optimizer passed through."""
    if isinstance(name_or_obj, Optimizer):
        return name_or_obj
    try:
        cls = OPTIMIZERS[name_or_obj]
    except (KeyError, TypeError):
        raise ValueError(f"unknown optimizer {name_or_obj!r}; choose one of {sorted(OPTIMIZERS)}") from None
    return cls(params, lr)
