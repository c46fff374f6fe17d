"""The teachers' guide agrees with the chapters: titles, the time table and the course plan."""
import importlib.util
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "book" / "teachers_guide.md"
spec = importlib.util.spec_from_file_location("course_times", ROOT / "scripts" / "course_times.py")
course_times = importlib.util.module_from_spec(spec)
spec.loader.exec_module(course_times)


def chapter_titles():
    titles = {}
    for number, path in enumerate(sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")), start=1):
        first = "".join(json.loads(path.read_text(encoding="utf-8"))["cells"][0]["source"])
        titles[number] = re.search(r"^# (.+)$", first, re.M).group(1).strip()
    return titles


def section(text, heading):
    return text.split(heading, 1)[1].split("\n## ", 1)[0]


def test_the_time_table_is_what_the_script_writes_now():
    text = GUIDE.read_text(encoding="utf-8")
    assert course_times.guide_with_table(text) == text, (
        "book/teachers_guide.md: the table of chapter times is out of date (a chapter changed or was "
        "re-executed); run `python scripts/course_times.py --write`")


def test_the_paces_in_the_prose_are_the_scripts():
    text = " ".join(section(GUIDE.read_text(encoding="utf-8"), "## How long each chapter takes").split())
    c = course_times
    for phrase in (f"prose at {c.WORDS_PER_MIN[0]} words a minute", f"{c.MIN_PER_EQUATION[0]} minutes per display equation",
                   f"code at {c.CODE_LINES_PER_MIN[0]} lines a minute", f"together ({c.FIRST_EXERCISE_MIN[0]} minutes)",
                   f"{c.WORDS_PER_MIN[1]} words and {c.CODE_LINES_PER_MIN[1]} lines of code a minute",
                   f"{c.MIN_PER_EQUATION[1]} minute per equation"):
        assert phrase in text, f"the guide should state the script's pace: {phrase!r}"


def test_objectives_name_every_chapter_by_its_title():
    rows = re.findall(r"^\| (\d+)\. ([^|]+?) \|", section(GUIDE.read_text(encoding="utf-8"),
                                                          "## Learning objectives per chapter"), re.M)
    assert {int(n): t for n, t in rows} == chapter_titles()


def test_the_course_plan_quotes_each_chapters_class_time():
    text = GUIDE.read_text(encoding="utf-8")
    in_class = {int(n): h for n, h in re.findall(r"^\| (\d+)\. .*? \| ([\d.]+ h) \| [\d.]+ h \|$",
                                                 section(text, "## How long each chapter takes"), re.M)}
    assert sorted(in_class) == list(range(1, 13))
    plan = re.findall(r"^\| (\d+) \| (.+?) \| ([\d.]+ h) \| .+ \|$", section(text, "## A 12-session course plan"), re.M)
    assert len(plan) == 12
    for session, content, hours in plan:
        chapters = [int(n) for n in re.findall(r"[Cc]hapter (\d+)", content)]
        assert len(chapters) == 1, f"session {session} should name one chapter: {content!r}"
        assert hours == in_class[chapters[0]], (f"session {session} gives chapter {chapters[0]} {hours} in class, "
                                                f"the time table {in_class[chapters[0]]}")


def test_the_table_parses_a_notebook_and_refuses_one_never_executed(tmp_path):
    nb = {"cells": [{"cell_type": "markdown", "source": ["# A title\n", "Two words $x = 1$ `code`.\n\n$$\ny\n$$"]},
                    {"cell_type": "code", "source": ["a = 1\n", "b = 2"], "metadata": {"execution": {
                        "iopub.execute_input": "2026-01-01T00:00:00.000Z",
                        "shell.execute_reply": "2026-01-01T00:01:30.000Z"}}}]}
    path = tmp_path / "01_x.ipynb"
    path.write_text(json.dumps(nb))
    assert course_times.chapter_figures(path) == ("A title", 4, 1, 2, 90.0)
    del nb["cells"][1]["metadata"]["execution"]
    path.write_text(json.dumps(nb))
    try:
        course_times.chapter_figures(path)
    except ValueError as err:
        assert "make execute" in str(err)
    else:
        raise AssertionError("a notebook without execution times must be refused")
