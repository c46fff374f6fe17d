"""How far the training figures of chapters 11 and 12 move with the seed: the basis of their tolerances.

A long training is chaotic: another CPU or thread count rounds a sum differently, and after some
steps the run behaves like one with another random seed. The spread over seeds is therefore an
estimate of what another machine can print, and the tolerances in the chapters' cell metadata
(`python scripts/list_tolerances.py`) are set from it. This script repeats a chapter's training
(the same calls) with the given seeds for both the network's initialization and the order and
augmentation of the batches, and prints each epoch's figures for every seed and their range.

    .venv/bin/python scripts/measure_spread.py 11 --seeds 0 1 2 3 4    # about 2-3 minutes on 2 cores
    FER2013_DIR=... .venv/bin/python scripts/measure_spread.py 12 --seeds 1 2 3   # about 7 minutes a seed
"""
import os
from pathlib import Path
import argparse

import numpy as np

from nnlib import emotion, metrics


def chapter11_run(seed):
    X_pool, y_pool = emotion.synthetic_faces(500, seed=0, hard_fraction=0.1)
    X_test, y_test = emotion.synthetic_faces(250, seed=1, hard_fraction=0.1)
    (X_train, y_train), val = emotion.split_validation(X_pool, y_pool, per_class=46, seed=0)
    model = emotion.EmotionCNN(seed=seed)
    history = emotion.train(model, emotion.balance_by_augmentation(X_train, y_train, seed=0), val,
                            epochs=6, lr=1e-3, batch_size=32, seed=seed, verbose=False)
    y_pred = emotion.evaluate(model, X_test)
    history["test_acc"] = metrics.accuracy(y_test.numpy(), y_pred)
    history["mistakes"] = int((y_pred != y_test.numpy()).sum())
    return history


def chapter12_run(seed):
    fer = Path(os.environ["FER2013_DIR"])
    X_pool, y_pool = emotion.load_image_folder(fer / "train")
    X_test, y_test = emotion.load_image_folder(fer / "test")
    (X_train, y_train), val = emotion.split_validation(X_pool, y_pool, per_class=46, seed=0)
    model = emotion.EmotionCNN(seed=seed)
    history = emotion.train(model, emotion.balance_by_augmentation(X_train, y_train, seed=0), val,
                            epochs=5, lr=1e-3, batch_size=64, seed=seed, verbose=False)
    y_true = y_test.numpy()
    probs = emotion.probabilities(model, X_test)
    y_pred = probs.argmax(axis=1)
    recall = metrics.precision_recall_f1(y_true, y_pred, n_classes=3)["recall"]
    y_tta = emotion.evaluate(model, X_test, mirror=True)  # with the mirror image
    history["test_acc"] = metrics.accuracy(y_true, y_pred)
    history["mistakes"] = int((y_pred != y_true).sum())
    balanced = metrics.balanced_accuracy(y_true, y_pred, n_classes=3)
    print(f"  seed {seed}: test {history['test_acc']:.2%}, balanced {balanced:.2%}, recall "
          + ", ".join(f"{r:.2%}" for r in recall) + f", with the mirror {metrics.accuracy(y_true, y_tta):.2%}",
          flush=True)
    return history


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapter", type=int, choices=(11, 12))
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4], help="seeds (default 0 to 4)")
    args = parser.parse_args()
    run = chapter11_run if args.chapter == 11 else chapter12_run
    runs = [run(seed) for seed in args.seeds]
    keys = ("loss", "acc", "val_loss", "val_acc")
    print(f"chapter {args.chapter}, seeds {args.seeds}")
    for e in range(len(runs[0]["loss"])):
        cells = []
        for key in keys:
            values = np.array([r[key][e] for r in runs]) * (100 if "acc" in key else 1)
            cells.append(f"{key} {values.min():.4g}..{values.max():.4g} (range {np.ptp(values):.3g})")
        print(f"epoch {e + 1}: " + "; ".join(cells))
    test = np.array([r["test_acc"] for r in runs]) * 100
    mistakes = [r["mistakes"] for r in runs]
    print(f"test accuracy: {', '.join(f'{v:.2f}%' for v in test)} (range {np.ptp(test):.2f} points); "
          f"mistakes {mistakes}")


if __name__ == "__main__":
    main()
