"""Project-wide pytest hooks (tests/, notebooks/ and book/ alike).

FER-2013 cannot be redistributed, so every test file or notebook with ``fer2013`` in its name
is skipped, with the reason printed, unless the environment variable ``FER2013_DIR`` names a
folder (the one that holds ``train/`` and ``test/``). This works for plain tests and for the
cells that nbval collects from a notebook. CI sets ``NNBOOK_REQUIRE_FER2013=1`` so that a
missing data set fails instead of silently skipping.
"""

import os
from pathlib import Path

import pytest

FER2013_ENV = "FER2013_DIR"
REQUIRE_ENV = "NNBOOK_REQUIRE_FER2013"


def needs_fer2013(path) -> bool:
    """True for any file whose name mentions fer2013, e.g. notebooks/12_emotion_cnn_fer2013.ipynb."""
    return "fer2013" in Path(str(path)).name.lower()


def fer2013_problem():
    """None when FER2013_DIR names a folder, else a sentence saying what is wrong and what to do."""
    value = os.environ.get(FER2013_ENV, "")
    if not value:
        what = f"{FER2013_ENV} is not set"
    elif not Path(value).is_dir():
        what = f"{FER2013_ENV}={value!r} is not a directory"
    else:
        return None
    return (
        f"needs FER-2013 but {what}: set {FER2013_ENV} to the folder holding train/ and test/ "
        "(one subfolder per emotion); see README.md, section 'Data'"
    )


def pytest_report_header(config):
    problem = fer2013_problem()
    status = "found" if problem is None else "not available, FER-2013 tests are skipped"
    return f"FER-2013: {FER2013_ENV}={os.environ.get(FER2013_ENV, '')!r} ({status})"


def pytest_collection_modifyitems(config, items):
    apply_tolerances(items)
    problem = fer2013_problem()
    if problem is None:
        return
    require = os.environ.get(REQUIRE_ENV, "") not in ("", "0")
    for item in items:
        if needs_fer2013(item.path):
            if require:
                raise pytest.UsageError(f"{item.path.name} {problem} ({REQUIRE_ENV} is set)")
            item.add_marker(pytest.mark.skip(reason=f"{item.path.name} {problem}"))


def _hypothesis_profile():
    """Under CI: derandomized examples and no per-example deadline (shared, slow runners)."""
    try:
        from hypothesis import settings
    except ImportError:
        return
    settings.register_profile("nnbook-ci", derandomize=True, deadline=None, print_blob=True)
    if os.environ.get("CI"):
        settings.load_profile("nnbook-ci")


_hypothesis_profile()


# --- Tolerances for figures of long trainings ---------------------------------------------
#
# nbval compares a re-run cell's output with the stored one text for text. That is right for
# shapes, counts, parameter totals, gradient checks and one training step, which come out the
# same on every machine. A long training is chaotic: another CPU (AVX2 or AVX-512, Intel or
# AMD, arm64), another thread count or another library build rounds one sum differently, and
# after thousands of steps an accuracy moves in its last digits. Such a figure is declared in
# the cell's metadata, each with the pattern that finds it in the output, its tolerance and the
# measurement that justifies it:
#
#   "nnbook": {"tolerance": [
#       {"pattern": "test accuracy (\\d+\\.\\d+)%", "abs": 1.5, "why": "..."}]}
#
# Every capture group of the regular expression `pattern` must be a number (leading spaces, such as
# the padding of an aligned column, are allowed and replaced with it). The reference and
# the new output must contain the same number of matches; each captured number of the new
# output must lie within `abs` (or `rel`, a fraction of the stored value) of the stored one, or,
# with `factor`, within that factor of it (for losses near zero, which scatter by ratios).
# A rule that finds nothing in the stored output fails, so a rule cannot go stale silently.
# All other text of the output, numbers included, is still compared exactly.
#
# A rule with "mask": true instead of a tolerance leaves its groups uncompared: for the few
# outputs of a trained model that are words, not numbers (which digit is the runner-up, whether
# one example photo is right). Its cell asserts what the prose relies on, and `why` says what.

import copy
import re as _re

TOLERANCE_KEY = "nnbook"
NUMBER = _re.compile(r"^[+-]?\d[\d,]*(\.\d+)?([eE][+-]?\d+)?%?$")


def tolerance_rules(cell):
    """The cell's tolerance rules, checked: a list of (compiled pattern, abs, rel, rule dict)."""
    rules = cell.get("metadata", {}).get(TOLERANCE_KEY, {}).get("tolerance", [])
    checked = []
    for rule in rules:
        problem = None
        if not isinstance(rule, dict) or "pattern" not in rule:
            problem = "needs a 'pattern'"
        elif sum(key in rule for key in ("abs", "rel", "factor", "mask")) != 1 or rule.get("mask", True) is not True:
            problem = "needs exactly one of 'abs', 'rel', 'factor' and 'mask': true"
        elif "factor" in rule and not rule["factor"] > 1:
            problem = "needs a 'factor' above 1"
        elif not str(rule.get("why", "")).strip():
            problem = "needs a 'why': the measurement that justifies the tolerance"
        if problem is None:
            try:
                pattern = _re.compile(rule["pattern"])
            except _re.error as err:
                problem = f"has a pattern that is not a regular expression ({err})"
            else:
                if pattern.groups == 0:
                    problem = "has a pattern with no capture group (put the number in parentheses)"
        if problem:
            raise ValueError(f"tolerance rule {rule!r} {problem}; see conftest.py, 'Tolerances'")
        checked.append((pattern, rule.get("abs"), rule.get("rel"), rule))
    return checked


def describe_tolerance(rule):
    """How a rule compares its groups, in words: '±0.5', '±5% of the value' or 'not compared'."""
    if rule.get("mask"):
        return "not compared"
    if "factor" in rule:
        return f"within a factor {rule['factor']:g}"
    return f"±{rule['abs']:g}" if "abs" in rule else f"±{rule['rel']:.0%} of the value"


def _as_number(text):
    text = text.strip()                                   # a group may include column padding
    if not NUMBER.match(text):
        raise ValueError(f"tolerance pattern captured {text!r}, which is not a number")
    return float(text.replace(",", "").rstrip("%"))


def _padded_start(text, match, g):
    """Where group g starts once the spaces before it inside the match are counted in: a column's
    padding changes with the width of the number (' 995' and '1001'), so it travels with it."""
    start = match.start(g)
    floor = max([match.start(0)] + [match.end(h) for h in range(1, g) if match.group(h) is not None])
    while start > floor and text[start - 1] == " ":
        start -= 1
    return start


def within_tolerance(stored_text, new_text, rules):
    """(new text with every in-tolerance figure replaced by the stored one, list of problems)."""
    problems = []
    for pattern, abs_tol, rel_tol, rule in rules:
        stored = list(pattern.finditer(stored_text))
        new = list(pattern.finditer(new_text))
        if len(stored) != len(new):
            problems.append(f"pattern {rule['pattern']!r} matches {len(stored)} times in the stored output "
                            f"but {len(new)} times in the new one")
            continue
        pieces, last = [], 0
        for s, t in zip(stored, new):
            for g in range(1, pattern.groups + 1):
                if s.group(g) is None or t.group(g) is None:
                    continue
                s_start, t_start = _padded_start(stored_text, s, g), _padded_start(new_text, t, g)
                if rule.get("mask"):
                    pieces += [new_text[last:t_start], stored_text[s_start:s.end(g)]]
                    last = t.end(g)
                    continue
                a, b = _as_number(s.group(g)), _as_number(t.group(g))
                if "factor" in rule:
                    f = rule["factor"]
                    outside = not (a / f - 1e-12 <= b <= a * f + 1e-12) if a > 0 else b != a
                else:
                    limit = abs_tol if abs_tol is not None else rel_tol * abs(a)
                    outside = abs(b - a) > limit + 1e-12
                if outside:
                    problems.append(f"{t.group(0)!r}: {t.group(g)} is {abs(b - a):.4g} away from the stored "
                                    f"{s.group(g)}, more than the tolerance {describe_tolerance(rule)} "
                                    f"({rule['why']})")
                pieces += [new_text[last:t_start], stored_text[s_start:s.end(g)]]
                last = t.end(g)
        pieces.append(new_text[last:])
        new_text = "".join(pieces)
    return new_text, problems


def _texts(output):
    """(container, key) pairs of an output's text fields."""
    if output.get("output_type") == "stream":
        yield output, "text"
    for kind in ("text/plain", "text/html", "text/markdown"):
        if kind in output.get("data", {}):
            yield output["data"], kind


def _joined(value):
    return "".join(value) if isinstance(value, list) else value


def apply_tolerances(items):
    """Give every nbval cell with tolerance rules the comparison of `_tolerant_compare`."""
    try:
        from nbval.plugin import IPyNbCell, coalesce_streams
    except ImportError:
        return
    for item in items:
        if not isinstance(item, IPyNbCell):
            continue
        rules = tolerance_rules(item.cell)
        if not rules:
            continue
        for pattern, _, _, rule in rules:
            stored = "".join(_joined(c[k]) for out in coalesce_streams(copy.deepcopy(item.cell.outputs))
                             for c, k in _texts(out))
            if not pattern.search(stored):
                raise ValueError(f"{item.path.name} cell {item.cell_num}: tolerance pattern {rule['pattern']!r} "
                                 "matches nothing in the stored output (stale rule?)")
        item.compare_outputs = _tolerant_compare(item, rules)


def _tolerant_compare(item, rules):
    exact_compare = item.compare_outputs                  # nbval's own, bound to this cell

    def compare(test, ref, skip_compare=None):
        test, ref = copy.deepcopy(test), copy.deepcopy(ref)
        ref_fields = [(c, k) for out in ref for c, k in _texts(out)]
        test_fields = [(c, k) for out in test for c, k in _texts(out)]
        problems = []
        for (rc, rk), (tc, tk) in zip(ref_fields, test_fields):
            if rk != tk:
                break                                      # different kinds of output: the exact compare says so
            text, found = within_tolerance(_joined(rc[rk]), _joined(tc[tk]), rules)
            tc[tk] = text
            problems += found
        if problems:
            item.comparison_traceback = ["figures outside their tolerance:"] + [f"  {p}" for p in problems]
            return False
        return exact_compare(test, ref, skip_compare)

    return compare
