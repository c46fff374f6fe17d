"""nnlib.flat: a Network's parameters share one buffer, and the fast path changes no number."""
import numpy as np
import pytest

import nnlib
from nnlib.flat import ALIGN, Grouper, flat_view, pack


def test_pack_copies_values_into_aligned_views_of_one_buffer():
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(shape).astype(np.float32) for shape in [(7, 3), (3,), (3, 5), (5,)]]
    views = pack(arrays)
    for a, v in zip(arrays, views):
        assert v.shape == a.shape and v.dtype == a.dtype
        np.testing.assert_array_equal(v, a)
        assert v.ctypes.data % ALIGN == 0
        assert v.base is views[0].base
    flat, offsets = flat_view(views)
    assert offsets == [0, 32, 48, 64]                 # 21 floats rounded up to 32 (64 bytes), 3 to 16, ...
    flat[:] = 0                                       # writing the flat view writes every array
    assert all(np.all(v == 0) for v in views)


def test_flat_view_refuses_arrays_that_are_not_packed():
    assert flat_view([np.zeros(3), np.zeros(4)]) is None
    buf = np.zeros(10)
    assert flat_view([buf[5:], buf[:5]]) is None      # out of order
    assert flat_view([buf[:5], buf[3:8]]) is None     # overlapping
    wide = np.zeros(100)
    assert flat_view([wide[:5], wide[50:55]]) is None  # the gap holds numbers that belong to no array
    assert flat_view([]) is None


def test_grouper_gives_one_flat_tuple_only_for_the_same_layout():
    group = Grouper()
    a, b = pack([np.ones((2, 3)), np.ones(3)]), pack([np.zeros((2, 3)), np.zeros(3)])
    (pair,) = group(a, b)
    assert [len(x) for x in pair] == [len(flat_view(a)[0])] * 2
    c = [np.zeros((2, 3)), np.zeros(3)]
    assert len(group(a, c)) == 2                      # one pair per array
    d = pack([np.zeros(3), np.zeros((2, 3))])         # packed, but another layout
    assert len(group(a, d)) == 2


def test_a_network_keeps_its_parameters_and_gradients_in_two_buffers():
    net = nnlib.mlp([5, 4, 3], seed=1)
    params, grads = net.params(), net.grads()
    assert flat_view(params) is not None and flat_view(grads) is not None
    expected = nnlib.init_weights(5, 4, "he", np.random.default_rng(1))   # what mlp draws first
    np.testing.assert_array_equal(net.layers[0].W, expected)               # packing kept the values


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_the_flat_path_gives_bitwise_the_same_training(optimizer):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 6)).astype(np.float32)
    y = rng.integers(0, 3, 200)

    def run(packed):
        net = nnlib.mlp([6, 8, 3], seed=2)
        if not packed:                                # give every parameter its own array again
            for layer in net.layers:
                layer.W, layer.b = layer.W.copy(), layer.b.copy()
                layer.dW, layer.db = layer.dW.copy(), layer.db.copy()
            assert flat_view(net.params()) is None
        nnlib.fit(net, X, y, epochs=3, batch_size=16, optimizer=optimizer, lr=0.01)
        return [p.copy() for p in net.params()]

    for fast, slow in zip(run(True), run(False)):
        np.testing.assert_array_equal(fast, slow)
