"""Wagtail's database search backend, made language-aware on PostgreSQL and SQLite alike.

Wired in ``WAGTAILSEARCH_BACKENDS`` (``portal/settings/base.py``). Wagtail's backend indexes every
page with one PostgreSQL configuration (so English pages were stemmed as Dutch) and, on SQLite,
stores words as they are written (so "partner" and "partners" found different pages on the
embedded default). Here:

- each object is indexed in the language of its locale (``Page.locale``; objects without one
  in the site's default language) and a search is run in the active language;
- on PostgreSQL that language picks the text-search configuration (``dutch``, ``english``);
- on SQLite the same Snowball stemmers stem the words before FTS5 stores them, and the query's
  words before FTS5 matches them. ``dutch_porter`` is the algorithm PostgreSQL's ``dutch``
  configuration uses, so both databases reduce a Dutch word to the same stem.

A database indexed before this backend holds unstemmed words: run ``manage.py update_index``.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from typing import Any

import snowballstemmer
from django.conf import settings
from modelsearch.backends.database import SearchBackend as modelsearch_backend

# Language code (its primary part) → (PostgreSQL configuration, Snowball algorithm).
DEFAULT_LANGUAGES: dict[str, tuple[str, str]] = {
    "nl": ("dutch", "dutch_porter"),
    "en": ("english", "english"),
}

# Words as FTS5's default tokenizer (unicode61) sees them: letters and digits, nothing else.
_WORD = re.compile(r"[^\W_]+")


def _languages() -> dict[str, tuple[str, str]]:
    params = settings.WAGTAILSEARCH_BACKENDS.get("default", {})
    return {**DEFAULT_LANGUAGES, **params.get("LANGUAGES", {})}


def _primary(language_code: str | None) -> str:
    code = (language_code or settings.LANGUAGE_CODE).lower()
    primary = code.split("-")[0].split("_")[0]
    return primary if primary in _languages() else settings.LANGUAGE_CODE.split("-")[0]


def search_config_for(language_code: str | None) -> str:
    """The PostgreSQL text-search configuration for a language ('dutch' for 'nl-be')."""
    return _languages()[_primary(language_code)][0]


def object_language(obj: Any) -> str:
    """The language an object is written in: its locale's, or the site's default language."""
    locale = getattr(obj, "locale", None)
    code = getattr(locale, "language_code", None)
    return code or settings.LANGUAGE_CODE


_per_thread = threading.local()


def _stemmer(algorithm: str) -> Any:
    """One stemmer per thread and language: a Snowball stemmer keeps state while it works."""
    stemmers = _per_thread.__dict__.setdefault("stemmers", {})
    if algorithm not in stemmers:
        stemmers[algorithm] = snowballstemmer.stemmer(algorithm)
    return stemmers[algorithm]


def _fold(word: str) -> str:
    """Lower case without diacritics, as FTS5's unicode61 tokenizer stores a word."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def stem_text(text: str, language_code: str | None) -> str:
    """``text`` as the stems of its words, in order, separated by spaces."""
    words = [_fold(word) for word in _WORD.findall(text)]
    if not words:
        return ""
    algorithm = _languages()[_primary(language_code)][1]
    return " ".join(_stemmer(algorithm).stemWords(words))


def SearchBackend(params: dict[str, Any]) -> Any:
    """The backend for the default database, as Wagtail's own factory chooses it.

    The vendor modules are imported only for their own database: modelsearch defines the SQLite
    full-text model only on SQLite.
    """
    chosen = modelsearch_backend(params)
    name = type(chosen).__name__
    if name == "PostgresSearchBackend":
        from .postgres import LanguagePostgresSearchBackend

        return LanguagePostgresSearchBackend(params)
    if name == "SQLiteSearchBackend":
        from .sqlite import StemmingSQLiteSearchBackend

        return StemmingSQLiteSearchBackend(params)
    # MySQL, or SQLite without FTS5: Wagtail's own, without language awareness.
    return chosen
