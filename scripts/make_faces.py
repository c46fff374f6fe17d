"""Write the committed face dataset under data/faces/ (run from anywhere).

    python scripts/make_faces.py            # writes data/faces/
    python scripts/make_faces.py --out DIR  # writes somewhere else

Everything is drawn by nnlib.faces with fixed seeds, so running it again gives
the same pixels. Layout:

    train/happy/face_00..39.png  train/sad/face_00..39.png   (50x50, 8-bit gray)
    test/happy/face_00..07.png + hard_08..09.png (harder: flatter, tilted mouths), the same for test/sad
    test/labels.csv                      filename,label,hard (label 1 = happy, 0 = sad)
    examples/my_happy_face.png, my_sad_face.png   200x200 RGB, like a reader's drawing
    examples/shaded_happy.png, shaded_sad.png, shaded_surprised.png   48x48 gray, CNN chapter
"""

import argparse
import csv
import io
import os
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

from nnlib.faces import draw_face, make_faces

TRAIN_SEED, TEST_SEED, EXAMPLE_SEED = 1, 2, 3
N_TRAIN, N_TEST, N_TEST_HARD = 40, 10, 2
ROOT = Path(__file__).resolve().parent.parent


def write_atomic(path, data):
    """Write bytes to path via a temporary file in the same folder and os.replace."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp_", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def save_png(path, array, mode="L"):
    img = Image.fromarray(array)
    if mode == "RGB":
        img = img.convert("RGB")  # a paint program saves colour PNGs
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    write_atomic(path, buf.getvalue())


def write_split(folder, n_per_mood, seed, hard_fraction):
    """Draw one split; return rows (filename, label, hard) in load_face_folder order."""
    images, labels, names = make_faces(n_per_mood, ("happy", "sad"), 50, seed, "sketch", hard_fraction)
    n_hard = round(hard_fraction * n_per_mood)
    for mood in ("happy", "sad"):
        for old in (folder / mood).glob("*.png"):  # drop files of an earlier, larger run
            old.unlink()
    rows = []
    for k, (img, label) in enumerate(zip(images, labels)):
        i = k % n_per_mood
        hard = i >= n_per_mood - n_hard
        name = f"{names[label]}/{'hard' if hard else 'face'}_{i:02d}.png"
        save_png(folder / name, img)
        rows.append((name, int(label), int(hard)))
    return rows


def main(out):
    out = Path(out)
    write_split(out / "train", N_TRAIN, TRAIN_SEED, 0.0)
    rows = write_split(out / "test", N_TEST, TEST_SEED, N_TEST_HARD / N_TEST)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["filename", "label", "hard"])
    writer.writerows(rows)
    write_atomic(out / "test" / "labels.csv", buf.getvalue().encode())

    # examples: seeds picked by eye among the first few for a clear face
    ex = out / "examples"
    for mood, k in (("happy", 7), ("sad", 10)):
        rng = np.random.default_rng([EXAMPLE_SEED, k])
        save_png(ex / f"my_{mood}_face.png", draw_face(mood, 200, rng), mode="RGB")
    for mood, k in (("happy", 6), ("sad", 5), ("surprised", 1)):
        rng = np.random.default_rng([EXAMPLE_SEED, 10, k])
        save_png(ex / f"shaded_{mood}.png", draw_face(mood, 48, rng, style="shaded"))
    print(f"wrote {2 * N_TRAIN} training faces, {2 * N_TEST} test faces and 5 examples under {out}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=ROOT / "data" / "faces", help="output folder (default: data/faces)")
    main(parser.parse_args().out)
