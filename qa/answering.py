"""Evidence → answer: pick the sentences that answer the question, or abstain.

Without a generative model the answer is assembled from the document's own sentences:
  1. score every sentence of the retrieved paragraphs (meaning, term coverage, answer type),
     and let the trained reader's confidence that it holds the answer nudge the ranking;
  2. check that the best one answers *this* question — its names and numbers are there, the
     expected kind of answer (amount, date, name) is there, enough of the question is
     covered — else abstain;
  3. quote it verbatim (with the sentence before it when it opens with "It", "This number" …),
     add close runners-up for list questions, and put first in bold the short answer the
     trained reader finds in the sentence, when it is confident (the typed span without it).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from qa.antonyms import default_antonyms
from qa.broad import (
    BROAD_KINDS,
    GENERIC_SIDES,
    Contrasts,
    Headings,
    answers_broadly,
    contrasts,
    enumeration,
    focus_terms,
    kind_bonus,
    links_away,
    sides_of,
    waived_rules,
    weigh_form_words,
)
from qa.citations import CitationList, Quote
from qa.conversation import is_follow_up
from qa.draft import Draft
from qa.embedding import Embedder, known_words
from qa.evidence import (
    LITERAL_MATCH,
    Matcher,
    find_aliases,
    find_initialisms,
    find_long_forms,
    mentions_number,
    spell_out_acronyms,
)
from qa.question import QuestionAnalyser, QuestionInfo, Term, is_acronym
from qa.quoting import connects_back, contrasts_back, refers_back
from qa.reader import Reader, ReadSpan
from qa.retrieval import Hit, Query
from qa.spans import fits_unit, is_proper_name, name_spans, proper_words, typed_spans
from qa.store.index import LoadedIndex
from qa.text import content_stems, family_roots, stem, tokenize
from qa.types import Paragraph, Sentence

# Weights of the sentence score; tuned on SQuAD articles and the development questions.
W_DENSE, W_SENTENCE, W_PARAGRAPH, W_TYPE, W_RANK = 0.20, 0.60, 0.20, 0.10, 0.05
CONTEXT_DENSE = 0.9        # a follow-up's conversation counts almost as much as its words
CONTEXT_CREDIT = 0.5       # a term found only in the sentence before counts half
LEAN_BACK_CREDIT = 0.9     # … nearly fully when the sentence refers back ("This reaffirmed")
QUOTE_CONTEXT_GAIN = 0.15  # quote the sentence before when it adds this much coverage
SHORT_PARAGRAPH_WORDS = 25
W_PROXIMITY = 0.0   # the question's words close together in the sentence
PROXIMITY_WINDOW = 10
W_HEAD = 0.15  # a name span that is the kind of thing asked for ("Which publication" ~ Magazine)
# The reader's belief that a sentence holds the answer: W_READER · sigmoid(margin / scale).
W_READER, READER_SCALE = 0.10, 2.0
MAX_READ_PARAGRAPHS = 3  # the reader costs ~25 ms a paragraph on 2 cores
# Abstention thresholds (see `_abstention_reasons`); how each was chosen, with its figures,
# is in the README ("Quality").
MIN_DENSE = 0.20
MIN_PARAGRAPH_COVERAGE = 0.30
MIN_SENTENCE_COVERAGE = 0.20
# The reader's doubt counts where the quote has the question's own words: a question written
# from the sentence with one thing changed (SQuAD 2.0's unanswerables) gets a negative margin
# there, while a paraphrase, which the reader finds hard, shares fewer of them. Only matches
# by form count (evidence.LITERAL_MATCH and up), not by meaning ("wrote" ~ "Author"). Not for
# list questions, whose items follow the sentence the reader read.
# The margin is the reader's own (`Reader.doubt_margin`, in its manifest): each reader's
# margins have their own scale.
COVERED_DOUBT_COVERAGE = 0.40
LIST_ITEM_COVERAGE = 0.40  # a runner-up sentence quoted as another item of a list
RUNNER_UP_RATIO = 0.92
MAX_QUOTES = 3
MAX_CONTRAST_HITS = 3  # a comparison's extra paragraphs (see `_contrast_hits`)
OTHER_SIDE_RATIO = 0.50  # … and how close the one quoted besides the best must score

# A passage can answer a negated question only if it negates something itself.
_NEGATION_CUES = re.compile(
    r"\b(?:not|never|no|none|nor|neither|cannot|without|except|unless|instead|rather|"
    r"unlike|exclud\w*|lack\w*|absen\w*|fail\w*|unable|avoid\w*|prohibit\w*|banned|"
    r"refus\w*|den(?:y|ies|ied))\b|n['’]t\b", re.IGNORECASE)

@dataclass
class Candidate:
    """A sentence of a retrieved paragraph with the features that score it."""

    hit: Hit
    index: int
    start: int
    end: int
    dense: float = 0.0
    sentence_coverage: float = 0.0
    paragraph_coverage: float = 0.0
    typed: list[tuple[int, int]] = field(default_factory=list)
    matches: list[float] = field(default_factory=list)
    paragraph_matches: list[float] = field(default_factory=list)
    score: float = 0.0
    span_fit: list[float] = field(default_factory=list)  # typed span ~ the question's head noun
    proximity: float = 0.0
    reading: ReadSpan | None = None  # the reader's best span inside this sentence
    reader_bonus: float = 0.0
    items_margin: float | None = None  # the reader's best margin in this sentence or after it
    paragraph_margin: float | None = None  # the reader's best margin in the whole paragraph

    @property
    def rank_score(self) -> float:
        return self.score + self.reader_bonus

    @property
    def paragraph(self) -> Paragraph:
        return self.hit.paragraph


class Answerer:
    """Builds answers from retrieved paragraphs; built once per loaded index."""

    def __init__(self, index: LoadedIndex, embedder: Embedder,
                 reader: Reader | None = None) -> None:
        self.index = index
        self.embedder = embedder
        self.reader = reader
        texts = [s.text for p in index.paragraphs for s in p.sentences]
        self.analyser = QuestionAnalyser(texts, index.words, known_words())
        self.matcher = Matcher(index.words, index.word_vectors,
                               find_aliases(p.text for p in index.paragraphs))
        self.initialisms = find_initialisms(p.text for p in index.paragraphs)
        self.long_forms = find_long_forms(p.text for p in index.paragraphs)
        self.proper_words = proper_words(texts)
        self.antonyms = default_antonyms()
        self.titles = {d.doc: d.title for d in index.documents}
        self.title_roots = {d.doc: _roots(d.title) for d in index.documents}
        self.subject = "article" if len(index.documents) == 1 else "documents"
        self.headings = Headings(index)
        self.contrasts = Contrasts(index, self.proper_words)

    def answer(self, question: str, queries: list[Query], hits: list[Hit],
               vectors: np.ndarray, kind: str = "fact") -> Draft:
        info = self.analyser.analyse(question)
        if kind == "compare":  # two answers: the reader's doubt about one span says little
            info = replace(info, wants_list=True)
        info = replace(info, terms=weigh_form_words(kind, info.terms, question))
        term_vectors = self.matcher.term_vectors(info.terms, self.embedder.encode_queries)
        head_vector = (self.matcher.word_vector(info.head, self.embedder.encode_queries)
                       if info.head and info.answer_type == "name" else None)
        context_vector = vectors[1] if len(vectors) > 1 and is_follow_up(question) else None
        if kind == "compare" and hits:
            hits = hits + self._contrast_hits(hits, vectors[0])
        candidates = self._candidates(info, hits, vectors[0], context_vector, term_vectors,
                                      head_vector, kind)
        if self.reader is not None and candidates:
            self._weigh_with_reader(self._reader_question(info), candidates)
        debug: dict[str, Any] = {"type": info.answer_type, "strict_type": info.strict_type,
                                 "corrected": info.corrected,
                                 "terms": [(t.norm, round(t.weight, 2), t.entity)
                                           for t in info.terms]}
        if not candidates:
            return self._abstain("nothing retrieved", debug)
        best = candidates[0]
        debug["best"] = _describe(best)
        debug["best_quote"] = best.paragraph.text[best.start:best.end]
        # what the reader's doubt rule looks at, for choosing its settings from a dump
        debug["literal_coverage"] = round(_literal_coverage(info.terms, best.matches), 3)
        debug["doubt_applies"] = not info.wants_list and context_vector is None
        reasons = list(self._abstention_reasons(info, best, context_vector is not None))
        if (kind == "list" and self.reader is not None and best.items_margin is not None
                and self.reader.decision.p_answer(best.items_margin, best.paragraph_margin)
                >= self.reader.decision.abstain_below):
            # "Which projects came out of the agreement?": the items follow the sentence
            reasons = [(rule, why) for rule, why in reasons if rule != "answerability"]
        named = [(m, pm) for t, m, pm in zip(info.terms, best.matches, best.paragraph_matches,
                                             strict=True) if self._checkable_entity(t)]
        sides = sides_of(question)
        contrasted = (kind == "compare" and bool(sides) and all(
            side in GENERIC_SIDES or self.analyser.family_in_corpus(stem(side))
            for side in sides) and self.contrasts.sets_names_apart(debug["best_quote"]))
        waived = waived_rules(kind, named, focus_terms(info.terms), contrasted)
        reasons = [(rule, why) for rule, why in reasons if rule not in waived]
        debug["rules"] = list(dict.fromkeys(rule for rule, _ in reasons))
        short = (self._read(best, debug) if self.reader is not None
                 else _short_answer(best, info))
        if kind == "list" and short is None:  # the items, in bold, where the sentence lists them
            short = enumeration(best.paragraph.text[best.start:best.end])
        if reasons:
            debug["short_if_answered"] = short  # for rule ablations (scripts/ablate_rules.py)
            return self._abstain(reasons[0][1], debug)
        items = replace(info, wants_list=True) if kind == "list" else info  # quoted as a list,
        draft = self._compose(items, best, candidates, hits, debug, short)  # doubted as asked
        if kind == "compare" and sides_of(question) and not contrasts(draft.answer):
            draft = self._with_other_side(draft, best, candidates, hits, debug)
        return draft

    def _contrast_hits(self, hits: list[Hit], vector: np.ndarray) -> list[Hit]:
        """For a comparison, the searched document's paragraphs that set two names against
        each other, as further hits (closest in meaning first)."""
        seen = {hit.row for hit in hits}
        rows = [row for row in self.contrasts.rows(hits[0].paragraph.doc) if row not in seen]
        dense = [float(self.index.paragraph_vectors[row] @ vector) for row in rows]
        ranked = sorted(zip(rows, dense, strict=True), key=lambda pair: -pair[1])
        return [Hit(row, self.index.paragraphs[row], 0.0, cosine, len(hits) + i)
                for i, (row, cosine) in enumerate(ranked[:MAX_CONTRAST_HITS])]

    def _weigh_with_reader(self, question: str, candidates: list[Candidate]) -> None:
        """Let the reader's margin nudge the ranking: the sentences close enough to the top to
        be overtaken, in the best few paragraphs, are read (one pass a paragraph) and gain up
        to W_READER."""
        assert self.reader is not None
        near = [c for c in candidates if c.score >= candidates[0].score - W_READER]
        rows = list(dict.fromkeys(c.hit.row for c in near))[:MAX_READ_PARAGRAPHS]
        paragraphs = [self.index.paragraphs[row] for row in rows]
        readings = self.reader.read_windows(
            question, [p.text for p in paragraphs],
            [[(s.start, s.end) for s in p.sentences] for p in paragraphs])
        by_sentence = {(row, j): span for row, spans in zip(rows, readings, strict=True)
                       for j, span in enumerate(spans)}
        for candidate in near:
            candidate.reading = by_sentence.get((candidate.hit.row, candidate.index))
            after = [span.margin for (row, j), span in by_sentence.items()
                     if row == candidate.hit.row and j >= candidate.index and span is not None]
            candidate.items_margin = max(after, default=None)
            candidate.paragraph_margin = max(
                (span.margin for (row, _), span in by_sentence.items()
                 if row == candidate.hit.row and span is not None), default=None)
            if candidate.reading is not None:
                candidate.reader_bonus = W_READER * _sigmoid(
                    candidate.reading.margin / READER_SCALE)
        candidates.sort(key=lambda c: -c.rank_score)

    def _reader_question(self, info: QuestionInfo) -> str:
        """The question as the reader gets it: typos repaired, and an acronym the documents
        define spelled out ("TEL" → "Tokyo Electron Miyagi Ltd (TEL)"), for the reader cannot
        know that the passage's "Tokyo Electron" is the question's "TEL"."""
        return spell_out_acronyms(info.corrected, self.long_forms)

    def _read(self, best: Candidate, debug: dict[str, Any]) -> str | None:
        """The reader's span inside the chosen sentence (the sentence before, quoted for
        context, is read but not answered from), when it beats "no answer" by the margin
        chosen on the reader's validation article; else None (the quote stands alone)."""
        assert self.reader is not None
        span = best.reading
        if span is None:
            return None
        answer = best.paragraph.text[span.start:span.end].strip()
        decision = self.reader.decision
        p_answer = decision.p_answer(span.margin, best.paragraph_margin)
        debug["reader"] = {"span": answer, "margin": round(span.margin, 3),
                           "paragraph_margin": None if best.paragraph_margin is None
                           else round(best.paragraph_margin, 3), "p_answer": round(p_answer, 4)}
        return answer if answer and p_answer >= decision.short_from else None

    # -- scoring -----------------------------------------------------------------------------
    def _candidates(self, info: QuestionInfo, hits: list[Hit], vector: np.ndarray,
                    context_vector: np.ndarray | None, term_vectors: np.ndarray,
                    head_vector: np.ndarray | None = None, kind: str = "fact"
                    ) -> list[Candidate]:
        question_stems = {t.stem for t in info.terms}
        entity_stems = {t.stem for t in info.terms if t.entity}
        terms, matcher = info.terms, self.matcher
        candidates: list[Candidate] = []
        for hit in hits:
            paragraph = hit.paragraph
            if kind in BROAD_KINDS and not answers_broadly(paragraph) or links_away(paragraph):
                continue  # a heading names a why and gives none; a byline, a link, neither
            p_cov, p_matches = matcher.coverage(terms, term_vectors,
                                                matcher.evidence(self._context(hit.row)))
            offset = self.index.sentence_offsets[hit.row]
            previous_matches: list[float] = []
            previous_dense = 0.0
            for j, sentence in enumerate(paragraph.sentences):
                _, own = matcher.coverage(terms, term_vectors, matcher.evidence(sentence.text))
                sv = self.index.sentence_vectors[offset + j]
                dense = float(sv @ vector)
                if context_vector is not None:
                    dense = max(dense, CONTEXT_DENSE * float(sv @ context_vector))
                # a comparison's other side is in the sentence before "In contrast, …"
                leans_back = j > 0 and (refers_back(sentence.text) or kind == "compare"
                                        and contrasts_back(sentence.text))
                credit = LEAN_BACK_CREDIT if leans_back else CONTEXT_CREDIT
                merged = [max(m, (credit if not t.entity else 1.0) * pm) for t, m, pm in
                          zip(terms, own, previous_matches or [0.0] * len(own), strict=True)]
                s_cov = _weighted(terms, merged)
                start = sentence.start
                typed = _typed(sentence, info, question_stems, entity_stems)
                if j > 0 and (leans_back or s_cov - _weighted(terms, own) >= QUOTE_CONTEXT_GAIN):
                    before = paragraph.sentences[j - 1]  # quoted too, so its spans count
                    start = before.start
                    dense = max(dense, (dense + previous_dense) / 2)
                    typed = _typed(before, info, question_stems, entity_stems) + typed
                candidate = Candidate(hit, j, start, sentence.end, dense, s_cov, p_cov, typed,
                                      merged, p_matches)
                candidate.proximity = _proximity(terms, sentence.text)
                if head_vector is not None:
                    candidate.span_fit = [self.matcher.phrase_fit(paragraph.text[a:b],
                                                                  head_vector)
                                          for a, b in typed]
                candidate.score = (W_DENSE * dense + W_SENTENCE * s_cov + W_PARAGRAPH * p_cov
                                   + W_TYPE * (bool(typed) if info.answer_type != "other" else 0)
                                   + W_RANK / (1 + hit.rank)
                                   + W_HEAD * max(candidate.span_fit, default=0.0)
                                   + W_PROXIMITY * candidate.proximity
                                   + kind_bonus(kind, sentence.text, paragraph, dense, vector,
                                                self.headings))
                candidates.append(candidate)
                previous_matches, previous_dense = own, float(sv @ vector)
        candidates.sort(key=lambda c: -c.score)
        return candidates

    def _context(self, row: int) -> str:
        """A paragraph with its document title, section, and short neighbours (bylines…)."""
        paragraphs = self.index.paragraphs
        paragraph = paragraphs[row]
        parts = [self.titles.get(paragraph.doc, ""), paragraph.section, paragraph.text]
        if len(paragraph.text.split()) < SHORT_PARAGRAPH_WORDS:
            for near in (row - 1, row + 1):
                if 0 <= near < len(paragraphs) and paragraphs[near].doc == paragraph.doc:
                    parts.append(paragraphs[near].text)
        return " ".join(parts)

    def _abstention_reasons(self, info: QuestionInfo, best: Candidate,
                            follow_up: bool) -> Iterator[tuple[str, str]]:
        """Why the best evidence does not answer this question, strongest reason first, as
        (rule, message) pairs; the rule names are those of the README's ablation table."""
        question_stems = {t.stem for t in info.terms}
        if not info.terms and not follow_up:
            yield "no-terms", "the question has no words to look up"
        for term in info.terms:
            if not self._checkable_entity(term):
                continue
            if not self.analyser.family_in_corpus(term.stem):
                yield "unknown-name", f"'{term.text}' does not occur in the {self.subject}"
        if not follow_up:
            window = best.paragraph.text[best.start:best.end]
            quoted = None  # the quoted window's words, looked at only for a number
            if info.negated and not _NEGATION_CUES.search(window):
                yield ("negation",
                       "the question asks what is not so, and the best passage negates nothing")
            opposite = self.antonyms.contradiction(info.corrected, window)
            if opposite:
                yield "antonym", (f"the question asks about '{opposite.asked}', the best "
                                  f"passage says '{opposite.found}'")
            answer = best.reading  # the name the reader points to (shown or not) is no rival
            rivals = [window[a:b] for a, b in name_spans(window)
                      if not content_stems(window[a:b]) & question_stems
                      and is_proper_name(window[a:b], self.proper_words)
                      and not (answer is not None
                               and _overlap(best.start + a, best.start + b, answer))]
            for term, in_sentence, in_paragraph in zip(
                    info.terms, best.matches, best.paragraph_matches, strict=True):
                if term.norm.isdigit():
                    quoted = quoted or self.matcher.evidence(window)
                    if not mentions_number(term.norm, quoted):  # 1992 elsewhere in the paragraph
                        yield "number-in-quote", f"the quoted sentence does not mention {term.text}"
                if not self._checkable_entity(term):
                    continue
                if in_paragraph < 0.5:
                    yield "name-in-paragraph", f"the best passage is not about '{term.text}'"
                if (in_sentence < 0.5 and rivals and info.answer_type != "name"
                        and not self._implied_subject(term, rivals, best.paragraph.doc)):
                    yield "rival-name", f"the best sentence is about {rivals[0]}, not '{term.text}'"
        if best.dense < MIN_DENSE:
            yield "meaning-floor", f"no passage is close in meaning (best {best.dense:.2f})"
        if info.strict_type and not best.typed:
            kind = info.unit or info.answer_type
            yield "answer-type", f"the best passage holds no {kind} for the question"
        reading = best.reading
        if reading is not None and self.reader is not None and not follow_up:
            decision = self.reader.decision
            p_answer = decision.p_answer(reading.margin, best.paragraph_margin)
            if p_answer < decision.abstain_below:
                yield ("answerability", "the reader finds no answer in the best passage "
                                        f"(P(answer) {p_answer:.2f})")
            strict = info.strict_type and info.answer_type in ("date", "number")
            if strict and best.typed and not any(_overlap(a, b, reading) for a, b in best.typed):
                yield "reader-type", (f"the reader's answer in the best sentence is not the "
                                      f"{info.answer_type} there")
        if info.terms and not follow_up:
            if best.paragraph_coverage < MIN_PARAGRAPH_COVERAGE:
                coverage = best.paragraph_coverage
                yield "paragraph-coverage", f"the question's terms are missing ({coverage:.2f})"
            if best.sentence_coverage < MIN_SENTENCE_COVERAGE:
                coverage = best.sentence_coverage
                yield "sentence-coverage", f"the sentence covers too little ({coverage:.2f})"

    def _implied_subject(self, term: Term, rivals: list[str], doc: str) -> bool:
        """The term names the document's subject ("Harvard" in "Harvard University"), which
        its sentences need not repeat, and no rival is another name of the title ("India" in
        "India Japan Semiconductors" for a question about Japan)."""
        title = self.title_roots.get(doc, frozenset())
        return bool(_roots(term.text) & title) and not any(_roots(r) & title for r in rivals)

    def _checkable_entity(self, term: Term) -> bool:
        """A name the evidence must contain (acronyms the corpus spells out are exempt)."""
        if not term.entity or term.norm.isdigit():
            return False
        return not (is_acronym(term.text) and term.norm in self.initialisms)

    # -- composing ---------------------------------------------------------------------------
    def _compose(self, info: QuestionInfo, best: Candidate, candidates: list[Candidate],
                 hits: list[Hit], debug: dict[str, Any], short: str | None) -> Draft:
        spans = [_Span(best.paragraph, best.start, best.end)]
        for other in candidates[1:]:
            if other.score < RUNNER_UP_RATIO * best.score:
                break
            continues = (other.paragraph.anchor == best.paragraph.anchor
                         and other.index == best.index + 1 and other.start < best.end)
            if continues:  # "It leads in …" right after the best sentence carries it on
                spans[0].end = max(spans[0].end, other.end)
            elif info.wants_list and other.sentence_coverage >= LIST_ITEM_COVERAGE:
                joined = next((span for span in spans if span.touches(other)), None)
                if joined:
                    joined.start, joined.end = (min(joined.start, other.start),
                                                max(joined.end, other.end))
                elif len(spans) < MAX_QUOTES:
                    spans.append(_Span(other.paragraph, other.start, other.end))
        if info.wants_list:
            _extend_through_enumeration(spans[0])
        citations = CitationList({h.paragraph.anchor for h in hits})
        parts = []
        for span in spans:
            quote = Quote(span.paragraph, span.start, span.end)
            parts.append(f"“{quote.text}” [{citations.cite(quote)}]")
        body = "\n\n".join(parts)
        answer = f"**{short}** — {body}" if short else body
        debug["quotes"] = [f"{span.paragraph.anchor}:{span.start}-{span.end}" for span in spans]
        return Draft(answer, False, citations.citations, short, debug)

    def _with_other_side(self, draft: Draft, best: Candidate, candidates: list[Candidate],
                         hits: list[Hit], debug: dict[str, Any]) -> Draft:
        """A comparison whose quotes set nothing against each other: add the best sentence
        that does ("…, while …"), when it scores close enough, as a further quote."""
        other = next((c for c in candidates if contrasts(c.paragraph.text[c.start:c.end])
                      and c.score >= OTHER_SIDE_RATIO * best.score), None)
        if other is None:
            return draft
        citations = CitationList({h.paragraph.anchor for h in hits})
        for citation in draft.citations:
            citations.cite(Quote(best.paragraph if citation.anchor == best.paragraph.anchor
                                 else self._paragraph(citation.anchor), citation.start,
                                 citation.end))
        quote = Quote(other.paragraph, other.start, other.end)
        answer = f"{draft.answer}\n\n“{quote.text}” [{citations.cite(quote)}]"
        debug["other_side"] = f"{other.paragraph.anchor}:{other.start}-{other.end}"
        return Draft(answer, False, citations.citations, draft.short_answer, debug)

    def _paragraph(self, anchor: str) -> Paragraph:
        return next(p for p in self.index.paragraphs if p.anchor == anchor)

    def _abstain(self, reason: str, debug: dict[str, Any]) -> Draft:
        debug["abstain"] = reason
        verb = "do" if self.subject.endswith("s") else "does"
        text = (f"The {self.subject} {verb} not say. I found no passage that answers this "
                f"question, so there is nothing to cite.")
        return Draft(text, True, (), None, debug)


def _typed(sentence: Sentence, info: QuestionInfo, question_stems: set[str],
           entity_stems: set[str]) -> list[tuple[int, int]]:
    """The sentence's spans of the asked type (and unit) that add information, as paragraph
    offsets."""
    spans = []
    for a, b in typed_spans(sentence.text, info.answer_type):
        text = sentence.text[a:b]
        if (_new_information(text, question_stems, entity_stems, info.answer_type)
                and (not info.unit or fits_unit(text, info.unit))):
            spans.append((a + sentence.start, b + sentence.start))
    return spans


def _roots(text: str) -> frozenset[str]:
    """The word-family roots of a text's content words ("normans" → "norman" …)."""
    return frozenset(root for s in content_stems(text) for root in family_roots(s))


def _new_information(span: str, question: set[str], entities: set[str], kind: str) -> bool:
    """A span can answer only if it adds something: not all question words, and a name is
    not one the question itself names ("Who met Modi?" is not answered by "Narendra Modi")."""
    stems = content_stems(span)
    if stems and stems <= question:
        return False
    return not (kind == "name" and stems & entities)


def _proximity(terms: tuple[Term, ...], sentence: str) -> float:
    """Weighted share of the question's terms found together within a few words."""
    total = sum(t.weight for t in terms)
    if not total:
        return 0.0
    weights = {t.stem: t.weight for t in terms}
    hits = [(i, tok.stem) for i, tok in enumerate(tokenize(sentence)) if tok.stem in weights]
    best = 0.0
    for i, (position, _) in enumerate(hits):
        inside = {stem_ for p, stem_ in hits[i:] if p - position < PROXIMITY_WINDOW}
        best = max(best, sum(weights[s] for s in inside))
    return best / total


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _weighted(terms: tuple[Term, ...], matches: list[float]) -> float:
    total = sum(t.weight for t in terms)
    return sum(t.weight * m for t, m in zip(terms, matches, strict=True)) / total if total else 0.0


def _overlap(start: int, end: int, span: ReadSpan) -> bool:
    """The paragraph characters start:end share at least one with the reader's span."""
    return start < span.end and span.start < end


def _literal_coverage(terms: tuple[Term, ...], matches: list[float]) -> float:
    """The weighted share of the terms found as themselves, not only by meaning."""
    return _weighted(terms, [m if m >= LITERAL_MATCH else 0.0 for m in matches])


def _short_answer(candidate: Candidate, info: QuestionInfo) -> str | None:
    """The typed span nearest to the question's words in the quoted window, if the type
    asks."""
    if not candidate.typed:
        return None
    text = candidate.paragraph.text
    stems = {t.stem for t in info.terms}
    anchors = [m.start() for m in re.finditer(r"\w+", text[candidate.start:candidate.end])
               if content_stems(m.group()) & stems]

    def distance(span: tuple[int, int]) -> float:
        if not anchors:
            return 0.0
        middle = (span[0] + span[1]) / 2 - candidate.start
        return min(abs(middle - a) for a in anchors)

    fits = candidate.span_fit or [0.0] * len(candidate.typed)
    ranked = sorted(zip(candidate.typed, fits, strict=True),
                    key=lambda pair: (-round(pair[1], 1), distance(pair[0])))
    start, end = ranked[0][0]
    return text[start:end]


_ENUMERATION = re.compile(r"^(?:one|another|the other|finally|first(?:ly)?|second(?:ly)?|"
                         r"third(?:ly)?|lastly|next|also|additionally|in addition|moreover|"
                         r"furthermore|other)\b", re.IGNORECASE)
MAX_ENUMERATION = 5


def _extend_through_enumeration(span: _Span) -> None:
    """For a list question, carry the quote on through "One is … Another is … Finally …",
    also past one bridging sentence ("These efforts led to specific projects.")."""
    following = [s for s in span.paragraph.sentences if s.start >= span.end]
    items = [bool(_ENUMERATION.match(s.text)) for s in following]
    start = 0
    if following and not items[0] and connects_back(following[0].text):
        start = 1  # a bridge counts only when an enumeration follows it
    if start >= len(items) or not items[start]:
        return
    for sentence, is_item in list(zip(following, items, strict=True))[:start + MAX_ENUMERATION]:
        if not is_item and sentence is not following[0]:
            break
        span.end = sentence.end


@dataclass
class _Span:
    """A quote being assembled: a character range of one paragraph."""

    paragraph: Paragraph
    start: int
    end: int

    def touches(self, other: Candidate) -> bool:
        """Same paragraph, and overlapping or directly adjacent."""
        if self.paragraph.anchor != other.paragraph.anchor:
            return False
        gap = self.paragraph.text[min(self.end, other.end):max(self.start, other.start)]
        return other.start <= self.end and self.start <= other.end or not gap.strip()


def _describe(c: Candidate) -> dict[str, Any]:
    return {"anchor": c.paragraph.anchor, "sentence": c.index, "score": round(c.score, 3),
            "dense": round(c.dense, 3), "s_cov": round(c.sentence_coverage, 3),
            "p_cov": round(c.paragraph_coverage, 3), "typed": len(c.typed),
            "reader_bonus": round(c.reader_bonus, 3)}


__all__ = ["Answerer", "Draft", "Term"]
