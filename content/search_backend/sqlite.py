"""SQLite: FTS5 stores and matches Snowball stems, in the object's and the reader's language."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.functional import cached_property
from modelsearch.backends.database.sqlite.sqlite import (
    IndexEntry,
    ObjectIndexer,
    SQLiteIndex,
    SQLiteSearchBackend,
    SQLiteSearchQueryCompiler,
)
from modelsearch.query import Phrase, PlainText
from modelsearch.utils import get_content_type_pk

from . import object_language, stem_text


class StemmingObjectIndexer(ObjectIndexer):
    """Title and body as stems; autocomplete keeps the words (it matches prefixes)."""

    @cached_property
    def title(self) -> str:
        return stem_text(ObjectIndexer.title.func(self), object_language(self.obj))

    @cached_property
    def body(self) -> str:
        return stem_text(ObjectIndexer.body.func(self), object_language(self.obj))


class StemmingSQLiteIndex(SQLiteIndex):
    def add_items(self, model: type, objs: Any) -> None:
        # modelsearch's SQLiteIndex.add_items (Wagtail 8.0), with the stemming indexer.
        if not model.get_search_fields():
            return
        indexers = [StemmingObjectIndexer(obj, self.backend) for obj in objs]
        if not indexers:
            return
        content_type_pk = get_content_type_pk(model)
        data = {
            indexer.id: (indexer.title, indexer.autocomplete, indexer.body) for indexer in indexers
        }
        entries = self.entries.filter(content_type_id=content_type_pk)
        indexed = frozenset(
            entries.filter(object_id__in=data.keys()).values_list("object_id", flat=True)
        )
        for object_id in indexed:
            title, autocomplete, body = data[object_id]
            entries.filter(object_id=object_id).update(
                title=title, autocomplete=autocomplete, body=body
            )
        self.entries.bulk_create(
            IndexEntry(
                content_type_id=content_type_pk,
                object_id=object_id,
                title=title,
                autocomplete=autocomplete,
                body=body,
            )
            for object_id, (title, autocomplete, body) in data.items()
            if object_id not in indexed
        )
        self._refresh_title_norms()


class StemmingSQLiteQueryCompiler(SQLiteSearchQueryCompiler):
    def build_search_query_content(self, query: Any, config: Any = None) -> Any:
        language = translation.get_language()
        if isinstance(query, PlainText):
            stems = stem_text(query.query_string, language)
            query = PlainText(stems, operator=query.operator, boost=query.boost)
        elif isinstance(query, Phrase):
            query = Phrase(stem_text(query.query_string, language))
        return super().build_search_query_content(query, config=config)


class StemmingSQLiteSearchBackend(SQLiteSearchBackend):
    index_class = StemmingSQLiteIndex
    query_compiler_class = StemmingSQLiteQueryCompiler
