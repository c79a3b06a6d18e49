"""The one place that composes the steps: question → retrieval → answer with citations.

    Pipeline.load()            load (or build, if missing or stale) the index; load models once
    pipeline.ask(q, history)   → Answer (typed; `.to_dict()` is the public JSON contract)
    pipeline.ask(q, doc=…, scope=…)   the same from one document, or from the documents a
                               caller may read (`qa.access.libraries`): nothing else is read
"""

from __future__ import annotations

import logging
import re
import threading
import time
from pathlib import Path

import numpy as np

from qa.answer.conversation import contextual_queries
from qa.answer.decide import Answerer
from qa.answer.definitions import define
from qa.answer.draft import Draft
from qa.answer.page import page_answer, page_lines
from qa.answer.question import clean_question, lookup_text
from qa.answer.question_form import Kind, question_kind
from qa.answer.summary import Summarizer
from qa.config import Settings
from qa.embedding import Embedder, MiniLMEmbedder
from qa.errors import IndexCorruptError, InputError, ReaderError
from qa.reader import Reader, default_reader
from qa.retrieval import Hit, Query, Retriever
from qa.store import Scope, Store, open_store
from qa.store.index import LoadedIndex, StaleIndex
from qa.types import Answer, Document
from qa.verifier import Verifier, default_verifier

log = logging.getLogger(__name__)

MAX_HISTORY_TURN_CHARS = 10_000  # a pasted megabyte in the history is cut, not tokenized
_SURROGATES = re.compile(r"[\ud800-\udfff]")


class Pipeline:
    """Loaded models and index, ready to answer; safe to share between threads."""

    def __init__(self, settings: Settings, embedder: Embedder, index: LoadedIndex,
                 reader: Reader | None = None) -> None:
        self.settings = settings
        self.embedder = embedder
        self.index = index
        self.reader = reader
        self.retriever = Retriever(index, embedder)
        self.answerer = Answerer(index, embedder, reader,
                                 verifier=_loaded_verifier() if reader is not None else None)
        self.summarizer = Summarizer(index, self.answerer.analyser.idf)
        self._lock = threading.Lock()
        self.stale = False  # serving an index older than the corpus (see `load`)

    @classmethod
    def load(cls, settings: Settings | None = None, embedder: Embedder | None = None,
             rebuild_corrupt: bool = False, reader: Reader | None = None,
             serve_stale: bool = False) -> Pipeline:
        """Load the index, building it first when it is missing or stale.

        With `serve_stale`, a stale index that is whole (the corpus changed since, say an add
        was interrupted) is loaded as it is and the pipeline's `stale` is True: the app serves
        at once and `qa.documents.live` catches up in the background. The reader is the shipped one
        unless given, or none when `settings.reader` is off."""
        settings = settings or Settings.from_env()
        embedder = embedder or MiniLMEmbedder()
        store = open_store(settings)
        stale = False
        if serve_stale and store.exists():
            try:
                index = store.load(settings.corpus_dir, embedder)
            except StaleIndex as reason:
                log.warning("%s Serving the last index while it is rebuilt.", reason)
                index, stale = store.load(settings.corpus_dir, embedder,
                                          check_corpus=False), True
        else:
            index = load_or_build(store, settings.corpus_dir, embedder,
                                  rebuild_corrupt=rebuild_corrupt)
        if reader is None and settings.reader:
            reader = _loaded_reader()
        pipeline = cls(settings, embedder, index, reader)
        pipeline.stale = stale
        warm_up = getattr(embedder, "warm_up", None)  # a lazily loaded model loads now,
        if warm_up is not None:                       # not in the first question
            warm_up()
        return pipeline

    @property
    def documents(self) -> list[Document]:
        return self.index.documents

    def documents_in(self, scope: Scope | None) -> list[Document]:
        """The indexed documents of a scope (all of them for None)."""
        return [d for d in self.index.documents if scope is None or d.doc in scope]

    def ask(self, question: str, history: list[list[str]] | None = None,
            doc: str | None = None, scope: Scope | None = None) -> Answer:
        """Answer one question (with optional chat history) from the indexed documents: only
        from `doc` when given, and only from the documents in `scope` when given."""
        started = time.perf_counter()
        text = clean_question(question, self.settings.max_question_chars)
        history = _check_history(history)
        readable = self.documents_in(scope)
        if doc is not None and doc not in {d.doc for d in readable}:
            known = ", ".join(d.doc for d in readable) or "none"
            raise InputError(f"Unknown document {doc!r}; indexed documents: {known}.")
        if not readable:
            raise InputError("You may not read any document here yet: ask an admin for a "
                             "library.")
        if doc is not None:
            scope = frozenset((doc,))
        words = lookup_text(text)
        queries = contextual_queries(words, history)
        kind = question_kind(words)
        with self._lock:  # torch on 2 cores gains nothing from parallel encodes
            hits, vectors = self.retriever.search(queries, k=self.settings.top_k, scope=scope)
            answer = self._answer(kind, words, queries, hits, vectors, doc,
                                  readable[0].doc, scope)
        latency = (time.perf_counter() - started) * 1000
        return Answer(question=text, answer=answer.answer, abstained=answer.abstained,
                      citations=answer.citations, short_answer=answer.short_answer,
                      latency_ms=latency, debug=answer.debug)


    def _answer(self, kind: Kind, words: str, queries: list[Query], hits: list[Hit],
                vectors: np.ndarray, doc: str | None, first: str,
                scope: Scope | None = None) -> Draft:
        """Compose the answer the kind of question wants (`qa.answer.question_form`): a
        summary, the page's own lines, a definition, or sentences chosen by the answerer
        (`qa.answer.decide`). Each reads one document: `doc`, else the one the hits are most
        about, else `first` (the first the caller may read)."""
        if doc is None and hits:
            doc = hits[0].paragraph.doc  # the document the question is most about
        doc = doc or first
        draft = None
        heading = self.summarizer.heading_asked(words, doc)  # "What Is the New Proposition?"
        if heading:
            kind = Kind("summary", heading)
        if kind.name == "summary":
            part = self.embedder.encode_queries([kind.topic])[0] if kind.topic else None
            draft = self.summarizer.summarize(doc, kind.topic, part)
        elif kind.name == "meta":
            draft = page_answer(self.index, doc, kind.topic)
        elif kind.name == "definition":
            paragraphs = self.index.paragraphs_of(doc)
            if any(kind.topic.lower() in p.text.lower() for p in page_lines(paragraphs,
                                                                            "author")):
                draft = page_answer(self.index, doc, "author")  # "Who is Varuna Shankar?"
            else:
                draft = define(paragraphs, kind.topic, self.answerer.facts.subject_of(scope))
        if draft is None:
            draft = self.answerer.answer(words, queries, hits, vectors, kind=kind.name,
                                         scope=scope)
        draft.debug.setdefault("kind", kind.name)
        return draft


def _loaded_reader() -> Reader | None:
    """The shipped reader, loaded; damaged weights are reported and the engine goes on
    without it (sentence scoring and the abstention rules still work)."""
    try:
        reader = default_reader()
        reader.warm_up()
    except ReaderError as error:
        log.warning("%s Answering without the reader.", error)
        return None
    return reader


def _loaded_verifier() -> Verifier | None:
    """The shipped sentence verifier, loaded, or None where it is absent or damaged (its
    feature is then 0 and the warning says so)."""
    try:
        verifier = default_verifier()
        if verifier is not None:
            verifier.score("warm up", [("", "The verifier is warming up.")])
        return verifier
    except ReaderError as error:
        log.warning("%s Answering without the verifier.", error)
        return None


def load_or_build(store: Store, corpus_dir: Path, embedder: Embedder,
                  rebuild_corrupt: bool = False) -> LoadedIndex:
    """The index for this corpus: loaded, or (re)built when missing or stale."""
    try:
        return store.load(corpus_dir, embedder)
    except StaleIndex as reason:
        verb = "Rebuilding" if store.exists() else "Building"
        log.warning("%s %s the index in %s.", reason, verb, store.spec)
    except IndexCorruptError as error:
        if not rebuild_corrupt:
            raise
        log.warning("%s Rebuilding.", error)
    # A shared store keeps what other processes added, replaced or removed: only files it
    # never held are added from this machine's folder.
    store.build(corpus_dir, embedder, only=store.pending(corpus_dir) if store.shared else None)
    return store.load(corpus_dir, embedder, check_corpus=False)  # a skipped file stays pending


def _check_history(history: object) -> list[list[str]]:
    if history is None:
        return []
    if not isinstance(history, list | tuple):
        raise InputError("history must be a list of [user, assistant] pairs.")
    turns: list[list[str]] = []
    for turn in history:
        if (not isinstance(turn, list | tuple) or len(turn) != 2
                or not all(isinstance(t, str) or t is None for t in turn)):
            raise InputError("history must be a list of [user, assistant] pairs of strings.")
        turns.append([_history_text(turn[0]), _history_text(turn[1])])
    return turns[-10:]


def _history_text(text: str | None) -> str:
    """A turn as plain text: no lone surrogates (the tokenizer rejects them), bounded length."""
    return _SURROGATES.sub(" ", (text or "")[:MAX_HISTORY_TURN_CHARS])
