"""Plotting helpers that every chapter uses (matplotlib only).

Call :func:`set_style` once at the top of a chapter; importing this module changes
no global state by itself. Every helper draws a title and labelled axes and returns
the :class:`matplotlib.figure.Figure` it drew on; none calls ``plt.show()``.

In a notebook, end the cell with ``plt.show()``. Leaving the returned figure as the
cell's last expression would show the figure twice and store the text
``<Figure size ...>`` in the notebook, which differs between machines.

Helpers take plain callables and arrays (``predict``, ``X``, ``y``, a history dict),
so they work with ``nnlib`` networks, PyTorch models wrapped in a function, or
anything else.
"""
import io
import math

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import LinearSegmentedColormap, ListedColormap, to_rgb
from matplotlib.patches import Circle
from matplotlib.ticker import PercentFormatter

# Okabe-Ito palette: distinguishable with the common kinds of colour blindness.
COLORS = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7",
          "#56B4E9", "#F0E442", "#000000", "#999999", "#882255"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*", "h", "p"]
RIGHT_COLOR = "#1B7837"   # green: prediction right (show_images)
WRONG_COLOR = "#C62828"   # red: prediction wrong
RIGHT_MARK, WRONG_MARK = "\u2713", "\u2717"   # ✓ ✗ so the colour is not the only cue

STYLE = {
    "figure.facecolor": "white", "axes.facecolor": "white",
    "savefig.facecolor": "white", "savefig.edgecolor": "white",
    "figure.edgecolor": "white", "text.color": "black",
    "axes.labelcolor": "black", "axes.edgecolor": "#333333",
    "xtick.color": "#333333", "ytick.color": "#333333",
    "figure.dpi": 100, "savefig.dpi": 100, "figure.figsize": (6.0, 4.0),
    "figure.constrained_layout.use": True,
    "axes.grid": True, "grid.color": "#b0b0b0", "grid.alpha": 0.35, "grid.linewidth": 0.8,
    "axes.spines.top": False, "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=COLORS),
    "font.size": 11, "axes.titlesize": 12, "axes.labelsize": 11,
    "xtick.labelsize": 10, "ytick.labelsize": 10, "legend.fontsize": 10,
    "figure.titlesize": 13, "legend.frameon": False,
    "lines.linewidth": 2.0, "image.cmap": "viridis",
}


def set_style(**overrides):
    """Set the book's matplotlib style (white background, grid, fonts, colours).

    Call once at the top of a chapter. Single settings can be overridden by their
    matplotlib names, e.g. ``set_style(**{"figure.dpi": 120})``.
    """
    unknown = [k for k in overrides if k not in mpl.rcParams]
    if unknown:
        raise ValueError(f"set_style: unknown matplotlib settings {unknown}; "
                         "pass real rcParams names, e.g. set_style(**{'figure.dpi': 120})")
    mpl.rcParams.update(STYLE)
    mpl.rcParams.update(overrides)
    _register_png_formatter()


def smallest_text(fig):
    """The smallest font size (points) of the visible, non-empty text of a drawn figure."""
    fig.draw_without_rendering()                    # lays out ticks and their labels
    sizes = [t.get_fontsize() for t in fig.findobj(mpl.text.Text)
             if t.get_visible() and t.get_text().strip() and t.get_figure(root=True) is fig]
    return min(sizes) if sizes else None


def _figure_png(fig):
    """A notebook's PNG of ``fig`` that records its smallest text size and its dpi.

    scripts/check_pages.py reads the two numbers back from the PNG and works out how big that
    text is on the rendered page (points * dpi / 72 * the image's displayed / natural width).
    """
    if not fig.axes and not fig.texts:
        return None
    small = smallest_text(fig)
    meta = {"nnbook-dpi": f"{fig.dpi:g}"}
    if small is not None:
        meta["nnbook-smallest-text-pt"] = f"{small:g}"
    buf = io.BytesIO()
    fig.canvas.print_figure(buf, format="png", dpi=fig.dpi, bbox_inches="tight",
                            facecolor=fig.get_facecolor(), metadata=meta)
    return buf.getvalue()


def _register_png_formatter():
    """In IPython, show figures through _figure_png (after the inline backend set up its own)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or "inline" not in mpl.get_backend():
        return
    plt.close(plt.figure())                         # loads the inline backend, which registers its formatter
    shell.display_formatter.formatters["image/png"].for_type(mpl.figure.Figure, _figure_png)


# ---------------------------------------------------------------- small helpers
def _new_axes(ax, figsize, **kw):
    """Return (fig, ax): the given axes and its figure, or a new figure."""
    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=figsize, layout="constrained", **kw)
    return fig, ax


def _tint(color, amount=0.65):
    """``color`` mixed with white: ``amount`` 0 keeps it, 1 gives white."""
    return tuple((1 - amount) * c + amount for c in to_rgb(color))


def _as_2d_points(X, name="X"):
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"{name} must have shape (n_samples, 2) for a 2-D plot, got {X.shape}")
    return X


def _labels_of(y, n, name="y"):
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:      # one-hot -> class indices
        y = y.argmax(axis=1)
    y = y.reshape(-1)
    if y.shape[0] != n:
        raise ValueError(f"{name} has {y.shape[0]} labels but X has {n} rows; give one label per row")
    return y.astype(int)


# ---------------------------------------------------------------- learning curves
_PRETTY = {"loss": "training", "val_loss": "validation", "acc": "training", "val_acc": "validation"}


def plot_history(history, keys=("loss", "val_loss"), ax=None, title=None, logy=False):
    """Learning curves: each of ``keys`` against the epoch number.

    ``history`` is a dict of lists (``nnlib.train.History`` is one). If it also holds
    accuracies (the keys with "loss" replaced by "acc"), a second panel shows them.
    ``ax`` may be one Axes (loss only) or a pair (loss, accuracy).
    """
    keys = [keys] if isinstance(keys, str) else list(keys)
    present = [k for k in keys if k in history and len(history[k]) > 0]
    if not present:
        raise ValueError(f"plot_history: none of the keys {keys} has values; "
                         f"the history holds {sorted(getattr(history, 'keys', list)())}")
    acc_keys = [k.replace("loss", "acc") for k in present if "loss" in k]
    acc_keys = [k for k in acc_keys if k in history and len(history[k]) > 0]

    if ax is None:
        n_panels = 2 if acc_keys else 1
        fig, axes = plt.subplots(1, n_panels, figsize=(5.0 * n_panels, 3.6), layout="constrained",
                                 squeeze=False)
        axes = list(axes[0])
    else:
        axes = list(ax) if isinstance(ax, (list, tuple, np.ndarray)) else [ax]
        fig = axes[0].figure
    title = "Learning curves" if title is None else title

    def draw(a, ks, ylabel):
        for k in ks:
            values = np.asarray(history[k], dtype=float)
            a.plot(np.arange(1, len(values) + 1), values, label=_PRETTY.get(k, k),
                   marker="o" if len(values) <= 30 else None, markersize=3)
        a.set_xlabel("epoch")
        a.set_ylabel(ylabel)
        a.xaxis.get_major_locator().set_params(integer=True)
        a.legend()

    loss_name = "loss" if present[0] in ("loss", "val_loss") else present[0]
    draw(axes[0], present, loss_name)
    if logy:
        axes[0].set_yscale("log")
    if len(axes) > 1 and acc_keys:
        draw(axes[1], acc_keys, "accuracy")
        axes[1].yaxis.set_major_formatter(PercentFormatter(1.0))
        axes[0].set_title("Loss")
        axes[1].set_title("Accuracy")
        if ax is None:
            fig.suptitle(title)
        else:
            axes[0].set_title(f"{title}: loss")
            axes[1].set_title(f"{title}: accuracy")
    else:
        axes[0].set_title(title)
    return fig


# ---------------------------------------------------------------- 2-D classification
def plot_decision_boundary(predict, X, y, ax=None, resolution=200, title=None, padding=0.5,
                           proba=False):
    """Regions where ``predict`` gives each class, with the data points on top.

    ``predict`` maps an (m, 2) array of points to m class labels; an (m, k) output is
    read as class scores and reduced with argmax. With ``proba=True`` it returns the
    probability of class 1, shape (m,) or (m, 1) (an (m, 2) output uses column 1),
    drawn as a filled contour with the decision boundary P = 0.5 as a black line.
    """
    X = _as_2d_points(X)
    y = _labels_of(y, X.shape[0])
    if int(resolution) < 2:
        raise ValueError(f"resolution must be at least 2, got {resolution}")
    resolution = int(resolution)
    lo, hi = X.min(axis=0) - padding, X.max(axis=0) + padding
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    dtype = X.dtype if np.issubdtype(X.dtype, np.floating) else np.float64
    grid = np.column_stack([xx.ravel(), yy.ravel()]).astype(dtype)
    out = np.asarray(predict(grid))
    m = grid.shape[0]
    if out.ndim == 2 and out.shape[0] == m and out.shape[1] > 1:
        if proba and out.shape[1] != 2:
            raise ValueError(f"proba=True draws P(class 1) of a binary classifier, but predict "
                             f"returned {out.shape[1]} columns; use proba=False for k classes")
        out = out[:, 1] if proba else out.argmax(axis=1)
    if out.size != m:
        raise ValueError(f"predict returned an array of shape {out.shape} for {m} grid points of "
                         f"shape {grid.shape}; it must return one value per row")
    Z = out.reshape(resolution, resolution)

    fig, ax = _new_axes(ax, (5.2, 4.4))
    k = int(max(y.max(), 0 if proba else Z.max())) + 1
    colors = [COLORS[i % len(COLORS)] for i in range(k)]
    if proba:
        cmap = LinearSegmentedColormap.from_list(
            "p", [_tint(colors[0], 0.55), "white", _tint(colors[1 % k], 0.55)])
        cs = ax.contourf(xx, yy, Z, levels=np.linspace(0, 1, 11), cmap=cmap, vmin=0, vmax=1)
        ax.contour(xx, yy, Z, levels=[0.5], colors="black", linewidths=1.5)
        fig.colorbar(cs, ax=ax, label="P(class 1)", ticks=np.linspace(0, 1, 6))
    else:
        cmap = ListedColormap([_tint(c) for c in colors])
        ax.contourf(xx, yy, Z, levels=np.arange(k + 1) - 0.5, cmap=cmap, vmin=-0.5, vmax=k - 0.5)
        if k > 1:
            ax.contour(xx, yy, Z, levels=np.arange(k - 1) + 0.5, colors="#333333", linewidths=0.8)
    for c in range(k):
        pts = X[y == c]
        if len(pts):
            ax.scatter(pts[:, 0], pts[:, 1], s=28, color=colors[c], marker=MARKERS[c % len(MARKERS)],
                       edgecolors="white", linewidths=0.6, label=f"class {c}", zorder=3)
    ax.set(xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]), xlabel="$x_1$", ylabel="$x_2$",
           title="Decision boundary" if title is None else title)
    ax.grid(False)
    # below the axes, so that it never hides a point or the boundary
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=min(k, 5), frameon=False)
    return fig


# ---------------------------------------------------------------- 1-D regression
def plot_function_fit(predict, X, y, ax=None, title=None, n_points=300, padding=0.0, true_f=None):
    """1-D regression: the data points and the curve ``predict`` draws through them.

    ``X`` has shape (n,) or (n, 1); ``predict`` maps an (m, 1) array to m values.
    ``true_f`` (optional, a function of a 1-D array) adds the target function dashed.
    """
    X = np.asarray(X)
    if X.ndim == 2 and X.shape[1] == 1:
        X = X[:, 0]
    if X.ndim != 1:
        raise ValueError(f"X must have shape (n,) or (n, 1) for a 1-D fit, got {X.shape}")
    y = np.asarray(y).reshape(-1)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"y has {y.shape[0]} values but X has {X.shape[0]}; give one target per point")
    dtype = X.dtype if np.issubdtype(X.dtype, np.floating) else np.float64
    xs = np.linspace(X.min() - padding, X.max() + padding, int(n_points)).astype(dtype)
    ys = np.asarray(predict(xs.reshape(-1, 1)))
    if ys.size != xs.size:
        raise ValueError(f"predict returned shape {ys.shape} for {xs.size} inputs of shape (m, 1); "
                         "it must return one value per input")
    fig, ax = _new_axes(ax, (5.5, 3.8))
    ax.scatter(X, y, s=18, color=COLORS[0], alpha=0.7, label="data", zorder=2)
    if true_f is not None:
        ax.plot(xs, np.asarray(true_f(xs)).reshape(-1), "--", color="#555555", lw=1.5,
                label="true function")
    ax.plot(xs, ys.reshape(-1), color=COLORS[3], label="model", zorder=3)
    ax.set(xlabel="x", ylabel="y", title="Function fit" if title is None else title)
    ax.legend()
    return fig


# ---------------------------------------------------------------- images
def _as_images(images, shape=None):
    """Images as an (n, h, w) or (n, h, w, 3) array, from flat, channel-first or plain input."""
    a = np.asarray(images)
    if shape is not None:
        if a.ndim < 2 or int(np.prod(a.shape[1:])) != int(np.prod(shape)):
            raise ValueError(f"images of shape {a.shape} cannot be reshaped to (n, {tuple(shape)})")
        return a.reshape(a.shape[0], *shape)
    if a.ndim == 2:
        side = math.isqrt(a.shape[1])
        if side * side != a.shape[1]:
            raise ValueError(f"flat images of length {a.shape[1]} are not square; "
                             "pass shape=(height, width)")
        return a.reshape(a.shape[0], side, side)
    if a.ndim == 3:
        return a
    if a.ndim == 4 and a.shape[1] in (1, 3):       # PyTorch (n, c, h, w)
        return a[:, 0] if a.shape[1] == 1 else a.transpose(0, 2, 3, 1)
    if a.ndim == 4 and a.shape[3] in (1, 3):       # (n, h, w, c)
        return a[..., 0] if a.shape[3] == 1 else a
    raise ValueError(f"images must have shape (n, h*w), (n, h, w), (n, 1, h, w) or (n, h, w, 3), "
                     f"got {a.shape}")


# The widest grid of images, in inches: the book's text column is 768 px (7.68 in at 100 dpi)
# on a laptop, and a wider figure is shrunk to fit; at this width its 9 pt labels still
# show at least 10 px high (9 pt = 12.5 px, times 7.68 / 9.2 with the margins).
GRID_MAX_WIDTH = 9.2


def _grid(n, n_cols, size, title_rows, suptitle):
    n_cols = max(1, min(int(n_cols), n))
    size = min(size, GRID_MAX_WIDTH / n_cols)
    n_rows = math.ceil(n / n_cols)
    fig, axes = plt.subplots(n_rows, n_cols, squeeze=False, layout="constrained",
                             figsize=(n_cols * size,
                                      n_rows * (size + 0.18 * title_rows) + 0.35 * bool(suptitle)))
    axes = axes.ravel()
    for a in axes[n:]:
        a.axis("off")
    return fig, axes[:n]


def _frame(ax, color=None, width=2.0):
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for s in ax.spines.values():
        s.set_visible(color is not None)
        if color is not None:
            s.set_color(color)
            s.set_linewidth(width)


def show_images(images, labels=None, preds=None, class_names=None, n_cols=8, size=1.2, cmap="gray",
                title=None, probs=None, shape=None):
    """A grid of images, each titled with its label.

    ``images``: (n, h*w) flat square images (e.g. 784 = 28x28; else give ``shape``),
    (n, h, w), (n, 1, h, w) or (n, h, w, 3). With ``preds`` each title reads
    "true/pred" followed by ✓ in green when right or ✗ in red when wrong, and the
    frame takes the same colour. ``probs`` (n,) or (n, k) adds the model's confidence
    in its prediction. Returns the Figure; its first n axes hold the images.
    """
    imgs = _as_images(images, shape)
    n = imgs.shape[0]
    if n == 0:
        raise ValueError("show_images got no images")

    def column(v, name):
        if v is None:
            return None
        v = np.asarray(v)
        if v.shape[0] != n:
            raise ValueError(f"{name} has {v.shape[0]} entries but there are {n} images")
        return v.argmax(axis=1) if (v.ndim == 2 and name != "probs") else v

    labels, preds, probs = column(labels, "labels"), column(preds, "preds"), column(probs, "probs")
    name = (lambda c: str(class_names[int(c)])) if class_names is not None else (lambda c: str(int(c)))
    title_rows = int(labels is not None or preds is not None) + int(probs is not None)
    if title is None and preds is not None and labels is not None:
        wrong = int(np.sum(preds.astype(int) != labels.astype(int)))
        title = f"true/predicted: {n - wrong} of {n} right ({RIGHT_MARK}), {wrong} wrong ({WRONG_MARK})"
    fig, axes = _grid(n, n_cols, size, title_rows, title)
    vmin, vmax = float(np.min(imgs)), float(np.max(imgs))
    for i, ax in enumerate(axes):
        ax.imshow(imgs[i], cmap=cmap, vmin=vmin, vmax=vmax if vmax > vmin else vmin + 1,
                  interpolation="nearest")
        text, color = "", "black"
        if preds is not None and labels is not None:
            right = int(preds[i]) == int(labels[i])
            color = RIGHT_COLOR if right else WRONG_COLOR
            text = f"{name(labels[i])}/{name(preds[i])} {RIGHT_MARK if right else WRONG_MARK}"
        elif preds is not None:
            text = f"pred {name(preds[i])}"
        elif labels is not None:
            text = name(labels[i])
        if probs is not None:
            p = probs[i] if probs.ndim == 1 else probs[i, int(preds[i]) if preds is not None
                                                       else int(np.argmax(probs[i]))]
            text = f"{text}\n{float(p):.0%}" if text else f"{float(p):.0%}"
        _frame(ax, color if color != "black" else None)
        if text:
            ax.set_title(text, color=color, fontsize=9, pad=3)
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


def show_image_rows(rows, row_labels, col_titles=None, size=1.3, title=None):
    """Rows of images side by side, a label on the left of each row: e.g. a few drawings (first
    row) and what each preprocessing makes of them (the rows below).

    ``rows``: equally long lists of images. A 2-D float array with values in [0, 1] is an
    input matrix and is drawn as ink (1 = black); anything else (a PIL image, a uint8 gray or
    colour array) is drawn as it is, gray levels on a 0-255 scale. Returns the Figure.
    """
    n_rows, n_cols = len(rows), len(rows[0]) if rows else 0
    if n_cols == 0 or any(len(r) != n_cols for r in rows) or len(row_labels) != n_rows:
        raise ValueError(f"show_image_rows needs equally long, non-empty rows and one label per row; "
                         f"got rows of lengths {[len(r) for r in rows]} and {len(row_labels)} labels")
    fig, axes = plt.subplots(n_rows, n_cols, squeeze=False, layout="constrained",
                             figsize=(n_cols * size + 0.5, n_rows * size + 0.3 * bool(col_titles)
                                      + 0.35 * bool(title)))
    for r, (row, label) in enumerate(zip(rows, row_labels)):
        for c, img in enumerate(row):
            ax = axes[r, c]
            a = np.asarray(img)
            if a.ndim == 2 and a.dtype.kind == "f" and a.min() >= 0 and a.max() <= 1:
                ax.imshow(a, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
            else:
                ax.imshow(img, cmap="gray", vmin=0, vmax=255, interpolation="nearest")
            _frame(ax, "#bbbbbb", 0.8)
            if r == 0 and col_titles is not None:
                ax.set_title(col_titles[c], fontsize=10, pad=3)
        axes[r, 0].set_ylabel(label, fontsize=10)
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


def plot_images_as_weights(W, shape=(28, 28), n=16, n_cols=8, size=1.2, title=None, cmap="RdBu_r"):
    """Show the first ``n`` columns of a first-layer weight matrix W (n_in, n_out) as images.

    Column j holds the weights from every pixel to hidden unit j, so it reshapes to
    ``shape``. Each image uses a symmetric colour scale: red positive, blue negative,
    white zero. For a PyTorch ``nn.Linear`` weight (n_out, n_in), pass ``W.T``.
    """
    W = np.asarray(W)
    need = int(np.prod(shape))
    if W.ndim != 2 or W.shape[0] != need:
        raise ValueError(f"W has shape {W.shape} but shape={tuple(shape)} needs {need} rows "
                         "(W is (n_in, n_out)); pass the right shape=, or W.T for a PyTorch weight")
    n = min(int(n), W.shape[1])
    title = "First-layer weights (red +, blue \u2212)" if title is None else title
    fig, axes = _grid(n, n_cols, size, 1, title)
    for j, ax in enumerate(axes):
        w = W[:, j].reshape(shape)
        lim = float(np.max(np.abs(w))) or 1.0
        ax.imshow(w, cmap=cmap, vmin=-lim, vmax=lim, interpolation="nearest")
        _frame(ax, "#999999", 0.6)
        ax.set_title(f"unit {j}", fontsize=9, pad=3)
    fig.suptitle(title, fontsize=11)
    return fig


# ---------------------------------------------------------------- confusion matrix
def plot_confusion_matrix(cm, class_names=None, ax=None, normalize=False, title=None):
    """Heatmap of a confusion matrix (rows: true class, columns: predicted class).

    Each cell shows its count, or with ``normalize=True`` the fraction of its row
    (recall on the diagonal): cm[i, j] / sum_j cm[i, j].
    """
    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise ValueError(f"cm must be a square (k, k) matrix, got shape {cm.shape}")
    k = cm.shape[0]
    names = [str(c) for c in (class_names if class_names is not None else range(k))]
    if len(names) != k:
        raise ValueError(f"class_names has {len(names)} names for a {k}x{k} matrix")
    values = cm.astype(float)
    if normalize:
        rows = values.sum(axis=1, keepdims=True)
        values = np.divide(values, rows, out=np.zeros_like(values), where=rows > 0)
    fig, ax = _new_axes(ax, (0.5 * k + 2.6, 0.5 * k + 2.0))
    im = ax.imshow(values, cmap="Blues", vmin=0, vmax=1 if normalize else max(values.max(), 1))
    fig.colorbar(im, ax=ax, shrink=0.8, label="fraction of row" if normalize else "count")
    threshold = (1 if normalize else max(values.max(), 1)) / 2
    fontsize = 10 if k <= 10 else 7
    for i in range(k):
        for j in range(k):
            text = f"{values[i, j]:.2f}" if normalize else f"{int(cm[i, j])}"
            ax.text(j, i, text, ha="center", va="center", fontsize=fontsize,
                    color="white" if values[i, j] > threshold else "black")
    rotate = max(len(s) for s in names) > 3
    ax.set_xticks(range(k), names, rotation=45 if rotate else 0, ha="right" if rotate else "center")
    ax.set_yticks(range(k), names)
    ax.set(xlabel="predicted", ylabel="true",
           title=("Confusion matrix" + (" (rows sum to 1)" if normalize else "")) if title is None else title)
    ax.grid(False)
    for s in ax.spines.values():
        s.set_visible(True)
    return fig


# ---------------------------------------------------------------- network diagram
_LAYER_COLORS = {"input": "#A6CEE3", "hidden": "#FDBF6F", "output": "#B2DF8A"}


def draw_network(sizes, ax=None, max_nodes=10, labels=True, title=None):
    """Diagram of a fully connected network: one column of nodes per layer, joined by edges.

    ``sizes`` is e.g. [784, 128, 10] (or anything with a ``.sizes`` attribute, such as
    an nnlib Network). A layer wider than ``max_nodes`` shows ``max_nodes`` nodes with
    "⋮" in the middle; every layer's size is written below it. The nodes are Circle
    patches (one per drawn node) and the edges one LineCollection.
    """
    sizes = list(getattr(sizes, "sizes", sizes))
    if not sizes or not all(isinstance(s, (int, np.integer)) and s >= 1 for s in sizes):
        raise ValueError(f"sizes must be a list of positive integers such as [2, 3, 1], got {sizes}")
    if int(max_nodes) < 2:
        raise ValueError(f"max_nodes must be at least 2, got {max_nodes}")
    sizes, max_nodes = [int(s) for s in sizes], int(max_nodes)
    dx, r = 2.6, 0.32                                   # gap between layers, node radius

    columns = []                                        # per layer: y of drawn nodes, y of "⋮" or None
    for s in sizes:
        if s <= max_nodes:
            ys, dots = np.arange(s)[::-1] - (s - 1) / 2, None
        else:                                           # top half, gap, bottom half
            top = (max_nodes + 1) // 2
            slots = np.arange(max_nodes + 1)[::-1] - max_nodes / 2
            ys, dots = np.delete(slots, top), slots[top]
        columns.append((ys, dots))
    y_low = min(ys.min() for ys, _ in columns)

    y_high = max(ys.max() for ys, _ in columns)
    x_lim = (-1.0, (len(sizes) - 1) * dx + 1.0)
    y_lim = (y_low - (1.9 if labels else 1.3), y_high + 0.6)
    scale = min(0.4, 5.0 / (y_lim[1] - y_lim[0]))      # inches per data unit
    fig, ax = _new_axes(ax, (max(3.0, scale * (x_lim[1] - x_lim[0]) + 0.3),
                             max(2.5, scale * (y_lim[1] - y_lim[0]) + 0.5)))
    segments = [[(i * dx, y0), ((i + 1) * dx, y1)]
                for i in range(len(sizes) - 1)
                for y0 in columns[i][0] for y1 in columns[i + 1][0]]
    if segments:
        n_edges = len(segments)
        ax.add_collection(LineCollection(segments, colors="#555555", linewidths=0.7,
                                         alpha=0.7 if n_edges < 60 else 0.35, zorder=1))
    for i, (s, (ys, dots)) in enumerate(zip(sizes, columns)):
        kind = "input" if i == 0 else ("output" if i == len(sizes) - 1 else "hidden")
        for y in ys:
            ax.add_patch(Circle((i * dx, y), r, facecolor=_LAYER_COLORS[kind], edgecolor="#333333",
                                linewidth=1.0, zorder=2))
        if dots is not None:
            ax.text(i * dx, dots, "\u22ee", ha="center", va="center", fontsize=16, zorder=3)
        ax.text(i * dx, y_low - 0.8, f"{s}", ha="center", va="center", fontsize=10)
        if labels:
            caption = f"hidden {i}" if kind == "hidden" and len(sizes) > 3 else kind
            ax.text(i * dx, y_low - 1.4, caption, ha="center", va="center", fontsize=10, style="italic")
    ax.set_xlim(*x_lim)
    ax.set_ylim(*y_lim)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("Network " + "\u2013".join(map(str, sizes)) if title is None else title)
    return fig


# ---------------------------------------------------------------- activations
def plot_activation(f, df=None, name=None, z=None, ax=None):
    """An activation function f(z) (solid) and its derivative f'(z) (dashed) on one axes.

    ``f`` and ``df`` are functions of an array; an nnlib Activation may be passed
    alone (its ``df`` and ``name`` are used).
    """
    df = getattr(f, "df", None) if df is None else df
    if df is None:
        raise ValueError("plot_activation needs the derivative df, or an Activation object with .df")
    name = getattr(f, "name", "f") if name is None else name
    z = np.linspace(-6, 6, 241) if z is None else np.asarray(z)
    fig, ax = _new_axes(ax, (4.6, 3.4))
    ax.axhline(0, color="#888888", lw=0.8, zorder=0)
    ax.axvline(0, color="#888888", lw=0.8, zorder=0)
    ax.plot(z, np.asarray(f(z)), color=COLORS[0], label=f"{name}(z)")
    ax.plot(z, np.asarray(df(z)), "--", color=COLORS[3], label=f"{name}\u2032(z)")
    ax.set(xlabel="z", ylabel="value", title=name)
    ax.legend()
    return fig
