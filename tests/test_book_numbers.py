"""Every result quoted in a chapter's prose is printed by one of its cells.

nbval (make test) re-runs each notebook and checks that the stored outputs are
still what the code prints. This test closes the loop: a measured-looking
number in the text must appear in the same notebook's code or stored outputs.
Measured-looking means a decimal with two or more digits after the point, a
percentage with decimals (0.3101, 98.31%), or an integer of three or more
digits (864, 1,126; not a part of a name such as 784-128-64-10). Numbers inside
math ($...$) are formulas, and a sentence that cites a source ({cite}`...`)
quotes someone else's result. Figure captions (a code cell's mystnb metadata)
and alt texts count as prose; an alt text may also read a value off the
figure's axes, which it marks as a reading with "about", "around", "near" ...
("falls from about 0.35 to 0.1"), and such readings are not looked up.
"""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(ROOT.glob("notebooks/*.ipynb")) + sorted(ROOT.glob("book/*.ipynb"))
RESULT = re.compile(r"(?<![\w.\\{^_-])(\d+\.\d{2,}%?|\d+\.\d+%)")
INTEGER = re.compile(r"(?<![\w.\\{^_,-])(\d{1,3}(?:,\d{3})+|\d{3,})(?![\w.,]\d|[\w-])")
# An approximate reading in an alt text: "about 0.3", "from about 0.6 to 0.2", "at about (0.03, 0.23)".
READING = re.compile(r"\b(?:about|around|near|nearly|roughly|almost|approximately|close to)\s+"
                     r"[-+\d.,%\s()]*(?:(?:to|and|or)\s+[-+\d.,%\s()]*)?$")
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


def alt_text(cell):
    return cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt", "")


def quoted_results(nb, alt_texts=True):
    """(cell index, number) for every measured-looking number of the prose, captions and alt texts."""
    for index, cell in enumerate(nb["cells"]):
        texts = [(prose(cell), False)] + ([(alt_text(cell), True)] if alt_texts else [])
        for raw, is_alt in texts:
            text = MATH.sub(" ", raw)
            for sentence in re.split(r"(?<=[.!?:])\s+(?=[A-Z(])", text):
                if "{cite" in sentence:
                    continue
                found = sorted([m for pattern in (RESULT, INTEGER) for m in pattern.finditer(sentence)],
                               key=lambda m: m.start())
                for match in found:
                    if is_alt and READING.search(sentence[:match.start()]):
                        continue
                    yield index, match.group(1)


def test_the_pattern_finds_results_and_skips_formulas_and_citations():
    nb = {"cells": [{"cell_type": "markdown", "source": [
        "We reach 98.31% and a loss of 0.3101, with $\\eta = 0.25$ and `lr=0.125`, after 1,126 steps "
        "of a 784-128-10 network on 28 images. Nielsen reaches 98.04% after 3000 steps {cite}`nielsen2015`."]}]}
    assert [n for _, n in quoted_results(nb)] == ["98.31%", "0.3101", "1,126"]


def test_captions_and_alt_texts_count_as_prose_but_readings_off_the_axes_do_not():
    nb = {"cells": [{"cell_type": "code", "source": ["print(0.25)"], "outputs": [], "metadata": {"mystnb": {
        "figure": {"caption": "Accuracy 97.12% after training."},
        "image": {"alt": "The diagonal holds 864 and 1126. A curve falls from about 0.46 to 0.08, then 0.0123."}}}}]}
    assert [n for _, n in quoted_results(nb)] == ["97.12%", "864", "1126", "0.0123"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_quoted_result_is_printed_by_the_notebook(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    printed = printed_text(nb)
    plain = printed.replace(",", "")                       # 1,126 in the text, 1126 in an output
    missing = [(i, n) for i, n in quoted_results(nb)
               if n not in printed and n.rstrip("%") not in printed and n.replace(",", "").rstrip("%") not in plain]
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
        found += [(index, n) for _, n in quoted_results({"cells": [cell]}, alt_texts=False) if n.rstrip("%") in figures]
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_figures_with_a_tolerance_are_quoted_as_the_stored_run(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    found = unlabelled_tolerant_quotes(nb)
    assert not found, (f"{path.name}: these paragraphs quote figures that are compared within a tolerance "
                       f"(a reader's re-run may print others) without saying they are the run shown here "
                       f"(cell index, number): {found}")
