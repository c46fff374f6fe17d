"""The page checker's text checks, on small hand-written pages (no browser needed)."""
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("check_pages", ROOT / "scripts" / "check_pages.py")
check_pages = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_pages)


def problems(body):
    return check_pages.check_dom(ROOT, "page.html", f"<html><body>{body}</body></html>")


@pytest.mark.parametrize("body, what", [
    ("<p>Try exercise Exercise 2.1 first.</p>", "a doubled word"),
    ("<p>as in ((4.2)), the update</p>", "doubled brackets"),
    ("<p>Link with <code>{term}`learning rate`</code>.</p>", "a MyST role"),
    ("<div class='cell_output'><pre>range 3\\u20134</pre></div>", "a Python escape"),
    ("<div class='cell_output'><pre>agrees with eq-ch8-saliency: True</pre></div>", "label name"),
])
def test_machinery_on_a_page_is_reported(body, what):
    found = problems(body)
    assert any(what in p for p in found), found


def test_clean_text_and_code_blocks_pass():
    body = ("<p>Exercise 2.1 uses equation (4.2) and the {term} of a series.</p>"
            "<pre>print(f\"{x}\")  # ref: eq-ch4-update in a code cell</pre>")
    assert problems(body) == []
