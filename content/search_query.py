"""What a visitor's search query *is*: its words and its page number.

One definition for the search view (``content.views.search``) and the anonymous page cache
(``content.cache``): the cache keys a stored results page on exactly what the view renders from,
so two spellings of the same query ("Geweld!", "geweld") are one entry only because the view
renders them identically. No model is imported here: ``content.cache`` is imported while the
page models load.
"""

from __future__ import annotations

import re

# The form's maxlength; a longer query (a hand-made URL) is cut to this before its words are read.
MAX_QUERY_LENGTH = 200
MAX_WORDS = 20
# Letters, digits, hyphens and underscores, with at least one letter or digit: a lone "-" or "_"
# stems to nothing, and an empty full-text query is an error in the backend, not "no results".
_WORD = re.compile(r"[\w-]*[^\W_][\w-]*")


def search_terms(query: str) -> list[str]:
    """The words of a visitor's query, without punctuation or search-syntax characters.

    Only words reach the search backend: quotes and operators would be query syntax there
    (SQLite FTS5 answers a stray quote with an error, not with "no results").
    """
    return _WORD.findall(query)[:MAX_WORDS]


def normalised_query(raw: str) -> str:
    """The query as the results page shows and searches it: its words, lower-cased, one space
    apart. Both backends match case-insensitively (PostgreSQL's configurations and FTS5 fold
    case), so lower-casing changes no result; it only makes equal queries equal strings."""
    return " ".join(search_terms(raw.strip()[:MAX_QUERY_LENGTH])).lower()


def page_number(raw: str | None) -> int | None:
    """``pagina`` as a whole number, or None when it is absent or not digits (the view then
    shows the first page, as ``Paginator.get_page`` does)."""
    if raw is None or not raw.isascii() or not raw.isdigit():
        return None
    return int(raw)
