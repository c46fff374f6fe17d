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


# The list in book/bibliography.md: labelled "Nielsen 2015" (as the text cites), not "[1]".
from pybtex.plugin import register_plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle


class AuthorYearLabelStyle(BaseLabelStyle):
    def format_labels(self, sorted_entries):
        for entry in sorted_entries:
            people = entry.persons.get("author") or entry.persons.get("editor") or []
            names = [" ".join(p.last_names) for p in people]
            who = names[0] if len(names) == 1 else (" and ".join(names) if len(names) == 2 else f"{names[0]} et al.")
            yield f"{who} {entry.fields.get('year', '')}".strip()


class AuthorYearListStyle(PlainStyle):
    default_label_style = "nnbook_author_year"
    default_sorting_style = "author_year_title"


register_plugin("pybtex.style.labels", "nnbook_author_year", AuthorYearLabelStyle)
register_plugin("pybtex.style.formatting", "nnbook_plain", AuthorYearListStyle)
