"""The Milvus store's layout: its collections, row keys and versions (`qa.store.milvus_store`).

Five collections, named `<prefix>_…` (prefix `qa`, or `?prefix=NAME` on the spec):
    meta        one row: format, embedder, build time, and the documents removed (tombstones)
    documents   one row per live document: its version and manifest entry (the publish step)
    paragraphs  text (JSON with sentence offsets), the paragraph vector, and a BM25 field that
                Milvus fills from the paragraph's stems (those the index folder's BM25 indexes)
    sentences   one vector per sentence
    words       one vector per vocabulary word, keyed by its hash (shared by all documents)
Rows carry a version, `<doc>@<content hash>.<build id>`, unique to the build that wrote them.
A build writes a document's rows, then publishes them by upserting its `documents` row, then
deletes the version it replaced. Rows of no published version (a build killed part-way, or
one still running) are skipped by loads and searches, and deleted by a later build once they
are an hour old. The revision replicas watch is a hash of the published versions, so it
changes exactly when what a load would read changes.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from qa.documents.corpus import PARSER_VERSION
from qa.errors import IndexError_
from qa.store.document_json import document_from_json, document_json
from qa.store.vector_cache import text_key
from qa.text import bm25_tokens
from qa.types import Document, Paragraph

FORMAT_VERSION = 2        # 2: unique versions per build, `written`, tombstones, Strong reads
MAX_VARCHAR = 65_535      # Milvus's longest VARCHAR, in bytes
KEY_CHARS = 512
READ_BATCH = 1_000        # ids per get
WRITE_BATCH = 500         # rows per insert
FILTER_VALUES = 200       # versions per `in [...]` filter
KINDS = ("meta", "documents", "paragraphs", "sentences", "words")
ORPHAN_AGE_S = 3_600      # unpublished rows older than this are a dead build's: deleted
WRITE_TIMEOUT_S = 60.0
QUERY_WINDOW = 16_384     # the most rows one Milvus query or search returns
READ_TIMEOUT_S = 10.0     # per search, query or get: a vanished server fails, not hangs


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


def lexical_text(text: str) -> str:
    """The stems the index folder's BM25 indexes, spelt so that Milvus's tokenizer (\\w+) keeps
    each one whole: a stem like "3.5" or "%" becomes "3_2e_5" or "_25_"."""
    return " ".join(re.sub(r"\W", lambda m: f"_{ord(m.group()):x}_", token)
                    for token in bm25_tokens(text))


def ensure_collections(client: Any, name_of: Callable[[str], str], dim: int) -> None:
    """Create the collections a store lacks (`name_of(kind)` names them), and load them all."""
    from pymilvus import DataType, Function, FunctionType

    for kind in KINDS:
        name = name_of(kind)
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
        client.load_collection(name_of(kind))
