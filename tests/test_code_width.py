"""Shown code fits the book's code box: no line wider than CODE_WIDTH characters.

At 1400 px the code box of the rendered book holds 86 characters of its monospace font
(scripts/check_pages.py measures the rendered pages; this test finds the line in the source
and is quick). It covers the code cells a reader sees (not those tagged remove-cell or
remove-input) and the parts of nnlib that the book shows with literalinclude.
"""
import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CODE_WIDTH = 86
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "book").glob("*.ipynb"))
INCLUDE = re.compile(r"```\{literalinclude\} \.\./(nnlib/\w+\.py)\n((?::\w+:.*\n)*)")


def shown_cells(nb):
    for i, cell in enumerate(nb["cells"]):
        tags = cell.get("metadata", {}).get("tags", [])
        if cell["cell_type"] == "code" and not {"remove-cell", "remove-input"} & set(tags):
            yield i, "".join(cell["source"])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_shown_code_fits_the_code_box(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    long = [f"cell {i}, {len(line)} characters: {line.strip()[:60]}"
            for i, source in shown_cells(nb) for line in source.splitlines() if len(line) > CODE_WIDTH]
    assert not long, (f"{path.name}: {len(long)} code line(s) wider than {CODE_WIDTH} characters; "
                      "break them inside brackets (black style):\n  " + "\n  ".join(long))


def fenced_code_lines(text):
    """The lines inside fenced code blocks (```bash, ```python, ```), not directives (```{...})."""
    stack = []
    for line in text.splitlines():
        fence = re.match(r"\s*(`{3,}|~{3,})(.*)$", line)
        if fence and stack and fence.group(2).strip() == "" and fence.group(1) == stack[-1][0]:
            stack.pop()
        elif fence and not (stack and stack[-1][1] == "code"):
            stack.append((fence.group(1), "directive" if fence.group(2).strip().startswith("{")
                          else "code"))
        elif stack and stack[-1][1] == "code":
            yield line


PROSE = sorted((ROOT / "book").glob("*.md")) + NOTEBOOKS


@pytest.mark.parametrize("path", PROSE, ids=lambda p: p.name)
def test_code_blocks_in_the_prose_fit_the_code_box(path):
    if path.suffix == ".md":
        texts = [path.read_text(encoding="utf-8")]
    else:
        nb = json.loads(path.read_text(encoding="utf-8"))
        texts = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
    long = [line for text in texts for line in fenced_code_lines(text) if len(line) > CODE_WIDTH]
    assert not long, (f"{path.name}: {len(long)} line(s) of its code blocks wider than "
                      f"{CODE_WIDTH} characters:\n  " + "\n  ".join(long))


def test_fenced_code_lines_skip_directives():
    text = "```{exercise} X\n:label: x\n\nwords\n```python\ncode\n```\n```\n```bash\nls\n```\n"
    assert list(fenced_code_lines(text)) == ["code", "ls"]


def included_objects():
    texts = [p.read_text(encoding="utf-8") for p in (ROOT / "book").glob("*.md")]
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text(encoding="utf-8"))
        texts += ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
    found = set()
    for text in texts:
        for m in INCLUDE.finditer(text):
            name = re.search(r":pyobject: (\S+)", m.group(2))
            found.add((m.group(1), name.group(1) if name else None))
    return sorted(found, key=str)


def object_lines(file, name):
    lines = (ROOT / file).read_text(encoding="utf-8").splitlines()
    if name is None:
        return lines
    tree = ast.parse("\n".join(lines))
    for part in name.split("."):
        tree = next(n for n in ast.iter_child_nodes(tree)
                    if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == part)
    start = min([d.lineno for d in tree.decorator_list] + [tree.lineno])
    return lines[start - 1:tree.end_lineno]


def test_the_book_includes_some_nnlib_code():
    assert len(included_objects()) >= 20


@pytest.mark.parametrize("file, name", included_objects(), ids=lambda v: str(v))
def test_included_nnlib_code_fits_the_code_box(file, name):
    long = [line for line in object_lines(file, name) if len(line) > CODE_WIDTH]
    assert not long, (f"{file} {name or ''}: {len(long)} line(s) wider than {CODE_WIDTH} characters "
                      "in code the book shows:\n  " + "\n  ".join(long))
