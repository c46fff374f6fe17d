"""The benchmark's FLOP count agrees with the matrix products it times."""
import importlib.util
from pathlib import Path

import numpy as np
import pytest

import nnlib

pytest.importorskip("torch")
_path = Path(__file__).resolve().parent.parent / "benchmarks" / "mnist_mlp.py"
_spec = importlib.util.spec_from_file_location("mnist_mlp", _path)
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


@pytest.mark.parametrize("sizes", [[784, 128, 64, 10], [5, 3], [7, 4, 6, 2]])
def test_flops_per_sample_counts_the_timed_products(sizes):
    net = nnlib.mlp(sizes, seed=0)
    work = bench.products(net, 8, np.random.default_rng(0))
    flops = sum(2 * A.shape[0] * A.shape[1] * B.shape[1] for A, B, C in work)
    assert flops == bench.flops_per_sample(sizes) * 8
    for A, B, C in work:
        assert C.shape == (A.shape[0], B.shape[1])



def test_flops_of_the_mnist_network():
    # 2 x (784*128 + 128*64 + 64*10) forward, the same for dW, 2 x (128*64 + 64*10) for dL/dX
    assert bench.flops_per_sample([784, 128, 64, 10]) == 218_368 + 218_368 + 17_664 == 454_400
