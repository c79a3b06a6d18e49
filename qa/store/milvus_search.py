"""The three searches retrieval fuses, as requests to the Milvus store (`qa.store.milvus_store`):
dense paragraphs, dense sentences, and Milvus's own BM25 over the paragraphs' stems.

Hits map back to the rows of the index this process loaded; rows it has not loaded
(unpublished, or newer than its load) are skipped, and more are asked for while they crowd
the cut. Ties are ordered as the index folder orders them (`qa.store.local_search.tie_order`), so
both stores rank alike.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from qa.store.base import Scope
from qa.store.local_search import CANDIDATES, SENTENCE_FACTOR, SLACK, first_rows, tie_order
from qa.store.milvus_connection import MilvusConnection
from qa.store.milvus_schema import QUERY_WINDOW, READ_TIMEOUT_S, lexical_text


class MilvusRankings:
    """The `qa.store.Rankings` of one loaded Milvus index."""

    def __init__(self, store: MilvusConnection, paragraph_rows: dict[str, int],
                 sentence_ids: dict[str, int], sentence_paragraph: list[int]) -> None:
        self.store = store
        self.paragraph_rows = paragraph_rows
        self.sentence_ids = sentence_ids
        self.sentence_paragraph = sentence_paragraph

    def paragraphs(self, vector: np.ndarray, scope: Scope | None = None) -> list[int]:
        hits = self._search("paragraphs", vector.tolist(), "dense", "IP", CANDIDATES, scope)
        return tie_order((self.paragraph_rows[k], d) for k, d in hits)[:CANDIDATES]

    def sentences(self, vector: np.ndarray, scope: Scope | None = None) -> list[int]:
        wanted = CANDIDATES * SENTENCE_FACTOR
        hits = self._search("sentences", vector.tolist(), "dense", "IP", wanted, scope)
        order = tie_order((self.sentence_ids[k], d) for k, d in hits)[:wanted]
        return first_rows((self.sentence_paragraph[s] for s in order), CANDIDATES)

    def lexical(self, text: str, scope: Scope | None = None) -> list[int]:
        query = lexical_text(text)
        if not query:
            return []
        hits = self._search("paragraphs", query, "sparse", "BM25", CANDIDATES, scope)
        return tie_order((self.paragraph_rows[k], d) for k, d in hits)[:CANDIDATES]

    def _search(self, kind: str, data: Any, field: str, metric: str, limit: int,
                scope: Scope | None) -> list[tuple[str, float]]:
        """(key, distance) of the best hits this process has loaded, best first: at least
        `limit` + SLACK of them where there are, asking for more while rows it has not
        loaded crowd them out."""
        known = self.sentence_ids if kind == "sentences" else self.paragraph_rows
        if scope is not None and not scope:
            return []  # nothing may be read: no request at all
        wanted = limit + SLACK
        while True:
            found = self.store.client.search(
                self.store.name(kind), data=[data], anns_field=field, limit=wanted,
                filter=scope_filter(scope), output_fields=["key"],
                search_params={"metric_type": metric}, timeout=READ_TIMEOUT_S)[0]
            hits = [(hit["entity"]["key"] if "entity" in hit else hit["key"],
                     float(hit["distance"])) for hit in found]
            loaded = [(key, distance) for key, distance in hits if key in known]
            if len(loaded) >= limit + SLACK or len(hits) < wanted or wanted >= QUERY_WINDOW:
                return loaded
            wanted = min(QUERY_WINDOW, wanted * 2)


def scope_filter(scope: Scope | None) -> str:
    """Milvus's boolean expression for "a paragraph of these documents" ("" for every one);
    the ids are JSON strings, so quotes and backslashes in them cannot end the expression."""
    if scope is None:
        return ""
    return f"doc in [{', '.join(json.dumps(d) for d in sorted(scope))}]"
