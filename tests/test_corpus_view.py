"""What a replica holds of a large library: per-document facts made when a question needs them
(and the last few kept), rows by document, sentences that share their paragraph's text."""

from __future__ import annotations

import pickle

import numpy as np

from qa.answer.recent import Recent
from qa.answer.summary import Summarizer
from qa.documents.sentences import split_sentences
from qa.store.index import LoadedIndex, sentence_rows
from qa.types import Document, Paragraph, Sentence


def _index(documents: int, per_document: int) -> LoadedIndex:
    docs, vectors = [], []
    rng = np.random.default_rng(3)
    for d in range(documents):
        paragraphs = []
        for n in range(1, per_document + 1):
            text = (f"Document {d} paragraph {n} tells of the harbour trade in year {1900 + n}. "
                    f"Its ships carried tea, wool and copper to {n + d} ports each season.")
            paragraphs.append(Paragraph(f"doc{d}", n, text, sentences=split_sentences(text)))
        docs.append(Document(f"doc{d}", f"Document {d}", f"doc{d}.txt", tuple(paragraphs)))
    paragraphs = [p for doc in docs for p in doc.paragraphs]
    rows = sentence_rows(paragraphs)
    vectors = rng.normal(size=(len(rows), 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return LoadedIndex({}, docs, paragraphs, None, np.zeros((len(paragraphs), 8), np.float32),
                       vectors, rows, [], np.zeros((0, 8), np.float32))


def test_rows_by_document_and_anchor() -> None:
    index = _index(3, 4)
    assert list(index.rows_of("doc1")) == [4, 5, 6, 7]
    assert list(index.rows_of("nope")) == []
    assert index.paragraph_at("doc2#p3") is index.paragraphs[10]
    assert index.paragraph_at("doc2#p9") is None
    assert [tuple(r) for r in sentence_rows(index.paragraphs)[:3]] == [(0, 0), (0, 1), (1, 0)]
    assert list(index.sentence_offsets[:3]) == [0, 2, 4]


def test_a_summary_reads_only_the_document_asked_about(monkeypatch) -> None:  # noqa: ANN001
    index = _index(5, 6)
    read: list[int] = []

    class Watched(np.ndarray):
        def __getitem__(self, key):  # noqa: ANN001, ANN204
            read.extend(np.atleast_1d(np.asarray(key)).tolist())
            return np.asarray(super().__getitem__(key))

    index.sentence_vectors = index.sentence_vectors.view(Watched)
    summarizer = Summarizer(index)
    assert read == []  # nothing is read at load
    draft = summarizer.summarize("doc3")
    assert not draft.abstained and "doc3#p" in draft.answer + str(draft.citations)
    first, last = index.sentence_offsets[index.rows_of("doc3")[0]], len(index.sentence_rows)
    doc3 = set(range(first, first + 12))
    assert read and set(read) <= doc3, "only doc3's sentence vectors were read"
    assert last > max(read)


def test_recent_keeps_the_last_documents_used() -> None:
    made: list[str] = []
    recent: Recent[str] = Recent(lambda doc: made.append(doc) or doc.upper(), kept=2)
    assert [recent.get(d) for d in ("a", "b", "a", "c", "a", "b")] == list("ABACAB")
    assert made == ["a", "b", "c", "b"]  # "b" was dropped when "c" came; "a" stayed in use


def test_a_sentence_shares_its_paragraphs_text() -> None:
    text = "The fab opened in 2024. It makes wafers."
    one, two = split_sentences(text)
    assert (one.text, two.text) == ("The fab opened in 2024.", "It makes wafers.")
    assert two == Sentence(24, 40, "It makes wafers.")
    assert hash(two) == hash(Sentence(24, 40, "It makes wafers."))
    assert pickle.loads(pickle.dumps(two)) == two
    try:
        two.start = 3  # type: ignore[misc]
    except AttributeError:
        pass
    else:
        raise AssertionError("a Sentence is read-only")
