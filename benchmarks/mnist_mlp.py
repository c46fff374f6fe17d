"""Benchmark: nnlib against PyTorch on the MNIST network 784-128-64-10.

Both frameworks train the same network (ReLU hidden layers, softmax +
cross-entropy, Adam with lr 1e-3, the same initial weights and the same
shuffled order of the training set) in the same process. Epochs alternate,
nnlib then PyTorch then nnlib ..., so both see the same machine load. PyTorch
runs without a DataLoader (manual batching over the shuffled index) and with
as many threads as numpy's BLAS, so the comparison is about the compute, not
the plumbing.

Printed, for each thread count and batch size: each epoch's time, the median
epoch time per framework, the ratio nnlib / PyTorch, and two bounds: the
epoch's matrix products timed alone (the same shapes and threads, nothing
between the calls), and those products plus nnlib's Adam steps timed alone. No
numpy implementation of this training can beat the first; nnlib, whose Adam is
plain numpy, cannot beat the second. nnlib's time over the first bound is the
second ratio the targets name. Last, a verdict for every target.

FLOPs counted (what nnlib does per sample, matmuls only; n_in x n_out per layer):
  forward   z = X W + b          2 n_in n_out  for every layer
  backward  dW = X^T dL/dz       2 n_in n_out  for every layer
            dL/dX = dL/dz W^T    2 n_in n_out  for every layer but the first
                                 (nnlib skips the input gradient; so does autograd)

Usage:  python benchmarks/mnist_mlp.py [--epochs 3] [--batch-sizes 64 256]
        [--threads 1 2] [--n-train N]
Targets: nnlib's epoch time <= 0.6 x PyTorch's at batch sizes 64 and 256, with 1 and 2
threads; nnlib's epoch time <= 3.0 x the matmuls-alone bound at batch 64, <= 2.0 x at 256.
"""
import argparse
import ctypes
import os
import platform
import statistics
import time

import numpy as np
import torch

import nnlib
from nnlib.data import load_mnist
from nnlib.train import clip_gradients, n_correct

SIZES = [784, 128, 64, 10]
TARGET_RATIO = 0.6                       # nnlib / PyTorch, every batch size and thread count
TARGET_BOUND = {64: 3.0, 256: 2.0}       # nnlib / matmuls alone, per batch size


# ------------------------------------------------------------------ machine
def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _openblas():
    """numpy's OpenBLAS as (ctypes library, symbol prefix, symbol suffix), or None (Linux only)."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "openblas" in line.lower() and "/" in line}
    except OSError:
        return None
    for path in sorted(paths):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix, suffix in (("scipy_openblas", "64_"), ("openblas", "64_"), ("openblas", "")):
            if hasattr(lib, f"{prefix}_get_num_threads{suffix}"):
                return lib, prefix, suffix
    return None


def blas_info():
    """(description, thread count) of numpy's BLAS: threadpoolctl if installed, else OpenBLAS via ctypes."""
    try:
        from threadpoolctl import threadpool_info
        pools = [p for p in threadpool_info() if p["user_api"] == "blas"]
        if pools:
            p = pools[0]
            return f"{p['internal_api']} {p['version']} ({p.get('architecture', '?')})", p["num_threads"]
    except ImportError:
        pass
    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    desc = f"{blas['name']} {blas['version']}"
    found = _openblas()
    if found is None:
        return desc, int(os.environ.get("OPENBLAS_NUM_THREADS", os.cpu_count()))
    lib, prefix, suffix = found
    corename = getattr(lib, f"{prefix}_get_corename{suffix}", None)
    if corename is not None:
        corename.restype = ctypes.c_char_p
        desc += f" (kernel {corename().decode()})"
    return desc, int(getattr(lib, f"{prefix}_get_num_threads{suffix}")())


def set_blas_threads(n):
    found = _openblas()
    if found is None:
        raise SystemExit("--threads needs numpy's OpenBLAS found via /proc/self/maps; "
                         "set OPENBLAS_NUM_THREADS (or OMP_NUM_THREADS) before starting instead")
    lib, prefix, suffix = found
    getattr(lib, f"{prefix}_set_num_threads{suffix}")(int(n))


def _timed(f):
    t0 = time.perf_counter()
    f()
    return time.perf_counter() - t0


def flops_per_sample(sizes):
    """Matmul FLOPs nnlib spends on one training sample (forward + backward)."""
    layers = [i * o for i, o in zip(sizes, sizes[1:])]
    return 2 * sum(layers) + 2 * sum(layers) + 2 * sum(layers[1:])


def products(net, batch_size, rng):
    """The matrix products of one nnlib.fit step, as (A, B, out) with out = A @ B:
    forward z = a W, backward dW = a^T delta and delta W^T (not for the first layer)."""
    acts = [rng.random((batch_size, size), dtype=np.float32) for size in net.sizes]   # a_0 = X, a_1, ...
    deltas = [rng.standard_normal((batch_size, size), dtype=np.float32) for size in net.sizes[1:]]
    out = []
    for i, layer in enumerate(net.layers):
        out.append((acts[i], layer.W, np.empty_like(acts[i + 1])))
        out.append((acts[i].T, deltas[i], layer.dW))
        if i > 0:
            out.append((deltas[i], layer.W.T, np.empty_like(acts[i])))
    return out


def bounds(batch_size, n, reps=5, steps=100):
    """Seconds per epoch of n samples for (the matrix products alone, Adam's steps alone).

    The products are those of ``products`` with out= buffers and nothing else between
    them; Adam is nnlib.Adam stepping the network's vector of 109,386 parameters. Each is
    the best of ``reps`` runs of ``steps`` steps, scaled to an epoch.
    """
    rng = np.random.default_rng(0)
    net = nnlib.mlp(SIZES, seed=0)
    work = products(net, batch_size, rng)
    for g in net.grads():
        g[...] = rng.standard_normal(g.shape) * 1e-2
    opt = nnlib.Adam([net.theta], lr=1e-3)

    def matmuls():
        for _ in range(steps):
            for A, B, C in work:
                np.matmul(A, B, out=C)

    def adam():
        for _ in range(steps):
            opt.step([net.grad])

    per_epoch = n / batch_size / steps
    return tuple(min(_timed(f) for _ in range(reps)) * per_epoch for f in (matmuls, adam))


PHASES = ("gather", "forward", "loss", "backward", "grad check", "accuracy", "Adam")


def phases(batch_size, X, y):
    """Microseconds per step spent in each phase of nnlib.fit's inner loop, over one epoch.

    The loop below repeats fit's step (train.py) with a clock between the phases:
    take the batch, forward, loss, backward, the gradient-norm check, the accuracy
    count and the Adam step.
    """
    net = nnlib.mlp(SIZES, seed=0)
    opt = nnlib.Adam([net.theta], lr=1e-3)
    order = np.random.default_rng([0, 0]).permutation(len(X))
    spent = np.zeros(len(PHASES))
    clock = time.perf_counter
    for start in range(0, len(X), batch_size):
        t = [clock()]
        idx = order[start:start + batch_size]
        Xb, yb = X[idx], y[idx]
        t.append(clock())
        a = net.forward(Xb)
        t.append(clock())
        net.loss_fn.value(net.layers[-1].z, a, yb)
        t.append(clock())
        net.backward(yb)
        t.append(clock())
        clip_gradients(net.grads())
        t.append(clock())
        n_correct(a, yb)
        t.append(clock())
        opt.step([net.grad])
        t.append(clock())
        spent += np.diff(t)
    return spent / -(-len(X) // batch_size) * 1e6


# ------------------------------------------------------------------ training
def torch_model(net):
    """The nnlib network as torch.nn.Sequential, starting from the same weights."""
    mods = []
    for i, layer in enumerate(net.layers):
        lin = torch.nn.Linear(layer.n_in, layer.n_out)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(layer.W.T))     # torch stores (out, in)
            lin.bias.copy_(torch.from_numpy(layer.b))
        mods.append(lin)
        if i < len(net.layers) - 1:
            mods.append(torch.nn.ReLU())
    return torch.nn.Sequential(*mods)                         # softmax lives in the loss


def torch_epoch(model, opt, loss_fn, X, y, batch_size, epoch, seed=0):
    """One epoch, the same work as nnlib.fit: shuffle, step, and track loss and accuracy."""
    t0 = time.perf_counter()
    order = torch.from_numpy(np.random.default_rng([seed, epoch]).permutation(len(X)))
    total, correct = 0.0, 0
    for start in range(0, len(X), batch_size):
        idx = order[start:start + batch_size]
        Xb, yb = X[idx], y[idx]
        out = model(Xb)
        loss = loss_fn(out, yb)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
        correct += int((out.argmax(1) == yb).sum())
    return time.perf_counter() - t0, total / len(X), correct / len(X)


def run(batch_size, epochs, X, y, X_t, y_t):
    net = nnlib.mlp(SIZES, hidden="relu", output="softmax", loss="cross_entropy", seed=0)
    opt = nnlib.Adam([net.theta], lr=1e-3)                    # as fit builds it
    model = torch_model(net)
    topt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    times = {"nnlib": [], "torch": []}
    for epoch in range(epochs):
        h = nnlib.fit(net, X, y, epochs=epoch + 1, start_epoch=epoch, batch_size=batch_size,
                      optimizer=opt, seed=0)
        times["nnlib"].append(h["time"][-1])
        t, loss, acc = torch_epoch(model, topt, loss_fn, X_t, y_t, batch_size, epoch)
        times["torch"].append(t)
        print(f"  epoch {epoch + 1}:  nnlib {h['time'][-1]:.2f} s (loss {h['loss'][-1]:.4f})   "
              f"torch {t:.2f} s (loss {loss:.4f})")
    return times


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--epochs", type=int, default=3, help="epochs per framework and batch size (default 3)")
    p.add_argument("--batch-sizes", type=int, nargs="+", default=[64, 256], help="default: 64 256")
    p.add_argument("--threads", type=int, nargs="+", default=None,
                   help="thread counts for numpy's BLAS and torch, run one after the other "
                        "(default: numpy's current setting)")
    p.add_argument("--n-train", type=int, default=60000, help="training images used (default all 60000)")
    args = p.parse_args(argv)
    if args.epochs < 1 or args.n_train < 1 or min(args.batch_sizes) < 1:
        p.error("--epochs, --n-train and --batch-sizes must be positive")

    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"CPU:     {cpu_model()}, {os.cpu_count()} logical cores ({affinity} usable)")
    print(f"numpy:   {np.__version__};  torch: {torch.__version__}")
    data = load_mnist()
    X, y = data.X_train[:args.n_train], data.y_train[:args.n_train]
    X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)
    flops = flops_per_sample(SIZES) * len(X)
    print(f"network: {'-'.join(map(str, SIZES))}, ReLU, softmax cross-entropy, Adam lr 1e-3; "
          f"{len(X)} images, {flops / 1e9:.2f} GFLOP of matmuls per epoch")

    summary = []
    for n_threads in args.threads or [None]:
        if n_threads:
            set_blas_threads(n_threads)
        blas, threads = blas_info()
        torch.set_num_threads(threads)
        print(f"\n=== {threads} thread(s): BLAS {blas}, torch {torch.get_num_threads()} threads")
        for bs in args.batch_sizes:
            print(f"batch size {bs}")
            times = run(bs, args.epochs, X, y, X_t, y_t)
            t_nn, t_torch = statistics.median(times["nnlib"]), statistics.median(times["torch"])
            summary.append((threads, bs, t_nn, t_torch, bounds(bs, len(X)), phases(bs, X, y)))

    print(f"\n{'threads':>7}  {'batch':>5}  {'nnlib':>8}  {'torch':>8}  {'ratio':>6}  "
          f"{'matmuls':>8}  {'+ Adam':>8}  {'nnlib / matmuls':>15}")
    for threads, bs, t_nn, t_torch, (t_mm, t_adam), _ in summary:
        print(f"{threads:7d}  {bs:5d}  {t_nn:6.2f} s  {t_torch:6.2f} s  {t_nn / t_torch:6.2f}  "
              f"{t_mm:6.2f} s  {t_mm + t_adam:6.2f} s  {t_nn / t_mm:15.2f}")
    print("(median epoch times; matmuls, + Adam: the bounds, each part timed alone)")

    print("\nnnlib's step by phase, microseconds per step (one more epoch, with a clock between phases):")
    print(f"{'threads':>7}  {'batch':>5}  " + "  ".join(f"{name:>10}" for name in PHASES) + f"  {'total':>7}")
    for threads, bs, *_, spent in summary:
        print(f"{threads:7d}  {bs:5d}  " + "  ".join(f"{us:10.0f}" for us in spent) + f"  {spent.sum():7.0f}")

    print("\ntargets:")
    for threads, bs, t_nn, t_torch, (t_mm, _), _ in summary:
        verdict = lambda ok: "met" if ok else "NOT met"
        line = (f"  {threads} thread(s), batch {bs}: nnlib / torch {t_nn / t_torch:.2f} <= {TARGET_RATIO} "
                f"{verdict(t_nn / t_torch <= TARGET_RATIO)}")
        if bs in TARGET_BOUND:
            line += (f";  nnlib / matmuls {t_nn / t_mm:.2f} <= {TARGET_BOUND[bs]} "
                     f"{verdict(t_nn / t_mm <= TARGET_BOUND[bs])}")
        print(line)
    return summary


if __name__ == "__main__":
    main()
