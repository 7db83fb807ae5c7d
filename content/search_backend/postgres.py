"""PostgreSQL: each language indexed and searched with its own text-search configuration."""

from __future__ import annotations

import copy
from collections import defaultdict
from typing import Any

from django.utils import translation
from modelsearch.backends.database.postgres.postgres import (
    PostgresIndex,
    PostgresSearchBackend,
    PostgresSearchQueryCompiler,
)

from . import object_language, search_config_for


class LanguagePostgresIndex(PostgresIndex):
    """Indexes each language's objects with that language's configuration."""

    def add_items(self, model: type, objs: Any) -> None:
        by_config: dict[str, list[Any]] = defaultdict(list)
        for obj in objs:
            by_config[search_config_for(object_language(obj))].append(obj)
        for config, group in by_config.items():
            # Wagtail's indexer reads the configuration from the backend it is given.
            backend = copy.copy(self.backend)
            backend.config = config
            PostgresIndex(backend).add_items(model, group)


class LanguagePostgresQueryCompiler(PostgresSearchQueryCompiler):
    def get_config(self, backend: Any) -> str:
        return search_config_for(translation.get_language())


class LanguagePostgresSearchBackend(PostgresSearchBackend):
    index_class = LanguagePostgresIndex
    query_compiler_class = LanguagePostgresQueryCompiler
