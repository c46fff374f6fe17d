"""The repository's address lives in `_config.yml` alone; the Colab set-up cells are copies the
script writes (scripts/colab_cell.py), and every page that mentions publishing says it honestly."""
import importlib.util
import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("colab_cell", ROOT / "scripts" / "colab_cell.py")
colab_cell = importlib.util.module_from_spec(spec)
spec.loader.exec_module(colab_cell)


def tracked_files():
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [ROOT / name for name in out.splitlines() if (ROOT / name).is_file()]


def test_every_notebook_has_the_current_colab_cell_second():
    for path in colab_cell.notebooks():
        nb = json.loads(path.read_text(encoding="utf-8"))
        cell = colab_cell.setup_cell(nb)
        assert cell is not None and nb["cells"].index(cell) == 1, (
            f"{path.name} has no Colab set-up cell after its title; run `python scripts/colab_cell.py --write`")
        assert "".join(cell["source"]) == colab_cell.cell_source(), (
            f"{path.name}: the Colab cell is not the one scripts/colab_cell.py writes for the address in "
            "_config.yml; run `python scripts/colab_cell.py --write` and re-execute the notebook")
        assert cell["metadata"].get("tags") == ["remove-cell"]
        assert not cell.get("outputs"), f"{path.name}: the Colab cell must print nothing outside Colab"


def test_the_address_is_written_in_config_only():
    url = colab_cell.repository_url()
    host_path = url.split("://", 1)[-1]
    found = []
    for path in tracked_files():
        if path.name == "_config.yml" or path.suffix in {".png", ".gz", ".npz", ".jpg"}:
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        if path.suffix == ".ipynb":
            nb = json.loads(text)
            text = json.dumps([c for c in nb["cells"] if c.get("id") != colab_cell.CELL_ID])
        if host_path in text:
            found.append(str(path.relative_to(ROOT)))
    assert not found, (f"the repository address {url} is written in {found}: keep it in _config.yml "
                       "(`repository: url:`) and refer to it from there")


def test_the_cell_is_built_from_the_given_address():
    source = colab_cell.cell_source("https://example.org/someone/a-book")
    assert '"https://example.org/someone/a-book.git", "/content/a-book"' in source
    assert 'if "google.colab" in sys.modules:' in source
    compile(source, "colab-setup", "exec")
