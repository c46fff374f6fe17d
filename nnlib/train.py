"""The training loop: mini-batch gradient descent with everything a chapter needs.

One epoch shuffles the training set (with its own generator, seeded by
(seed, epoch), so a run stopped and resumed at an epoch boundary repeats the
same batches), then for each mini-batch: forward, loss, backward, optional
gradient clipping, one optimizer step. The history keeps per-epoch figures.
"""
import math
import time

import numpy as np
from tqdm import tqdm

from .optim import get_optimizer


class TrainingDiverged(RuntimeError):
    """The loss or a gradient became NaN or infinite; ``.history`` holds the epochs before it."""

    history = None


class History(dict):
    """Per-epoch lists: "loss", "acc" (classification), "val_loss", "val_acc", "time" (seconds)."""

    @property
    def epochs(self):
        return len(self.get("loss", []))

    def last(self, key):
        return self[key][-1]

    def append(self, **values):
        for key, value in values.items():
            self.setdefault(key, []).append(value)


def is_classifier(net):
    return net.loss_fn.name in ("cross_entropy", "bce") or net.layers[-1].activation.name in ("sigmoid", "softmax")


def n_correct(a, y):
    """How many rows of the outputs a predict the class in y (labels or one-hot/0-1 targets)."""
    y = np.asarray(y)
    if a.shape[1] == 1:
        return int(np.sum((a[:, 0] >= 0.5) == (y.reshape(-1) >= 0.5)))
    labels = y.argmax(axis=1) if y.ndim == 2 else y
    return int(np.sum(a.argmax(axis=1) == labels))


def check_data(net, X, y, name="X"):
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] != net.sizes[0]:
        raise ValueError(f"{name} must have shape (n_samples, {net.sizes[0]}) for this network, got {X.shape}")
    if len(X) != len(y):
        raise ValueError(f"{name} has {len(X)} samples but its targets have {len(y)}")
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{name} contains NaN or inf values; clean or impute the data before training")
    if not np.all(np.isfinite(np.asarray(y, dtype=float))):
        raise ValueError(f"the targets for {name} contain NaN or inf values")


def evaluate(net, X, y, batch_size=4096):
    """Mean loss (and accuracy for a classifier) over a whole data set, in chunks."""
    check_data(net, X, y)
    total, correct = 0.0, 0
    for start in range(0, len(X), batch_size):
        Xb, yb = X[start:start + batch_size], y[start:start + batch_size]
        a = net.forward(Xb)
        total += net.loss_fn.value(net.layers[-1].z, a, yb) * len(Xb)
        correct += n_correct(a, yb)
    result = {"loss": total / len(X)}
    if is_classifier(net):
        result["acc"] = correct / len(X)
    return result


def clip_gradients(grads, clip_norm=None, clip_value=None):
    """Clip in place: each entry to [-clip_value, clip_value], then the global norm to
    clip_norm.

    Returns the global norm before norm clipping (as torch.nn.utils.clip_grad_norm_
    does).
    """
    if clip_value is not None:
        for g in grads:
            np.clip(g, -clip_value, clip_value, out=g)
    # vdot: no temporary g * g
    norm = math.sqrt(sum(float(np.vdot(g, g)) for g in grads))
    if clip_norm is not None and norm > clip_norm:
        scale = clip_norm / (norm + 1e-6)
        for g in grads:
            g *= scale
    return norm


def _diverged(epoch, batch, what, lr, clip_norm, history):
    hint = "add gradient clipping (e.g. clip_norm=1.0), " if clip_norm is None else ""
    error = TrainingDiverged(
        f"training diverged at epoch {epoch + 1}, batch {batch + 1}: {what} became NaN or infinite. "
        f"Try a lower learning rate (now {lr}), {hint}a smaller weight initialization, "
        f"or check the inputs are scaled (e.g. to [0, 1]).")
    error.history = history
    return error


def fit(net, X, y, epochs=10, batch_size=32, optimizer="sgd", lr=0.1, X_val=None, y_val=None,
        target_loss=None, clip_norm=None, clip_value=None, seed=0, progress=False, verbose=False,
        start_epoch=0, history=None):
    """Train ``net`` on (X, y) and return its History.

    batch_size=None trains on the full batch; batch_size=1 is single-sample SGD.
    ``optimizer`` is a name ("sgd", "momentum", "adam") or an Optimizer built on
    net.params() or on [net.theta] (all parameters in one vector, as fit builds it:
    fewer numpy calls, the same numbers). Training stops early when an epoch's training loss reaches
    ``target_loss``. ``verbose=k`` prints every k-th epoch; ``progress`` shows a
    tqdm bar. To resume, pass the saved optimizer, ``start_epoch`` and ``history``.
    """
    check_data(net, X, y)
    if X_val is not None:
        check_data(net, X_val, y_val, "X_val")
    X = np.asarray(X, dtype=net.dtype)
    y = np.asarray(y)
    params, vector_grads = net.vectors()
    opt = get_optimizer(optimizer, params, lr)
    # an Optimizer passed in may be built on net.params() instead: it steps with grads
    on_vectors = opt.params[0] is params[0]
    history = History() if history is None else history
    n = len(X)
    batch_size = n if batch_size is None else int(batch_size)
    classify = is_classifier(net)
    every = int(verbose)
    epochs_bar = tqdm(range(start_epoch, epochs), disable=not progress, desc="training", unit="epoch")
    for epoch in epochs_bar:
        t0 = time.perf_counter()
        order = np.random.default_rng([seed, epoch]).permutation(n)
        total, correct = 0.0, 0
        for batch, start in enumerate(range(0, n, batch_size)):
            idx = order[start:start + batch_size]
            Xb, yb = X[idx], y[idx]
            with np.errstate(over="ignore", invalid="ignore"):   # divergence is reported below, clearly
                value, grads = net.gradients(Xb, yb)
            if not np.isfinite(value):
                raise _diverged(epoch, batch, "the loss", opt.lr, clip_norm, history)
            with np.errstate(over="ignore", invalid="ignore"):
                norm = clip_gradients(grads, clip_norm, clip_value)
            if not np.isfinite(norm):
                raise _diverged(epoch, batch, "a gradient", opt.lr, clip_norm, history)
            total += value * len(idx)
            if classify:
                correct += n_correct(net.layers[-1].a, yb)
            opt.step(vector_grads if on_vectors else grads)
        record = {"loss": total / n}
        if classify:
            record["acc"] = correct / n
        if X_val is not None:
            with np.errstate(over="ignore", invalid="ignore"):
                record.update({f"val_{k}": v for k, v in evaluate(net, X_val, y_val).items()})
        record["time"] = time.perf_counter() - t0
        history.append(**record)
        if progress:
            epochs_bar.set_postfix(loss=f"{record['loss']:.4f}")
        done = target_loss is not None and record["loss"] <= target_loss
        if every and ((epoch + 1) % every == 0 or done or epoch == epochs - 1):
            print(format_epoch(epoch, record))
        if done:
            break
    history.optimizer = opt
    return history


def format_epoch(epoch, record):
    """One line per epoch, rounded so every machine prints the same text."""
    parts = [f"epoch {epoch + 1:4d}", f"loss {record['loss']:.4f}"]
    if "acc" in record:
        parts.append(f"acc {record['acc']:.2%}")
    if "val_loss" in record:
        parts.append(f"val_loss {record['val_loss']:.4f}")
    if "val_acc" in record:
        parts.append(f"val_acc {record['val_acc']:.2%}")
    return "  ".join(parts)
