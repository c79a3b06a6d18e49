"""Writing a Milvus store: add or replace documents (`build`) and remove one, each
document's rows written first and published by one upsert (`qa.store.milvus_schema`)."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np

from qa.documents.corpus import corpus_files, doc_id_for, load_corpus
from qa.embedding import Embedder
from qa.errors import DocumentError
from qa.store.index import BuildReport, StaleIndex
from qa.store.lexical import passage_text
from qa.store.milvus_connection import MilvusConnection
from qa.store.milvus_schema import (
    FORMAT_VERSION,
    MAX_VARCHAR,
    ORPHAN_AGE_S,
    QUERY_WINDOW,
    READ_BATCH,
    READ_TIMEOUT_S,
    WRITE_BATCH,
    WRITE_TIMEOUT_S,
    document_entry,
    ensure_collections,
    lexical_text,
    paragraph_from_json,
    paragraph_json,
    source_hash,
    word_key,
)
from qa.store.vector_cache import embed_cached, text_key
from qa.text import content_vocabulary
from qa.types import Document


class MilvusBuild(MilvusConnection):
    """The writes of `qa.store.milvus_store.MilvusStore`."""

    def build(self, corpus_dir: Path, embedder: Embedder, progress: bool = False,
              only: list[str] | None = None, rebuild: bool = False) -> BuildReport:
        """Add or replace the folder's documents (or only the files named) whose content
        the store lacks; `rebuild` drops a store built by another embedder or format."""
        started = time.perf_counter()
        documents, warnings = load_corpus(corpus_dir)
        files = {doc_id_for(p): p for p in corpus_files(corpus_dir)}
        if only is not None:
            names = set(only)
            documents = [d for d in documents if files[d.doc].name in names]
        with self._write_lock:
            meta = self._meta()
            wanted = {"id": embedder.id, "dim": embedder.dim}
            if meta is not None and (meta.get("format_version") != FORMAT_VERSION
                                     or meta.get("embedder") != wanted):
                if not rebuild:
                    raise StaleIndex(
                        f"{self.spec} was built with embedder {meta.get('embedder')} (format "
                        f"{meta.get('format_version')}); other replicas may be serving it, so "
                        "it is rebuilt only on request: qa build --store … --rebuild")
                self._drop_all()
                meta = None
            ensure_collections(self.client, self.name, embedder.dim)
            self._delete_orphans()
            live = self._live()
            built_at = time.strftime("%Y-%m-%dT%H:%M:%S%z")
            build_id = uuid.uuid4().hex[:8]
            written: list[tuple[Document, dict[str, Any]]] = []
            embedded = paragraphs_embedded = sentences_embedded = 0
            for document in documents:
                entry = document_entry(document, source_hash(files[document.doc]), built_at,
                                       build_id)
                before = live.get(document.doc)
                if before and before["content"] == entry["content"]:
                    if before.get("source") != entry["source"]:  # same text, file renamed
                        written.append((document, {**before, "source": entry["source"],
                                                   "path": entry["path"]}))
                    continue
                counts = self._write_rows(document, entry, before, embedder, progress)
                embedded += counts[0]
                paragraphs_embedded += counts[1]
                sentences_embedded += counts[2]
                written.append((document, entry))
            removed = {d: h for d, h in (meta or {}).get("removed", {}).items()
                       if d not in {doc.doc for doc, _ in written}}
            self._set_meta({"format_version": FORMAT_VERSION, "embedder": wanted,
                            "built_at": built_at if written else (meta or {}).get(
                                "built_at", built_at), "removed": removed})
            self._publish(written, live)
        return self._report(started, embedded, paragraphs_embedded, sentences_embedded,
                            warnings)

    def remove_document(self, doc: str) -> BuildReport:
        """Unpublish one document, remember it as removed, then delete its rows."""
        started = time.perf_counter()
        with self._write_lock:
            entry = self._live().get(doc)
            if entry is None:
                raise DocumentError(f"No document {doc!r} in {self.spec}.")
            self.client.delete(self.name("documents"), ids=[doc], timeout=WRITE_TIMEOUT_S)
            self.client.flush(self.name("documents"), timeout=WRITE_TIMEOUT_S)
            meta = self._meta() or {}
            self._set_meta({**meta, "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                            "removed": {**meta.get("removed", {}), doc: entry["source"]}})
            self._delete_version(entry["version"])
        return self._report(started, 0, 0, 0, [])

    def _report(self, started: float, embedded: int, paragraphs_embedded: int,
                sentences_embedded: int, warnings: list[str]) -> BuildReport:
        """What the store holds now, and what this build embedded (reused: paragraphs and
        sentences it did not embed)."""
        live = self._live()
        paragraphs = sum(e["paragraphs"] for e in live.values())
        sentences = sum(e.get("sentences", 0) for e in live.values())
        reused = paragraphs + sentences - paragraphs_embedded - sentences_embedded
        return BuildReport(len(live), paragraphs, sentences, embedded, reused,
                           time.perf_counter() - started, warnings,
                           paragraphs_embedded=paragraphs_embedded)

    def _delete_orphans(self) -> None:
        """Rows of no published version, written over an hour ago: a dead build's."""
        live = [e["version"] for e in self._live().values()]
        cutoff = int(time.time()) - ORPHAN_AGE_S
        for kind in ("paragraphs", "sentences"):
            self.client.delete(self.name(kind), timeout=WRITE_TIMEOUT_S,
                               filter=f"written < {cutoff} and version not in "
                                      f"{json.dumps(live, ensure_ascii=False)}")

    def _write_rows(self, document: Document, entry: dict[str, Any],
                    before: dict[str, Any] | None, embedder: Embedder,
                    progress: bool) -> tuple[int, int, int]:
        """Insert one document version's rows (not yet published); return how many texts it
        embedded: all (words included), paragraphs, sentences."""
        version = entry["version"]
        written_at = int(time.time())
        cache = self._vectors_of(before) if before else {}
        paragraphs = list(document.paragraphs)
        texts = [passage_text(p) for p in paragraphs]
        rows = []
        for paragraph, text in zip(paragraphs, texts, strict=True):
            data = json.dumps(paragraph_json(paragraph), ensure_ascii=False)
            lexical = lexical_text(text)
            if max(len(data.encode()), len(lexical.encode())) > MAX_VARCHAR:
                raise DocumentError(f"{document.path}: paragraph {paragraph.number} is longer "
                                    "than Milvus stores in one field (64 KB).")
            rows.append({"key": f"{version}#{paragraph.number}", "doc": document.doc,
                         "version": version, "written": written_at, "data": data,
                         "lexical": lexical})
        paragraphs_new = self._write_embedded("paragraphs", rows, texts, embedder, cache,
                                              progress)
        sentences = [(p, j, s.text) for p in paragraphs for j, s in enumerate(p.sentences)]
        sentences_new = self._write_embedded("sentences", [
            {"key": f"{version}#{p.number}#{j}", "doc": document.doc, "version": version,
             "written": written_at} for p, j, _ in sentences],
            [t for _, _, t in sentences], embedder, cache, progress)
        words = sorted(content_vocabulary(p.text for p in paragraphs))
        known = self._words_present(words)
        fresh = [w for w in words if w not in known]
        self._write_embedded("words", [{"key": word_key(w)} for w in fresh], fresh, embedder,
                             {}, False, upsert=True)
        return paragraphs_new + sentences_new + len(fresh), paragraphs_new, sentences_new

    def _write_embedded(self, kind: str, rows: list[dict[str, Any]], texts: list[str],
                        embedder: Embedder, cache: dict[str, np.ndarray], progress: bool,
                        upsert: bool = False) -> int:
        """Insert `rows` with the vectors of `texts` (from `cache` where it has them); return
        how many texts were embedded. A Ray embedder building a Milvus server's store embeds
        and inserts in its actors: nothing but counts comes back here."""
        writes_itself = getattr(embedder, "write_rows", None)
        if writes_itself is not None and self.uri.startswith("http"):
            keys = [text_key(t) for t in texts]
            self._insert(kind, [dict(row, dense=cache[key].tolist()) for row, key
                                in zip(rows, keys, strict=True) if key in cache], upsert)
            rest = [i for i, key in enumerate(keys) if key not in cache]
            return int(writes_itself(self.uri, self.name(kind), [rows[i] for i in rest],
                                     [texts[i] for i in rest], upsert, progress, kind))
        if not texts:
            return 0
        vectors, reused = embed_cached(texts, embedder, cache, progress, kind)
        self._insert(kind, [dict(row, dense=vector.tolist())
                            for row, vector in zip(rows, vectors, strict=True)], upsert)
        return len(texts) - reused

    def _publish(self, written: list[tuple[Document, dict[str, Any]]],
                 live: dict[str, dict[str, Any]]) -> None:
        """Make the written versions live (one upsert per document), then drop the rows of
        the versions they replaced."""
        for kind in ("paragraphs", "sentences", "words"):
            self.client.flush(self.name(kind), timeout=WRITE_TIMEOUT_S)
        if written:
            self.client.upsert(self.name("documents"), timeout=WRITE_TIMEOUT_S, data=[
                {"key": document.doc, "version": entry["version"],
                 "value": json.dumps(entry, ensure_ascii=False), "unused": [0.0, 0.0]}
                for document, entry in written])
            self.client.flush(self.name("documents"), timeout=WRITE_TIMEOUT_S)
        for document, entry in written:
            old = live.get(document.doc)
            if old and old["version"] != entry["version"]:
                self._delete_version(old["version"])

    def _set_meta(self, meta: dict[str, Any]) -> None:
        self.client.upsert(self.name("meta"), [{"key": "index", "value": json.dumps(meta),
                                                "unused": [0.0, 0.0]}],
                           timeout=WRITE_TIMEOUT_S)
        self.client.flush(self.name("meta"), timeout=WRITE_TIMEOUT_S)

    def _insert(self, kind: str, rows: list[dict[str, Any]], upsert: bool = False) -> None:
        write = self.client.upsert if upsert else self.client.insert
        for start in range(0, len(rows), WRITE_BATCH):
            write(self.name(kind), rows[start:start + WRITE_BATCH], timeout=WRITE_TIMEOUT_S)

    def _delete_version(self, version: str) -> None:
        for kind in ("paragraphs", "sentences"):
            self.client.delete(self.name(kind), filter=f"version == {json.dumps(version)}",
                               timeout=WRITE_TIMEOUT_S)

    def _vectors_of(self, entry: dict[str, Any]) -> dict[str, np.ndarray]:
        """An old version's paragraph and sentence vectors by text hash, for reuse."""
        cache: dict[str, np.ndarray] = {}
        expr = f"version == {json.dumps(entry['version'])}"
        paragraphs = {}
        for row in self._scan(self.name("paragraphs"), expr, ["key", "data", "dense"],
                              entry["paragraphs"]):
            paragraph = paragraph_from_json("", json.loads(row["data"]))
            paragraphs[row["key"]] = paragraph
            cache[text_key(passage_text(paragraph))] = np.asarray(row["dense"], np.float32)
        for row in self._scan(self.name("sentences"), expr, ["key", "dense"],
                              entry.get("sentences", QUERY_WINDOW)):
            paragraph_key, _, j = row["key"].rpartition("#")
            paragraph = paragraphs.get(paragraph_key)
            if paragraph is not None and int(j) < len(paragraph.sentences):
                cache[text_key(paragraph.sentences[int(j)].text)] = np.asarray(
                    row["dense"], np.float32)
        return cache

    def _words_present(self, words: list[str]) -> set[str]:
        keys = {word_key(w): w for w in words}
        present: set[str] = set()
        ids = list(keys)
        for start in range(0, len(ids), READ_BATCH):
            rows = self.client.get(self.name("words"), ids=ids[start:start + READ_BATCH],
                                   output_fields=["key"], timeout=READ_TIMEOUT_S)
            present.update(keys[row["key"]] for row in rows)
        return present
