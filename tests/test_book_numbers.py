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


# Figures with a tolerance (conftest.py, "Tolerances") may come out differently on a reader's
# computer. nbval checks the re-run against the stored output within the tolerance, and the test
# above checks the prose against the stored output exactly, so the prose is within the tolerance
# of any passing re-run. The reader must also be told that such a figure is the stored run's:
# a paragraph that quotes one says so ("the run shown here", "printed above", ...).
STORED_RUN = re.compile(r"run shown here|shown here|printed above|as printed|cell prints|in this run|printed", re.I)


def tolerant_figures(nb):
    """Every number that a tolerance rule of the notebook captures in its stored outputs."""
    import conftest
    figures = set()
    for cell in nb["cells"]:
        rules = conftest.tolerance_rules(cell) if cell["cell_type"] == "code" else []
        if not rules:
            continue
        text = printed_text({"cells": [dict(cell, source=[])]})
        for pattern, _, _, _ in rules:
            for match in pattern.finditer(text):
                figures |= {g.strip() for g in match.groups() if g}
    return figures


def test_a_paragraph_that_quotes_a_figure_with_a_tolerance_says_it_is_the_stored_run():
    nb = {"cells": [
        {"cell_type": "code", "source": [], "outputs": [{"output_type": "stream", "text": ["accuracy 96.90%\n"]}],
         "metadata": {"nnbook": {"tolerance": [{"pattern": r"accuracy (\d+\.\d+)%", "abs": 1, "why": "x"}]}}},
        {"cell_type": "markdown", "source": ["The network reaches 96.90%."]},
        {"cell_type": "markdown", "source": ["In the run shown here the network reaches 96.90%."]}]}
    assert tolerant_figures(nb) == {"96.90"}
    assert unlabelled_tolerant_quotes(nb) == [(1, "96.90%")]


def unlabelled_tolerant_quotes(nb):
    figures = tolerant_figures(nb)
    found = []
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown" or STORED_RUN.search("".join(cell["source"])):
            continue                          # captions and alt texts describe the stored figure itself
        found += [(index, n) for _, n in quoted_results({"cells": [cell]}) if n.rstrip("%") in figures]
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_figures_with_a_tolerance_are_quoted_as_the_stored_run(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    found = unlabelled_tolerant_quotes(nb)
    assert not found, (f"{path.name}: these paragraphs quote figures that are compared within a tolerance "
                       f"(a reader's re-run may print others) without saying they are the run shown here "
                       f"(cell index, number): {found}")
