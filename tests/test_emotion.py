"""Tests for nnlib.emotion: the emotion CNN pipeline (architecture, data, augmentation, training, files)."""

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from nnlib import emotion as em
from nnlib import metrics

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "data" / "faces" / "examples").glob("shaded_*.png"))


def images_with_ids(counts):
    """Float images (n, 1, 48, 48) whose top-left pixel encodes the index, and labels from counts."""
    n = sum(counts)
    X = torch.rand(n, 1, 48, 48, generator=torch.Generator().manual_seed(0))
    X[:, 0, 0, 0] = torch.arange(n) / 1000
    y = torch.cat([torch.full((c,), k) for k, c in enumerate(counts)])
    return X, y


# ------------------------------------------------------------------ architecture
def test_shapes_and_parameter_count():
    model = em.EmotionCNN(seed=0)
    x = torch.rand(2, 1, 48, 48)
    assert model.features(x).shape == (2, 128, 6, 6)
    assert model.classifier[1].in_features == 6 * 6 * 128 == 4608
    assert model(x).shape == (2, 3)
    convs = [m for m in model.modules() if isinstance(m, torch.nn.Conv2d)]
    assert [(c.in_channels, c.out_channels) for c in convs] == [(1, 16), (16, 32), (32, 64), (64, 64),
                                                                 (64, 128), (128, 128)]
    assert all(c.kernel_size == (3, 3) and c.padding == (1, 1) for c in convs)
    conv_params = sum((9 * i + 1) * o for i, o in [(1, 16), (16, 32), (32, 64), (64, 64), (64, 128), (128, 128)])
    dense_params = (4608 + 1) * 256 + (256 + 1) * 128 + (128 + 1) * 3
    assert em.n_params(model) == conv_params + dense_params == 1_494_851
    assert isinstance(model.classifier[-1], torch.nn.Linear)  # logits out: no sigmoid, no softmax


def test_init_is_seeded_and_he_scaled():
    a, b = em.EmotionCNN(seed=3), em.EmotionCNN(seed=3)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    w = a.classifier[1].weight  # He: N(0, 2 / fan_in), fan_in = 4608
    assert 0.95 < w.std().item() / (2 / 4608) ** 0.5 < 1.05
    assert torch.all(a.classifier[1].bias == 0)
    c = em.EmotionCNN(seed=3, init="pytorch")
    assert c.classifier[1].weight.abs().max() <= 1 / 4608 ** 0.5
    with pytest.raises(ValueError, match="init"):
        em.EmotionCNN(init="zeros")


def test_batch_norm_and_dropout_variants():
    plain, bn = em.EmotionCNN(seed=0), em.EmotionCNN(seed=0, batch_norm=True)
    norms = [m for m in bn.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    assert [m.num_features for m in norms] == [16, 32, 64, 64, 128, 128]
    convs = [m for m in bn.modules() if isinstance(m, torch.nn.Conv2d)]
    assert all(c.bias is None for c in convs)     # beta of the normalization replaces it
    # each conv loses its bias (16 + 32 + 64 + 64 + 128 + 128 = 432), gains gamma and beta
    assert em.n_params(bn) == em.n_params(plain) - 432 + 2 * 432
    x = torch.rand(4, 1, 48, 48, generator=torch.Generator().manual_seed(0))
    bn.train()
    h = bn.features[1](bn.features[0]((x - bn.MEAN) / bn.STD))  # conv, then BatchNorm2d
    assert torch.allclose(h.mean(dim=(0, 2, 3)), torch.zeros(16), atol=1e-5)
    assert torch.allclose(h.var(dim=(0, 2, 3), unbiased=False), torch.ones(16), atol=1e-3)
    drop = em.EmotionCNN(seed=0, dropout=0.5)
    assert sum(isinstance(m, torch.nn.Dropout) for m in drop.modules()) == 2
    assert all(torch.equal(p, q) for p, q in zip(plain.parameters(), drop.parameters()))
    drop.eval()
    assert torch.equal(drop(x), plain.eval()(x))  # dropout is off in eval mode
    drop.train()
    assert not torch.equal(drop(x), drop(x))
    with pytest.raises(ValueError, match="dropout"):
        em.EmotionCNN(dropout=1.0)


def test_label_smoothing_changes_the_target():
    X, y = images_with_ids([4, 4, 4])
    runs = {}
    for e in (0.0, 0.1):
        model = em.EmotionCNN(seed=0)
        runs[e] = em.train(model, (X, y), epochs=1, batch_size=12, seed=0, verbose=False,
                           augment_batches=False, label_smoothing=e)["loss"][0]
    # first batch, same logits z: smoothed loss = (1 - e) CE + e * mean_k(-log softmax(z)_k)
    z = em.EmotionCNN(seed=0).train()(X)
    logp = torch.log_softmax(z, dim=1)
    ce = -logp[torch.arange(12), y].mean()
    smooth = 0.9 * ce - 0.1 * logp.mean(dim=1).mean()
    assert np.isclose(runs[0.0], ce.item(), rtol=1e-5)
    assert np.isclose(runs[0.1], smooth.item(), rtol=1e-5)


def test_one_training_step_reduces_the_loss():
    X, y = images_with_ids([4, 4, 4])
    model = em.EmotionCNN(seed=0)
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)
    loss0 = torch.nn.functional.cross_entropy(model(X), y)
    opt.zero_grad()
    loss0.backward()
    opt.step()
    loss1 = torch.nn.functional.cross_entropy(model(X), y)
    assert loss1.item() < loss0.item()


def test_train_history_and_determinism():
    X, y = images_with_ids([5, 4, 3])
    runs = []
    for _ in range(2):
        model = em.EmotionCNN(seed=0)
        h = em.train(model, (X, y), (X[:6], y[:6]), epochs=2, batch_size=4, seed=1, verbose=False)
        runs.append(h)
    assert set(runs[0]) == {"loss", "acc", "val_loss", "val_acc", "time"}
    assert all(len(v) == 2 for v in runs[0].values())
    assert runs[0]["loss"] == runs[1]["loss"] and runs[0]["val_acc"] == runs[1]["val_acc"]
    with pytest.raises(ValueError, match="lr_schedule"):
        em.train(model, (X, y), epochs=1, lr_schedule="step", verbose=False)


def test_evaluate_and_probabilities():
    X, _ = images_with_ids([3, 3, 3])
    model = em.EmotionCNN(seed=0)
    p = em.probabilities(model, X, batch_size=4)
    assert p.shape == (9, 3) and np.allclose(p.sum(axis=1), 1, atol=1e-5)
    pred = em.evaluate(model, X)
    assert pred.dtype == np.int64 and np.array_equal(pred, p.argmax(axis=1))
    p_mirror = em.probabilities(model, torch.flip(X, dims=[3]))
    twice = em.probabilities(model, X, batch_size=4, mirror=True)
    assert np.allclose(twice, (p + p_mirror) / 2, atol=1e-6)
    assert np.array_equal(em.evaluate(model, X, mirror=True), twice.argmax(axis=1))


# ------------------------------------------------------------------ augmentation, balancing, splitting
def test_augment_shapes_range_and_seed():
    X = torch.rand(10, 1, 48, 48, generator=torch.Generator().manual_seed(0))
    a = em.augment(X, torch.Generator().manual_seed(5))
    b = em.augment(X, torch.Generator().manual_seed(5))
    c = em.augment(X, torch.Generator().manual_seed(6))
    assert a.shape == X.shape and a.dtype == X.dtype
    assert a.min() >= 0 and a.max() <= 1
    assert torch.equal(a, b) and not torch.equal(a, c)
    with pytest.raises(ValueError, match="shape"):
        em.augment(X[:, 0], torch.Generator())


def test_augment_identity_and_flip():
    X = torch.rand(4, 1, 48, 48, generator=torch.Generator().manual_seed(1))
    g = torch.Generator().manual_seed(0)
    same = em.augment(X, g, flip=0.0, degrees=0, shift=0, brightness=0)
    assert torch.allclose(same, X, atol=1e-5)
    flipped = em.augment(X, g, flip=1.0, degrees=0, shift=0, brightness=0)
    assert torch.allclose(flipped, torch.flip(X, dims=[3]), atol=1e-5)


def test_affine_theta_rotates_and_shifts():
    X = torch.rand(3, 1, 48, 48, generator=torch.Generator().manual_seed(2))
    one, zero = torch.ones(3), torch.zeros(3)
    assert torch.allclose(em.warp(X, em.affine_theta(one, zero, zero, zero)), X, atol=1e-5)
    quarter = em.warp(X, em.affine_theta(one, torch.full((3,), torch.pi / 2), zero, zero))
    assert torch.allclose(quarter, torch.rot90(X, 1, dims=(2, 3)), atol=1e-5)
    shifted = em.warp(X, em.affine_theta(one, zero, torch.full((3,), 2 * 3 / 48), zero))
    assert torch.allclose(shifted[..., :45], X[..., 3:], atol=1e-5)
    assert em.affine_theta(-one, zero, zero, zero)[0].tolist() == [[-1, 0, 0], [0, 1, 0]]


def test_balance_makes_classes_equal():
    X, y = images_with_ids([9, 5, 2])
    Xb, yb = em.balance_by_augmentation(X, y, seed=0)
    assert em.class_counts(yb) == [9, 9, 9]
    assert torch.equal(Xb[:16], X) and torch.equal(yb[:16], y)  # originals first, unchanged
    assert torch.equal(em.balance_by_augmentation(X, y, seed=0)[0], Xb)
    assert em.class_counts(em.balance_by_augmentation(X, y, seed=0, target=12)[1]) == [12, 12, 12]
    with pytest.raises(ValueError, match="largest class"):
        em.balance_by_augmentation(X, y, target=5)


def test_balance_by_repeating_the_images():
    X, y = images_with_ids([9, 5, 2])
    Xb, yb = em.balance_by_augmentation(X, y, seed=0, augment_copies=False)
    assert em.class_counts(yb) == [9, 9, 9] and torch.equal(Xb[:16], X)
    # every copy is one of its class's images, unchanged, and they take turns:
    # 4 copies of 5 sad images use 4 different ones; 7 copies of 2 surprised, 4 and 3
    ids = {k: X[y == k][:, 0, 0, 0].tolist() for k in range(3)}
    for k, counts in ((1, [1, 1, 1, 1]), (2, [3, 4])):
        copies = Xb[16:][yb[16:] == k]
        assert all(torch.equal(c, X[y == k][ids[k].index(c[0, 0, 0].item())]) for c in copies)
        used = torch.unique(copies[:, 0, 0, 0], return_counts=True)[1]
        assert sorted(used.tolist()) == counts


def test_split_validation_46_per_class_disjoint():
    X, y = images_with_ids([60, 50, 47])
    (Xt, yt), (Xv, yv) = em.split_validation(X, y, per_class=46, seed=0)
    assert em.class_counts(yv) == [46, 46, 46]
    assert em.class_counts(yt) == [14, 4, 1]
    ids_t, ids_v = set(Xt[:, 0, 0, 0].tolist()), set(Xv[:, 0, 0, 0].tolist())
    assert not ids_t & ids_v and len(ids_t | ids_v) == len(y)
    (_, _), (Xv2, _) = em.split_validation(X, y, per_class=46, seed=0)
    assert torch.equal(Xv, Xv2)
    with pytest.raises(ValueError, match="cannot give 47"):
        em.split_validation(X, y, per_class=47)


def test_split_validation_by_fraction_is_stratified():
    X, y = images_with_ids([100, 60, 30])
    (Xt, yt), (Xv, yv) = em.split_validation(X, y, fraction=0.1, seed=0)
    assert em.class_counts(yv) == [10, 6, 3] and em.class_counts(yt) == [90, 54, 27]
    ids_t, ids_v = set(Xt[:, 0, 0, 0].tolist()), set(Xv[:, 0, 0, 0].tolist())
    assert not ids_t & ids_v and len(ids_t | ids_v) == len(y)
    for bad in (0, 1, 1.5):
        with pytest.raises(ValueError, match="fraction"):
            em.split_validation(X, y, fraction=bad)
    with pytest.raises(ValueError, match="cannot give 0"):
        em.split_validation(X, y, fraction=0.01)  # 30 * 0.01 rounds to no surprised image


def test_synthetic_faces_imbalanced_and_seeded():
    X, y = em.synthetic_faces(10, seed=0)
    assert X.shape == (10 + 7 + 4, 1, 48, 48) and X.dtype == torch.float32
    assert em.class_counts(y) == [10, 7, 4]
    assert 0 <= X.min() and X.max() <= 1
    assert torch.equal(X, em.synthetic_faces(10, seed=0)[0])
    assert not torch.equal(X, em.synthetic_faces(10, seed=1)[0])
    assert em.class_counts(em.synthetic_faces(5, imbalance=None)[1]) == [5, 5, 5]
    with pytest.raises(ValueError, match="imbalance"):
        em.synthetic_faces(5, imbalance=(1, 0.5))


# ------------------------------------------------------------------ files
def test_save_load_roundtrip(tmp_path):
    model = em.EmotionCNN(seed=0)
    path = tmp_path / "sub" / "cnn.pt"
    em.save_weights(model, path)
    assert [p.name for p in path.parent.iterdir()] == ["cnn.pt"]  # no temp file left behind
    loaded = em.load_weights(path)
    x = torch.rand(3, 1, 48, 48)
    model.eval()
    assert torch.equal(model(x), loaded(x))


def test_save_load_roundtrip_batch_norm(tmp_path):
    model = em.EmotionCNN(seed=0, batch_norm=True)
    X, y = images_with_ids([4, 4, 4])
    em.train(model, (X, y), epochs=1, batch_size=6, verbose=False)  # moves the running averages
    path = tmp_path / "bn.pt"
    em.save_weights(model, path)
    loaded = em.load_weights(path)                  # batch_norm found in the file
    assert loaded.batch_norm and not loaded.training
    model.eval()
    assert torch.equal(model(X), loaded(X))
    assert not em.load_weights(tmp_path / "bn.pt").features[1].running_mean.eq(0).all()


def test_improved_recipe_script_on_drawn_faces(tmp_path):
    """scripts/train_fer2013_improved.py: the ladder, its report and its weights, on tiny data."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "train_fer2013_improved", ROOT / "scripts" / "train_fer2013_improved.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    X, y = em.synthetic_faces(30, seed=0)
    report = script.run_ladder(X, y, out_dir=tmp_path, name="t", screen_epochs=1,
                               longer_epochs=2, fraction=0.2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.json", "t.pt"]
    import json
    assert json.loads((tmp_path / "t.json").read_text()) == report
    steps = report["steps"]
    assert len(steps) == 7 and steps[0]["kept"] and steps[-1]["train_s"] == 0.0
    assert [s["recipe"]["epochs"] for s in steps[:5]] == [1, 1, 1, 1, 2]
    assert [s["recipe"]["augment_copies"] for s in steps[:5]] == [True] * 5
    assert steps[5]["recipe"]["augment_copies"] is False  # the photos repeated
    assert report["validation"]["per_class"] == [6, 4, 3]
    # the recipe is the last kept change on top of the changes kept before it
    kept = [s for s in steps if s["kept"]]
    assert report["recipe"] == kept[-1]["recipe"]
    # the weights written are those of the recipe: they give its validation accuracy again
    (_, _), val = em.split_validation(X, y, fraction=0.2, seed=0)
    model = em.load_weights(tmp_path / "t.pt")
    acc, _, answers = script.val_figures(model, val, report["recipe"]["mirror"])
    assert np.isclose(sum(answers), 1) and answers == kept[-1]["val_answers"]
    assert acc == kept[-1]["val_acc"]


def test_load_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="save_weights"):
        em.load_weights(tmp_path / "nothing.pt")
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a torch file at all")
    with pytest.raises(ValueError, match="corrupt"):
        em.load_weights(bad)
    other = tmp_path / "other.pt"
    em.save_weights(torch.nn.Linear(2, 2), other)
    with pytest.raises(ValueError, match="different network"):
        em.load_weights(other)
    two = tmp_path / "two.pt"
    em.save_weights(em.EmotionCNN(n_classes=2), two)
    with pytest.raises(ValueError, match="different network"):
        em.load_weights(two)
    truncated = tmp_path / "truncated.pt"
    em.save_weights(em.EmotionCNN(), truncated)
    truncated.write_bytes(truncated.read_bytes()[:1000])
    with pytest.raises(ValueError, match="corrupt"):
        em.load_weights(truncated)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_predict_example_faces(path):
    model = em.EmotionCNN(seed=0)
    label, probs = em.predict(model, path)
    assert label in em.CLASS_NAMES and set(probs) == set(em.CLASS_NAMES)
    assert abs(sum(probs.values()) - 1) < 1e-5 and probs[label] == max(probs.values())


def test_predict_any_image_file(tmp_path):
    rgb = np.random.default_rng(0).integers(0, 256, (90, 120, 3), dtype=np.uint8)
    Image.fromarray(rgb).save(tmp_path / "photo.jpg")
    assert em.read_image(tmp_path / "photo.jpg").shape == (48, 48)
    label, _ = em.predict(em.EmotionCNN(seed=0), tmp_path / "photo.jpg")
    assert label in em.CLASS_NAMES
    (tmp_path / "notes.png").write_text("hello")
    with pytest.raises(ValueError, match="could not open"):
        em.predict(em.EmotionCNN(seed=0), tmp_path / "notes.png")
    assert len(EXAMPLES) == 3


def test_load_image_folder_errors(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError, match="FER2013_DIR"):
        em.load_image_folder(tmp_path / "missing")
    (tmp_path / "happy").mkdir()
    with pytest.raises(FileNotFoundError, match="sad"):
        em.load_image_folder(tmp_path)
    monkeypatch.delenv("FER2013_DIR", raising=False)
    with pytest.raises(RuntimeError, match="FER2013_DIR"):
        em.fer2013_dir()
    monkeypatch.setenv("FER2013_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="not a folder"):
        em.fer2013_dir()


def test_load_fake_image_folder(tmp_path):
    rng = np.random.default_rng(0)
    for k, name in enumerate(em.FOLDERS):
        (tmp_path / name).mkdir()
        for i in range(k + 2):
            size = 48 if i % 2 == 0 else 64
            Image.fromarray(rng.integers(0, 256, (size, size), dtype=np.uint8)).save(tmp_path / name / f"f{i}.jpg")
    (tmp_path / "happy" / "readme.txt").write_text("ignored")
    X, y = em.load_image_folder(tmp_path)
    assert X.shape == (2 + 3 + 4, 1, 48, 48) and X.dtype == torch.float32
    assert y.tolist() == [0, 0, 1, 1, 1, 2, 2, 2, 2]
    assert 0 <= X.min() and X.max() <= 1
    first = np.asarray(Image.open(tmp_path / "happy" / "f0.jpg"), dtype=np.float32) / 255
    assert np.allclose(X[0, 0].numpy(), first)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="no image files"):
        em.load_image_folder(tmp_path, classes=("happy", "empty"))


def test_load_image_folder_refuses_private_test_files(tmp_path):
    rng = np.random.default_rng(0)
    for name in em.FOLDERS:
        (tmp_path / name).mkdir()
        Image.fromarray(rng.integers(0, 256, (48, 48), dtype=np.uint8)).save(tmp_path / name / "PublicTest_1.jpg")
    assert em.load_image_folder(tmp_path)[0].shape == (3, 1, 48, 48)
    Image.fromarray(rng.integers(0, 256, (48, 48), dtype=np.uint8)).save(tmp_path / "sad" / "PrivateTest_2.jpg")
    with pytest.raises(ValueError, match=r"1 PrivateTest_\* files.*PublicTest part only.*rm .*PrivateTest_\*\.jpg"):
        em.load_image_folder(tmp_path)


def test_classification_report_uses_metrics():
    y_true, y_pred = np.array([0, 0, 1, 2, 2, 2]), np.array([0, 1, 1, 2, 2, 0])
    text = em.classification_report(y_true, y_pred)
    assert all(name in text for name in em.CLASS_NAMES)
    assert f"{metrics.accuracy(y_true, y_pred):.2%}" in text


def test_synthetic_hard_faces_are_the_last_ones():
    easy, _ = em.synthetic_faces(10, seed=0, imbalance=None)
    mixed, _ = em.synthetic_faces(10, seed=0, imbalance=None, hard_fraction=0.2)
    same = [torch.equal(easy[i], mixed[i]) for i in range(10)]
    assert same == [True] * 8 + [False] * 2
