"""Layers and whole networks: gradients against finite differences and torch.autograd."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import nnlib
from nnlib.gradcheck import check_network, relative_error

TORCH_ACT = {"sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh, "relu": torch.nn.ReLU,
             "leaky_relu": lambda: torch.nn.LeakyReLU(0.01), "identity": torch.nn.Identity,
             "softmax": lambda: torch.nn.Softmax(dim=1)}


def torch_copy(net):
    """The same architecture and weights as a torch.nn.Sequential (float64)."""
    mods = []
    for layer in net.layers:
        lin = torch.nn.Linear(layer.n_in, layer.n_out).double()
        with torch.no_grad():
            lin.weight.copy_(torch.tensor(layer.W.T))
            lin.bias.copy_(torch.tensor(layer.b))
        mods.append(lin)
        act = layer.activation.name
        if not (act == "softmax" and net.loss_fn.name == "cross_entropy") and not (
                act == "sigmoid" and net.loss_fn.name == "bce"):
            mods.append(TORCH_ACT[act]())
    return torch.nn.Sequential(*mods)


def torch_loss(net, out, y):
    name = net.loss_fn.name
    if name == "cross_entropy":
        return torch.nn.functional.cross_entropy(out, torch.tensor(y))
    yt = torch.tensor(y, dtype=torch.float64).reshape(out.shape)
    if name == "bce":
        return torch.nn.functional.binary_cross_entropy_with_logits(out, yt, reduction="sum") / out.shape[0]
    return 0.5 * ((out - yt) ** 2).sum() / out.shape[0]


CONFIGS = [("relu", "softmax", "cross_entropy"), ("sigmoid", "sigmoid", "mse"),
           ("tanh", "sigmoid", "bce"), ("leaky_relu", "identity", "mse"), ("tanh", "tanh", "mse")]


@pytest.mark.parametrize("hidden,output,loss", CONFIGS)
@settings(max_examples=8, deadline=None)
@given(sizes=st.lists(st.integers(1, 6), min_size=1, max_size=3), n=st.integers(1, 5),
       k=st.integers(1, 4), seed=st.integers(0, 1000))
def test_network_gradients_match_torch_and_finite_differences(hidden, output, loss, sizes, n, k, seed):
    if output == "softmax":
        k = max(k, 2)
    if loss == "bce":
        k = 1
    rng = np.random.default_rng(seed)
    net = nnlib.mlp([3] + sizes + [k], hidden, output, loss, init="xavier", seed=seed, dtype=np.float64)
    for layer in net.layers:
        layer.b[:] = rng.normal(0, 0.1, layer.b.shape)
    X = rng.normal(size=(n, 3))
    X = np.where(np.abs(X) < 1e-3, 0.1, X)
    y = rng.integers(0, k, n) if loss == "cross_entropy" else rng.integers(0, 2, (n, k)).astype(float)
    value, grads = net.gradients(X, y)
    model = torch_copy(net)
    lt = torch_loss(net, model(torch.tensor(X)), y)
    lt.backward()
    assert abs(value - lt.item()) <= 1e-10 * max(1, abs(lt.item()))
    lins = [m for m in model if isinstance(m, torch.nn.Linear)]
    for layer, lin in zip(net.layers, lins):
        assert relative_error(layer.dW, lin.weight.grad.numpy().T) < 1e-10
        assert relative_error(layer.db, lin.bias.grad.numpy()) < 1e-10
    assert check_network(net, X, y) < 1e-6


def test_dense_layer_backward_shapes_and_values():
    rng = np.random.default_rng(0)
    layer = nnlib.Dense(4, 3, "tanh", init="xavier", rng=0, dtype=np.float64)
    X, v = rng.normal(size=(5, 4)), rng.normal(size=(5, 3))
    a = layer.forward(X)
    grad_X = layer.backward(v)
    assert a.shape == (5, 3) and grad_X.shape == (5, 4)
    assert layer.dW.shape == (4, 3) and layer.db.shape == (3,)
    delta = v * (1 - np.tanh(X @ layer.W + layer.b) ** 2)
    assert np.allclose(layer.dW, X.T @ delta) and np.allclose(layer.db, delta.sum(0))
    assert np.allclose(grad_X, delta @ layer.W.T)


def test_initializers_have_the_stated_scale():
    for method, std in [("he", np.sqrt(2 / 400)), ("xavier", np.sqrt(2 / 600)), ("normal", 0.3)]:
        W = nnlib.init_weights(400, 200, method, rng=1, std=0.3 if method == "normal" else None)
        assert W.dtype == np.float32 and abs(W.std() / std - 1) < 0.02
    with pytest.raises(ValueError, match="unknown init"):
        nnlib.init_weights(2, 2, "uniform")


def test_float32_by_default_and_float64_on_request():
    assert nnlib.mlp([4, 3, 2]).forward(np.ones((1, 4))).dtype == np.float32
    assert nnlib.mlp([4, 3, 2], dtype=np.float64).forward(np.ones((1, 4))).dtype == np.float64


def test_predict_and_same_seed_same_network():
    net1, net2 = nnlib.mlp([2, 5, 3], seed=7), nnlib.mlp([2, 5, 3], seed=7)
    X = np.random.default_rng(0).normal(size=(10, 2))
    assert np.array_equal(net1(X), net2(X))
    assert np.array_equal(net1.predict(X), net1(X).argmax(1))
    one = nnlib.mlp([2, 3, 1], output="sigmoid", loss="bce")
    assert set(one.predict(X)) <= {0, 1}


def test_wrong_input_width_names_the_layer_and_shapes():
    net = nnlib.mlp([784, 16, 10])
    with pytest.raises(ValueError, match=r"layer 1 \(Dense 784->16\) expects input of shape \(n_samples, 784\) but got \(2, 728\)"):
        net.forward(np.zeros((2, 728)))
    with pytest.raises(ValueError, match="2-D"):
        net.forward(np.zeros(784))


def test_bad_architectures_are_rejected():
    with pytest.raises(ValueError, match="layer 1 outputs 3 values but layer 2 expects 4"):
        nnlib.Network([nnlib.Dense(2, 3), nnlib.Dense(4, 1)])
    with pytest.raises(ValueError, match="cross_entropy loss needs a softmax output"):
        nnlib.mlp([2, 3], output="sigmoid", loss="cross_entropy")
