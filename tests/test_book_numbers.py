"""Every result quoted in a chapter's prose is printed by one of its cells.

nbval (make test) re-runs each notebook and checks that the stored outputs are
still what the code prints. This test closes the loop: a measured-looking
number in the text (a decimal with two or more digits after the point, or a
percentage with decimals, such as 0.3101 or 98.31%) must appear in the same
notebook's code or stored outputs. Numbers inside math ($...$) are formulas,
and a sentence that cites a source ({cite}`...`) quotes someone else's result.
"""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(ROOT.glob("notebooks/*.ipynb")) + sorted(ROOT.glob("book/*.ipynb"))
RESULT = re.compile(r"(?<![\w.\\{^_-])(\d+\.\d{2,}%?|\d+\.\d+%)")
MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]*\$|```.*?```|`[^`\n]*`", re.S)


def printed_text(nb):
    parts = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        parts.append("".join(cell["source"]))
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                parts.append("".join(out["text"]))
            for kind in ("text/plain", "text/html", "text/markdown"):
                if kind in out.get("data", {}):
                    parts.append("".join(out["data"][kind]))
    return "\n".join(parts)


def quoted_results(nb):
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        text = MATH.sub(" ", "".join(cell["source"]))
        for sentence in re.split(r"(?<=[.!?:])\s+(?=[A-Z(])", text):
            if "{cite" in sentence:
                continue
            for number in RESULT.findall(sentence):
                yield index, number


def test_the_pattern_finds_results_and_skips_formulas_and_citations():
    nb = {"cells": [{"cell_type": "markdown", "source": [
        "We reach 98.31% and a loss of 0.3101, with $\\eta = 0.25$ and `lr=0.125`. "
        "Nielsen reaches 98.04% {cite}`nielsen2015`."]}]}
    assert [n for _, n in quoted_results(nb)] == ["98.31%", "0.3101"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_quoted_result_is_printed_by_the_notebook(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    printed = printed_text(nb)
    missing = [(i, n) for i, n in quoted_results(nb) if n not in printed and n.rstrip("%") not in printed]
    assert not missing, (f"{path.name}: the prose quotes numbers that no cell prints "
                         f"(markdown cell index, number): {missing}; re-run the notebook and "
                         f"update the text from its outputs")
