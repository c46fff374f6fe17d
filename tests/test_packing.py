"""A Network keeps its parameters and gradients in two vectors, and the one-vector path
changes no number."""
import numpy as np
import pytest

import nnlib
from nnlib.network import ALIGN, pack


def test_pack_copies_values_into_aligned_views_of_one_vector():
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(shape).astype(np.float32) for shape in [(7, 3), (3,), (3, 5), (5,)]]
    vector, views = pack(arrays)
    assert vector.ndim == 1 and len(vector) == 32 + 16 + 16 + 16   # each size rounded up to 64 bytes
    for a, v in zip(arrays, views):
        assert v.shape == a.shape and v.dtype == a.dtype and v.ctypes.data % ALIGN == 0
        np.testing.assert_array_equal(v, a)
        assert np.shares_memory(v, vector)
    inside = np.zeros(len(vector), bool)
    for v in views:
        start = (v.ctypes.data - vector.ctypes.data) // vector.itemsize
        inside[start:start + v.size] = True
    assert inside.sum() == sum(a.size for a in arrays) and np.all(vector[~inside] == 0)   # gaps: zeros
    vector[:] = 0                                     # writing the vector writes every array
    assert all(np.all(v == 0) for v in views)


def test_a_network_keeps_its_parameters_and_gradients_in_two_vectors():
    net = nnlib.mlp([5, 4, 3], seed=1)
    for layer in net.layers:
        assert np.shares_memory(layer.W, net.theta) and np.shares_memory(layer.b, net.theta)
        assert np.shares_memory(layer.dW, net.grad) and np.shares_memory(layer.db, net.grad)
    assert net.theta.shape == net.grad.shape and net.theta.size >= net.n_params()
    expected = nnlib.init_weights(5, 4, "he", np.random.default_rng(1))   # what mlp draws first
    np.testing.assert_array_equal(net.layers[0].W, expected)               # packing kept the values
    X, y = np.ones((2, 5), np.float32), np.array([0, 2])
    _, grads = net.gradients(X, y)
    assert np.isclose(float(np.sum(net.grad)), sum(float(g.sum()) for g in grads), rtol=1e-5)


def test_a_network_of_mixed_dtypes_is_not_packed():
    layers = [nnlib.Dense(3, 2, rng=0), nnlib.Dense(2, 1, "sigmoid", rng=0, dtype=np.float64)]
    net = nnlib.Network(layers)
    assert net.theta is None and net.grad is None
    X = np.zeros((4, 3), np.float32)
    nnlib.fit(net, X, np.zeros(4), epochs=1, optimizer="adam", lr=0.01)   # per-array path


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_one_vector_and_per_array_steps_give_bitwise_the_same_training(optimizer):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 6)).astype(np.float32)
    y = rng.integers(0, 3, 200)

    def run(one_vector):
        net = nnlib.mlp([6, 8, 3], seed=2)
        params = [net.theta] if one_vector else net.params()
        opt = nnlib.optim.OPTIMIZERS[optimizer](params, lr=0.01)
        nnlib.fit(net, X, y, epochs=3, batch_size=16, optimizer=opt)
        return [p.copy() for p in net.params()]

    for fast, slow in zip(run(True), run(False)):
        np.testing.assert_array_equal(fast, slow)


def test_a_step_with_the_wrong_gradients_is_refused():
    net = nnlib.mlp([4, 3, 2], seed=0)
    opt = nnlib.Adam([net.theta])
    with pytest.raises(ValueError, match=r"one built on \[net.theta\] with \[net.grad\]"):
        opt.step(net.grads())


@pytest.mark.parametrize("one_vector", [True, False])
def test_a_checkpoint_resumes_whether_its_optimizer_state_is_one_vector_or_per_array(
        tmp_path, one_vector):
    # files saved before the Network owned theta hold one Adam buffer per weight and bias
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 5)).astype(np.float32)
    y = rng.integers(0, 2, 64)

    def trained(opt_of, epochs, start=0, net=None, history=None):
        net = net or nnlib.mlp([5, 4, 2], seed=1)
        opt = opt_of(net)
        h = nnlib.fit(net, X, y, epochs=epochs, start_epoch=start, batch_size=16,
                      optimizer=opt, history=history)
        return net, h

    new_adam = lambda net: nnlib.Adam([net.theta] if one_vector else net.params(), lr=0.01)
    straight, _ = trained(new_adam, 4)
    net, h = trained(new_adam, 2)
    nnlib.save(net, tmp_path / "c.npz", optimizer=h.optimizer, history=h)
    net, opt, h = nnlib.load_checkpoint(tmp_path / "c.npz")
    resumed, _ = trained(lambda _: opt, 4, start=2, net=net, history=h)
    for a, b in zip(straight.params(), resumed.params()):
        np.testing.assert_array_equal(a, b)
