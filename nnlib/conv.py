"""Convolution and max pooling on image batches, in plain numpy: a readable reference.

It is vectorized (no Python loop over pixels) but not optimized; it checks what
``torch.nn.functional.conv2d`` and ``max_pool2d`` compute. The layout is PyTorch's:

    X  (n, c_in, h, w)          a batch of n images with c_in channels
    K  (c_out, c_in, kh, kw)    c_out kernels, each spanning all input channels
    b  (c_out,)                 one bias per output channel

Convolution as deep learning uses the word (strictly a cross-correlation: the
kernel is not flipped), with stride s and p zeros of padding on every side
(Xp is the padded X):

    Y[n, o, i, j] = b[o] + sum_{c < c_in} sum_{u < kh} sum_{v < kw} Xp[n, c, s*i + u, s*j + v] K[o, c, u, v]

Output size along each side (the same formula for height and width):

    h_out = floor((h + 2p - kh) / s) + 1

Max pooling with a size x size window and stride s, each channel on its own:

    Y[n, c, i, j] = max_{u, v < size} X[n, c, s*i + u, s*j + v]
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _check_int(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")


def conv_output_size(n, k, padding=0, stride=1):
    """Output length of a convolution or pooling along one side.

    n_out = floor((n + 2 * padding - k) / stride) + 1   for an input of n pixels and a window of k.
    """
    _check_int("n", n, 1)
    _check_int("k", k, 1)
    _check_int("padding", padding, 0)
    _check_int("stride", stride, 1)
    if n + 2 * padding < k:
        raise ValueError(f"the window ({k}) is larger than the padded input ({n} + 2*{padding}); "
                         "use a smaller kernel or more padding")
    return (n + 2 * padding - k) // stride + 1


def _windows(X, kh, kw, stride):
    """All kh x kw windows of X (n, c, h, w), as a view of shape (n, c, h_out, w_out, kh, kw)."""
    return sliding_window_view(X, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]


def _as_batch(X, name="X"):
    X = np.asarray(X)
    if X.ndim != 4:
        hint = "; add the missing axes, e.g. X[None, None] for one (h, w) image" if X.ndim in (2, 3) else ""
        raise ValueError(f"{name} must have shape (n, channels, height, width), got {X.shape}{hint}")
    return X


def conv2d(X, K, b=None, stride=1, padding=0):
    """2-D convolution (cross-correlation) of a batch: Y (n, c_out, h_out, w_out).

    Y[n, o, i, j] = b[o] + sum_{c, u, v} Xp[n, c, s*i + u, s*j + v] K[o, c, u, v]
    with Xp = X zero-padded by ``padding`` and s = ``stride``;
    h_out = conv_output_size(h, kh, padding, stride), and likewise w_out.

    Vectorized as im2col: every window of Xp becomes one row of c_in*kh*kw numbers
    and a single tensordot with the kernels, reshaped to (c_out, c_in*kh*kw), gives
    all outputs.
    """
    X = _as_batch(X)
    K = np.asarray(K)
    if K.ndim != 4:
        raise ValueError(f"K must have shape (c_out, c_in, kh, kw), got {K.shape}")
    if K.shape[1] != X.shape[1]:
        raise ValueError(
            f"X has {X.shape[1]} channels but the kernels expect {K.shape[1]} "
            f"(K is (c_out, c_in, kh, kw) = {K.shape})"
        )
    _check_int("stride", stride, 1)
    _check_int("padding", padding, 0)
    c_out, _, kh, kw = K.shape
    # raises if the kernel does not fit
    conv_output_size(X.shape[2], kh, padding, stride)
    conv_output_size(X.shape[3], kw, padding, stride)
    if padding:
        X = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    # (n, c_in, h_out, w_out, kh, kw)
    windows = _windows(X, kh, kw, stride)
    # (n, h_out, w_out, c_out)
    Y = np.tensordot(windows, K, axes=([1, 4, 5], [1, 2, 3]))
    if b is not None:
        b = np.asarray(b)
        if b.shape != (c_out,):
            raise ValueError(
                f"b must have shape ({c_out},), one bias per kernel, got {b.shape}"
            )
        Y = Y + b
    # (n, c_out, h_out, w_out)
    return np.ascontiguousarray(Y.transpose(0, 3, 1, 2))


def max_pool2d(X, size=2, stride=None):
    """Max pooling of a batch X (n, c, h, w): the largest value of each size x size
    window.

    Y[n, c, i, j] = max_{u, v < size} X[n, c, s*i + u, s*j + v],
    s = ``stride`` (default ``size``); h_out = conv_output_size(h, size, 0, s), so
    leftover rows and columns at the edge are dropped.
    """
    X = _as_batch(X)
    _check_int("size", size, 1)
    stride = size if stride is None else stride
    _check_int("stride", stride, 1)
    conv_output_size(X.shape[2], size, 0, stride)
    conv_output_size(X.shape[3], size, 0, stride)
    return _windows(X, size, size, stride).max(axis=(4, 5))
