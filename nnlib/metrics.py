"""Classification metrics: accuracy, confusion matrix, precision, recall, F1.

For class k:  precision = TP / (TP + FP),  recall = TP / (TP + FN),
              F1 = 2 precision recall / (precision + recall)   (0 when undefined).
Balanced accuracy = the mean of the K per-class recalls: the accuracy on a test set with
equally many samples of each class.
"""
import numpy as np


def _labels(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true).reshape(-1), np.asarray(y_pred).reshape(-1)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true has {y_true.size} labels but y_pred has {y_pred.size}")
    return y_true.astype(np.int64), y_pred.astype(np.int64)


def accuracy(y_true, y_pred):
    """Fraction of labels predicted right."""
    y_true, y_pred = _labels(y_true, y_pred)
    return float(np.mean(y_true == y_pred)) if y_true.size else 0.0


def confusion_matrix(y_true, y_pred, n_classes=None):
    """(k, k) counts: row = true class, column = predicted class."""
    y_true, y_pred = _labels(y_true, y_pred)
    if n_classes is None:
        n_classes = int(max(y_true.max(initial=0), y_pred.max(initial=0))) + 1
    if y_true.size and (min(y_true.min(), y_pred.min()) < 0 or max(y_true.max(), y_pred.max()) >= n_classes):
        raise ValueError(f"labels must lie in 0..{n_classes - 1}")
    cm = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(cm, (y_true, y_pred), 1)
    return cm


def precision_recall_f1(y_true, y_pred, n_classes=None):
    """Per-class precision, recall, F1 and support (number of true samples)."""
    cm = confusion_matrix(y_true, y_pred, n_classes)
    tp = np.diag(cm).astype(float)
    predicted, support = cm.sum(axis=0), cm.sum(axis=1)
    precision = np.divide(tp, predicted, out=np.zeros_like(tp), where=predicted > 0)
    recall = np.divide(tp, support, out=np.zeros_like(tp), where=support > 0)
    denom = precision + recall
    f1 = np.divide(2 * precision * recall, denom, out=np.zeros_like(tp), where=denom > 0)
    return {"precision": precision, "recall": recall, "f1": f1, "support": support}


def balanced_accuracy(y_true, y_pred, n_classes=None):
    """Mean of the recalls of the classes that occur in y_true (0.0 if y_true is empty)."""
    prf = precision_recall_f1(y_true, y_pred, n_classes)
    present = prf["support"] > 0
    return float(prf["recall"][present].mean()) if present.any() else 0.0
