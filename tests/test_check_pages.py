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


def layout_dom(*items):
    import json
    return f"<html><body><pre id='nnbook-layout' hidden>{json.dumps({'width': 420, 'items': list(items)})}</pre></body></html>"


def test_layout_lists_what_is_wider_than_its_box():
    dom = layout_dom({"kind": "code", "over": 120, "what": "x = 1"},
                     {"kind": "output", "over": 1, "what": "fits within the slack"},
                     {"kind": "equation", "over": 40, "scrolls": True, "what": "(5.6)#"},
                     {"kind": "equation", "over": 40, "what": "(8.9)#"})
    found = check_pages.layout_problems(dom, 420)
    assert [kind for kind, _ in found] == ["code", "scrolling equation", "equation"]
    assert "at 420 px a code is 120 px wider than its box: 'x = 1'" == found[0][1]
    assert check_pages.layout_totals(dom) == {"code": 1, "output": 1, "equation": 2}


def test_small_figure_text_is_measured_from_the_png(tmp_path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from nnlib import plotting
    fig, ax = plt.subplots(figsize=(4, 3), dpi=100)
    ax.plot([0, 1], [0, 1])
    ax.set_title("a title", fontsize=14)
    ax.tick_params(labelsize=9)                     # the smallest text: 9 pt = 12.5 px at 100 dpi
    (tmp_path / "_images").mkdir()
    (tmp_path / "_images" / "fig.png").write_bytes(plotting._figure_png(fig))
    plt.close(fig)
    assert plotting.smallest_text(fig) == 9
    natural = 400
    assert check_pages.figure_text_px(tmp_path / "_images" / "fig.png", natural, natural) == pytest.approx(12.5)
    dom = layout_dom({"kind": "figure", "src": "../_images/fig.png", "natural": natural, "shown": 340},
                     {"kind": "figure", "src": "../_images/fig.png", "natural": natural, "shown": 200})
    found = check_pages.layout_problems(dom, 1400, tmp_path, "notebooks/page.html")
    assert [k for k, _ in found] == ["small figure text"]           # 10.6 px at 340 is fine, 6.2 px is not
    assert "6.2 px high" in found[0][1] and "'fig.png'" in found[0][1]
    (tmp_path / "_images" / "plain.png").write_bytes((tmp_path / "_images" / "fig.png").read_bytes()[:8])
    assert check_pages.figure_text_px(tmp_path / "_images" / "plain.png", 10, 10) is None


def test_a_page_whose_layout_was_not_measured_is_reported():
    found = check_pages.layout_problems("<html><body><p>no script ran</p></body></html>", 1400)
    assert found and found[0][0] == "page" and "not measured" in found[0][1]


def test_the_layout_script_is_served_with_every_page(tmp_path):
    import urllib.request
    (tmp_path / "page.html").write_text("<html><body><p>hi</p></body></html>")
    (tmp_path / "data.txt").write_text("</body>")
    server, base = check_pages.serve(tmp_path)
    try:
        page = urllib.request.urlopen(base + "page.html").read().decode()
        other = urllib.request.urlopen(base + "data.txt").read().decode()
    finally:
        server.shutdown()
    assert "nnbook-layout" in page and page.endswith("</script></body></html>")
    assert other == "</body>"


def test_the_kinds_named_in_fail_on_overflow_fail_and_the_others_are_counted():
    ci = {"code", "output", "equation", "figure"}
    assert check_pages.fails("code", ci) and check_pages.fails("equation", ci)
    assert check_pages.fails("small figure text", ci)
    assert not check_pages.fails("small figure text", {"code", "equation"})
    assert not check_pages.fails("scrolling equation", ci)
    assert check_pages.fails("page", set())
