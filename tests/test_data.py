"""Tests for nnlib.data: the MNIST loader, one_hot, toy sets, digit photos."""

import gzip
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from nnlib.data import (
    MNIST_FILES,
    is_red,
    load_mnist,
    make_checkerboard,
    make_quadrants,
    make_red,
    make_sine,
    make_xor,
    one_hot,
    prepare_digit_image,
    xor_table,
)

ROOT = Path(__file__).resolve().parent.parent
MNIST_DIR = ROOT / "data" / "mnist"
DIGITS = sorted((ROOT / "data" / "digits").glob("digit_*.png"))


@pytest.fixture(scope="module")
def mnist():
    return load_mnist(MNIST_DIR)


def copy_mnist(dest):
    """Link (or copy) the committed MNIST files into `dest`."""
    for name in [*MNIST_FILES.values(), "SHA256SUMS"]:
        try:
            os.symlink(MNIST_DIR / name, dest / name)
        except OSError:
            shutil.copy(MNIST_DIR / name, dest / name)


# ------------------------------------------------------------------ MNIST
def test_mnist_shapes_dtypes_ranges(mnist):
    assert mnist.X_train.shape == (60000, 784) and mnist.X_test.shape == (10000, 784)
    assert mnist.X_train.dtype == np.float32 and mnist.y_train.dtype == np.int64
    assert mnist.X_val is None and mnist.y_val is None
    assert mnist.X_train.min() == 0.0 and mnist.X_train.max() == 1.0
    assert mnist.X_test.min() == 0.0 and mnist.X_test.max() == 1.0


def test_mnist_label_counts_and_pixel_mean(mnist):
    counts = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert np.bincount(mnist.y_train).tolist() == counts
    assert np.bincount(mnist.y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert mnist.X_train.mean(dtype=np.float64) == pytest.approx(0.1307, abs=5e-5)
    assert mnist.X_train.std(dtype=np.float64) == pytest.approx(0.3081, abs=5e-5)
    assert mnist.y_train[:5].tolist() == [5, 0, 4, 1, 9]  # the well-known first five


def test_mnist_unflattened_matches(mnist):
    d = load_mnist(MNIST_DIR, flatten=False)
    assert d.X_train.shape == (60000, 28, 28)
    np.testing.assert_array_equal(d.X_test[7].ravel(), mnist.X_test[7])


def test_mnist_validation_split(mnist):
    d = load_mnist(MNIST_DIR, val_size=5000, seed=1)
    assert d.X_train.shape == (55000, 784) and d.X_val.shape == (5000, 784)
    assert d.y_val.shape == (5000,) and len(d.y_train) == 55000
    # together they are the whole training set, each image once
    rows = lambda X: sorted(r.tobytes() for r in X)  # noqa: E731
    assert rows(np.concatenate([d.X_train, d.X_val])) == rows(mnist.X_train)
    assert np.bincount(np.concatenate([d.y_train, d.y_val])).tolist() == np.bincount(mnist.y_train).tolist()
    # deterministic by seed, different across seeds
    again = load_mnist(MNIST_DIR, val_size=5000, seed=1)
    np.testing.assert_array_equal(again.y_val, d.y_val)
    np.testing.assert_array_equal(again.X_val, d.X_val)
    other = load_mnist(MNIST_DIR, val_size=5000, seed=2)
    assert not np.array_equal(other.X_val, d.X_val)


def test_mnist_split_is_disjoint():
    """Rebuild the split by index to check no image is in both parts."""
    d = load_mnist(MNIST_DIR, val_size=100, seed=3)
    val_idx = np.random.default_rng(3).permutation(60000)[:100]
    full = load_mnist(MNIST_DIR)
    np.testing.assert_array_equal(d.X_val, full.X_train[val_idx])
    keep = np.setdiff1d(np.arange(60000), val_idx)
    np.testing.assert_array_equal(d.X_train[:50], full.X_train[keep[:50]])
    assert len(np.intersect1d(keep, val_idx)) == 0 and len(keep) == len(d.X_train)


def test_mnist_cache_is_not_mutated(mnist):
    d = load_mnist(MNIST_DIR)
    d.X_train[0] = 7.0
    assert load_mnist(MNIST_DIR).X_train[0].max() == 1.0


def test_mnist_bad_val_size():
    with pytest.raises(ValueError, match="val_size"):
        load_mnist(MNIST_DIR, val_size=60000)
    with pytest.raises(ValueError, match="val_size"):
        load_mnist(MNIST_DIR, val_size=0.1)


def test_mnist_checksum_mismatch(tmp_path):
    copy_mnist(tmp_path)
    name = MNIST_FILES["test_labels"]
    (tmp_path / name).unlink()
    raw = bytearray(gzip.decompress((MNIST_DIR / name).read_bytes()))
    raw[8] = (raw[8] + 1) % 10  # change the first test label: a valid gzip, wrong content
    (tmp_path / name).write_bytes(gzip.compress(bytes(raw)))
    with pytest.raises(ValueError, match=r"t10k-labels-idx1-ubyte\.gz is corrupt.*git checkout"):
        load_mnist(tmp_path)


def test_mnist_truncated_gzip(tmp_path):
    copy_mnist(tmp_path)
    name = MNIST_FILES["train_labels"]
    (tmp_path / name).unlink()
    (tmp_path / name).write_bytes((MNIST_DIR / name).read_bytes()[:1000])
    with pytest.raises(ValueError, match="train-labels-idx1-ubyte.gz is not a readable gzip"):
        load_mnist(tmp_path)


def test_mnist_missing_files(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError, match="SHA256SUMS is missing"):
        load_mnist(tmp_path)
    shutil.copy(MNIST_DIR / "SHA256SUMS", tmp_path)
    with pytest.raises(FileNotFoundError, match="train-images-idx3-ubyte.gz is missing.*NNLIB_MNIST_DIR"):
        load_mnist(tmp_path)
    monkeypatch.setenv("NNLIB_MNIST_DIR", str(tmp_path))  # the default path follows the variable
    with pytest.raises(FileNotFoundError, match=str(tmp_path)):
        load_mnist()
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_mnist(tmp_path / "nowhere")


# ----------------------------------------------------------------- one_hot
def test_one_hot_values():
    Y = one_hot(np.array([2, 0, 1, 2]), 3)
    np.testing.assert_array_equal(Y, [[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]])
    assert Y.dtype == np.float32
    np.testing.assert_array_equal(one_hot(np.array([[1.0], [0.0]]), 2), [[0, 1], [1, 0]])


@pytest.mark.parametrize(
    "y, k, msg",
    [([0, 3], 3, "0..2"), ([-1, 0], 3, "0..2"), ([0.5, 1], 3, "whole numbers"),
     (["a", "b"], 3, "whole numbers"), ([[0, 1], [1, 0]], 2, "shape"), ([0, 1], 0, "n_classes")],
)
def test_one_hot_errors(y, k, msg):
    with pytest.raises(ValueError, match=msg):
        one_hot(np.array(y), k)


# ---------------------------------------------------------------- toy sets
@pytest.mark.parametrize("make", [make_xor, make_checkerboard, make_quadrants, make_sine, make_red])
def test_generators_deterministic(make):
    X1, y1 = make(seed=4)
    X2, y2 = make(seed=4)
    X3, _ = make(seed=5)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)
    assert X1.dtype == np.float32


def test_xor_table():
    X, y = xor_table()
    assert X.shape == (4, 2) and y.shape == (4, 1)
    np.testing.assert_array_equal(y[:, 0], np.logical_xor(X[:, 0], X[:, 1]))


def test_make_xor():
    X, y = make_xor(n=200, noise=0.05, seed=0)
    assert X.shape == (200, 2) and y.shape == (200,) and y.dtype == np.int64
    corner = np.round(X).astype(int)  # noise 0.05: every point is nearest its own corner
    np.testing.assert_array_equal(y, corner[:, 0] ^ corner[:, 1])
    assert np.bincount(corner[:, 0] * 2 + corner[:, 1]).tolist() == [50, 50, 50, 50]


def test_make_checkerboard():
    X, y = make_checkerboard(n=400, tiles=4, seed=0)
    assert X.shape == (400, 2) and y.shape == (400,)
    assert X.min() >= -1 and X.max() <= 1 and set(y.tolist()) == {0, 1}
    # tile (0, 0) is the bottom-left half-unit square [-1, -0.5)^2, colour 0; its right neighbour is 1
    in_00 = (X[:, 0] < -0.5) & (X[:, 1] < -0.5)
    in_10 = (X[:, 0] > -0.5) & (X[:, 0] < 0) & (X[:, 1] < -0.5)
    assert in_00.any() and in_10.any()
    assert (y[in_00] == 0).all() and (y[in_10] == 1).all()


def test_make_quadrants():
    X, y = make_quadrants(n=400, seed=0)
    assert X.shape == (400, 2) and np.abs(X).max() <= 1
    expected = {0: (1, 1), 1: (-1, 1), 2: (-1, -1), 3: (1, -1)}
    for label, signs in expected.items():
        assert (np.sign(X[y == label]) == signs).all()
    assert np.bincount(y).min() > 70


def test_make_sine():
    X, y = make_sine(n=200, noise=0.1, seed=0)
    assert X.shape == (200, 1) and y.shape == (200, 1) and y.dtype == np.float32
    assert X.min() >= -np.pi and X.max() <= np.pi and (np.diff(X[:, 0]) >= 0).all()
    residual = y - np.sin(X)
    assert 0.07 < residual.std() < 0.13 and np.abs(residual).max() < 0.5


def test_red_rule_on_known_colours():
    red = [[255, 0, 0], [200, 30, 30], [255, 0, 60], [255, 85, 0]]  # hue 0, 0, 346, 20 degrees
    not_red = [
        [255, 100, 0], [255, 0, 100],  # hue 23.5 and 336.5 degrees
        [255, 180, 180], [60, 0, 0],  # too pale (S = 0.29), too dark (V = 0.24)
        [255, 255, 255], [0, 0, 0], [0, 0, 255],
    ]
    assert is_red(np.array(red + not_red)).tolist() == [True] * 4 + [False] * 7


def test_make_red():
    X, y = make_red(n=2000, seed=0)
    assert X.shape == (2000, 3) and X.min() >= 0 and X.max() <= 255 and (X == np.round(X)).all()
    assert 0.05 < y.mean() < 0.11  # about 8% of the RGB cube is red by the rule
    Xb, yb = make_red(n=1001, seed=0, sampling="balanced")
    assert yb.sum() == 500 and len(yb) == 1001
    np.testing.assert_array_equal(yb, is_red(Xb))
    with pytest.raises(ValueError, match="sampling"):
        make_red(sampling="gaussian")


# ------------------------------------------------------------ digit photos
def centre_of_mass(v):
    img = v.reshape(28, 28)
    r = np.arange(28)
    return (img.sum(1) @ r) / img.sum(), (img.sum(0) @ r) / img.sum()


def test_example_drawings_exist():
    assert [p.name for p in DIGITS] == ["digit_3.png", "digit_5.png", "digit_7.png"]
    assert all(p.stat().st_size < 100_000 for p in DIGITS)


@pytest.mark.parametrize("path", DIGITS, ids=lambda p: p.name)
def test_prepare_digit_image(path):
    v = prepare_digit_image(path)
    assert v.shape == (784,) and v.dtype == np.float32
    assert v.min() == 0.0 and v.max() == 1.0
    cy, cx = centre_of_mass(v)
    assert abs(cy - 14) < 0.6 and abs(cx - 14) < 0.6  # MNIST: 14.00 +- 0.29
    img = v.reshape(28, 28)
    assert img[[0, -1]].max() == 0 and img[:, [0, -1]].max() == 0  # a black frame, as in MNIST
    assert 0.04 < v.mean() < 0.25  # ink is a minority of the field
    # the longer side of the ink box is 20 px (19-21 after antialiasing)
    rows, cols = np.flatnonzero(img.max(1) > 0.1), np.flatnonzero(img.max(0) > 0.1)
    assert 19 <= max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1 <= 21


@pytest.mark.parametrize("path", DIGITS, ids=lambda p: p.name)
def test_prepare_digit_image_either_polarity(path):
    gray = np.asarray(Image.open(path).convert("L"), dtype=np.float64)
    v = prepare_digit_image(path)
    np.testing.assert_allclose(prepare_digit_image(255 - gray), v, atol=1e-6)
    # the ink, not the paper, ends up bright: the centre is brighter than the frame
    assert v.reshape(28, 28)[8:20, 8:20].mean() > 0.1


def test_prepare_digit_image_recovers_an_mnist_digit(mnist):
    """An MNIST digit printed dark-on-light and enlarged comes back nearly unchanged."""
    x = mnist.X_test[0].reshape(28, 28)  # a 7
    photo = Image.fromarray(np.uint8(255 - 200 * x)).resize((112, 112), Image.Resampling.BILINEAR)
    v = prepare_digit_image(np.asarray(photo))
    assert np.corrcoef(v, mnist.X_test[0])[0, 1] > 0.9


def test_prepare_digit_image_errors(tmp_path):
    with pytest.raises(ValueError, match="blank"):
        prepare_digit_image(np.full((50, 40), 230.0))
    with pytest.raises(FileNotFoundError, match="no image file at .*missing.png"):
        prepare_digit_image(tmp_path / "missing.png")
    bad = tmp_path / "note.png"
    bad.write_text("not an image")
    with pytest.raises(ValueError, match="could not open .*note.png as an image"):
        prepare_digit_image(bad)
    with pytest.raises(ValueError, match="shape"):
        prepare_digit_image(np.zeros((4, 4, 2)))
