"""Write the other-style test faces under data/faces/other_style/ (run from anywhere).

    python scripts/make_other_faces.py            # writes data/faces/other_style/
    python scripts/make_other_faces.py --out DIR  # writes somewhere else

Chapter 8's training faces come from nnlib.faces. These come from a different
drawing routine, written separately and sharing no code with it: the kind of
face a reader draws in a paint program with the shape tools. A circle or oval
head, eyes as dots, rings or short dashes, and one circular arc for the mouth
(PIL's ``ImageDraw.arc``, no wobble), pens from thin to thick, small shifts,
no anti-aliasing. The book never uses them to choose anything: they are a
test set only, drawn once with fixed seeds.

Every face is drawn twice from the same geometry:

    50/happy/face_000..099.png, 50/sad/...    50x50, 8-bit gray, black on white
    200/happy/face_000..099.png, 200/sad/...  200x200, the pen scaled with the picture;
        faces 0, 3, 6, ...: black on white (RGB); 1, 4, 7, ...: coloured ink on
        tinted paper (RGB); 2, 5, 8, ...: dark ink on a transparent background (RGBA)
"""

import argparse
import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from make_faces import write_atomic

SEED, N_PER_MOOD = 7, 100
ROOT = Path(__file__).resolve().parent.parent
INKS = [(20, 40, 160), (150, 20, 30), (20, 90, 40), (70, 20, 110)]
PAPERS = [(255, 250, 230), (235, 245, 255), (250, 240, 245)]


def geometry(rng, mood):
    """One face in 50-pixel units: head, eyes, mouth arc and pen width."""
    p = {"pen": rng.uniform(0.8, 3.5)}
    rx = rng.uniform(15, 21)
    ry = min(rx * rng.uniform(0.85, 1.15), 22)
    cx, cy = 25 + rng.uniform(-3, 3), 25 + rng.uniform(-3, 3)
    p["head"] = (cx - rx, cy - ry, cx + rx, cy + ry)
    p["eye_kind"] = rng.choice(["dot", "ring", "dash"])
    ex, ey, er = rx * rng.uniform(0.3, 0.45), cy - ry * rng.uniform(0.2, 0.4), rx * rng.uniform(0.06, 0.14)
    p["eyes"] = [(cx - ex, ey, er), (cx + ex, ey, er)]
    # mouth: an arc of a circle of radius R spanning +-theta; its chord is 2 * half_width wide
    half_width = rx * rng.uniform(0.3, 0.55)
    theta = np.radians(rng.uniform(35, 80))
    R = half_width / np.sin(theta)
    sagitta = R * (1 - np.cos(theta))
    y_mid = cy + ry * rng.uniform(0.3, 0.5)  # half way between the chord and the arc's apex
    mx = cx + rng.uniform(-1.5, 1.5)
    if mood == "happy":  # the arc hangs below its chord: the circle's centre is above
        oy, start = y_mid - sagitta / 2 - R * np.cos(theta), 90
    else:  # the arc rises above its chord: the centre is below
        oy, start = y_mid + sagitta / 2 + R * np.cos(theta), 270
    deg = np.degrees(theta)
    p["mouth"] = ((mx - R, oy - R, mx + R, oy + R), start - deg, start + deg)
    return p


def draw(p, size, ink, paper, mode):
    """Draw a geometry at `size` pixels (50 or 200) with PIL's shape tools."""
    k = size / 50
    img = Image.new(mode, (size, size), paper)
    d = ImageDraw.Draw(img)
    w = max(1, round(p["pen"] * k))
    box = lambda b: [v * k for v in b]
    d.ellipse(box(p["head"]), outline=ink, width=w)
    for x, y, r in p["eyes"]:
        if p["eye_kind"] == "dot":
            r = max(r, 0.6 * p["pen"])
            d.ellipse(box((x - r, y - r, x + r, y + r)), fill=ink)
        elif p["eye_kind"] == "ring":
            r = max(r, 1.2 * p["pen"])
            d.ellipse(box((x - r, y - r, x + r, y + r)), outline=ink, width=w)
        else:
            d.line(box((x, y - 1.5 * r, x, y + 1.5 * r)), fill=ink, width=w)
    bbox, start, end = p["mouth"]
    d.arc(box(bbox), start, end, fill=ink, width=w)
    return img


def save(path, img):
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    write_atomic(path, buf.getvalue())


def main(out):
    out = Path(out)
    for mood_index, mood in enumerate(("happy", "sad")):
        for folder in (out / "50" / mood, out / "200" / mood):
            for old in folder.glob("*.png"):
                old.unlink()
        for i in range(N_PER_MOOD):
            rng = np.random.default_rng([SEED, mood_index, i])
            p = geometry(rng, mood)
            save(out / "50" / mood / f"face_{i:03d}.png", draw(p, 50, 0, 255, "L"))
            if i % 3 == 0:
                big = draw(p, 200, (0, 0, 0), (255, 255, 255), "RGB")
            elif i % 3 == 1:
                big = draw(p, 200, INKS[rng.integers(len(INKS))], PAPERS[rng.integers(len(PAPERS))], "RGB")
            else:
                big = draw(p, 200, (30, 30, 30, 255), (255, 255, 255, 0), "RGBA")
            save(out / "200" / mood / f"face_{i:03d}.png", big)
    print(f"wrote {2 * N_PER_MOOD} other-style faces at 50x50 and at 200x200 under {out}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=ROOT / "data" / "faces" / "other_style",
                        help="output folder (default: data/faces/other_style)")
    main(parser.parse_args().out)
