"""Happy, sad and surprised faces: drawing them and reading them back.

The happy/sad chapters follow a classic hobby project: someone drew 40 happy
and 40 sad faces of 50x50 pixels with a mouse, opened each file with PIL,
removed the grays (black and white only), stacked the 50x50 matrices (first
the 40 happy, then the 40 sad) and used the targets ``[1]*40 + [0]*40``.

We cannot ship that person's drawings, so this module *draws* faces in the
same spirit. It is plain drawing code (PIL ``ImageDraw`` and numpy); nothing
here learns. Two styles:

* ``"sketch"``: black strokes on white, like a mouse drawing. The mood is
  carried by the curvature of the mouth stroke, so a face can be made
  deliberately hard by flattening and distorting that stroke.
* ``"shaded"``: a filled, shaded gray face on a textured background with
  noise and blur, for the CNN chapter (48x48, three moods).

Both are drawn at 4x the final resolution and then averaged down (4x4 boxes),
which gives smooth strokes. The second half of the module is the source's
preprocessing: open -> grayscale -> threshold to 0/1 -> stack, and
predict_face, which lets a trained network judge any drawing.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, UnidentifiedImageError

MOODS = ("happy", "sad", "surprised")
STYLES = ("sketch", "shaded")
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif")
SCALE = 4  # draw at SCALE times the final size, then average SCALE x SCALE boxes
HARD_DIFFICULTY = 0.5  # what hard=True means


# ----------------------------------------------------------------- helpers
def _as_rng(seed):
    """Return a numpy Generator from None, an int or an existing Generator."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)


def _check_mood(mood):
    if mood not in MOODS:
        raise ValueError(f"unknown mood {mood!r}; choose one of {MOODS}")


def label_names(moods=("happy", "sad")):
    """Class names indexed by label: ``label_names(moods)[y]`` is the mood of label y.

    Two moods happy/sad keep the source's binary target, 1 = happy and
    0 = sad, so the result is ``("sad", "happy")``. Any other list of moods
    is numbered in the order given, e.g. happy=0, sad=1, surprised=2.
    """
    moods = tuple(moods)
    for mood in moods:
        _check_mood(mood)
    if len(set(moods)) != len(moods) or not moods:
        raise ValueError(f"moods must be distinct and non-empty, got {moods}")
    if set(moods) == {"happy", "sad"}:
        return ("sad", "happy")
    return moods


def _frame(cx, cy, rx, ry, theta):
    """Map face coordinates (u, v) in [-1, 1] to canvas pixels.

    u points right, v points down; the head ellipse is u^2 + v^2 = 1. The
    frame is centred at (cx, cy), scaled by (rx, ry) and rotated by theta:
    p = c + R(theta) @ (u * rx, v * ry).
    """
    c, s = np.cos(theta), np.sin(theta)

    def to_px(u, v):
        x, y = np.asarray(u, float) * rx, np.asarray(v, float) * ry
        x, y = np.broadcast_arrays(x, y)
        return np.stack([cx + c * x - s * y, cy + s * x + c * y], axis=-1)

    return to_px


def _smooth_noise(rng, n, std, width=7):
    """n values of low-frequency noise: white noise averaged over `width` neighbours."""
    kernel = np.ones(width) / np.sqrt(width)
    return std * np.convolve(rng.normal(size=n + width - 1), kernel, mode="valid")


def _blur(img, sigma):
    """Gaussian blur of a 2-D float array: one pass per axis with k(x) ~ exp(-x^2 / 2 sigma^2)."""
    r = int(np.ceil(3 * sigma))
    k = np.exp(-np.arange(-r, r + 1) ** 2 / (2 * sigma**2))
    k /= k.sum()
    H, W = img.shape
    p = np.pad(img, ((r, r), (0, 0)), mode="edge")
    img = sum(k[j] * p[j:j + H] for j in range(2 * r + 1))
    p = np.pad(img, ((0, 0), (r, r)), mode="edge")
    return sum(k[j] * p[:, j:j + W] for j in range(2 * r + 1))


def _oval(cu, cv, ru, rv, n=32):
    """Points (u, v) around an ellipse in face coordinates."""
    phi = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return cu + ru * np.cos(phi), cv + rv * np.sin(phi)


def _stroke(draw, pts, width, fill=0):
    """A polyline with round joints and round end caps (a mouse stroke)."""
    pts = np.asarray(pts, float)
    draw.line(pts.ravel().tolist(), fill=fill, width=max(1, round(width)), joint="curve")
    r = width / 2
    for x, y in (pts[0], pts[-1]):
        draw.ellipse([x - r, y - r, x + r, y + r], fill=fill)


def _mouth_curve(rng, mood, difficulty, mv, mw, n=30, depth=(0.15, 0.3), power=(1.6, 2.8)):
    """The mouth line v(u) in face coordinates; its curvature carries the mood.

    v(t) = mv + d * (1/2 - |t|^p),  t in [-1, 1],  u = mw * t.
    Happy has d > 0 (middle lower than the corners, since v points down),
    sad has d < 0; |d| is drawn from `depth`. Difficulty shrinks d by
    (1 - difficulty) and adds a tilt and a wiggle, so a hard mouth is flatter
    and distorted.
    """
    t = np.linspace(-1, 1, n)
    d = rng.uniform(*depth) * (1 if mood == "happy" else -1)
    p = rng.uniform(*power)
    mv = min(mv, 0.68 - abs(d) / 2)  # keep the mouth off the chin
    v = mv + d * (1 - difficulty) * (0.5 - np.abs(t) ** p)
    if difficulty > 0:
        v = v + difficulty * rng.uniform(-0.12, 0.12) * t
        v = v + difficulty * 0.04 * np.sin(rng.uniform(2, 6) * t + rng.uniform(0, 2 * np.pi))
    return mw * t, v


# ------------------------------------------------------------ sketch style
# The ranges of the sketch's random draws, (low, high) as a fraction of the canvas S
# or in face coordinates: NARROW for variety=0 (the committed faces), WIDE for variety=1.
NARROW = dict(pen=(0.025, 0.05), rx=(0.37, 0.41), aspect=(0.95, 1.18), shift=0.15, tilt=0.05,
              eye_u=(0.26, 0.44), eye_v=(-0.36, -0.12), eye_r=(0.06, 0.11),
              mouth_v=(0.43, 0.5), mouth_w=(0.25, 0.48), depth=(0.22, 0.35), power=(1.6, 2.8))
WIDE = dict(pen=(0.012, 0.09), rx=(0.28, 0.44), aspect=(0.8, 1.25), shift=1.0, tilt=0.15,
            eye_u=(0.2, 0.5), eye_v=(-0.5, -0.08), eye_r=(0.04, 0.17),
            mouth_v=(0.22, 0.62), mouth_w=(0.18, 0.62), depth=(0.12, 0.5), power=(1.4, 4.0))


def _ranges(variety):
    """Each range of NARROW moved the fraction `variety` of the way to WIDE."""
    return {k: np.add(NARROW[k], variety * np.subtract(WIDE[k], NARROW[k])) for k in NARROW}


def _draw_sketch(rng, mood, size, difficulty, variety=0.0):
    """Black strokes on white: wobbly head, eyes, maybe brows and nose, a mouth."""
    g = _ranges(variety)
    S = SCALE * size
    img = Image.new("L", (S, S), 255)
    draw = ImageDraw.Draw(img)
    w = rng.uniform(*g["pen"]) * S  # stroke width
    jitter = 0.004 * S

    # head: a wobbly ellipse of random size, position and tilt. A person drawing
    # into a small canvas fills it in much the same way each time, so these (and
    # the height and depth of the mouth below) vary little: a dense network has
    # no notion of "the same stroke, one pixel lower" and learns from 80 faces
    # only what stays in place.
    rx = rng.uniform(*g["rx"]) * S
    ry = min(rx * rng.uniform(*g["aspect"]), 0.43 * S)
    free = max(0.0, S / 2 - max(rx, ry) * 1.06 - w)
    cx, cy = S / 2 + rng.uniform(-free, free, size=2) * g["shift"]
    to_px = _frame(cx, cy, rx, ry, rng.uniform(-g["tilt"], g["tilt"]))

    def line(u, v, width=w):
        pts = to_px(u, v)
        pts = pts + _smooth_noise(rng, len(pts) * 2, jitter, 3).reshape(-1, 2)
        _stroke(draw, pts, width)

    n = 90
    a0 = rng.uniform(0, 2 * np.pi)
    phi = a0 + np.linspace(0, 2 * np.pi + rng.uniform(-0.2, 0.35), n)
    r = 1 + rng.uniform(-0.05, 0.05) * (phi - a0) / (2 * np.pi)  # ends do not meet exactly
    for k in (2, 3, 4):
        r = r + rng.uniform(0, 0.04) * np.cos(k * phi + rng.uniform(0, 2 * np.pi))
    r = r + _smooth_noise(rng, n, 0.008)
    line(r * np.cos(phi), r * np.sin(phi))

    # eyes: dots, small circles or short strokes
    eu, ev = rng.uniform(*g["eye_u"]), rng.uniform(*g["eye_v"])
    er = rng.uniform(*g["eye_r"]) * (1.4 if mood == "surprised" else 1.0)
    kind = rng.choice(["dot", "circle", "line"], p=[0.2, 0.6, 0.2] if mood == "surprised" else [0.45, 0.3, 0.25])
    for side in (-1, 1):
        cu, cv = side * eu + rng.normal(0, 0.02), ev + rng.normal(0, 0.02)
        if kind == "dot":
            rr = max(er * 0.55 * rx, 0.7 * w)
            x, y = to_px(cu, cv)
            draw.ellipse([x - rr, y - rr, x + rr, y + rr], fill=0)
        elif kind == "circle":
            u, v = _oval(cu, cv, er, er * rx / ry * rng.uniform(0.9, 1.3), 20)
            line(np.append(u, u[:2]), np.append(v, v[:2]), 0.8 * w)
        else:
            line([cu, cu + rng.normal(0, 0.02)], [cv - er, cv + er])

    # eyebrows: usual for surprised (raised and arched), sometimes otherwise
    if rng.random() < (0.85 if mood == "surprised" else 0.25):
        lift = rng.uniform(0.3, 0.4) if mood == "surprised" else rng.uniform(0.2, 0.28)
        arch = rng.uniform(0.04, 0.08) if mood == "surprised" else rng.uniform(-0.02, 0.03)
        slant = rng.uniform(0.0, 0.06) * (mood == "sad")  # worried: inner ends up
        t = np.linspace(-1, 1, 8)
        for side in (-1, 1):
            u = side * eu + 0.13 * t
            v = ev - lift - arch * (1 - t**2) + slant * side * t
            line(u, v, 0.8 * w)

    # nose, sometimes: a short stroke, an "L" or a dot
    if rng.random() < 0.4:
        nv = rng.uniform(-0.02, 0.1)
        kind = rng.choice(["line", "L", "dot"])
        if kind == "line":
            line([0, 0.01], [nv - 0.1, nv + 0.1])
        elif kind == "L":
            line([0, 0, 0.07 * rng.choice([-1, 1])], [nv - 0.1, nv + 0.1, nv + 0.1])
        else:
            x, y = to_px(0, nv)
            draw.ellipse([x - 0.7 * w, y - 0.7 * w, x + 0.7 * w, y + 0.7 * w], fill=0)

    # mouth: the stroke that tells the mood
    mv = rng.uniform(*g["mouth_v"])
    if mood == "surprised":  # an open "O"; a hard one is a small flat oval
        ru = rng.uniform(0.1, 0.17) * (1 - 0.5 * difficulty)
        rv = ru * rng.uniform(1.0, 1.5) * (1 - 0.7 * difficulty)
        u, v = _oval(rng.normal(0, 0.03), mv, ru, rv, 24)
        if rng.random() < 0.3:
            draw.polygon(to_px(u, v).ravel().tolist(), fill=0)
        line(np.append(u, u[:2]), np.append(v, v[:2]))
    else:
        u, v = _mouth_curve(rng, mood, difficulty, mv, rng.uniform(*g["mouth_w"]), depth=g["depth"],
                            power=g["power"])
        u = u + rng.normal(0, 0.03)
        line(u, v)
        grin = rng.random() < 0.15  # drawn for every mood, so that happy and sad share draws
        if mood == "happy" and difficulty == 0 and grin:  # a "D" grin
            line(u, v - 0.65 * (v - (v[0] + v[-1]) / 2))

    # a stray stroke now and then, as a slip of the mouse
    if rng.random() < 0.1:
        x, y = rng.uniform(0.05, 0.95, size=2) * S
        a, length = rng.uniform(0, np.pi), rng.uniform(0.04, 0.12) * S
        _stroke(draw, [(x, y), (x + length * np.cos(a), y + length * np.sin(a))], 0.8 * w)

    return np.asarray(img.resize((size, size), Image.Resampling.BOX), dtype=np.uint8)


# ------------------------------------------------------------ shaded style
def _draw_shaded(rng, mood, size, difficulty):
    """A lit gray head on a textured background, darker features, blur and noise."""
    S = SCALE * size
    yy, xx = np.mgrid[0:S, 0:S] / S  # canvas coordinates in [0, 1)

    # background: a linear gradient plus a smooth random texture
    bg_level = rng.uniform(40, 215)
    a = rng.uniform(0, 2 * np.pi)
    img = bg_level + rng.uniform(-50, 50) * ((xx - 0.5) * np.cos(a) + (yy - 0.5) * np.sin(a))
    coarse = Image.fromarray(rng.normal(0, 1, (6, 6)).astype(np.float32))
    img += rng.uniform(0, 22) * np.asarray(coarse.resize((S, S), Image.Resampling.BICUBIC))

    # head: a filled ellipse whose skin tone differs from the background,
    # lit from one side: tone * (1 - k * |q - light|^2), a radial gradient
    rx = rng.uniform(0.29, 0.37) * S
    ry = min(rx * rng.uniform(1.05, 1.25), 0.45 * S)
    free = S / 2 - ry * 1.05
    cx, cy = S / 2 + rng.uniform(-free, free, size=2) * 0.6
    theta = rng.uniform(-0.2, 0.2)
    to_px = _frame(cx, cy, rx, ry, theta)
    c, s = np.cos(theta), np.sin(theta)
    u = (c * (xx * S - cx) + s * (yy * S - cy)) / rx  # inverse of the frame
    v = (-s * (xx * S - cx) + c * (yy * S - cy)) / ry
    tone = rng.uniform(90, 235)
    while abs(tone - bg_level) < 45:
        tone = rng.uniform(90, 235)
    lu, lv = rng.uniform(-0.5, 0.5, size=2)
    skin = tone * (1 - rng.uniform(0.15, 0.4) * ((u - lu) ** 2 + (v - lv) ** 2) / 2)
    r2 = u**2 + v**2
    img = np.where(r2 <= 1, skin, img)
    if rng.random() < 0.5:  # hair: a dark cap over the top of the head
        hairline = -0.45 + 0.08 * np.cos(rng.uniform(2, 5) * u)
        hair = (u**2 + (v * 0.96) ** 2 <= 1.1) & (v < hairline)
        img = np.where(hair, rng.uniform(10, 70), img)

    # features: drawn as an opacity mask, then blended in a darker tone
    mask = Image.new("L", (S, S), 0)
    draw = ImageDraw.Draw(mask)
    w = rng.uniform(0.03, 0.05) * S

    def poly(u, v, alpha=255):
        draw.polygon(to_px(u, v).ravel().tolist(), fill=alpha)

    eu, ev = rng.uniform(0.3, 0.42), rng.uniform(-0.3, -0.15)
    er = rng.uniform(0.08, 0.12) * (1.3 if mood == "surprised" else 1.0)
    for side in (-1, 1):
        poly(*_oval(side * eu, ev, er, er * 0.9 * rx / ry))
        lift = 0.3 if mood == "surprised" else 0.2
        slant = 0.07 if mood == "sad" else 0.0  # sad: inner ends up
        t = np.linspace(-1, 1, 8)
        arch = 0.06 if mood == "surprised" else 0.02
        bu = side * eu + 0.14 * t
        bv = ev - lift * rng.uniform(0.9, 1.15) - arch * (1 - t**2) + slant * side * t
        _stroke(draw, to_px(bu, bv), w, fill=230)
    _stroke(draw, to_px([0, 0.03], [0.0, 0.18]), 0.7 * w, fill=110)  # nose shadow

    mv, mw = rng.uniform(0.42, 0.55), rng.uniform(0.3, 0.45)
    if mood == "surprised":
        ru = rng.uniform(0.11, 0.17) * (1 - 0.5 * difficulty)
        poly(*_oval(0, mv, ru, ru * rng.uniform(1.1, 1.6) * (1 - 0.7 * difficulty)))
    else:
        mu, mvv = _mouth_curve(rng, mood, difficulty, mv, mw)
        open_smile = rng.random() < 0.5  # drawn for every mood, so that happy and sad share draws
        if mood == "happy" and difficulty == 0 and open_smile:
            top_v = mvv - 0.6 * (mvv - mvv[0]) - 0.02
            poly(np.concatenate([mu, mu[::-1]]), np.concatenate([mvv, top_v[::-1]]))
        else:
            _stroke(draw, to_px(mu, mvv), 1.1 * w, fill=255)

    alpha = np.asarray(mask, dtype=float) / 255
    feature_tone = tone * rng.uniform(0.05, 0.3)
    img = img * (1 - alpha) + feature_tone * alpha

    # down to the final size, then camera-like blur, contrast, brightness, noise
    small = Image.fromarray(img.astype(np.float32)).resize((size, size), Image.Resampling.BOX)
    out = _blur(np.asarray(small), rng.uniform(0.3, 0.8))
    out = (out - 128) * rng.uniform(0.75, 1.15) + 128 + rng.uniform(-20, 20)
    out = out + rng.normal(0, rng.uniform(2, 9), out.shape)
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


# -------------------------------------------------------------- public API
def draw_face(mood, size=50, seed=None, style="sketch", difficulty=0.0, hard=False, variety=0.0):
    """Draw one face and return it as a uint8 grayscale array of shape (size, size).

    mood: "happy", "sad" or "surprised". seed: None, an int or a numpy
    Generator (the same int gives the same face). style: "sketch" (black
    strokes on white, 0 = ink, 255 = paper) or "shaded" (a filled gray face;
    made for 48x48). difficulty in [0, 1] flattens and distorts the mouth;
    hard=True is a shortcut for difficulty=HARD_DIFFICULTY (0.5: half the
    mouth's curve is left, tilted and wiggled; harder, still readable). With
    the same seed, a happy and a sad face are the same face except for the
    mouth (and the slant of the brows). variety in [0, 1] (sketch only) widens
    the ranges of pen width, head size, shape, position and tilt, eyes and
    mouth from NARROW (0, the book's committed faces) to WIDE (1).
    """
    _check_mood(mood)
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; choose one of {STYLES}")
    if not isinstance(size, (int, np.integer)) or size < 16:
        raise ValueError(f"size must be an integer of at least 16 pixels, got {size!r}")
    if not 0 <= difficulty <= 1:
        raise ValueError(f"difficulty must lie in [0, 1], got {difficulty}")
    if not 0 <= variety <= 1 or (variety and style != "sketch"):
        raise ValueError(f"variety must lie in [0, 1] and is for the sketch style only, got {variety} "
                         f"with style {style!r}")
    if hard:
        difficulty = max(difficulty, HARD_DIFFICULTY)
    if style == "shaded":
        return _draw_shaded(_as_rng(seed), mood, int(size), float(difficulty))
    return _draw_sketch(_as_rng(seed), mood, int(size), float(difficulty), float(variety))


def make_faces(n_per_mood, moods=("happy", "sad"), size=50, seed=0, style="sketch", hard_fraction=0.0,
               variety=0.0):
    """Draw n_per_mood faces of each mood; return (images, labels, names).

    images: uint8 (n, size, size), grouped by mood in the order of `moods`
    (happy first, as the source stacked them); labels: int64 (n,);
    names: ``label_names(moods)``, so ``names[labels[i]]`` is the mood of
    image i (happy/sad: 1 = happy, 0 = sad as in the source). The last
    round(hard_fraction * n_per_mood) faces of each mood are hard ones.
    Face i of a mood uses the seed [seed, mood index, i], so asking for more
    faces leaves the first ones unchanged. variety: as in ``draw_face``.
    """
    names = label_names(moods)
    if n_per_mood < 1:
        raise ValueError(f"n_per_mood must be at least 1, got {n_per_mood}")
    if not 0 <= hard_fraction <= 1:
        raise ValueError(f"hard_fraction must lie in [0, 1], got {hard_fraction}")
    n_hard = round(hard_fraction * n_per_mood)
    images, labels = [], []
    for m, mood in enumerate(moods):
        for i in range(n_per_mood):
            rng = np.random.default_rng([seed, MOODS.index(mood), i])
            images.append(draw_face(mood, size, rng, style, hard=i >= n_per_mood - n_hard, variety=variety))
            labels.append(names.index(mood))
    return np.stack(images), np.array(labels, dtype=np.int64), names


# ------------------------------------------- preprocessing, as in the source
def to_grayscale(img):
    """Return a uint8 2-D gray image from a PIL image or an array (H, W), (H, W, 3|4).

    PIL's "L" conversion: gray = 0.299 R + 0.587 G + 0.114 B (ITU-R 601).
    Transparent pixels (paint programs save them) count as white paper.
    """
    if isinstance(img, np.ndarray):
        if img.ndim == 2:
            return np.clip(img, 0, 255).astype(np.uint8)
        if img.ndim != 3 or img.shape[2] not in (3, 4):
            raise ValueError(
                "expected an image array (H, W), (H, W, 3) or (H, W, 4), "
                f"got shape {img.shape}"
            )
        img = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    if "A" in img.getbands() or "transparency" in img.info:
        img = img.convert("RGBA")
        paper = Image.new("RGBA", img.size, (255, 255, 255, 255))
        img = Image.alpha_composite(paper, img)
    return np.asarray(img.convert("L"), dtype=np.uint8)


def binarize(gray, threshold=128):
    """Remove the grays: 1.0 where gray < threshold (ink), 0.0 elsewhere (paper);
    float32."""
    return (np.asarray(gray) < threshold).astype(np.float32)


def open_gray(path):
    """Open any image file as a PIL grayscale ("L") image, with clear errors.

    Transparent pixels count as white paper (see ``to_grayscale``).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no image file at {path}; check the path")
    try:
        with Image.open(path) as img:
            img.load()
            return Image.fromarray(to_grayscale(img))
    except (UnidentifiedImageError, OSError) as err:
        raise ValueError(f"could not open {path} as an image ({err}); save it as PNG or JPEG and try again") \
            from err


def centre_drawing(gray, size=50, threshold=128, margin=2):
    """Crop a drawing to its ink and scale that to fill the picture; (size, size)
    float32 of 0/1.

    For drawings of any size, pen and placement. Steps: (1) ink = gray <
    threshold, at the drawing's own resolution, where even a thin line is
    dark; (2) the smallest square around the ink's bounding box (centred on
    it; beyond the drawing's edge is paper); (3) that square scaled to
    size - 2 * margin pixels, where a pixel is ink if any ink falls in it
    (max pooling), so a thin line stays a line of at least one pixel;
    (4) a margin of paper around it.
    """
    ink = np.asarray(gray) < threshold
    if ink.ndim != 2:
        raise ValueError(
            f"expected a 2-D gray image, got shape {ink.shape}; "
            "convert it with to_grayscale"
        )
    if not ink.any():
        raise ValueError(
            "the drawing has no ink: "
            f"no pixel is darker than the threshold {threshold}; "
            "draw with a dark pen on light paper"
        )
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    side = max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1
    square = np.zeros((side, side), dtype=bool)
    r0 = (side - (rows[-1] - rows[0] + 1)) // 2
    c0 = (side - (cols[-1] - cols[0] + 1)) // 2
    square[r0:r0 + rows[-1] - rows[0] + 1, c0:c0 + cols[-1] - cols[0] + 1] = \
        ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    inner = size - 2 * margin
    # first row (column) of each output pixel's block
    starts = np.arange(inner) * side // inner
    pooled = np.maximum.reduceat(square, starts, axis=0)
    pooled = np.maximum.reduceat(pooled, starts, axis=1)
    out = np.zeros((size, size), dtype=np.float32)
    out[margin:margin + inner, margin:margin + inner] = pooled
    return out


def load_face_image(path, size=50, threshold=128, resize=True, centre=False):
    """Open an image file and return its (size, size) float32 matrix of 0/1 (1 = ink).

    Steps, as in the source: open with PIL, convert to grayscale, resize to
    (size, size) if needed (box averaging; draw with a thick brush if your
    picture is big, or thin lines fade to gray and vanish), threshold away
    the grays. With resize=False a wrong size is an error instead.
    centre=True replaces the resize and threshold by ``centre_drawing``:
    crop to the ink, scale it to fill the picture, keep thin lines.
    """
    path = Path(path)
    gray_img = open_gray(path)
    if centre:
        return centre_drawing(np.asarray(gray_img), size, threshold)
    if gray_img.size != (size, size):
        if not resize:
            raise ValueError(
                f"{path} is {gray_img.size[0]}x{gray_img.size[1]} pixels, "
                f"expected {size}x{size}; resize it or pass resize=True"
            )
        gray_img = gray_img.resize((size, size), Image.Resampling.BOX)
    return binarize(np.asarray(gray_img), threshold)


def load_face_folder(folder, size=50, threshold=128, moods=None):
    """Read happy/, sad/ (and surprised/) subfolders; return (X, y, filenames).

    X: float32 (n, size*size), each row a flattened 0/1 image; y: int64 (n,)
    with ``label_names(moods)`` (happy/sad: 1 = happy, 0 = sad, so y is
    [1]*n_happy + [0]*n_sad as in the source); filenames: paths relative to
    `folder`, e.g. "happy/face_00.png". Moods come happy, sad, surprised;
    files in sorted order. moods=None reads whichever of those subfolders
    exist. Every image must already be size x size.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(
            f"no folder at {folder}; it should hold happy/ and sad/ subfolders"
        )
    if moods is None:
        moods = [m for m in MOODS if (folder / m).is_dir()]
        if len(moods) < 2:
            raise FileNotFoundError(
                f"{folder} needs at least two of the subfolders {MOODS}, "
                f"found {moods}"
            )
    names = label_names(moods)
    for mood in moods:
        if not (folder / mood).is_dir():
            raise FileNotFoundError(
                f"missing subfolder {folder / mood}; put the {mood} faces there"
            )
    rows, y, filenames = [], [], []
    for mood in moods:
        sub = folder / mood
        files = sorted(
            p for p in sub.iterdir() if p.suffix.lower() in IMAGE_EXTENSIONS
        )
        if not files:
            raise ValueError(
                f"{sub} holds no image files ({', '.join(IMAGE_EXTENSIONS)})"
            )
        for p in files:
            rows.append(load_face_image(p, size, threshold, resize=False).ravel())
            y.append(names.index(mood))
            filenames.append(f"{mood}/{p.name}")
    return np.stack(rows), np.array(y, dtype=np.int64), filenames


def predict_face(net, path, threshold=128, centre=False):
    """Read a drawing and let a happy/sad network judge it; return (mood, confidence,
    output).

    The image goes through load_face_image (any size is resized to the
    network's input, e.g. 50x50 for 2,500 inputs; centre=True for a network
    trained on centred drawings, see ``centre_drawing``). ``output`` is the network's
    sigmoid output a, read as the probability of "happy" (label 1): the mood
    is "happy" when a >= 0.5, and the confidence is a for happy, 1 - a for sad.
    """
    n_in, n_out = net.sizes[0], net.sizes[-1]
    size = int(round(np.sqrt(n_in)))
    if size * size != n_in or n_out != 1:
        raise ValueError(
            "predict_face needs a happy/sad network with a square image input "
            "and one sigmoid output (e.g. sizes [2500, ..., 1]), "
            f"got sizes {net.sizes}"
        )
    x = load_face_image(path, size, threshold, centre=centre).reshape(1, n_in)
    a = float(net.forward(x)[0, 0])
    mood = "happy" if a >= 0.5 else "sad"
    return mood, (a if mood == "happy" else 1 - a), a
