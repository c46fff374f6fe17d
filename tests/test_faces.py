"""Tests for nnlib.faces: the face drawings, the preprocessing and the committed data."""

import csv
import importlib.util
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from nnlib import Dense, Network
from nnlib.faces import (HARD_DIFFICULTY, NARROW, WIDE, _ranges, binarize, centre_drawing, draw_face, label_names,
                         load_face_folder, load_face_image, make_faces, open_gray, predict_face, to_grayscale)

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "faces"


# ------------------------------------------------------------------ drawing
@pytest.mark.parametrize("style", ["sketch", "shaded"])
def test_same_seed_same_face(style):
    a = draw_face("happy", 50, seed=7, style=style)
    assert np.array_equal(a, draw_face("happy", 50, seed=7, style=style))
    assert np.array_equal(a, draw_face("happy", 50, seed=np.random.default_rng(7), style=style))
    assert not np.array_equal(a, draw_face("happy", 50, seed=8, style=style))


@pytest.mark.parametrize("style", ["sketch", "shaded"])
@pytest.mark.parametrize("size", [48, 50, 64])
@pytest.mark.parametrize("mood", ["happy", "sad", "surprised"])
def test_shape_dtype(style, size, mood):
    img = draw_face(mood, size, seed=0, style=style)
    assert img.shape == (size, size) and img.dtype == np.uint8
    if style == "sketch":  # black ink on mostly white paper
        assert np.median(img) == 255 and img.min() < 64
    else:  # a filled picture with many gray levels
        assert len(np.unique(img)) > 50


def test_make_faces_labels_and_order():
    X, y, names = make_faces(3, seed=0)
    assert X.shape == (6, 50, 50) and X.dtype == np.uint8
    assert names == ("sad", "happy")
    assert y.tolist() == [1, 1, 1, 0, 0, 0]  # happy first, 1 = happy, as in the source
    X3, y3, names3 = make_faces(2, ("happy", "sad", "surprised"), size=48, style="shaded")
    assert X3.shape == (6, 48, 48) and y3.tolist() == [0, 0, 1, 1, 2, 2]
    assert names3 == ("happy", "sad", "surprised")


def test_make_faces_deterministic_and_prefix_stable():
    X1, _, _ = make_faces(3, seed=4)
    X2, _, _ = make_faces(3, seed=4)
    X5, _, _ = make_faces(5, seed=4)
    assert np.array_equal(X1, X2)
    assert np.array_equal(X1[:3], X5[:3])  # the happy faces 0..2 do not depend on n
    assert not np.array_equal(X1, make_faces(3, seed=5)[0])


def test_hard_faces_are_the_last_ones():
    easy, _, _ = make_faces(5, seed=0)
    mixed, _, _ = make_faces(5, seed=0, hard_fraction=0.4)
    assert np.array_equal(easy[:3], mixed[:3]) and np.array_equal(easy[5:8], mixed[5:8])
    assert not np.array_equal(easy[3:5], mixed[3:5])


def _corners_minus_middle(D, size):
    """Row centroid (pixels) of the positive part of D: middle columns minus side columns.

    Restricted to the lower half, where the mouth is. Positive = the middle is lower
    than the sides (a smile, since rows grow downward).
    """
    rows = np.arange(size)[:, None]
    band = slice(size // 2, int(0.9 * size))
    mid = slice(int(0.42 * size), int(0.58 * size))
    side = np.r_[int(0.22 * size):int(0.38 * size), int(0.62 * size):int(0.78 * size)]
    P = np.clip(D, 0, None)[band]

    def centroid(cols):
        return float((P[:, cols] * rows[band]).sum() / P[:, cols].sum())

    return centroid(mid) - centroid(side)


def test_mean_happy_mouth_curves_up_and_sad_down():
    """Mean ink of 60 happy minus 60 sad sketches: the happy ink is a smile, the sad ink a frown."""
    X, y, _ = make_faces(60, seed=3)
    ink = (255 - X.astype(float)) / 255
    D = ink[y == 1].mean(0) - ink[y == 0].mean(0)
    assert _corners_minus_middle(D, 50) > 2.0  # happy: middle lower than the corners
    assert _corners_minus_middle(-D, 50) < -2.0  # sad: middle higher than the corners


def test_hard_faces_are_harder_but_still_readable():
    """Hard mouths keep the sign of their curve, with less of it than ordinary mouths."""
    assert draw_face("sad", 50, seed=4, hard=True).tolist() == draw_face("sad", 50, seed=4,
                                                                        difficulty=HARD_DIFFICULTY).tolist()
    X, y, _ = make_faces(60, seed=5, hard_fraction=1.0)
    ink = (255 - X.astype(float)) / 255
    D = ink[y == 1].mean(0) - ink[y == 0].mean(0)
    X0, y0, _ = make_faces(60, seed=5)
    ink0 = (255 - X0.astype(float)) / 255
    D0 = ink0[y0 == 1].mean(0) - ink0[y0 == 0].mean(0)
    assert _corners_minus_middle(-D, 50) < -2.0  # the sad ink is still a frown
    assert _corners_minus_middle(-D, 50) > _corners_minus_middle(-D0, 50)  # but a flatter one


@pytest.mark.parametrize("style,size", [("sketch", 64), ("shaded", 48)])
def test_same_seed_happy_and_sad_differ_by_the_mouth(style, size):
    D = np.mean([(draw_face("sad", size, [1, i], style).astype(float) - draw_face("happy", size, [1, i], style)) / 255
                 for i in range(20)], axis=0)  # > 0 where happy is darker
    assert _corners_minus_middle(D, size) > 2.0
    assert _corners_minus_middle(-D, size) < -2.0


def test_bad_arguments():
    with pytest.raises(ValueError, match="unknown mood 'angry'"):
        draw_face("angry")
    with pytest.raises(ValueError, match="unknown style"):
        draw_face("happy", style="oil")
    with pytest.raises(ValueError, match="difficulty"):
        draw_face("happy", difficulty=2)
    with pytest.raises(ValueError, match="unknown mood"):
        make_faces(2, moods=("happy", "grumpy"))
    with pytest.raises(ValueError, match="distinct"):
        label_names(("happy", "happy"))


# ------------------------------------------------------------ preprocessing
def test_binarize_gives_only_zero_and_one():
    gray = draw_face("sad", 50, seed=2)
    B = binarize(gray)
    assert B.dtype == np.float32 and set(np.unique(B)) == {0.0, 1.0}
    assert binarize(np.array([[0, 127, 128, 255]], np.uint8)).tolist() == [[1, 1, 0, 0]]


def test_to_grayscale_rgb_and_transparency():
    rgb = np.zeros((4, 4, 3), np.uint8)
    rgb[0, 0] = (255, 255, 255)
    g = to_grayscale(rgb)
    assert g.shape == (4, 4) and g.dtype == np.uint8 and g[0, 0] == 255 and g[1, 1] == 0
    rgba = np.zeros((4, 4, 4), np.uint8)  # fully transparent black = untouched paper
    rgba[2, 2] = (0, 0, 0, 255)
    assert binarize(to_grayscale(rgba)).sum() == 1


@pytest.mark.parametrize("mode", ["LA", "RGBA", "RGB", "L", "P"])
def test_open_gray_counts_transparent_pixels_as_paper(tmp_path, mode):
    """Paint programs save untouched canvas as transparent, as an alpha band or a PNG tRNS colour."""
    ink = Image.new("RGB", (6, 6), (0, 0, 0))           # black everywhere ...
    ink.putpixel((2, 3), (40, 40, 40))                   # ... and one dark-grey stroke pixel
    if mode in ("LA", "RGBA"):
        img = ink.convert(mode)
        alpha = Image.new("L", (6, 6), 0)
        alpha.putpixel((2, 3), 255)                      # only the stroke is opaque
        img.putalpha(alpha)
        info = {}
    else:
        img = ink.convert(mode)
        info = {"transparency": img.getpixel((0, 0))}    # the black canvas colour is transparent
    img.save(tmp_path / "drawing.png", **info)
    stroke = np.asarray(img.convert("RGB").convert("L"))[3, 2]   # 40, or its nearest palette grey in "P"
    gray = np.asarray(open_gray(tmp_path / "drawing.png"))
    assert stroke < 128 and gray[3, 2] == stroke
    assert (np.delete(gray.ravel(), 3 * 6 + 2) == 255).all()


def test_load_face_image_resizes_a_reader_drawing():
    path = DATA / "examples" / "my_happy_face.png"
    with Image.open(path) as img:
        assert img.size == (200, 200)
    M = load_face_image(path)
    assert M.shape == (50, 50) and M.dtype == np.float32
    assert set(np.unique(M)) == {0.0, 1.0} and 0.05 < M.mean() < 0.4
    with pytest.raises(ValueError, match="200x200 pixels, expected 50x50"):
        load_face_image(path, resize=False)


def test_load_face_image_matches_the_steps():
    path = DATA / "train" / "sad" / "face_00.png"
    with Image.open(path) as img:
        expected = binarize(to_grayscale(img), 128)
    assert np.array_equal(load_face_image(path), expected)


# ------------------------------------------------------------ centre_drawing
def _ring(size, centre, radius, pen):
    """A gray picture (255 paper) with a dark ring drawn on it."""
    r, c = np.mgrid[:size, :size]
    d = np.hypot(r - centre[0], c - centre[1])
    return np.where(np.abs(d - radius) <= pen / 2, 0, 255).astype(np.uint8)


def _near(a, b):
    """The share of a's ink pixels with ink of b at most one pixel away."""
    grown = np.pad(b, 1)
    grown = np.max([grown[1 + dr:51 + dr, 1 + dc:51 + dc] for dr in (-1, 0, 1) for dc in (-1, 0, 1)], axis=0)
    return grown[a == 1].mean()


def test_centre_drawing_fills_the_picture_with_a_margin():
    out = centre_drawing(_ring(300, (90, 200), 40, 4), size=50, margin=2)
    assert out.shape == (50, 50) and out.dtype == np.float32 and set(np.unique(out)) == {0.0, 1.0}
    rows, cols = np.flatnonzero(out.any(1)), np.flatnonzero(out.any(0))
    assert (rows[0], rows[-1], cols[0], cols[-1]) == (2, 47, 2, 47)   # the ink spans the inner 46 pixels


def test_centre_drawing_ignores_position_and_scale():
    small = centre_drawing(_ring(100, (30, 60), 20, 4))
    big = centre_drawing(_ring(400, (200, 150), 80, 16))       # 4x as big, elsewhere, pen scaled
    assert _near(small, big) > 0.9 and _near(big, small) > 0.9


def test_centre_drawing_keeps_a_thin_line():
    gray = np.full((400, 400), 255, np.uint8)
    gray[200, 50:350] = 0                                       # a one-pixel line, 300 long
    gray[100:300, 50] = 0
    out = centre_drawing(gray)                                  # 300 wide, 200 high: rows 2+7..2+38
    horizontal, vertical = out[np.flatnonzero(out.sum(1) > 40)[0]], out[:, 2]
    assert horizontal[2:48].all() and vertical.sum() >= 30      # both lines survive ...
    ink = np.flatnonzero(vertical)
    assert ink[-1] - ink[0] + 1 == len(ink)                     # ... unbroken
    box = np.asarray(Image.fromarray(gray).resize((50, 50), Image.BOX))
    assert (box < 128).sum() == 0                               # what plain resizing does: the line is gone


def test_centre_drawing_errors():
    with pytest.raises(ValueError, match="no ink"):
        centre_drawing(np.full((60, 60), 255, np.uint8))
    with pytest.raises(ValueError, match="2-D gray image"):
        centre_drawing(np.zeros((60, 60, 3), np.uint8))


@pytest.mark.parametrize("index", [0, 1, 2])   # black on white RGB, coloured ink on tinted paper, transparent RGBA
def test_load_face_image_centre_reads_any_paint_program_file(index):
    small = load_face_image(DATA / "other_style" / "50" / "happy" / f"face_{index:03d}.png", centre=True)
    big_path = DATA / "other_style" / "200" / "happy" / f"face_{index:03d}.png"
    with Image.open(big_path) as img:
        assert img.size == (200, 200) and img.mode == ("RGBA" if index == 2 else "RGB")
    big = load_face_image(big_path, centre=True)
    assert big.shape == (50, 50) and set(np.unique(big)) == {0.0, 1.0}
    assert _near(small, big) > 0.9 and _near(big, small) > 0.8  # the same face, read alike at both sizes


# ------------------------------------------------------------------ variety
def test_variety_moves_every_range_from_narrow_to_wide():
    assert set(NARROW) == set(WIDE)
    for key in NARROW:
        assert np.array_equal(_ranges(0)[key], NARROW[key]) and np.allclose(_ranges(1)[key], WIDE[key])
        half = _ranges(0.5)[key]
        assert np.allclose(half, (np.asarray(NARROW[key]) + WIDE[key]) / 2)


def test_variety_zero_is_the_books_faces_and_one_differs():
    assert np.array_equal(make_faces(3, seed=4)[0], make_faces(3, seed=4, variety=0.0)[0])
    narrow, wide = make_faces(40, seed=4)[0], make_faces(40, seed=4, variety=1.0)[0]
    assert not np.array_equal(narrow, wide)
    ink = lambda X: (X < 128).mean(axis=(1, 2))
    assert ink(wide).std() > ink(narrow).std()                  # pens and heads vary more


def test_variety_errors():
    with pytest.raises(ValueError, match="variety must lie in"):
        draw_face("happy", variety=1.5)
    with pytest.raises(ValueError, match="sketch style only"):
        draw_face("happy", style="shaded", variety=0.5)


def test_load_face_folder_train():
    X, y, files = load_face_folder(DATA / "train")
    assert X.shape == (80, 2500) and X.dtype == np.float32
    assert y.tolist() == [1] * 40 + [0] * 40
    assert files[0] == "happy/face_00.png" and files[39] == "happy/face_39.png" and files[40] == "sad/face_00.png"
    assert set(np.unique(X)) == {0.0, 1.0}


def test_load_face_folder_test_matches_labels_csv():
    X, y, files = load_face_folder(DATA / "test")
    with open(DATA / "test" / "labels.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert files == [r["filename"] for r in rows]
    assert y.tolist() == [int(r["label"]) for r in rows]
    hard = [r["filename"] for r in rows if r["hard"] == "1"]
    assert len(hard) == 4 and all(Path(h).name.startswith("hard_") for h in hard)


@pytest.mark.parametrize("name, folder", [("make_faces", DATA), ("make_other_faces", DATA / "other_style")])
def test_committed_data_is_what_the_script_draws(tmp_path, monkeypatch, name, folder):
    monkeypatch.syspath_prepend(str(ROOT / "scripts"))  # make_other_faces imports make_faces
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    script.main(tmp_path)
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(p.relative_to(folder) for p in folder.rglob("*") if p.suffix in (".png", ".csv")
                       and (name == "make_other_faces" or "other_style" not in p.parts))
    assert made == committed
    for rel in made:
        if rel.suffix == ".png":
            with Image.open(tmp_path / rel) as a, Image.open(folder / rel) as b:
                assert a.mode == b.mode and np.array_equal(np.asarray(a), np.asarray(b)), rel
        else:
            assert (tmp_path / rel).read_text() == (folder / rel).read_text()


# ------------------------------------------------------------- predict_face
def _template_net(size=50):
    """A 1-layer "network" whose output is sigmoid(happy template . x - sad template . x)."""
    X, y, _ = make_faces(200, size=size, seed=6)
    B = binarize(X).reshape(len(X), -1)
    layer = Dense(size * size, 1, "sigmoid", rng=0, dtype=np.float64)
    layer.W[:, 0] = 0.5 * (B[y == 1].mean(0) - B[y == 0].mean(0))
    layer.b[:] = -B.mean(0) @ layer.W[:, 0]
    return Network([layer], loss="mse")


def test_predict_face_reads_the_example_drawings():
    net = _template_net()
    for mood in ("happy", "sad"):
        got, confidence, a = predict_face(net, DATA / "examples" / f"my_{mood}_face.png")
        assert got == mood and 0.5 <= confidence <= 1 and 0 <= a <= 1
        assert confidence == pytest.approx(a if mood == "happy" else 1 - a)


def test_predict_face_centre_reads_a_big_thin_drawing(tmp_path):
    """A network trained on centred inputs, asked about a 400x400 drawing with a thin pen."""
    X, y, _ = make_faces(20, seed=3)
    B = np.stack([centre_drawing(x) for x in X]).reshape(len(X), -1)
    layer = Dense(2500, 1, "sigmoid", rng=0)
    layer.W[:, 0] = 0.5 * (B[y == 1].mean(0) - B[y == 0].mean(0))
    layer.b[:] = -B.mean(0) @ layer.W[:, 0]
    net = Network([layer], loss="mse")
    for mood in ("happy", "sad"):
        big = Image.fromarray(draw_face(mood, size=50, seed=11)).resize((400, 400), Image.NEAREST)
        big.save(tmp_path / f"{mood}.png")
        got, _, a = predict_face(net, tmp_path / f"{mood}.png", centre=True)
        x = load_face_image(tmp_path / f"{mood}.png", centre=True).reshape(1, -1)
        assert a == pytest.approx(float(net.forward(x)[0, 0])) and got == mood


def test_predict_face_wrong_network():
    net = Network([Dense(2500, 3, "softmax", rng=0)], loss="cross_entropy")
    with pytest.raises(ValueError, match="one sigmoid"):
        predict_face(net, DATA / "examples" / "my_happy_face.png")
    with pytest.raises(ValueError, match="square image"):
        predict_face(Network([Dense(2000, 1, "sigmoid", rng=0)]), DATA / "examples" / "my_happy_face.png")


# ------------------------------------------------------------------- errors
def test_missing_folder_and_subfolder(tmp_path):
    with pytest.raises(FileNotFoundError, match="no folder"):
        load_face_folder(tmp_path / "nowhere")
    (tmp_path / "happy").mkdir()
    with pytest.raises(FileNotFoundError, match="at least two"):
        load_face_folder(tmp_path)
    with pytest.raises(FileNotFoundError, match="missing subfolder"):
        load_face_folder(tmp_path, moods=("happy", "sad"))
    with pytest.raises(FileNotFoundError, match="no image file"):
        load_face_image(tmp_path / "missing.png")


def _folder_with(tmp_path, name, writer):
    for mood in ("happy", "sad"):
        (tmp_path / mood).mkdir()
        Image.fromarray(draw_face(mood, 50, seed=0)).save(tmp_path / mood / "face_00.png")
    writer(tmp_path / "sad" / name)
    return tmp_path


def test_unreadable_file(tmp_path):
    folder = _folder_with(tmp_path, "broken.png", lambda p: p.write_bytes(b"this is not a png"))
    with pytest.raises(ValueError, match="could not open .*broken.png"):
        load_face_folder(folder)


def test_wrong_size_in_folder(tmp_path):
    folder = _folder_with(tmp_path, "big.png", lambda p: Image.new("L", (64, 64), 255).save(p))
    with pytest.raises(ValueError, match="64x64 pixels, expected 50x50"):
        load_face_folder(folder)


def test_empty_subfolder(tmp_path):
    (tmp_path / "happy").mkdir()
    (tmp_path / "sad").mkdir()
    Image.fromarray(draw_face("happy", 50, seed=0)).save(tmp_path / "happy" / "a.png")
    with pytest.raises(ValueError, match="holds no image files"):
        load_face_folder(tmp_path)
