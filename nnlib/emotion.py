"""The emotion CNN: happy, sad and surprised faces (48x48 gray) in PyTorch.

One pipeline for two data sets: the book's drawn faces (``synthetic_faces``,
runs anywhere) and the real FER-2013 photos (``load_image_folder``, read from
the folder named by the environment variable FER2013_DIR). Both chapters call
the same functions:

    X, y = load_image_folder(fer2013_dir() / "train")     # or synthetic_faces(...)
    train_set, val_set = split_validation(X, y, per_class=46, seed=0)
    train_set = balance_by_augmentation(*train_set, seed=0)
    model = EmotionCNN(seed=0)
    history = train(model, train_set, val_set, epochs=6, lr=1e-3)
    y_pred = evaluate(model, X_test)

Images are float32 tensors of shape (n, 1, 48, 48) with values in [0, 1]
(pixel / 255); labels are int64 tensors with 0 = happy, 1 = sad,
2 = surprised. The network outputs logits z (n, 3); the loss is the
cross-entropy of softmax(z), which ``F.cross_entropy`` computes from z
directly, so the network has no sigmoid or softmax at its end.

PyTorch is imported here only, so ``import nnlib`` stays torch-free. This
module is written to be read; it is not tuned for speed.
"""
from __future__ import annotations

import math
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torch import nn

from . import metrics
from .faces import IMAGE_EXTENSIONS, make_faces, open_gray

FOLDERS = ("happy", "sad", "surprise")      # FER-2013's folder names
CLASS_NAMES = ("happy", "sad", "surprised")  # label k is CLASS_NAMES[k]
SIZE = 48
FER2013_ENV = "FER2013_DIR"
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
EXAMPLES_DIR = DATA_DIR / "faces" / "examples"  # shaded_*.png
# chapter 12's improved model: weights and report by scripts/train_fer2013_improved.py
IMPROVED = DATA_DIR / "models" / "emotion_cnn_fer2013_improved"
DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")  # chosen once
FER2013_HOWTO = (
    "FER-2013 (Goodfellow et al. 2013) may not be redistributed, so the book does not ship it. "
    "Get a copy in image-folder form (train/<emotion>/*.jpg and test/<emotion>/*.jpg, emotions "
    "angry, disgust, fear, happy, neutral, sad, surprise): the book uses the challenge's Training part "
    "(28,709 images) as train/ and its PublicTest part (3,589 images) as test/. The Kaggle data set "
    "'msambare/fer2013' has this layout, but its test/ also holds the PrivateTest part (files "
    "PrivateTest_*.jpg, 7,178 test images in all): delete test/*/PrivateTest_*.jpg. Or convert the "
    "challenge's fer2013.csv, writing the rows with Usage == 'Training' to train/ and those with "
    "Usage == 'PublicTest' to test/. Then set the environment variable "
    f"{FER2013_ENV} to the folder that holds train/ and test/, e.g. "
    f"`export {FER2013_ENV}=$HOME/data/fer2013`, and restart Jupyter."
)


# ------------------------------------------------------------------ the network
class EmotionCNN(nn.Module):
    """The source project's CNN: six 3x3 convolutions, three max-pools, three dense
    layers.

    Shapes for one 48x48 gray image (channels x height x width):
    1x48x48 -conv-> 16x48x48 -conv-> 32x48x48 -pool-> 32x24x24
    -conv-> 64x24x24 -conv-> 64x24x24 -pool-> 64x12x12
    -conv-> 128x12x12 -conv-> 128x12x12 -pool-> 128x6x6
    -flatten-> 4608 -> 256 -> 128 -> 3 logits.
    A 3x3 convolution with padding 1 keeps the size:
    out = (in + 2*1 - 3) / 1 + 1 = in.
    ReLU follows every convolution and the first two dense layers.

    Two choices the layer list does not show. The input x (pixel / 255, in
    [0, 1]) is first standardized with fixed numbers, x' = (x - 0.5) / 0.25,
    so that it is centred near 0 (nothing is learned there). And init="he"
    draws every weight from N(0, 2 / fan_in) with zero biases (He et al.
    2015), which keeps the signal's size from layer to layer; PyTorch's
    default (init="pytorch", U(-1/sqrt(fan_in), 1/sqrt(fan_in)), variance
    1 / (3 fan_in)) shrinks the second moment by about 1/6 per ReLU layer,
    and this deep stack then sits at loss ln 3 for a long time.
    seed: if given, torch.manual_seed(seed) is called first, so the initial
    weights are the same every time.

    Two named variants for chapter 12's improved recipe, off by default (the
    source's network): batch_norm=True puts a BatchNorm2d between every
    convolution and its ReLU (Ioffe and Szegedy 2015: each channel is
    standardized over the mini-batch, then scaled and shifted by learned gamma,
    beta; in eval mode by running averages); dropout=p zeroes each input of the
    first two dense layers with probability p during training (Srivastava et al.
    2014).
    """

    MEAN, STD = 0.5, 0.25

    def __init__(self, n_classes=3, seed=None, init="he", batch_norm=False,
                 dropout=0.0):
        super().__init__()
        if init not in ("he", "pytorch"):
            raise ValueError(f"init must be 'he' or 'pytorch', got {init!r}")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout is a probability in [0, 1), got {dropout!r}")
        if seed is not None:
            torch.manual_seed(seed)
        self.batch_norm, self.dropout = bool(batch_norm), float(dropout)

        def conv(c_in, c_out):
            if not batch_norm:
                return [nn.Conv2d(c_in, c_out, kernel_size=3, padding=1), nn.ReLU()]
            # the normalization's shift beta replaces the convolution's bias
            return [nn.Conv2d(c_in, c_out, kernel_size=3, padding=1, bias=False),
                    nn.BatchNorm2d(c_out), nn.ReLU()]

        def drop():
            return [nn.Dropout(dropout)] if dropout else []

        self.features = nn.Sequential(
            *conv(1, 16), *conv(16, 32), nn.MaxPool2d(2),
            *conv(32, 64), *conv(64, 64), nn.MaxPool2d(2),
            *conv(64, 128), *conv(128, 128), nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(), *drop(),
            nn.Linear(6 * 6 * 128, 256), nn.ReLU(), *drop(),
            nn.Linear(256, 128), nn.ReLU(),
            nn.Linear(128, n_classes),
        )
        if init == "he":
            for layer in self.modules():
                if isinstance(layer, (nn.Conv2d, nn.Linear)):
                    nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
                    if layer.bias is not None:
                        nn.init.zeros_(layer.bias)

    def forward(self, x):
        """Logits z of shape (n, n_classes) for images x of shape (n, 1, 48, 48),
        values in [0, 1]."""
        return self.classifier(self.features((x - self.MEAN) / self.STD))


def n_params(model):
    """Number of trainable numbers (weights and biases) in a model."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


# ------------------------------------------------------------------ images in
def to_tensor(images):
    """uint8 images (n, h, w) or (h, w), values 0..255 -> float32 tensor (n, 1, h, w) of pixel / 255."""
    a = np.asarray(images)
    if a.ndim == 2:
        a = a[None]
    if a.ndim != 3:
        raise ValueError(f"expected gray images of shape (n, h, w) or (h, w), got {a.shape}")
    return torch.from_numpy(a.astype(np.float32) / 255.0).unsqueeze(1)


def read_image(path, size=SIZE):
    """Read any image file as a (size, size) uint8 gray array.

    Grayscale with PIL's "L" weights (transparent pixels count as white), the
    central square cropped out of a non-square picture, then resized to
    size x size with bilinear filtering. FER-2013's 48x48 images pass unchanged.
    """
    gray = open_gray(path)
    w, h = gray.size
    if w != h:
        s = min(w, h)
        left, top = (w - s) // 2, (h - s) // 2
        gray = gray.crop((left, top, left + s, top + s))
    if gray.size != (size, size):
        gray = gray.resize((size, size), Image.Resampling.BILINEAR)
    return np.asarray(gray, dtype=np.uint8)


def fer2013_dir():
    """The FER-2013 folder named by $FER2013_DIR (it holds train/ and test/); a clear error if unset."""
    value = os.environ.get(FER2013_ENV, "")
    if not value:
        raise RuntimeError(f"the environment variable {FER2013_ENV} is not set. {FER2013_HOWTO}")
    root = Path(value).expanduser()
    if not root.is_dir():
        raise FileNotFoundError(f"{FER2013_ENV}={value!r} is not a folder. {FER2013_HOWTO}")
    return root


def load_image_folder(root, classes=FOLDERS, size=SIZE):
    """Read root/<class>/*.jpg|png|... for each class; return (X, y).

    X: float32 tensor (n, 1, size, size), pixel / 255; y: int64 tensor (n,),
    y = k for images from the folder classes[k]. Classes come in the order
    given, files in sorted order. For FER-2013 use root = FER2013_DIR/train
    or FER2013_DIR/test; the folder for "surprised" is called "surprise".
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"no image folder at {root}. For FER-2013: {FER2013_HOWTO}")
    missing = [name for name in classes if not (root / name).is_dir()]
    if missing:
        raise FileNotFoundError(f"missing class folder(s) {missing} in {root}: it must hold one subfolder per "
                                f"class {tuple(classes)}. For FER-2013 set {FER2013_ENV} to the folder that "
                                "holds train/ and test/ (not to train/ itself).")
    images, labels = [], []
    for k, name in enumerate(classes):
        sub = root / name
        files = sorted(p for p in sub.iterdir() if p.suffix.lower() in IMAGE_EXTENSIONS)
        if not files:
            raise ValueError(f"{sub} holds no image files ({', '.join(IMAGE_EXTENSIONS)})")
        private = sum(p.name.startswith("PrivateTest_") for p in files)
        if private:
            raise ValueError(f"{sub} holds {private} PrivateTest_* files: this copy of FER-2013 merges the "
                             "challenge's private test part into test/ (as the Kaggle data set "
                             "'msambare/fer2013' does), but the book's test set is the PublicTest part only "
                             f"(3,589 images). Delete them: rm {root}/*/PrivateTest_*.jpg")
        images += [read_image(p, size) for p in files]
        labels += [k] * len(files)
    return to_tensor(np.stack(images)), torch.tensor(labels, dtype=torch.int64)


def synthetic_faces(n_per_class, seed=0, imbalance=(1.0, 0.67, 0.44), hard_fraction=0.0):
    """Shaded 48x48 faces from nnlib.faces: happy, sad, surprised; return (X, y).

    Class k gets round(n_per_class * imbalance[k]) faces, so by default happy
    is the largest class and surprised the smallest, in about FER-2013's
    proportions (7215 : 4830 : 3171 training images). imbalance=None gives
    n_per_class of each. Different seeds give different faces. The last
    hard_fraction of each class are hard faces (nearly flat mouths, small "O"s).
    """
    fractions = (1.0,) * len(CLASS_NAMES) if imbalance is None else tuple(imbalance)
    if len(fractions) != len(CLASS_NAMES) or not all(0 < f <= 1 for f in fractions):
        raise ValueError(f"imbalance must be {len(CLASS_NAMES)} fractions in (0, 1], got {imbalance}")
    images, labels = [], []
    for k, (mood, f) in enumerate(zip(CLASS_NAMES, fractions)):
        n = max(1, round(n_per_class * f))
        X, _, _ = make_faces(n, moods=(mood,), size=SIZE, seed=seed, style="shaded", hard_fraction=hard_fraction)
        images.append(X)
        labels += [k] * n
    return to_tensor(np.concatenate(images)), torch.tensor(labels, dtype=torch.int64)


def class_counts(y, n_classes=len(CLASS_NAMES)):
    """Number of samples of each class, as a list of ints."""
    return torch.bincount(torch.as_tensor(y), minlength=n_classes).tolist()


def split_validation(X, y, per_class=46, seed=0, fraction=None):
    """Take per_class random images of every class out as a validation set.

    With fraction (e.g. 0.1) instead, the split is stratified: round(fraction * n_k)
    of the n_k images of class k, so the validation set keeps the classes'
    proportions. Returns ((X_train, y_train), (X_val, y_val)): disjoint, together
    all of X. The training part keeps the original order; the validation part is
    grouped by class. Take the validation set out *before* balancing, so that it
    holds only real, unaugmented images.
    """
    if fraction is not None and not 0 < fraction < 1:
        raise ValueError(f"fraction must lie between 0 and 1, got {fraction!r}")
    g = torch.Generator().manual_seed(seed)
    val_idx = []
    for k in range(int(y.max()) + 1):
        idx = torch.nonzero(y == k).flatten()
        n_val = per_class if fraction is None else round(fraction * len(idx))
        if not 0 < n_val < len(idx):
            raise ValueError(
                f"class {k} has {len(idx)} images, so it cannot give {n_val} to "
                "validation and keep some for training; lower per_class or fraction"
            )
        val_idx.append(idx[torch.randperm(len(idx), generator=g)[:n_val]].sort().values)
    val_idx = torch.cat(val_idx)
    keep = torch.ones(len(y), dtype=torch.bool)
    keep[val_idx] = False
    return (X[keep], y[keep]), (X[val_idx], y[val_idx])


# ------------------------------------------------------------------ augmentation
def augment(batch, generator, flip=0.5, degrees=10.0, shift=3.0, brightness=0.2):
    """Randomly flip, rotate, shift and brighten a batch of images; same shape, values
    in [0, 1].

    batch: float tensor (n, 1, h, w) in [0, 1]. Per image: a horizontal flip
    with probability `flip`, a rotation by an angle in [-degrees, degrees], a
    shift of up to `shift` pixels each way, and a brightness factor in
    [1 - brightness, 1 + brightness]. The geometric part is one affine map of
    the output pixel p (in [-1, 1] coordinates) to the input point it samples,
        p_in = R(a) S p + t,   S = diag(+-1, 1),  R(a) the rotation by a,
    read with bilinear interpolation (F.affine_grid + F.grid_sample; points
    outside the image take the nearest border pixel). All random numbers come
    from `generator` (a torch.Generator), so the same seed gives the same batch.
    """
    if batch.ndim != 4 or batch.shape[1] != 1 or not batch.is_floating_point():
        raise ValueError(
            "augment expects float images of shape (n, 1, h, w), "
            f"got {tuple(batch.shape)} {batch.dtype}; use to_tensor() first"
        )
    n, _, h, w = batch.shape
    u = torch.rand(n, 5, generator=generator)
    sign = torch.where(u[:, 0] < flip, -1.0, 1.0)
    a = (2 * u[:, 1] - 1) * math.radians(degrees)
    tx, ty = (2 * u[:, 2] - 1) * shift * 2 / w, (2 * u[:, 3] - 1) * shift * 2 / h
    out = warp(batch, affine_theta(sign, a, tx, ty))
    factor = 1 + (2 * u[:, 4] - 1) * brightness
    return (out * factor.to(batch).view(n, 1, 1, 1)).clamp(0.0, 1.0)


def affine_theta(sign, a, tx, ty):
    """theta = [R(a) S | t] of the map p_in = R(a) S p + t, one (2, 3) matrix per
    image: (n, 2, 3).

    sign: s = +1 or -1 (S = diag(s, 1), -1 mirrors left-right), a: the angle in
    radians, tx, ty: the shift t in [-1, 1] coordinates (k pixels of a w-pixel row
    are 2 k / w); each a float tensor of shape (n,).
    """
    cos, sin = torch.cos(a), torch.sin(a)
    return torch.stack([torch.stack([cos * sign, -sin, tx], 1),
                        torch.stack([sin * sign, cos, ty], 1)], 1)


def warp(batch, theta):
    """Sample each image of batch (n, 1, h, w) at p_in = theta [p; 1]: bilinear,
    border pixels outside."""
    grid = F.affine_grid(theta.to(batch), list(batch.shape), align_corners=False)
    return F.grid_sample(
        batch, grid, mode="bilinear", padding_mode="border", align_corners=False
    )


def balance_by_augmentation(X, y, seed=0, target=None, augment_copies=True):
    """Add augmented copies of the smaller classes until every class has `target`
    images.

    target defaults to the size of the largest class (happy). The copies of a
    class go round its images in a random order, so each image is copied about
    equally often, and every copy is a fresh augment(). augment_copies=False
    adds the images themselves instead (train() augments every mini-batch anyway,
    so a copy is augmented once, like an original, instead of twice). Returns
    (X_bal, y_bal): the originals first, then the copies. Use on the training set
    only.
    """
    g = torch.Generator().manual_seed(seed)
    counts = class_counts(y, int(y.max()) + 1)
    target = max(counts) if target is None else int(target)
    if target < max(counts):
        raise ValueError(
            f"target={target} is below the largest class ({max(counts)} images); "
            "balancing only adds images"
        )
    X_parts, y_parts = [X], [y]
    for k, count in enumerate(counts):
        missing = target - count
        if missing == 0:
            continue
        idx = torch.nonzero(y == k).flatten()
        rounds = math.ceil(missing / count)
        order = torch.cat([torch.randperm(count, generator=g) for _ in range(rounds)])
        copies = X[idx[order[:missing]]]
        X_parts.append(augment(copies, g) if augment_copies else copies)
        y_parts.append(torch.full((missing,), k, dtype=y.dtype))
    return torch.cat(X_parts), torch.cat(y_parts)


# ------------------------------------------------------------------ training
def _batches(n, batch_size):
    return [slice(i, min(i + batch_size, n)) for i in range(0, n, batch_size)]


def probabilities(model, X, batch_size=256, mirror=False):
    """softmax(model(X)) as a float numpy array (n, n_classes), in eval mode without gradients.

    mirror=True asks twice (test-time mirroring): the mean of the probabilities
    for each image and for its left-right mirror image.
    """
    model.eval()
    out = []
    with torch.no_grad():
        for s in _batches(len(X), batch_size):
            x = X[s].to(DEVICE)
            p = torch.softmax(model(x), dim=1)
            if mirror:
                p = (p + torch.softmax(model(torch.flip(x, dims=[3])), dim=1)) / 2
            out.append(p.cpu())
    return torch.cat(out).numpy()


def evaluate(model, X, y=None, batch_size=256, mirror=False):
    """Predicted labels (numpy int64, shape (n,)): the argmax of the logits for each image.

    y is accepted for symmetry with training code and ignored; score the
    predictions with nnlib.metrics (accuracy, precision_recall_f1, confusion_matrix).
    mirror=True: the argmax of probabilities(..., mirror=True).
    """
    p = probabilities(model, X, batch_size, mirror=mirror)
    return p.argmax(axis=1).astype(np.int64)


def _loss_and_acc(model, X, y, batch_size=256):
    """Mean cross-entropy and accuracy on (X, y), eval mode, no gradients."""
    model.eval()
    total, right = 0.0, 0
    with torch.no_grad():
        for s in _batches(len(X), batch_size):
            z = model(X[s].to(DEVICE))
            yb = y[s].to(DEVICE)
            total += F.cross_entropy(z, yb, reduction="sum").item()
            right += (z.argmax(1) == yb).sum().item()
    return total / len(X), right / len(X)


def train(model, train, val=None, epochs=5, lr=1e-3, batch_size=64, seed=0,
          verbose=True, augment_batches=True, lr_schedule="cosine",
          label_smoothing=0.0):
    """Train with Adam on the cross-entropy loss; return the history, one entry per
    epoch.

    train, val: (X, y) pairs. Every epoch shuffles the training set and, if
    augment_batches, passes each mini-batch through augment() (fresh random
    flips/rotations/shifts/brightness each epoch). lr_schedule="cosine" lowers
    the learning rate along lr_t = lr * (1 + cos(pi t / T)) / 2 over the T
    mini-batch steps of the run; "constant" keeps lr. Loss per mini-batch:
        L = -(1/B) sum_i log softmax(z_i)[y_i]      (F.cross_entropy on the logits z)
    label_smoothing=e trains towards 1 - e + e/K for the true class and e/K for
    each of the other K - 1 (Szegedy et al. 2016): the network is not pushed to
    ever larger logits for labels that may be wrong.
    History keys: "loss" and "acc" (mean over the epoch's training batches,
    as seen during training: augmented, weights still changing), "val_loss",
    "val_acc" (after the epoch, eval mode), "time" (seconds per epoch).
    """
    X, y = train
    if lr_schedule not in ("cosine", "constant"):
        raise ValueError(
            f"lr_schedule must be 'cosine' or 'constant', got {lr_schedule!r}"
        )
    model.to(DEVICE)
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    steps = epochs * len(_batches(len(X), batch_size))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt,
        lambda t: (
            0.5 * (1 + math.cos(math.pi * t / steps))
            if lr_schedule == "cosine"
            else 1.0
        ),
    )
    history = {"loss": [], "acc": [], "val_loss": [], "val_acc": [], "time": []}
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        model.train()
        perm = torch.randperm(len(X), generator=g)
        total, right = 0.0, 0
        for s in _batches(len(X), batch_size):
            xb, yb = X[perm[s]], y[perm[s]]
            if augment_batches:
                xb = augment(xb, g)
            xb, yb = xb.to(DEVICE), yb.to(DEVICE)
            z = model(xb)
            loss = F.cross_entropy(z, yb, label_smoothing=label_smoothing)
            if not torch.isfinite(loss):
                raise RuntimeError(
                    f"the loss became {loss.item()} in epoch {epoch}; "
                    f"try a smaller lr (now {lr})"
                )
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(yb)
            right += (z.argmax(1) == yb).sum().item()
        history["loss"].append(total / len(X))
        history["acc"].append(right / len(X))
        if val is not None:
            vl, va = _loss_and_acc(model, *val)
            history["val_loss"].append(vl)
            history["val_acc"].append(va)
        history["time"].append(time.perf_counter() - start)
        if verbose:
            line = (
                f"epoch {epoch:2d}  loss {history['loss'][-1]:.4f}  "
                f"acc {history['acc'][-1]:.2%}"
            )
            if val is not None:
                line += f"  val_loss {vl:.4f}  val_acc {va:.2%}"
            print(f"{line}  ({history['time'][-1]:.2f} s)", flush=True)
    return history


# ------------------------------------------------------------------ reporting
def classification_report(y_true, y_pred, class_names=CLASS_NAMES):
    """A text table: accuracy, and precision, recall, F1 and support per class (nnlib.metrics)."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    prf = metrics.precision_recall_f1(y_true, y_pred, n_classes=len(class_names))
    lines = [f"{'class':<10} {'precision':>9} {'recall':>8} {'F1':>8} {'support':>8}"]
    for k, name in enumerate(class_names):
        lines.append(f"{name:<10} {prf['precision'][k]:>9.2%} {prf['recall'][k]:>8.2%} "
                     f"{prf['f1'][k]:>8.2%} {int(prf['support'][k]):>8d}")
    lines.append(f"{'accuracy':<10} {'':>9} {'':>8} {metrics.accuracy(y_true, y_pred):>8.2%} {len(y_true):>8d}")
    return "\n".join(lines)


# ------------------------------------------------------------------ saving, loading, predicting
def save_weights(model, path):
    """Write the model's state_dict (its weights and biases) to path, atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pt")
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save({k: v.detach().cpu() for k, v in model.state_dict().items()}, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def load_weights(path, n_classes=3):
    """A new EmotionCNN (eval mode, on DEVICE) with the weights saved at path by
    save_weights; batch_norm=True if the file holds batch-normalization averages."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"no saved weights at {path}; "
            "train a model and save it with save_weights first"
        )
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:  # torch raises several kinds for a damaged file
        raise ValueError(
            f"{path} is not a readable PyTorch weights file "
            f"(corrupt or truncated?): {err}"
        ) from None
    if not isinstance(state, dict) or not all(
        isinstance(v, torch.Tensor) for v in state.values()
    ):
        raise ValueError(
            f"{path} does not hold a state_dict of tensors; "
            "save it with save_weights(model, path)"
        )
    # a network with batch normalization stores its running averages too
    batch_norm = any(k.endswith("running_mean") for k in state)
    model = EmotionCNN(n_classes, batch_norm=batch_norm)
    try:
        model.load_state_dict(state)
    except RuntimeError as err:
        raise ValueError(
            f"{path} holds the weights of a different network, not "
            f"EmotionCNN({n_classes}, batch_norm={batch_norm}): "
            f"{str(err).splitlines()[0]} ..."
        ) from None
    return model.to(DEVICE).eval()


def predict(model, image_path):
    """Classify one image file: (label, {class name: probability}).

    The picture goes through exactly the training preprocessing: grayscale,
    central square, resize to 48x48, pixel / 255.
    """
    x = to_tensor(read_image(image_path, SIZE))
    p = probabilities(model, x)[0]
    return CLASS_NAMES[int(p.argmax())], {name: float(q) for name, q in zip(CLASS_NAMES, p)}
