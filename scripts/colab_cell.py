"""The set-up cell that lets a chapter run on Google Colab, written into every notebook.

Colab opens a single notebook, without the rest of the repository: no `nnlib`, no `data/`. The
second cell of every chapter (right after its title, hidden from the HTML book by the
`remove-cell` tag) clones the repository and installs `nnlib` from it, when, and only when, it
runs on Colab. Anywhere else it does nothing, so the tests and the stored outputs are unchanged.

The repository's address is kept in one place, `repository: url:` in `_config.yml`; this script
copies it into the cell:

    python scripts/colab_cell.py --write      # after changing the address, then re-execute

and tests/test_repository_address.py fails when a notebook's cell differs from what it writes.
"""
import argparse
import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CELL_ID = "colab-setup"
TAGS = ["remove-cell"]


def repository_url():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return config["repository"]["url"].rstrip("/")


def cell_source(url=None):
    url = url or repository_url()
    folder = url.rsplit("/", 1)[-1]
    return f'''# On Google Colab only: fetch the book's repository (code and data) and install nnlib from it.
# Anywhere else (the book installed with `make venv` or `make test`) this cell does nothing.
import sys

if "google.colab" in sys.modules:
    import os, site, subprocess
    if not os.path.isdir("/content/{folder}"):
        subprocess.run(["git", "clone", "--depth", "1", "{url}.git", "/content/{folder}"], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "-e", "/content/{folder}"], check=True)
    site.addsitedir(site.getsitepackages()[0])       # let this running kernel see the new install
    os.chdir("/content/{folder}/notebooks")'''


def notebooks():
    return sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")) + sorted((ROOT / "book").glob("*.ipynb"))


def setup_cell(nb):
    """The notebook's set-up cell, or None."""
    for cell in nb["cells"]:
        if cell.get("id") == CELL_ID:
            return cell
    return None


def with_setup_cell(nb):
    """The notebook with its set-up cell (second, after the title) holding the current source."""
    cell = setup_cell(nb)
    if cell is None:
        cell = {"cell_type": "code", "execution_count": None, "id": CELL_ID, "metadata": {"tags": TAGS},
                "outputs": [], "source": []}
        nb["cells"].insert(1, cell)
    cell["source"] = cell_source().splitlines(keepends=True)
    cell["metadata"]["tags"] = TAGS
    return nb


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="write the cell into every notebook")
    args = parser.parse_args()
    if not args.write:
        print(cell_source())
        return 0
    for path in notebooks():
        text = path.read_text(encoding="utf-8")
        nb = with_setup_cell(json.loads(text))
        new = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
        if new != text:
            tmp = path.with_suffix(".ipynb.tmp")
            tmp.write_text(new, encoding="utf-8")
            tmp.replace(path)                      # atomic: a notebook is never half written
            print(f"updated {path.relative_to(ROOT)} (re-execute it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
