"""Sphinx extension for the book: author-year citations in round brackets.

sphinxcontrib-bibtex's ``author_year`` style writes "[Nielsen, 2015]" and "Nielsen [2015]".
This registers ``author_year_round``, the same style with round brackets, so that
{cite:p}`nielsen2015` reads "(Nielsen, 2015)" and {cite:t}`nielsen2015` "Nielsen (2015)".
Loaded through ``sphinx.local_extensions`` in _config.yml.
"""

import dataclasses

import sphinxcontrib.bibtex.plugin
from sphinxcontrib.bibtex.style.referencing import BracketStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle


def _round() -> BracketStyle:
    return BracketStyle(left="(", right=")")


@dataclasses.dataclass
class RoundAuthorYearStyle(AuthorYearReferenceStyle):
    bracket_parenthetical: BracketStyle = dataclasses.field(default_factory=_round)
    bracket_textual: BracketStyle = dataclasses.field(default_factory=_round)
    bracket_author: BracketStyle = dataclasses.field(default_factory=_round)
    bracket_label: BracketStyle = dataclasses.field(default_factory=_round)
    bracket_year: BracketStyle = dataclasses.field(default_factory=_round)


sphinxcontrib.bibtex.plugin.register_plugin(
    "sphinxcontrib.bibtex.style.referencing", "author_year_round", RoundAuthorYearStyle)


def setup(app):
    return {"parallel_read_safe": True, "parallel_write_safe": True}
