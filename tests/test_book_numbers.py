"""Every result quoted in a chapter's prose is printed by one of its cells.

nbval (make test) re-runs each notebook and checks that the stored outputs are
still what the code prints. This test closes the loop: a measured-looking
number in the text (a decimal with two or more digits after the point, or a
percentage with decimals, such as 0.3101 or 98.31%) must appear in the same
notebook's code or stored outputs. Numbers inside math ($...$) are formulas,
and a sentence that cites a source ({cite}`...`) quotes someone else's result.
Figure captions (a code cell's mystnb metadata) count as prose. Alt texts do
not: they describe a picture for a reader who cannot see it, values read off its
axes included ("falls from about 0.35"), and are checked by reading.
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


def prose(cell):
    """The words every reader sees for a cell: a markdown cell's text, or a figure's caption."""
    if cell["cell_type"] == "markdown":
        return "".join(cell["source"])
    return cell.get("metadata", {}).get("mystnb", {}).get("figure", {}).get("caption", "")


def quoted_results(nb):
    for index, cell in enumerate(nb["cells"]):
        text = MATH.sub(" ", prose(cell))
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


def test_captions_count_as_prose_and_alt_texts_do_not():
    nb = {"cells": [{"cell_type": "code", "source": ["print(0.25)"], "outputs": [], "metadata": {"mystnb": {
        "figure": {"caption": "Accuracy 97.12% after training."}, "image": {"alt": "A curve ending near 0.1234."}}}}]}
    assert [n for _, n in quoted_results(nb)] == ["97.12%"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_quoted_result_is_printed_by_the_notebook(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    printed = printed_text(nb)
    missing = [(i, n) for i, n in quoted_results(nb) if n not in printed and n.rstrip("%") not in printed]
    assert not missing, (f"{path.name}: the prose quotes numbers that no cell prints "
                         f"(cell index, number; for a code cell, its figure caption): {missing}; re-run the notebook and "
                         f"update the text from its outputs")
