"""List every figure of the book that the notebook tests compare within a tolerance.

Most outputs are compared exactly; the cells that print figures of a long training declare them
in their metadata ("nnbook": {"tolerance": [...]}, see conftest.py). This prints one line per
rule: notebook, cell, tolerance, what the pattern matches in the stored output, and why.

    .venv/bin/python scripts/list_tolerances.py [--markdown]
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from conftest import describe_tolerance, tolerance_rules  # noqa: E402  (the rules are checked where nbval reads them)


def stored_text(cell):
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append("".join(out["text"]))
        parts.append("".join(out.get("data", {}).get("text/plain", "")))
    return "".join(parts)


def main():
    markdown = "--markdown" in sys.argv[1:]
    paths = sorted(ROOT.glob("notebooks/*.ipynb")) + sorted(ROOT.glob("book/*.ipynb"))
    if markdown:
        print("| notebook | cell | figure (first match) | matches | tolerance | why |\n|---|---|---|---|---|---|")
    total = 0
    for path in paths:
        nb = json.loads(path.read_text(encoding="utf-8"))
        for index, cell in enumerate(nb["cells"]):
            for pattern, abs_tol, rel_tol, rule in tolerance_rules(cell):
                matches = list(pattern.finditer(stored_text(cell)))
                first = " ".join(matches[0].group(0).split()) if matches else "(none)"
                tol = describe_tolerance(rule)
                total += 1
                if markdown:
                    print(f"| {path.name} | {index} | `{first}` | {len(matches)} | {tol} | {rule['why']} |")
                else:
                    print(f"{path.name} cell {index}: {first!r} ({len(matches)} matches) {tol}: {rule['why']}")
    print(f"\n{total} tolerance rules" if not markdown else "")


if __name__ == "__main__":
    main()
