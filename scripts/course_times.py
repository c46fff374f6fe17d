"""Class and self-study time of each chapter, from what the chapter holds and how long it runs.

The teachers' guide (book/teachers_guide.md) quotes these figures; its table between the
markers `<!-- course-times:start -->` and `<!-- course-times:end -->` is written by

    python scripts/course_times.py --write

and tests/test_teachers_guide.py fails when it is out of date (after a chapter grows or is
re-executed). The estimate is the sum of

- reading: the words of the chapter's prose (math and code spans left out) at a stated pace;
- equations: a stated time per display equation (derivations are worked through in class);
- code: the logical lines of its code cells (a statement wrapped over several lines to fit the
  page counts once) at a stated pace (read, run, talked about);
- running: the measured run time of the notebook, from the execution timestamps that
  `jupyter nbconvert --execute` stores in every cell (the stored run, on the machine that
  built the book: a reader's machine may be faster or slower);
- in class only, the first exercise, done together.

The paces are estimates, not measurements of students; change them here if your class is
faster or slower, and re-run the script.
"""
import argparse
import io
import json
import re
import sys
import tokenize
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "book" / "teachers_guide.md"
START, END = "<!-- course-times:start -->", "<!-- course-times:end -->"

# Paces: (in class, alone).
WORDS_PER_MIN = (60, 150)          # prose: explained and discussed in class, read alone
CODE_LINES_PER_MIN = (8, 20)       # code: read, run and talked about
MIN_PER_EQUATION = (2, 1)          # display equations, derivations worked through
FIRST_EXERCISE_MIN = (15, 0)       # the first exercise is done in class, together

CODE_OR_MATH = re.compile(r"```.*?```|`[^`\n]*`|\$\$.*?\$\$|\$[^$\n]+\$", re.S)


def run_seconds(nb):
    """Seconds from the first cell's start to the last cell's reply in the stored run."""
    stamps = []
    for cell in nb["cells"]:
        execution = cell.get("metadata", {}).get("execution", {})
        stamps += [execution.get("iopub.execute_input"), execution.get("shell.execute_reply")]
    stamps = [datetime.fromisoformat(s.replace("Z", "+00:00")) for s in stamps if s]
    if not stamps:
        raise ValueError("no execution timestamps: execute the notebook with `make execute NB=...` first")
    return (max(stamps) - min(stamps)).total_seconds()


def logical_lines(source):
    """Lines of code as Python counts statements: a call wrapped over five lines is one line."""
    try:
        tokens = tokenize.generate_tokens(io.StringIO(source + "\n").readline)
        return sum(1 for t in tokens if t.type == tokenize.NEWLINE)
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return sum(1 for line in source.splitlines() if line.strip() and not line.lstrip().startswith("#"))


def chapter_figures(path):
    """Title, prose words, display equations, code lines, run seconds of one notebook."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    markdown = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    title = re.search(r"^# (.+)$", markdown, re.M).group(1).strip()
    words = sum(1 for w in CODE_OR_MATH.sub(" ", markdown).split() if re.search(r"[A-Za-z]", w))
    equations = len(re.findall(r"^[ \t]*\$\$", markdown, re.M)) // 2  # also inside a list
    shown = [c for c in nb["cells"] if c["cell_type"] == "code"
             and "remove-cell" not in c.get("metadata", {}).get("tags", [])]   # not the Colab set-up
    code = sum(logical_lines("".join(c["source"])) for c in shown)
    return title, words, equations, code, run_seconds(nb)


def minutes(words, equations, code, seconds, which):
    """Estimated minutes; which = 0 for in class, 1 for alone."""
    return (words / WORDS_PER_MIN[which] + equations * MIN_PER_EQUATION[which]
            + code / CODE_LINES_PER_MIN[which] + seconds / 60 + FIRST_EXERCISE_MIN[which])


def hours(h):
    """Hours, already rounded to a quarter hour, as text: '1.25 h'."""
    return f"{h:g} h"


def run_time(seconds):
    return "under 1 min" if seconds < 60 else f"{round(seconds / 60):d} min"


def table():
    rows = ["| Chapter | Words | Display equations | Code lines | Run time (stored run) | In class | Alone |",
            "|---|---:|---:|---:|---|---:|---:|"]
    totals = [0.0, 0.0]
    for number, path in enumerate(sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")), start=1):
        title, words, equations, code, seconds = chapter_figures(path)
        both = [max(0.25, round(minutes(words, equations, code, seconds, which) / 15) / 4) for which in (0, 1)]
        totals = [t + h for t, h in zip(totals, both)]
        rows.append(f"| {number}. {title} | {words:,} | {equations} | {code} | {run_time(seconds)} "
                    f"| {hours(both[0])} | {hours(both[1])} |")
    rows.append(f"| **All twelve chapters** | | | | | **{hours(totals[0])}** | **{hours(totals[1])}** |")
    return "\n".join(rows)


def guide_with_table(text):
    if START not in text or END not in text:
        raise ValueError(f"{GUIDE.name} has no {START} ... {END} markers for the table")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{table()}\n{END}{tail}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help=f"rewrite the table in {GUIDE.relative_to(ROOT)}")
    args = parser.parse_args()
    if not args.write:
        print(table())
        return 0
    text = GUIDE.read_text(encoding="utf-8")
    new = guide_with_table(text)
    if new != text:
        tmp = GUIDE.with_suffix(".md.tmp")
        tmp.write_text(new, encoding="utf-8")
        tmp.replace(GUIDE)                      # atomic: the guide is never half written
        print(f"updated {GUIDE.relative_to(ROOT)}")
    else:
        print(f"{GUIDE.relative_to(ROOT)} is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
