"""The index in Milvus, so that several processes (or machines) serve one library.

    store = MilvusStore("milvus:///abs/path/to.db")   # Milvus Lite, embedded in this process
    store = MilvusStore("milvus://127.0.0.1:19530")   # a Milvus server (Lite, Standalone, …)

Five collections, named `<prefix>_…` (prefix `qa`, or `?prefix=NAME` on the spec):
    meta        one row: format, embedder, build time, and the documents removed (tombstones)
    documents   one row per live document: its version and manifest entry (the publish step)
    paragraphs  text (JSON with sentence offsets), the paragraph vector, and a BM25 field that
                Milvus fills from the paragraph's stems (the same stems bm25s indexes)
    sentences   one vector per sentence
    words       one vector per vocabulary word, keyed by its hash (shared by all documents)
Rows carry a version, `<doc>@<content hash>.<build id>`, unique to the build that wrote them.
A build writes a document's rows, then publishes them by upserting its `documents` row, then
deletes the version it replaced. Rows of no published version (a build killed part-way, or
one still running) are skipped by loads and searches, and deleted by a later build once they
are an hour old. The revision replicas watch is a hash of the published versions, so it
changes exactly when what a load would read changes.

The store is the library. An explicit build (`qa build --store …`) adds or replaces the corpus
folder's documents and keeps the others; an automatic one (loading finds files the store has
never held) adds only those, so a replica's old copy cannot revert or resurrect what another
replica replaced or removed; `remove_document` removes one and remembers it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import numpy as np

from qa.corpus import corpus_files, doc_id_for, load_corpus
from qa.embedding import Embedder
from qa.errors import DocumentError, IndexCorruptError, IndexError_
from qa.index import (
    PARSER_VERSION,
    BuildReport,
    LoadedIndex,
    StaleIndex,
    document_from_json,
    document_json,
    embed_cached,
    text_key,
)
from qa.lexical import passage_text
from qa.milvus_search import QUERY_WINDOW, READ_TIMEOUT_S, MilvusRankings, lexical_text
from qa.text import content_vocabulary
from qa.types import Document, Paragraph

log = logging.getLogger(__name__)

FORMAT_VERSION = 2        # 2: unique versions per build, `written`, tombstones, Strong reads
MAX_VARCHAR = 65_535      # Milvus's longest VARCHAR, in bytes
KEY_CHARS = 512
READ_BATCH = 1_000        # ids per get
WRITE_BATCH = 500         # rows per insert
FILTER_VALUES = 200       # versions per `in [...]` filter
KINDS = ("meta", "documents", "paragraphs", "sentences", "words")
ORPHAN_AGE_S = 3_600      # unpublished rows older than this are a dead build's: deleted
WRITE_TIMEOUT_S = 60.0


def parse_spec(spec: str) -> tuple[str, str]:
    """`milvus:///abs/x.db` → ("/abs/x.db", prefix); `milvus://host:port` → ("http://…", …)."""
    parts = urlsplit(spec)
    if parts.scheme != "milvus":
        raise IndexError_(f"{spec!r} is not a Milvus store (milvus:///path.db or milvus://host:port).")
    prefix = (parse_qs(parts.query).get("prefix") or ["qa"])[0]
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,40}", prefix):
        raise IndexError_(f"{spec!r}: the collection prefix {prefix!r} may hold letters, "
                          "digits and _ only.")
    if parts.netloc:
        if parts.netloc.endswith(".db") or parts.path not in ("", "/"):
            raise IndexError_(f"{spec!r}: an embedded store is an absolute path after three "
                              "slashes (milvus:///home/me/qa.db); a server is "
                              "milvus://host:port.")
        return f"http://{parts.netloc}", prefix
    if not parts.path.startswith("/") or not parts.path.endswith(".db"):
        raise IndexError_(f"{spec!r}: an embedded store is an absolute path ending in .db, "
                          "as in milvus:///home/me/qa.db")
    return parts.path, prefix


def word_key(word: str) -> str:
    """A word's primary key: a hash, since pymilvus quotes `get` ids unescaped ("d'arcy")."""
    return hashlib.sha1(word.encode("utf-8")).hexdigest()


def source_hash(path: Path) -> str:
    """What a corpus file was indexed from: its name, bytes and the parser version."""
    return source_hash_of(path.name, path.read_bytes())


def source_hash_of(name: str, data: bytes) -> str:
    digest = hashlib.sha256(f"parser={PARSER_VERSION}\0{name}\0".encode())
    digest.update(data)
    return digest.hexdigest()


class MilvusStore:
    """The `qa.store.Store` interface over a Milvus database (embedded Lite or a server)."""

    shared = True

    def __init__(self, spec: str) -> None:
        self.spec = spec
        self.uri, self.prefix = parse_spec(spec)
        self._write_lock = threading.Lock()

    # -- connection and schema ---------------------------------------------------------
    @cached_property
    def client(self) -> Any:
        try:
            from pymilvus import MilvusClient
        except ImportError as error:
            raise IndexError_("The Milvus store needs pymilvus and milvus-lite: "
                              "pip install -e '.[scale]'") from error
        if self.uri.endswith(".db"):
            Path(self.uri).parent.mkdir(parents=True, exist_ok=True)
        try:
            client = MilvusClient(uri=self.uri, timeout=30)
            for kind in KINDS:  # a reopened database starts with its collections released
                if client.has_collection(self.name(kind)):
                    client.load_collection(self.name(kind))
        except Exception as error:  # pymilvus raises several kinds for the same reason
            detail = getattr(error, "message", None) or str(error)
            raise IndexError_(f"Cannot open the Milvus store {self.spec}: "
                              f"{detail[:300]}") from error
        return client

    def close(self) -> None:
        """Disconnect (and stop the embedded server of a .db store)."""
        client = self.__dict__.pop("client", None)
        if client is not None:
            client.close()
            if self.uri.endswith(".db"):
                from milvus_lite.server_manager import server_manager_instance

                server_manager_instance.release_server(self.uri)

    def name(self, kind: str) -> str:
        return f"{self.prefix}_{kind}"

    def _ensure_collections(self, dim: int) -> None:
        from pymilvus import DataType, Function, FunctionType

        client = self.client
        for kind in KINDS:
            name = self.name(kind)
            if client.has_collection(name):
                continue
            schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
            schema.add_field("key", DataType.VARCHAR, is_primary=True, max_length=KEY_CHARS)
            params = client.prepare_index_params()
            if kind == "documents":
                schema.add_field("version", DataType.VARCHAR, max_length=KEY_CHARS)
            if kind in ("meta", "documents"):
                schema.add_field("value", DataType.VARCHAR, max_length=MAX_VARCHAR)
                # Milvus wants a vector in every collection; these rows are read by key.
                schema.add_field("unused", DataType.FLOAT_VECTOR, dim=2)
                params.add_index(field_name="unused", index_type="FLAT", metric_type="IP")
            else:
                if kind != "words":
                    schema.add_field("doc", DataType.VARCHAR, max_length=KEY_CHARS)
                    schema.add_field("version", DataType.VARCHAR, max_length=KEY_CHARS)
                    schema.add_field("written", DataType.INT64)  # unix time, for cleaning
                schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
                # Exact inner product, as the default store's flat FAISS index.
                params.add_index(field_name="dense", index_type="FLAT", metric_type="IP")
            if kind == "paragraphs":
                schema.add_field("data", DataType.VARCHAR, max_length=MAX_VARCHAR)
                schema.add_field("lexical", DataType.VARCHAR, max_length=MAX_VARCHAR,
                                 enable_analyzer=True, analyzer_params={"tokenizer": "standard"})
                schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
                schema.add_function(Function(name="bm25", function_type=FunctionType.BM25,
                                             input_field_names=["lexical"],
                                             output_field_names=["sparse"]))
                params.add_index(field_name="sparse", index_type="SPARSE_INVERTED_INDEX",
                                 metric_type="BM25", params={"bm25_k1": 1.5, "bm25_b": 0.75})
            # Strong: a replica reloading right after a publish reads what was published.
            client.create_collection(name, schema=schema, consistency_level="Strong")
            # sync=False: waiting polls every 0.5 s, through a call Milvus Lite lacks; the
            # collections are empty, so their indexes are ready at once.
            client.create_index(name, params, sync=False)
        for kind in KINDS:
            client.load_collection(self.name(kind))

    def _drop_all(self) -> None:
        for kind in KINDS:
            if self.client.has_collection(self.name(kind)):
                self.client.drop_collection(self.name(kind))

    # -- small reads -------------------------------------------------------------------
    def _meta(self) -> dict[str, Any] | None:
        if not self.client.has_collection(self.name("meta")):
            return None
        rows = self.client.get(self.name("meta"), ids=["index"], output_fields=["value"],
                               timeout=READ_TIMEOUT_S)
        return json.loads(rows[0]["value"]) if rows else None

    def _live(self) -> dict[str, dict[str, Any]]:
        """The published documents' manifest entries, by document id."""
        if not self.client.has_collection(self.name("documents")):
            return {}
        entries = [json.loads(row["value"]) for row in self._documents(["value"])]
        return {entry["doc"]: entry for entry in entries}

    def _documents(self, fields: list[str]) -> Iterator[dict[str, Any]]:
        name = self.name("documents")
        count = self.client.query(name, filter="", output_fields=["count(*)"],
                                  timeout=READ_TIMEOUT_S)[0]["count(*)"]
        return self._scan(name, 'key != ""', fields, count)

    def _scan(self, collection: str, expr: str, fields: list[str],
              expected: int) -> Iterator[dict[str, Any]]:
        """The rows `expr` selects: one query, or an iterator past Milvus's query window."""
        if expected < QUERY_WINDOW:
            rows = self.client.query(collection, filter=expr, output_fields=fields,
                                     limit=QUERY_WINDOW, timeout=READ_TIMEOUT_S)
            if len(rows) < QUERY_WINDOW:  # else more rows than expected: page through them
                yield from rows
                return
        iterator = self.client.query_iterator(collection, batch_size=READ_BATCH, filter=expr,
                                              output_fields=fields)
        try:
            while batch := iterator.next():
                yield from batch
        finally:
            iterator.close()

    def exists(self) -> bool:
        return self._meta() is not None

    def revision(self) -> str | None:
        """A hash of the published (document, version) pairs; None before the first build."""
        if not self.client.has_collection(self.name("documents")):
            return None
        return revision_of((row["key"], row["version"])
                           for row in self._documents(["key", "version"]))

    def manifest(self) -> dict[str, Any] | None:
        """Build facts and the published documents (ordered by file name), as the files
        store's manifest.json gives them."""
        meta = self._meta()
        if meta is None:
            return None
        documents = sorted(self._live().values(), key=lambda e: (e.get("path", ""), e["doc"]))
        return {**meta, "store": self.spec, "documents": documents,
                "revision": revision_of((e["doc"], e["version"]) for e in documents),
                "counts": {"paragraphs": sum(e["paragraphs"] for e in documents),
                           "sentences": sum(e.get("sentences", 0) for e in documents)}}

    def pending(self, corpus_dir: Path) -> list[str]:
        """Corpus files of documents the store has never held (nor had removed): what a load
        imports. A file whose document the store holds in another version is left alone:
        the store's copy may be another replica's newer one (`qa build` imports it)."""
        held = set(self._live()) | set((self._meta() or {}).get("removed", {}))
        return [path.name for path in corpus_files(corpus_dir) if doc_id_for(path) not in held]

    def is_current(self, corpus_dir: Path, embedder: Embedder) -> bool:
        meta = self._meta()
        return (meta is not None and meta.get("format_version") == FORMAT_VERSION
                and meta.get("embedder") == {"id": embedder.id, "dim": embedder.dim}
                and not self.pending(corpus_dir))

    # -- building ------------------------------------------------------------------------
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
            self._ensure_collections(embedder.dim)
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
        p_vectors, p_reused = embed_cached(texts, embedder, cache, progress, "paragraphs")
        sentences = [(p, j, s.text) for p in paragraphs for j, s in enumerate(p.sentences)]
        s_vectors, s_reused = embed_cached([t for _, _, t in sentences], embedder, cache,
                                           progress, "sentences")
        words = sorted(content_vocabulary(p.text for p in paragraphs))
        known = self._words_present(words)
        fresh = [w for w in words if w not in known]
        w_vectors = (embedder.encode_passages(fresh) if fresh
                     else np.zeros((0, embedder.dim), np.float32))
        rows = []
        for paragraph, text, vector in zip(paragraphs, texts, p_vectors, strict=True):
            data = json.dumps(paragraph_json(paragraph), ensure_ascii=False)
            lexical = lexical_text(text)
            if max(len(data.encode()), len(lexical.encode())) > MAX_VARCHAR:
                raise DocumentError(f"{document.path}: paragraph {paragraph.number} is longer "
                                    "than Milvus stores in one field (64 KB).")
            rows.append({"key": f"{version}#{paragraph.number}", "doc": document.doc,
                         "version": version, "written": written_at, "data": data,
                         "lexical": lexical, "dense": vector.tolist()})
        self._insert("paragraphs", rows)
        self._insert("sentences", [
            {"key": f"{version}#{p.number}#{j}", "doc": document.doc, "version": version,
             "written": written_at, "dense": vector.tolist()}
            for (p, j, _), vector in zip(sentences, s_vectors, strict=True)])
        if fresh:
            self._insert("words", [{"key": word_key(w), "dense": v.tolist()}
                                   for w, v in zip(fresh, w_vectors, strict=True)], upsert=True)
        paragraphs_new, sentences_new = len(texts) - p_reused, len(sentences) - s_reused
        return paragraphs_new + sentences_new + len(fresh), paragraphs_new, sentences_new

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

    # -- loading -------------------------------------------------------------------------
    def load(self, corpus_dir: Path, embedder: Embedder,
             check_corpus: bool = True) -> LoadedIndex:
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


def document_entry(document: Document, source: str, built_at: str,
                   build_id: str) -> dict[str, Any]:
    """A document's `documents` row: the manifest entry plus its version and source hash."""
    content = text_key(json.dumps(document_json(document), ensure_ascii=False))
    return {"doc": document.doc, "title": document.title, "path": document.path,
            "paragraphs": len(document.paragraphs),
            "sentences": sum(len(p.sentences) for p in document.paragraphs),
            "pages": max((p.page or 0 for p in document.paragraphs), default=0) or None,
            "content": content, "version": f"{document.doc}@{content[:12]}.{build_id}",
            "source": source, "indexed_at": built_at}


def revision_of(versions: Iterable[tuple[str, str]]) -> str:
    """A short hash of (document, version) pairs, whatever their order."""
    return hashlib.sha1("\n".join(sorted(f"{d}={v}" for d, v in versions)).encode()
                        ).hexdigest()[:16]


def paragraph_json(paragraph: Paragraph) -> dict[str, Any]:
    return document_json(Document(paragraph.doc, "", "", (paragraph,)))["paragraphs"][0]


def paragraph_from_json(doc: str, data: dict[str, Any]) -> Paragraph:
    return document_from_json({"doc": doc, "title": "", "path": "",
                               "paragraphs": [data]}).paragraphs[0]


def _matrix(vectors: list[Any], dim: int) -> np.ndarray:
    return np.asarray(vectors, np.float32).reshape(len(vectors), dim)
