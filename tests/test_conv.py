"""nnlib.conv against torch.nn.functional: convolution, max pooling and the output-size formula."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib.conv import conv2d, conv_output_size, max_pool2d

# (n, c_in, h, w, c_out, kh, kw, stride, padding)
CONV_CASES = [
    (1, 1, 5, 5, 1, 3, 3, 1, 0),
    (2, 3, 8, 7, 4, 3, 3, 1, 1),
    (3, 2, 9, 9, 5, 3, 3, 2, 1),
    (2, 4, 10, 6, 3, 2, 3, 2, 0),
    (1, 3, 7, 11, 2, 5, 5, 3, 2),
    (4, 1, 28, 28, 8, 3, 3, 1, 1),
    (2, 2, 6, 6, 3, 1, 1, 1, 0),
    (1, 1, 4, 4, 1, 4, 4, 1, 0),       # kernel as large as the image: one output pixel
]


@pytest.mark.parametrize("n,c_in,h,w,c_out,kh,kw,stride,padding", CONV_CASES)
def test_conv2d_equals_torch(n, c_in, h, w, c_out, kh, kw, stride, padding):
    rng = np.random.default_rng(h * 100 + w * 10 + c_out)
    X = rng.standard_normal((n, c_in, h, w))
    K = rng.standard_normal((c_out, c_in, kh, kw))
    b = rng.standard_normal(c_out)
    ours = conv2d(X, K, b, stride=stride, padding=padding)
    theirs = F.conv2d(torch.from_numpy(X), torch.from_numpy(K), torch.from_numpy(b),
                      stride=stride, padding=padding).numpy()
    assert ours.shape == theirs.shape == (n, c_out, conv_output_size(h, kh, padding, stride),
                                          conv_output_size(w, kw, padding, stride))
    assert np.allclose(ours, theirs, rtol=1e-12, atol=1e-12)
    no_bias = F.conv2d(torch.from_numpy(X), torch.from_numpy(K), stride=stride, padding=padding).numpy()
    assert np.allclose(conv2d(X, K, stride=stride, padding=padding), no_bias, rtol=1e-12, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 3), c_in=st.integers(1, 3), c_out=st.integers(1, 3), h=st.integers(1, 9),
       w=st.integers(1, 9), kh=st.integers(1, 4), kw=st.integers(1, 4), stride=st.integers(1, 3),
       padding=st.integers(0, 2), seed=st.integers(0, 2**16))
def test_conv2d_random_shapes(n, c_in, c_out, h, w, kh, kw, stride, padding, seed):
    if h + 2 * padding < kh or w + 2 * padding < kw:
        with pytest.raises(ValueError, match="larger than the padded input"):
            conv2d(np.zeros((n, c_in, h, w)), np.zeros((c_out, c_in, kh, kw)), padding=padding)
        return
    rng = np.random.default_rng(seed)
    X, K = rng.standard_normal((n, c_in, h, w)), rng.standard_normal((c_out, c_in, kh, kw))
    theirs = F.conv2d(torch.from_numpy(X), torch.from_numpy(K), stride=stride, padding=padding).numpy()
    assert np.allclose(conv2d(X, K, stride=stride, padding=padding), theirs, rtol=1e-12, atol=1e-12)


def test_conv2d_float32_keeps_dtype():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((2, 3, 12, 12)).astype(np.float32)
    K = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    b = rng.standard_normal(4).astype(np.float32)
    ours = conv2d(X, K, b, padding=1)
    assert ours.dtype == np.float32
    theirs = F.conv2d(torch.from_numpy(X), torch.from_numpy(K), torch.from_numpy(b), padding=1).numpy()
    assert np.allclose(ours, theirs, rtol=1e-5, atol=1e-5)


def test_conv2d_by_hand():
    """A vertical edge (0 | 1) seen by the kernel [-1, 0, 1] in every row: 3 where it straddles the edge."""
    X = np.zeros((1, 1, 4, 6))
    X[..., 3:] = 1.0
    K = np.tile([-1.0, 0.0, 1.0], (3, 1))[None, None]
    Y = conv2d(X, K)
    assert Y.shape == (1, 1, 2, 4)
    assert np.array_equal(Y[0, 0], [[0, 3, 3, 0], [0, 3, 3, 0]])


def test_conv2d_is_cross_correlation_not_flipped():
    X = np.arange(9.0).reshape(1, 1, 3, 3)
    K = np.arange(9.0).reshape(1, 1, 3, 3)
    assert conv2d(X, K)[0, 0, 0, 0] == np.sum(np.arange(9.0) ** 2)


@pytest.mark.parametrize("n,c,h,w,size,stride", [
    (2, 3, 8, 8, 2, None), (1, 2, 7, 9, 2, 2), (3, 1, 9, 9, 3, 3), (2, 4, 10, 10, 3, 2), (1, 1, 5, 5, 2, 1),
])
def test_max_pool2d_equals_torch(n, c, h, w, size, stride):
    X = np.random.default_rng(h + w + size).standard_normal((n, c, h, w))
    ours = max_pool2d(X, size, stride)
    theirs = F.max_pool2d(torch.from_numpy(X), size, stride).numpy()
    assert ours.shape == theirs.shape
    assert np.array_equal(ours, theirs)


@pytest.mark.parametrize("n,k,padding,stride", [
    (28, 3, 1, 1), (28, 3, 0, 1), (28, 5, 2, 2), (48, 3, 1, 1), (48, 2, 0, 2), (7, 2, 0, 2), (10, 3, 1, 3), (5, 5, 0, 1),
])
def test_conv_output_size_matches_torch(n, k, padding, stride):
    out = F.conv2d(torch.zeros(1, 1, n, n), torch.zeros(1, 1, k, k), padding=padding, stride=stride)
    assert conv_output_size(n, k, padding, stride) == out.shape[-1] == (n + 2 * padding - k) // stride + 1


def test_emotion_cnn_flatten_size():
    """Three blocks of (3x3 conv pad 1, 3x3 conv pad 1, 2x2 max-pool) take 48 to 6: 6 * 6 * 128 = 4608."""
    side = 48
    for _ in range(3):
        side = conv_output_size(side, 3, padding=1)
        side = conv_output_size(side, 3, padding=1)
        side = conv_output_size(side, 2, stride=2)
    assert side == 6 and side * side * 128 == 4608
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 16, 3, padding=1), torch.nn.Conv2d(16, 32, 3, padding=1), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(32, 64, 3, padding=1), torch.nn.Conv2d(64, 64, 3, padding=1), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(64, 128, 3, padding=1), torch.nn.Conv2d(128, 128, 3, padding=1), torch.nn.MaxPool2d(2),
        torch.nn.Flatten())
    with torch.no_grad():
        assert model(torch.zeros(1, 1, 48, 48)).shape == (1, 4608)


def test_stride_is_subsampling_of_stride_one():
    rng = np.random.default_rng(3)
    X, K = rng.standard_normal((2, 2, 11, 11)), rng.standard_normal((3, 2, 3, 3))
    assert np.allclose(conv2d(X, K, stride=2, padding=1), conv2d(X, K, padding=1)[:, :, ::2, ::2])


def test_clear_errors():
    X, K = np.zeros((1, 1, 5, 5)), np.zeros((2, 1, 3, 3))
    with pytest.raises(ValueError, match=r"shape \(n, channels, height, width\).*X\[None, None\]"):
        conv2d(np.zeros((5, 5)), K)
    with pytest.raises(ValueError, match="X has 3 channels but the kernels expect 1"):
        conv2d(np.zeros((1, 3, 5, 5)), K)
    with pytest.raises(ValueError, match=r"K must have shape \(c_out, c_in, kh, kw\)"):
        conv2d(X, np.zeros((3, 3)))
    with pytest.raises(ValueError, match=r"b must have shape \(2,\)"):
        conv2d(X, K, b=np.zeros(3))
    with pytest.raises(ValueError, match="window .* is larger than the padded input"):
        conv2d(np.zeros((1, 1, 2, 2)), K)
    with pytest.raises(ValueError, match="stride must be an integer >= 1"):
        conv2d(X, K, stride=0)
    with pytest.raises(ValueError, match="padding must be an integer >= 0"):
        conv2d(X, K, padding=-1)
    with pytest.raises(ValueError, match="size must be an integer >= 1"):
        max_pool2d(X, size=1.5)
    with pytest.raises(ValueError, match="window .* is larger"):
        max_pool2d(X, size=6)
    with pytest.raises(ValueError, match="k must be an integer >= 1"):
        conv_output_size(28, 0)
