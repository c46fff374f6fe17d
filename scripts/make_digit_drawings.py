"""Draw three example "photos of handwritten digits" into data/digits/.

The book uses them to show `nnlib.data.prepare_digit_image` and to let a
trained network read digits that are not from MNIST. Each digit is a few
pen strokes (polylines) with a slow wobble and a little jitter, on paper
with uneven light like a phone photo. The 7 is chalk on a dark board, so
both polarities are covered. Deterministic: running it again writes the
same files.

    python scripts/make_digit_drawings.py
"""

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

OUT = Path(__file__).resolve().parent.parent / "data" / "digits"
W, H = 200, 260  # photo size in pixels (width, height)


def arc(cx, cy, rx, ry, start, stop, n=40):
    """Points on an ellipse from angle `start` to `stop` (degrees, y down)."""
    t = np.radians(np.linspace(start, stop, n))
    return np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], axis=1)


def line(p, q, n=20):
    return np.linspace(p, q, n)


# Strokes in unit coordinates: x to the right, y down, the digit in [0, 1]^2.
DIGITS = {
    3: [np.concatenate([arc(0.47, 0.27, 0.3, 0.22, 200, 450), arc(0.47, 0.71, 0.34, 0.26, -90, 150)])],
    5: [
        line((0.82, 0.05), (0.28, 0.06)),
        np.concatenate([line((0.28, 0.06), (0.22, 0.45)), arc(0.5, 0.66, 0.33, 0.29, -125, 160)]),
    ],
    7: [line((0.12, 0.08), (0.88, 0.06)), line((0.88, 0.06), (0.42, 0.97)), line((0.4, 0.52), (0.78, 0.5))],
}


def wobble(points, rng, amplitude):
    """Add a slow sideways wobble (two random sines) and per-point jitter."""
    t = np.linspace(0, 1, len(points))[:, None]
    slow = sum(amplitude * np.sin(2 * np.pi * (f * t + rng.uniform(0, 1, 2))) for f in (0.7, 1.9))
    return points + slow + rng.normal(0, amplitude / 4, points.shape)


def paper(rng, light):
    """Uneven light: a gradient across the page and mild blurred grain."""
    yy, xx = np.mgrid[0:H, 0:W] / max(W, H)
    shade = 1 - 0.12 * (xx + 0.6 * yy) + 0.04 * rng.standard_normal((H, W))
    base = np.array([236, 231, 218] if light else [46, 58, 52], dtype=float)
    rgb = np.clip(shade[..., None] * base, 0, 255).astype(np.uint8)
    return Image.fromarray(rgb).filter(ImageFilter.GaussianBlur(1.5))


def draw(digit, seed, light=True):
    rng = np.random.default_rng(seed)
    img = paper(rng, light)
    pen = ImageDraw.Draw(img)
    ink = (30, 35, 70) if light else (225, 228, 220)
    # place the unit square: the digit fills about 55% of the width, slightly off-centre
    size = rng.uniform(0.5, 0.6) * W
    origin = np.array([W / 2 - size / 2 + rng.uniform(-15, 15), H / 2 - 0.7 * size + rng.uniform(-15, 15)])
    scale = np.array([size, 1.4 * size])
    angle = np.radians(rng.uniform(-8, 8))  # the photo is not quite straight
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    centre = np.array([W / 2, H / 2])
    for stroke in DIGITS[digit]:
        p = origin + wobble(stroke, rng, 0.012) * scale
        p = (p - centre) @ rot.T + centre
        width = int(rng.integers(16, 20))
        pts = [tuple(q) for q in p]
        pen.line(pts, fill=ink, width=width, joint="curve")
        for x, y in (pts[0], pts[-1]):  # round pen tips
            pen.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=ink)
    return img.filter(ImageFilter.GaussianBlur(0.8))


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for digit, seed, light in [(3, 3, True), (5, 5, True), (7, 7, False)]:
        path = OUT / f"digit_{digit}.png"
        tmp = path.with_suffix(".tmp.png")
        draw(digit, seed, light).save(tmp, optimize=True)
        tmp.replace(path)
        print(f"wrote {path.relative_to(OUT.parent.parent)} ({path.stat().st_size / 1024:.1f} KiB)")


if __name__ == "__main__":
    main()
