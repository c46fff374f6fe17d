"""The tolerance rules of conftest.py: figures of long trainings compared within a stated tolerance.

A cell's metadata may declare figures that a re-run on another CPU or thread count may change in
their last digits (see conftest.py, 'Tolerances', and README.md, 'Contributing a chapter').
These tests check the comparison itself, and run nbval end to end on a small notebook.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import conftest

ROOT = Path(__file__).resolve().parents[1]
ACC = {"pattern": r"accuracy (\d+\.\d+)%", "abs": 1.0, "why": "test"}


def rules(*raw):
    return conftest.tolerance_rules({"metadata": {"nnbook": {"tolerance": list(raw)}}})


def test_figure_within_tolerance_is_replaced_by_the_stored_one():
    text, problems = conftest.within_tolerance("epoch 3 accuracy 96.90%", "epoch 3 accuracy 96.12%", rules(ACC))
    assert problems == [] and text == "epoch 3 accuracy 96.90%"


def test_figure_outside_tolerance_is_reported_with_the_reason():
    _, problems = conftest.within_tolerance("accuracy 96.90%", "accuracy 95.80%", rules(ACC))
    assert len(problems) == 1 and "1.1 away from the stored 96.90" in problems[0] and "(test)" in problems[0]


def test_text_outside_the_pattern_stays_exact():
    text, problems = conftest.within_tolerance("epoch 3 accuracy 96.90%", "epoch 4 accuracy 96.50%", rules(ACC))
    assert problems == [] and text == "epoch 4 accuracy 96.90%"     # the exact compare then sees epoch 4 != 3


def test_relative_tolerance_and_several_groups():
    rule = {"pattern": r"loss (\d+\.\d+), val (\d+\.\d+)", "rel": 0.1, "why": "test"}
    _, ok = conftest.within_tolerance("loss 0.500, val 0.200", "loss 0.540, val 0.190", rules(rule))
    _, bad = conftest.within_tolerance("loss 0.500, val 0.200", "loss 0.560, val 0.190", rules(rule))
    assert ok == [] and len(bad) == 1 and "0.560" in bad[0]


def test_a_different_number_of_matches_fails():
    _, problems = conftest.within_tolerance("accuracy 96.90%\naccuracy 97.00%", "accuracy 96.90%", rules(ACC))
    assert "matches 2 times in the stored output but 1 times" in problems[0]


@pytest.mark.parametrize("bad, message", [
    ({"pattern": r"(\d+)", "why": "x"}, "exactly one of 'abs', 'rel'"),
    ({"pattern": r"(\d+)", "abs": 1, "rel": 0.1, "why": "x"}, "exactly one of 'abs', 'rel'"),
    ({"pattern": r"(\d+)", "abs": 1}, "needs a 'why'"),
    ({"pattern": r"\d+", "abs": 1, "why": "x"}, "no capture group"),
    ({"pattern": r"(\d+", "abs": 1, "why": "x"}, "not a regular expression"),
])
def test_malformed_rules_are_refused(bad, message):
    with pytest.raises(ValueError, match=message):
        rules(bad)


def test_a_capture_that_is_not_a_number_is_refused():
    with pytest.raises(ValueError, match="not a number"):
        conftest.within_tolerance("accuracy high", "accuracy low", rules({"pattern": r"accuracy (\w+)", "abs": 1, "why": "x"}))


def notebook(stored_text, code, rule):
    cell = {"cell_type": "code", "execution_count": 1, "id": "c1", "source": code,
            "metadata": {"nnbook": {"tolerance": [rule]}},
            "outputs": [{"output_type": "stream", "name": "stdout", "text": stored_text}]}
    return {"cells": [cell], "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def run_nbval(tmp_path, nb):
    path = tmp_path / "tolerance_check.ipynb"
    path.write_text(json.dumps(nb))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "conftest", "--nbval", "--nbval-current-env",
                           "-p", "no:cacheprovider", "-q", "-c", os.devnull, "--rootdir", str(tmp_path), str(path)],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)


@pytest.mark.parametrize("printed, passes", [("96.40", True), ("95.40", False)])
def test_nbval_end_to_end(tmp_path, printed, passes):
    code = f'print("epoch 3 accuracy {printed}%")'
    result = run_nbval(tmp_path, notebook("epoch 3 accuracy 96.90%\n", code, ACC))
    assert (result.returncode == 0) == passes, result.stdout[-3000:]
    if not passes:
        assert "figures outside their tolerance" in result.stdout and "1.5 away from the stored 96.90" in result.stdout


def test_nbval_end_to_end_stale_rule_fails(tmp_path):
    rule = {"pattern": r"loss (\d+\.\d+)", "abs": 0.1, "why": "test"}
    result = run_nbval(tmp_path, notebook("epoch 3 accuracy 96.90%\n", 'print("epoch 3 accuracy 96.90%")', rule))
    assert result.returncode != 0 and "matches nothing in the stored output" in result.stdout + result.stderr


def test_column_padding_in_the_group_is_replaced_with_the_number():
    rule = {"pattern": r"happy(\s+\d+\.\d+)%", "abs": 1.0, "why": "test"}
    text, problems = conftest.within_tolerance("happy      99.60%", "happy     100.00%", rules(rule))
    assert problems == [] and text == "happy      99.60%"


def test_column_padding_outside_the_group_travels_with_the_number():
    rule = {"pattern": r"right:( +\d+)? +(\d+) +(\d+)", "abs": 25, "why": "test"}
    stored, new = "right:  972 1001  966", "right:  980  995  970"
    text, problems = conftest.within_tolerance(stored, new, rules(rule))
    assert problems == [] and text == stored
    text, problems = conftest.within_tolerance(stored, "right:  980  950  970", rules(rule))
    assert len(problems) == 1 and "950" in problems[0]


def test_a_mask_rule_leaves_its_words_uncompared_and_the_rest_exact():
    rule = {"pattern": r"runner-up (\d)", "mask": True, "why": "test"}
    text, problems = conftest.within_tolerance("3 (100.0%), runner-up 9", "3 (100.0%), runner-up 5", rules(rule))
    assert problems == [] and text == "3 (100.0%), runner-up 9"
    assert conftest.describe_tolerance(rule) == "not compared"
    with pytest.raises(ValueError, match="exactly one of"):
        rules({"pattern": r"(\d)", "mask": False, "why": "x"})


def test_a_factor_rule_compares_ratios():
    rule = {"pattern": r"loss (\d+\.\d+)", "factor": 5, "why": "test"}
    assert conftest.within_tolerance("loss 0.0200", "loss 0.0050", rules(rule))[1] == []
    assert conftest.within_tolerance("loss 0.0200", "loss 0.0900", rules(rule))[1] == []
    assert len(conftest.within_tolerance("loss 0.0200", "loss 0.1100", rules(rule))[1]) == 1
    assert conftest.describe_tolerance(rule) == "within a factor 5"
    with pytest.raises(ValueError, match="factor' above 1"):
        rules({"pattern": r"(\d)", "factor": 0.5, "why": "x"})
