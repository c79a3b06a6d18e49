"""Loading a Milvus store: the published documents with their vectors, in memory, searched
through Milvus (`qa.store.milvus_search`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from qa.embedding import Embedder
from qa.errors import IndexCorruptError, IndexError_
from qa.store.index import LoadedIndex, StaleIndex
from qa.store.milvus_connection import MilvusConnection
from qa.store.milvus_schema import (
    FILTER_VALUES,
    FORMAT_VERSION,
    QUERY_WINDOW,
    READ_BATCH,
    READ_TIMEOUT_S,
    paragraph_from_json,
    revision_of,
    word_key,
)
from qa.store.milvus_search import MilvusRankings
from qa.text import content_vocabulary
from qa.types import Document, Paragraph


class MilvusLoad(MilvusConnection):
    """The loading of `qa.store.milvus_store.MilvusStore`."""

    def load(self, corpus_dir: Path, embedder: Embedder, check_corpus: bool = True,
             reuse: LoadedIndex | None = None) -> LoadedIndex:
        """The published documents with their vectors, in memory, searched through Milvus."""
        try:
            meta = self._meta()
        except IndexError_:
            raise
        except Exception as error:
            raise IndexCorruptError(Path(self.spec), f"{type(error).__name__}: "
                                    f"{str(error)[:200]}") from error
        if meta is None:
            raise StaleIndex(f"No index in {self.spec} yet.")
        if meta.get("format_version") != FORMAT_VERSION:
            raise StaleIndex(f"The Milvus store's format {meta.get('format_version')} is not "
                             f"{FORMAT_VERSION}.")
        if meta.get("embedder") != {"id": embedder.id, "dim": embedder.dim}:
            raise StaleIndex(f"The Milvus store was built with embedder {meta.get('embedder')}.")
        if check_corpus and corpus_dir.is_dir():
            missing = self.pending(corpus_dir)
            if missing:
                raise StaleIndex(f"{self.spec} has never held {', '.join(missing[:5])} "
                                 f"from {corpus_dir}.")
        try:
            return self._load_rows(meta, embedder.dim)
        except (IndexCorruptError, StaleIndex):
            raise
        except Exception as error:
            raise IndexCorruptError(Path(self.spec), f"{type(error).__name__}: "
                                    f"{str(error)[:200]}") from error

    def _load_rows(self, meta: dict[str, Any], dim: int) -> LoadedIndex:
        entries = sorted(self._live().values(), key=lambda e: (e.get("path", ""), e["doc"]))
        by_version: dict[str, dict[int, tuple[Paragraph, np.ndarray]]] = {
            e["version"]: {} for e in entries}
        for row in self._rows("paragraphs", entries, ["key", "version", "data", "dense"]):
            number = int(row["key"].rpartition("#")[2])
            entry_doc = row["version"].rpartition("@")[0]
            paragraph = paragraph_from_json(entry_doc, json.loads(row["data"]))
            by_version[row["version"]][number] = (paragraph, np.asarray(row["dense"], np.float32))
        sentence_vectors = {row["key"]: row["dense"] for row in
                            self._rows("sentences", entries, ["key", "dense"])}
        documents, paragraphs, p_vectors, s_vectors, keys = [], [], [], [], {}
        sentence_keys: dict[str, int] = {}  # key → position among the loaded sentences
        for entry in entries:
            found = by_version[entry["version"]]
            if len(found) != entry["paragraphs"]:
                raise IndexCorruptError(Path(self.spec), f"document {entry['doc']} has "
                                        f"{len(found)} of its {entry['paragraphs']} paragraphs")
            own = [found[n][0] for n in sorted(found)]
            documents.append(Document(entry["doc"], entry["title"], entry["path"], tuple(own)))
            for number in sorted(found):
                paragraph, vector = found[number]
                row = len(paragraphs)
                keys[f"{entry['version']}#{number}"] = row
                paragraphs.append(paragraph)
                p_vectors.append(vector)
                for j in range(len(paragraph.sentences)):
                    key = f"{entry['version']}#{number}#{j}"
                    if key not in sentence_vectors:
                        raise IndexCorruptError(Path(self.spec), f"sentence {key} is missing")
                    sentence_keys[key] = len(s_vectors)
                    s_vectors.append(sentence_vectors[key])
        words = sorted(content_vocabulary(p.text for p in paragraphs))
        word_vectors = self._word_vectors(words, dim)
        rows = [(i, j) for i, p in enumerate(paragraphs) for j in range(len(p.sentences))]
        manifest = {**meta, "store": self.spec, "documents": entries,
                    "revision": revision_of((e["doc"], e["version"]) for e in entries),
                    "counts": {"paragraphs": len(paragraphs), "sentences": len(rows),
                               "words": len(words)}}
        return LoadedIndex(manifest, documents, paragraphs, None, _matrix(p_vectors, dim),
                           _matrix(s_vectors, dim), rows, words, word_vectors,
                           rankings=MilvusRankings(self, keys, sentence_keys,
                                                   [row for row, _ in rows]))

    def _rows(self, kind: str, entries: list[dict[str, Any]],
              fields: list[str]) -> Iterator[dict[str, Any]]:
        """The rows of these documents' versions, a few documents per query."""
        size = "paragraphs" if kind == "paragraphs" else "sentences"
        chunk: list[str] = []
        expected = 0
        for entry in [*entries, None]:
            rows = entry.get(size, QUERY_WINDOW) if entry else 0
            if chunk and (entry is None or expected + rows >= QUERY_WINDOW
                          or len(chunk) == FILTER_VALUES):
                versions = json.dumps(chunk, ensure_ascii=False)
                yield from self._scan(self.name(kind), f"version in {versions}", fields,
                                      expected)
                chunk, expected = [], 0
            if entry is not None:
                chunk.append(entry["version"])
                expected += rows

    def _word_vectors(self, words: list[str], dim: int) -> np.ndarray:
        vectors = np.zeros((len(words), dim), np.float32)
        position = {word_key(w): i for i, w in enumerate(words)}
        ids = list(position)
        seen = 0
        for start in range(0, len(ids), READ_BATCH):
            for row in self.client.get(self.name("words"), ids=ids[start:start + READ_BATCH],
                                       output_fields=["key", "dense"],
                                       timeout=READ_TIMEOUT_S):
                vectors[position[row["key"]]] = row["dense"]
                seen += 1
        if seen != len(words):
            raise IndexCorruptError(Path(self.spec), f"{len(words) - seen} word vectors are "
                                    "missing")
        return vectors


def _matrix(vectors: list[Any], dim: int) -> np.ndarray:
    return np.asarray(vectors, np.float32).reshape(len(vectors), dim)
