"""Data for the book: MNIST, small toy sets, and a reader's own digit photo.

Nothing here downloads anything. MNIST is read from the gzipped IDX files
committed under ``data/mnist/`` (or from the folder named by the environment
variable ``NNLIB_MNIST_DIR``) and checked against ``SHA256SUMS`` before use.
The toy generators are deterministic: the same ``seed`` gives the same arrays
on every machine.

Conventions: ``X`` is float32 with shape (n_samples, n_features); class labels
``y`` are int64 with shape (n_samples,).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import os
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MNIST_FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}
_RESTORE = (
    "Restore the committed copy with `git checkout -- data/mnist/`, or point "
    "NNLIB_MNIST_DIR (or the `path` argument) at a folder holding the four "
    "original MNIST .gz files and their SHA256SUMS."
)


# --------------------------------------------------------------------- MNIST
def default_mnist_dir() -> Path:
    """``$NNLIB_MNIST_DIR`` if set, else the repository's ``data/mnist``."""
    env = os.environ.get("NNLIB_MNIST_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "data" / "mnist"


def _read_checksums(folder: Path) -> dict[str, str]:
    """Parse ``SHA256SUMS`` (lines ``<hex digest>  <file name>``)."""
    sums_file = folder / "SHA256SUMS"
    if not sums_file.is_file():
        raise FileNotFoundError(f"MNIST checksum file {sums_file} is missing. {_RESTORE}")
    sums = {}
    for line in sums_file.read_text().splitlines():
        parts = line.split()
        if len(parts) == 2:
            sums[parts[1].lstrip("*")] = parts[0].lower()
    return sums


@functools.lru_cache(maxsize=8)
def _parse_idx(path: str, mtime_ns: int, size: int, sha256: str) -> np.ndarray:
    """Decompress, verify and parse one IDX file (cached; the key holds the mtime).

    IDX layout: a 4-byte magic number ``0x00 0x00 <type> <ndim>`` (type 0x08 =
    unsigned byte), then ``ndim`` big-endian uint32 sizes, then the data.
    """
    name = os.path.basename(path)
    try:
        with gzip.open(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError, zlib.error) as err:
        raise ValueError(f"MNIST file {path} is not a readable gzip file ({err}). {_RESTORE}") from err
    digest = hashlib.sha256(raw).hexdigest()
    if digest != sha256:
        raise ValueError(
            f"MNIST file {path} is corrupt: SHA-256 of its uncompressed content is "
            f"{digest}, but SHA256SUMS says {sha256}. {_RESTORE}"
        )
    magic = int(np.frombuffer(raw, dtype=">u4", count=1)[0])
    dtype_code, ndim = (magic >> 8) & 0xFF, magic & 0xFF
    if magic >> 16 != 0 or dtype_code != 0x08 or ndim not in (1, 3):
        raise ValueError(f"{name}: magic number {magic:#010x} is not an unsigned-byte IDX file")
    dims = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(dims)):
        raise ValueError(f"{name}: header says {dims} but holds {data.size} bytes of data")
    data = data.reshape(dims)
    data.flags.writeable = False  # the cached array is shared between calls
    return data


def _load_file(folder: Path, key: str, sums: dict[str, str]) -> np.ndarray:
    path = folder / MNIST_FILES[key]
    idx_name = path.name.removesuffix(".gz")  # SHA256SUMS lists the uncompressed names
    if not path.is_file():
        raise FileNotFoundError(f"MNIST file {path} is missing. {_RESTORE}")
    if idx_name not in sums:
        raise ValueError(f"{folder / 'SHA256SUMS'} has no line for {idx_name}. {_RESTORE}")
    st = path.stat()
    return _parse_idx(str(path.resolve()), st.st_mtime_ns, st.st_size, sums[idx_name])


@dataclass(frozen=True, repr=False)
class MNISTData:
    """The MNIST splits. ``X_val``/``y_val`` are None when ``val_size=0``."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray | None
    y_val: np.ndarray | None
    X_test: np.ndarray
    y_test: np.ndarray

    def __repr__(self):
        def shape(a):
            return "None" if a is None else f"{a.shape} {a.dtype}"

        fields = ", ".join(f"{k}={shape(getattr(self, k))}" for k in self.__dataclass_fields__)
        return f"MNISTData({fields})"


def load_mnist(path=None, val_size=0, seed=0, flatten=True) -> MNISTData:
    """Load MNIST: 60,000 training and 10,000 test images of handwritten digits.

    Pixels are scaled to [0, 1] as float32: ``X = pixel / 255``; shape (n, 784)
    when ``flatten`` else (n, 28, 28). Labels are int64 digits 0-9.

    ``val_size`` images are held out of the training set for validation,
    chosen by ``np.random.default_rng(seed).permutation``; the rest keep their
    original order. Every file is checked against ``SHA256SUMS`` in the same
    folder. Parsed files are cached in memory, so a second call is quick.
    """
    folder = Path(path) if path is not None else default_mnist_dir()
    if not folder.is_dir():
        raise FileNotFoundError(f"MNIST folder {folder} does not exist. {_RESTORE}")
    if not isinstance(val_size, (int, np.integer)) or not 0 <= val_size < 60000:
        raise ValueError(f"val_size must be an integer in [0, 60000), got {val_size!r}")
    sums = _read_checksums(folder)
    raw = {key: _load_file(folder, key, sums) for key in MNIST_FILES}
    for split in ("train", "test"):
        n_img, n_lab = len(raw[f"{split}_images"]), len(raw[f"{split}_labels"])
        if n_img != n_lab:
            raise ValueError(f"MNIST {split}: {n_img} images but {n_lab} labels. {_RESTORE}")

    def images(a):
        a = a.reshape(len(a), -1) if flatten else a
        return a.astype(np.float32) / np.float32(255)

    X_train, y_train = raw["train_images"], raw["train_labels"].astype(np.int64)
    X_val = y_val = None
    if val_size:  # split the uint8 images: a quarter of the bytes of float32
        val_idx = np.random.default_rng(seed).permutation(len(y_train))[:val_size]
        keep = np.ones(len(y_train), dtype=bool)
        keep[val_idx] = False
        X_val, y_val = images(X_train[val_idx]), y_train[val_idx]
        X_train, y_train = X_train[keep], y_train[keep]
    X_test, y_test = images(raw["test_images"]), raw["test_labels"].astype(np.int64)
    return MNISTData(images(X_train), y_train, X_val, y_val, X_test, y_test)


def one_hot(y, n_classes: int) -> np.ndarray:
    """One-hot encode labels: ``Y[i, y_i] = 1``, shape (n, n_classes), float32.

    ``y`` holds whole numbers in ``0 .. n_classes - 1``, shape (n,) or (n, 1).
    """
    if isinstance(n_classes, bool) or not isinstance(n_classes, (int, np.integer)) or n_classes < 1:
        raise ValueError(f"n_classes must be a positive integer, got {n_classes!r}")
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"labels must have shape (n,) or (n, 1), got {y.shape}")
    if y.dtype.kind not in "iuf" or (y.dtype.kind == "f" and not np.all(np.mod(y, 1) == 0)):
        raise ValueError(f"labels must be whole numbers (class indices), got dtype {y.dtype}: {y[:5]}")
    y = y.astype(np.int64)
    bad = (y < 0) | (y >= n_classes)
    if bad.any():
        raise ValueError(
            f"labels must lie in 0..{n_classes - 1} for n_classes={n_classes}; "
            f"found {y[bad][0]} (at index {np.flatnonzero(bad)[0]})"
        )
    Y = np.zeros((len(y), n_classes), dtype=np.float32)
    Y[np.arange(len(y)), y] = 1.0
    return Y


# ---------------------------------------------------------------- toy sets
def xor_table():
    """The four XOR points: X (4, 2) float32 and y = x1 XOR x2, shape (4, 1)."""
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    y = np.array([[0], [1], [1], [0]], dtype=np.float32)
    return X, y


def make_xor(n=200, noise=0.1, seed=0):
    """Noisy XOR: points near the corners (0,0), (0,1), (1,0), (1,1).

    Each corner gets n/4 points (within one) plus Gaussian noise of std
    ``noise``; label y = x1 XOR x2 of the corner (0 or 1), shape (n,).
    """
    rng = np.random.default_rng(seed)
    corner = rng.permutation(np.arange(n) % 4)
    C = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)[corner]
    X = C + noise * rng.standard_normal((n, 2))
    y = (C[:, 0] != C[:, 1]).astype(np.int64)
    return X.astype(np.float32), y


def make_checkerboard(n=400, tiles=4, seed=0):
    """Uniform points in [-1, 1]^2 on a ``tiles`` x ``tiles`` board.

    Label y = (column + row) mod 2 of the tile the point falls in (0 or 1).
    """
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, 2))
    tile = np.minimum(((X + 1) / 2 * tiles).astype(np.int64), tiles - 1)
    y = (tile[:, 0] + tile[:, 1]) % 2
    return X.astype(np.float32), y


def make_quadrants(n=400, seed=0):
    """Uniform points in [-1, 1]^2 labelled by quadrant, counter-clockwise.

    y = 0 for x1 >= 0, x2 >= 0; 1 for x1 < 0, x2 >= 0; 2 for x1 < 0, x2 < 0;
    3 for x1 >= 0, x2 < 0.
    """
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, 2))
    left, below = X[:, 0] < 0, X[:, 1] < 0
    y = np.where(below, np.where(left, 2, 3), np.where(left, 1, 0)).astype(np.int64)
    return X.astype(np.float32), y


def make_sine(n=200, noise=0.1, seed=0):
    """Regression data: x uniform in [-pi, pi] (sorted), y = sin(x) + noise * N(0, 1).

    Returns X (n, 1) and y (n, 1), both float32.
    """
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-np.pi, np.pi, n))
    y = np.sin(x) + noise * rng.standard_normal(n)
    return x[:, None].astype(np.float32), y[:, None].astype(np.float32)


def is_red(rgb) -> np.ndarray:
    """The rule behind ``make_red``, on RGB values 0-255, shape (n, 3).

    In HSV (hue H in degrees, saturation S and value V in [0, 1]), a colour
    is red when H is within 20 degrees of 0 (H <= 20 or H >= 340), S >= 0.5
    and V >= 0.35. With M = max(R, G, B), m = min: V = M / 255,
    S = (M - m) / M, and for M = R, H = 60 * ((G - B) / (M - m) mod 6).
    """
    rgb = np.asarray(rgb, dtype=np.float64)
    R, G, B = rgb[:, 0], rgb[:, 1], rgb[:, 2]
    M, m = rgb.max(axis=1), rgb.min(axis=1)
    V = M / 255
    S = np.divide(M - m, M, out=np.zeros_like(M), where=M > 0)
    H = 60 * np.mod(np.divide(G - B, M - m, out=np.zeros_like(M), where=M > m), 6)
    return (R == M) & (M > m) & ((H <= 20) | (H >= 340)) & (S >= 0.5) & (V >= 0.35)


def make_red(n=1000, seed=0, sampling="uniform"):
    """Colours labelled red (1) or not (0) by the rule in :func:`is_red`.

    X: (n, 3) float32 RGB triples with whole values 0-255 (not scaled).
    ``sampling="uniform"`` draws colours uniformly from the RGB cube (about
    8% are red); ``"balanced"`` draws half red and half not-red colours,
    in random order.
    """
    rng = np.random.default_rng(seed)
    if sampling == "uniform":
        X = rng.integers(0, 256, (n, 3))
    elif sampling == "balanced":
        n_red, reds, others = n // 2, [], []
        while sum(map(len, reds)) < n_red or sum(map(len, others)) < n - n_red:
            C = rng.integers(0, 256, (4096, 3))
            red = is_red(C)
            reds.append(C[red])
            others.append(C[~red])
        X = np.concatenate([np.concatenate(reds)[:n_red], np.concatenate(others)[: n - n_red]])
        X = X[rng.permutation(n)]
    else:
        raise ValueError(f'sampling must be "uniform" or "balanced", got {sampling!r}')
    return X.astype(np.float32), is_red(X).astype(np.int64)


# ------------------------------------------------------- your own digit
def _to_gray(path_or_array) -> np.ndarray:
    """Read a file (via faces.open_gray) or an array into a float64 grayscale image with values 0-255."""
    if isinstance(path_or_array, (str, os.PathLike)):
        from .faces import open_gray

        return np.asarray(open_gray(path_or_array), dtype=np.float64)
    a = np.asarray(path_or_array, dtype=np.float64)
    if a.ndim == 3 and a.shape[2] in (3, 4):
        a = a[..., :3] @ np.array([0.299, 0.587, 0.114])  # ITU-R 601 luma, as PIL's "L"
    if a.ndim != 2 or min(a.shape) < 2:
        raise ValueError(f"expected a 2-D grayscale or (h, w, 3|4) colour image, got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError("image contains NaN or infinite values")
    return a * 255 if a.max() <= 1.0 else a


def prepare_digit_image(path_or_array) -> np.ndarray:
    """Turn a picture of one handwritten digit into an MNIST-like (784,) vector.

    The steps follow how MNIST was made: grayscale; invert when the border
    is light (so ink is bright on black, as in MNIST); subtract the paper
    level and stretch the ink to 0-255; crop to the bounding box of the ink;
    scale the longer side to 20 px keeping the aspect ratio (Lanczos,
    antialiased); paste into a 28x28 field so that the centre of mass
    (sum_i p_i r_i / sum_i p_i) lands on pixel (14, 14). Returns float32
    values in [0, 1], row by row.
    """
    from PIL import Image

    a = _to_gray(path_or_array)
    h, w = a.shape
    k = max(1, min(h, w) // 20)  # border band: 5% of the shorter side
    border = np.concatenate(
        [a[:k].ravel(), a[-k:].ravel(), a[:, :k].ravel(), a[:, -k:].ravel()]
    )
    if border.mean() > 127.5:  # light paper, dark ink -> invert
        a, border = 255 - a, 255 - border
    a = np.clip(a - np.median(border), 0, None)
    if a.max() < 25:
        raise ValueError(
            "no digit found: the image is blank "
            "(no ink darker or lighter than the paper)"
        )
    a = a / a.max()
    a[a < 0.2] = 0  # paper texture and shadows
    rows, cols = np.flatnonzero(a.any(axis=1)), np.flatnonzero(a.any(axis=0))
    a = a[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    scale = 20 / max(a.shape)
    size = (max(1, round(a.shape[1] * scale)), max(1, round(a.shape[0] * scale)))
    small = Image.fromarray(np.uint8(np.round(a * 255)))
    small = small.resize(size, Image.Resampling.LANCZOS)
    small = np.asarray(small, dtype=np.float32) / 255
    mass = small.sum()
    if mass == 0:
        raise ValueError("no digit found: the ink vanished when scaled to 20 px")
    cy = (small.sum(axis=1) * np.arange(small.shape[0])).sum() / mass
    cx = (small.sum(axis=0) * np.arange(small.shape[1])).sum() / mass
    top = int(np.clip(round(14 - cy), 0, 28 - small.shape[0]))
    left = int(np.clip(round(14 - cx), 0, 28 - small.shape[1]))
    out = np.zeros((28, 28), dtype=np.float32)
    out[top : top + small.shape[0], left : left + small.shape[1]] = small
    return out.ravel()
