"""Saving, loading and resuming; metrics."""
import os

import numpy as np
import pytest

import nnlib
from nnlib import io


def data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3)).astype(np.float32)
    return X, (X[:, 0] * X[:, 1] > 0).astype(np.int64)


def test_save_then_load_gives_identical_predictions(tmp_path):
    X, y = data()
    net = nnlib.Network([nnlib.Dense(3, 8, nnlib.LeakyReLU(0.1), rng=0), nnlib.Dense(8, 2, "softmax", rng=1)],
                        "cross_entropy")
    nnlib.fit(net, X, y, epochs=3, optimizer="adam", lr=0.01)
    path = tmp_path / "sub" / "model.npz"
    nnlib.save(net, path)
    loaded = nnlib.load(path)
    assert np.array_equal(loaded(X), net(X))
    assert loaded.layers[0].activation.alpha == 0.1 and loaded.loss_fn.name == "cross_entropy"
    assert [f for f in os.listdir(path.parent)] == ["model.npz"]        # no temporary file left behind


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_stop_and_resume_follows_the_uninterrupted_curve(tmp_path, optimizer):
    X, y = data()
    full = nnlib.fit(nnlib.mlp([3, 8, 2], seed=1), X, y, epochs=6, batch_size=20, optimizer=optimizer, lr=0.05, seed=2)
    net = nnlib.mlp([3, 8, 2], seed=1)
    first = nnlib.fit(net, X, y, epochs=3, batch_size=20, optimizer=optimizer, lr=0.05, seed=2)
    nnlib.save(net, tmp_path / "ckpt.npz", optimizer=first.optimizer, history=first)
    net2, opt2, hist2 = nnlib.load_checkpoint(tmp_path / "ckpt.npz")
    assert hist2.epochs == 3 and type(opt2).__name__.lower() == optimizer.replace("sgd", "sgd")
    resumed = nnlib.fit(net2, X, y, epochs=6, batch_size=20, optimizer=opt2, seed=2, start_epoch=hist2.epochs, history=hist2)
    assert resumed.epochs == 6
    assert np.allclose(resumed["loss"], full["loss"], rtol=1e-6)


def test_missing_corrupt_and_mismatched_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="no saved network"):
        nnlib.load(tmp_path / "nope.npz")
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"this is not a zip file")
    with pytest.raises(ValueError, match="corrupt or truncated"):
        nnlib.load(bad)
    good = tmp_path / "good.npz"
    nnlib.save(nnlib.mlp([3, 4, 2]), good)
    truncated = tmp_path / "trunc.npz"
    truncated.write_bytes(good.read_bytes()[:300])
    with pytest.raises(ValueError, match="corrupt or truncated"):
        nnlib.load(truncated)
    with pytest.raises(ValueError, match=r"sizes \[3, 4, 2\], but this network has sizes \[3, 5, 2\]"):
        nnlib.load_weights(nnlib.mlp([3, 5, 2]), good)


def test_a_crash_while_saving_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    net = nnlib.mlp([3, 4, 2], seed=0)
    nnlib.save(net, path)
    before = path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr(io.np, "savez", crash)
    with pytest.raises(OSError, match="disk full"):
        nnlib.save(nnlib.mlp([3, 4, 2], seed=1), path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["model.npz"]


def test_files_are_loaded_without_pickle(tmp_path):
    path = tmp_path / "obj.npz"
    np.savez(path, meta=np.array([{"format": "nnlib-network"}], dtype=object))
    with pytest.raises(ValueError, match="not a readable nnlib network file"):
        nnlib.load(path)


def test_metrics_on_a_known_example():
    y_true = np.array([0, 0, 1, 1, 1, 2])
    y_pred = np.array([0, 1, 1, 1, 2, 2])
    assert nnlib.accuracy(y_true, y_pred) == pytest.approx(4 / 6)
    cm = nnlib.confusion_matrix(y_true, y_pred)
    assert cm.tolist() == [[1, 1, 0], [0, 2, 1], [0, 0, 1]]
    prf = nnlib.precision_recall_f1(y_true, y_pred)
    assert np.allclose(prf["precision"], [1, 2 / 3, 1 / 2])
    assert np.allclose(prf["recall"], [1 / 2, 2 / 3, 1])
    assert np.allclose(prf["f1"], [2 / 3, 2 / 3, 2 / 3])
    assert prf["support"].tolist() == [2, 3, 1]
    assert nnlib.precision_recall_f1([0, 0], [0, 0], n_classes=2)["f1"].tolist() == [1.0, 0.0]
    # balanced accuracy: the mean of the recalls 1/2, 2/3, 1
    assert nnlib.balanced_accuracy(y_true, y_pred) == pytest.approx((1 / 2 + 2 / 3 + 1) / 3)
    # "always class 0" on four of class 0 and one of class 1: accuracy 0.8, balanced 0.5
    assert nnlib.balanced_accuracy([0, 0, 0, 0, 1], [0] * 5) == pytest.approx(0.5)
    # a class that never occurs in y_true is left out of the mean, not counted as recall 0
    assert nnlib.balanced_accuracy([0, 1], [0, 1], n_classes=3) == 1.0
    assert nnlib.balanced_accuracy([], []) == 0.0
    with pytest.raises(ValueError, match="has 2 labels but y_pred has 3"):
        nnlib.accuracy([0, 1], [0, 1, 1])
