"""Project-wide pytest hooks (tests/, notebooks/ and book/ alike).

FER-2013 cannot be redistributed, so every test file or notebook with ``fer2013`` in its name
is skipped, with the reason printed, unless the environment variable ``FER2013_DIR`` names a
folder (the one that holds ``train/`` and ``test/``). This works for plain tests and for the
cells that nbval collects from a notebook. CI sets ``NNBOOK_REQUIRE_FER2013=1`` so that a
missing data set fails instead of silently skipping.
"""

import os
from pathlib import Path

import pytest

FER2013_ENV = "FER2013_DIR"
REQUIRE_ENV = "NNBOOK_REQUIRE_FER2013"


def needs_fer2013(path) -> bool:
    """True for any file whose name mentions fer2013, e.g. notebooks/12_emotion_cnn_fer2013.ipynb."""
    return "fer2013" in Path(str(path)).name.lower()


def fer2013_problem():
    """None when FER2013_DIR names a folder, else a sentence saying what is wrong and what to do."""
    value = os.environ.get(FER2013_ENV, "")
    if not value:
        what = f"{FER2013_ENV} is not set"
    elif not Path(value).is_dir():
        what = f"{FER2013_ENV}={value!r} is not a directory"
    else:
        return None
    return (
        f"needs FER-2013 but {what}: set {FER2013_ENV} to the folder holding train/ and test/ "
        "(one subfolder per emotion); see README.md, section 'Data'"
    )


def pytest_report_header(config):
    problem = fer2013_problem()
    status = "found" if problem is None else "not available, FER-2013 tests are skipped"
    return f"FER-2013: {FER2013_ENV}={os.environ.get(FER2013_ENV, '')!r} ({status})"


def pytest_collection_modifyitems(config, items):
    problem = fer2013_problem()
    if problem is None:
        return
    require = os.environ.get(REQUIRE_ENV, "") not in ("", "0")
    for item in items:
        if needs_fer2013(item.path):
            if require:
                raise pytest.UsageError(f"{item.path.name} {problem} ({REQUIRE_ENV} is set)")
            item.add_marker(pytest.mark.skip(reason=f"{item.path.name} {problem}"))


def _hypothesis_profile():
    """Under CI: derandomized examples and no per-example deadline (shared, slow runners)."""
    try:
        from hypothesis import settings
    except ImportError:
        return
    settings.register_profile("nnbook-ci", derandomize=True, deadline=None, print_blob=True)
    if os.environ.get("CI"):
        settings.load_profile("nnbook-ci")


_hypothesis_profile()
