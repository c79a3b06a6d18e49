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
from qa.store.index import LoadedIndex, StaleIndex, sentence_rows
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
            return self._load_rows(meta, embedder.dim, reuse)
        except (IndexCorruptError, StaleIndex):
            raise
        except Exception as error:
            raise IndexCorruptError(Path(self.spec), f"{type(error).__name__}: "
                                    f"{str(error)[:200]}") from error

    def _load_rows(self, meta: dict[str, Any], dim: int,
                   reuse: LoadedIndex | None = None) -> LoadedIndex:
        """Every live document, its paragraphs and vectors; those `reuse` (the index served
        until now, from this store) holds at the same version are taken from it, so a change
        to the library fetches only the changed documents' rows."""
        entries = sorted(self._live().values(), key=lambda e: (e.get("path", ""), e["doc"]))
        held = _held(reuse, self.spec)
        fetch = [e for e in entries if e["version"] not in held]
        by_version: dict[str, dict[int, tuple[Paragraph, np.ndarray]]] = {
            e["version"]: {} for e in fetch}
        for row in self._rows("paragraphs", fetch, ["key", "version", "data", "dense"]):
            number = int(row["key"].rpartition("#")[2])
            entry_doc = row["version"].rpartition("@")[0]
            paragraph = paragraph_from_json(entry_doc, json.loads(row["data"]))
            by_version[row["version"]][number] = (paragraph, np.asarray(row["dense"], np.float32))
        sentence_vectors = {row["key"]: row["dense"] for row in
                            self._rows("sentences", fetch, ["key", "dense"])}
        documents, p_parts, s_parts = [], [], []
        for entry in entries:
            if entry["version"] in held:
                document, p_rows, s_rows = held[entry["version"]]
                documents.append(document)
                p_parts.append(p_rows)
                s_parts.append(s_rows)
                continue
            found = by_version[entry["version"]]
            if len(found) != entry["paragraphs"]:
                raise IndexCorruptError(Path(self.spec), f"document {entry['doc']} has "
                                        f"{len(found)} of its {entry['paragraphs']} paragraphs")
            own = [found[n][0] for n in sorted(found)]
            documents.append(Document(entry["doc"], entry["title"], entry["path"], tuple(own)))
            p_parts.append(_matrix([found[n][1] for n in sorted(found)], dim))
            s_parts.append(_matrix(self._sentences_of(entry["version"], sorted(found), own,
                                                      sentence_vectors), dim))
        paragraphs = [p for d in documents for p in d.paragraphs]
        keys: dict[str, int] = {}  # "version#number" → paragraph row
        sentence_keys: dict[str, int] = {}  # "version#number#j" → sentence row
        for entry, document in zip(entries, documents, strict=True):
            for paragraph in document.paragraphs:
                keys[f"{entry['version']}#{paragraph.number}"] = len(keys)
                for j in range(len(paragraph.sentences)):
                    sentence_keys[f"{entry['version']}#{paragraph.number}#{j}"] = \
                        len(sentence_keys)
        words = sorted(content_vocabulary(p.text for p in paragraphs))
        word_vectors = self._word_vectors(words, dim, reuse)
        rows = sentence_rows(paragraphs)
        manifest = {**meta, "store": self.spec, "documents": entries,
                    "revision": revision_of((e["doc"], e["version"]) for e in entries),
                    "counts": {"paragraphs": len(paragraphs), "sentences": len(rows),
                               "words": len(words)}}
        return LoadedIndex(manifest, documents, paragraphs, None, _stack(p_parts, dim),
                           _stack(s_parts, dim), rows, words, word_vectors,
                           rankings=MilvusRankings(self, keys, sentence_keys,
                                                   [row for row, _ in rows]))

    def _sentences_of(self, version: str, numbers: list[int], own: list[Paragraph],
                      vectors: dict[str, Any]) -> list[Any]:
        """The sentence vectors of one fetched document version, in reading order."""
        out = []
        for number, paragraph in zip(numbers, own, strict=True):
            for j in range(len(paragraph.sentences)):
                key = f"{version}#{number}#{j}"
                if key not in vectors:
                    raise IndexCorruptError(Path(self.spec), f"sentence {key} is missing")
                out.append(vectors[key])
        return out

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

    def _word_vectors(self, words: list[str], dim: int,
                      reuse: LoadedIndex | None = None) -> np.ndarray:
        """The words' vectors: those `reuse` holds copied, the rest read from the store."""
        vectors = np.zeros((len(words), dim), np.float32)
        known = ({w: i for i, w in enumerate(reuse.words)}
                 if reuse is not None and reuse.manifest.get("store") == self.spec else {})
        position: dict[str, int] = {}
        for i, word in enumerate(words):
            if word in known:
                vectors[i] = reuse.word_vectors[known[word]]  # type: ignore[union-attr]
            else:
                position[word_key(word)] = i
        ids = list(position)
        seen = 0
        for start in range(0, len(ids), READ_BATCH):
            for row in self.client.get(self.name("words"), ids=ids[start:start + READ_BATCH],
                                       output_fields=["key", "dense"],
                                       timeout=READ_TIMEOUT_S):
                vectors[position[row["key"]]] = row["dense"]
                seen += 1
        if seen != len(ids):
            raise IndexCorruptError(Path(self.spec), f"{len(ids) - seen} word vectors are "
                                    "missing")
        return vectors


def _matrix(vectors: list[Any], dim: int) -> np.ndarray:
    return np.asarray(vectors, np.float32).reshape(len(vectors), dim)


def _stack(parts: list[np.ndarray], dim: int) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros((0, dim), np.float32)


def _held(index: LoadedIndex | None, spec: str
          ) -> dict[str, tuple[Document, np.ndarray, np.ndarray]]:
    """What an index loaded from the store `spec` holds, by document version: the document
    and its paragraph and sentence vectors."""
    if index is None or index.manifest.get("store") != spec:
        return {}
    held, row = {}, 0
    for entry, document in zip(index.manifest["documents"], index.documents, strict=True):
        count = len(document.paragraphs)
        first = index.sentence_offsets[row] if count else 0
        sentences = sum(len(p.sentences) for p in document.paragraphs)
        held[entry["version"]] = (document, np.asarray(index.paragraph_vectors[row:row + count]),
                                  np.asarray(index.sentence_vectors[first:first + sentences]))
        row += count
    return held
