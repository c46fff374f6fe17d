"""Activations and losses: backward equals finite differences and torch.autograd."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

from nnlib import activations as A, losses as L
from nnlib.gradcheck import numerical_gradient, relative_error

ACTS = [A.Sigmoid(), A.Tanh(), A.ReLU(), A.LeakyReLU(0.05), A.Softmax(), A.Identity()]
TORCH = {
    "sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu,
    "leaky_relu": lambda z: torch.nn.functional.leaky_relu(z, 0.05),
    "softmax": lambda z: torch.softmax(z, dim=1), "identity": lambda z: z,
}
shapes = st.tuples(st.integers(1, 5), st.integers(1, 7))


def away_from_kinks(z):
    """ReLU-type functions have a kink at 0: keep finite differences off it."""
    return np.where(np.abs(z) < 1e-3, 0.5, z)


@pytest.mark.parametrize("act", ACTS, ids=lambda a: a.name)
@settings(max_examples=15, deadline=None)
@given(shape=shapes, seed=st.integers(0, 10_000))
def test_activation_backward_matches_finite_differences_and_torch(act, shape, seed):
    rng = np.random.default_rng(seed)
    z = away_from_kinks(rng.normal(0, 2, shape))
    v = rng.normal(size=shape)                      # L = sum(v * f(z)) so dL/da = v
    a = act.f(z)
    ours = act.backward(z, a, v)
    numeric = numerical_gradient(lambda: float(np.sum(v * act.f(z))), z)
    assert relative_error(ours, numeric) < 1e-6
    zt = torch.tensor(z, requires_grad=True)
    (torch.tensor(v) * TORCH[act.name](zt)).sum().backward()
    assert np.allclose(a, TORCH[act.name](torch.tensor(z)).numpy(), rtol=1e-12, atol=1e-14)
    assert relative_error(ours, zt.grad.numpy()) < 1e-10


@pytest.mark.parametrize("act", [a for a in ACTS if a.name != "softmax"], ids=lambda a: a.name)
def test_df_is_the_elementwise_derivative(act):
    z = away_from_kinks(np.linspace(-4, 4, 41))[None, :]
    numeric = numerical_gradient(lambda: float(np.sum(act.f(z))), z)
    assert relative_error(act.df(z), numeric) < 1e-6


@pytest.mark.parametrize("act", ACTS, ids=lambda a: a.name)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_activations_are_stable_for_huge_inputs(act, dtype):
    z = np.array([[-1e4, -50.0, 0.0, 50.0, 1e4]], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")             # any overflow warning fails the test
        a = act.f(z)
        g = act.backward(z, a, np.ones_like(z))
    assert np.all(np.isfinite(a)) and np.all(np.isfinite(g))
    assert a.dtype == dtype


def test_sigmoid_and_softmax_values():
    assert np.allclose(A.Sigmoid().f(np.array([0.0, 1e4, -1e4])), [0.5, 1.0, 0.0])
    s = A.Softmax().f(np.array([[1000.0, 1001.0]]))
    assert np.allclose(s, [[1 / (1 + np.e), np.e / (1 + np.e)]])
    with pytest.raises(NotImplementedError, match="Jacobian"):
        A.Softmax().df(np.zeros((1, 2)))


def test_get_activation_errors():
    assert isinstance(A.get_activation("leaky_relu"), A.LeakyReLU)
    with pytest.raises(ValueError, match="unknown activation 'relu6'"):
        A.get_activation("relu6")


def torch_loss(name, z, y):
    if name == "mse":
        return 0.5 * ((torch.sigmoid(z) - y) ** 2).sum() / z.shape[0]
    if name == "bce":
        return torch.nn.functional.binary_cross_entropy_with_logits(z, y, reduction="sum") / z.shape[0]
    return torch.nn.functional.cross_entropy(z, y)


@pytest.mark.parametrize("name", ["mse", "bce", "cross_entropy"])
@settings(max_examples=15, deadline=None)
@given(shape=shapes, seed=st.integers(0, 10_000))
def test_loss_delta_matches_finite_differences_and_torch(name, shape, seed):
    rng = np.random.default_rng(seed)
    n, k = shape
    loss = L.get_loss(name)
    act = A.Softmax() if name == "cross_entropy" else A.Sigmoid()
    z = rng.normal(0, 3, shape)
    if name == "cross_entropy":
        y = rng.integers(0, k, n)
        yt = torch.tensor(y)
    else:
        y = rng.integers(0, 2, shape).astype(float)
        yt = torch.tensor(y)
    value = lambda: loss.value(z, act.f(z), y)
    a = act.f(z)
    ours = loss.delta(z, a, y, act)
    assert relative_error(ours, numerical_gradient(value, z)) < 1e-6
    zt = torch.tensor(z, requires_grad=True)
    lt = torch_loss(name, zt, yt)
    lt.backward()
    assert abs(value() - lt.item()) < 1e-10 * max(1.0, abs(lt.item()))
    assert relative_error(ours, zt.grad.numpy()) < 1e-10


def test_cross_entropies_never_take_log_of_zero():
    z = np.array([[1e4, -1e4, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ce = L.CrossEntropy().value(z, A.Softmax().f(z), np.array([1]))
        bce = L.BinaryCrossEntropy().value(z[:, :1], A.Sigmoid().f(z[:, :1]), np.array([[0.0]]))
    assert np.isclose(ce, 2e4) and np.isclose(bce, 1e4)


def test_mse_uses_the_half_convention():
    a, y = np.array([[1.0, 2.0], [0.0, 0.0]]), np.array([[0.0, 0.0], [0.0, 0.0]])
    assert L.MSE().value(a, a, y) == pytest.approx(0.5 * (1 + 4) / 2)
    assert L.MSE.mse(a, y) == pytest.approx(5 / 4)


def test_label_errors_are_clear():
    ce, z = L.CrossEntropy(), np.zeros((3, 4))
    with pytest.raises(ValueError, match=r"lie in 0\.\.3 .* got labels from 0 to 7"):
        ce.value(z, z, np.array([0, 1, 7]))
    with pytest.raises(ValueError, match="integers"):
        ce.value(z, z, np.array([0.5, 1, 2]))
    with pytest.raises(ValueError, match="NaN"):
        L.MSE().value(z, z, np.full((3, 4), np.nan))
    with pytest.raises(ValueError, match=r"shape \(3, 2\) but the network outputs shape \(3, 4\)"):
        L.MSE().value(z, z, np.zeros((3, 2)))
