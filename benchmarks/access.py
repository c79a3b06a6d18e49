"""What logins, tokens and libraries cost an answer: the per-request checks of `qa.access`.

Every request of an app with accounts asks the gate for its caller (the session's login time,
the tokens it logged in with, the account as it is now: `accounts.json` is read again) and
builds the caller's view (`qa.ui.views.View`: which documents they may read). This times those
checks alone, with 200 accounts, 50 tokens and 2,000 documents in 20 libraries, and the same
warm question with and without a one-library scope (the retrieval filter).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

from qa.access import Accounts, Gate
from qa.access.libraries import Libraries
from qa.pipeline import Pipeline
from qa.types import Document

USERS, TOKENS, DOCUMENTS, LIBRARIES = 200, 50, 2000, 20
CALLS = 500


def access_overhead(folder: Path, pipeline: Pipeline | None = None) -> dict[str, Any]:
    """p50/p95 of one request's access checks (ms), and of a warm answer with a scope."""
    index_dir, corpus = folder / "access-index", folder / "access-corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    accounts = Accounts(index_dir / "accounts.json")
    for n in range(USERS):
        accounts.add(f"user{n}", "a long enough password", "reader",
                     [f"lib{n % LIBRARIES}", "main"])
    tokens = [accounts.create_token(f"user{n}")[1] for n in range(TOKENS)]
    libraries = Libraries(corpus)
    documents = [Document(f"doc{n}", f"Document {n}", f"doc{n}.txt", ()) for n in range(DOCUMENTS)]
    for document in documents[:DOCUMENTS // 2]:
        libraries.assign(document.doc, f"lib{int(document.doc[3:]) % LIBRARIES}")
    gate = Gate.for_app(index_dir, "0.0.0.0")
    assert gate.login("user7", tokens[7])
    from qa.ui.views import View

    times = []
    for _ in range(CALLS):
        started = time.perf_counter()
        caller = gate.caller("user7")
        gate.check(caller, "ask")
        View.of(caller, documents, libraries)
        times.append((time.perf_counter() - started) * 1000)
    figures = {"access_p50_ms": statistics.median(times),
               "access_p95_ms": statistics.quantiles(times, n=20)[-1]}
    if pipeline is not None:
        figures.update(_scoped_answers(pipeline))
    return figures


def _scoped_answers(pipeline: Pipeline) -> dict[str, Any]:
    """The article's question asked with no scope and with the article as the scope."""
    question = "Which plant did Modi tour in Miyagi?"
    scope = frozenset(d.doc for d in pipeline.documents)
    pipeline.ask(question)
    plain, scoped = [], []
    for _ in range(20):
        plain.append(pipeline.ask(question).latency_ms)
        scoped.append(pipeline.ask(question, scope=scope).latency_ms)
    return {"unscoped_p50_ms": statistics.median(plain),
            "scoped_p50_ms": statistics.median(scoped)}

