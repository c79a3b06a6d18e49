"""What the engine knows of the indexed documents, gathered once per index: their words and
word frequencies (to weigh and repair a question), the acronyms they define, the names they
capitalise, their titles, section headings and contrasting paragraphs. It decides nothing.
"""

from __future__ import annotations

from qa.answer import corpus_statistics
from qa.answer.antonyms import default_antonyms
from qa.answer.broad import Contrasts, Headings
from qa.answer.evidence import Matcher
from qa.answer.question import QuestionAnalyser, Term, family_in, is_acronym
from qa.answer.recent import Recent
from qa.embedding import known_words
from qa.store.index import LoadedIndex
from qa.text import content_stems, family_roots

DOCUMENT_WORDS_KEPT = 256


class CorpusFacts:
    """The indexed documents' vocabulary, names, acronyms, titles and headings."""

    def __init__(self, index: LoadedIndex) -> None:
        self._index = index
        self._doc_words: Recent[tuple[frozenset[str], frozenset[str]]] = Recent(
            self._read_words, DOCUMENT_WORDS_KEPT)
        counts = corpus_statistics.corpus_counts(index)
        self.analyser = QuestionAnalyser(counts.doc_freq, counts.sentences, counts.roots,
                                         index.words, known_words())
        self.matcher = Matcher(index.words, index.word_vectors,
                               {k: set(v) for k, v in counts.aliases.items()})
        self.initialisms = set(counts.initialisms)
        self.long_forms = counts.long_forms
        self.proper_words = frozenset(counts.proper_words)
        self.antonyms = default_antonyms()
        self.titles = {d.doc: d.title for d in index.documents}
        self.title_roots = {d.doc: roots(d.title) for d in index.documents}
        self.subject = "article" if len(index.documents) == 1 else "documents"
        self.headings = Headings(index)
        self.contrasts = Contrasts(index, self.proper_words)

    def subject_of(self, scope: frozenset[str] | None) -> str:
        """"article" or "documents": what a refusal calls what the caller may read."""
        if scope is None:
            return self.subject
        return "article" if len(scope) == 1 else "documents"

    def named_in_scope(self, stem_: str, scope: frozenset[str] | None) -> bool:
        """The word, its family or another name of the place occurs in the documents of the
        scope (the corpus, for None): a name only another library holds is unknown here."""
        if not self.analyser.family_in_corpus(stem_):
            return False
        return scope is None or any(family_in(stem_, *self._words_of(doc)) for doc in scope)

    def _words_of(self, doc: str) -> tuple[frozenset[str], frozenset[str]]:
        """(stems, family roots) of one document's sentences, read on first use."""
        return self._doc_words.get(doc)

    def _read_words(self, doc: str) -> tuple[frozenset[str], frozenset[str]]:
        if self._index.document_number(doc) is None:
            return frozenset(), frozenset()
        counts = corpus_statistics.document_counts(self._index, doc)
        return counts.stems(), frozenset(counts.roots)

    def checkable_entity(self, term: Term) -> bool:
        """A name the evidence must contain (acronyms the corpus spells out are exempt)."""
        if not term.entity or term.norm.isdigit():
            return False
        return not (is_acronym(term.text) and term.norm in self.initialisms)

    def implied_subject(self, term: Term, rivals: list[str], doc: str) -> bool:
        """The term names the document's subject ("Harvard" in "Harvard University"), which
        its sentences need not repeat, and no rival is another name of the title ("India" in
        "India Japan Semiconductors" for a question about Japan)."""
        title = self.title_roots.get(doc, frozenset())
        return bool(roots(term.text) & title) and not any(roots(r) & title for r in rivals)


def roots(text: str) -> frozenset[str]:
    """The word-family roots of a text's content words ("normans" → "norman" …)."""
    return frozenset(root for s in content_stems(text) for root in family_roots(s))


__all__ = ["CorpusFacts", "roots"]
