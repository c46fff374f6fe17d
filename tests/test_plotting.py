"""Tests for nnlib.plotting: each helper draws what it should, on small inputs (Agg backend)."""
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.colors import same_color  # noqa: E402
from matplotlib.patches import Circle  # noqa: E402

from nnlib import plotting as P  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _images_axes(fig):
    return [a for a in fig.axes if a.images]


def test_import_leaves_rcparams_alone_and_set_style_sets_them():
    code = ("import matplotlib as mpl; mpl.use('Agg'); before = dict(mpl.rcParams); "
            "import nnlib.plotting; assert dict(mpl.rcParams) == before, 'import changed rcParams'")
    subprocess.run([sys.executable, "-c", code], check=True)
    with matplotlib.rc_context():
        P.set_style(**{"figure.dpi": 120})
        assert matplotlib.rcParams["savefig.facecolor"] == "white"
        assert matplotlib.rcParams["axes.grid"] is True
        assert matplotlib.rcParams["figure.dpi"] == 120
    with pytest.raises(ValueError, match="unknown matplotlib settings"):
        P.set_style(dpi=120)


def test_plot_history_two_panels_with_accuracy():
    h = {"loss": [1.0, 0.5, 0.3], "val_loss": [1.1, 0.6, 0.4],
         "acc": [0.5, 0.7, 0.8], "val_acc": [0.4, 0.6, 0.7]}
    fig = P.plot_history(h)
    loss_ax, acc_ax = fig.axes
    assert (loss_ax.get_xlabel(), loss_ax.get_ylabel()) == ("epoch", "loss")
    assert acc_ax.get_ylabel() == "accuracy"
    assert len(loss_ax.lines) == 2 and len(acc_ax.lines) == 2
    assert [t.get_text() for t in loss_ax.get_legend().get_texts()] == ["training", "validation"]
    np.testing.assert_allclose(loss_ax.lines[0].get_xdata(), [1, 2, 3])
    assert fig.get_suptitle() == "Learning curves"


def test_plot_history_one_panel_on_given_axes_and_logy():
    fig, ax = plt.subplots()
    out = P.plot_history({"loss": [3.0, 1.0], "acc": []}, ax=ax, title="run", logy=True)
    assert out is fig and ax.get_title() == "run" and ax.get_yscale() == "log" and len(ax.lines) == 1
    with pytest.raises(ValueError, match="the history holds"):
        P.plot_history({"acc": [0.5]})


def test_decision_boundary_calls_predict_on_grid():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 2)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    calls = []

    def predict(G):
        calls.append(G.shape)
        return (G[:, 0] > 0).astype(int)

    fig = P.plot_decision_boundary(predict, X, y, resolution=17, title="t")
    assert calls == [(17 * 17, 2)]
    ax = fig.axes[0]
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("t", "$x_1$", "$x_2$")
    points = [c for c in ax.collections if str(c.get_label()).startswith("class")]
    assert [c.get_label() for c in points] == ["class 0", "class 1"]
    assert sum(len(c.get_offsets()) for c in points) == 30
    assert ax.get_xlim() == pytest.approx((X[:, 0].min() - 0.5, X[:, 0].max() + 0.5))


def test_decision_boundary_proba_and_scores():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0]])
    y = np.array([0, 1, 2])
    fig = P.plot_decision_boundary(lambda G: np.stack([-G[:, 0], G[:, 1], G[:, 0] - 1], 1), X, y,
                                   resolution=10)
    assert fig.axes[0].get_legend() is not None
    fig = P.plot_decision_boundary(lambda G: 1 / (1 + np.exp(-G[:, 0] + 1)), X[:2], y[:2],
                                   resolution=10, proba=True)
    assert len(fig.axes) == 2 and fig.axes[1].get_ylabel() == "P(class 1)"   # colour bar
    with pytest.raises(ValueError, match="one value per row"):
        P.plot_decision_boundary(lambda G: G[:5, 0], X, y, resolution=10)
    with pytest.raises(ValueError, match=r"shape \(n_samples, 2\)"):
        P.plot_decision_boundary(lambda G: G[:, 0], np.zeros((3, 3)), y)


def test_function_fit():
    x = np.linspace(-1, 1, 9)
    seen = []
    fig = P.plot_function_fit(lambda G: seen.append(G.shape) or 2 * G[:, 0], x, 2 * x, n_points=50,
                              true_f=lambda t: 2 * t)
    ax = fig.axes[0]
    assert seen == [(50, 1)]
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("x", "y", "Function fit")
    assert len(ax.lines) == 2
    with pytest.raises(ValueError, match="one target per point"):
        P.plot_function_fit(lambda G: G[:, 0], x, x[:3])


@pytest.mark.parametrize("shape", [(6, 16), (6, 4, 4), (6, 1, 4, 4)])
def test_show_images_accepts_layouts(shape):
    fig = P.show_images(np.random.default_rng(0).random(shape), labels=np.arange(6), n_cols=4)
    axes = _images_axes(fig)
    assert len(axes) == 6
    assert axes[0].images[0].get_array().shape == (4, 4)
    assert [a.get_title() for a in axes] == [str(i) for i in range(6)]


def test_show_images_marks_wrong_predictions():
    labels, preds = np.array([1, 2, 3]), np.array([1, 0, 3])
    fig = P.show_images(np.zeros((3, 784)), labels, preds, class_names=list("abcd"), probs=[0.9, 0.6, 0.7])
    titles = [a.title for a in _images_axes(fig)]
    assert [t.get_text() for t in titles] == ["b/b \u2713\n90%", "c/a \u2717\n60%", "d/d \u2713\n70%"]
    assert [same_color(t.get_color(), P.RIGHT_COLOR) for t in titles] == [True, False, True]
    assert same_color(titles[1].get_color(), P.WRONG_COLOR)
    assert same_color(_images_axes(fig)[1].spines["top"].get_edgecolor(), P.WRONG_COLOR)
    assert "1 wrong" in fig.get_suptitle()


def test_show_images_bad_shapes_are_explained():
    with pytest.raises(ValueError, match="not square; pass shape="):
        P.show_images(np.zeros((2, 10)))
    assert len(_images_axes(P.show_images(np.zeros((2, 10)), shape=(2, 5)))) == 2
    with pytest.raises(ValueError, match="labels has 3 entries but there are 2 images"):
        P.show_images(np.zeros((2, 4, 4)), labels=[0, 1, 2])
    with pytest.raises(ValueError, match="images must have shape"):
        P.show_images(np.zeros((2, 5, 4, 4)))


def test_show_image_rows_draws_ink_and_pictures():
    from PIL import Image
    picture = Image.new("RGBA", (20, 20), (255, 0, 0, 0))
    ink = np.zeros((5, 5), np.float32)
    ink[2, 2] = 1
    fig = P.show_image_rows([[picture, picture], [ink, ink]], ["file", "input"], col_titles=["a", "b"])
    axes = fig.axes
    assert len(axes) == 4 and axes[0].get_title() == "a" and axes[2].get_ylabel() == "input"
    shown = axes[2].images[0]
    assert shown.get_cmap().name == "gray_r" and shown.get_clim() == (0, 1)
    with pytest.raises(ValueError, match="equally long"):
        P.show_image_rows([[ink], [ink, ink]], ["a", "b"])
    with pytest.raises(ValueError, match="one label per row"):
        P.show_image_rows([[ink]], ["a", "b"])


def test_confusion_matrix_cells_and_labels():
    cm = np.array([[5, 1], [0, 4]])
    fig = P.plot_confusion_matrix(cm, class_names=["cat", "dog"])
    ax = fig.axes[0]
    assert (ax.get_ylabel(), ax.get_xlabel(), ax.get_title()) == ("true", "predicted", "Confusion matrix")
    assert [t.get_text() for t in ax.texts] == ["5", "1", "0", "4"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["cat", "dog"]
    ax = P.plot_confusion_matrix(cm, normalize=True).axes[0]
    assert [t.get_text() for t in ax.texts] == ["0.83", "0.17", "0.00", "1.00"]
    with pytest.raises(ValueError, match="square"):
        P.plot_confusion_matrix(np.zeros((2, 3)))


def test_draw_network_counts_nodes_and_edges():
    ax = P.draw_network([2, 3, 1]).axes[0]
    assert sum(isinstance(p, Circle) for p in ax.patches) == 6
    edges = [c for c in ax.collections if isinstance(c, LineCollection)][0]
    assert len(edges.get_segments()) == 2 * 3 + 3 * 1
    assert ax.get_title() == "Network 2\u20133\u20131"
    texts = [t.get_text() for t in ax.texts]
    assert {"input", "hidden", "output"} <= set(texts)

    ax = P.draw_network([784, 16, 10], max_nodes=8).axes[0]
    assert sum(isinstance(p, Circle) for p in ax.patches) == 8 + 8 + 8
    texts = [t.get_text() for t in ax.texts]
    assert "784" in texts and texts.count("\u22ee") == 3
    with pytest.raises(ValueError, match="positive integers"):
        P.draw_network([2, 0, 1])
    with pytest.raises(ValueError, match="positive integers"):
        P.draw_network(["a", 2])


def test_plot_activation_and_weights():
    ax = P.plot_activation(np.tanh, lambda z: 1 - np.tanh(z) ** 2, "tanh").axes[0]
    assert (ax.get_title(), ax.get_xlabel()) == ("tanh", "z")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["tanh(z)", "tanh\u2032(z)"]

    W = np.random.default_rng(0).normal(size=(12, 5))
    fig = P.plot_images_as_weights(W, shape=(3, 4), n=4)
    axes = _images_axes(fig)
    assert len(axes) == 4 and axes[0].images[0].get_array().shape == (3, 4)
    vmin, vmax = axes[0].images[0].get_clim()
    assert vmin == -vmax
    with pytest.raises(ValueError, match="W.T for a PyTorch weight"):
        P.plot_images_as_weights(W.T, shape=(3, 4))


def test_every_helper_renders_without_warnings(tmp_path, recwarn):
    fig = P.draw_network([3, 20, 2], max_nodes=6)
    fig.savefig(tmp_path / "net.png")
    fig = P.show_images(np.zeros((2, 4)), [0, 1], [0, 0])
    fig.savefig(tmp_path / "img.png")
    assert not [w for w in recwarn if "Glyph" in str(w.message) or "layout" in str(w.message)]
