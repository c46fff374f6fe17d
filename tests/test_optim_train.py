"""Optimizers against torch.optim; the training loop's stopping, clipping, divergence and resuming."""
import numpy as np
import pytest
import torch

import nnlib
from nnlib.optim import get_optimizer


@pytest.mark.parametrize("name,ours,theirs", [
    ("sgd", lambda p: nnlib.SGD(p, lr=0.1), lambda p: torch.optim.SGD(p, lr=0.1)),
    ("momentum", lambda p: nnlib.Momentum(p, lr=0.1, beta=0.9), lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9)),
    ("adam", lambda p: nnlib.Adam(p, lr=0.01), lambda p: torch.optim.Adam(p, lr=0.01)),
])
def test_steps_equal_torch_optim(name, ours, theirs):
    rng = np.random.default_rng(0)
    params = [rng.normal(size=(4, 3)), rng.normal(size=3)]
    tparams = [torch.tensor(p.copy(), requires_grad=True) for p in params]
    opt, topt = ours(params), theirs(tparams)
    for _ in range(5):                              # several steps: momentum and Adam state matter
        grads = [rng.normal(size=p.shape) for p in params]
        opt.step(grads)
        for tp, g in zip(tparams, grads):
            tp.grad = torch.tensor(g)
        topt.step()
        for p, tp in zip(params, tparams):
            assert np.allclose(p, tp.detach().numpy(), rtol=1e-12, atol=1e-12)


def test_optimizer_errors():
    with pytest.raises(ValueError, match="learning rate must be positive"):
        nnlib.SGD([np.zeros(2)], lr=0)
    with pytest.raises(ValueError, match="unknown optimizer 'rmsprop'"):
        get_optimizer("rmsprop", [], 0.1)


def blobs(n=300, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    X = rng.normal(size=(n, 2)) * 0.5 + np.array([[0, 2], [2, -1], [-2, -1]])[y]
    return X.astype(np.float32), y


def test_fit_learns_and_keeps_history():
    X, y = blobs()
    net = nnlib.mlp([2, 16, 3], seed=0)
    h = nnlib.fit(net, X, y, epochs=30, batch_size=32, optimizer="adam", lr=0.01, X_val=X[:50], y_val=y[:50])
    assert h.epochs == 30 and set(h) >= {"loss", "acc", "val_loss", "val_acc", "time"}
    assert h["loss"][-1] < 0.3 * h["loss"][0]
    assert h["acc"][-1] > 0.95 and nnlib.evaluate(net, X, y)["acc"] > 0.95


def test_target_loss_stops_training_early():
    X, y = blobs()
    net = nnlib.mlp([2, 16, 3], seed=0)
    h = nnlib.fit(net, X, y, epochs=500, batch_size=None, optimizer="adam", lr=0.05, target_loss=0.1)
    assert h["loss"][-1] <= 0.1 and h.epochs < 500 and all(v > 0.1 for v in h["loss"][:-1])


def test_divergence_raises_a_helpful_error():
    X, y = blobs()
    net = nnlib.mlp([2, 64, 64, 3], init="normal", std=10.0, seed=0)
    with pytest.raises(nnlib.TrainingDiverged, match="lower learning rate.*clip_norm") as info:
        nnlib.fit(net, X * 1e3, y, epochs=20, lr=100.0)
    assert isinstance(info.value.history, nnlib.History)


def test_gradient_clipping_by_norm_and_value():
    g = [np.array([3.0, 4.0]), np.array([12.0])]
    assert nnlib.clip_gradients(g, clip_norm=1.3) == pytest.approx(13.0)
    assert np.sqrt(sum((x ** 2).sum() for x in g)) == pytest.approx(1.3, rel=1e-5)
    g = [np.array([-5.0, 0.5])]
    nnlib.clip_gradients(g, clip_value=1.0)
    assert np.array_equal(g[0], [-1.0, 0.5])
    t = [torch.tensor([3.0, 4.0], requires_grad=True), torch.tensor([12.0], requires_grad=True)]
    for p in t:
        p.grad = p.detach().clone()
    torch.nn.utils.clip_grad_norm_(t, 1.3)
    g = [np.array([3.0, 4.0]), np.array([12.0])]
    nnlib.clip_gradients(g, clip_norm=1.3)
    assert all(np.allclose(a, p.grad.numpy()) for a, p in zip(g, t))


def test_bad_data_is_rejected_with_clear_messages():
    net = nnlib.mlp([2, 4, 3])
    X, y = blobs(20)
    with pytest.raises(ValueError, match="NaN"):
        nnlib.fit(net, np.where(X > 1, np.nan, X), y, epochs=1)
    with pytest.raises(ValueError, match="20 samples but its targets have 19"):
        nnlib.fit(net, X, y[:19], epochs=1)
    with pytest.raises(ValueError, match=r"lie in 0\.\.2"):
        nnlib.fit(net, X, y + 1, epochs=1)
    with pytest.raises(ValueError, match=r"shape \(n_samples, 2\)"):
        nnlib.fit(net, X[:, :1], y, epochs=1)


def test_same_seed_same_run_and_verbose_output(capsys):
    X, y = blobs()
    runs = []
    for _ in range(2):
        net = nnlib.mlp([2, 8, 3], seed=3)
        runs.append(nnlib.fit(net, X, y, epochs=4, batch_size=16, optimizer="momentum", lr=0.05, seed=5, verbose=2)["loss"])
    assert runs[0] == runs[1]
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and lines[0].startswith("epoch    2  loss ")
