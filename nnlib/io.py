"""Saving and loading networks as plain .npz files (no pickle).

The file holds the weights W1, b1, W2, b2, ..., the architecture as a JSON
string, and optionally the optimizer's state and the training history, so that
"create, load, continue training" are three calls:

    save(net, "model.npz", optimizer=history.optimizer, history=history)
    net, opt, history = load_checkpoint("model.npz")
    fit(net, X, y, epochs=20, optimizer=opt, start_epoch=history.epochs, history=history)

Saving is atomic: the file is written under a temporary name in the same folder
and renamed over the target only when complete, so a crash never leaves a
half-written model.
"""
import json
import os
import tempfile
import zipfile

import numpy as np

from .activations import LeakyReLU, get_activation
from .layers import Dense
from .network import Network
from .optim import OPTIMIZERS
from .train import History

FORMAT = "nnlib-network"


def _architecture(net):
    layers = []
    for layer in net.layers:
        spec = {"n_in": layer.n_in, "n_out": layer.n_out, "activation": layer.activation.name}
        if isinstance(layer.activation, LeakyReLU):
            spec["alpha"] = layer.activation.alpha
        layers.append(spec)
    return {"format": FORMAT, "version": 1, "layers": layers, "loss": net.loss_fn.name,
            "dtype": str(net.dtype)}


def save(net, path, optimizer=None, history=None):
    """Write net (and optionally optimizer state and history) to ``path`` (.npz),
    atomically."""
    meta = _architecture(net)
    arrays = {
        f"{kind}{i}": p
        for i, layer in enumerate(net.layers)
        for kind, p in (("W", layer.W), ("b", layer.b))
    }
    if optimizer is not None:
        opt_meta = {"name": optimizer.name, "lr": optimizer.lr}
        opt_meta.update({
            k: getattr(optimizer, k)
            for k in ("beta", "beta1", "beta2", "eps")
            if hasattr(optimizer, k)
        })
        meta["optimizer"] = opt_meta
        arrays.update({f"opt_{k}": v for k, v in optimizer.state().items()})
    if history is not None:
        meta["history"] = {k: [float(x) for x in v] for k, v in history.items()}
    arrays["meta"] = np.array(json.dumps(meta))
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".npz")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        # mkstemp makes it private; give it normal permissions
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def _read(path):
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"no saved network at {path!r}; train one and save it with nnlib.io.save first")
    try:
        with np.load(path, allow_pickle=False) as f:
            arrays = {k: f[k] for k in f.files}
        meta = json.loads(str(arrays.pop("meta")))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError) as e:
        raise ValueError(f"{path!r} is not a readable nnlib network file (corrupt or truncated?): {e}") from None
    if meta.get("format") != FORMAT:
        raise ValueError(f"{path!r} is not an nnlib network file (format {meta.get('format')!r})")
    return meta, arrays


def _set_weights(net, meta, arrays, path):
    sizes = [meta["layers"][0]["n_in"]] + [spec["n_out"] for spec in meta["layers"]]
    if sizes != net.sizes:
        raise ValueError(f"{path!r} holds a network of sizes {sizes}, but this network has sizes {net.sizes}")
    for i, layer in enumerate(net.layers):
        for kind, p in (("W", layer.W), ("b", layer.b)):
            key = f"{kind}{i}"
            if key not in arrays or arrays[key].shape != p.shape:
                found = arrays[key].shape if key in arrays else "nothing"
                raise ValueError(f"{path!r}: {key} should have shape {p.shape} but the file holds {found}")
            p[...] = arrays[key]


def load(path):
    """A new Network with the architecture and weights stored in ``path``."""
    return load_checkpoint(path)[0]


def load_checkpoint(path):
    """(net, optimizer or None, History or None) from a file written by save()."""
    meta, arrays = _read(path)
    dtype = np.dtype(meta["dtype"])
    layers = []
    for spec in meta["layers"]:
        act = LeakyReLU(spec["alpha"]) if "alpha" in spec else get_activation(spec["activation"])
        layers.append(Dense(spec["n_in"], spec["n_out"], act, dtype=dtype))
    net = Network(layers, meta["loss"])
    _set_weights(net, meta, arrays, path)
    opt = None
    if "optimizer" in meta:
        kw = dict(meta["optimizer"])
        state = {k[4:]: v for k, v in arrays.items() if k.startswith("opt_")}
        params = net.vectors()[0]
        # a file whose optimizer state has one buffer per weight matrix and bias (as every
        # file saved before December 2026 has) resumes on net.params(), with the same numbers
        if any(v.shape != params[0].shape for k, v in state.items() if k != "t"):
            params = net.params()
        opt = OPTIMIZERS[kw.pop("name")](params, **kw)
        opt.load_state(state)
    history = None
    if "history" in meta:
        history = History({k: list(v) for k, v in meta["history"].items()})
    return net, opt, history


def load_weights(net, path):
    """Copy the weights stored in ``path`` into an existing network of the same sizes."""
    meta, arrays = _read(path)
    _set_weights(net, meta, arrays, path)
    return net
